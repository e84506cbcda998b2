import { readFileSync } from 'node:fs';

/** The package version of this code, recorded in the provenance of registered models. */
export const CODE_VERSION: string = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf-8')) as { version: string }).version;
