#!/usr/bin/env bash
# One-time (idempotent) machine set-up: Debian toolchain for the offline SBF build + the Python venv.
# Prints how long each part took; with $GTX_TIMINGS set, also appends "<part> <seconds>" lines to that file.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
timed() {  # timed PART SECONDS
  echo "setup: $1 $2 s"
  if [ -n "${GTX_TIMINGS:-}" ]; then echo "$1 $2" >>"$GTX_TIMINGS"; fi
}
start=$(date +%s)
APT_PACKAGES=(rustc-web cargo-web rust-web-src rust-web-clippy rustfmt-web llvm-22 llvm-22-dev g++ patch binutils python3-venv postgresql xz-utils)
missing=()
for p in "${APT_PACKAGES[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO=sudo
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q "${missing[@]}"
fi
timed apt $(( $(date +%s) - start ))
start=$(date +%s)
PY="${PYTHON:-python3}"
if [ ! -x "$ROOT/.venv/bin/python" ]; then "$PY" -m venv "$ROOT/.venv"; fi
"$ROOT/.venv/bin/pip" install -q --upgrade pip
"$ROOT/.venv/bin/pip" install -q -e "$ROOT[test]"
timed venv $(( $(date +%s) - start ))
