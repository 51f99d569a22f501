from __future__ import annotations
import typing
from solders.pubkey import Pubkey
from solders.instruction import Instruction, AccountMeta
import borsh_construct as borsh
from .. import types
from ..program_id import PROGRAM_ID


class UpdateOracleConfigArgs(typing.TypedDict):
    params: types.oracle_params.OracleParams


layout = borsh.CStruct("params" / types.oracle_params.OracleParams.layout)


class UpdateOracleConfigAccounts(typing.TypedDict):
    authority: Pubkey
    oracle_config: Pubkey
    governance_config: Pubkey


def update_oracle_config(
    args: UpdateOracleConfigArgs,
    accounts: UpdateOracleConfigAccounts,
    program_id: Pubkey = PROGRAM_ID,
    remaining_accounts: typing.Optional[typing.List[AccountMeta]] = None,
) -> Instruction:
    keys: list[AccountMeta] = [
        AccountMeta(pubkey=accounts["authority"], is_signer=True, is_writable=False),
        AccountMeta(
            pubkey=accounts["oracle_config"], is_signer=False, is_writable=True
        ),
        AccountMeta(
            pubkey=accounts["governance_config"], is_signer=False, is_writable=False
        ),
    ]
    if remaining_accounts is not None:
        keys += remaining_accounts
    identifier = b"S\x10\x0b\xfe9c\x9c:"
    encoded_args = layout.build(
        {
            "params": args["params"].to_encodable(),
        }
    )
    data = identifier + encoded_args
    return Instruction(program_id, data, keys)
