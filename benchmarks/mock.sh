# Sourced by the benchmark scripts: a standalone openrouter-mock on a free loopback port.
# Needs $build (the build directory) and $work (a scratch directory). start_mock [OPTIONS...]
# (extra mock options, e.g. --scenario FILE) stops the previous one, starts it, and sets $mock
# (its pid) and $url (https://127.0.0.1:PORT); its CA is $work/ca.pem. stop_mock stops it.
mock=
stop_mock() {
  if [ -n "$mock" ]; then
    kill "$mock" 2>/dev/null || true
    wait "$mock" 2>/dev/null || true
    mock=
  fi
}
start_mock() {
  stop_mock
  rm -f "$work/listening"
  "$build/openrouter-mock" --port 0 --ca-out "$work/ca.pem" "$@" >"$work/listening" &
  mock=$!
  for _ in $(seq 200); do grep -q '^listening ' "$work/listening" 2>/dev/null && break; sleep 0.05; done
  url=$(sed -n 's/^listening //p' "$work/listening")
  [[ $url == https://127.0.0.1:* ]] || { echo "$(basename "$0"): openrouter-mock did not start" >&2; exit 1; }
}
# start_scenario JSON [OPTIONS...]: start_mock with that scenario (written to $work/scenario.json).
start_scenario() {
  echo "$1" >"$work/scenario.json"
  shift
  start_mock --scenario "$work/scenario.json" "$@"
}
