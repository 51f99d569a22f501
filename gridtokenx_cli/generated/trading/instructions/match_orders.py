from __future__ import annotations
import typing
from solders.pubkey import Pubkey
from solders.instruction import Instruction, AccountMeta
import borsh_construct as borsh
from ..program_id import PROGRAM_ID


class MatchOrdersArgs(typing.TypedDict):
    max_pairs: int


layout = borsh.CStruct("max_pairs" / borsh.U8)


class MatchOrdersAccounts(typing.TypedDict):
    cranker: Pubkey
    market: Pubkey
    book: Pubkey
    governance_config: Pubkey


def match_orders(
    args: MatchOrdersArgs,
    accounts: MatchOrdersAccounts,
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
    identifier = b"\x11\x01\xc9]\x073\xfb\x86"
    encoded_args = layout.build(
        {
            "max_pairs": args["max_pairs"],
        }
    )
    data = identifier + encoded_args
    return Instruction(program_id, data, keys)
