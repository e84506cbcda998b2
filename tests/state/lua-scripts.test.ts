import { describe, expect, it } from 'vitest';
import { readLuaScripts } from '../../src/state/lua-scripts.js';

describe('readLuaScripts', () => {
  it('reads each script with its key count taken from the <command>-<numKeys>.lua name', () => {
    const scripts = Object.fromEntries(readLuaScripts().map((s) => [s.name, s]));
    expect(Object.keys(scripts).sort()).toEqual(['rnnStreamApplyBatch', 'rnnStreamLoad', 'rnnStreamMarkProduced']);
    expect(scripts.rnnStreamApplyBatch.numberOfKeys).toBe(3);
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
      for (let k = 1; k <= numberOfKeys; k++) expect(header, `${name} KEYS[${k}]`).toContain(`KEYS[${k}]`);
      for (const used of new Set(body.match(/(KEYS|ARGV)\[\d+\]/g) ?? [])) expect(header, `${name} ${used}`).toContain(used);
      expect(body.match(/KEYS\[(\d+)\]/g)?.every((k) => Number(/\d+/.exec(k)?.[0]) <= numberOfKeys), name).toBe(true);
    }
  });
});
