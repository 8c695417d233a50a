#!/usr/bin/env bash
# Builds the CLI at two revisions and checks that `verdict ... --json` prints
# byte-identical output on every fixture (scripts/cli-outputs.sh). For changes
# that must not change behaviour, such as moving code between modules.
#
#   bash scripts/same-outputs.sh main HEAD
set -euo pipefail
cd "$(dirname "$0")/.."
rev_a=${1:?usage: same-outputs.sh REV_A REV_B}
rev_b=${2:?usage: same-outputs.sh REV_A REV_B}
work=$(mktemp -d)
trap 'git worktree remove --force "$work/a" 2>/dev/null; git worktree remove --force "$work/b" 2>/dev/null; rm -rf "$work"' EXIT
for side in a b; do
  rev=$rev_a; [ $side = b ] && rev=$rev_b
  git worktree add -q --detach "$work/$side" "$rev"
  # One target folder for both sides: dependencies are built once.
  CARGO_TARGET_DIR="$PWD/target/same-outputs" cargo build -q --release -p verdict-cli --manifest-path "$work/$side/Cargo.toml"
  cp "$PWD/target/same-outputs/release/verdict" "$work/verdict-$side"
  # Fixtures of the current tree, so both sides read the same inputs.
  bash scripts/cli-outputs.sh "$work/verdict-$side" "$work/out-$side" >/dev/null
done
if diff -r "$work/out-a" "$work/out-b"; then
  echo "identical: $(ls "$work/out-a" | grep -c '\.json$') outputs of $rev_a and $rev_b"
else
  echo "outputs of $rev_a and $rev_b differ (above)" >&2
  exit 1
fi
