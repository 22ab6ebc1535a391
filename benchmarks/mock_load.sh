#!/usr/bin/env bash
# mock_load.sh: load test of openrouter-mock, driven by floor_loop.
#
# Proves that openrouter-mock holds 10,000 concurrent streaming connections on loopback:
# floor_loop opens CONCURRENCY keep-alive connections (TLS by default, CONNECT_RATE new
# connections per second), each runs one long-lived paced stream (scenario: itl_ms=ITL_MS,
# TOKENS tokens, per_event writes, so ~TOKENS*ITL_MS ms per stream), and the script samples
# the mock's open descriptors, ESTABLISHED loopback sockets, RSS and CPU once a second while
# they are in flight. PASS needs every stream to end with [DONE] and no error, and the mock
# to have held >= 99% of CONCURRENCY accepted connections at once. Then a non-streaming
# throughput pass (floor_loop --mode chat, CHAT_CONCURRENCY x CHAT_REQUESTS) against a fresh
# mock without pacing.
#
# Why a ramp by default: a full TLS 1.3 handshake costs ~1 ms CPU on each side here (OpenSSL
# 3.0), and the mock drops a connection whose handshake has not finished 15 s after accept.
# 10,000 connects at once therefore need ~20 s of CPU within 15 s on a 2-core box; when the
# box is shared that fails with handshake resets. The default (125/s for 80 s, 120 s streams)
# keeps all 10,000 streams open together for ~40 s. The burst variant is
#   CONNECT_RATE=0 TOKENS=20 benchmarks/mock_load.sh
# Build first (own build dir):
#   cmake -S . -B build/bench -G Ninja -DCMAKE_BUILD_TYPE=Release
#   cmake --build build/bench --target floor_loop openrouter-mock -j2
# Run:
#   benchmarks/mock_load.sh                       # 10,000 TLS streams (~4-5 min), then the chat pass
#   PLAIN=1 benchmarks/mock_load.sh               # same over plain HTTP
#   CONCURRENCY=2000 SKIP_CHAT=1 benchmarks/mock_load.sh
# Knobs (environment): BUILD_DIR (build/bench), CONCURRENCY (10000), REQUESTS (=CONCURRENCY),
#   ITL_MS (1000), TOKENS (120), MOCK_THREADS (1), CONNECT_RATE (125; 0 = all at once),
#   TIMEOUT_S (600, floor_loop's whole-run watchdog), PLAIN (0), RELEASE_BUFFERS (0: passes
#   --release-buffers to floor_loop), SKIP_STREAM (0), SKIP_CHAT (0), CHAT_CONCURRENCY (64),
#   CHAT_REQUESTS (20000), CHAT_MOCK_THREADS (1), OUT_DIR (a fresh /tmp/mock_load.XXXX).
#
# Everything binds and connects to 127.0.0.1 only; the mock is always stopped on exit (trap).
# Exit status: 0 when every pass succeeded, 1 otherwise.
# Each process needs ~CONCURRENCY descriptors: the script raises its soft `ulimit -n` to the
# hard limit (the mock inherits it; floor_loop raises its own too).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
BUILD_DIR=${BUILD_DIR:-$root/build/bench}
CONCURRENCY=${CONCURRENCY:-10000}
REQUESTS=${REQUESTS:-$CONCURRENCY}
ITL_MS=${ITL_MS:-1000}
TOKENS=${TOKENS:-120}
MOCK_THREADS=${MOCK_THREADS:-1}
CONNECT_RATE=${CONNECT_RATE:-125}
TIMEOUT_S=${TIMEOUT_S:-600}
PLAIN=${PLAIN:-0}
RELEASE_BUFFERS=${RELEASE_BUFFERS:-0}
SKIP_STREAM=${SKIP_STREAM:-0}
SKIP_CHAT=${SKIP_CHAT:-0}
CHAT_CONCURRENCY=${CHAT_CONCURRENCY:-64}
CHAT_REQUESTS=${CHAT_REQUESTS:-20000}
CHAT_MOCK_THREADS=${CHAT_MOCK_THREADS:-1}
OUT_DIR=${OUT_DIR:-$(mktemp -d /tmp/mock_load.XXXXXX)}

