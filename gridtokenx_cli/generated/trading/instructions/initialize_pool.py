from __future__ import annotations
import typing
from solders.pubkey import Pubkey
from solders.system_program import ID as SYS_PROGRAM_ID
from solders.instruction import Instruction, AccountMeta
import borsh_construct as borsh
from .. import types
from ..program_id import PROGRAM_ID


class InitializePoolArgs(typing.TypedDict):
    curve: types.curve_type.CurveTypeKind
    grx_amount: int
    quote_amount: int


layout = borsh.CStruct(
    "curve" / types.curve_type.layout,
    "grx_amount" / borsh.U64,
    "quote_amount" / borsh.U64,
)


class InitializePoolAccounts(typing.TypedDict):
    admin: Pubkey
    market: Pubkey
    pool: Pubkey
    grx_vault: Pubkey
    quote_vault: Pubkey
    admin_grx_account: Pubkey
    admin_quote_account: Pubkey
    grx_mint: Pubkey
    quote_mint: Pubkey
    governance_config: Pubkey
    grx_token_program: Pubkey
    quote_token_program: Pubkey


def initialize_pool(
    args: InitializePoolArgs,
    accounts: InitializePoolAccounts,
    program_id: Pubkey = PROGRAM_ID,
    remaining_accounts: typing.Optional[typing.List[AccountMeta]] = None,
) -> Instruction:
    keys: list[AccountMeta] = [
        AccountMeta(pubkey=accounts["admin"], is_signer=True, is_writable=True),
        AccountMeta(pubkey=accounts["market"], is_signer=False, is_writable=False),
        AccountMeta(pubkey=accounts["pool"], is_signer=False, is_writable=True),
        AccountMeta(pubkey=accounts["grx_vault"], is_signer=False, is_writable=True),
        AccountMeta(pubkey=accounts["quote_vault"], is_signer=False, is_writable=True),
        AccountMeta(
            pubkey=accounts["admin_grx_account"], is_signer=False, is_writable=True
        ),
        AccountMeta(
            pubkey=accounts["admin_quote_account"], is_signer=False, is_writable=True
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
        AccountMeta(pubkey=SYS_PROGRAM_ID, is_signer=False, is_writable=False),
    ]
    if remaining_accounts is not None:
        keys += remaining_accounts
    identifier = b"_\xb4\n\xacT\xae\xe8("
    encoded_args = layout.build(
        {
            "curve": args["curve"].to_encodable(),
            "grx_amount": args["grx_amount"],
            "quote_amount": args["quote_amount"],
        }
    )
    data = identifier + encoded_args
    return Instruction(program_id, data, keys)
