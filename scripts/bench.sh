#!/usr/bin/env bash
# Ingest benchmark: `verdict summary` on a >= 1 GB k6 NDJSON file built from a
# real run's lines, beside `wc -l` on the same file (the floor for any
# line-oriented reader). Reports MB/s and peak memory. Not part of `make test`.
#
#   make bench            # 1024 MB
#   BENCH_MB=4096 make bench
set -euo pipefail
cd "$(dirname "$0")/.."
mb=${BENCH_MB:-1024}
dir=${BENCH_DIR:-/tmp/verdict-bench}
file="$dir/k6-${mb}MB.ndjson"
mkdir -p "$dir"
cargo build --release -q -p verdict-cli
cargo build --release -q -p verdict-core --example make_k6_ndjson
if [ ! -f "$file" ]; then
  ./target/release/examples/make_k6_ndjson tests/fixtures/k6/constant_vus/vus_200/run.json.gz "$file" "$mb"
fi
bytes=$(stat -c %s "$file")
cat "$file" > /dev/null   # warm the page cache so both readers see the same I/O

# Wall time and peak RSS of a child process, measured by the parent.
measure() {
  python3 - "$@" <<'PY'
import resource, subprocess, sys, time
t = time.perf_counter()
subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, check=True)
dt = time.perf_counter() - t
print(f"{dt:.3f} {resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024:.1f}")
PY
}
best() { # best of 3 runs: "seconds peak_mb"
  local best_t=999999 best_m=0
  for _ in 1 2 3; do
    read -r t m < <(measure "$@")
    if awk "BEGIN{exit !($t < $best_t)}"; then best_t=$t; fi
    if awk "BEGIN{exit !($m > $best_m)}"; then best_m=$m; fi
  done
  echo "$best_t $best_m"
}
read -r wc_t _ < <(best wc -l "$file")
read -r v_t v_m < <(best taskset -c 0 ./target/release/verdict summary --json "$file")
mbytes=$(awk "BEGIN{print $bytes/1e6}")
printf 'file: %s (%.0f MB, %s lines)\n' "$file" "$mbytes" "$(wc -l < "$file")"
printf 'wc -l:           %6.2f s  %7.0f MB/s\n' "$wc_t" "$(awk "BEGIN{print $mbytes/$wc_t}")"
printf 'verdict summary: %6.2f s  %7.0f MB/s  peak RSS %.0f MB  (%.2fx wc -l, one core)\n' \
  "$v_t" "$(awk "BEGIN{print $mbytes/$v_t}")" "$v_m" "$(awk "BEGIN{print $v_t/$wc_t}")"
read -r v2_t v2_m < <(best ./target/release/verdict summary --json --threads 2 "$file")
printf 'verdict summary: %6.2f s  %7.0f MB/s  peak RSS %.0f MB  (%.2fx one core, --threads 2)\n' \
  "$v2_t" "$(awk "BEGIN{print $mbytes/$v2_t}")" "$v2_m" "$(awk "BEGIN{print $v2_t/$v_t}")"
