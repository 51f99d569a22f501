from __future__ import annotations
import typing
from solders.pubkey import Pubkey
from spl.token.constants import TOKEN_2022_PROGRAM_ID
from solders.instruction import Instruction, AccountMeta
from ..program_id import PROGRAM_ID


class SyncGrxFreezeAccounts(typing.TypedDict):
    governance_config: Pubkey
    governance_authority: Pubkey
    grx_mint: Pubkey


def sync_grx_freeze(
    accounts: SyncGrxFreezeAccounts,
    program_id: Pubkey = PROGRAM_ID,
    remaining_accounts: typing.Optional[typing.List[AccountMeta]] = None,
) -> Instruction:
    keys: list[AccountMeta] = [
        AccountMeta(
            pubkey=accounts["governance_config"], is_signer=False, is_writable=False
        ),
        AccountMeta(
            pubkey=accounts["governance_authority"], is_signer=False, is_writable=False
        ),
        AccountMeta(pubkey=accounts["grx_mint"], is_signer=False, is_writable=False),
        AccountMeta(pubkey=accounts.get("token_program", TOKEN_2022_PROGRAM_ID), is_signer=False, is_writable=False),
    ]
    if remaining_accounts is not None:
        keys += remaining_accounts
    identifier = b"B\xdd\x95\x8d\xed\x8a\x12\xad"
    encoded_args = b""
    data = identifier + encoded_args
    return Instruction(program_id, data, keys)
