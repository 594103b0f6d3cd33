#!/usr/bin/env bash
# Quick start: set up and validate the embedded demo list; reports go to ./fundcheck-demo/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/fundcheck demo "$@"
