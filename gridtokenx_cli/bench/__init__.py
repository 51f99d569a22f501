"""Benchmarks; each module has `measure() -> list[dict]` and `format_table(rows) -> str`."""
from __future__ import annotations

import argparse
import json
from typing import Callable


def run_main(description: str, measure: Callable[[], list[dict]], format_table: Callable[[list[dict]], str],
             argv: list[str] | None = None) -> int:
    """`python -m gridtokenx_cli.bench.<module> [--json]`: print the rows; exit 1 when any row failed."""
    ap = argparse.ArgumentParser(description=description)
    ap.add_argument("--json", action="store_true", help="print the rows as JSON")
    a = ap.parse_args(argv)
    rows = measure()
    print(json.dumps(rows, indent=2) if a.json else format_table(rows))
    return 0 if all(r["ok"] for r in rows) else 1
