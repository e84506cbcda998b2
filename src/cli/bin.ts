/** Process entry of the `rnn-stream` command: runs main() and sets the exit code. */
import { redactSecrets } from '../config/redact-secrets.js';
import { main } from './main.js';

main(process.argv).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    // Not an RnnStreamError: a bug. Print the stack so it can be reported.
    process.stderr.write(redactSecrets(`rnn-stream: unexpected error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`));
    process.exitCode = 1;
  },
);
