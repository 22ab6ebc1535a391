#!/usr/bin/env bash
# The main job. Installs what is missing, builds in Release, then runs the demo: the model
# catalog (free models), the providers, a chat and (mock only) a streamed chat routed past a
# failing model - against a local openrouter-mock on a free
# loopback port, or against the real OpenRouter API when OPENROUTER_API_KEY is set.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh

cmake --preset release >/dev/null
cmake --build --preset release --target openrouter-cli openrouter-mock

bin=build/release
common=()
work=$(mktemp -d)
mock_pid=
trap '[ -n "$mock_pid" ] && kill "$mock_pid" 2>/dev/null; rm -rf "$work"' EXIT
if [ -n "${OPENROUTER_API_KEY:-}" ]; then
  echo "== target: the real OpenRouter API (${OPENROUTER_BASE_URL:-https://openrouter.ai/api/v1})"
  model=${OPENROUTER_DEMO_MODEL:-openai/gpt-4o-mini}
else
  "$bin/openrouter-mock" --port 0 --ca-out "$work/ca.pem" >"$work/listening" &
  mock_pid=$!
  for _ in $(seq 200); do
    grep -q '^listening ' "$work/listening" 2>/dev/null && break
    sleep 0.05
  done
  url=$(sed -n 's/^listening //p' "$work/listening")
  [ -n "$url" ] || { echo "openrouter-mock did not start" >&2; exit 1; }
  echo "== target: openrouter-mock at $url (no OPENROUTER_API_KEY set)"
  export OPENROUTER_API_KEY=sk-or-v1-local-mock
  common=(--base-url "$url/api/v1" --ca-file "$work/ca.pem")
  model=openai/gpt-4o-mini
fi

# Whole outputs go to files first: `| head` would cut the CLI off with SIGPIPE.
echo "== free models (first 10)"
"$bin/openrouter" models --free "${common[@]}" >"$work/models"
head -n 11 "$work/models"
echo "   ... $(($(wc -l <"$work/models") - 1)) free models in all"
echo "== providers (first 5)"
"$bin/openrouter" providers "${common[@]}" >"$work/providers"
head -n 6 "$work/providers"
echo "== chat with $model"
"$bin/openrouter" chat --model "$model" "${common[@]}" "In one sentence: why do LLM clients need retries?"
if [ -n "$mock_pid" ]; then
  # Only against the mock: a primary that answers 503, streamed through the router's fallback.
  echo "== streamed chat routed past a failing model (fault/503 -> $model)"
  "$bin/openrouter" chat --stream --model "fault/503" --fallback "$model" "${common[@]}" "echo: routed around a 503"
fi
