/**
 * `--set key=value` options of the benchmarks: a dotted configuration key and a JSON value (e.g.
 * `--set model.warmStartInputs=0`, `--set kafka.maxBytesPerPartition=262144`).
 */
export function parseSets(sets: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(
    sets.map((kv) => {
      const at = kv.indexOf('=');
      if (at <= 0) throw new Error(`--set ${kv}: expected key=value, e.g. model.warmStartInputs=0`);
      return [kv.slice(0, at), JSON.parse(kv.slice(at + 1)) as unknown];
    }),
  );
}

/** Sets `target`'s value at the dotted `path`, creating the objects on the way. */
export function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split('.');
  let node = target;
  for (const part of parts.slice(0, -1)) {
    node[part] ??= {};
    node = node[part] as Record<string, unknown>;
  }
  node[parts[parts.length - 1]] = value;
}
