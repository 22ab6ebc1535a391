#!/usr/bin/env bash
# The router under faults: openrouter-mock with benchmarks/route_delivery.json (model A 30% 503,
# model B 429 past 50 requests per 10 s, model C healthy with a 300 ms first token), REQUESTS
# requests at CONCURRENCY through four policies (see route_bench.cpp), then the decision
# overhead benchmark. Loopback only; the mock is stopped on exit.
#
#   benchmarks/run_route_bench.sh [BUILD_DIR] [REQUESTS] [CONCURRENCY]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-build/release}
requests=${2:-10000}
concurrency=${3:-200}
work=$(mktemp -d)
mock=
trap '[ -n "$mock" ] && kill "$mock" 2>/dev/null; rm -rf "$work"' EXIT
for policy in healthy_only default retry_same_twice fixed_cooldown; do
  # A fresh mock per policy: the rate limit and fault draws start from the same state.
  [ -n "$mock" ] && { kill "$mock"; wait "$mock" 2>/dev/null || true; }
  "$build/openrouter-mock" --port 0 --ca-out "$work/ca.pem" --scenario "$here/route_delivery.json" >"$work/listening" &
  mock=$!
  for _ in $(seq 200); do grep -q '^listening ' "$work/listening" 2>/dev/null && break; sleep 0.05; done
  url=$(sed -n 's/^listening //p' "$work/listening")
  "$build/benchmarks/route_bench" delivery --url "$url/api/v1" --ca-file "$work/ca.pem" --policy "$policy" \
    --requests "$requests" --concurrency "$concurrency"
done
"$build/benchmarks/route_bench" decisions --candidates 1000 --in-flight 10000
