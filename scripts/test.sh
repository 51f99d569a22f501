#!/usr/bin/env bash
# The test suite from a fresh machine: set up, install solana-test-validator (seeded or built from crates.io, cached
# under ~/.cache/gridtokenx), build every program offline (cached too), check that generated files are up to date,
# build the arm64 (Raspberry Pi) test root (cached), run pytest. Ends with one line of timings per part (also when a part fails), so a CI log shows where time went.
# Under CI (CI=true) every part is bounded by what is left of the budget ($GTX_CI_BUDGET_SECONDS, default 5,280 s:
# CI's 90 minutes less 2 for the clone and the summary), so an overrun fails naming its part instead of being cut off.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
GTX_TIMINGS="$(mktemp)"
export GTX_TIMINGS
t0=$(date +%s)
summary() {
  local rc=$? parts
  parts="$(awk '{printf "%s%s %d s", (NR > 1 ? ", " : ""), $1, $2}' "$GTX_TIMINGS")"
  echo "CI timing: ${parts:-nothing finished}; total $(( $(date +%s) - t0 )) s (exit $rc)"
  rm -f "$GTX_TIMINGS"
}
trap summary EXIT
timed() {  # timed PART START
  echo "$1 $(( $(date +%s) - $2 ))" >>"$GTX_TIMINGS"
}
BUDGET="${GTX_CI_BUDGET_SECONDS:-}"
if [ -z "$BUDGET" ] && [ "${CI:-}" = true ]; then BUDGET=5280; fi
bounded() {  # bounded PART CMD…: runs CMD within what is left of the budget (unbounded without one)
  local part=$1 left rc=0; shift
  if [ -z "$BUDGET" ]; then "$@"; return; fi
  left=$(( BUDGET - ($(date +%s) - t0) ))
  if [ "$left" -le 0 ]; then echo "error: CI budget of $BUDGET s used up before $part" >&2; return 124; fi
  timeout -k 20 "$left" "$@" || rc=$?
  if [ "$rc" -eq 124 ]; then echo "error: $part ran past the CI budget of $BUDGET s and was stopped" >&2; fi
  return $rc
}
bounded setup "$ROOT/scripts/setup.sh"
start=$(date +%s)
# the validator suites deploy to a real solana-test-validator; built cold it is the longest step of a fresh machine
GTX_VALIDATOR="$(bounded validator "$ROOT/scripts/install-validator.sh")"
export GTX_VALIDATOR
timed validator "$start"
start=$(date +%s)
bounded gtx-build .venv/bin/gtx build
timed gtx-build "$start"
# the IDL in idl/ is generated from the Rust source; a stale (or missing) committed copy fails CI
if [ -n "$(git status --porcelain -- idl/ gridtokenx_cli/generated/)" ]; then
  git status --short -- idl/ gridtokenx_cli/generated/ >&2
  echo "error: idl/ or gridtokenx_cli/generated/ is stale; run gtx build and commit them" >&2
  exit 1
fi
start=$(date +%s)
# lint and types: ruff and mypy (pyproject.toml), rustfmt and clippy over the workspace (clippy's host build is
# cached outside the repo like the others)
bounded lint bash -c '.venv/bin/ruff check gridtokenx_cli tests scripts && .venv/bin/mypy && cargo fmt --all --check &&
  CARGO_TARGET_DIR="${GTX_CACHE_DIR:-$HOME/.cache/gridtokenx}/clippy-target" cargo clippy --workspace -q -- -D warnings'
timed lint "$start"
start=$(date +%s)
# the gateway's arm64 test runs in an arm64 Debian root under qemu-user (built once, cached; ~17 min cold)
ARM64_SUDO=""; [ "$(id -u)" -eq 0 ] || ARM64_SUDO=sudo
bounded arm64-root $ARM64_SUDO "$ROOT/scripts/arm64-root.sh"
timed arm64-root "$start"
start=$(date +%s)
rc=0
bounded tests .venv/bin/python -m pytest -q "$@" || rc=$?
timed tests "$start"
exit $rc
