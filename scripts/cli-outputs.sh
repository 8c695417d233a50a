#!/usr/bin/env bash
# Writes what `verdict summary|check|compare|capacity --json` print for every
# fixture into OUTDIR, and what they print for people (tables, Markdown, the
# HTML report) as `.txt`, one file per command and input, exit code included, so
# that two builds can be diffed: a refactoring must leave every file identical.
#
#   bash scripts/cli-outputs.sh target/release/verdict /tmp/out-before
#   ... change the code, rebuild ...
#   bash scripts/cli-outputs.sh target/release/verdict /tmp/out-after
#   diff -r /tmp/out-before /tmp/out-after && echo identical
#
# `bash scripts/same-outputs.sh REV_A REV_B` does all of it for two revisions.
set -uo pipefail
cd "$(dirname "$0")/.."
bin=${1:?usage: cli-outputs.sh VERDICT_BINARY OUTDIR}
out=${2:?usage: cli-outputs.sh VERDICT_BINARY OUTDIR}
mkdir -p "$out"

# One output file per command run: stdout, then the exit code. Stderr holds
# progress and notes that may name temporary paths; it is kept apart.
record() {
  local name=$1; shift
  local file="$out/$name"
  [[ $name == *.txt ]] || file+=.json
  "$bin" "$@" >"$file" 2>"$out/$name.stderr"
  echo "exit $?" >>"$file"
}

mapfile -t files < <(find tests/fixtures -type f \
  ! -name '*.md' ! -name 'truth*.json' ! -name 'command.txt' ! -name 'server_stats.json' \
  ! -name '*.go' ! -name '*.js' ! -name 'exit_code.txt' ! -name 'wall_seconds.txt' | sort)

for f in "${files[@]}"; do
  key=$(echo "$f" | sed 's|^tests/fixtures/||; s|/|__|g')
  record "summary__$key" summary "$f" --json
  record "check__$key" check "$f" --preset tiered-api --json
  record "summary__$key.txt" summary "$f"
  record "check__$key.txt" check "$f" --preset tiered-api
  record "check-md__$key.txt" check "$f" --preset tiered-api --markdown
  "$bin" report "$f" --preset tiered-api --out "$out/report__$key.html" >/dev/null 2>&1
  # The report names the time it was made; that alone may differ.
  [ -f "$out/report__$key.html" ] && sed -i 's/Generated [0-9TZ:.-]* by/Generated (time) by/' "$out/report__$key.html"
done

# Compare: every k6 run against the next one (different loads, same tool).
mapfile -t k6runs < <(find tests/fixtures/k6 -name 'run.json.gz' | sort)
for ((i = 0; i + 1 < ${#k6runs[@]}; i++)); do
  a=${k6runs[$i]} b=${k6runs[$((i + 1))]}
  key=$(echo "$a--$b" | sed 's|tests/fixtures/||g; s|/|__|g')
  record "compare__$key" compare "$a" "$b" --json
  record "compare__$key.txt" compare "$a" "$b"
  record "compare-md__$key.txt" compare "$a" "$b" --markdown
done

# Capacity: the constant-VU levels, and the staged run cut into plateaus.
record capacity__constant_vus capacity tests/fixtures/k6/constant_vus/*/run.json.gz --target 'p95<200ms' --json
record capacity__ramping capacity tests/fixtures/k6/ramping/run.json.gz --target 'p95<200ms' --json
record capacity__constant_vus.txt capacity tests/fixtures/k6/constant_vus/*/run.json.gz --target 'p95<200ms'
record capacity__ramping.txt capacity tests/fixtures/k6/ramping/run.json.gz --target 'p95<200ms'
for t in tests/fixtures/capacity/*.csv; do
  [ -f "$t" ] || continue
  record "capacity__levels__$(basename "$t")" capacity --levels "$t" --target 'p95<200ms' --json
  record "capacity__levels__$(basename "$t").txt" capacity --levels "$t" --target 'p95<200ms'
done
echo "$(ls "$out" | grep -c '\.json$') outputs in $out"
