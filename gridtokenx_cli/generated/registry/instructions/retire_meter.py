from __future__ import annotations
import typing
from solders.pubkey import Pubkey
from solders.instruction import Instruction, AccountMeta
from ..program_id import PROGRAM_ID


class RetireMeterAccounts(typing.TypedDict):
    authority: Pubkey
    meter: Pubkey
    registry_config: Pubkey
    governance_config: Pubkey


def retire_meter(
    accounts: RetireMeterAccounts,
    program_id: Pubkey = PROGRAM_ID,
    remaining_accounts: typing.Optional[typing.List[AccountMeta]] = None,
) -> Instruction:
    keys: list[AccountMeta] = [
        AccountMeta(pubkey=accounts["authority"], is_signer=True, is_writable=False),
        AccountMeta(pubkey=accounts["meter"], is_signer=False, is_writable=True),
        AccountMeta(
            pubkey=accounts["registry_config"], is_signer=False, is_writable=False
        ),
        AccountMeta(
            pubkey=accounts["governance_config"], is_signer=False, is_writable=False
        ),
    ]
    if remaining_accounts is not None:
        keys += remaining_accounts
    identifier = b"\x92^w\x1d\x8f\xaf^\x9a"
    encoded_args = b""
    data = identifier + encoded_args
    return Instruction(program_id, data, keys)
