from __future__ import annotations
import typing
from solders.pubkey import Pubkey
from solders.instruction import Instruction, AccountMeta
import borsh_construct as borsh
from ..program_id import PROGRAM_ID


class CpuHeavyArgs(typing.TypedDict):
    n: int
    seed: int


layout = borsh.CStruct("n" / borsh.U32, "seed" / borsh.U64)


class CpuHeavyAccounts(typing.TypedDict):
    signer: Pubkey


def cpu_heavy(
    args: CpuHeavyArgs,
    accounts: CpuHeavyAccounts,
    program_id: Pubkey = PROGRAM_ID,
    remaining_accounts: typing.Optional[typing.List[AccountMeta]] = None,
) -> Instruction:
    keys: list[AccountMeta] = [
        AccountMeta(pubkey=accounts["signer"], is_signer=True, is_writable=False)
    ]
    if remaining_accounts is not None:
        keys += remaining_accounts
    identifier = b"\xb3\xdc\x8dA[\xabf:"
    encoded_args = layout.build(
        {
            "n": args["n"],
            "seed": args["seed"],
        }
    )
    data = identifier + encoded_args
    return Instruction(program_id, data, keys)
