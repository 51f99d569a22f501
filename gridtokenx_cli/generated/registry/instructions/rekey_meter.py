from __future__ import annotations
import typing
from solders.pubkey import Pubkey
from solders.instruction import Instruction, AccountMeta
from anchorpy.borsh_extension import BorshPubkey
import borsh_construct as borsh
from ..program_id import PROGRAM_ID


class RekeyMeterArgs(typing.TypedDict):
    new_meter_pubkey: Pubkey


layout = borsh.CStruct("new_meter_pubkey" / BorshPubkey)


class RekeyMeterAccounts(typing.TypedDict):
    owner: Pubkey
    meter: Pubkey
    registry_config: Pubkey
    governance_config: Pubkey
    instructions_sysvar: Pubkey


def rekey_meter(
    args: RekeyMeterArgs,
    accounts: RekeyMeterAccounts,
    program_id: Pubkey = PROGRAM_ID,
    remaining_accounts: typing.Optional[typing.List[AccountMeta]] = None,
) -> Instruction:
    keys: list[AccountMeta] = [
        AccountMeta(pubkey=accounts["owner"], is_signer=True, is_writable=False),
        AccountMeta(pubkey=accounts["meter"], is_signer=False, is_writable=True),
        AccountMeta(
            pubkey=accounts["registry_config"], is_signer=False, is_writable=False
        ),
        AccountMeta(
            pubkey=accounts["governance_config"], is_signer=False, is_writable=False
        ),
        AccountMeta(
            pubkey=accounts["instructions_sysvar"], is_signer=False, is_writable=False
        ),
    ]
    if remaining_accounts is not None:
        keys += remaining_accounts
    identifier = b"\xf8\xc2\xa5\xbd\xea\x0c\x0c\xfa"
    encoded_args = layout.build(
        {
            "new_meter_pubkey": args["new_meter_pubkey"],
        }
    )
    data = identifier + encoded_args
    return Instruction(program_id, data, keys)
