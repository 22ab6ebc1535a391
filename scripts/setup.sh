#!/usr/bin/env bash
# Installs everything openrouter-cpp needs on Debian 12. Idempotent: apt-get runs only when a
# package is missing. Needs root (or sudo).
set -euo pipefail

packages=(
  build-essential cmake ninja-build ccache pkg-config
  libssl-dev zlib1g-dev
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
  libboost-test1.81-dev libboost-program-options1.81-dev
)

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
