/**
 * Reads a text training file as a stream (read-lines.ts), one example per line, tokenized with
 * the tokenizer serving uses (src/text/tokenize.ts). Tokens are interned into provisional ids as
 * they come (the vocabulary is chosen later, from the training split only), so memory holds one
 * Int32 per token and one string per distinct token, never the file's text.
 *
 *     label        label<TAB>text    the label is the text before the first TAB (trimmed), the
 *                                    text everything after it; a line must have both, and its
 *                                    text at least one token; blank lines are invalid
 *     next_token   text              blank lines are skipped (paragraph breaks); a line of one
 *                                    token predicts nothing and is skipped; both are counted
 *
 * An invalid line is refused with its line number (the run fails listing the first ones), or,
 * with `skipInvalid`, reported through `onInvalid` and left out.
 */
import { DatasetError } from '../../errors/index.js';
import { tokenize, type Tokenizer } from '../../text/tokenize.js';
import { readLines, type OnFileProgress } from '../read-lines.js';
import type { TextTarget } from './text-training-options.js';

/** Examples of a text file, with provisional token and label ids (first-seen order). */
export interface TextExamples {
  /** Token of each provisional id. */
  readonly tokens: readonly string[];
  /** Label of each provisional label id (label target). */
  readonly labels: readonly string[];
  /** Per example: its tokens' provisional ids. */
  readonly ids: readonly Int32Array[];
  /** Per example: its provisional label id (label target; empty otherwise). */
  readonly labelOf: readonly number[];
  /** Per example: its 1-based line in the file. */
  readonly lineOf: readonly number[];
  readonly sha256: string;
  readonly lines: number;
  /** Invalid lines left out (skipInvalid). */
  readonly invalid: number;
  /** next_token: blank lines and lines of a single token, skipped. */
  readonly blank: number;
  readonly tooShort: number;
}

/** How to read. */
export interface TextReadOptions {
  readonly target: TextTarget;
  readonly tokenizer: Tokenizer;
  readonly lowercase: boolean;
  readonly skipInvalid: boolean;
}

/** Invalid lines listed in the error that refuses a file. */
const LISTED = 10;

/** Reads `path`; throws DatasetError (listing the first invalid lines) unless `skipInvalid`. */
export async function readTextExamples(
  path: string,
  opts: TextReadOptions,
  onInvalid: (line: number, problem: string) => void = () => undefined,
  onProgress?: OnFileProgress,
): Promise<TextExamples> {
  const tokens: string[] = [];
  const tokenIds = new Map<string, number>();
  const labels: string[] = [];
  const labelIds = new Map<string, number>();
  const ids: Int32Array[] = [];
  const labelOf: number[] = [];
  const lineOf: number[] = [];
  const problems: string[] = [];
  let invalid = 0;
  let blank = 0;
  let tooShort = 0;
  const bad = (line: number, problem: string): void => {
    invalid++;
    if (opts.skipInvalid) onInvalid(line, problem);
    else if (problems.length < LISTED) problems.push(`line ${line}: ${problem}`);
  };
  const intern = (list: string[], map: Map<string, number>, s: string): number => {
    let id = map.get(s);
    if (id === undefined) {
      id = list.length;
      list.push(s);
      map.set(s, id);
    }
    return id;
  };
  const read = await readLines(
    path,
    (text, line) => {
      let body = text;
      let label: string | undefined;
      if (opts.target === 'label') {
        if (text.trim() === '') return bad(line, 'empty line (expected label<TAB>text)');
        const tab = text.indexOf('\t');
        if (tab < 0) return bad(line, 'no TAB: expected label<TAB>text');
        label = text.slice(0, tab).trim();
        if (label === '') return bad(line, 'empty label before the TAB');
        body = text.slice(tab + 1);
      } else if (text.trim() === '') {
        blank++;
        return;
      }
      const words = tokenize(body, opts.tokenizer, opts.lowercase);
      if (opts.target === 'label' && words.length === 0) return bad(line, `the text after the TAB has no tokens (tokenizer ${opts.tokenizer})`);
      if (opts.target === 'next_token' && words.length < 2) {
        tooShort++;
        return;
      }
      const row = new Int32Array(words.length);
      for (let i = 0; i < words.length; i++) row[i] = intern(tokens, tokenIds, words[i]);
      ids.push(row);
      lineOf.push(line);
      if (label !== undefined) labelOf.push(intern(labels, labelIds, label));
    },
    onProgress,
  );
  if (invalid > 0 && !opts.skipInvalid) {
    const more = invalid > problems.length ? `\n  ... and ${invalid - problems.length} more` : '';
    throw new DatasetError(`${invalid} invalid line(s) (--skip-invalid leaves them out):\n  ${problems.join('\n  ')}${more}`, { file: path });
  }
  if (ids.length === 0) throw new DatasetError(`no usable example (${read.lines} lines${opts.target === 'next_token' ? `, ${blank} blank, ${tooShort} of a single token` : ''})`, { file: path });
  return { tokens, labels, ids, labelOf, lineOf, sha256: read.sha256, lines: read.lines, invalid, blank, tooShort };
}
