#!/usr/bin/env bash
# The whole test suite: lint (ruff), types (mypy, strict on kiosk/ and drivers/), then pytest.
# Sets itself up first (scripts/setup.sh), so it runs on a fresh Debian 12 machine.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export QT_QPA_PLATFORM=offscreen
unset DISPLAY WAYLAND_DISPLAY || true
echo "== ruff"
.venv/bin/ruff check kiosk drivers ui tests benchmarks
echo "== mypy"
.venv/bin/mypy
echo "== pytest"
.venv/bin/pytest -q "$@"
