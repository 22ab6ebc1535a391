#!/usr/bin/env bash
# Installs everything openrouter-cpp needs on Debian 12: the build's packages, nftables (the
# chaos test's packet loss and resets), tinyproxy and squid (the proxy tests start them on
# loopback; their services are not needed and may stay stopped), nginx-light and nghttp2-client (the
# gateway benchmark), Node.js and the npm packages of the benchmark peers (benchmarks/js,
# benchmarks/gateway). Idempotent: apt-get runs only when a
# package is missing, npm only where node_modules is not there. Needs root (or sudo).
set -euo pipefail

packages=(
  build-essential cmake ninja-build ccache pkg-config
  libssl-dev zlib1g-dev
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
  libboost-test1.81-dev libboost-program-options1.81-dev
  json-schema-test-suite python3-jsonschema
  nftables
  tinyproxy squid
  chromium  # the web console's browser test (test/browser)
  # fleet: shared limits on Redis (hiredis's async API); the tests start their own redis-server
  libhiredis-dev redis-server
  # the gateway benchmark's floor (nginx proxy_pass) and load generator (h2load); HTTP/2 (issue 14):
  # nghttp2's C library, and nghttpd, h2load and nginx for the interop tests
  libnghttp2-dev nghttp2-client nghttp2-server nginx-light
)

# Node.js runs the reference benchmarks (eventsource-parser); any recent node will do, so
# Debian's is installed only when there is none.
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then packages+=(nodejs npm); fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if ((${#missing[@]})); then
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo=sudo; fi
  echo "setup: installing ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# The benchmark peers (benchmarks/js), the Portkey gateway that benchmarks/run_gateway_bench.sh
# measures `openrouter serve` against (benchmarks/gateway), the official @openrouter/sdk that
# test/mock/sdk_conformance_test runs against the mock (test/sdk), and playwright-core, which
# drives the system chromium through the gateway's web console (test/browser), each pinned by its
# package-lock.json.
root=$(cd "$(dirname "$0")/.." && pwd)
for dir in benchmarks/js benchmarks/gateway test/sdk test/browser; do
  if [ ! -d "$root/$dir/node_modules" ]; then
    echo "setup: npm ci in $dir"
    (cd "$root/$dir" && npm ci --no-audit --no-fund --loglevel=error)
  fi
done
