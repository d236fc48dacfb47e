#!/usr/bin/env bash
# fetch_gpu_deps.sh — run HERE (a machine with apt): download the Debian packages noether builds with
# into .deps/ (git-ignored) and unpack them under .deps/root, so that a lent GPU machine, which
# reaches no package registry, can build noether from them. Then, through the device tool:
#   run(command="bash scripts/gpu_check.sh", carry=[".deps"])
set -euo pipefail
cd "$(dirname "$0")/.."
pkgs=(googletest nlohmann-json3-dev libcli11-dev libeigen3-dev liblbfgspp-dev zlib1g-dev zlib1g)
rm -rf .deps && mkdir -p .deps/debs .deps/root
(cd .deps/debs && apt-get download "${pkgs[@]}" 2>/dev/null) || {
  apt-get update -qq && (cd .deps/debs && apt-get download "${pkgs[@]}")
}
for f in .deps/debs/*.deb; do dpkg -x "$f" .deps/root; done
rm -rf .deps/debs
du -sh .deps
