from __future__ import annotations
import typing
from solders.pubkey import Pubkey
from solders.instruction import Instruction, AccountMeta
import borsh_construct as borsh
from ..program_id import PROGRAM_ID


class UpdateClaimedErcGenerationArgs(typing.TypedDict):
    amount: int


layout = borsh.CStruct("amount" / borsh.U64)


class UpdateClaimedErcGenerationAccounts(typing.TypedDict):
    governance_authority: Pubkey
    meter: Pubkey


def update_claimed_erc_generation(
    args: UpdateClaimedErcGenerationArgs,
    accounts: UpdateClaimedErcGenerationAccounts,
    program_id: Pubkey = PROGRAM_ID,
    remaining_accounts: typing.Optional[typing.List[AccountMeta]] = None,
) -> Instruction:
    keys: list[AccountMeta] = [
        AccountMeta(
            pubkey=accounts["governance_authority"], is_signer=True, is_writable=False
        ),
        AccountMeta(pubkey=accounts["meter"], is_signer=False, is_writable=True),
    ]
    if remaining_accounts is not None:
        keys += remaining_accounts
    identifier = b"\x9a\xc6i-L\xcfc\xa2"
    encoded_args = layout.build(
        {
            "amount": args["amount"],
        }
    )
    data = identifier + encoded_args
    return Instruction(program_id, data, keys)
