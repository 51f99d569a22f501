from __future__ import annotations
import typing
from solders.pubkey import Pubkey
from solders.instruction import Instruction, AccountMeta
import borsh_construct as borsh
from ..program_id import PROGRAM_ID


class YcsbReadArgs(typing.TypedDict):
    key: int


layout = borsh.CStruct("key" / borsh.U64)


class YcsbReadAccounts(typing.TypedDict):
    table: Pubkey
    record: Pubkey


def ycsb_read(
    args: YcsbReadArgs,
    accounts: YcsbReadAccounts,
    program_id: Pubkey = PROGRAM_ID,
    remaining_accounts: typing.Optional[typing.List[AccountMeta]] = None,
) -> Instruction:
    keys: list[AccountMeta] = [
        AccountMeta(pubkey=accounts["table"], is_signer=False, is_writable=False),
        AccountMeta(pubkey=accounts["record"], is_signer=False, is_writable=False),
    ]
    if remaining_accounts is not None:
        keys += remaining_accounts
    identifier = b"\x8a\xf7v\xb6\xdd5\xea\x11"
    encoded_args = layout.build(
        {
            "key": args["key"],
        }
    )
    data = identifier + encoded_args
    return Instruction(program_id, data, keys)
