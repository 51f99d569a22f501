"""One chain interface, two backends: `embedded` (LiteSVM in-process) and `rpc` (solana-test-validator/cluster)."""
from .anchor import AnchorError, DecodedEvent
from .base import Chain, ChainError, ClockView, TransactionRejected, TxOutcome
from .workspace import Workspace


def open_chain(backend: str = "embedded", url: str = "localnet", **kwargs) -> Chain:
    if backend == "embedded":
        from .embedded import EmbeddedChain

        return EmbeddedChain(**kwargs)
    if backend == "rpc":
        from .rpc import RpcChain

        return RpcChain(url, **kwargs)
    raise ValueError(f"unknown backend {backend!r}: use embedded or rpc")


__all__ = ["AnchorError", "Chain", "ChainError", "ClockView", "DecodedEvent", "TransactionRejected", "TxOutcome",
           "Workspace", "open_chain"]
