"""Test fixtures on LiteSVM: imported by the tests, the demo, the benchmarks and the embedded backend — never by the
SDK (``gridtokenx_cli.clients``, ``chain``, ``codec``) or the CLI's program commands, so those run where solders has
no LiteSVM (its aarch64 wheels). Each ``testing.<program>`` module is its client module plus the fixtures that drive
that program in a LiteSVM (``*_for_tests``, forged accounts, ``TradingEnv``); ``testing.svm_lite`` holds the
program-agnostic LiteSVM helpers."""
