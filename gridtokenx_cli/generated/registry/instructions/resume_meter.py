from __future__ import annotations
import typing
from solders.pubkey import Pubkey
from solders.instruction import Instruction, AccountMeta
import borsh_construct as borsh
from ..program_id import PROGRAM_ID


class ResumeMeterArgs(typing.TypedDict):
    resume_at: int


layout = borsh.CStruct("resume_at" / borsh.I64)


class ResumeMeterAccounts(typing.TypedDict):
    authority: Pubkey
    meter: Pubkey
    registry_config: Pubkey
    governance_config: Pubkey


def resume_meter(
    args: ResumeMeterArgs,
    accounts: ResumeMeterAccounts,
    program_id: Pubkey = PROGRAM_ID,
    remaining_accounts: typing.Optional[typing.List[AccountMeta]] = None,
) -> Instruction:
    keys: list[AccountMeta] = [
        AccountMeta(pubkey=accounts["authority"], is_signer=True, is_writable=False),
        AccountMeta(pubkey=accounts["meter"], is_signer=False, is_writable=True),
        AccountMeta(
            pubkey=accounts["registry_config"], is_signer=False, is_writable=False
        ),
        AccountMeta(
            pubkey=accounts["governance_config"], is_signer=False, is_writable=False
        ),
    ]
    if remaining_accounts is not None:
        keys += remaining_accounts
    identifier = b'\x1d\xc5\x9fC\x8a\xc6"r'
    encoded_args = layout.build(
        {
            "resume_at": args["resume_at"],
        }
    )
    data = identifier + encoded_args
    return Instruction(program_id, data, keys)
