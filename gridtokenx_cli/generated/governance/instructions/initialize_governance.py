from __future__ import annotations
import typing
from solders.pubkey import Pubkey
from solders.system_program import ID as SYS_PROGRAM_ID
from solders.instruction import Instruction, AccountMeta
from anchorpy.borsh_extension import BorshPubkey
import borsh_construct as borsh
from ..program_id import PROGRAM_ID


class InitializeGovernanceArgs(typing.TypedDict):
    rec_authority: Pubkey


layout = borsh.CStruct("rec_authority" / BorshPubkey)


class InitializeGovernanceAccounts(typing.TypedDict):
    authority: Pubkey
    governance_config: Pubkey


def initialize_governance(
    args: InitializeGovernanceArgs,
    accounts: InitializeGovernanceAccounts,
    program_id: Pubkey = PROGRAM_ID,
    remaining_accounts: typing.Optional[typing.List[AccountMeta]] = None,
) -> Instruction:
    keys: list[AccountMeta] = [
        AccountMeta(pubkey=accounts["authority"], is_signer=True, is_writable=True),
        AccountMeta(
            pubkey=accounts["governance_config"], is_signer=False, is_writable=True
        ),
        AccountMeta(pubkey=SYS_PROGRAM_ID, is_signer=False, is_writable=False),
    ]
    if remaining_accounts is not None:
        keys += remaining_accounts
    identifier = b"\xabWe\xed\x1bk\xc99"
    encoded_args = layout.build(
        {
            "rec_authority": args["rec_authority"],
        }
    )
    data = identifier + encoded_args
    return Instruction(program_id, data, keys)
