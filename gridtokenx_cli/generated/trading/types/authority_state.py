from __future__ import annotations
import typing
from dataclasses import dataclass
from construct import Container
from solders.pubkey import Pubkey
from anchorpy.borsh_extension import BorshPubkey
import borsh_construct as borsh


class AuthorityStateJSON(typing.TypedDict):
    authority: str
    pending_authority: str
    pending_expires_at: int


@dataclass
class AuthorityState:
    layout: typing.ClassVar = borsh.CStruct(
        "authority" / BorshPubkey,
        "pending_authority" / BorshPubkey,
        "pending_expires_at" / borsh.I64,
    )
    authority: Pubkey
    pending_authority: Pubkey
    pending_expires_at: int

    @classmethod
    def from_decoded(cls, obj: Container) -> "AuthorityState":
        return cls(
            authority=obj.authority,
            pending_authority=obj.pending_authority,
            pending_expires_at=obj.pending_expires_at,
        )

    def to_encodable(self) -> dict[str, typing.Any]:
        return {
            "authority": self.authority,
            "pending_authority": self.pending_authority,
            "pending_expires_at": self.pending_expires_at,
        }

    def to_json(self) -> AuthorityStateJSON:
        return {
            "authority": str(self.authority),
            "pending_authority": str(self.pending_authority),
            "pending_expires_at": self.pending_expires_at,
        }

    @classmethod
    def from_json(cls, obj: AuthorityStateJSON) -> "AuthorityState":
        return cls(
            authority=Pubkey.from_string(obj["authority"]),
            pending_authority=Pubkey.from_string(obj["pending_authority"]),
            pending_expires_at=obj["pending_expires_at"],
        )
