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
if ! command -v pdftotext >/dev/null 2>&1; then
  echo "== installing Debian's poppler-utils for the report PDF tests (pdffonts, pdftotext, pdftoppm)"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq poppler-utils >/dev/null || {
    echo "could not install poppler-utils: the PDF text tests will be skipped"; }
fi
export PATH="$PWD/.venv/bin:$PATH" REFLEX_USE_NPM=1 REFLEX_TELEMETRY_ENABLED=false
# The lint gate: a lint or format finding fails the run before any test.
echo "== ruff check + ruff format --check"
.venv/bin/ruff check . || { echo "ruff found problems (fix, or: .venv/bin/ruff check --fix .)"; exit 1; }
.venv/bin/ruff format --check . || { echo "not formatted: run .venv/bin/ruff format ."; exit 1; }
# PostgreSQL and Redis are used when they answer (the scale-out tests); otherwise those tests are skipped.
.venv/bin/python -m pytest "$@"
status=$?
if [ "$status" -eq 5 ]; then
  echo "no tests were collected: failing"
  exit 1
fi
exit "$status"
