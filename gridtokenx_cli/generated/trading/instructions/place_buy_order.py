from __future__ import annotations
import typing
from solders.pubkey import Pubkey
from solders.system_program import ID as SYS_PROGRAM_ID
from solders.instruction import Instruction, AccountMeta
import borsh_construct as borsh
from ..program_id import PROGRAM_ID


class PlaceBuyOrderArgs(typing.TypedDict):
    amount_wh: int
    price: int


layout = borsh.CStruct("amount_wh" / borsh.U64, "price" / borsh.U64)


class PlaceBuyOrderAccounts(typing.TypedDict):
    owner: Pubkey
    market: Pubkey
    order: Pubkey
    owner_quote_account: Pubkey
    quote_escrow: Pubkey
    quote_mint: Pubkey
    governance_config: Pubkey
    quote_token_program: Pubkey


def place_buy_order(
    args: PlaceBuyOrderArgs,
    accounts: PlaceBuyOrderAccounts,
    program_id: Pubkey = PROGRAM_ID,
    remaining_accounts: typing.Optional[typing.List[AccountMeta]] = None,
) -> Instruction:
    keys: list[AccountMeta] = [
        AccountMeta(pubkey=accounts["owner"], is_signer=True, is_writable=True),
        AccountMeta(pubkey=accounts["market"], is_signer=False, is_writable=True),
        AccountMeta(pubkey=accounts["order"], is_signer=False, is_writable=True),
        AccountMeta(
            pubkey=accounts["owner_quote_account"], is_signer=False, is_writable=True
        ),
        AccountMeta(pubkey=accounts["quote_escrow"], is_signer=False, is_writable=True),
        AccountMeta(pubkey=accounts["quote_mint"], is_signer=False, is_writable=False),
        AccountMeta(
            pubkey=accounts["governance_config"], is_signer=False, is_writable=False
        ),
        AccountMeta(
            pubkey=accounts["quote_token_program"], is_signer=False, is_writable=False
        ),
        AccountMeta(pubkey=SYS_PROGRAM_ID, is_signer=False, is_writable=False),
    ]
    if remaining_accounts is not None:
        keys += remaining_accounts
    identifier = b"/\xfd\xf1\xd6\xa7\xcc\x0b'"
    encoded_args = layout.build(
        {
            "amount_wh": args["amount_wh"],
            "price": args["price"],
        }
    )
    data = identifier + encoded_args
    return Instruction(program_id, data, keys)
