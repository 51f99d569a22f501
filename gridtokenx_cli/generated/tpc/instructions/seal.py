from __future__ import annotations
import typing
from solders.pubkey import Pubkey
from solders.instruction import Instruction, AccountMeta
from ..program_id import PROGRAM_ID


class SealAccounts(typing.TypedDict):
    authority: Pubkey
    config: Pubkey


def seal(
    accounts: SealAccounts,
    program_id: Pubkey = PROGRAM_ID,
    remaining_accounts: typing.Optional[typing.List[AccountMeta]] = None,
) -> Instruction:
    keys: list[AccountMeta] = [
        AccountMeta(pubkey=accounts["authority"], is_signer=True, is_writable=False),
        AccountMeta(pubkey=accounts["config"], is_signer=False, is_writable=True),
    ]
    if remaining_accounts is not None:
        keys += remaining_accounts
    identifier = b"f\xca\xab\xa3\x1b\x98i\xf2"
    encoded_args = b""
    data = identifier + encoded_args
    return Instruction(program_id, data, keys)
