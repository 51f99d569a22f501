from __future__ import annotations
import typing
from solders.pubkey import Pubkey
from solders.instruction import Instruction, AccountMeta
import borsh_construct as borsh
from ..program_id import PROGRAM_ID


class TradeResultArgs(typing.TypedDict):
    seq: int


layout = borsh.CStruct("seq" / borsh.U64)


class TradeResultAccounts(typing.TypedDict):
    terminal: Pubkey
    trades: Pubkey
    market: Pubkey


def trade_result(
    args: TradeResultArgs,
    accounts: TradeResultAccounts,
    program_id: Pubkey = PROGRAM_ID,
    remaining_accounts: typing.Optional[typing.List[AccountMeta]] = None,
) -> Instruction:
    keys: list[AccountMeta] = [
        AccountMeta(pubkey=accounts["terminal"], is_signer=True, is_writable=False),
        AccountMeta(pubkey=accounts["trades"], is_signer=False, is_writable=True),
        AccountMeta(pubkey=accounts["market"], is_signer=False, is_writable=True),
    ]
    if remaining_accounts is not None:
        keys += remaining_accounts
    identifier = b"\xab\xca\xf9\xf6\xc8\x05\xd8p"
    encoded_args = layout.build(
        {
            "seq": args["seq"],
        }
    )
    data = identifier + encoded_args
    return Instruction(program_id, data, keys)
