#!/usr/bin/env bash
# Writes dist/: the page as static files with relative URLs, so it works on
# any static host and under any sub-path. Prints what a visit downloads.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-web-tools.sh
export PATH="$PWD/tests/e2e/node_modules/.bin:$PATH"
trunk build --release --public-url ./
rm -f dist/.trunk-lock
# The first screen, drawn with the demo's answer so that a phone shows it at
# once (web/src/boot.rs): the demo as Trunk copied it, read natively.
cargo run -q -p verdict-web --bin boot-screen -- dist/demo/run.csv.gz dist/index.html
echo "== dist/ (gzip -9 sizes: what a visit transfers from a host that compresses)"
for f in dist/*.html dist/*.js dist/*.css dist/*.wasm; do
  printf '%-40s %9d B  %8d B gz\n' "$f" "$(wc -c <"$f")" "$(gzip -9c "$f" | wc -c)"
done
