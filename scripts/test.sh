#!/usr/bin/env bash
# README command 2: install what the tests need (Python packages, Debian's chromium)
# and run every test. "No tests collected" is a failure.
set -uo pipefail
cd "$(dirname "$0")/.."
scripts/setup-env.sh test || exit 1
if ! command -v chromium >/dev/null 2>&1; then
  echo "== installing Debian's chromium for the browser tests"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null || {
    echo "could not install chromium: the browser tests will be skipped"; }
fi
export PATH="$PWD/.venv/bin:$PATH" REFLEX_USE_NPM=1 REFLEX_TELEMETRY_ENABLED=false
# PostgreSQL and Redis are used when they answer (the scale-out tests); otherwise those tests are skipped.
.venv/bin/python -m pytest "$@"
status=$?
if [ "$status" -eq 5 ]; then
  echo "no tests were collected: failing"
  exit 1
fi
exit "$status"
