#!/usr/bin/env bash
# The main job on the embedded chain (LiteSVM): set up, build every program offline, run the benchmarks.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
"$ROOT/scripts/setup.sh"
cd "$ROOT"
.venv/bin/gtx build
.venv/bin/gtx bench blockbench
.venv/bin/gtx demo
