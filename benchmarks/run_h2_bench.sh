#!/usr/bin/env bash
# HTTP/1.1 and HTTP/2 side by side (issue 14): one openrouter-mock that serves both (--http2: h2
# picked by ALPN, its own process, one thread) and the same client_bench run with --http 1.1 and
# with --http 2, in one run, so the rows compare like with like.
#
#   benchmarks/run_h2_bench.sh [BUILD_DIR] [REQUESTS] [CONCURRENCIES...]
#   e.g. benchmarks/run_h2_bench.sh build/release 4000 64 1000
#
# 1. CPU: for each server write mode (coalesced, per_event) and concurrency, REQUESTS streams of
#    TOKENS (200) tokens, no pacing: client CPU µs per stream, streams/s, connections and TLS
#    handshakes opened, the most streams one h2 connection carried, errors; the h2/h1 ratio.
# 2. Non-streamed chat at CHAT_CONCURRENCY (64), REQUESTS requests: the same columns.
# 3. Memory (unless SKIP_RSS=1): PACED (10000) paced streams held open at once (1 token/s, 120
#    tokens, started RAMP (125) per second): connections, handshakes, client peak RSS above its
#    baseline per open stream.
# Loopback only; the mock is stopped on exit. Knobs: TOKENS, MODES, CHAT_CONCURRENCY, SKIP_RSS,
# PACED, RAMP.
set -euo pipefail
build=${1:-build/release}
requests=${2:-4000}
shift 2 2>/dev/null || shift $#
concurrencies=("$@")
[ ${#concurrencies[@]} -gt 0 ] || concurrencies=(64 1000)
tokens=${TOKENS:-200}
ramp=${RAMP:-125}
ulimit -n "$(ulimit -Hn)"

work=$(mktemp -d)
source "$(dirname "$0")/mock.sh"
trap 'stop_mock; rm -rf "$work"' EXIT

bench() {  # $1: http version; the rest: client_bench options
  local v=$1
  shift
  "$build/benchmarks/client_bench" --url "$url/api/v1" --ca-file "$work/ca.pem" --http "$v" "$@" || true
}

table() {  # $1: label; $2 $3: the h1 and h2 JSON lines
  python3 - "$@" <<'PY'
import json, sys
label, h1, h2 = sys.argv[1], json.loads(sys.argv[2]), json.loads(sys.argv[3])
for who, r in (("h1", h1), ("h2", h2)):
    ratio = r["cpu_us_per_req"] / h1["cpu_us_per_req"]
    print(f"{label:<18} {who:<3} {r['cpu_us_per_req']:11.1f} {r['rps']:9.0f} {ratio:6.2f} {r['connections']:6d} "
          f"{r['tls_handshakes']:6d} {r.get('h2_max_streams_per_connection', 0):8d} {r['errors']:6d}")
PY
}

printf '%-18s %-3s %11s %9s %6s %6s %6s %8s %6s\n' run http cpu_us/req req/s ratio conns tls strm/conn errors
for mode in ${MODES-coalesced per_event}; do
  start_scenario "{\"defaults\":{\"ttft_ms\":0,\"itl_ms\":0,\"tokens\":$tokens,\"write_mode\":\"$mode\"}}" --http2
  for c in "${concurrencies[@]}"; do
    n=$(( requests > c ? requests : c ))
    h1=$(bench 1.1 --mode stream --concurrency "$c" --requests "$n" --max-tokens "$tokens" --ramp-per-s "$ramp")
    h2=$(bench 2 --mode stream --concurrency "$c" --requests "$n" --max-tokens "$tokens" --ramp-per-s "$ramp")
    echo "$h1" >>"$work/raw"
    echo "$h2" >>"$work/raw"
    table "stream $mode c=$c" "$h1" "$h2"
  done
done

c=${CHAT_CONCURRENCY:-64}
start_scenario '{"defaults":{"ttft_ms":0,"itl_ms":0}}' --http2
h1=$(bench 1.1 --mode chat --concurrency "$c" --requests "$requests" --max-tokens 16)
h2=$(bench 2 --mode chat --concurrency "$c" --requests "$requests" --max-tokens 16)
echo "$h1" >>"$work/raw"
echo "$h2" >>"$work/raw"
table "chat c=$c" "$h1" "$h2"

if [ "${SKIP_RSS:-0}" != 1 ]; then
  n=${PACED:-10000}
  start_scenario '{"defaults":{"ttft_ms":0,"itl_ms":1000,"tokens":120,"write_mode":"per_event"}}' --http2
  printf '\n%-4s %8s %10s %10s %10s %8s %8s %14s %8s\n' http streams base_kib peak_kib max_open conns tls kib_per_stream errors
  for v in 1.1 2; do
    r=$(bench "$v" --mode stream --concurrency "$n" --requests "$n" --max-tokens 0 --ramp-per-s "$ramp")
    echo "$r" >>"$work/raw"
    python3 - "$v" "$n" "$r" <<'PY'
import json, sys
v, n, r = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
print(f"{v:<4} {n:>8} {r['base_rss_kib']:10d} {r['peak_rss_kib']:10d} {r['max_open']:10d} {r['connections']:8d} "
      f"{r['tls_handshakes']:8d} {r['rss_kib_per_stream']:14.1f} {r['errors']:8d}")
PY
  done
fi
echo "-- raw"
cat "$work/raw"
