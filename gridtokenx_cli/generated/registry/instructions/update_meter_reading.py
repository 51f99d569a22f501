from __future__ import annotations
import typing
from solders.pubkey import Pubkey
from solders.instruction import Instruction, AccountMeta
import borsh_construct as borsh
from ..program_id import PROGRAM_ID


class UpdateMeterReadingArgs(typing.TypedDict):
    energy_produced: int
    energy_consumed: int
    reading_timestamp: int


layout = borsh.CStruct(
    "energy_produced" / borsh.U64,
    "energy_consumed" / borsh.U64,
    "reading_timestamp" / borsh.I64,
)


class UpdateMeterReadingAccounts(typing.TypedDict):
    oracle_authority: Pubkey
    meter: Pubkey
    governance_config: Pubkey


def update_meter_reading(
    args: UpdateMeterReadingArgs,
    accounts: UpdateMeterReadingAccounts,
    program_id: Pubkey = PROGRAM_ID,
    remaining_accounts: typing.Optional[typing.List[AccountMeta]] = None,
) -> Instruction:
    keys: list[AccountMeta] = [
        AccountMeta(
            pubkey=accounts["oracle_authority"], is_signer=True, is_writable=False
        ),
        AccountMeta(pubkey=accounts["meter"], is_signer=False, is_writable=True),
        AccountMeta(
            pubkey=accounts["governance_config"], is_signer=False, is_writable=False
        ),
    ]
    if remaining_accounts is not None:
        keys += remaining_accounts
    identifier = b"\xc0\xdc\x87\x17Y\x16\xa3\x82"
    encoded_args = layout.build(
        {
            "energy_produced": args["energy_produced"],
            "energy_consumed": args["energy_consumed"],
            "reading_timestamp": args["reading_timestamp"],
        }
    )
    data = identifier + encoded_args
    return Instruction(program_id, data, keys)
