from __future__ import annotations
import typing
from solders.pubkey import Pubkey
from solders.system_program import ID as SYS_PROGRAM_ID
from solders.instruction import Instruction, AccountMeta
import borsh_construct as borsh
from .. import types
from ..program_id import PROGRAM_ID


class RegisterUserArgs(typing.TypedDict):
    user_type: types.user_type.UserTypeKind


layout = borsh.CStruct("user_type" / types.user_type.layout)


class RegisterUserAccounts(typing.TypedDict):
    owner: Pubkey
    user: Pubkey
    registry_config: Pubkey
    governance_config: Pubkey


def register_user(
    args: RegisterUserArgs,
    accounts: RegisterUserAccounts,
    program_id: Pubkey = PROGRAM_ID,
    remaining_accounts: typing.Optional[typing.List[AccountMeta]] = None,
) -> Instruction:
    keys: list[AccountMeta] = [
        AccountMeta(pubkey=accounts["owner"], is_signer=True, is_writable=True),
        AccountMeta(pubkey=accounts["user"], is_signer=False, is_writable=True),
        AccountMeta(
            pubkey=accounts["registry_config"], is_signer=False, is_writable=True
        ),
        AccountMeta(
            pubkey=accounts["governance_config"], is_signer=False, is_writable=False
        ),
        AccountMeta(pubkey=SYS_PROGRAM_ID, is_signer=False, is_writable=False),
    ]
    if remaining_accounts is not None:
        keys += remaining_accounts
    identifier = b"\x02\xf1\x96\xdfc\xd6ta"
    encoded_args = layout.build(
        {
            "user_type": args["user_type"].to_encodable(),
        }
    )
    data = identifier + encoded_args
    return Instruction(program_id, data, keys)
