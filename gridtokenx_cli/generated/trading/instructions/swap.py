from __future__ import annotations
import typing
from solders.pubkey import Pubkey
from solders.instruction import Instruction, AccountMeta
import borsh_construct as borsh
from .. import types
from ..program_id import PROGRAM_ID


class SwapArgs(typing.TypedDict):
    direction: types.swap_direction.SwapDirectionKind
    amount_in: int
    min_out: int


layout = borsh.CStruct(
    "direction" / types.swap_direction.layout,
    "amount_in" / borsh.U64,
    "min_out" / borsh.U64,
)


class SwapAccounts(typing.TypedDict):
    user: Pubkey
    market: Pubkey
    pool: Pubkey
    grx_vault: Pubkey
    quote_vault: Pubkey
    user_grx_account: Pubkey
    user_quote_account: Pubkey
    grx_mint: Pubkey
    quote_mint: Pubkey
    governance_config: Pubkey
    grx_token_program: Pubkey
    quote_token_program: Pubkey


def swap(
    args: SwapArgs,
    accounts: SwapAccounts,
    program_id: Pubkey = PROGRAM_ID,
    remaining_accounts: typing.Optional[typing.List[AccountMeta]] = None,
) -> Instruction:
    keys: list[AccountMeta] = [
        AccountMeta(pubkey=accounts["user"], is_signer=True, is_writable=False),
        AccountMeta(pubkey=accounts["market"], is_signer=False, is_writable=False),
        AccountMeta(pubkey=accounts["pool"], is_signer=False, is_writable=True),
        AccountMeta(pubkey=accounts["grx_vault"], is_signer=False, is_writable=True),
        AccountMeta(pubkey=accounts["quote_vault"], is_signer=False, is_writable=True),
        AccountMeta(
            pubkey=accounts["user_grx_account"], is_signer=False, is_writable=True
        ),
        AccountMeta(
            pubkey=accounts["user_quote_account"], is_signer=False, is_writable=True
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
    identifier = b"\xf8\xc6\x9e\x91\xe1u\x87\xc8"
    encoded_args = layout.build(
        {
            "direction": args["direction"].to_encodable(),
            "amount_in": args["amount_in"],
            "min_out": args["min_out"],
        }
    )
    data = identifier + encoded_args
    return Instruction(program_id, data, keys)
