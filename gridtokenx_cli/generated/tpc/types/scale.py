from __future__ import annotations
import typing
from dataclasses import dataclass
from construct import Container
import borsh_construct as borsh


class ScaleJSON(typing.TypedDict):
    warehouses: int
    customers_per_district: int
    items: int
    brokerage_accounts: int
    lineitem_chunks: int


@dataclass
class Scale:
    layout: typing.ClassVar = borsh.CStruct(
        "warehouses" / borsh.U16,
        "customers_per_district" / borsh.U16,
        "items" / borsh.U32,
        "brokerage_accounts" / borsh.U16,
        "lineitem_chunks" / borsh.U16,
    )
    warehouses: int
    customers_per_district: int
    items: int
    brokerage_accounts: int
    lineitem_chunks: int

    @classmethod
    def from_decoded(cls, obj: Container) -> "Scale":
        return cls(
            warehouses=obj.warehouses,
            customers_per_district=obj.customers_per_district,
            items=obj.items,
            brokerage_accounts=obj.brokerage_accounts,
            lineitem_chunks=obj.lineitem_chunks,
        )

    def to_encodable(self) -> dict[str, typing.Any]:
        return {
            "warehouses": self.warehouses,
            "customers_per_district": self.customers_per_district,
            "items": self.items,
            "brokerage_accounts": self.brokerage_accounts,
            "lineitem_chunks": self.lineitem_chunks,
        }

    def to_json(self) -> ScaleJSON:
        return {
            "warehouses": self.warehouses,
            "customers_per_district": self.customers_per_district,
            "items": self.items,
            "brokerage_accounts": self.brokerage_accounts,
            "lineitem_chunks": self.lineitem_chunks,
        }

    @classmethod
    def from_json(cls, obj: ScaleJSON) -> "Scale":
        return cls(
            warehouses=obj["warehouses"],
            customers_per_district=obj["customers_per_district"],
            items=obj["items"],
            brokerage_accounts=obj["brokerage_accounts"],
            lineitem_chunks=obj["lineitem_chunks"],
        )
