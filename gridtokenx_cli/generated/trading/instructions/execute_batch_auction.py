from __future__ import annotations
import typing
from solders.pubkey import Pubkey
from solders.instruction import Instruction, AccountMeta
from ..program_id import PROGRAM_ID


class ExecuteBatchAuctionAccounts(typing.TypedDict):
    cranker: Pubkey
    market: Pubkey
    book: Pubkey
    governance_config: Pubkey


def execute_batch_auction(
    accounts: ExecuteBatchAuctionAccounts,
    program_id: Pubkey = PROGRAM_ID,
    remaining_accounts: typing.Optional[typing.List[AccountMeta]] = None,
) -> Instruction:
    keys: list[AccountMeta] = [
        AccountMeta(pubkey=accounts["cranker"], is_signer=True, is_writable=False),
        AccountMeta(pubkey=accounts["market"], is_signer=False, is_writable=True),
        AccountMeta(pubkey=accounts["book"], is_signer=False, is_writable=True),
        AccountMeta(
            pubkey=accounts["governance_config"], is_signer=False, is_writable=False
        ),
    ]
    if remaining_accounts is not None:
        keys += remaining_accounts
    identifier = b'AD\xed&F\xa2"b'
    encoded_args = b""
    data = identifier + encoded_args
    return Instruction(program_id, data, keys)
