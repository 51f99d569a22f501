from __future__ import annotations
import typing
from solders.pubkey import Pubkey
from solders.instruction import Instruction, AccountMeta
from ..program_id import PROGRAM_ID


class DoNothingAccounts(typing.TypedDict):
    signer: Pubkey


def do_nothing(
    accounts: DoNothingAccounts,
    program_id: Pubkey = PROGRAM_ID,
    remaining_accounts: typing.Optional[typing.List[AccountMeta]] = None,
) -> Instruction:
    keys: list[AccountMeta] = [
        AccountMeta(pubkey=accounts["signer"], is_signer=True, is_writable=False)
    ]
    if remaining_accounts is not None:
        keys += remaining_accounts
    identifier = b"p\x82\xe0\xa1G\x95\xc0\xbb"
    encoded_args = b""
    data = identifier + encoded_args
    return Instruction(program_id, data, keys)
