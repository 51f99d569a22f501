from __future__ import annotations
import typing
from solders.pubkey import Pubkey
from solders.instruction import Instruction, AccountMeta
from ..program_id import PROGRAM_ID


class SmallbankBalanceAccounts(typing.TypedDict):
    customer: Pubkey


def smallbank_balance(
    accounts: SmallbankBalanceAccounts,
    program_id: Pubkey = PROGRAM_ID,
    remaining_accounts: typing.Optional[typing.List[AccountMeta]] = None,
) -> Instruction:
    keys: list[AccountMeta] = [
        AccountMeta(pubkey=accounts["customer"], is_signer=False, is_writable=False)
    ]
    if remaining_accounts is not None:
        keys += remaining_accounts
    identifier = b"\x80\x02q\x19\xe1a'\xd2"
    encoded_args = b""
    data = identifier + encoded_args
    return Instruction(program_id, data, keys)
