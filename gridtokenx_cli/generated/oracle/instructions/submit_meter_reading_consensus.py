from __future__ import annotations
import typing
from solders.pubkey import Pubkey
from solders.instruction import Instruction, AccountMeta
from construct import Construct
import borsh_construct as borsh
from .. import types
from ..program_id import PROGRAM_ID


class SubmitMeterReadingConsensusArgs(typing.TypedDict):
    meter_id: list[int]
    reading_timestamp: int
    readings: list[types.oracle_values.OracleValues]


layout = borsh.CStruct(
    "meter_id" / borsh.U8[32],
    "reading_timestamp" / borsh.I64,
    "readings"
    / borsh.Vec(typing.cast(Construct, types.oracle_values.OracleValues.layout)),
)


class SubmitMeterReadingConsensusAccounts(typing.TypedDict):
    oracle_config: Pubkey
    meter_state: Pubkey
    meter: Pubkey
    oracle_authority: Pubkey
    governance_config: Pubkey
    registry_program: Pubkey


def submit_meter_reading_consensus(
    args: SubmitMeterReadingConsensusArgs,
    accounts: SubmitMeterReadingConsensusAccounts,
    program_id: Pubkey = PROGRAM_ID,
    remaining_accounts: typing.Optional[typing.List[AccountMeta]] = None,
) -> Instruction:
    keys: list[AccountMeta] = [
        AccountMeta(
            pubkey=accounts["oracle_config"], is_signer=False, is_writable=True
        ),
        AccountMeta(pubkey=accounts["meter_state"], is_signer=False, is_writable=True),
        AccountMeta(pubkey=accounts["meter"], is_signer=False, is_writable=True),
        AccountMeta(
            pubkey=accounts["oracle_authority"], is_signer=False, is_writable=False
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
    identifier = b".\xa6}\xc9\xd0\xae\x8c\xee"
    encoded_args = layout.build(
        {
            "meter_id": args["meter_id"],
            "reading_timestamp": args["reading_timestamp"],
            "readings": list(map(lambda item: item.to_encodable(), args["readings"])),
        }
    )
    data = identifier + encoded_args
    return Instruction(program_id, data, keys)
