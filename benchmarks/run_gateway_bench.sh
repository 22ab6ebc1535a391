#!/usr/bin/env bash
# `openrouter serve` against nginx `proxy_pass` (the floor) and the Portkey gateway (npm
# @portkey-ai/gateway, pinned in benchmarks/gateway/), the onthebench way: the same
# openrouter-mock (plain HTTP), the same load generators (h2load --h1 and `openrouter bench`), in
# one run, everything on loopback.
#
#   benchmarks/run_gateway_bench.sh BUILD_DIR
#   e.g. benchmarks/run_gateway_bench.sh build/release
#
# Scenarios (each target: direct to the mock, then through serve, nginx and Portkey):
#   latency     concurrency 1, instant upstream: h2load non-streamed JSON (LAT_REQUESTS) and
#               `openrouter bench` streams of 16 tokens (LAT_STREAMS); p50/p99 per target, added
#               = through the gateway minus direct.
#   throughput  the upstream waits 20 ms per request (a stall fault of the mock's scenario);
#               h2load closed loop at each of LEVELS connections for DURATION seconds; the
#               sustained throughput is the highest req/s of a level with p99 < 1 s and < 0.1%
#               errors. The gateway is pinned to one core (GW_CPU), so that is per core.
#   streaming   STREAMS concurrent streams of 64 deltas, one every 20 ms (`openrouter bench`):
#               added TTFT p99 and added inter-token latency p99, and the gateway's CPU per delta.
# SCENARIOS (default "latency throughput streaming") runs a subset; TARGETS one of the targets.
# Gateways run on core GW_CPU (default 1), the mock and the load generators on LOAD_CPU (0),
# each gateway with one worker (serve --threads 1, nginx worker_processes 1, Portkey: one node
# process). Before measuring, waits until the 1-minute load average is below MAX_LOAD (2.5;
# checked every 30 s for up to LOAD_WAIT_S, 1200); the load average at each scenario's start and
# end is printed with its figures. Needs h2load (nghttp2-client), nginx (nginx-light), node and
# benchmarks/gateway/node_modules (`npm ci` there; scripts/setup.sh does both).
set -euo pipefail
build=${1:?usage: benchmarks/run_gateway_bench.sh BUILD_DIR}
build=$(cd "$build" && pwd)
root=$(cd "$(dirname "$0")/.." && pwd)
lat_requests=${LAT_REQUESTS:-5000}
lat_streams=${LAT_STREAMS:-2000}
levels=${LEVELS:-"16 64 256 512 1024 2048"}
duration=${DURATION:-8}
streams=${STREAMS:-512}
max_load=${MAX_LOAD:-2.5}
load_wait_s=${LOAD_WAIT_S:-1200}
gw_cpu=${GW_CPU:-1}
load_cpu=${LOAD_CPU:-0}
targets=${TARGETS:-"direct serve nginx portkey"}
scenarios=${SCENARIOS:-"latency throughput streaming"}

portkey_js=$root/benchmarks/gateway/node_modules/@portkey-ai/gateway/build/start-server.js
for tool in h2load nginx node taskset python3 curl; do
  command -v "$tool" >/dev/null || { echo "run_gateway_bench: $tool is missing (scripts/setup.sh installs it)" >&2; exit 1; }
done
[ -x "$build/openrouter" ] && [ -x "$build/openrouter-mock" ] ||
  { echo "run_gateway_bench: build openrouter-cli and openrouter-mock in $build first" >&2; exit 1; }
[ -f "$portkey_js" ] || { echo "run_gateway_bench: run 'npm ci' in benchmarks/gateway first" >&2; exit 1; }

work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

pin_gw=(taskset -c "$gw_cpu")
pin_load=(taskset -c "$load_cpu")

loadavg() { cut -d' ' -f1-3 /proc/loadavg; }
wait_for_quiet() {
  local waited=0
  until python3 -c "import sys; sys.exit(0 if float(open('/proc/loadavg').read().split()[0]) < $max_load else 1)"; do
    if ((waited >= load_wait_s)); then
      echo "# load average still $(loadavg) after ${waited}s: measuring anyway" >&2
      return
    fi
    echo "# load average $(loadavg) (>= $max_load): waiting" >&2
    sleep 30
    waited=$((waited + 30))
  done
}
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
wait_listening() {  # FILE -> the URL of its `listening` line
  for _ in $(seq 200); do grep -q '^listening ' "$1" 2>/dev/null && break; sleep 0.05; done
  sed -n 's/^listening //p' "$1"
}
wait_port() {  # PORT
  for _ in $(seq 300); do curl -s -o /dev/null "http://127.0.0.1:$1/" && return 0; sleep 0.1; done
  return 1
}

