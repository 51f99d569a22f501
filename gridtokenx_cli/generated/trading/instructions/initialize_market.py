from __future__ import annotations
import typing
from solders.pubkey import Pubkey
from solders.system_program import ID as SYS_PROGRAM_ID
from solders.instruction import Instruction, AccountMeta
import borsh_construct as borsh
from ..program_id import PROGRAM_ID


class InitializeMarketArgs(typing.TypedDict):
    fee_bps: int
    order_capacity: int
    seat_capacity: int


layout = borsh.CStruct(
    "fee_bps" / borsh.U16, "order_capacity" / borsh.U32, "seat_capacity" / borsh.U32
)


class InitializeMarketAccounts(typing.TypedDict):
    authority: Pubkey
    market: Pubkey
    book: Pubkey
    escrow_authority: Pubkey
    grx_mint: Pubkey
    quote_mint: Pubkey
    grx_escrow: Pubkey
    quote_escrow: Pubkey
    governance_config: Pubkey
    grx_token_program: Pubkey
    quote_token_program: Pubkey


def initialize_market(
    args: InitializeMarketArgs,
    accounts: InitializeMarketAccounts,
    program_id: Pubkey = PROGRAM_ID,
    remaining_accounts: typing.Optional[typing.List[AccountMeta]] = None,
) -> Instruction:
    keys: list[AccountMeta] = [
        AccountMeta(pubkey=accounts["authority"], is_signer=True, is_writable=True),
        AccountMeta(pubkey=accounts["market"], is_signer=False, is_writable=True),
        AccountMeta(pubkey=accounts["book"], is_signer=False, is_writable=True),
        AccountMeta(
            pubkey=accounts["escrow_authority"], is_signer=False, is_writable=False
        ),
        AccountMeta(pubkey=accounts["grx_mint"], is_signer=False, is_writable=False),
        AccountMeta(pubkey=accounts["quote_mint"], is_signer=False, is_writable=False),
        AccountMeta(pubkey=accounts["grx_escrow"], is_signer=False, is_writable=True),
        AccountMeta(pubkey=accounts["quote_escrow"], is_signer=False, is_writable=True),
        AccountMeta(
            pubkey=accounts["governance_config"], is_signer=False, is_writable=False
        ),
        AccountMeta(
            pubkey=accounts["grx_token_program"], is_signer=False, is_writable=False
        ),
        AccountMeta(
            pubkey=accounts["quote_token_program"], is_signer=False, is_writable=False
        ),
        AccountMeta(pubkey=SYS_PROGRAM_ID, is_signer=False, is_writable=False),
    ]
    if remaining_accounts is not None:
        keys += remaining_accounts
    identifier = b"##\xbd\xc1\x9b0\xaa\xcb"
    encoded_args = layout.build(
        {
            "fee_bps": args["fee_bps"],
            "order_capacity": args["order_capacity"],
            "seat_capacity": args["seat_capacity"],
        }
    )
    data = identifier + encoded_args
    return Instruction(program_id, data, keys)
