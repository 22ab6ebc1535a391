#!/usr/bin/env bash
# Embeddings batch throughput over HTTPS against openrouter-mock (its own process): the client's
# inputs/s and CPU µs per input at concurrency 64, base64 and float on the wire.
#
#   benchmarks/run_embeddings_bench.sh [BUILD_DIR] [REQUESTS] [BATCH] [DIMENSIONS] [CONCURRENCY]
#   e.g. benchmarks/run_embeddings_bench.sh build/release 2000 16 256 64
set -euo pipefail
build=${1:-build/release}
requests=${2:-2000}
batch=${3:-16}
dims=${4:-256}
conc=${5:-64}
work=$(mktemp -d)
source "$(dirname "$0")/mock.sh"
trap 'stop_mock; rm -rf "$work"' EXIT
start_mock
for format in base64 float; do
  "$build/benchmarks/embeddings_bench" --url "$url/api/v1" --ca-file "$work/ca.pem" --concurrency "$conc" \
    --requests "$requests" --batch "$batch" --dimensions "$dims" --encoding-format "$format"
done