# --- the upstream: one mock, three models for the three scenarios -------------------------------
instant=openai/gpt-4o-mini            # no pacing, 16 tokens, coalesced
slow=anthropic/claude-3.5-haiku       # waits 20 ms before its headers
paced=anthropic/claude-sonnet-4.5     # 64 deltas, one every 20 ms (the first at 20 ms)
cat >"$work/scenario.json" <<EOF
{"defaults": {"ttft_ms": 0, "itl_ms": 0, "tokens": 16, "write_mode": "coalesced"},
 "models": {
   "$slow": {"faults": [{"kind": "stall", "seconds": 0.02}]},
   "$paced": {"ttft_ms": 20, "itl_ms": 20, "tokens": 64, "write_mode": "per_event"}}}
EOF
"${pin_load[@]}" "$build/openrouter-mock" --plain --port 0 --threads 1 --scenario "$work/scenario.json" >"$work/mock.out" &
pids+=($!)
mock=$(wait_listening "$work/mock.out")
[[ $mock == http://127.0.0.1:* ]] || { echo "run_gateway_bench: openrouter-mock did not start" >&2; exit 1; }
mock_port=${mock##*:}
mock_port=${mock_port%%/*}

# --- the gateways, each pinned to one core -----------------------------------------------------
export OPENROUTER_API_KEY=sk-or-v1-gateway-bench
"${pin_gw[@]}" "$build/openrouter" serve --base-url "$mock/api/v1" --port 0 --threads 1 >"$work/serve.out" 2>"$work/serve.err" &
pids+=($!)
serve_pid=$!
serve_url=$(wait_listening "$work/serve.out")
[[ $serve_url == http://127.0.0.1:* ]] || { echo "run_gateway_bench: openrouter serve did not start: $(cat "$work/serve.err")" >&2; exit 1; }

nginx_port=$(free_port)
mkdir -p "$work/nginx"
cat >"$work/nginx/nginx.conf" <<EOF
worker_processes 1;
worker_rlimit_nofile 20000;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log warn;
events { worker_connections 8192; }
http {
  access_log off;
  client_body_temp_path $work/nginx/body;
  proxy_temp_path $work/nginx/proxy;
  upstream mock { server 127.0.0.1:$mock_port; keepalive 1024; }
  server {
    listen 127.0.0.1:$nginx_port;
    keepalive_requests 1000000;
    location /api/v1/ {
      proxy_pass http://mock;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_buffering off;
    }
  }
}
EOF
"${pin_gw[@]}" nginx -p "$work/nginx" -c "$work/nginx/nginx.conf" -g 'daemon off;' 2>"$work/nginx/stderr" &
pids+=($!)
nginx_pid=$!
wait_port "$nginx_port" || { echo "run_gateway_bench: nginx did not start: $(cat "$work/nginx/stderr")" >&2; exit 1; }

portkey_port=$(free_port)
NODE_ENV=production "${pin_gw[@]}" node --import "$root/benchmarks/gateway/loopback.mjs" "$portkey_js" \
  --port="$portkey_port" --headless >"$work/portkey.out" 2>&1 &
pids+=($!)
portkey_pid=$!
wait_port "$portkey_port" || { echo "run_gateway_bench: Portkey did not start: $(cat "$work/portkey.out")" >&2; exit 1; }

# base URL (the API root), extra headers, the pid whose CPU is counted
declare -A base pid
base[direct]=$mock/api/v1
base[serve]=$serve_url/api/v1
base[nginx]=http://127.0.0.1:$nginx_port/api/v1
base[portkey]=http://127.0.0.1:$portkey_port/v1
pid[direct]=""
pid[serve]=$serve_pid
pid[nginx]=$nginx_pid
pid[portkey]=$portkey_pid
headers() {  # TARGET -> one header per line
  if [ "$1" = portkey ]; then
    printf '%s\n' "x-portkey-provider: openai" "x-portkey-custom-host: $mock/api/v1"
  fi
}
cpu_ticks() {  # PID... -> utime+stime of them and their children threads, in clock ticks
  local t=0 p
  for p in "$@"; do
    [ -n "$p" ] || continue
    for c in $p $(pgrep -P "$p" || true); do
      t=$((t + $(awk '{print $14 + $15}' "/proc/$c/stat" 2>/dev/null || echo 0)))
    done
  done
  echo "$t"
}

h2() {  # TARGET MODEL CONNECTIONS OUT [h2load options...]: one h2load run, its log in OUT.log
  local t=$1 model=$2 c=$3 out=$4
  shift 4
  local hargs=(-H "Authorization: Bearer $OPENROUTER_API_KEY" -H "Content-Type: application/json")
  while IFS= read -r h; do [ -n "$h" ] && hargs+=(-H "$h"); done < <(headers "$t")
  printf '{"model":"%s","messages":[{"role":"user","content":"Say hello in one short sentence."}],"max_tokens":16}' \
    "$model" >"$out.body"
  "${pin_load[@]}" h2load --h1 -c "$c" -t 1 -d "$out.body" "${hargs[@]}" --log-file="$out.log" "$@" \
    "${base[$t]}/chat/completions" >"$out.txt" 2>&1 || true
}
bench() {  # TARGET OUTDIR [bench options...]
  local t=$1 out=$2
  shift 2
  local hargs=()
  while IFS= read -r h; do [ -n "$h" ] && hargs+=(--header "$h"); done < <(headers "$t")
  "${pin_load[@]}" "$build/openrouter" bench --base-url "${base[$t]}" "${hargs[@]}" --output-dir "$out" "$@" \
    >"$out.txt" 2>&1 || true
}

# Every target answers before anything is measured (Portkey reaching the mock included).
for t in $targets; do
  h2 "$t" "$instant" 1 "$work/check-$t" -n 20
  grep -q '20 succeeded' "$work/check-$t.txt" ||
    { echo "run_gateway_bench: $t does not answer:"; cat "$work/check-$t.txt"; exit 1; } >&2
done

wait_for_quiet
results=$work/results
mkdir -p "$results"

# --- 1. added latency at concurrency 1, instant upstream -------------------------------------
: >"$results/load"
if [[ " $scenarios " == *" latency "* ]]; then
echo "# latency: concurrency 1, instant upstream (load $(loadavg))" >&2
echo "latency_start $(loadavg)" >>"$results/load"
for t in $targets; do
  h2 "$t" "$instant" 1 "$results/lat-warm-$t" -n 500
  h2 "$t" "$instant" 1 "$results/lat-$t" -n "$lat_requests"
  bench "$t" "$results/latstream-$t" --model "$instant" --concurrency 1 --requests "$lat_streams" --warmup 200 \
    --input-len 32 --output-len 16
done
echo "latency_end $(loadavg)" >>"$results/load"
fi

# --- 2. sustained throughput, upstream waits 20 ms --------------------------------------------
if [[ " $scenarios " == *" throughput "* ]]; then
wait_for_quiet
echo "# throughput: upstream 20 ms, levels $levels connections, ${duration}s each (load $(loadavg))" >&2
echo "throughput_start $(loadavg)" >>"$results/load"
for t in $targets; do
  h2 "$t" "$slow" 64 "$results/tp-warm-$t" -D 2
  for c in $levels; do
    before=$(cpu_ticks "${pid[$t]}")
    h2 "$t" "$slow" "$c" "$results/tp-$t-$c" -D "$duration"
    echo "$(($(cpu_ticks "${pid[$t]}") - before))" >"$results/tp-$t-$c.cpu"
    # past its knee: the next level would only queue more
    python3 "$root/benchmarks/gateway/report.py" check "$results/tp-$t-$c" "$duration" || break
  done
done
echo "throughput_end $(loadavg)" >>"$results/load"
fi

# --- 3. streaming: STREAMS concurrent streams, 64 deltas at 20 ms ------------------------------
if [[ " $scenarios " == *" streaming "* ]]; then
wait_for_quiet
echo "# streaming: $streams streams of 64 deltas every 20 ms (load $(loadavg))" >&2
echo "streaming_start $(loadavg)" >>"$results/load"
for t in $targets; do
  before=$(cpu_ticks "${pid[$t]}")
  bench "$t" "$results/stream-$t" --model "$paced" --concurrency "$streams" --requests $((streams * 2)) \
    --warmup "$streams" --input-len 32 --output-len 64
  echo "$(($(cpu_ticks "${pid[$t]}") - before))" >"$results/stream-$t.cpu"  # warm-up streams included
done
echo "streaming_end $(loadavg)" >>"$results/load"
fi

python3 "$root/benchmarks/gateway/report.py" table "$results" "$duration" "$(getconf CLK_TCK)" "$targets"
