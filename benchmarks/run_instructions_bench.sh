#!/usr/bin/env bash
# Load-independent client cost: instructions (callgrind Ir) per request or per stream, client
# next to the floor, against openrouter-mock on loopback. Each figure is the difference between
# a run of N2 and a run of N1 requests, divided by N2 - N1, so start-up (loading the system CA
# store, ~240M Ir) cancels out. Instructions count user space only: syscalls and the kernel's
# TCP/TLS work are not in them (per_event streams look dearer here than in CPU time).
#
#   benchmarks/run_instructions_bench.sh [BUILD_DIR] [chat|stream|responses|messages|embeddings]...
#   e.g. benchmarks/run_instructions_bench.sh build/release chat stream
#
# chat: c=1, 16 tokens, N 500/1500. stream, responses, messages: c=1, 200 tokens, coalesced and
# per_event writes, N 100/300, pulled with next and with next_batch. Knobs: MODES ("coalesced
# per_event"), PULL ("next batch"). embeddings: embeddings_bench, c=1, batches of 16 inputs of
# 256 dimensions, base64 and float, N 100/300 requests; the figure is per request and per input
# (no floor: no raw-socket loop speaks /embeddings). Needs valgrind.
set -euo pipefail
build=${1:-build/release}
shift || true
what=("$@")
[ ${#what[@]} -gt 0 ] || what=(chat stream)
command -v valgrind >/dev/null || { echo "$(basename "$0"): valgrind is needed (apt-get install valgrind)" >&2; exit 1; }

work=$(mktemp -d)
source "$(dirname "$0")/mock.sh"
trap 'stop_mock; rm -rf "$work"' EXIT

ir() {  # instructions of one run of "$@"
  valgrind --tool=callgrind --callgrind-out-file="$work/cg.%p" "$@" >/dev/null 2>"$work/err"
  grep -o 'Collected : [0-9]*' "$work/err" | grep -o '[0-9]*$'
}
per() {  # per request: (ir(N2) - ir(N1)) / (N2 - N1); the command takes --requests last
  local n1=$1 n2=$2
  shift 2
  local a b
  a=$(ir "$@" --requests "$n1")
  b=$(ir "$@" --requests "$n2")
  echo $(( (b - a) / (n2 - n1) ))
}

printf '%-10s %-10s %-8s %14s %8s\n' what writes who ir_per_req ratio
for w in "${what[@]}"; do
  case $w in
    chat)
      start_mock
      floor=$(per 500 1500 "$build/benchmarks/floor_loop" --url "$url" --ca-file "$work/ca.pem" --mode chat \
              --concurrency 1 --max-tokens 16)
      lib=$(per 500 1500 "$build/benchmarks/client_bench" --url "$url/api/v1" --ca-file "$work/ca.pem" \
            --mode chat --concurrency 1 --max-tokens 16)
      printf '%-10s %-10s %-8s %14d %8s\n' chat - floor "$floor" 1.00
      printf '%-10s %-10s %-8s %14d %8.2f\n' chat - client "$lib" "$(python3 -c "print($lib / $floor)")"
      ;;
    stream|responses|messages)
      for mode in ${MODES-coalesced per_event}; do
        echo "{\"defaults\":{\"ttft_ms\":0,\"itl_ms\":0,\"tokens\":200,\"write_mode\":\"$mode\"}}" >"$work/scenario.json"
        start_mock --scenario "$work/scenario.json"
        floor=$(per 100 300 "$build/benchmarks/floor_loop" --url "$url" --ca-file "$work/ca.pem" --mode stream \
                --concurrency 1 --max-tokens 200)
        printf '%-10s %-10s %-8s %14d %8s\n' "$w" "$mode" floor "$floor" 1.00
        for pull in ${PULL-next batch}; do
          lib=$(per 100 300 "$build/benchmarks/client_bench" --url "$url/api/v1" --ca-file "$work/ca.pem" \
                --mode "$w" --pull "$pull" --concurrency 1 --max-tokens 200)
          printf '%-10s %-10s %-8s %14d %8.2f\n' "$w" "$mode" "$pull" "$lib" "$(python3 -c "print($lib / $floor)")"
        done
      done
      ;;
    embeddings)
      start_mock
      for format in base64 float; do
        lib=$(per 100 300 "$build/benchmarks/embeddings_bench" --url "$url/api/v1" --ca-file "$work/ca.pem" \
              --concurrency 1 --batch 16 --dimensions 256 --encoding-format "$format")
        printf '%-10s %-10s %-8s %14d %8s  (%d per input)\n' embeddings "$format" client "$lib" - $(( lib / 16 ))
      done
      ;;
    *) echo "$(basename "$0"): unknown: $w (chat, stream, responses, messages, embeddings)" >&2; exit 2 ;;
  esac
done
