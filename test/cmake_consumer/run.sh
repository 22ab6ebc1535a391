#!/usr/bin/env bash
# install.cmake_consumer: installs the build tree into a scratch prefix, then configures,
# builds and runs test/cmake_consumer against it with find_package(openrouter).
set -euo pipefail
build=$1
work=$2
src=$(cd "$(dirname "$0")" && pwd)
rm -rf "$work"
mkdir -p "$work"
cmake --install "$build" --prefix "$work/prefix" >/dev/null
cmake -S "$src" -B "$work/build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_PREFIX_PATH="$work/prefix" >/dev/null
# The consumer's build must stay quiet: no warning and no #pragma message from our package.
cmake --build "$work/build" >"$work/build.log" 2>&1 || { cat "$work/build.log"; exit 1; }
if grep -E "warning:|pragma message" "$work/build.log"; then
  echo "the consumer's build is not quiet (above)"
  exit 1
fi
"$work/build/consumer"
