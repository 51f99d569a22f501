from __future__ import annotations
import typing
from solders.pubkey import Pubkey
from solders.instruction import Instruction, AccountMeta
import borsh_construct as borsh
from ..program_id import PROGRAM_ID


class CancelOrderArgs(typing.TypedDict):
    slot: int
    order_id: int


layout = borsh.CStruct("slot" / borsh.U32, "order_id" / borsh.U64)


class CancelOrderAccounts(typing.TypedDict):
    owner: Pubkey
    market: Pubkey
    book: Pubkey
    erc_usage: typing.Optional[Pubkey]
    governance_config: Pubkey


def cancel_order(
    args: CancelOrderArgs,
    accounts: CancelOrderAccounts,
    program_id: Pubkey = PROGRAM_ID,
    remaining_accounts: typing.Optional[typing.List[AccountMeta]] = None,
) -> Instruction:
    keys: list[AccountMeta] = [
        AccountMeta(pubkey=accounts["owner"], is_signer=True, is_writable=False),
        AccountMeta(pubkey=accounts["market"], is_signer=False, is_writable=False),
        AccountMeta(pubkey=accounts["book"], is_signer=False, is_writable=True),
        AccountMeta(pubkey=accounts["erc_usage"], is_signer=False, is_writable=True)
        if accounts["erc_usage"]
        else AccountMeta(pubkey=program_id, is_signer=False, is_writable=False),
        AccountMeta(
            pubkey=accounts["governance_config"], is_signer=False, is_writable=False
        ),
    ]
    if remaining_accounts is not None:
        keys += remaining_accounts
    identifier = b"_\x81\xed\xf0\x081\xdf\x84"
    encoded_args = layout.build(
        {
            "slot": args["slot"],
            "order_id": args["order_id"],
        }
    )
    data = identifier + encoded_args
    return Instruction(program_id, data, keys)
