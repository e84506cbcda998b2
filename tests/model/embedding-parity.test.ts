import { readFileSync } from 'node:fs';
import { copyFile, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_DECODE_LIMITS, decodeEvent } from '../../src/events/decode-event.js';
import { decodeOptionsForModel } from '../../src/events/decode-options-for-model.js';
import { CELL_KINDS } from '../../src/model/cell-kind.js';
import { loadModel } from '../../src/model/load-model.js';
import { ModelRuntime } from '../../src/runtime/model-runtime.js';

// PyTorch modules with `embedding = nn.Embedding(12, 5)` before `rnn` (2 layers, hidden 8) and
// `head`, saved with state_dict() unchanged (tests/fixtures/parity/generate_embedding.py, fixtures in embedding/), run
// through the public loader, the event decoder and ModelRuntime as the pipeline runs them.
const DIR = join(import.meta.dirname, '../fixtures/parity/embedding');
const TOLERANCE = 1e-5;

interface Io {
  tokens: string[];
  ids: number[];
  outputs: number[][];
}

describe('token models: PyTorch parity through the public loader', () => {
  for (const cell of CELL_KINDS) {
    const io = JSON.parse(readFileSync(join(DIR, `emb-${cell}.io.json`), 'utf-8')) as Io;
    for (const field of ['token', 'id'] as const) {
      it(`${cell}: ${field} events give PyTorch's outputs within ${TOLERANCE} at every step`, async () => {
        const loaded = await loadModel(join(DIR, `emb-${cell}.json`));
        const opts = decodeOptionsForModel(loaded.manifest, DEFAULT_DECODE_LIMITS);
        const runtime = new ModelRuntime(loaded);
        const state = runtime.newKeyState();
        let worst = 0;
        let unknown = 0;
        io.tokens.forEach((token, t) => {
          const body = { key: 'doc-7', ts: 1_764_000_000_000 + t, ...(field === 'token' ? { token } : { id: io.ids[t] }) };
          const decoded = decodeEvent(JSON.stringify(body), 'doc-7', opts);
          if (!decoded.ok) throw new Error(decoded.detail);
          if (decoded.event.kind !== 'token') throw new Error('not a token event');
          expect(decoded.event.id).toBe(io.ids[t]);
          if (decoded.event.unknown) unknown++;
          runtime.advance(state, decoded.event);
          io.outputs[t].forEach((y, k) => (worst = Math.max(worst, Math.abs(runtime.out[k] - y) / Math.max(Math.abs(y), 1))));
        });
        expect(worst).toBeLessThan(TOLERANCE);
        // The words outside the vocabulary ("tasty", "meh") are flagged; ids never are.
        const outside = io.tokens.filter((w) => w === 'tasty' || w === 'meh').length;
        expect(outside).toBeGreaterThan(0);
        expect(unknown).toBe(field === 'token' ? outside : 0);
      });
    }
  }

  it('refuses an embedding table in a model whose manifest declares no vocabulary, naming the tensor', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'rnn-stream-emb-'));
    const manifest = JSON.parse(readFileSync(join(DIR, 'emb-gru.json'), 'utf-8')) as Record<string, unknown>;
    await copyFile(join(DIR, 'emb-gru.safetensors'), join(dir, 'emb-gru.safetensors'));
    await writeFile(join(dir, 'm.json'), JSON.stringify({ ...manifest, features: { kind: 'vector' } }));
    await expect(loadModel(join(dir, 'm.json'))).rejects.toThrow(/unexpected tensor.*embedding\.weight|embedding\.weight.*unexpected tensor/);
  });

  it('refuses a vocabulary whose size differs from the embedding rows, or that lists a token twice', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'rnn-stream-emb-'));
    const manifest = JSON.parse(readFileSync(join(DIR, 'emb-gru.json'), 'utf-8')) as { features: { vocabulary: { tokens: string[] } } };
    await copyFile(join(DIR, 'emb-gru.safetensors'), join(dir, 'emb-gru.safetensors'));
    const tokens = manifest.features.vocabulary.tokens;
    const variant = (t: string[]) => ({ ...manifest, features: { kind: 'token', vocabulary: { ...manifest.features.vocabulary, tokens: t } } });
    await writeFile(join(dir, 'short.json'), JSON.stringify(variant(tokens.slice(0, 11))));
    await expect(loadModel(join(dir, 'short.json'))).rejects.toThrow(/shape \[12, 5\], expected \[11, 5\]/);
    await writeFile(join(dir, 'dup.json'), JSON.stringify(variant([...tokens.slice(0, 11), 'the'])));
    await expect(loadModel(join(dir, 'dup.json'))).rejects.toThrow(/lists "the" twice/);
  });
});
