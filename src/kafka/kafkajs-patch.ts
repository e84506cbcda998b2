import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { RnnStreamError } from '../errors/index.js';

const require = createRequire(import.meta.url);

/** Files of kafkajs that patches/kafkajs+2.2.4.patch changes, and a marker each must contain. */
const PATCHED = [
  { file: 'kafkajs/src/protocol/recordBatch/record/v0/decoder.js', marker: 'const decodeHeaders = decoder =>' },
  { file: 'kafkajs/src/protocol/recordBatch/v0/decoder.js', marker: 'batchDecodeFailure' },
  { file: 'kafkajs/src/consumer/filterAbortedMessages.js', marker: 'abortedTransactionsInFirstOffsetOrder' },
  { file: 'kafkajs/src/consumer/index.js', marker: 'const setFetchLimits = limits =>' },
  { file: 'kafkajs/src/consumer/consumerGroup.js', marker: 'new RawBatch(' },
] as const;

let checked = false;

/**
 * Throws unless the installed kafkajs carries the project's patch (applied by `patch-package`
 * in npm's postinstall): linear-time record-header decoding, and a record batch that cannot be
 * read (codec missing or refusing, corrupt records) handed over as one stand-in record instead
 * of failing the whole fetch, and read_committed consumers that drop every record of an aborted
 * transaction when transactions of several producers interleave in a partition, and a setter for the fetch byte limits of a running consumer (kafka/fetch-sizer.ts), and consumers of raw record batches (kafka/fetched-records.ts, the replay's reader). Without it one hostile message can stop the consumer; an install
 * with `--ignore-scripts` skips the patch, so the service refuses to start rather than run exposed.
 */
export function assertKafkajsPatched(): void {
  if (checked) return;
  for (const { file, marker } of PATCHED) {
    const source = readFileSync(require.resolve(file), 'utf8');
    if (!source.includes(marker)) {
      throw new RnnStreamError(
        `the installed kafkajs lacks the project's patch (${file}); run \`npx patch-package\` in the install folder ` +
          '(npm install and npm ci apply it unless scripts are disabled), see docs/architecture.md',
      );
    }
  }
  checked = true;
}