MOCK=$BUILD_DIR/openrouter-mock
FLOOR=$BUILD_DIR/benchmarks/floor_loop
for b in "$MOCK" "$FLOOR"; do
  [[ -x $b ]] || { echo "mock_load: missing $b (build it first, see the header)" >&2; exit 2; }
done
mkdir -p "$OUT_DIR"

# --- descriptors ----------------------------------------------------------------------------
hard=$(ulimit -Hn)
if [[ $hard != unlimited ]] && (( hard < CONCURRENCY + 64 )); then
  echo "mock_load: hard RLIMIT_NOFILE $hard is below CONCURRENCY+64; lower CONCURRENCY" >&2
  exit 2
fi
ulimit -n "$hard"
echo "# ulimit -n: soft $(ulimit -n) hard $(ulimit -Hn)"
echo "# somaxconn $(cat /proc/sys/net/core/somaxconn) tcp_max_syn_backlog $(cat /proc/sys/net/ipv4/tcp_max_syn_backlog)" \
     "syncookies $(cat /proc/sys/net/ipv4/tcp_syncookies) ports $(tr '\t' '-' < /proc/sys/net/ipv4/ip_local_port_range)"
echo "# cores $(nproc), load average $(cut -d' ' -f1-3 /proc/loadavg), out $OUT_DIR"

mock_pid=""
sampler_pid=""
verdict=0
cleanup() {
  if [[ -n $sampler_pid ]]; then kill "$sampler_pid" 2>/dev/null || true; fi
  if [[ -n $mock_pid ]] && kill -0 "$mock_pid" 2>/dev/null; then
    kill -TERM "$mock_pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$mock_pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$mock_pid" 2>/dev/null || true
  fi
  mock_pid=""
  sampler_pid=""
}
trap cleanup EXIT
trap 'cleanup; exit 130' INT TERM

clk_tck=$(getconf CLK_TCK)
status_kib() { awk -v k="$2:" '$1 == k { print $2 }' "/proc/$1/status"; }
cpu_s() {  # utime+stime of a live process, seconds
  awk -v t="$clk_tck" '{ sub(/^.*\) /, ""); printf "%.2f", ($12 + $13) / t }' "/proc/$1/stat"
}

