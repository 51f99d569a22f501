"""Benchmark workloads; see `gridtokenx_cli.bench.workload_api` for what each module provides."""
