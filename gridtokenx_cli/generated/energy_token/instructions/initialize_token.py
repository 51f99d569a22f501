from __future__ import annotations
import typing
from solders.pubkey import Pubkey
from solders.system_program import ID as SYS_PROGRAM_ID
from spl.token.constants import TOKEN_2022_PROGRAM_ID
from solders.instruction import Instruction, AccountMeta
from ..program_id import PROGRAM_ID


class InitializeTokenAccounts(typing.TypedDict):
    authority: Pubkey
    token_info: Pubkey
    pause_authority: Pubkey
    mint: Pubkey


def initialize_token(
    accounts: InitializeTokenAccounts,
    program_id: Pubkey = PROGRAM_ID,
    remaining_accounts: typing.Optional[typing.List[AccountMeta]] = None,
) -> Instruction:
    keys: list[AccountMeta] = [
        AccountMeta(pubkey=accounts["authority"], is_signer=True, is_writable=True),
        AccountMeta(pubkey=accounts["token_info"], is_signer=False, is_writable=True),
        AccountMeta(
            pubkey=accounts["pause_authority"], is_signer=False, is_writable=False
        ),
        AccountMeta(pubkey=accounts["mint"], is_signer=False, is_writable=True),
        AccountMeta(pubkey=accounts.get("token_program", TOKEN_2022_PROGRAM_ID), is_signer=False, is_writable=False),
        AccountMeta(pubkey=SYS_PROGRAM_ID, is_signer=False, is_writable=False),
    ]
    if remaining_accounts is not None:
        keys += remaining_accounts
    identifier = b"&\xd1\x962\xbeu\x106"
    encoded_args = b""
    data = identifier + encoded_args
    return Instruction(program_id, data, keys)
