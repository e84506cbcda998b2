export { RnnStreamError, type RnnStreamErrorOptions } from './rnn-stream-error.js';
export { ModelFormatError } from './model-format-error.js';
export { ConfigError } from './config-error.js';
export { DatasetError } from './dataset-error.js';
export { TrainingDataError } from './training-data-error.js';
export { StateCorruptError } from './state-corrupt-error.js';
export { StateFencedError } from './state-fenced-error.js';
export { StateStoreError } from './state-store-error.js';
export { StateLostError } from './state-lost-error.js';
