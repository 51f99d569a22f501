#!/usr/bin/env bash
# `gtx build` without the CLI: offline SBF build of programs/* (or the named ones) + IDL.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
exec "${PYTHON:-.venv/bin/python}" -m gridtokenx_cli.toolchain.build "$@"
