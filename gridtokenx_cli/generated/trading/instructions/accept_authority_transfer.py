from __future__ import annotations
import typing
from solders.pubkey import Pubkey
from solders.instruction import Instruction, AccountMeta
from ..program_id import PROGRAM_ID


class AcceptAuthorityTransferAccounts(typing.TypedDict):
    authority: Pubkey
    market: Pubkey


def accept_authority_transfer(
    accounts: AcceptAuthorityTransferAccounts,
    program_id: Pubkey = PROGRAM_ID,
    remaining_accounts: typing.Optional[typing.List[AccountMeta]] = None,
) -> Instruction:
    keys: list[AccountMeta] = [
        AccountMeta(pubkey=accounts["authority"], is_signer=True, is_writable=False),
        AccountMeta(pubkey=accounts["market"], is_signer=False, is_writable=True),
    ]
    if remaining_accounts is not None:
        keys += remaining_accounts
    identifier = b"\xef\xf8\xb1\x02\xcea.\xff"
    encoded_args = b""
    data = identifier + encoded_args
    return Instruction(program_id, data, keys)
