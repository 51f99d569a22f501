from __future__ import annotations
import typing
from solders.pubkey import Pubkey
from solders.system_program import ID as SYS_PROGRAM_ID
from solders.instruction import Instruction, AccountMeta
from anchorpy.borsh_extension import BorshPubkey
import borsh_construct as borsh
from ..program_id import PROGRAM_ID


class InitializeOracleArgs(typing.TypedDict):
    api_gateway: Pubkey


layout = borsh.CStruct("api_gateway" / BorshPubkey)


class InitializeOracleAccounts(typing.TypedDict):
    authority: Pubkey
    oracle_config: Pubkey
    governance_config: Pubkey


def initialize_oracle(
    args: InitializeOracleArgs,
    accounts: InitializeOracleAccounts,
    program_id: Pubkey = PROGRAM_ID,
    remaining_accounts: typing.Optional[typing.List[AccountMeta]] = None,
) -> Instruction:
    keys: list[AccountMeta] = [
        AccountMeta(pubkey=accounts["authority"], is_signer=True, is_writable=True),
        AccountMeta(
            pubkey=accounts["oracle_config"], is_signer=False, is_writable=True
        ),
        AccountMeta(
            pubkey=accounts["governance_config"], is_signer=False, is_writable=False
        ),
        AccountMeta(pubkey=SYS_PROGRAM_ID, is_signer=False, is_writable=False),
    ]
    if remaining_accounts is not None:
        keys += remaining_accounts
    identifier = b"\x90\xdf\x83x\xc4\xfd\xb5c"
    encoded_args = layout.build(
        {
            "api_gateway": args["api_gateway"],
        }
    )
    data = identifier + encoded_args
    return Instruction(program_id, data, keys)
