#!/usr/bin/env bash
# Installs what is missing, then serves the release build of the page on
# http://127.0.0.1:8080 (what users get: a debug worker parses many times
# slower), rebuilt when a source file changes. Ctrl-C stops it.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-web-tools.sh
export PATH="$PWD/tests/e2e/node_modules/.bin:$PATH"
echo "== serving the release build on http://127.0.0.1:8080 (first build takes a few minutes)"
exec trunk serve --release --address 127.0.0.1 --port 8080
