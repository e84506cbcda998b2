import { Writable } from 'node:stream';

/** A Writable that keeps what is written to it, for tests that read a command's or a view's output. */
export function textSink(): { out: Writable; text: () => string } {
  const chunks: string[] = [];
  const out = new Writable({
    write(chunk: Buffer, _enc, cb) {
      chunks.push(chunk.toString());
      cb();
    },
  });
  return { out, text: () => chunks.join('') };
}
