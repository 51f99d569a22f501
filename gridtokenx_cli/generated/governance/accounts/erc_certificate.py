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


class ErcCertificateJSON(typing.TypedDict):
    certificate_id: list[int]
    owner: str
    meter: str
    energy_amount: int
    issued_at: int
    expires_at: int
    status: types.erc_status.ErcStatusJSON
    bump: int


@dataclass
class ErcCertificate:
    discriminator: typing.ClassVar = b"S\xa1\x86\x10\xf0\\\xba\x9d"
    layout: typing.ClassVar = borsh.CStruct(
        "certificate_id" / borsh.U8[32],
        "owner" / BorshPubkey,
        "meter" / BorshPubkey,
        "energy_amount" / borsh.U64,
        "issued_at" / borsh.I64,
        "expires_at" / borsh.I64,
        "status" / types.erc_status.layout,
        "bump" / borsh.U8,
    )
    certificate_id: list[int]
    owner: Pubkey
    meter: Pubkey
    energy_amount: int
    issued_at: int
    expires_at: int
    status: types.erc_status.ErcStatusKind
    bump: int

    @classmethod
    async def fetch(
        cls,
        conn: AsyncClient,
        address: Pubkey,
        commitment: typing.Optional[Commitment] = None,
        program_id: Pubkey = PROGRAM_ID,
    ) -> typing.Optional["ErcCertificate"]:
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
    ) -> typing.List[typing.Optional["ErcCertificate"]]:
        infos = await get_multiple_accounts(conn, addresses, commitment=commitment)
        res: typing.List[typing.Optional["ErcCertificate"]] = []
        for info in infos:
            if info is None:
                res.append(None)
                continue
            if info.account.owner != program_id:
                raise ValueError("Account does not belong to this program")
            res.append(cls.decode(info.account.data))
        return res

    @classmethod
    def decode(cls, data: bytes) -> "ErcCertificate":
        if data[:ACCOUNT_DISCRIMINATOR_SIZE] != cls.discriminator:
            raise AccountInvalidDiscriminator(
                "The discriminator for this account is invalid"
            )
        dec = ErcCertificate.layout.parse(data[ACCOUNT_DISCRIMINATOR_SIZE:])
        return cls(
            certificate_id=dec.certificate_id,
            owner=dec.owner,
            meter=dec.meter,
            energy_amount=dec.energy_amount,
            issued_at=dec.issued_at,
            expires_at=dec.expires_at,
            status=types.erc_status.from_decoded(dec.status),
            bump=dec.bump,
        )

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
            status=types.erc_status.from_json(obj["status"]),
            bump=obj["bump"],
        )
