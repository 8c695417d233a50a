#!/usr/bin/env bash
# Every check and test. Installs what it needs first (idempotent: a machine that
# already has the tools skips the installs).
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TERM_COLOR=never

echo "== toolchain"
for component in rustfmt clippy; do
  rustup component list --installed 2>/dev/null | grep -q "^$component" || rustup component add "$component"
done
rustup target list --installed | grep -qx wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown

echo "== Python packages the export tests read Verdict's output with (HdrHistogram, DuckDB)"
venv=target/pytools
if ! "$venv/bin/python" -c "import hdrh, duckdb" 2>/dev/null; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q hdrhistogram==0.10.8 duckdb==2.0.1
fi
export VERDICT_PYTHON="$PWD/$venv/bin/python"

echo "== cargo fmt --check"
cargo fmt --all -- --check
echo "== cargo clippy -D warnings"
cargo clippy --workspace --all-targets -- -D warnings
echo "== the core's imports point one way (no circle; layers as crates/core/src/lib.rs says)"
python3 scripts/core-imports.py
echo "== verdict-core builds for wasm32 (no I/O, no threads, no clock)"
cargo build -q -p verdict-core --target wasm32-unknown-unknown
echo "== cargo test (native)"
cargo test --workspace
bash scripts/test-web.sh
