#!/usr/bin/env bash
# The overhead of `openrouter bench` itself: client CPU per request at 1,000 concurrent streams
# against openrouter-mock (its own process), as the bench measures it with getrusage.
#
#   benchmarks/run_cli_bench.sh [BUILD_DIR] [REQUESTS] [CONCURRENCY]
#   e.g. benchmarks/run_cli_bench.sh build/release 5000 1000
#
# Streams of TOKENS (64) tokens with no pacing (the worst case for the client: all CPU, no
# waiting), connections opened RAMP (250) per second, WARMUP (0) requests first. Prints the
# bench's console summary and, from its JSON, one line:
#   concurrency, requests, ok, errors, wall_s, req/s, client CPU us/request, peak RSS KiB.
# Loopback only; the mock is stopped on exit. The JSON and HTML stay in OUT_DIR (a temp dir).
set -euo pipefail
build=${1:-build/release}
requests=${2:-5000}
concurrency=${3:-1000}
tokens=${TOKENS:-64}
ramp=${RAMP:-250}
warmup=${WARMUP:-0}
ulimit -n "$(ulimit -Hn)"

work=$(mktemp -d)
out=${OUT_DIR:-$work/out}
source "$(dirname "$0")/mock.sh"
trap 'stop_mock; [ -n "${OUT_DIR:-}" ] || rm -rf "$work"' EXIT

echo "{\"defaults\":{\"ttft_ms\":0,\"itl_ms\":0,\"tokens\":$tokens,\"write_mode\":\"coalesced\"}}" >"$work/scenario.json"
start_mock --scenario "$work/scenario.json"

OPENROUTER_API_KEY=sk-or-v1-bench-overhead "$build/openrouter" bench --base-url "$url/api/v1" --ca-file "$work/ca.pem" \
  --model openai/gpt-4o-mini --concurrency "$concurrency" --requests "$requests" --warmup "$warmup" \
  --input-len 32 --output-len "$tokens" --ramp-per-s "$ramp" --output-dir "$out" || true

python3 - "$out/bench.json" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
for l in doc["levels"]:
    print(f"concurrency={l['max_concurrency']} requests={len(l['errors'])} ok={l['completed']} errors={l['failed']} "
          f"wall_s={l['duration']:.2f} rps={l['request_throughput']:.0f} "
          f"cpu_us_per_req={l['client_cpu_us_per_request']:.1f} peak_rss_kib={l['client_max_rss_kb']} "
          f"error_counts={json.dumps(l['error_counts'])}")
PY
