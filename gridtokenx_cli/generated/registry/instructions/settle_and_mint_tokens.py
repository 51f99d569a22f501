from __future__ import annotations
import typing
from solders.pubkey import Pubkey
from spl.token.constants import TOKEN_2022_PROGRAM_ID
from solders.instruction import Instruction, AccountMeta
from ..program_id import PROGRAM_ID


class SettleAndMintTokensAccounts(typing.TypedDict):
    owner: Pubkey
    meter: Pubkey
    registry_authority: Pubkey
    token_info: Pubkey
    mint: Pubkey
    destination: Pubkey
    governance_config: Pubkey
    energy_token_program: Pubkey


def settle_and_mint_tokens(
    accounts: SettleAndMintTokensAccounts,
    program_id: Pubkey = PROGRAM_ID,
    remaining_accounts: typing.Optional[typing.List[AccountMeta]] = None,
) -> Instruction:
    keys: list[AccountMeta] = [
        AccountMeta(pubkey=accounts["owner"], is_signer=True, is_writable=False),
        AccountMeta(pubkey=accounts["meter"], is_signer=False, is_writable=True),
        AccountMeta(
            pubkey=accounts["registry_authority"], is_signer=False, is_writable=False
        ),
        AccountMeta(pubkey=accounts["token_info"], is_signer=False, is_writable=True),
        AccountMeta(pubkey=accounts["mint"], is_signer=False, is_writable=True),
        AccountMeta(pubkey=accounts["destination"], is_signer=False, is_writable=True),
        AccountMeta(
            pubkey=accounts["governance_config"], is_signer=False, is_writable=False
        ),
        AccountMeta(
            pubkey=accounts["energy_token_program"], is_signer=False, is_writable=False
        ),
        AccountMeta(pubkey=accounts.get("token_program", TOKEN_2022_PROGRAM_ID), is_signer=False, is_writable=False),
    ]
    if remaining_accounts is not None:
        keys += remaining_accounts
    identifier = b"3g\xa4A\xa09\x8e\xdc"
    encoded_args = b""
    data = identifier + encoded_args
    return Instruction(program_id, data, keys)
