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


def running_localnet(tmp_path_factory, port: int, name: str = "localnet", **up_kwargs):
    """Body of a module-scoped fixture: a fresh solana-test-validator on `port` (`yield from` it); stopped
    afterwards, and checked gone."""
    from gridtokenx_cli.localnet import Localnet

    net = Localnet(root=tmp_path_factory.mktemp(name), rpc_port=port)
    net.up(reset=True, **up_kwargs)
    try:
        yield net
    finally:
        net.down()
    assert net.pid() is None


def rpc_chain_of(net):
    """Body of a fixture: an RpcChain on `net` (`yield from` it), closed afterwards."""
    from gridtokenx_cli.chain.rpc import RpcChain

    chain = RpcChain(net.url)
    try:
        yield chain
    finally:
        chain.close()
