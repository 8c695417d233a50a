#!/usr/bin/env bash
# Every check and test. Installs what it needs first (idempotent: a machine that
# already has the tools skips the installs).
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TERM_COLOR=never

echo "== cargo fmt --check"
cargo fmt --all -- --check
echo "== cargo clippy -D warnings"
cargo clippy --workspace --all-targets -- -D warnings
echo "== cargo test (native)"
cargo test --workspace
