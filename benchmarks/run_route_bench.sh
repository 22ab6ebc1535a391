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
source "$here/mock.sh"
trap 'stop_mock; rm -rf "$work"' EXIT
for policy in healthy_only default retry_same_twice fixed_cooldown; do
  # A fresh mock per policy: the rate limit and fault draws start from the same state.
  start_mock --scenario "$here/route_delivery.json"
  "$build/benchmarks/route_bench" delivery --url "$url/api/v1" --ca-file "$work/ca.pem" --policy "$policy" \
    --requests "$requests" --concurrency "$concurrency"
done
"$build/benchmarks/route_bench" decisions --candidates 1000 --in-flight 10000
