#!/usr/bin/env node
// The `rnn-stream` command; `npm run build` compiles src/ to dist/.
import '../dist/cli/bin.js';
