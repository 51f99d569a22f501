from __future__ import annotations
import typing
from solders.pubkey import Pubkey
from solders.instruction import Instruction, AccountMeta
import borsh_construct as borsh
from .. import types
from ..program_id import PROGRAM_ID


class DepositArgs(typing.TypedDict):
    slot: int
    asset: types.asset.AssetKind
    amount: int


layout = borsh.CStruct(
    "slot" / borsh.U32, "asset" / types.asset.layout, "amount" / borsh.U64
)


class DepositAccounts(typing.TypedDict):
    owner: Pubkey
    market: Pubkey
    book: Pubkey
    escrow_authority: Pubkey
    vault: Pubkey
    owner_token_account: Pubkey
    mint: Pubkey
    governance_config: Pubkey
    asset_token_program: Pubkey


def deposit(
    args: DepositArgs,
    accounts: DepositAccounts,
    program_id: Pubkey = PROGRAM_ID,
    remaining_accounts: typing.Optional[typing.List[AccountMeta]] = None,
) -> Instruction:
    keys: list[AccountMeta] = [
        AccountMeta(pubkey=accounts["owner"], is_signer=True, is_writable=False),
        AccountMeta(pubkey=accounts["market"], is_signer=False, is_writable=False),
        AccountMeta(pubkey=accounts["book"], is_signer=False, is_writable=True),
        AccountMeta(
            pubkey=accounts["escrow_authority"], is_signer=False, is_writable=False
        ),
        AccountMeta(pubkey=accounts["vault"], is_signer=False, is_writable=True),
        AccountMeta(
            pubkey=accounts["owner_token_account"], is_signer=False, is_writable=True
        ),
        AccountMeta(pubkey=accounts["mint"], is_signer=False, is_writable=False),
        AccountMeta(
            pubkey=accounts["governance_config"], is_signer=False, is_writable=False
        ),
        AccountMeta(
            pubkey=accounts["asset_token_program"], is_signer=False, is_writable=False
        ),
    ]
    if remaining_accounts is not None:
        keys += remaining_accounts
    identifier = b"\xf2#\xc6\x89R\xe1\xf2\xb6"
    encoded_args = layout.build(
        {
            "slot": args["slot"],
            "asset": args["asset"].to_encodable(),
            "amount": args["amount"],
        }
    )
    data = identifier + encoded_args
    return Instruction(program_id, data, keys)
