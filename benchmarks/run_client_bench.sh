#!/usr/bin/env bash
# Non-streaming chat over HTTPS against openrouter-mock (its own process, one thread): the
# library's client (client_bench) next to the floor (floor_loop) at each concurrency, same run.
#
#   benchmarks/run_client_bench.sh [BUILD_DIR] [REQUESTS] [CONCURRENCIES...]
#   e.g. benchmarks/run_client_bench.sh build/release 10000 1 16 64 256
#
# Prints one JSON line per run and a summary table (client CPU µs per request, ratio to the
# floor, requests/s, TLS handshakes per 10,000 requests). Loopback only; stops the mock.
set -euo pipefail
build=${1:-build/release}
requests=${2:-10000}
shift 2 2>/dev/null || shift $#
concurrencies=("$@")
[ ${#concurrencies[@]} -gt 0 ] || concurrencies=(1 16 64 256)

work=$(mktemp -d)
source "$(dirname "$0")/mock.sh"
trap 'stop_mock; rm -rf "$work"' EXIT
start_mock

printf '%-6s %-7s %10s %10s %8s %12s\n' conc who cpu_us/req req/s ratio tls/10k
for c in "${concurrencies[@]}"; do
  floor=$("$build/benchmarks/floor_loop" --url "$url" --ca-file "$work/ca.pem" --mode chat \
          --concurrency "$c" --requests "$requests" --max-tokens 16)
  lib=$("$build/benchmarks/client_bench" --url "$url/api/v1" --ca-file "$work/ca.pem" \
          --concurrency "$c" --requests "$requests" --max-tokens 16)
  echo "$floor" >>"$work/raw"
  echo "$lib" >>"$work/raw"
  python3 - "$c" "$floor" "$lib" <<'PY'
import json, sys
c, floor, lib = sys.argv[1], json.loads(sys.argv[2]), json.loads(sys.argv[3])
for who, r in (("floor", floor), ("client", lib)):
    tls = r.get("tls_handshakes", 0) * 10000 / max(r["requests"], 1)
    ratio = r["cpu_us_per_req"] / floor["cpu_us_per_req"]
    print(f"{c:<6} {who:<7} {r['cpu_us_per_req']:10.1f} {r['rps']:10.0f} {ratio:8.2f} {tls:12.1f}")
PY
done
echo "-- raw"
cat "$work/raw"
