#!/usr/bin/env bash
# Bounded soak: one long `openrouter batch --stream` process (router, pool, streams, output)
# against openrouter-mock with mixed faults, for DURATION seconds; the client's RSS and open
# descriptors (and the mock's) are sampled every SAMPLE seconds. A leak shows as a slope.
#
#   benchmarks/soak.sh [BUILD_DIR] [DURATION_S]
#   e.g. benchmarks/soak.sh build/release 300
#
# Faults (the mock's scenario, on every request, seeded so a run is reproducible): 4% 503 with
# Retry-After 0, 3% TCP reset after a few tokens, 2% mid-stream error event, 2% malformed SSE,
# 2% stream without [DONE], 1% 1 s stall before the headers, 1% 429; every keep-alive
# connection closed silently after 50 responses (the pool's race). Streams of 16 tokens paced
# at 5 ms, CONCURRENCY (64) at a time, a fallback model behind the first.
#
# At DURATION the batch gets SIGINT (it stops admitting, drains, writes its summary). Prints
# streams done, error lines, the RSS slope after WARMUP seconds (least squares, KiB/min) and the
# RSS and descriptor ranges of the client and of the mock. Expected growth: the batch keeps 8
# bytes per id for its latency percentiles (1.4 MB at 175,000 streams); the mock keeps its last
# 200,000 generation records (about 1.3 KiB each), so its RSS climbs until it holds them all.
# Knobs: CONCURRENCY (64), SAMPLE (5), WARMUP (60), LINES (input lines; default 2000 per second
# of DURATION, more than it can do). Loopback only; everything is removed on exit.
set -euo pipefail
build=${1:-build/release}
duration=${2:-300}
concurrency=${CONCURRENCY:-64}
sample=${SAMPLE:-5}
warmup=${WARMUP:-60}
lines=${LINES:-$((duration * 2000))}
(( duration > warmup + 2 * sample )) || { echo "soak: DURATION must exceed WARMUP + 2 samples" >&2; exit 2; }
for b in openrouter openrouter-mock; do
  [ -x "$build/$b" ] || { echo "soak: $build/$b missing (build the openrouter-cli and openrouter-mock targets)" >&2; exit 2; }
done

work=$(mktemp -d)
client=
source "$(dirname "$0")/mock.sh"
cleanup() {
  if [ -n "$client" ]; then kill -KILL "$client" 2>/dev/null || true; wait "$client" 2>/dev/null || true; fi
  stop_mock
  rm -rf "$work"
}
trap cleanup EXIT

cat >"$work/scenario.json" <<'JSON'
{
  "seed": 12,
  "connection": { "close_after_requests": 50 },
  "defaults": {
    "ttft_ms": 5, "itl_ms": 5, "tokens": 16, "write_mode": "per_event",
    "faults": [
      { "kind": "http_error", "status": 503, "retry_after": 0, "rate": 0.04 },
      { "kind": "reset", "after_tokens": 3, "rate": 0.03, "stream": true },
      { "kind": "mid_stream_error", "after_tokens": 4, "rate": 0.02, "stream": true },
      { "kind": "malformed_sse", "after_tokens": 2, "rate": 0.02, "stream": true },
      { "kind": "no_done", "rate": 0.02, "stream": true },
      { "kind": "stall", "seconds": 1, "rate": 0.01 },
      { "kind": "http_error", "status": 429, "retry_after": 0, "rate": 0.01 }
    ]
  }
}
JSON
cat >"$work/policy.json" <<'JSON'
{ "models": ["openai/gpt-4o-mini", "anthropic/claude-3.5-haiku"], "deadline_ms": 30000,
  "attempt_timeout_ms": 10000, "backoff": {"initial_ms": 10, "max_ms": 200, "fallback_over_ms": 50},
  "breaker": {"enabled": false} }
JSON
# Lines without an id (the line number is the id): the batch holds no set of explicit ids.
python3 - "$work/in.jsonl" "$lines" <<'PY'
import sys
with open(sys.argv[1], "w") as f:
    for i in range(int(sys.argv[2])):
        f.write('{"messages":[{"role":"user","content":"soak %d"}],"max_tokens":16}\n' % (i % 997))
PY

start_mock --scenario "$work/scenario.json"
OPENROUTER_API_KEY=sk-or-v1-soak-0123456789abcdef "$build/openrouter" --base-url "$url/api/v1" --ca-file "$work/ca.pem" \
  batch --input "$work/in.jsonl" --output "$work/out.jsonl" --concurrency "$concurrency" --stream \
  --policy "$work/policy.json" --no-progress --drain-timeout 30 2>"$work/err" &
client=$!

rss_kib() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }
fds() { ls "/proc/$1/fd" 2>/dev/null | wc -l; }
echo "t_s client_rss_kib client_fds mock_rss_kib mock_fds lines_out" >"$work/samples"
t0=$(date +%s)
while kill -0 "$client" 2>/dev/null; do
  t=$(( $(date +%s) - t0 ))
  (( t >= duration )) && break
  echo "$t $(rss_kib "$client") $(fds "$client") $(rss_kib "$mock") $(fds "$mock") $(wc -l <"$work/out.jsonl" 2>/dev/null || echo 0)" >>"$work/samples"
  sleep "$sample"
done
ended_early=0
if kill -0 "$client" 2>/dev/null; then
  kill -INT "$client"
else
  ended_early=1
fi
code=0
wait "$client" || code=$?
client=

python3 - "$work/samples" "$work/out.jsonl" "$work/err" "$warmup" "$code" "$ended_early" <<'PY'
import json, sys
samples_path, out_path, err_path, warmup, code, early = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4]), int(sys.argv[5]), sys.argv[6] == "1"
rows = [list(map(float, l.split())) for l in open(samples_path).read().splitlines()[1:] if l.strip()]
results = errors = 0
classes = {}
ids = set()
for line in open(out_path):
    o = json.loads(line)
    ids.add(o["id"])
    if "error" in o:
        errors += 1
        c = o["error"]["class"]
        classes[c] = classes.get(c, 0) + 1
    else:
        results += 1
def slope(xs, ys):
    n = len(xs)
    if n < 2: return float("nan")
    mx, my = sum(xs) / n, sum(ys) / n
    den = sum((x - mx) ** 2 for x in xs)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / den * 60 if den else float("nan")
after = [r for r in rows if r[0] >= warmup]
t = [r[0] for r in after]
secs = rows[-1][0] if rows else 0
print(f"soak: {secs:.0f} s sampled every {rows[1][0] - rows[0][0]:.0f} s" if len(rows) > 1 else "soak: too few samples")
print(f"streams done: {results + errors} ({results} results, {errors} error lines {classes}); batch exit {code}"
      + ("; the input ran out before the duration" if early else ""))
print(f"ids written twice: {results + errors - len(ids)}")
for name, rc, fc in (("client", 1, 2), ("mock", 3, 4)):
    rss = [r[rc] for r in after]
    f = [int(r[fc]) for r in rows[1:]] or [0]
    print(f"{name}: RSS slope after {warmup:.0f} s warm-up {slope(t, rss):+.1f} KiB/min "
          f"(RSS {min(rss):.0f}-{max(rss):.0f} KiB after warm-up, {rows[0][rc]:.0f} KiB at start); "
          f"open descriptors {min(f)}-{max(f)}")
PY
echo "batch summary (stderr):"
tail -n 6 "$work/err"
