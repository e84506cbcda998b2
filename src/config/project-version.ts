import { readFileSync } from 'node:fs';

/** The project's version, from its package.json (the same from src/ under tsx and from dist/). */
export const PROJECT_VERSION: string = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf-8')) as { version: string }
).version;
