from __future__ import annotations
import typing
from solders.pubkey import Pubkey
from solders.instruction import Instruction, AccountMeta
from ..program_id import PROGRAM_ID


class PlaceholderAccounts(typing.TypedDict):
    signer: Pubkey


def placeholder(
    accounts: PlaceholderAccounts,
    program_id: Pubkey = PROGRAM_ID,
    remaining_accounts: typing.Optional[typing.List[AccountMeta]] = None,
) -> Instruction:
    keys: list[AccountMeta] = [
        AccountMeta(pubkey=accounts["signer"], is_signer=True, is_writable=False)
    ]
    if remaining_accounts is not None:
        keys += remaining_accounts
    identifier = b"\xdf\xd9d\xde\r\xfe\xfb\xf7"
    encoded_args = b""
    data = identifier + encoded_args
    return Instruction(program_id, data, keys)
