from __future__ import annotations
from . import (
    authority_state,
)
import typing
from dataclasses import dataclass
from construct import Container
from solders.pubkey import Pubkey
from anchorpy.borsh_extension import BorshPubkey
import borsh_construct as borsh


class GovernanceConfigJSON(typing.TypedDict):
    admin: authority_state.AuthorityStateJSON
    rec_authority: str
    paused: bool
    paused_at: int
    pause_count: int
    erc_issued: int
    erc_revoked: int
    bump: int


@dataclass
class GovernanceConfig:
    layout: typing.ClassVar = borsh.CStruct(
        "admin" / authority_state.AuthorityState.layout,
        "rec_authority" / BorshPubkey,
        "paused" / borsh.Bool,
        "paused_at" / borsh.I64,
        "pause_count" / borsh.U64,
        "erc_issued" / borsh.U64,
        "erc_revoked" / borsh.U64,
        "bump" / borsh.U8,
    )
    admin: authority_state.AuthorityState
    rec_authority: Pubkey
    paused: bool
    paused_at: int
    pause_count: int
    erc_issued: int
    erc_revoked: int
    bump: int

    @classmethod
    def from_decoded(cls, obj: Container) -> "GovernanceConfig":
        return cls(
            admin=authority_state.AuthorityState.from_decoded(obj.admin),
            rec_authority=obj.rec_authority,
            paused=obj.paused,
            paused_at=obj.paused_at,
            pause_count=obj.pause_count,
            erc_issued=obj.erc_issued,
            erc_revoked=obj.erc_revoked,
            bump=obj.bump,
        )

    def to_encodable(self) -> dict[str, typing.Any]:
        return {
            "admin": self.admin.to_encodable(),
            "rec_authority": self.rec_authority,
            "paused": self.paused,
            "paused_at": self.paused_at,
            "pause_count": self.pause_count,
            "erc_issued": self.erc_issued,
            "erc_revoked": self.erc_revoked,
            "bump": self.bump,
        }

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
            admin=authority_state.AuthorityState.from_json(obj["admin"]),
            rec_authority=Pubkey.from_string(obj["rec_authority"]),
            paused=obj["paused"],
            paused_at=obj["paused_at"],
            pause_count=obj["pause_count"],
            erc_issued=obj["erc_issued"],
            erc_revoked=obj["erc_revoked"],
            bump=obj["bump"],
        )
