#!/usr/bin/env bash
# Ingest benchmark: `verdict summary --json` on one file per sample-based
# format, each built from a real run's rows (repeated, timestamps shifted), beside
# `wc -l` on every file (the floor for any line-oriented reader), DuckDB
# (2 threads) and pandas on the JMeter CSV, DuckDB on the k6 NDJSON. Prints one
# Markdown table: time (best of 3), MB/s, requests/s, instructions per request
# (callgrind on a ~9 MB slice), peak RSS. Not part of `make test`.
#
#   make bench                        # ~90 MB per format
#   BENCH_MB=50 make bench            # every file ~50 MB
#   BENCH_K6_MB=1024 make bench       # the k6 NDJSON at 1 GB (the others at BENCH_MB)
#   BENCH_SLICE_MB=9                  # size of the slices callgrind reads
set -euo pipefail
cd "$(dirname "$0")/.."
mb=${BENCH_MB:-90}
k6_mb=${BENCH_K6_MB:-$mb}
slice_mb=${BENCH_SLICE_MB:-9}
dir=${BENCH_DIR:-/tmp/verdict-bench}
mkdir -p "$dir"
cargo build --release -q -p verdict-cli
cargo build --release -q -p verdict-core --example make_k6_ndjson

# DuckDB and pandas from PyPI, into the venv `make test` uses for DuckDB (benchmark only).
venv=target/pytools
if ! "$venv/bin/python" -c "import hdrh, duckdb, pandas" 2>/dev/null; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q hdrhistogram==0.10.8 duckdb==2.0.1 pandas==3.1.1
fi
command -v valgrind >/dev/null || echo "valgrind not found: no instructions per request" >&2

input() { # format size_mb -> path (built once, kept in $dir)
  local fmt=$1 size=$2 ext=${3:-txt} file="$dir/$1-$2MB.$3"
  if [ ! -f "$file" ]; then
    if [ "$fmt" = k6-ndjson ]; then
      ./target/release/examples/make_k6_ndjson tests/fixtures/k6/constant_vus/vus_200/run.json.gz "$file" "$size" >&2
    else
      python3 scripts/bench_inputs.py "$fmt" "$file" "$size"
    fi
  fi
  echo "$file"
}

specs=()
for f in jmeter-csv:jtl k6-ndjson:ndjson hey-csv:csv k6-csv:csv vegeta-csv:csv jmeter-xml:xml gatling-log:log; do
  fmt=${f%%:*} ext=${f##*:} size=$mb
  [ "$fmt" = k6-ndjson ] && size=$k6_mb
  big=$(input "$fmt" "$size" "$ext")
  if [ "$fmt" = k6-ndjson ]; then # the first lines of the big file (one copy of the run is 20 MB)
    slice="$dir/$fmt-${slice_mb}MB.$ext"
    [ -f "$slice" ] || head -c $((slice_mb << 20)) "$big" | sed '$d' > "$slice"
  else
    slice=$(input "$fmt" "$slice_mb" "$ext")
  fi
  cat "$big" > /dev/null   # warm the page cache so every reader sees the same I/O
  specs+=("$fmt:$big:$slice")
done
# The generic reader on the same JMeter CSV, through a column mapping.
jtl=$(input jmeter-csv "$mb" jtl)
jtl_slice=$(input jmeter-csv "$slice_mb" jtl)
specs+=("generic-csv:$jtl:$jtl_slice:--csv-latency=elapsed:--csv-latency-unit=ms:--csv-timestamp=timeStamp:--csv-timestamp-unit=ms:--csv-label=label:--csv-success=success")

echo "$(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg), $(uname -m)"
python3 scripts/bench.py ./target/release/verdict "$venv/bin/python" "$dir" "${specs[@]}"
