from __future__ import annotations
import typing
from solders.pubkey import Pubkey
from solders.system_program import ID as SYS_PROGRAM_ID
from solders.instruction import Instruction, AccountMeta
import borsh_construct as borsh
from ..program_id import PROGRAM_ID


class SmallbankCreateAccountArgs(typing.TypedDict):
    customer_id: int
    checking: int
    savings: int


layout = borsh.CStruct(
    "customer_id" / borsh.U64, "checking" / borsh.I64, "savings" / borsh.I64
)


class SmallbankCreateAccountAccounts(typing.TypedDict):
    authority: Pubkey
    owner: Pubkey
    bank: Pubkey
    customer: Pubkey


def smallbank_create_account(
    args: SmallbankCreateAccountArgs,
    accounts: SmallbankCreateAccountAccounts,
    program_id: Pubkey = PROGRAM_ID,
    remaining_accounts: typing.Optional[typing.List[AccountMeta]] = None,
) -> Instruction:
    keys: list[AccountMeta] = [
        AccountMeta(pubkey=accounts["authority"], is_signer=True, is_writable=True),
        AccountMeta(pubkey=accounts["owner"], is_signer=True, is_writable=False),
        AccountMeta(pubkey=accounts["bank"], is_signer=False, is_writable=True),
        AccountMeta(pubkey=accounts["customer"], is_signer=False, is_writable=True),
        AccountMeta(pubkey=SYS_PROGRAM_ID, is_signer=False, is_writable=False),
    ]
    if remaining_accounts is not None:
        keys += remaining_accounts
    identifier = b"\x14\x96\x0b\x80\x8f6\x04\\"
    encoded_args = layout.build(
        {
            "customer_id": args["customer_id"],
            "checking": args["checking"],
            "savings": args["savings"],
        }
    )
    data = identifier + encoded_args
    return Instruction(program_id, data, keys)
