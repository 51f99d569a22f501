#!/usr/bin/env bash
# The test suite from a fresh machine: set up, build solana-test-validator from crates.io (once, cached under
# ~/.cache/gridtokenx), build every program offline (cached too), check that generated files are up to date, run pytest.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
"$ROOT/scripts/setup.sh"
cd "$ROOT"
start=$(date +%s)
# the validator suites deploy to a real solana-test-validator; a cold build is the longest step of a fresh machine
GTX_VALIDATOR="$("$ROOT/scripts/install-validator.sh")"
export GTX_VALIDATOR
echo "solana-test-validator: $GTX_VALIDATOR ($(( $(date +%s) - start )) s)"
start=$(date +%s)
.venv/bin/gtx build
echo "gtx build: $(( $(date +%s) - start )) s"
# the IDL in idl/ is generated from the Rust source; a stale committed copy fails CI
if ! git diff --exit-code --stat -- idl/ gridtokenx_cli/generated/; then
  echo "error: idl/ or gridtokenx_cli/generated/ is stale; run gtx build and commit them" >&2
  exit 1
fi
.venv/bin/python -m pytest -q "$@"
