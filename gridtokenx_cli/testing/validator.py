"""Shared by the suites that need a real solana-test-validator (scripts/install-validator.sh builds it; scripts/test.sh
does so before the tests, so in CI these suites always run)."""
from __future__ import annotations

import pytest

from gridtokenx_cli.localnet import LocalnetError, validator_binary


def have_validator() -> bool:
    try:
        validator_binary()
        return True
    except LocalnetError:
        return False


needs_validator = pytest.mark.skipif(not have_validator(),
                                     reason="no solana-test-validator: run scripts/install-validator.sh")
