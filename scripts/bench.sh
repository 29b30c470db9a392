#!/usr/bin/env bash
# Runs every benchmarks/*.py with the project's interpreter and prints their figures, one
# section per benchmark, then a summary. `make bench` calls it (after scripts/setup.sh).
#
#   scripts/bench.sh                 all benchmarks, each with its default sizes
#   scripts/bench.sh ledger mpay     only those whose file name contains one of the words
#
# Benchmarks that judge their target exit non-zero when they miss it (bench_ledger only prints
# its ratios: read them); a failing one does not stop the others, and this script then exits 1
# naming it. Qt benchmarks run on the offscreen platform (no display).
set -uo pipefail
cd "$(dirname "$0")/.."

PY=.venv/bin/python
if [ ! -x "$PY" ]; then
  echo "bench: $PY is missing: run 'make setup' (scripts/setup.sh) first" >&2
  exit 2
fi
export QT_QPA_PLATFORM=offscreen
unset DISPLAY WAYLAND_DISPLAY || true

selected=()
for bench in benchmarks/*.py; do
  name=$(basename "$bench" .py)
  if [ $# -gt 0 ]; then
    match=0
    for word in "$@"; do
      case "$name" in *"$word"*) match=1 ;; esac
    done
    [ "$match" -eq 1 ] || continue
  fi
  selected+=("$bench")
done
if [ ${#selected[@]} -eq 0 ]; then
  echo "bench: no benchmark matches: $*" >&2
  exit 2
fi

failed=()
summary=()
for bench in "${selected[@]}"; do
  name=$(basename "$bench" .py)
  echo "== $name"
  start=$(date +%s)
  "$PY" "$bench"
  rc=$?
  took=$(( $(date +%s) - start ))
  if [ "$rc" -eq 0 ]; then
    summary+=("$name: exit 0 (${took} s)")
  else
    summary+=("$name: exit $rc: its target missed, or it failed (${took} s)")
    failed+=("$name")
  fi
  echo
done

echo "== summary"
printf '%s\n' "${summary[@]}"
if [ ${#failed[@]} -gt 0 ]; then
  echo "bench: not met: ${failed[*]}" >&2
  exit 1
fi
