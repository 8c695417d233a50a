#!/usr/bin/env bash
# Browser ingest benchmark: Verdict's Wasm worker vs a plain-JavaScript
# JSON.parse worker on the same ~340 MB k6 NDJSON file, in Chromium.
# Not part of `make test`; figures are printed (README: "Browser benchmark").
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -f dist/index.html ]; then bash scripts/dist.sh; fi
node tests/e2e/bench.mjs
