from __future__ import annotations
import typing
from solders.pubkey import Pubkey
from solders.system_program import ID as SYS_PROGRAM_ID
from solders.instruction import Instruction, AccountMeta
import borsh_construct as borsh
from ..program_id import PROGRAM_ID


class SmallbankInitBankArgs(typing.TypedDict):
    bank_id: int


layout = borsh.CStruct("bank_id" / borsh.U32)


class SmallbankInitBankAccounts(typing.TypedDict):
    authority: Pubkey
    bank: Pubkey


def smallbank_init_bank(
    args: SmallbankInitBankArgs,
    accounts: SmallbankInitBankAccounts,
    program_id: Pubkey = PROGRAM_ID,
    remaining_accounts: typing.Optional[typing.List[AccountMeta]] = None,
) -> Instruction:
    keys: list[AccountMeta] = [
        AccountMeta(pubkey=accounts["authority"], is_signer=True, is_writable=True),
        AccountMeta(pubkey=accounts["bank"], is_signer=False, is_writable=True),
        AccountMeta(pubkey=SYS_PROGRAM_ID, is_signer=False, is_writable=False),
    ]
    if remaining_accounts is not None:
        keys += remaining_accounts
    identifier = b"\xed\x1e\x94u\xb2?)\r"
    encoded_args = layout.build(
        {
            "bank_id": args["bank_id"],
        }
    )
    data = identifier + encoded_args
    return Instruction(program_id, data, keys)
