#!/usr/bin/env python3
"""The figures of benchmarks/run_gateway_bench.sh, read from its results directory.

  report.py check RUN DURATION   exit 0 when the h2load run RUN (RUN.txt, RUN.log) passes the
                                 throughput criteria: p99 < 1 s and errors < 0.1%
  report.py table DIR DURATION CLK_TCK "TARGETS"
                                 the one table: absolute figures, added latency (through a
                                 gateway minus direct) and the ratios serve/nginx, serve/Portkey

h2load --log-file rows: start time (us since the epoch), HTTP status, microseconds to the end of
the response. Requests that never completed (connect errors, timeouts, resets) are in h2load's
summary line ("N failed, N errored, N timeout") only.
"""
import json
import os
import re
import sys

P99_LIMIT_S = 1.0
ERROR_LIMIT = 0.001


def pct(values, p):
    if not values:
        return float("nan")
    v = sorted(values)
    k = min(len(v) - 1, max(0, int(round(p / 100 * len(v) + 0.5)) - 1))
    return v[k]


def h2load_run(run, duration=None):
    """{ok, errors, total, p50_us, p99_us, rps} of one h2load run."""
    lat, bad = [], 0
    if os.path.exists(run + ".log"):
        with open(run + ".log") as f:
            for line in f:
                cols = line.split()
                if len(cols) < 3:
                    continue
                if cols[1].startswith("2"):
                    lat.append(int(cols[2]))
                else:
                    bad += 1
    text = open(run + ".txt").read() if os.path.exists(run + ".txt") else ""
    m = re.search(r"requests: (\d+) total, (\d+) started, (\d+) done, (\d+) succeeded, (\d+) failed, "
                  r"(\d+) errored, (\d+) timeout", text)
    failed = int(m.group(5)) if m else 0
    # "failed" counts non-2xx answers (in the log too) and requests that never finished
    errors = max(failed, bad)
    total = len(lat) + errors
    fin = re.search(r"finished in ([\d.]+)(m?s)", text)
    secs = duration
    if fin:
        secs = float(fin.group(1)) / (1000 if fin.group(2) == "ms" else 1)
    return {"ok": len(lat), "errors": errors, "total": total, "p50_us": pct(lat, 50), "p99_us": pct(lat, 99),
            "rps": len(lat) / secs if secs else float("nan"), "summary_found": m is not None}


def passes(r):
    return r["ok"] > 0 and r["p99_us"] < P99_LIMIT_S * 1e6 and r["errors"] <= ERROR_LIMIT * max(r["total"], 1)


def bench_level(d):
    path = os.path.join(d, "bench.json")
    if not os.path.exists(path):
        return None
    level = json.load(open(path))["levels"][0]
    return level if level["completed"] > 0 else None  # no stream finished: no latency to show


def bench_counts(d):
    path = os.path.join(d, "bench.json")
    if not os.path.exists(path):
        return None
    level = json.load(open(path))["levels"][0]
    return level["completed"], level["failed"]


def bench_completed(d):
    c = bench_counts(d)
    return c[0] if c else "-"


def bench_failed(d):
    c = bench_counts(d)
    return c[1] if c else "-"


def fmt(v, digits=0):
    if v is None or v != v:
        return "-"
    return f"{v:,.{digits}f}"


