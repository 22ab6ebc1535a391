#!/usr/bin/env bash
# Latency `openrouter serve` adds: `openrouter bench` at concurrency 1 against openrouter-mock
# directly, then through the gateway in front of the same mock (instant upstream: no pacing),
# alternating DIRECT/GATEWAY ROUNDS times. Both legs are plain HTTP on loopback, so the only
# difference is the gateway hop (parse, route, re-encode, forward).
#
#   benchmarks/run_serve_bench.sh [BUILD_DIR] [REQUESTS] [ROUNDS]
#   e.g. benchmarks/run_serve_bench.sh build/release 2000 2
#
# Streams of TOKENS (16) tokens, WARMUP (200) requests first in each run. Prints per run the
# median and p99 of TTFT and E2E (ms), then the added latency (gateway minus direct, µs) of
# each round. The gateway runs 1 thread (THREADS). Loopback only; everything is stopped on exit.
set -euo pipefail
build=${1:-build/release}
requests=${2:-2000}
rounds=${3:-2}
tokens=${TOKENS:-16}
warmup=${WARMUP:-200}
threads=${THREADS:-1}

work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

wait_listening() {  # FILE -> the URL of its `listening` line
  for _ in $(seq 200); do grep -q '^listening ' "$1" 2>/dev/null && break; sleep 0.05; done
  sed -n 's/^listening //p' "$1"
}

echo "{\"defaults\":{\"ttft_ms\":0,\"itl_ms\":0,\"tokens\":$tokens,\"write_mode\":\"coalesced\"}}" >"$work/scenario.json"
"$build/openrouter-mock" --plain --port 0 --scenario "$work/scenario.json" >"$work/mock.out" &
pids+=($!)
mock_url=$(wait_listening "$work/mock.out")
[[ $mock_url == http://127.0.0.1:* ]] || { echo "openrouter-mock did not start" >&2; exit 1; }

export OPENROUTER_API_KEY=sk-or-v1-serve-bench
"$build/openrouter" serve --base-url "$mock_url/api/v1" --port 0 --threads "$threads" >"$work/gw.out" 2>"$work/gw.err" &
pids+=($!)
gw_url=$(wait_listening "$work/gw.out")
[[ $gw_url == http://127.0.0.1:* ]] || { echo "openrouter serve did not start: $(cat "$work/gw.err")" >&2; exit 1; }

run() {  # NAME BASE_URL
  "$build/openrouter" bench --base-url "$2/api/v1" --model openai/gpt-4o-mini --concurrency 1 \
    --requests "$requests" --warmup "$warmup" --input-len 32 --output-len "$tokens" \
    --output-dir "$work/$1" >/dev/null
}

for r in $(seq "$rounds"); do
  run "direct$r" "$mock_url"
  run "gateway$r" "$gw_url"
done

python3 - "$work" "$rounds" <<'PY'
import json, sys
work, rounds = sys.argv[1], int(sys.argv[2])
def level(name):
    return json.load(open(f"{work}/{name}/bench.json"))["levels"][0]
print(f"{'run':<10} {'ok':>6} {'err':>4} {'ttft_p50_ms':>12} {'ttft_p99_ms':>12} {'e2e_p50_ms':>11} {'e2e_p99_ms':>11}")
for r in range(1, rounds + 1):
    for n in (f"direct{r}", f"gateway{r}"):
        l = level(n)
        print(f"{n:<10} {l['completed']:>6} {l['failed']:>4} {l['median_ttft_ms']:>12.3f} {l['p99_ttft_ms']:>12.3f} "
              f"{l['median_e2el_ms']:>11.3f} {l['p99_e2el_ms']:>11.3f}")
for r in range(1, rounds + 1):
    d, g = level(f"direct{r}"), level(f"gateway{r}")
    add = lambda k: (g[k] - d[k]) * 1000
    print(f"round {r}: added e2e p50 {add('median_e2el_ms'):.0f} us, p99 {add('p99_e2el_ms'):.0f} us; "
          f"added ttft p50 {add('median_ttft_ms'):.0f} us, p99 {add('p99_ttft_ms'):.0f} us")
PY
