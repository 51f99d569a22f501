"""What the TPC-C, TPC-E and TPC-H workloads share: the table layouts of programs/tpc (mirrors of state.rs), PDA
derivation, the load phase on chain (config, tables, bulk row images) and PostgreSQL connection handling.

Every table is one PDA account `[b"tpc", [kind], w_id u16, [d_id], chunk u16]` with a 16-byte header and raw
little-endian rows; offsets below are absolute (header included), as in state.rs.
"""
from __future__ import annotations

import functools
import struct
import threading

from solders.instruction import AccountMeta
from solders.keypair import Keypair
from solders.pubkey import Pubkey
from solders.system_program import ID as SYSTEM_PROGRAM_ID

from gridtokenx_cli.bench.onchain import outcome_result
from gridtokenx_cli.bench.postgres_server import PgConnections  # noqa: F401  (the TPC executors use tc.PgConnections)
from gridtokenx_cli.bench.workload_api import OpResult
from gridtokenx_cli.generated.tpc import instructions as tix
from gridtokenx_cli.generated.tpc import types as ttypes
from gridtokenx_cli.generated.tpc.program_id import PROGRAM_ID

from ._onchain import ChainExecutor

PROGRAM_NAME = "tpc"
CONFIG_SEED = b"tpc-config"
TABLE_SEED = b"tpc"
MAGIC = b"GTX-TPC"
HEADER_LEN = 16

K_WAREHOUSE, K_DISTRICT, K_CUSTOMER, K_ITEM, K_STOCK = 1, 2, 3, 4, 5
K_MARKET, K_BROKERAGE, K_TRADES = 20, 21, 22
K_LINEITEM = 30

DISTRICTS = 10
MAX_LINES = 15
CHUNK_ROWS = 768
# warehouse
WH_TAX, WH_YTD, WH_HIST_COUNT, WH_HIST, HIST_RING, HIST_LEN = 16, 24, 32, 40, 128, 24
# district and its order ring
D_TAX, D_YTD, D_NEXT_O_ID, D_NO_HEAD, D_ORDERS = 16, 24, 32, 36, 40
ORDER_RING, ORDER_LEN, O_LINES, LINE_LEN = 64, 144, 24, 8
# customer table
C_ROWS, CUST_LEN, INDEX_ENTRY = 24, 36, 4
ITEM_LEN, STOCK_LEN = 8, 12
# TPC-E
SECURITIES, SEC_LEN, MK_ROWS = 32, 24, 16
ACCOUNTS_PER_CHUNK, ACCOUNTS_PER_CUSTOMER = 64, 4
ACCT_LEN = 8 + 4 * SECURITIES
TR_NEXT, TR_HEAD, TR_RING_OFF, TRADE_RING, TRADE_LEN = 16, 24, 32, 256, 24
# TPC-H
LI_COUNT, LI_ROWS, LINEITEMS_PER_CHUNK, LI_LEN = 16, 24, 600, 16

#: what `initialize` fixes for the whole chain (one TPC-C scale per chain; TPC-E/H use their own tables)
MAX_BROKERAGE_ACCOUNTS = 1024
LOAD_PIECE = 760  # bytes of row image per load_rows transaction (keeps the transaction under 1232 bytes)


def table_len(kind: int, customers: int) -> int:
    return {
        K_WAREHOUSE: WH_HIST + HIST_RING * HIST_LEN,
        K_DISTRICT: D_ORDERS + ORDER_RING * ORDER_LEN,
        K_CUSTOMER: C_ROWS + customers * (CUST_LEN + INDEX_ENTRY),
        K_ITEM: HEADER_LEN + CHUNK_ROWS * ITEM_LEN,
        K_STOCK: HEADER_LEN + CHUNK_ROWS * STOCK_LEN,
        K_MARKET: MK_ROWS + SECURITIES * SEC_LEN,
        K_BROKERAGE: HEADER_LEN + ACCOUNTS_PER_CHUNK * ACCT_LEN,
        K_TRADES: TR_RING_OFF + TRADE_RING * TRADE_LEN,
        K_LINEITEM: LI_ROWS + LINEITEMS_PER_CHUNK * LI_LEN,
    }[kind]


@functools.lru_cache(maxsize=None)
def config_pda() -> Pubkey:
    return Pubkey.find_program_address([CONFIG_SEED], PROGRAM_ID)[0]


@functools.lru_cache(maxsize=None)
def table_pda(kind: int, w_id: int = 0, d_id: int = 0, chunk: int = 0) -> Pubkey:
    return Pubkey.find_program_address(
        [TABLE_SEED, bytes([kind]), struct.pack("<H", w_id), bytes([d_id]), struct.pack("<H", chunk)], PROGRAM_ID)[0]


def meta(address: Pubkey, writable: bool) -> AccountMeta:
    return AccountMeta(address, is_signer=False, is_writable=writable)


def u16(d: bytes, o: int) -> int:
    return struct.unpack_from("<H", d, o)[0]


def u32(d: bytes, o: int) -> int:
    return struct.unpack_from("<I", d, o)[0]


def i32(d: bytes, o: int) -> int:
    return struct.unpack_from("<i", d, o)[0]


def u64(d: bytes, o: int) -> int:
    return struct.unpack_from("<Q", d, o)[0]


def i64(d: bytes, o: int) -> int:
    return struct.unpack_from("<q", d, o)[0]


def tpc_scale(warehouses: int = 1, customers_per_district: int = 60, items: int = 1000):
    return ttypes.Scale(warehouses=warehouses, customers_per_district=customers_per_district, items=items,
                        brokerage_accounts=MAX_BROKERAGE_ACCOUNTS, lineitem_chunks=0)


