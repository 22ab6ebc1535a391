#!/usr/bin/env bash
# Streaming chat over HTTPS against openrouter-mock (its own process, one thread): the library's
# client (client_bench --mode stream: typed decode of every chunk, accumulation, pool) next to
# the floor (floor_loop --mode stream: a hand-written loop on the same stack) in the same run.
#
#   benchmarks/run_stream_bench.sh [BUILD_DIR] [REQUESTS] [CONCURRENCIES...]
#   e.g. benchmarks/run_stream_bench.sh build/release 4000 1 64 1000
#
# 1. CPU: for each server write mode (coalesced: all events of a stream in a few TLS records;
#    per_event: one write per event, as paced generation arrives) and each concurrency, both
#    programs run REQUESTS streams of TOKENS tokens (200) with no pacing; prints client CPU µs per
#    stream and the ratio to the floor.
# 2. Memory (unless SKIP_RSS=1): RSS_STREAMS (default "1000 10000") paced streams held open at
#    once (1 token/s, 120 tokens, connections opened RAMP per second), client peak RSS above its
#    baseline divided by the streams open at once.
# Loopback only; the mock is stopped on exit. Knobs: TOKENS (200), RAMP (125), SKIP_RSS (0),
# RSS_STREAMS ("1000 10000"), MODES ("coalesced per_event"; empty: memory pass only),
# PULL ("next": async_next per chunk; "batch": async_next_batch; "next batch": both rows),
# ENDPOINTS ("chat"; "chat responses" adds rows "r:next"/"r:batch": the same streams through the
# Responses API, client_bench --mode responses, ~TOKENS+8 named events each; "messages" rows
# "m:next"/"m:batch" through the Messages API, ~TOKENS+7 events each; the floor and the ratio
# column stay chat's hand-written loop).
set -euo pipefail
build=${1:-build/release}
requests=${2:-4000}
shift 2 2>/dev/null || shift $#
concurrencies=("$@")
[ ${#concurrencies[@]} -gt 0 ] || concurrencies=(1 64 1000)
tokens=${TOKENS:-200}
ramp=${RAMP:-125}
ulimit -n "$(ulimit -Hn)"

work=$(mktemp -d)
source "$(dirname "$0")/mock.sh"
trap 'stop_mock; rm -rf "$work"' EXIT

printf '%-10s %-6s %-7s %12s %10s %8s %8s\n' mode conc who cpu_us/strm streams/s ratio errors
for mode in ${MODES-coalesced per_event}; do
  start_scenario "{\"defaults\":{\"ttft_ms\":0,\"itl_ms\":0,\"tokens\":$tokens,\"write_mode\":\"$mode\"}}"
  for c in "${concurrencies[@]}"; do
    n=$(( requests > c ? requests : c ))
    floor=$("$build/benchmarks/floor_loop" --url "$url" --ca-file "$work/ca.pem" --mode stream \
            --concurrency "$c" --requests "$n" --max-tokens "$tokens" --connect-rate "$ramp" || true)
    echo "$floor" >>"$work/raw"
    rows=("floor" "$floor")
    for endpoint in ${ENDPOINTS:-chat}; do
      for pull in ${PULL:-next}; do
        case $endpoint in
          responses) bench_mode=responses who="r:$pull" ;;
          messages) bench_mode=messages who="m:$pull" ;;
          *) bench_mode=stream who=$pull ;;
        esac
        lib=$("$build/benchmarks/client_bench" --url "$url/api/v1" --ca-file "$work/ca.pem" --mode "$bench_mode" \
              --concurrency "$c" --requests "$n" --max-tokens "$tokens" --ramp-per-s "$ramp" --pull "$pull" || true)
        echo "$lib" >>"$work/raw"
        rows+=("$who" "$lib")
      done
    done
    python3 - "$mode" "$c" "${rows[@]}" <<'PY'
import json, sys
mode, c, rest = sys.argv[1], sys.argv[2], sys.argv[3:]
floor = json.loads(rest[1])
for who, raw in zip(rest[0::2], rest[1::2]):
    r = json.loads(raw)
    ratio = r["cpu_us_per_req"] / floor["cpu_us_per_req"]
    print(f"{mode:<10} {c:<6} {who:<7} {r['cpu_us_per_req']:12.1f} {r['rps']:10.0f} {ratio:8.2f} {r['errors']:8d}")
PY
  done
done

if [ "${SKIP_RSS:-0}" != 1 ]; then
  start_scenario '{"defaults":{"ttft_ms":0,"itl_ms":1000,"tokens":120,"write_mode":"per_event"}}'
  printf '\n%-8s %12s %12s %10s %14s %8s\n' streams base_kib peak_kib max_open kib_per_stream errors
  for n in ${RSS_STREAMS:-1000 10000}; do
    lib=$("$build/benchmarks/client_bench" --url "$url/api/v1" --ca-file "$work/ca.pem" --mode stream \
          --concurrency "$n" --requests "$n" --max-tokens 0 --ramp-per-s "$ramp" || true)  # errors are reported
    echo "$lib" >>"$work/raw"
    python3 - "$n" "$lib" <<'PY'
import json, sys
n, r = sys.argv[1], json.loads(sys.argv[2])
print(f"{n:<8} {r['base_rss_kib']:12d} {r['peak_rss_kib']:12d} {r['max_open']:10d} {r['rss_kib_per_stream']:14.1f} {r['errors']:8d}")
PY
  done
fi
echo "-- raw"
cat "$work/raw"
