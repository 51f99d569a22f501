from __future__ import annotations
import typing
from solders.pubkey import Pubkey
from solders.instruction import Instruction, AccountMeta
import borsh_construct as borsh
from ..program_id import PROGRAM_ID


class SubmitMeterReadingArgs(typing.TypedDict):
    meter_id: list[int]
    energy_produced: int
    energy_consumed: int
    reading_timestamp: int


layout = borsh.CStruct(
    "meter_id" / borsh.U8[32],
    "energy_produced" / borsh.U64,
    "energy_consumed" / borsh.U64,
    "reading_timestamp" / borsh.I64,
)


class SubmitMeterReadingAccounts(typing.TypedDict):
    oracle_config: Pubkey
    api_gateway: Pubkey
    meter_state: Pubkey
    meter: Pubkey
    oracle_authority: Pubkey
    instructions_sysvar: Pubkey
    governance_config: Pubkey
    registry_program: Pubkey


def submit_meter_reading(
    args: SubmitMeterReadingArgs,
    accounts: SubmitMeterReadingAccounts,
    program_id: Pubkey = PROGRAM_ID,
    remaining_accounts: typing.Optional[typing.List[AccountMeta]] = None,
) -> Instruction:
    keys: list[AccountMeta] = [
        AccountMeta(
            pubkey=accounts["oracle_config"], is_signer=False, is_writable=True
        ),
        AccountMeta(pubkey=accounts["api_gateway"], is_signer=True, is_writable=False),
        AccountMeta(pubkey=accounts["meter_state"], is_signer=False, is_writable=True),
        AccountMeta(pubkey=accounts["meter"], is_signer=False, is_writable=True),
        AccountMeta(
            pubkey=accounts["oracle_authority"], is_signer=False, is_writable=False
        ),
        AccountMeta(
            pubkey=accounts["instructions_sysvar"], is_signer=False, is_writable=False
        ),
        AccountMeta(
            pubkey=accounts["governance_config"], is_signer=False, is_writable=False
        ),
        AccountMeta(
            pubkey=accounts["registry_program"], is_signer=False, is_writable=False
        ),
    ]
    if remaining_accounts is not None:
        keys += remaining_accounts
    identifier = b"\xb5\xf7\xc4\x8bNX\xc0\xce"
    encoded_args = layout.build(
        {
            "meter_id": args["meter_id"],
            "energy_produced": args["energy_produced"],
            "energy_consumed": args["energy_consumed"],
            "reading_timestamp": args["reading_timestamp"],
        }
    )
    data = identifier + encoded_args
    return Instruction(program_id, data, keys)