def decode_config(raw: bytes) -> dict:
    """TpcConfig (state.rs): discriminator, authority, Scale, sealed, bump. Decoded by hand because borsh's
    container would shadow the `items` field with its dict method."""
    w, c, items, accounts, chunks, sealed, bump = struct.unpack_from("<HHIHHBB", raw, 40)
    return {"authority": Pubkey.from_bytes(raw[8:40]), "warehouses": w, "customers_per_district": c,
            "items": items, "brokerage_accounts": accounts, "lineitem_chunks": chunks, "sealed": bool(sealed),
            "bump": bump}


def bootstrap_keypair() -> Keypair:
    from gridtokenx_cli.clients import governance as gov

    return gov.bootstrap_keypair()


class TpcChainExecutor(ChainExecutor):
    """Load-phase plumbing on programs/tpc: the config (bound to the bootstrap key) and table creation/images."""

    def __init__(self, chain, authority: Keypair | None = None):
        super().__init__(chain)
        self.authority = authority or bootstrap_keypair()
        self._load_lock = threading.Lock()

    def account(self, address: Pubkey) -> bytes | None:
        return self.thread_chain().account_data(address)

    def ensure_config(self, scale) -> dict:
        """Initialise the config with `scale` unless it exists; an existing config must have the same TPC-C scale."""
        self.fund(self.authority.pubkey(), 50 * 10**9)
        raw = self.account(config_pda())
        if raw is None:
            self.send_setup([tix.initialize({"scale": scale}, {"authority": self.authority.pubkey(),
                                                               "config": config_pda(),
                                                               "system_program": SYSTEM_PROGRAM_ID})],
                            [self.authority])
            raw = self.account(config_pda())
        have = decode_config(raw)
        if (have["warehouses"], have["customers_per_district"], have["items"]) != (
                scale.warehouses, scale.customers_per_district, scale.items):
            raise ValueError(f"this chain's tpc config has warehouses={have['warehouses']}, "
                             f"customers_per_district={have['customers_per_district']}, items={have['items']}; "
                             f"use that scale or a fresh chain")
        return have

    def create_table(self, kind: int, w_id: int = 0, d_id: int = 0, chunk: int = 0,
                     image: bytes | None = None) -> bool:
        """Create the table and write `image` unless it exists already; returns whether it was created."""
        return bool(self.create_tables([(kind, w_id, d_id, chunk, image)]))

    def create_tables(self, specs, parallel: int = 8) -> set:
        """Create the tables `specs` = [(kind, w_id, d_id, chunk, image | None)] that do not exist yet and write
        their images (full account bytes; the header part is ignored and all-zero pieces are skipped, the account
        starts zeroed). Returns the (kind, w_id, d_id, chunk) keys created. On rpc the independent load
        transactions go `parallel` at a time (each confirmation takes a slot or more); embedded sends in order."""
        from concurrent.futures import ThreadPoolExecutor

        boot = self.authority.pubkey()
        missing = [spec for spec in specs if self.account(table_pda(*spec[:4])) is None]
        creates, loads = [], []
        for kind, w_id, d_id, chunk, image in missing:
            address = table_pda(kind, w_id, d_id, chunk)
            creates.append(tix.create_table({"kind": kind, "w_id": w_id, "d_id": d_id, "chunk": chunk},
                                            {"authority": boot, "config": config_pda(), "table": address,
                                             "system_program": SYSTEM_PROGRAM_ID}))
            body = (image or b"")[HEADER_LEN:]
            for start in range(0, len(body), LOAD_PIECE):
                piece = body[start:start + LOAD_PIECE]
                if any(piece):
                    loads.append(tix.load_rows({"offset": start, "bytes": piece},
                                               {"authority": boot, "config": config_pda(), "table": address}))

        def send(ix) -> None:
            self.send_setup([ix], [self.authority])

        for phase in (creates, loads):  # every table exists before any row image is written
            if self._embedded or parallel <= 1:
                for ix in phase:
                    send(ix)
            else:
                with ThreadPoolExecutor(parallel) as pool:
                    list(pool.map(send, phase))
        return {tuple(spec[:4]) for spec in missing}

    def sign_ix(self, kind: str, ix, seq: int, cu_limit: int, event: str, expected_errors=(),
                signers=()):
        def finish(outcome, started, ended):
            return outcome_result(outcome, event, expected_errors)

        return self.sign(kind, [ix], list(signers), seq, cu_limit, finish)


def run_sql_transaction(conns: PgConnections, body, retries: int = 8) -> OpResult:
    """Run `body(conn) -> OpResult` in one transaction; deadlocks and serialization failures are retried (the
    request is then still one logical transaction), other database errors end it with their class name."""
    import psycopg

    conn = conns.get()
    for attempt in range(retries):
        try:
            with conn.transaction():
                return body(conn)
        except (psycopg.errors.DeadlockDetected, psycopg.errors.SerializationFailure):
            if attempt == retries - 1:
                return OpResult(False, error="DeadlockDetected")
        except _Rollback as rb:
            return rb.result
        except psycopg.Error as e:
            return OpResult(False, error=type(e).__name__)
    return OpResult(False, error="DeadlockDetected")


class _Rollback(Exception):
    """Raised inside a SQL transaction body to roll it back and report `result`."""

    def __init__(self, result: OpResult):
        super().__init__(result.error)
        self.result = result


def rollback(result: OpResult) -> None:
    raise _Rollback(result)
