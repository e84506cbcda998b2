import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe } from 'vitest';
import { FilesystemRegistry } from '../../src/registry/filesystem-registry.js';
import { registryContract } from './registry-contract.js';

describe('FilesystemRegistry', () => {
  registryContract(async () => new FilesystemRegistry({ directory: join(await mkdtemp(join(tmpdir(), 'rnn-stream-registry-')), 'registry'), pollMs: 50 }));
});