# start_mock NAME THREADS [SCENARIO]: sets mock_pid, url
start_mock() {
  local name=$1 threads=$2 scenario=${3:-}
  local args=(--port 0 --threads "$threads")
  if (( PLAIN )); then args+=(--plain); else args+=(--ca-out "$OUT_DIR/ca.pem"); fi
  [[ -n $scenario ]] && args+=(--scenario "$scenario")
  "$MOCK" "${args[@]}" > "$OUT_DIR/$name.mock.out" 2> "$OUT_DIR/$name.mock.err" &
  mock_pid=$!
  url=""
  for _ in $(seq 100); do
    url=$(awk '/^listening /{ print $2 }' "$OUT_DIR/$name.mock.out")
    [[ -n $url ]] && break
    kill -0 "$mock_pid" 2>/dev/null || break
    sleep 0.05
  done
  [[ -n $url ]] || { echo "mock_load: the mock did not start:" >&2; cat "$OUT_DIR/$name.mock.err" >&2; exit 1; }
  [[ $url == *://127.0.0.1:* ]] || { echo "mock_load: unexpected address $url" >&2; exit 1; }
}

floor_args() {
  if (( PLAIN )); then echo --url "$url"; else echo --url "$url" --ca-file "$OUT_DIR/ca.pem"; fi
  (( RELEASE_BUFFERS )) && echo --release-buffers
  return 0
}

# --- 1. 10,000 concurrent streams -----------------------------------------------------------
if (( ! SKIP_STREAM )); then
  scenario=$OUT_DIR/paced.json
  printf '{"defaults":{"ttft_ms":0,"itl_ms":%d,"tokens":%d,"write_mode":"per_event"}}\n' "$ITL_MS" "$TOKENS" > "$scenario"
  start_mock stream "$MOCK_THREADS" "$scenario"
  port=${url##*:}
  sleep 0.2
  base_rss=$(status_kib "$mock_pid" VmRSS)
  base_fds=$(find "/proc/$mock_pid/fd" -mindepth 1 -maxdepth 1 | wc -l)
  echo "# stream test: mock pid $mock_pid $url threads $MOCK_THREADS, baseline RSS ${base_rss} KiB," \
       "scenario $(cat "$scenario")"

  # Sampler: once a second, the mock's descriptors, ESTABLISHED server-side sockets, RSS, CPU.
  samples=$OUT_DIR/stream.samples
  echo "t_s fds established rss_kib cpu_s" > "$samples"
  (
    t0=$EPOCHREALTIME
    while kill -0 "$mock_pid" 2>/dev/null; do
      fds=$(find "/proc/$mock_pid/fd" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l)
      est=$(ss -Htn state established "( sport = :$port )" 2>/dev/null | wc -l)
      rss=$(status_kib "$mock_pid" VmRSS 2>/dev/null || echo 0)
      cpu=$(cpu_s "$mock_pid" 2>/dev/null || echo 0)
      t=$(awk -v a="$EPOCHREALTIME" -v b="$t0" 'BEGIN { printf "%.1f", a - b }')
      echo "$t $fds $est $rss $cpu" >> "$samples"
      sleep 1
    done
  ) &
  sampler_pid=$!

  set +e
  # shellcheck disable=SC2046
  "$FLOOR" $(floor_args) --mode stream --concurrency "$CONCURRENCY" --requests "$REQUESTS" \
      --max-tokens "$TOKENS" --connect-rate "$CONNECT_RATE" --timeout-s "$TIMEOUT_S" \
      > "$OUT_DIR/stream.floor.json" 2> "$OUT_DIR/stream.floor.err"
  floor_rc=$?
  set -e
  sleep 1.5  # one more sample after the streams end
  mock_alive=1; kill -0 "$mock_pid" 2>/dev/null || mock_alive=0
  hwm=$(status_kib "$mock_pid" VmHWM || echo 0)
  rss_end=$(status_kib "$mock_pid" VmRSS || echo 0)
  mock_cpu=$(cpu_s "$mock_pid" || echo 0)
  mock_threads_seen=$(status_kib "$mock_pid" Threads || echo 0)
  kill "$sampler_pid" 2>/dev/null || true; wait "$sampler_pid" 2>/dev/null || true; sampler_pid=""
  cleanup

  res=$(cat "$OUT_DIR/stream.floor.json")
  peak_fds=$(awk 'NR > 1 && $2 > m { m = $2 } END { print m + 0 }' "$samples")
  peak_est=$(awk 'NR > 1 && $3 > m { m = $3 } END { print m + 0 }' "$samples")
  # Connections the mock had accepted (descriptors above its idle baseline), and for how long
  # (first to last sample) it held at least 99% of CONCURRENCY of them at once.
  peak_conns=$(( peak_fds - base_fds ))
  held_s=$(awk -v c="$CONCURRENCY" -v b="$base_fds" 'NR > 1 && $2 - b >= 0.99 * c { if (!f) f = $1; l = $1 }
                                                      END { printf "%.1f", l - f }' "$samples")
  per_conn=$(awk -v h="$hwm" -v b="$base_rss" -v n="$peak_conns" 'BEGIN { if (n > 0) printf "%.1f", (h - b) / n; else print 0 }')
  echo "$res" | jq -c --argjson hwm "$hwm" --argjson base "$base_rss" --argjson rss_end "$rss_end" \
      --argjson per "$per_conn" --argjson cpu "$mock_cpu" --argjson conns "$peak_conns" --argjson est "$peak_est" \
      --argjson held "$held_s" --argjson alive "$mock_alive" --argjson rc "$floor_rc" --argjson thr "$mock_threads_seen" '{
        test: "stream_hold", tls: .tls, concurrency, requests,
        streams_ok: .ok, errors, incomplete, error_kinds,
        wall_s, client_cpu_s: .cpu_s, client_peak_rss_kib: .peak_rss_kib,
        connections: .connections, tls_handshakes, sse_events,
        stream_latency_ms: .latency_ms,
        client_max_open: .max_open, client_all_open_s: .all_open_s,
        mock_peak_connections: $conns, mock_peak_established_sockets: $est, mock_held_99pct_s: $held,
        mock_baseline_rss_kib: $base, mock_vmhwm_kib: $hwm, mock_rss_after_kib: $rss_end,
        mock_rss_per_conn_kib: $per, mock_cpu_s: $cpu, mock_threads: $thr,
        mock_alive_after: ($alive == 1), floor_rc: $rc }' | tee "$OUT_DIR/stream.result.json"
  if jq -e --argjson c "$CONCURRENCY" --argjson r "$REQUESTS" \
       '.streams_ok == $r and .errors == 0 and .mock_peak_connections >= 0.99 * $c and .mock_alive_after' \
       "$OUT_DIR/stream.result.json" > /dev/null; then
    echo "# stream_hold: PASS"
  else
    echo "# stream_hold: FAIL"; verdict=1
  fi
  if [[ -s $OUT_DIR/stream.floor.err ]]; then echo "# floor_loop stderr:"; head -20 "$OUT_DIR/stream.floor.err"; fi
  if [[ -s $OUT_DIR/stream.mock.err ]]; then echo "# mock stderr:"; head -5 "$OUT_DIR/stream.mock.err"; fi
fi

# --- 2. non-streaming throughput ------------------------------------------------------------
if (( ! SKIP_CHAT )); then
  start_mock chat "$CHAT_MOCK_THREADS"
  echo "# chat test: mock pid $mock_pid $url threads $CHAT_MOCK_THREADS"
  set +e
  # shellcheck disable=SC2046
  "$FLOOR" $(floor_args) --mode chat --concurrency "$CHAT_CONCURRENCY" --requests "$CHAT_REQUESTS" \
      --max-tokens 16 --timeout-s "$TIMEOUT_S" > "$OUT_DIR/chat.floor.json" 2> "$OUT_DIR/chat.floor.err"
  set -e
  hwm=$(status_kib "$mock_pid" VmHWM || echo 0)
  mock_cpu=$(cpu_s "$mock_pid" || echo 0)
  cleanup
  jq -c --argjson hwm "$hwm" --argjson cpu "$mock_cpu" '{
      test: "chat_throughput", tls, concurrency, requests, ok, errors, incomplete, error_kinds,
      wall_s, rps, client_cpu_s: .cpu_s, client_cpu_us_per_req: .cpu_us_per_req,
      client_peak_rss_kib: .peak_rss_kib, connections, latency_ms,
      mock_cpu_s: $cpu, mock_cpu_us_per_req: (if .ok > 0 then ($cpu * 1e6 / .ok) else 0 end),
      mock_vmhwm_kib: $hwm }' "$OUT_DIR/chat.floor.json" | tee "$OUT_DIR/chat.result.json"
  if jq -e '.ok == .requests and .errors == 0' "$OUT_DIR/chat.result.json" > /dev/null; then
    echo "# chat_throughput: PASS"
  else
    echo "# chat_throughput: FAIL"; verdict=1
  fi
fi
exit "$verdict"
