from __future__ import annotations
import typing
from solders.pubkey import Pubkey
from solders.system_program import ID as SYS_PROGRAM_ID
from solders.instruction import Instruction, AccountMeta
from anchorpy.borsh_extension import BorshPubkey
import borsh_construct as borsh
from .. import types
from ..program_id import PROGRAM_ID


class RegisterMeterArgs(typing.TypedDict):
    meter_id: list[int]
    meter_type: types.meter_type.MeterTypeKind
    meter_pubkey: Pubkey
    capacity_w: int


layout = borsh.CStruct(
    "meter_id" / borsh.U8[32],
    "meter_type" / types.meter_type.layout,
    "meter_pubkey" / BorshPubkey,
    "capacity_w" / borsh.U64,
)


class RegisterMeterAccounts(typing.TypedDict):
    owner: Pubkey
    user: Pubkey
    meter: Pubkey
    registry_config: Pubkey
    governance_config: Pubkey
    instructions_sysvar: Pubkey


def register_meter(
    args: RegisterMeterArgs,
    accounts: RegisterMeterAccounts,
    program_id: Pubkey = PROGRAM_ID,
    remaining_accounts: typing.Optional[typing.List[AccountMeta]] = None,
) -> Instruction:
    keys: list[AccountMeta] = [
        AccountMeta(pubkey=accounts["owner"], is_signer=True, is_writable=True),
        AccountMeta(pubkey=accounts["user"], is_signer=False, is_writable=True),
        AccountMeta(pubkey=accounts["meter"], is_signer=False, is_writable=True),
        AccountMeta(
            pubkey=accounts["registry_config"], is_signer=False, is_writable=True
        ),
        AccountMeta(
            pubkey=accounts["governance_config"], is_signer=False, is_writable=False
        ),
        AccountMeta(pubkey=SYS_PROGRAM_ID, is_signer=False, is_writable=False),
        AccountMeta(
            pubkey=accounts["instructions_sysvar"], is_signer=False, is_writable=False
        ),
    ]
    if remaining_accounts is not None:
        keys += remaining_accounts
    identifier = b"1jWH\x8a\xd6\xe0}"
    encoded_args = layout.build(
        {
            "meter_id": args["meter_id"],
            "meter_type": args["meter_type"].to_encodable(),
            "meter_pubkey": args["meter_pubkey"],
            "capacity_w": args["capacity_w"],
        }
    )
    data = identifier + encoded_args
    return Instruction(program_id, data, keys)
