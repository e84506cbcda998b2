import { describe, expect, it } from 'vitest';
import { readLuaScripts } from '../../src/state/lua-scripts.js';

describe('readLuaScripts', () => {
  it('reads each script with its key count taken from the <command>-<numKeys>.lua name (-n: given per call)', () => {
    const scripts = Object.fromEntries(readLuaScripts().map((s) => [s.name, s]));
    expect(Object.keys(scripts).sort()).toEqual(['rnnStreamApplyBatch', 'rnnStreamLoad', 'rnnStreamMarkProduced']);
    expect(scripts.rnnStreamApplyBatch.numberOfKeys).toBeUndefined();
    expect(scripts.rnnStreamLoad.numberOfKeys).toBe(3);
    expect(scripts.rnnStreamMarkProduced.numberOfKeys).toBe(1);
  });

  it('opens every script with a header naming each KEYS and ARGV it uses and its output', () => {
    for (const { name, lua, numberOfKeys } of readLuaScripts()) {
      const opening = /^--\[\[([\s\S]*?)\]\]/.exec(lua);
      const header = opening?.[1] ?? '';
      const body = lua.slice(opening?.[0].length ?? 0);
      expect(body.length, name).toBeGreaterThan(0);
      expect(header, name).toMatch(/Input:/);
      expect(header, name).toMatch(/Output/);
      const fixedKeys = numberOfKeys ?? 3;
      for (let k = 1; k <= fixedKeys; k++) expect(header, `${name} KEYS[${k}]`).toContain(`KEYS[${k}]`);
      for (const used of new Set(body.match(/(KEYS|ARGV)\[\d+\]/g) ?? [])) expect(header, `${name} ${used}`).toContain(used);
      expect(body.match(/KEYS\[(\d+)\]/g)?.every((k) => Number(/\d+/.exec(k)?.[0]) <= fixedKeys), name).toBe(true);
    }
  });
});

/** The key argument of every `redis.call(...)` of a script, with the KEYS lists its loops walk. */
function keyArguments(lua: string): { keyArgs: string[]; loopKeys: Map<string, string[]> } {
  const body = lua.replace(/^--\[\[[\s\S]*?\]\]/, '');
  const loopKeys = new Map<string, string[]>();
  for (const m of body.matchAll(/for\s+_,\s*(\w+)\s+in\s+ipairs\(\{([^}]*)\}\)/g)) loopKeys.set(m[1], m[2].split(',').map((s) => s.trim()));
  const keyArgs = [...body.matchAll(/redis\.call\(\s*'[A-Za-z]+'\s*,\s*([^,)]+)/g)].map((m) => m[1].trim());
  return { keyArgs, loopKeys };
}

describe('Lua scripts and Redis Cluster', () => {
  it('touch only the keys they are given (KEYS[1..numKeys]: one partition, one hash tag, one slot)', () => {
    for (const { name, lua, numberOfKeys } of readLuaScripts()) {
      const { keyArgs, loopKeys } = keyArguments(lua);
      expect(keyArgs.length, name).toBeGreaterThan(0);
      for (const arg of keyArgs) {
        const keys = loopKeys.get(arg) ?? [arg];
        for (const k of keys) {
          // A script with numKeys given per call (-n) may loop over all of its KEYS (KEYS[i], i <= #KEYS).
          const index = numberOfKeys === undefined ? /^KEYS\[(\d+|i)\]$/.exec(k) : /^KEYS\[(\d+)\]$/.exec(k);
          expect(index, `${name}: redis.call with key ${k}`).not.toBeNull();
          if (index![1] !== 'i') expect(Number(index![1]), `${name}: ${k}`).toBeLessThanOrEqual(numberOfKeys ?? 3);
        }
      }
      expect(lua, name).not.toMatch(/redis\.call\(\s*'(KEYS|SCAN|EVAL|SELECT)'/i);
    }
  });

  it('the check finds a key built inside a script (it can fail)', () => {
    const { keyArgs } = keyArguments("redis.call('GET', KEYS[1])\nredis.call('SET', 'other:' .. ARGV[1], 1)");
    expect(keyArgs).toEqual(['KEYS[1]', "'other:' .. ARGV[1]"]);
  });
});
