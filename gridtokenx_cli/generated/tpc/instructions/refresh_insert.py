from __future__ import annotations
import typing
from solders.pubkey import Pubkey
from solders.instruction import Instruction, AccountMeta
from construct import Construct
import borsh_construct as borsh
from .. import types
from ..program_id import PROGRAM_ID


class RefreshInsertArgs(typing.TypedDict):
    orderkey: int
    rows: list[types.lineitem_in.LineitemIn]


layout = borsh.CStruct(
    "orderkey" / borsh.U32,
    "rows" / borsh.Vec(typing.cast(Construct, types.lineitem_in.LineitemIn.layout)),
)


class RefreshInsertAccounts(typing.TypedDict):
    terminal: Pubkey
    chunk: Pubkey


def refresh_insert(
    args: RefreshInsertArgs,
    accounts: RefreshInsertAccounts,
    program_id: Pubkey = PROGRAM_ID,
    remaining_accounts: typing.Optional[typing.List[AccountMeta]] = None,
) -> Instruction:
    keys: list[AccountMeta] = [
        AccountMeta(pubkey=accounts["terminal"], is_signer=True, is_writable=False),
        AccountMeta(pubkey=accounts["chunk"], is_signer=False, is_writable=True),
    ]
    if remaining_accounts is not None:
        keys += remaining_accounts
    identifier = b"t\xa8\xaf\xa4\x01M\x9c\xd9"
    encoded_args = layout.build(
        {
            "orderkey": args["orderkey"],
            "rows": list(map(lambda item: item.to_encodable(), args["rows"])),
        }
    )
    data = identifier + encoded_args
    return Instruction(program_id, data, keys)
