from __future__ import annotations
import typing
from solders.pubkey import Pubkey
from solders.instruction import Instruction, AccountMeta
import borsh_construct as borsh
from ..program_id import PROGRAM_ID


class RefreshDeleteArgs(typing.TypedDict):
    orderkey: int


layout = borsh.CStruct("orderkey" / borsh.U32)


class RefreshDeleteAccounts(typing.TypedDict):
    terminal: Pubkey
    chunk: Pubkey


def refresh_delete(
    args: RefreshDeleteArgs,
    accounts: RefreshDeleteAccounts,
    program_id: Pubkey = PROGRAM_ID,
    remaining_accounts: typing.Optional[typing.List[AccountMeta]] = None,
) -> Instruction:
    keys: list[AccountMeta] = [
        AccountMeta(pubkey=accounts["terminal"], is_signer=True, is_writable=False),
        AccountMeta(pubkey=accounts["chunk"], is_signer=False, is_writable=True),
    ]
    if remaining_accounts is not None:
        keys += remaining_accounts
    identifier = b"~\xd1\x9ae&\xcbp\xe0"
    encoded_args = layout.build(
        {
            "orderkey": args["orderkey"],
        }
    )
    data = identifier + encoded_args
    return Instruction(program_id, data, keys)
