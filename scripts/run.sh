#!/usr/bin/env bash
# The main job. Installs what is missing, builds in Release, then runs the demo against a
# local openrouter-mock on a free loopback port (with the faults of scripts/demo/
# mock_scenario.json), or against the real OpenRouter API (cheap models, a few requests) when
# OPENROUTER_API_KEY is set:
#   1. the catalog's free models and the providers;
#   2. a batch: scripts/demo/prompts.jsonl through a fallback policy (retries and fallbacks
#      show in its summary), results in build/demo/results.jsonl;
#   3. a short bench sweep, report in build/demo/bench/bench.html.
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
  policy=scripts/demo/policy_real_api.json
  head -n 12 scripts/demo/prompts.jsonl >"$work/prompts.jsonl"  # a few cents at most
  bench=(--model "$model" --concurrency 1,2 --requests 4 --output-len 32)
else
  "$bin/openrouter-mock" --port 0 --ca-out "$work/ca.pem" --scenario scripts/demo/mock_scenario.json \
    >"$work/listening" &
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
  policy=scripts/demo/policy.json
  cp scripts/demo/prompts.jsonl "$work/prompts.jsonl"
  bench=(--model meta-llama/llama-3.3-70b-instruct --concurrency 1,8,32 --requests 32 --warmup 2 --output-len 24)
fi
out=build/demo
rm -rf "$out"
mkdir -p "$out"

# Whole outputs go to files first: `| head` would cut the CLI off with SIGPIPE.
echo "== free models (first 5)"
"$bin/openrouter" models --free "${common[@]}" >"$work/models"
head -n 6 "$work/models"
echo "   ... $(($(wc -l <"$work/models") - 1)) free models in all"
echo "== providers (first 3)"
"$bin/openrouter" providers "${common[@]}" >"$work/providers"
head -n 4 "$work/providers"

echo "== batch: $(wc -l <"$work/prompts.jsonl") prompts through $policy"
"$bin/openrouter" batch --input "$work/prompts.jsonl" --output "$out/results.jsonl" --policy "$policy" \
  --concurrency 16 "${common[@]}"
echo "   results: $out/results.jsonl ($(wc -l <"$out/results.jsonl") lines); the first:"
head -n 1 "$out/results.jsonl"

echo "== bench: ${bench[*]}"
"$bin/openrouter" bench "${bench[@]}" --output-dir "$out/bench" "${common[@]}"
