from __future__ import annotations
import typing
from solders.pubkey import Pubkey
from solders.instruction import Instruction, AccountMeta
import borsh_construct as borsh
from ..program_id import PROGRAM_ID


class SmallbankDepositCheckingArgs(typing.TypedDict):
    amount: int


layout = borsh.CStruct("amount" / borsh.U64)


class SmallbankDepositCheckingAccounts(typing.TypedDict):
    depositor: Pubkey
    customer: Pubkey


def smallbank_deposit_checking(
    args: SmallbankDepositCheckingArgs,
    accounts: SmallbankDepositCheckingAccounts,
    program_id: Pubkey = PROGRAM_ID,
    remaining_accounts: typing.Optional[typing.List[AccountMeta]] = None,
) -> Instruction:
    keys: list[AccountMeta] = [
        AccountMeta(pubkey=accounts["depositor"], is_signer=True, is_writable=False),
        AccountMeta(pubkey=accounts["customer"], is_signer=False, is_writable=True),
    ]
    if remaining_accounts is not None:
        keys += remaining_accounts
    identifier = b"V\xda\xed\xb7 \xcf\xfd\n"
    encoded_args = layout.build(
        {
            "amount": args["amount"],
        }
    )
    data = identifier + encoded_args
    return Instruction(program_id, data, keys)
