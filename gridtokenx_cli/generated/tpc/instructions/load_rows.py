from __future__ import annotations
import typing
from solders.pubkey import Pubkey
from solders.instruction import Instruction, AccountMeta
import borsh_construct as borsh
from ..program_id import PROGRAM_ID


class LoadRowsArgs(typing.TypedDict):
    offset: int
    bytes: bytes


layout = borsh.CStruct("offset" / borsh.U32, "bytes" / borsh.Bytes)


class LoadRowsAccounts(typing.TypedDict):
    authority: Pubkey
    config: Pubkey
    table: Pubkey


def load_rows(
    args: LoadRowsArgs,
    accounts: LoadRowsAccounts,
    program_id: Pubkey = PROGRAM_ID,
    remaining_accounts: typing.Optional[typing.List[AccountMeta]] = None,
) -> Instruction:
    keys: list[AccountMeta] = [
        AccountMeta(pubkey=accounts["authority"], is_signer=True, is_writable=False),
        AccountMeta(pubkey=accounts["config"], is_signer=False, is_writable=False),
        AccountMeta(pubkey=accounts["table"], is_signer=False, is_writable=True),
    ]
    if remaining_accounts is not None:
        keys += remaining_accounts
    identifier = b"\xc1\xa23\xc7T\xa1\xe9\xad"
    encoded_args = layout.build(
        {
            "offset": args["offset"],
            "bytes": args["bytes"],
        }
    )
    data = identifier + encoded_args
    return Instruction(program_id, data, keys)
