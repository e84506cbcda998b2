import { decodeEvent, type DecodeOptions } from '../../src/events/decode-event.js';
import type { LoadedModel } from '../../src/model/load-model.js';
import type { KeyState } from '../../src/state/key-state.js';
import { ModelRuntime } from '../../src/runtime/model-runtime.js';

/** An offline, sequential replay of event lines (in order) with one fresh runtime: the reference. */
export function replay(loaded: LoadedModel, lines: readonly string[], decode: DecodeOptions): { outputs: (number[] | null)[]; states: Map<string, KeyState> } {
  const runtime = new ModelRuntime(loaded);
  const states = new Map<string, KeyState>();
  const outputs = lines.map((line, i) => {
    const d = decodeEvent(line, undefined, decode);
    if (!d.ok) return null;
    let s = states.get(d.event.key);
    if (!s) states.set(d.event.key, (s = runtime.newKeyState()));
    runtime.advance(s, d.event);
    s.lastOffset = i;
    return Array.from(runtime.out);
  });
  return { outputs, states };
}
