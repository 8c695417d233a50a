#!/usr/bin/env bash
# Browser benchmarks, in Chromium. Not part of `make test`; figures are
# printed (README: "Browser benchmark").
#   bash scripts/bench-web.sh          Verdict's Wasm worker vs a plain-JavaScript
#                                      JSON.parse worker on the same ~340 MB k6 NDJSON file
#   bash scripts/bench-web.sh scale    a 200-file drop and one 2 GB plain file
#                                      (BENCH_FILES, BENCH_BIG_MB change the sizes)
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -f dist/index.html ]; then bash scripts/dist.sh; fi
case "${1:-speed}" in
  speed) node tests/e2e/bench.mjs ;;
  scale)
    cargo build -q --release -p verdict-cli
    node tests/e2e/bench-scale.mjs ;;
  *) echo "usage: bench-web.sh [speed|scale]" >&2; exit 64 ;;
esac
