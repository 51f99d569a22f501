from __future__ import annotations
import typing
from solders.pubkey import Pubkey
from solders.system_program import ID as SYS_PROGRAM_ID
from solders.instruction import Instruction, AccountMeta
import borsh_construct as borsh
from ..program_id import PROGRAM_ID


class CreateTableArgs(typing.TypedDict):
    kind: int
    w_id: int
    d_id: int
    chunk: int


layout = borsh.CStruct(
    "kind" / borsh.U8, "w_id" / borsh.U16, "d_id" / borsh.U8, "chunk" / borsh.U16
)


class CreateTableAccounts(typing.TypedDict):
    authority: Pubkey
    config: Pubkey
    table: Pubkey


def create_table(
    args: CreateTableArgs,
    accounts: CreateTableAccounts,
    program_id: Pubkey = PROGRAM_ID,
    remaining_accounts: typing.Optional[typing.List[AccountMeta]] = None,
) -> Instruction:
    keys: list[AccountMeta] = [
        AccountMeta(pubkey=accounts["authority"], is_signer=True, is_writable=True),
        AccountMeta(pubkey=accounts["config"], is_signer=False, is_writable=False),
        AccountMeta(pubkey=accounts["table"], is_signer=False, is_writable=True),
        AccountMeta(pubkey=SYS_PROGRAM_ID, is_signer=False, is_writable=False),
    ]
    if remaining_accounts is not None:
        keys += remaining_accounts
    identifier = b"\xd6\x8e\x83\xfa\xf2S\x87\xb9"
    encoded_args = layout.build(
        {
            "kind": args["kind"],
            "w_id": args["w_id"],
            "d_id": args["d_id"],
            "chunk": args["chunk"],
        }
    )
    data = identifier + encoded_args
    return Instruction(program_id, data, keys)
