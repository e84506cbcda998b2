#!/usr/bin/env bash
# Writes genesis-kjv.txt: the Book of Genesis, King James Version (1611; public domain), one
# verse per line without the verse reference, from Debian's bible-kjv-text package (its
# copyright file: "The copyright for the King James Version text of the Bible is expired").
#   apt-get install bible-kjv && examples/char-lm/extract-genesis.sh
set -euo pipefail
cd "$(dirname "$0")"
bible -f "gen1:1-gen50:26" | sed -E 's/^Ge[0-9]+:[0-9]+ //' > genesis-kjv.txt
wc -lc genesis-kjv.txt
