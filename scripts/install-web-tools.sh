#!/usr/bin/env bash
# Installs what the web build and its tests need, skipping whatever is
# already there at the right version (so a second run takes seconds):
#   Debian chromium + chromium-driver, the wasm32 target, trunk 0.22.1,
#   wasm-bindgen-cli 0.2.130 (= the wasm-bindgen crate in Cargo.lock), and
#   tests/e2e's npm packages (playwright-core, binaryen's wasm-opt).
# Nothing downloads a browser or a tool binary from outside these registries.
set -euo pipefail
cd "$(dirname "$0")/.."

TRUNK_VERSION=0.22.1
WASM_BINDGEN_VERSION=0.2.130

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
  echo "== apt: chromium chromium-driver"
  as_root apt-get update -q
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium chromium-driver
fi

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  echo "== rustup: wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi

if [ "$(trunk --version 2>/dev/null)" != "trunk $TRUNK_VERSION" ]; then
  # trunk 0.22.x declares rust-version 1.96.1 but builds and works on 1.95.
  echo "== cargo install trunk $TRUNK_VERSION (about 14 minutes on 2 cores)"
  cargo install --locked --ignore-rust-version trunk --version "$TRUNK_VERSION"
fi

if [ "$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $WASM_BINDGEN_VERSION" ] \
  || ! command -v wasm-bindgen-test-runner >/dev/null; then
  # Not --locked: its lock file pins a webpki-roots release the registry index here lacks.
  echo "== cargo install wasm-bindgen-cli $WASM_BINDGEN_VERSION (about 4 minutes)"
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION"
fi

if ! (cd tests/e2e && npm ls --depth=0 >/dev/null 2>&1); then
  echo "== npm ci (tests/e2e)"
  (cd tests/e2e && npm ci --no-audit --no-fund)
fi
