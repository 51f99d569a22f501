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


class LimitOrderJSON(typing.TypedDict):
    market: str
    order_id: int
    owner: str
    side: types.order_side.OrderSideJSON
    status: types.order_status.OrderStatusJSON
    price: int
    amount_wh: int
    filled_wh: int
    escrow_remaining: int
    erc_certificate: str
    created_at: int
    bump: int


@dataclass
class LimitOrder:
    discriminator: typing.ClassVar = b"\x89\xb7\xd4[s\x1d\x8d\xe3"
    layout: typing.ClassVar = borsh.CStruct(
        "market" / BorshPubkey,
        "order_id" / borsh.U64,
        "owner" / BorshPubkey,
        "side" / types.order_side.layout,
        "status" / types.order_status.layout,
        "price" / borsh.U64,
        "amount_wh" / borsh.U64,
        "filled_wh" / borsh.U64,
        "escrow_remaining" / borsh.U64,
        "erc_certificate" / BorshPubkey,
        "created_at" / borsh.I64,
        "bump" / borsh.U8,
    )
    market: Pubkey
    order_id: int
    owner: Pubkey
    side: types.order_side.OrderSideKind
    status: types.order_status.OrderStatusKind
    price: int
    amount_wh: int
    filled_wh: int
    escrow_remaining: int
    erc_certificate: Pubkey
    created_at: int
    bump: int

    @classmethod
    async def fetch(
        cls,
        conn: AsyncClient,
        address: Pubkey,
        commitment: typing.Optional[Commitment] = None,
        program_id: Pubkey = PROGRAM_ID,
    ) -> typing.Optional["LimitOrder"]:
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
    ) -> typing.List[typing.Optional["LimitOrder"]]:
        infos = await get_multiple_accounts(conn, addresses, commitment=commitment)
        res: typing.List[typing.Optional["LimitOrder"]] = []
        for info in infos:
            if info is None:
                res.append(None)
                continue
            if info.account.owner != program_id:
                raise ValueError("Account does not belong to this program")
            res.append(cls.decode(info.account.data))
        return res

    @classmethod
    def decode(cls, data: bytes) -> "LimitOrder":
        if data[:ACCOUNT_DISCRIMINATOR_SIZE] != cls.discriminator:
            raise AccountInvalidDiscriminator(
                "The discriminator for this account is invalid"
            )
        dec = LimitOrder.layout.parse(data[ACCOUNT_DISCRIMINATOR_SIZE:])
        return cls(
            market=dec.market,
            order_id=dec.order_id,
            owner=dec.owner,
            side=types.order_side.from_decoded(dec.side),
            status=types.order_status.from_decoded(dec.status),
            price=dec.price,
            amount_wh=dec.amount_wh,
            filled_wh=dec.filled_wh,
            escrow_remaining=dec.escrow_remaining,
            erc_certificate=dec.erc_certificate,
            created_at=dec.created_at,
            bump=dec.bump,
        )

    def to_json(self) -> LimitOrderJSON:
        return {
            "market": str(self.market),
            "order_id": self.order_id,
            "owner": str(self.owner),
            "side": self.side.to_json(),
            "status": self.status.to_json(),
            "price": self.price,
            "amount_wh": self.amount_wh,
            "filled_wh": self.filled_wh,
            "escrow_remaining": self.escrow_remaining,
            "erc_certificate": str(self.erc_certificate),
            "created_at": self.created_at,
            "bump": self.bump,
        }

    @classmethod
    def from_json(cls, obj: LimitOrderJSON) -> "LimitOrder":
        return cls(
            market=Pubkey.from_string(obj["market"]),
            order_id=obj["order_id"],
            owner=Pubkey.from_string(obj["owner"]),
            side=types.order_side.from_json(obj["side"]),
            status=types.order_status.from_json(obj["status"]),
            price=obj["price"],
            amount_wh=obj["amount_wh"],
            filled_wh=obj["filled_wh"],
            escrow_remaining=obj["escrow_remaining"],
            erc_certificate=Pubkey.from_string(obj["erc_certificate"]),
            created_at=obj["created_at"],
            bump=obj["bump"],
        )
