import { closeSync, openSync, writeSync } from 'node:fs';

/**
 * A file written line by line through a 1 MiB buffer with synchronous writes: for output made
 * in a synchronous loop (prediction lines of a training run), without holding every line.
 */
export class LineFile {
  private readonly fd: number;
  private parts: string[] = [];
  private size = 0;

  /** Creates (or truncates) `path`. */
  constructor(path: string) {
    this.fd = openSync(path, 'w');
  }

  /** Appends `line` and a newline. */
  write(line: string): void {
    this.parts.push(line, '\n');
    this.size += line.length + 1;
    if (this.size >= 1 << 20) this.flush();
  }

  /** Writes what is buffered and closes the file. */
  close(): void {
    this.flush();
    closeSync(this.fd);
  }

  private flush(): void {
    if (this.size === 0) return;
    writeSync(this.fd, this.parts.join(''));
    this.parts = [];
    this.size = 0;
  }
}
