#!/usr/bin/env bash
# Re-creates the shipped demo model examples/models/demo-gru.{json,safetensors}: a one-layer GRU
# (hidden 32) over the market features [log_return, log_volume, time_gap] trained to forecast the
# next log return on 40,000 simulated ticks (8 symbols, seed 7, 200 ev/s).
# Deterministic: same commands, same weights bit for bit (the manifest also records trainedAt).
#
#   examples/models/train-demo-model.sh            (from anywhere; about a minute on one core)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
WORK=.cache/demo-model
mkdir -p "$WORK"
rnn_stream() { npx tsx src/cli/bin.ts "$@"; }

rnn_stream simulate --count 40000 --symbols 8 --seed 7 --rate 200 --start 2025-01-01T00:00:00Z --out "$WORK/ticks.jsonl"
rnn_stream train --input "$WORK/ticks.jsonl" --out "$WORK/out" --name demo-gru --target next_logret \
  --cell gru --hidden 32 --features log_return,log_volume,time_gap --seed 1
cp "$WORK/out/demo-gru.json" "$WORK/out/demo-gru.safetensors" examples/models/
echo "wrote examples/models/demo-gru.json and examples/models/demo-gru.safetensors"
