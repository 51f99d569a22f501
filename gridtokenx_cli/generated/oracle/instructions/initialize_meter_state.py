from __future__ import annotations
import typing
from solders.pubkey import Pubkey
from solders.system_program import ID as SYS_PROGRAM_ID
from solders.instruction import Instruction, AccountMeta
import borsh_construct as borsh
from ..program_id import PROGRAM_ID


class InitializeMeterStateArgs(typing.TypedDict):
    meter_id: list[int]


layout = borsh.CStruct("meter_id" / borsh.U8[32])


class InitializeMeterStateAccounts(typing.TypedDict):
    authority: Pubkey
    oracle_config: Pubkey
    meter: Pubkey
    meter_state: Pubkey
    governance_config: Pubkey


def initialize_meter_state(
    args: InitializeMeterStateArgs,
    accounts: InitializeMeterStateAccounts,
    program_id: Pubkey = PROGRAM_ID,
    remaining_accounts: typing.Optional[typing.List[AccountMeta]] = None,
) -> Instruction:
    keys: list[AccountMeta] = [
        AccountMeta(pubkey=accounts["authority"], is_signer=True, is_writable=True),
        AccountMeta(
            pubkey=accounts["oracle_config"], is_signer=False, is_writable=False
        ),
        AccountMeta(pubkey=accounts["meter"], is_signer=False, is_writable=False),
        AccountMeta(pubkey=accounts["meter_state"], is_signer=False, is_writable=True),
        AccountMeta(
            pubkey=accounts["governance_config"], is_signer=False, is_writable=False
        ),
        AccountMeta(pubkey=SYS_PROGRAM_ID, is_signer=False, is_writable=False),
    ]
    if remaining_accounts is not None:
        keys += remaining_accounts
    identifier = b"2\x84\xecX\x9bm\xa9M"
    encoded_args = layout.build(
        {
            "meter_id": args["meter_id"],
        }
    )
    data = identifier + encoded_args
    return Instruction(program_id, data, keys)
