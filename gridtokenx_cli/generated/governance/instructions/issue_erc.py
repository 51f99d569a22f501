from __future__ import annotations
import typing
from solders.pubkey import Pubkey
from solders.system_program import ID as SYS_PROGRAM_ID
from solders.instruction import Instruction, AccountMeta
import borsh_construct as borsh
from ..program_id import PROGRAM_ID


class IssueErcArgs(typing.TypedDict):
    certificate_id: list[int]
    energy_amount: int


layout = borsh.CStruct("certificate_id" / borsh.U8[32], "energy_amount" / borsh.U64)


class IssueErcAccounts(typing.TypedDict):
    rec_authority: Pubkey
    governance_config: Pubkey
    meter: Pubkey
    erc_certificate: Pubkey
    governance_authority: Pubkey
    registry_program: Pubkey


def issue_erc(
    args: IssueErcArgs,
    accounts: IssueErcAccounts,
    program_id: Pubkey = PROGRAM_ID,
    remaining_accounts: typing.Optional[typing.List[AccountMeta]] = None,
) -> Instruction:
    keys: list[AccountMeta] = [
        AccountMeta(pubkey=accounts["rec_authority"], is_signer=True, is_writable=True),
        AccountMeta(
            pubkey=accounts["governance_config"], is_signer=False, is_writable=True
        ),
        AccountMeta(pubkey=accounts["meter"], is_signer=False, is_writable=True),
        AccountMeta(
            pubkey=accounts["erc_certificate"], is_signer=False, is_writable=True
        ),
        AccountMeta(
            pubkey=accounts["governance_authority"], is_signer=False, is_writable=False
        ),
        AccountMeta(
            pubkey=accounts["registry_program"], is_signer=False, is_writable=False
        ),
        AccountMeta(pubkey=SYS_PROGRAM_ID, is_signer=False, is_writable=False),
    ]
    if remaining_accounts is not None:
        keys += remaining_accounts
    identifier = b"\xae\xf8\x95k\x9b\x04\xc4\x08"
    encoded_args = layout.build(
        {
            "certificate_id": args["certificate_id"],
            "energy_amount": args["energy_amount"],
        }
    )
    data = identifier + encoded_args
    return Instruction(program_id, data, keys)
