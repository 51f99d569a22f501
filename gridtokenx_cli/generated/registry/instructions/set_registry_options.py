from __future__ import annotations
import typing
from solders.pubkey import Pubkey
from solders.instruction import Instruction, AccountMeta
import borsh_construct as borsh
from ..program_id import PROGRAM_ID


class SetRegistryOptionsArgs(typing.TypedDict):
    require_meter_approval: bool


layout = borsh.CStruct("require_meter_approval" / borsh.Bool)


class SetRegistryOptionsAccounts(typing.TypedDict):
    authority: Pubkey
    registry_config: Pubkey
    governance_config: Pubkey


def set_registry_options(
    args: SetRegistryOptionsArgs,
    accounts: SetRegistryOptionsAccounts,
    program_id: Pubkey = PROGRAM_ID,
    remaining_accounts: typing.Optional[typing.List[AccountMeta]] = None,
) -> Instruction:
    keys: list[AccountMeta] = [
        AccountMeta(pubkey=accounts["authority"], is_signer=True, is_writable=False),
        AccountMeta(
            pubkey=accounts["registry_config"], is_signer=False, is_writable=True
        ),
        AccountMeta(
            pubkey=accounts["governance_config"], is_signer=False, is_writable=False
        ),
    ]
    if remaining_accounts is not None:
        keys += remaining_accounts
    identifier = b"\x13(\xe1j\xfb\xc2\xdbo"
    encoded_args = layout.build(
        {
            "require_meter_approval": args["require_meter_approval"],
        }
    )
    data = identifier + encoded_args
    return Instruction(program_id, data, keys)
