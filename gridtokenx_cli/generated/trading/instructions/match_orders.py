from __future__ import annotations
import typing
from solders.pubkey import Pubkey
from solders.instruction import Instruction, AccountMeta
import borsh_construct as borsh
from ..program_id import PROGRAM_ID


class MatchOrdersArgs(typing.TypedDict):
    match_amount_wh: int


layout = borsh.CStruct("match_amount_wh" / borsh.U64)


class MatchOrdersAccounts(typing.TypedDict):
    matcher: Pubkey
    market: Pubkey
    buy_order: Pubkey
    sell_order: Pubkey
    sell_erc_certificate: Pubkey
    escrow_authority: Pubkey
    grx_escrow: Pubkey
    quote_escrow: Pubkey
    fee_vault: Pubkey
    buyer_grx_account: Pubkey
    buyer_quote_account: Pubkey
    seller_quote_account: Pubkey
    grx_mint: Pubkey
    quote_mint: Pubkey
    governance_config: Pubkey
    grx_token_program: Pubkey
    quote_token_program: Pubkey


def match_orders(
    args: MatchOrdersArgs,
    accounts: MatchOrdersAccounts,
    program_id: Pubkey = PROGRAM_ID,
    remaining_accounts: typing.Optional[typing.List[AccountMeta]] = None,
) -> Instruction:
    keys: list[AccountMeta] = [
        AccountMeta(pubkey=accounts["matcher"], is_signer=True, is_writable=False),
        AccountMeta(pubkey=accounts["market"], is_signer=False, is_writable=True),
        AccountMeta(pubkey=accounts["buy_order"], is_signer=False, is_writable=True),
        AccountMeta(pubkey=accounts["sell_order"], is_signer=False, is_writable=True),
        AccountMeta(
            pubkey=accounts["sell_erc_certificate"], is_signer=False, is_writable=False
        ),
        AccountMeta(
            pubkey=accounts["escrow_authority"], is_signer=False, is_writable=False
        ),
        AccountMeta(pubkey=accounts["grx_escrow"], is_signer=False, is_writable=True),
        AccountMeta(pubkey=accounts["quote_escrow"], is_signer=False, is_writable=True),
        AccountMeta(pubkey=accounts["fee_vault"], is_signer=False, is_writable=True),
        AccountMeta(
            pubkey=accounts["buyer_grx_account"], is_signer=False, is_writable=True
        ),
        AccountMeta(
            pubkey=accounts["buyer_quote_account"], is_signer=False, is_writable=True
        ),
        AccountMeta(
            pubkey=accounts["seller_quote_account"], is_signer=False, is_writable=True
        ),
        AccountMeta(pubkey=accounts["grx_mint"], is_signer=False, is_writable=False),
        AccountMeta(pubkey=accounts["quote_mint"], is_signer=False, is_writable=False),
        AccountMeta(
            pubkey=accounts["governance_config"], is_signer=False, is_writable=False
        ),
        AccountMeta(
            pubkey=accounts["grx_token_program"], is_signer=False, is_writable=False
        ),
        AccountMeta(
            pubkey=accounts["quote_token_program"], is_signer=False, is_writable=False
        ),
    ]
    if remaining_accounts is not None:
        keys += remaining_accounts
    identifier = b"\x11\x01\xc9]\x073\xfb\x86"
    encoded_args = layout.build(
        {
            "match_amount_wh": args["match_amount_wh"],
        }
    )
    data = identifier + encoded_args
    return Instruction(program_id, data, keys)
