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


class SmallbankBankJSON(typing.TypedDict):
    authority: str
    bank_id: int
    bump: int
    customers: int
    opening_total: int


@dataclass
class SmallbankBank:
    discriminator: typing.ClassVar = b"\xfbT?b\x8e\x19\xf4L"
    layout: typing.ClassVar = borsh.CStruct(
        "authority" / BorshPubkey,
        "bank_id" / borsh.U32,
        "bump" / borsh.U8,
        "customers" / borsh.U64,
        "opening_total" / borsh.I64,
    )
    authority: Pubkey
    bank_id: int
    bump: int
    customers: int
    opening_total: int

    @classmethod
    async def fetch(
        cls,
        conn: AsyncClient,
        address: Pubkey,
        commitment: typing.Optional[Commitment] = None,
        program_id: Pubkey = PROGRAM_ID,
    ) -> typing.Optional["SmallbankBank"]:
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
    ) -> typing.List[typing.Optional["SmallbankBank"]]:
        infos = await get_multiple_accounts(conn, addresses, commitment=commitment)
        res: typing.List[typing.Optional["SmallbankBank"]] = []
        for info in infos:
            if info is None:
                res.append(None)
                continue
            if info.account.owner != program_id:
                raise ValueError("Account does not belong to this program")
            res.append(cls.decode(info.account.data))
        return res

    @classmethod
    def decode(cls, data: bytes) -> "SmallbankBank":
        if data[:ACCOUNT_DISCRIMINATOR_SIZE] != cls.discriminator:
            raise AccountInvalidDiscriminator(
                "The discriminator for this account is invalid"
            )
        dec = SmallbankBank.layout.parse(data[ACCOUNT_DISCRIMINATOR_SIZE:])
        return cls(
            authority=dec.authority,
            bank_id=dec.bank_id,
            bump=dec.bump,
            customers=dec.customers,
            opening_total=dec.opening_total,
        )

    def to_json(self) -> SmallbankBankJSON:
        return {
            "authority": str(self.authority),
            "bank_id": self.bank_id,
            "bump": self.bump,
            "customers": self.customers,
            "opening_total": self.opening_total,
        }

    @classmethod
    def from_json(cls, obj: SmallbankBankJSON) -> "SmallbankBank":
        return cls(
            authority=Pubkey.from_string(obj["authority"]),
            bank_id=obj["bank_id"],
            bump=obj["bump"],
            customers=obj["customers"],
            opening_total=obj["opening_total"],
        )
