from __future__ import annotations
import typing
from solders.pubkey import Pubkey
from solders.instruction import Instruction, AccountMeta
import borsh_construct as borsh
from ..program_id import PROGRAM_ID


class DeliveryArgs(typing.TypedDict):
    w_id: int
    carrier_id: int
    seq: int


layout = borsh.CStruct("w_id" / borsh.U16, "carrier_id" / borsh.U8, "seq" / borsh.U64)


class DeliveryAccounts(typing.TypedDict):
    terminal: Pubkey
    config: Pubkey


def delivery(
    args: DeliveryArgs,
    accounts: DeliveryAccounts,
    program_id: Pubkey = PROGRAM_ID,
    remaining_accounts: typing.Optional[typing.List[AccountMeta]] = None,
) -> Instruction:
    keys: list[AccountMeta] = [
        AccountMeta(pubkey=accounts["terminal"], is_signer=True, is_writable=False),
        AccountMeta(pubkey=accounts["config"], is_signer=False, is_writable=False),
    ]
    if remaining_accounts is not None:
        keys += remaining_accounts
    identifier = b"m\xdd\xcf\xf3\xd3\xad\xf6\xb5"
    encoded_args = layout.build(
        {
            "w_id": args["w_id"],
            "carrier_id": args["carrier_id"],
            "seq": args["seq"],
        }
    )
    data = identifier + encoded_args
    return Instruction(program_id, data, keys)
