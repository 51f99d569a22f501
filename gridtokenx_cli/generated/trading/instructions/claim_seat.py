from __future__ import annotations
import typing
from solders.pubkey import Pubkey
from solders.instruction import Instruction, AccountMeta
import borsh_construct as borsh
from ..program_id import PROGRAM_ID


class ClaimSeatArgs(typing.TypedDict):
    slot: int


layout = borsh.CStruct("slot" / borsh.U32)


class ClaimSeatAccounts(typing.TypedDict):
    owner: Pubkey
    market: Pubkey
    book: Pubkey
    governance_config: Pubkey


def claim_seat(
    args: ClaimSeatArgs,
    accounts: ClaimSeatAccounts,
    program_id: Pubkey = PROGRAM_ID,
    remaining_accounts: typing.Optional[typing.List[AccountMeta]] = None,
) -> Instruction:
    keys: list[AccountMeta] = [
        AccountMeta(pubkey=accounts["owner"], is_signer=True, is_writable=False),
        AccountMeta(pubkey=accounts["market"], is_signer=False, is_writable=False),
        AccountMeta(pubkey=accounts["book"], is_signer=False, is_writable=True),
        AccountMeta(
            pubkey=accounts["governance_config"], is_signer=False, is_writable=False
        ),
    ]
    if remaining_accounts is not None:
        keys += remaining_accounts
    identifier = b"/\xd9\x03\x8b3\xee7k"
    encoded_args = layout.build(
        {
            "slot": args["slot"],
        }
    )
    data = identifier + encoded_args
    return Instruction(program_id, data, keys)
