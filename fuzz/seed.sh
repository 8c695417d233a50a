#!/usr/bin/env bash
# Seeds each target's corpus (fuzz/corpus/<target>/, not committed) from the
# project's real fixtures and saved regressions, then runs every target for
# SECONDS seconds each (default 60) on one core:
#
#   bash fuzz/seed.sh 1800          # the 30 minutes per target fuzz/README.md asks for
#   cargo +nightly fuzz run -O -s none session_detect -- -max_total_time=600
set -euo pipefail
cd "$(dirname "$0")"
seconds=${1:-60}
targets=$(sed -n 's/^name = "\(.*\)"$/\1/p' Cargo.toml | grep -v verdict-fuzz)
for t in $targets; do
  mkdir -p "corpus/$t"
  # Small real files only: libFuzzer mutates better from small seeds.
  find ../tests/fixtures -type f -size -256k ! -name '*.md' -exec cp -n {} "corpus/$t/" \; 2>/dev/null || true
  cp -n regressions/"$t"/* "corpus/$t/" 2>/dev/null || true
done
# What each target is for decides its extra seeds.
cp -n ../tests/fixtures/capacity/*.csv corpus/levels_table/ 2>/dev/null || true
for t in $targets; do
  echo "== $t ($seconds s)"
  # No AddressSanitizer (-s none): the core forbids unsafe, and ASan's overhead
  # alone took the seed corpus past the 512 MB limit (fuzz/README.md).
  cargo +nightly fuzz run -O -s none "$t" "corpus/$t" -- -max_total_time="$seconds" \
    -rss_limit_mb=512 -malloc_limit_mb=512 -timeout=5 -max_len=65536 -print_final_stats=1 2>&1 | grep -E "^(#[0-9]+.*DONE|stat::number_of_executed_units|stat::peak_rss_mb|==.*ERROR|SUMMARY|artifact_prefix|Test unit written)" || true
done
