/**
 * Characters a terminal may act on rather than show: C0 controls (ESC starts escape sequences),
 * DEL, C1 controls (U+009B is a one-character CSI), line/paragraph separators and the bidi
 * overrides/isolates that reorder what follows.
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/**
 * Text safe to print on a terminal: each control character becomes `\xHH` or `\uHHHH`, and a
 * backslash becomes `\\`, so the escaped text is unambiguous (two different keys never print the
 * same). Printable characters, including non-ASCII letters, are kept.
 */
export function escapeControl(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(CONTROL, (c) => {
    const code = c.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

/** JSON text with the characters of {@link escapeControl} written as `\uHHHH` escapes (same JSON value). */
export function escapeJsonControl(json: string): string {
  return json.replace(CONTROL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
