import { readFileSync } from 'node:fs';
import { DockerfileParser } from 'dockerfile-ast';
import { validate } from 'dockerfile-utils';
import { describe, expect, it } from 'vitest';

const text = readFileSync('Dockerfile', 'utf-8');
const dockerfile = DockerfileParser.parse(text);
/** Each instruction with its flags (`--from=build`) and arguments. */
const instructions = dockerfile.getInstructions().map((i) => ({
  keyword: i.getKeyword(),
  flags: 'getFlags' in i && typeof i.getFlags === 'function' ? (i.getFlags() as { toString(): string }[]).map(String) : [],
  args: i.getArgumentsContent() ?? '',
  line: i.getRange().start.line,
}));
const froms = instructions.filter((i) => i.keyword === 'FROM');
const runtimeStage = instructions.filter((i) => i.line > froms[froms.length - 1].line);

describe('Dockerfile', () => {
  it('has no problem the Dockerfile linter reports', () => {
    expect(validate(text).map((d) => `line ${d.range.start.line + 1}: ${d.message}`)).toEqual([]);
  });

  it('the linter does report a broken Dockerfile (the check can fail)', () => {
    expect(validate('FROM node:20\nEXPOSE http\nHEALTHCHECK --interval=often CMD true\n').length).toBeGreaterThanOrEqual(2);
  });

  it('is multi-stage: the runtime stage starts from a slim image and copies the build output', () => {
    expect(froms.length).toBeGreaterThanOrEqual(2);
    expect(froms[froms.length - 1].args).toMatch(/^node:20[\w.-]*-slim$/);
    expect(runtimeStage.some((i) => i.keyword === 'COPY' && i.flags.includes('--from=build') && i.args.includes('dist'))).toBe(true);
  });

  it('installs production dependencies only for the runtime stage', () => {
    const depsStage = froms.find((f) => / AS deps$/i.test(f.args));
    expect(depsStage).toBeDefined();
    const depsRuns = instructions.filter((i) => i.keyword === 'RUN' && i.line > depsStage!.line && i.line < froms[froms.length - 1].line);
    expect(depsRuns.some((i) => /npm ci\b.*--omit=dev/.test(i.args))).toBe(true);
    expect(runtimeStage.some((i) => i.keyword === 'COPY' && i.flags.includes('--from=deps') && i.args.includes('node_modules'))).toBe(true);
    expect(runtimeStage.filter((i) => i.keyword === 'RUN')).toEqual([]);
  });

  it('applies the kafkajs patch to the production dependencies (install scripts are off)', () => {
    const depsStage = froms.find((f) => / AS deps$/i.test(f.args))!;
    const depsStageEnd = froms.find((f) => f.line > depsStage.line)!.line;
    const inDeps = instructions.filter((i) => i.line > depsStage.line && i.line < depsStageEnd);
    expect(inDeps.some((i) => i.keyword === 'COPY' && i.args.startsWith('patches '))).toBe(true);
    expect(inDeps.some((i) => i.keyword === 'RUN' && /npm ci\b.*--ignore-scripts.*&& npx patch-package\b/.test(i.args))).toBe(true);
  });

  it('runs as a non-root user', () => {
    const users = runtimeStage.filter((i) => i.keyword === 'USER');
    expect(users.length).toBeGreaterThan(0);
    expect(users[users.length - 1].args).not.toMatch(/^(root|0)(:|$)/);
  });

  it('probes /healthz on the metrics port, and runs the service by default', () => {
    const health = runtimeStage.find((i) => i.keyword === 'HEALTHCHECK');
    expect(health?.args).toContain('/healthz');
    expect(health?.args).toContain('9464');
    expect(health?.flags).toEqual(expect.arrayContaining([expect.stringMatching(/^--interval=/), expect.stringMatching(/^--timeout=/)]));
    expect(runtimeStage.find((i) => i.keyword === 'ENTRYPOINT')?.args).toContain('bin/rnn-stream.js');
    expect(runtimeStage.find((i) => i.keyword === 'CMD')?.args).toBe('["run"]');
  });

  it('copies only paths that exist in the repository and are not excluded by .dockerignore', () => {
    const ignored = readFileSync('.dockerignore', 'utf-8').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
    const sources = instructions
      .filter((i) => i.keyword === 'COPY' && i.flags.length === 0)
      .flatMap((i) => i.args.split(/\s+/).slice(0, -1));
    expect(sources.length).toBeGreaterThan(3);
    for (const source of sources) {
      expect(() => readFileSync(source.endsWith('/') ? `${source}.` : source), source).not.toThrow(/ENOENT/);
      expect(ignored.some((p) => source === p || source.startsWith(`${p}/`)), `${source} is in .dockerignore`).toBe(false);
    }
  });
});
