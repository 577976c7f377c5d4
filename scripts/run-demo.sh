#!/usr/bin/env bash
# README command 1: install what is missing, then serve KRS with the demo data on
# http://localhost:3000 (embedded SQLite in ./data, no other server needed).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup-env.sh
export PATH="$PWD/.venv/bin:$PATH" REFLEX_USE_NPM=1
exec .venv/bin/krs run --demo "$@"
