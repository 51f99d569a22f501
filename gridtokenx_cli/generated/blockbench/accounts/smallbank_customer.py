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


class SmallbankCustomerJSON(typing.TypedDict):
    bank: str
    owner: str
    customer_id: int
    bump: int
    checking: int
    savings: int


@dataclass
class SmallbankCustomer:
    discriminator: typing.ClassVar = b"3\xc1Ey\xc6{t\xeb"
    layout: typing.ClassVar = borsh.CStruct(
        "bank" / BorshPubkey,
        "owner" / BorshPubkey,
        "customer_id" / borsh.U64,
        "bump" / borsh.U8,
        "checking" / borsh.I64,
        "savings" / borsh.I64,
    )
    bank: Pubkey
    owner: Pubkey
    customer_id: int
    bump: int
    checking: int
    savings: int

    @classmethod
    async def fetch(
        cls,
        conn: AsyncClient,
        address: Pubkey,
        commitment: typing.Optional[Commitment] = None,
        program_id: Pubkey = PROGRAM_ID,
    ) -> typing.Optional["SmallbankCustomer"]:
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
    ) -> typing.List[typing.Optional["SmallbankCustomer"]]:
        infos = await get_multiple_accounts(conn, addresses, commitment=commitment)
        res: typing.List[typing.Optional["SmallbankCustomer"]] = []
        for info in infos:
            if info is None:
                res.append(None)
                continue
            if info.account.owner != program_id:
                raise ValueError("Account does not belong to this program")
            res.append(cls.decode(info.account.data))
        return res

    @classmethod
    def decode(cls, data: bytes) -> "SmallbankCustomer":
        if data[:ACCOUNT_DISCRIMINATOR_SIZE] != cls.discriminator:
            raise AccountInvalidDiscriminator(
                "The discriminator for this account is invalid"
            )
        dec = SmallbankCustomer.layout.parse(data[ACCOUNT_DISCRIMINATOR_SIZE:])
        return cls(
            bank=dec.bank,
            owner=dec.owner,
            customer_id=dec.customer_id,
            bump=dec.bump,
            checking=dec.checking,
            savings=dec.savings,
        )

    def to_json(self) -> SmallbankCustomerJSON:
        return {
            "bank": str(self.bank),
            "owner": str(self.owner),
            "customer_id": self.customer_id,
            "bump": self.bump,
            "checking": self.checking,
            "savings": self.savings,
        }

    @classmethod
    def from_json(cls, obj: SmallbankCustomerJSON) -> "SmallbankCustomer":
        return cls(
            bank=Pubkey.from_string(obj["bank"]),
            owner=Pubkey.from_string(obj["owner"]),
            customer_id=obj["customer_id"],
            bump=obj["bump"],
            checking=obj["checking"],
            savings=obj["savings"],
        )
