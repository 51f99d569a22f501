from __future__ import annotations
from . import (
    erc_status,
)
import typing
from dataclasses import dataclass
from construct import Container
from solders.pubkey import Pubkey
from anchorpy.borsh_extension import BorshPubkey
import borsh_construct as borsh


class ErcCertificateJSON(typing.TypedDict):
    certificate_id: list[int]
    owner: str
    meter: str
    energy_amount: int
    issued_at: int
    expires_at: int
    status: erc_status.ErcStatusJSON
    bump: int


@dataclass
class ErcCertificate:
    layout: typing.ClassVar = borsh.CStruct(
        "certificate_id" / borsh.U8[32],
        "owner" / BorshPubkey,
        "meter" / BorshPubkey,
        "energy_amount" / borsh.U64,
        "issued_at" / borsh.I64,
        "expires_at" / borsh.I64,
        "status" / erc_status.layout,
        "bump" / borsh.U8,
    )
    certificate_id: list[int]
    owner: Pubkey
    meter: Pubkey
    energy_amount: int
    issued_at: int
    expires_at: int
    status: erc_status.ErcStatusKind
    bump: int

    @classmethod
    def from_decoded(cls, obj: Container) -> "ErcCertificate":
        return cls(
            certificate_id=obj.certificate_id,
            owner=obj.owner,
            meter=obj.meter,
            energy_amount=obj.energy_amount,
            issued_at=obj.issued_at,
            expires_at=obj.expires_at,
            status=erc_status.from_decoded(obj.status),
            bump=obj.bump,
        )

    def to_encodable(self) -> dict[str, typing.Any]:
        return {
            "certificate_id": self.certificate_id,
            "owner": self.owner,
            "meter": self.meter,
            "energy_amount": self.energy_amount,
            "issued_at": self.issued_at,
            "expires_at": self.expires_at,
            "status": self.status.to_encodable(),
            "bump": self.bump,
        }

    def to_json(self) -> ErcCertificateJSON:
        return {
            "certificate_id": self.certificate_id,
            "owner": str(self.owner),
            "meter": str(self.meter),
            "energy_amount": self.energy_amount,
            "issued_at": self.issued_at,
            "expires_at": self.expires_at,
            "status": self.status.to_json(),
            "bump": self.bump,
        }

    @classmethod
    def from_json(cls, obj: ErcCertificateJSON) -> "ErcCertificate":
        return cls(
            certificate_id=obj["certificate_id"],
            owner=Pubkey.from_string(obj["owner"]),
            meter=Pubkey.from_string(obj["meter"]),
            energy_amount=obj["energy_amount"],
            issued_at=obj["issued_at"],
            expires_at=obj["expires_at"],
            status=erc_status.from_json(obj["status"]),
            bump=obj["bump"],
        )
