from __future__ import annotations
import typing
from solders.pubkey import Pubkey
from solders.instruction import Instruction, AccountMeta
from ..program_id import PROGRAM_ID


class EmitMarketDepthAccounts(typing.TypedDict):
    market: Pubkey
    book: Pubkey


def emit_market_depth(
    accounts: EmitMarketDepthAccounts,
    program_id: Pubkey = PROGRAM_ID,
    remaining_accounts: typing.Optional[typing.List[AccountMeta]] = None,
) -> Instruction:
    keys: list[AccountMeta] = [
        AccountMeta(pubkey=accounts["market"], is_signer=False, is_writable=False),
        AccountMeta(pubkey=accounts["book"], is_signer=False, is_writable=False),
    ]
    if remaining_accounts is not None:
        keys += remaining_accounts
    identifier = b"\xc8\x80\xea\x03\xe5\x9d\x04j"
    encoded_args = b""
    data = identifier + encoded_args
    return Instruction(program_id, data, keys)
