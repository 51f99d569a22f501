from __future__ import annotations
import typing
from solders.pubkey import Pubkey
from solders.instruction import Instruction, AccountMeta
from ..program_id import PROGRAM_ID


class ValidateErcForTradingAccounts(typing.TypedDict):
    rec_authority: Pubkey
    governance_config: Pubkey
    erc_certificate: Pubkey


def validate_erc_for_trading(
    accounts: ValidateErcForTradingAccounts,
    program_id: Pubkey = PROGRAM_ID,
    remaining_accounts: typing.Optional[typing.List[AccountMeta]] = None,
) -> Instruction:
    keys: list[AccountMeta] = [
        AccountMeta(
            pubkey=accounts["rec_authority"], is_signer=True, is_writable=False
        ),
        AccountMeta(
            pubkey=accounts["governance_config"], is_signer=False, is_writable=False
        ),
        AccountMeta(
            pubkey=accounts["erc_certificate"], is_signer=False, is_writable=True
        ),
    ]
    if remaining_accounts is not None:
        keys += remaining_accounts
    identifier = b"\t\xd7\xb0?\xf7\x96H\x8b"
    encoded_args = b""
    data = identifier + encoded_args
    return Instruction(program_id, data, keys)
