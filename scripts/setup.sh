#!/usr/bin/env bash
# One-time (idempotent) machine set-up: Debian toolchain for the offline SBF build + the Python venv.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
APT_PACKAGES=(rustc-web cargo-web rust-web-src llvm-22 llvm-22-dev g++ patch binutils python3-venv postgresql)
missing=()
for p in "${APT_PACKAGES[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO=sudo
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q "${missing[@]}"
fi
PY="${PYTHON:-python3}"
if [ ! -x "$ROOT/.venv/bin/python" ]; then "$PY" -m venv "$ROOT/.venv"; fi
"$ROOT/.venv/bin/pip" install -q --upgrade pip
"$ROOT/.venv/bin/pip" install -q -e "$ROOT[test]"
