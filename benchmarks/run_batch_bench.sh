#!/usr/bin/env bash
# run_batch_bench.sh: `openrouter batch` over N requests against a standalone openrouter-mock
# (TLS, loopback) whose model fails FAULT_RATE of requests with a 503 (the router retries them).
# Reports wall time, requests/s, client CPU (user+sys), peak RSS of the client, and checks that
# the output holds every id exactly once.
#
#   benchmarks/run_batch_bench.sh [BUILD_DIR] [N] [CONCURRENCY]
#   defaults: build/release 100000 64; environment: FAULT_RATE (0.05), MOCK_THREADS (1), STREAM (0),
#   RPM (--rpm N; empty: none), REDIS (1: a redis-server on a free loopback port and --redis URL,
#   the limits shared through it: the fleet's per-attempt overhead against the same run without)
# Exit status: 0 when every id is present exactly once, 1 otherwise.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
build=${1:-$root/build/release}
n=${2:-100000}
conc=${3:-64}
FAULT_RATE=${FAULT_RATE:-0.05}
MOCK_THREADS=${MOCK_THREADS:-1}
STREAM=${STREAM:-0}
RPM=${RPM:-}
REDIS=${REDIS:-0}
for b in "$build/openrouter" "$build/openrouter-mock"; do
  [[ -x $b ]] || { echo "run_batch_bench: missing $b (build openrouter-cli and openrouter-mock)" >&2; exit 2; }
done
[[ -x /usr/bin/time ]] || { echo "run_batch_bench: needs /usr/bin/time (GNU time)" >&2; exit 2; }

work=$(mktemp -d /tmp/batch_bench.XXXXXX)
source "$here/mock.sh"
redis=
stop_redis() { if [ -n "$redis" ]; then kill "$redis" 2>/dev/null || true; wait "$redis" 2>/dev/null || true; fi; }
trap 'stop_mock; stop_redis; rm -rf "$work"' EXIT

cat >"$work/scenario.json" <<EOF
{"models": {"openai/gpt-4o-mini": {"faults": [{"kind": "http_error", "status": 503, "rate": $FAULT_RATE}]}}}
EOF
# Fast retries: the 503s are retried after 1-20 ms instead of the default 250 ms backoff.
echo '{"backoff": {"initial_ms": 1, "max_ms": 20}}' >"$work/policy.json"
start_mock --scenario "$work/scenario.json" --threads "$MOCK_THREADS"

python3 - "$n" >"$work/in.jsonl" <<'EOF'
import json, sys
for i in range(int(sys.argv[1])):
    print(json.dumps({"id": f"q{i}", "model": "openai/gpt-4o-mini", "max_tokens": 8,
                      "messages": [{"role": "user", "content": f"question {i}: say something"}]}))
EOF

extra=()
[[ $STREAM == 1 ]] && extra+=(--stream)
[[ -n $RPM ]] && extra+=(--rpm "$RPM")
if [[ $REDIS == 1 ]]; then
  command -v redis-server >/dev/null || { echo "run_batch_bench: REDIS=1 needs redis-server (apt-get install redis-server)" >&2; exit 2; }
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  redis-server --port "$port" --bind 127.0.0.1 --dir "$work" --save '' --appendonly no >"$work/redis.log" 2>&1 &
  redis=$!
  for _ in $(seq 100); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.05; done
  extra+=(--redis "redis://127.0.0.1:$port" --fleet-id "bench-$$")
fi
echo "# batch: $n requests, concurrency $conc, fault rate $FAULT_RATE, stream $STREAM, rpm ${RPM:-none}, redis $REDIS;" \
     "cores $(nproc), load average $(cut -d' ' -f1-3 /proc/loadavg)"
set +e
OPENROUTER_API_KEY=sk-or-v1-batch-bench /usr/bin/time -v -o "$work/time.txt" \
  "$build/openrouter" --base-url "$url/api/v1" --ca-file "$work/ca.pem" batch \
  --input "$work/in.jsonl" --output "$work/out.jsonl" --concurrency "$conc" --policy "$work/policy.json" \
  "${extra[@]}" 2>"$work/stderr.txt"
code=$?
set -e
if [ -n "$redis" ]; then  # the server's side of the sharing: its CPU (utime + stime, clock ticks)
  ticks=$(awk '{print $14 + $15}' "/proc/$redis/stat")
  python3 -c "import sys; t=int(sys.argv[1])/$(getconf CLK_TCK); print(f'redis-server CPU {t:.2f} s ({t/int(sys.argv[2])*1e6:.0f} us/request)')" "$ticks" "$n"
fi
tail -n 8 "$work/stderr.txt"
wall=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$work/time.txt")
user=$(sed -n 's/.*User time (seconds): //p' "$work/time.txt")
sys=$(sed -n 's/.*System time (seconds): //p' "$work/time.txt")
rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$work/time.txt")
python3 - "$work/out.jsonl" "$n" "$wall" "$user" "$sys" "$rss" "$code" <<'EOF'
import json, sys
path, n, wall, user, sys_s, rss, code = sys.argv[1:]
n = int(n)
parts = [float(p) for p in wall.split(":")]
secs = sum(p * 60 ** i for i, p in enumerate(reversed(parts)))
ids, errors, bad, attempts = {}, {}, 0, 0
with open(path, "rb") as f:
    for line in f:
        try:
            o = json.loads(line)
        except ValueError:
            bad += 1
            continue
        ids[o["id"]] = ids.get(o["id"], 0) + 1
        attempts += o.get("attempts", 0)
        if "error" in o:
            errors[o["error"]["class"]] = errors.get(o["error"]["class"], 0) + 1
expected = {f"q{i}" for i in range(n)}
once = set(ids) == expected and all(v == 1 for v in ids.values()) and bad == 0
cpu = float(user) + float(sys_s)
print(f"exit {code}; wall {secs:.2f} s; {n / secs:.0f} requests/s; client CPU {cpu:.2f} s "
      f"(user {user}, sys {sys_s}; {cpu / n * 1e6:.0f} us/request); peak RSS {int(rss) / 1024:.1f} MiB")
print(f"attempts {attempts} for {n} ids; error lines {sum(errors.values())} {errors}; unreadable lines {bad}")
print("exactly once: " + ("PASS" if once else "FAIL"))
sys.exit(0 if once else 1)
EOF
