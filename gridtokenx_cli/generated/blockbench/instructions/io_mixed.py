from __future__ import annotations
import typing
from solders.pubkey import Pubkey
from solders.instruction import Instruction, AccountMeta
import borsh_construct as borsh
from ..program_id import PROGRAM_ID


class IoMixedArgs(typing.TypedDict):
    start: int
    count: int
    value_seed: int


layout = borsh.CStruct(
    "start" / borsh.U32, "count" / borsh.U32, "value_seed" / borsh.U64
)


class IoMixedAccounts(typing.TypedDict):
    authority: Pubkey
    store: Pubkey


def io_mixed(
    args: IoMixedArgs,
    accounts: IoMixedAccounts,
    program_id: Pubkey = PROGRAM_ID,
    remaining_accounts: typing.Optional[typing.List[AccountMeta]] = None,
) -> Instruction:
    keys: list[AccountMeta] = [
        AccountMeta(pubkey=accounts["authority"], is_signer=True, is_writable=False),
        AccountMeta(pubkey=accounts["store"], is_signer=False, is_writable=True),
    ]
    if remaining_accounts is not None:
        keys += remaining_accounts
    identifier = b"\xed\xf2h\xc4\xdd\x13\xf2P"
    encoded_args = layout.build(
        {
            "start": args["start"],
            "count": args["count"],
            "value_seed": args["value_seed"],
        }
    )
    data = identifier + encoded_args
    return Instruction(program_id, data, keys)