def table(results, duration, clk_tck, targets):
    targets = targets.split()
    gws = [t for t in targets if t != "direct"]
    load = dict(line.split(" ", 1) for line in open(os.path.join(results, "load")).read().splitlines() if " " in line)
    cols = ["direct", "serve", "nginx", "portkey"]
    rows = []  # (label, {target: value}, digits, target text, ratio?)

    def add(label, values, digits=0, target="", ratio=True):
        rows.append((label, values, digits, target, ratio))

    def added(values):
        if "direct" not in values:
            return {}
        return {t: values[t] - values["direct"] for t in values if t != "direct"}

    # 1. latency
    lat = {t: h2load_run(os.path.join(results, f"lat-{t}")) for t in targets}
    ls = {t: bench_level(os.path.join(results, f"latstream-{t}")) for t in targets}
    rows.append((f"1. added latency, concurrency 1, instant upstream (load {load.get('latency_start', '?')} -> "
                 f"{load.get('latency_end', '?')})", None, 0, "", False))
    for p in ("p50", "p99"):
        v = {t: lat[t][f"{p}_us"] for t in targets}
        add(f"  JSON {p} (us, h2load)", v, 0, "", False)
    for p in ("p50", "p99"):
        add(f"  JSON added {p} (us)", added({t: lat[t][f"{p}_us"] for t in targets}), 0,
            "<= 50" if p == "p99" else "")
    for key, name in (("ttft", "TTFT"), ("e2el", "E2E")):
        for p, field in (("p50", "median"), ("p99", "p99")):
            v = {t: ls[t][f"{field}_{key}_ms"] * 1000 for t in targets if ls[t]}
            add(f"  stream {name} {p} (us, bench)", v, 0, "", False)
    for key, name in (("ttft", "TTFT"), ("e2el", "E2E")):
        for p, field in (("p50", "median"), ("p99", "p99")):
            v = {t: ls[t][f"{field}_{key}_ms"] * 1000 for t in targets if ls[t]}
            add(f"  stream added {name} {p} (us)", added(v), 0, "<= 50" if (p, key) == ("p99", "e2el") else "")
    add("  errors (JSON / stream)", {t: f'{lat[t]["errors"]}/{bench_failed(os.path.join(results, f"latstream-{t}"))}'
                                     for t in targets}, 0, "", False)

    # 2. throughput
    rows.append((f"2. sustained throughput, upstream 20 ms, 1 gateway core (load {load.get('throughput_start', '?')}"
                 f" -> {load.get('throughput_end', '?')})", None, 0, "", False))
    best, best_c, best_r, sweep, cpu = {}, {}, {}, {}, {}
    for t in targets:
        levels = sorted(int(m.group(1)) for f in os.listdir(results)
                        if (m := re.fullmatch(rf"tp-{t}-(\d+)\.txt", f)))
        sweep[t] = []
        for c in levels:
            r = h2load_run(os.path.join(results, f"tp-{t}-{c}"), duration)
            ticks = os.path.join(results, f"tp-{t}-{c}.cpu")
            r["cpu_us"] = (int(open(ticks).read()) / clk_tck * 1e6 / r["ok"]
                           if t != "direct" and os.path.exists(ticks) and r["ok"] else float("nan"))
            sweep[t].append(f"c={c}: {r['rps']:,.0f}/s p99 {r['p99_us'] / 1000:,.0f} ms err {r['errors']}"
                            + ("" if passes(r) else " FAIL"))
            if passes(r) and r["rps"] > best.get(t, -1):
                best[t], best_c[t], best_r[t] = r["rps"], c, r
    add("  req/s (p99 < 1 s, errors < 0.1%)", best, 0, ">= 10,000")
    add("  at connections", best_c, 0, "", False)
    add("  p99 at that level (ms)", {t: best_r[t]["p99_us"] / 1000 for t in best_r}, 1, "", False)
    add("  gateway CPU per request (us)", {t: best_r[t]["cpu_us"] for t in best_r if t != "direct"}, 1)
    # What one whole core would carry at that CPU cost: independent of what else shared the core.
    add("  req/s one core could carry (1e6 / CPU us)",
        {t: 1e6 / best_r[t]["cpu_us"] for t in best_r if t != "direct" and best_r[t]["cpu_us"] > 0}, 0, ">= 10,000")

    # 3. streaming
    rows.append((f"3. streaming, concurrent streams of 64 deltas every 20 ms (load "
                 f"{load.get('streaming_start', '?')} -> {load.get('streaming_end', '?')})", None, 0, "", False))
    st = {t: bench_level(os.path.join(results, f"stream-{t}")) for t in targets}
    ok = {t: st[t] for t in targets if st[t]}
    add("  streams completed / failed", {t: f"{bench_completed(os.path.join(results, f'stream-{t}'))}/"
                                            f"{bench_failed(os.path.join(results, f'stream-{t}'))}" for t in targets},
        0, "", False)
    for key, name in (("ttft", "TTFT"), ("itl", "per-token (ITL)")):
        v = {t: ok[t][f"p99_{key}_ms"] * 1000 for t in ok}
        add(f"  {name} p99 (us)", v, 0, "", False)
        add(f"  added {name} p99 (us)", added(v), 0, "<= 5" if key == "itl" else "")
    # The gateway's CPU per delta over the whole run: the warm-up (STREAMS streams) and the
    # measured level (2 x STREAMS), so 1.5 times the measured level's output tokens.
    per_delta = {}
    for t in ok:
        ticks = os.path.join(results, f"stream-{t}.cpu")
        if t != "direct" and os.path.exists(ticks) and ok[t]["total_output_tokens"]:
            per_delta[t] = int(open(ticks).read()) / clk_tck * 1e6 / (1.5 * ok[t]["total_output_tokens"])
    add("  gateway CPU per delta (us, whole stream / deltas)", per_delta, 1)

    w = 44
    head = f"{'':<{w}}" + "".join(f"{c:>11}" for c in cols) + f"{'serve/nginx':>13}{'serve/portkey':>15}  target"
    print(head)
    for label, values, digits, target, ratio in rows:
        if values is None:
            print(label)
            continue
        cells = "".join(f"{(fmt(values[c], digits) if isinstance(values.get(c), (int, float)) else values.get(c, '-')):>11}"
                        for c in cols)

        def r(peer):
            a, b = values.get("serve"), values.get(peer)
            if not ratio or not isinstance(a, (int, float)) or not isinstance(b, (int, float)) or b == 0:
                return "-"
            return f"{a / b:.2f}"
        print(f"{label:<{w}}{cells}{r('nginx'):>13}{r('portkey'):>15}  {target}")
    print("added = through the gateway minus direct to the mock; ratio = serve / peer (latency and CPU: lower is "
          "better; req/s: higher is better)")
    print("throughput sweeps:")
    for t in targets:
        print(f"  {t}: " + "; ".join(sweep[t]))


def main():
    if sys.argv[1] == "check":
        r = h2load_run(sys.argv[2], float(sys.argv[3]))
        sys.exit(0 if passes(r) else 1)
    table(sys.argv[2], float(sys.argv[3]), float(sys.argv[4]), sys.argv[5])


if __name__ == "__main__":
    main()
