#!/usr/bin/env bash
# Installs what is missing, then serves the page on http://127.0.0.1:8080
# (the bundled demo run opens by itself). Ctrl-C stops it.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-web-tools.sh
export PATH="$PWD/tests/e2e/node_modules/.bin:$PATH"
echo "== serving on http://127.0.0.1:8080 (first build takes a few minutes)"
exec trunk serve --address 127.0.0.1 --port 8080
