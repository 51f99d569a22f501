from __future__ import annotations
import typing
from solders.pubkey import Pubkey
from solders.instruction import Instruction, AccountMeta
import borsh_construct as borsh
from ..program_id import PROGRAM_ID


class PricingSummaryArgs(typing.TypedDict):
    delta_days: int
    seq: int


layout = borsh.CStruct("delta_days" / borsh.U16, "seq" / borsh.U64)


class PricingSummaryAccounts(typing.TypedDict):
    terminal: Pubkey


def pricing_summary(
    args: PricingSummaryArgs,
    accounts: PricingSummaryAccounts,
    program_id: Pubkey = PROGRAM_ID,
    remaining_accounts: typing.Optional[typing.List[AccountMeta]] = None,
) -> Instruction:
    keys: list[AccountMeta] = [
        AccountMeta(pubkey=accounts["terminal"], is_signer=True, is_writable=False)
    ]
    if remaining_accounts is not None:
        keys += remaining_accounts
    identifier = b"\xec\xccQ\xccf\xe2V\xb0"
    encoded_args = layout.build(
        {
            "delta_days": args["delta_days"],
            "seq": args["seq"],
        }
    )
    data = identifier + encoded_args
    return Instruction(program_id, data, keys)
