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


class OrderBookJSON(typing.TypedDict):
    market: str
    order_capacity: int
    seat_capacity: int
    bid_count: int
    ask_count: int
    seat_count: int
    reserved: int
    next_order_id: int


@dataclass
class OrderBook:
    discriminator: typing.ClassVar = b"7\xe6}\xda\x95'A\xf8"
    layout: typing.ClassVar = borsh.CStruct(
        "market" / BorshPubkey,
        "order_capacity" / borsh.U32,
        "seat_capacity" / borsh.U32,
        "bid_count" / borsh.U32,
        "ask_count" / borsh.U32,
        "seat_count" / borsh.U32,
        "reserved" / borsh.U32,
        "next_order_id" / borsh.U64,
    )
    market: Pubkey
    order_capacity: int
    seat_capacity: int
    bid_count: int
    ask_count: int
    seat_count: int
    reserved: int
    next_order_id: int

    @classmethod
    async def fetch(
        cls,
        conn: AsyncClient,
        address: Pubkey,
        commitment: typing.Optional[Commitment] = None,
        program_id: Pubkey = PROGRAM_ID,
    ) -> typing.Optional["OrderBook"]:
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
    ) -> typing.List[typing.Optional["OrderBook"]]:
        infos = await get_multiple_accounts(conn, addresses, commitment=commitment)
        res: typing.List[typing.Optional["OrderBook"]] = []
        for info in infos:
            if info is None:
                res.append(None)
                continue
            if info.account.owner != program_id:
                raise ValueError("Account does not belong to this program")
            res.append(cls.decode(info.account.data))
        return res

    @classmethod
    def decode(cls, data: bytes) -> "OrderBook":
        if data[:ACCOUNT_DISCRIMINATOR_SIZE] != cls.discriminator:
            raise AccountInvalidDiscriminator(
                "The discriminator for this account is invalid"
            )
        dec = OrderBook.layout.parse(data[ACCOUNT_DISCRIMINATOR_SIZE:])
        return cls(
            market=dec.market,
            order_capacity=dec.order_capacity,
            seat_capacity=dec.seat_capacity,
            bid_count=dec.bid_count,
            ask_count=dec.ask_count,
            seat_count=dec.seat_count,
            reserved=dec.reserved,
            next_order_id=dec.next_order_id,
        )

    def to_json(self) -> OrderBookJSON:
        return {
            "market": str(self.market),
            "order_capacity": self.order_capacity,
            "seat_capacity": self.seat_capacity,
            "bid_count": self.bid_count,
            "ask_count": self.ask_count,
            "seat_count": self.seat_count,
            "reserved": self.reserved,
            "next_order_id": self.next_order_id,
        }

    @classmethod
    def from_json(cls, obj: OrderBookJSON) -> "OrderBook":
        return cls(
            market=Pubkey.from_string(obj["market"]),
            order_capacity=obj["order_capacity"],
            seat_capacity=obj["seat_capacity"],
            bid_count=obj["bid_count"],
            ask_count=obj["ask_count"],
            seat_count=obj["seat_count"],
            reserved=obj["reserved"],
            next_order_id=obj["next_order_id"],
        )
