#!/usr/bin/env bash
# Serves the app. Until the web app exists, show the CLI analysis of the bundled demo run.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release -p verdict-cli
./target/release/verdict summary tests/fixtures/k6/ramping/run.json.gz
