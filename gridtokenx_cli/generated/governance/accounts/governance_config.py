import typing
from dataclasses import dataclass
from solders.pubkey import Pubkey
from solana.rpc.async_api import AsyncClient
from solana.rpc.commitment import Commitment
import borsh_construct as borsh
from anchorpy.coder.accounts import ACCOUNT_DISCRIMINATOR_SIZE
from anchorpy.error import AccountInvalidDiscriminator
from anchorpy.utils.rpc import get_multiple_accounts
from anchorpy.borsh_extension import BorshPubkey
from ..program_id import PROGRAM_ID
from .. import types


class GovernanceConfigJSON(typing.TypedDict):
    admin: types.authority_state.AuthorityStateJSON
    rec_authority: str
    paused: bool
    paused_at: int
    pause_count: int
    erc_issued: int
    erc_revoked: int
    bump: int


@dataclass
class GovernanceConfig:
    discriminator: typing.ClassVar = b"Q?|k\xd2d\x91F"
    layout: typing.ClassVar = borsh.CStruct(
        "admin" / types.authority_state.AuthorityState.layout,
        "rec_authority" / BorshPubkey,
        "paused" / borsh.Bool,
        "paused_at" / borsh.I64,
        "pause_count" / borsh.U64,
        "erc_issued" / borsh.U64,
        "erc_revoked" / borsh.U64,
        "bump" / borsh.U8,
    )
    admin: types.authority_state.AuthorityState
    rec_authority: Pubkey
    paused: bool
    paused_at: int
    pause_count: int
    erc_issued: int
    erc_revoked: int
    bump: int

    @classmethod
    async def fetch(
        cls,
        conn: AsyncClient,
        address: Pubkey,
        commitment: typing.Optional[Commitment] = None,
        program_id: Pubkey = PROGRAM_ID,
    ) -> typing.Optional["GovernanceConfig"]:
        resp = await conn.get_account_info(address, commitment=commitment)
        info = resp.value
        if info is None:
            return None
        if info.owner != program_id:
            raise ValueError("Account does not belong to this program")
        bytes_data = info.data
        return cls.decode(bytes_data)

    @classmethod
    async def fetch_multiple(
        cls,
        conn: AsyncClient,
        addresses: list[Pubkey],
        commitment: typing.Optional[Commitment] = None,
        program_id: Pubkey = PROGRAM_ID,
    ) -> typing.List[typing.Optional["GovernanceConfig"]]:
        infos = await get_multiple_accounts(conn, addresses, commitment=commitment)
        res: typing.List[typing.Optional["GovernanceConfig"]] = []
        for info in infos:
            if info is None:
                res.append(None)
                continue
            if info.account.owner != program_id:
                raise ValueError("Account does not belong to this program")
            res.append(cls.decode(info.account.data))
        return res

    @classmethod
    def decode(cls, data: bytes) -> "GovernanceConfig":
        if data[:ACCOUNT_DISCRIMINATOR_SIZE] != cls.discriminator:
            raise AccountInvalidDiscriminator(
                "The discriminator for this account is invalid"
            )
        dec = GovernanceConfig.layout.parse(data[ACCOUNT_DISCRIMINATOR_SIZE:])
        return cls(
            admin=types.authority_state.AuthorityState.from_decoded(dec.admin),
            rec_authority=dec.rec_authority,
            paused=dec.paused,
            paused_at=dec.paused_at,
            pause_count=dec.pause_count,
            erc_issued=dec.erc_issued,
            erc_revoked=dec.erc_revoked,
            bump=dec.bump,
        )

    def to_json(self) -> GovernanceConfigJSON:
        return {
            "admin": self.admin.to_json(),
            "rec_authority": str(self.rec_authority),
            "paused": self.paused,
            "paused_at": self.paused_at,
            "pause_count": self.pause_count,
            "erc_issued": self.erc_issued,
            "erc_revoked": self.erc_revoked,
            "bump": self.bump,
        }

    @classmethod
    def from_json(cls, obj: GovernanceConfigJSON) -> "GovernanceConfig":
        return cls(
            admin=types.authority_state.AuthorityState.from_json(obj["admin"]),
            rec_authority=Pubkey.from_string(obj["rec_authority"]),
            paused=obj["paused"],
            paused_at=obj["paused_at"],
            pause_count=obj["pause_count"],
            erc_issued=obj["erc_issued"],
            erc_revoked=obj["erc_revoked"],
            bump=obj["bump"],
        )
