#!/usr/bin/env bash
# The per-attempt overhead of limits shared on Redis (benchmarks/fleet_bench.cpp): starts a
# redis-server on a free loopback port in a temporary directory, runs fleet_bench against it,
# stops it.   benchmarks/run_fleet_bench.sh [BUILD_DIR] [N]
set -euo pipefail
build=${1:-build/release}
n=${2:-20000}
dir=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
redis-server --port "$port" --bind 127.0.0.1 --dir "$dir" --save '' --appendonly no >"$dir/redis.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$dir"' EXIT
for _ in $(seq 100); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.05; done
"$build/benchmarks/fleet_bench" "redis://127.0.0.1:$port" "$n"
