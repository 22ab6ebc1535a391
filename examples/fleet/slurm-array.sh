#!/usr/bin/env bash
# One batch file split over a Slurm job array of 8 tasks sharing one API key's rate limit,
# budget and cool-downs through Redis (`openrouter batch --redis`; README: "Beyond one machine").
# Task K does shard K of 8 into its own output; resubmitting the array (or one task:
# sbatch --array=3 slurm-array.sh) resumes: every id ends up exactly once.
#
#   export OPENROUTER_API_KEY=sk-or-v1-... REDIS_PASSWORD=...   # sbatch passes the environment on
#   sbatch slurm-array.sh
#
#SBATCH --job-name=openrouter-batch
#SBATCH --array=1-8
#SBATCH --cpus-per-task=1
#SBATCH --mem=512M
#SBATCH --time=04:00:00
#SBATCH --output=logs/%x-%a.log
set -euo pipefail

shards=${SLURM_ARRAY_TASK_COUNT:-8}
k=${SLURM_ARRAY_TASK_ID:?run this through sbatch}
redis_url=${REDIS_URL:-redis://redis.cluster.local:6379/0}

exec openrouter batch \
  --input "${INPUT:-prompts.jsonl}" \
  --output "results-${k}.jsonl" \
  --shard "${k}/${shards}" \
  --model openai/gpt-4o-mini --fallback anthropic/claude-haiku-4.5 \
  --rpm 600 --max-cost 25 \
  --redis "${redis_url}" \
  --fleet-id "openrouter-${SLURM_ARRAY_JOB_ID}" \
  --no-progress
