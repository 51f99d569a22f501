from __future__ import annotations
import typing
from solders.pubkey import Pubkey
from solders.instruction import Instruction, AccountMeta
from ..program_id import PROGRAM_ID


class SmallbankAmalgamateAccounts(typing.TypedDict):
    owner: Pubkey
    source: Pubkey
    destination: Pubkey


def smallbank_amalgamate(
    accounts: SmallbankAmalgamateAccounts,
    program_id: Pubkey = PROGRAM_ID,
    remaining_accounts: typing.Optional[typing.List[AccountMeta]] = None,
) -> Instruction:
    keys: list[AccountMeta] = [
        AccountMeta(pubkey=accounts["owner"], is_signer=True, is_writable=False),
        AccountMeta(pubkey=accounts["source"], is_signer=False, is_writable=True),
        AccountMeta(pubkey=accounts["destination"], is_signer=False, is_writable=True),
    ]
    if remaining_accounts is not None:
        keys += remaining_accounts
    identifier = b"\xc0\xcb-m\xd20\x97g"
    encoded_args = b""
    data = identifier + encoded_args
    return Instruction(program_id, data, keys)
