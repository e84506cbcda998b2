import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { initParams } from '../../src/model/init-params.js';
import { loadModel } from '../../src/model/load-model.js';
import { SeededRandom } from '../../src/model/random.js';
import { RnnModel } from '../../src/model/rnn-model.js';
import { saveModel } from '../../src/model/save-model.js';
import type { ChampionChange, ModelRegistry } from '../../src/registry/model-registry.js';

/** Saves a small model with seed `seed` to a fresh folder; returns its manifest path. */
export async function savedModel(seed: number): Promise<string> {
  const spec = { cell: 'gru', inputSize: 2, hiddenSize: 3, numLayers: 1, outputSize: 1 } as const;
  const dir = await mkdtemp(join(tmpdir(), 'rnn-stream-registry-model-'));
  const saved = await saveModel(
    dir,
    { name: `m${seed}`, output: { decode: 'identity', target: 'value' }, provenance: { seed }, metrics: { validation: { model: { mse: seed, mae: 1, n: 3 } } } },
    new RnnModel(spec, initParams(spec, new SeededRandom(seed))),
  );
  return saved.manifestPath;
}

/** The behaviour every ModelRegistry store must have (run on the filesystem and on Redis). */
export function registryContract(make: () => Promise<ModelRegistry>): void {
  it('registers immutable, content-addressed versions: same bytes, same version; provenance and metrics kept', async () => {
    const registry = await make();
    const path = await savedModel(1);
    const first = await registry.register(path, { codeVersion: 'test' });
    expect(first.created).toBe(true);
    expect(first.info.version).toMatch(/^[0-9a-f]{16}$/);
    expect(first.info).toMatchObject({ name: 'm1', target: 'value', provenance: { seed: 1, codeVersion: 'test' }, metrics: { validation: { model: { mse: 1 } } } });
    const again = await registry.register(path);
    expect(again.created).toBe(false);
    expect(again.info).toEqual(first.info);
    const other = await registry.register(await savedModel(2));
    expect(other.info.version).not.toBe(first.info.version);
    expect((await registry.list()).map((v) => v.version)).toEqual([first.info.version, other.info.version]);
    expect((await registry.show(first.info.version.slice(0, 6))).name).toBe('m1');
    await expect(registry.show('ffff0000')).rejects.toThrow(/no model version ffff0000/);
    // open() gives a loadable model stamped with the registry version, with the same weights.
    const loaded = await loadModel(await registry.open(first.info.version));
    expect(loaded.version).toBe(first.info.version);
    const weightsOf = async (manifest: string) => readFile(join(manifest, '..', JSON.parse(await readFile(manifest, 'utf-8')).weights as string));
    expect(Buffer.compare(await weightsOf(await registry.open(first.info.version)), await weightsOf(path))).toBe(0);
    expect(JSON.parse(await readFile(await registry.open(first.info.version), 'utf-8')).version).toBe(first.info.version);
    await registry.close();
  });

  it('promotes, rolls back through earlier champions, keeps the history and notifies watchers', async () => {
    const registry = await make();
    const a = (await registry.register(await savedModel(11))).info.version;
    const b = (await registry.register(await savedModel(12))).info.version;
    const c = (await registry.register(await savedModel(13))).info.version;
    expect(await registry.champion()).toBeNull();
    await expect(registry.rollback('nothing yet')).rejects.toThrow('no earlier champion to roll back to');
    const seen: ChampionChange[] = [];
    const unwatch = await registry.watchChampion((change) => seen.push(change));
    await registry.promote(a, 'first');
    await registry.promote(b, 'better');
    await registry.promote(c, 'better still');
    expect(await registry.champion()).toBe(c);
    expect(await registry.rollback('c misbehaves')).toMatchObject({ version: b, previous: c, reason: 'c misbehaves' });
    expect(await registry.rollback('b too')).toMatchObject({ version: a, previous: b });
    expect(await registry.champion()).toBe(a);
    await expect(registry.rollback('again')).rejects.toThrow('no earlier champion');
    expect((await registry.history()).map((h) => [h.version, h.previous, h.reason])).toEqual([
      [a, null, 'first'],
      [b, a, 'better'],
      [c, b, 'better still'],
      [b, c, 'c misbehaves'],
      [a, b, 'b too'],
    ]);
    await expect.poll(() => seen.length, { timeout: 5000 }).toBe(5);
    expect(seen.map((s) => s.version)).toEqual([a, b, c, b, a]);
    await unwatch();
    await expect(registry.promote('0000aaaa', 'unknown')).rejects.toThrow(/no model version/);
    await registry.close();
  });

  it('keeps a shadow list beside the champion, notifies watchers of its changes, and drops a shadow that is promoted', async () => {
    const registry = await make();
    const a = (await registry.register(await savedModel(21))).info.version;
    const b = (await registry.register(await savedModel(22))).info.version;
    const c = (await registry.register(await savedModel(23))).info.version;
    await registry.promote(a, 'first');
    expect(await registry.shadows()).toEqual([]);
    const seen: ChampionChange[] = [];
    const unwatch = await registry.watchChampion((change) => seen.push(change));
    expect(await registry.addShadow(b.slice(0, 8), 'try b')).toMatchObject({ version: a, previous: a, shadows: [b] });
    await registry.addShadow(c, 'try c');
    await registry.addShadow(c, 'twice is once');
    expect(await registry.shadows()).toEqual([b, c]);
    await expect(registry.addShadow(a, 'champion')).rejects.toThrow(`version ${a} is the champion; it cannot also be a shadow`);
    await registry.removeShadow(c, 'enough');
    await expect(registry.removeShadow(c, 'again')).rejects.toThrow(`version ${c} is not a shadow (shadows: ${b})`);
    expect(await registry.promote(b, 'b won')).toMatchObject({ version: b, previous: a, shadows: [] });
    expect(await registry.shadows()).toEqual([]);
    await expect.poll(() => seen.length, { timeout: 5000 }).toBe(5);
    expect(seen.map((s) => s.reason)).toEqual(['try b', 'try c', 'twice is once', 'enough', 'b won']);
    await unwatch();
    await registry.close();
  });
}
