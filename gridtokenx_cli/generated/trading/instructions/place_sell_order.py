from __future__ import annotations
import typing
from solders.pubkey import Pubkey
from solders.system_program import ID as SYS_PROGRAM_ID
from solders.instruction import Instruction, AccountMeta
import borsh_construct as borsh
from ..program_id import PROGRAM_ID


class PlaceSellOrderArgs(typing.TypedDict):
    amount_wh: int
    price: int


layout = borsh.CStruct("amount_wh" / borsh.U64, "price" / borsh.U64)


class PlaceSellOrderAccounts(typing.TypedDict):
    owner: Pubkey
    market: Pubkey
    order: Pubkey
    erc_certificate: Pubkey
    erc_usage: Pubkey
    owner_grx_account: Pubkey
    grx_escrow: Pubkey
    grx_mint: Pubkey
    governance_config: Pubkey
    grx_token_program: Pubkey


def place_sell_order(
    args: PlaceSellOrderArgs,
    accounts: PlaceSellOrderAccounts,
    program_id: Pubkey = PROGRAM_ID,
    remaining_accounts: typing.Optional[typing.List[AccountMeta]] = None,
) -> Instruction:
    keys: list[AccountMeta] = [
        AccountMeta(pubkey=accounts["owner"], is_signer=True, is_writable=True),
        AccountMeta(pubkey=accounts["market"], is_signer=False, is_writable=True),
        AccountMeta(pubkey=accounts["order"], is_signer=False, is_writable=True),
        AccountMeta(
            pubkey=accounts["erc_certificate"], is_signer=False, is_writable=False
        ),
        AccountMeta(pubkey=accounts["erc_usage"], is_signer=False, is_writable=True),
        AccountMeta(
            pubkey=accounts["owner_grx_account"], is_signer=False, is_writable=True
        ),
        AccountMeta(pubkey=accounts["grx_escrow"], is_signer=False, is_writable=True),
        AccountMeta(pubkey=accounts["grx_mint"], is_signer=False, is_writable=False),
        AccountMeta(
            pubkey=accounts["governance_config"], is_signer=False, is_writable=False
        ),
        AccountMeta(
            pubkey=accounts["grx_token_program"], is_signer=False, is_writable=False
        ),
        AccountMeta(pubkey=SYS_PROGRAM_ID, is_signer=False, is_writable=False),
    ]
    if remaining_accounts is not None:
        keys += remaining_accounts
    identifier = b"\xfe\xb1\xb4h\xab\xc2OV"
    encoded_args = layout.build(
        {
            "amount_wh": args["amount_wh"],
            "price": args["price"],
        }
    )
    data = identifier + encoded_args
    return Instruction(program_id, data, keys)
