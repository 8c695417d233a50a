#!/usr/bin/env bash
# Writes what `verdict summary|check|compare|capacity` print for every
# fixture into OUTDIR, with --json (NAME.json) and as text (NAME.text.json),
# one file per command and input, exit code included, and what each printed
# on stderr (NAME.stderr: error messages), so that two builds can be diffed:
# a refactoring must leave every file identical.
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
  "$bin" "$@" >"$out/$name.json" 2>"$out/$name.stderr"
  echo "exit $?" >>"$out/$name.json"
  # The same command without --json: what people read.
  local args=() a
  for a in "$@"; do [ "$a" = --json ] || args+=("$a"); done
  "$bin" "${args[@]}" >"$out/$name.text.json" 2>"$out/$name.text.stderr"
  echo "exit $?" >>"$out/$name.text.json"
}

mapfile -t files < <(find tests/fixtures -type f \
  ! -name '*.md' ! -name 'truth*.json' ! -name 'command.txt' ! -name 'server_stats.json' \
  ! -name '*.go' ! -name '*.js' ! -name 'exit_code.txt' ! -name 'wall_seconds.txt' | sort)

for f in "${files[@]}"; do
  key=$(echo "$f" | sed 's|^tests/fixtures/||; s|/|__|g')
  record "summary__$key" summary "$f" --json
  record "check__$key" check "$f" --preset tiered-api --json
done

# Compare: every k6 run against the next one (different loads, same tool).
mapfile -t k6runs < <(find tests/fixtures/k6 -name 'run.json.gz' | sort)
for ((i = 0; i + 1 < ${#k6runs[@]}; i++)); do
  a=${k6runs[$i]} b=${k6runs[$((i + 1))]}
  key=$(echo "$a--$b" | sed 's|tests/fixtures/||g; s|/|__|g')
  record "compare__$key" compare "$a" "$b" --json
done

# Capacity: the constant-VU levels, and the staged run cut into plateaus.
record capacity__constant_vus capacity tests/fixtures/k6/constant_vus/*/run.json.gz --target 'p95<200ms' --json
record capacity__ramping capacity tests/fixtures/k6/ramping/run.json.gz --target 'p95<200ms' --json
for t in tests/fixtures/capacity/*.csv; do
  [ -f "$t" ] || continue
  record "capacity__levels__$(basename "$t")" capacity --levels "$t" --target 'p95<200ms' --json
done
echo "$(ls "$out" | grep -c '\.json$') outputs in $out"
