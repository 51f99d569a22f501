from __future__ import annotations
import typing
from solders.pubkey import Pubkey
from solders.system_program import ID as SYS_PROGRAM_ID
from solders.instruction import Instruction, AccountMeta
import borsh_construct as borsh
from ..program_id import PROGRAM_ID


class FundStoreArgs(typing.TypedDict):
    lamports: int


layout = borsh.CStruct("lamports" / borsh.U64)


class FundStoreAccounts(typing.TypedDict):
    authority: Pubkey
    store: Pubkey


def fund_store(
    args: FundStoreArgs,
    accounts: FundStoreAccounts,
    program_id: Pubkey = PROGRAM_ID,
    remaining_accounts: typing.Optional[typing.List[AccountMeta]] = None,
) -> Instruction:
    keys: list[AccountMeta] = [
        AccountMeta(pubkey=accounts["authority"], is_signer=True, is_writable=True),
        AccountMeta(pubkey=accounts["store"], is_signer=False, is_writable=True),
        AccountMeta(pubkey=SYS_PROGRAM_ID, is_signer=False, is_writable=False),
    ]
    if remaining_accounts is not None:
        keys += remaining_accounts
    identifier = b"v\xc1\xaf\xcc\xe3\xabk@"
    encoded_args = layout.build(
        {
            "lamports": args["lamports"],
        }
    )
    data = identifier + encoded_args
    return Instruction(program_id, data, keys)
