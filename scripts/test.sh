#!/usr/bin/env bash
# The whole test suite: installs what is missing, builds Release and ASan+UBSan, runs both.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh

for preset in release asan; do
  echo "== $preset build"
  cmake --preset "$preset" >/dev/null
  cmake --build --preset "$preset"
  echo "== $preset tests"
  ctest --preset "$preset"
done
