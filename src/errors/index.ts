export { RnnStreamError, type RnnStreamErrorOptions } from './rnn-stream-error.js';
export { ModelFormatError } from './model-format-error.js';
export { ConfigError } from './config-error.js';
export { DatasetError } from './dataset-error.js';
