from __future__ import annotations
import typing
from solders.pubkey import Pubkey
from solders.instruction import Instruction, AccountMeta
from ..program_id import PROGRAM_ID


class TransferMeterAccounts(typing.TypedDict):
    owner: Pubkey
    new_owner: Pubkey
    meter: Pubkey
    owner_user: Pubkey
    new_owner_user: Pubkey
    governance_config: Pubkey


def transfer_meter(
    accounts: TransferMeterAccounts,
    program_id: Pubkey = PROGRAM_ID,
    remaining_accounts: typing.Optional[typing.List[AccountMeta]] = None,
) -> Instruction:
    keys: list[AccountMeta] = [
        AccountMeta(pubkey=accounts["owner"], is_signer=True, is_writable=False),
        AccountMeta(pubkey=accounts["new_owner"], is_signer=True, is_writable=False),
        AccountMeta(pubkey=accounts["meter"], is_signer=False, is_writable=True),
        AccountMeta(pubkey=accounts["owner_user"], is_signer=False, is_writable=True),
        AccountMeta(
            pubkey=accounts["new_owner_user"], is_signer=False, is_writable=True
        ),
        AccountMeta(
            pubkey=accounts["governance_config"], is_signer=False, is_writable=False
        ),
    ]
    if remaining_accounts is not None:
        keys += remaining_accounts
    identifier = b"@^\xf2m\x02\xbd&\x16"
    encoded_args = b""
    data = identifier + encoded_args
    return Instruction(program_id, data, keys)
