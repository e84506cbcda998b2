import type { z } from 'zod';
import { REDACTED, redactValue } from './redact-secrets.js';

/** Where a configuration value came from, for messages: keyed by dotted key. */
export type ValueSources = ReadonlyMap<string, string>;

/**
 * One message per validation issue, each naming the key, the value and the rule, and where the
 * value came from when known: `kafka.brokers = [] (from /etc/rnn.yaml): Too small: ...`.
 * Secrets are never printed: values under `password`, `sasl` (but its mechanism and username),
 * passwords inside URLs and PEM private keys are masked (config/redact-secrets.ts).
 */
export function describeIssues(issues: readonly z.core.$ZodIssue[], input: unknown, sources: ValueSources, fallback: string): string[] {
  const lines: string[] = [];
  for (const issue of issues) {
    const path = issue.path.map(String);
    if (issue.code === 'unrecognized_keys') {
      for (const k of issue.keys) {
        const key = [...path, k].join('.');
        lines.push(`${key}: unknown key (${sourceOf(key, sources, fallback)}); check the spelling against config/default.yaml`);
      }
      continue;
    }
    const key = path.join('.') || '(root)';
    const value = valueAt(input, path);
    if (value === undefined) {
      lines.push(`${key} is missing: ${issue.message}`);
      continue;
    }
    const safe = redactValue(value, path);
    const shown = safe === REDACTED ? REDACTED : show(safe);
    lines.push(`${key} = ${shown} (${sourceOf(key, sources, fallback)}): ${issue.message}`);
  }
  return lines;
}

function sourceOf(key: string, sources: ValueSources, fallback: string): string {
  for (let k = key; k.length > 0; k = k.slice(0, Math.max(0, k.lastIndexOf('.')))) {
    const s = sources.get(k);
    if (s) return s;
  }
  return fallback;
}

function valueAt(input: unknown, path: readonly string[]): unknown {
  let node = input;
  for (const p of path) {
    if (typeof node !== 'object' || node === null) return undefined;
    node = (node as Record<string, unknown>)[p];
  }
  return node;
}

function show(v: unknown): string {
  const text = JSON.stringify(v) ?? String(v);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
