"""One GridTokenX platform bootstrapped for real on any :class:`~gridtokenx_cli.chain.Chain` backend.

:func:`bootstrap_platform` initialises the five programs in dependency order with the bootstrap key
(``keys/bootstrap-authority-keypair.json``, ``gridtokenx_common::BOOTSTRAP_AUTHORITY``):

1. governance  ``initialize_governance(rec_authority)``  -> GovernanceConfig
2. energy_token ``initialize_token()``                   -> TokenInfo + the GRX Token-2022 mint (PDAs; freeze
                                                          authority = governance's ``governance_authority`` PDA,
                                                          which needs no account, so the order is free)
3. registry    ``initialize_registry()``                 -> RegistryConfig
4. oracle      ``initialize_oracle(api_gateway)``        -> OracleConfig
5. trading     a Token-2022 quote mint (6 decimals), then the order-book account (system create_account, key
               derived from the bootstrap key) and ``initialize_market(fee_bps, 512, 1024)`` on the REAL GRX
               mint, in one transaction

It is idempotent: a step whose account already exists is skipped (and recorded as such in
``Platform.steps``), so ``gtx init`` can be run again against the same validator; on an existing market the
quote mint is read from the MarketState. Only ``Chain`` calls are used (send, get_account, airdrop, clock),
so it works on the embedded (LiteSVM) and the rpc backends alike.

Role keys: the REC authority (issues / validates ERCs and pays for them), the API gateway (relays meter
readings, pays for the oracle's per-meter state) and the quote mint are separate keys. Unless given, they are
derived deterministically from the bootstrap key (``sha256("gridtokenx/<role>/v1" || bootstrap secret)``), so
a second run finds the same keys without a key store — a localnet convenience; pass explicit keypairs for
anything else. The bootstrap key is the admin of every program and the quote mint authority (a faucet for
demos).

:class:`Platform` also carries the flow helpers the end-to-end test, ``gtx demo`` and the compute-unit
benchmark share (participants, meters, signed readings, settlement, ERCs, orders, pause). Instructions are
built with the hand-written helpers in ``gridtokenx_cli.clients`` (generated AnchorPy clients underneath);
trading instructions come from :class:`gridtokenx_cli.clients.trading.TradingBuilder`, and orders are planned
over the book fetched through the chain.
"""
from __future__ import annotations

import hashlib
import struct
from dataclasses import dataclass, field
from typing import Any, Iterable, Sequence

from solders.instruction import Instruction
from solders.keypair import Keypair
from solders.pubkey import Pubkey
from solders.system_program import TransferParams, transfer

from gridtokenx_cli.chain import Chain, TransactionRejected, TxOutcome
from gridtokenx_cli.clients import energy_token as et
from gridtokenx_cli.clients import governance as gov
from gridtokenx_cli.clients import oracle as orc
from gridtokenx_cli.clients import registry as reg
from gridtokenx_cli.clients import trading as tc
from gridtokenx_cli.generated.governance import instructions as gix
from gridtokenx_cli.generated.governance.accounts import ErcCertificate, GovernanceConfig
from gridtokenx_cli.generated.energy_token.accounts import TokenInfo
from gridtokenx_cli.generated.oracle.accounts import MeterState, OracleConfig
from gridtokenx_cli.generated.registry.accounts import MeterAccount, RegistryConfig, UserAccount
from gridtokenx_cli.generated.trading.accounts import MarketState

PROGRAMS = ("governance", "energy_token", "registry", "oracle", "trading")  # dependency order
DEFAULT_FEE_BPS = 25
QUOTE_DECIMALS = tc.QUOTE_DECIMALS
LAMPORTS_PER_SOL = 1_000_000_000
#: the bootstrap key is topped up to this (airdrop) when below MIN_BOOTSTRAP_LAMPORTS
BOOTSTRAP_AIRDROP = 100 * LAMPORTS_PER_SOL
MIN_BOOTSTRAP_LAMPORTS = 10 * LAMPORTS_PER_SOL
#: role keys (REC authority, API gateway) are funded from the bootstrap key to this when below half of it
ROLE_LAMPORTS = 2 * LAMPORTS_PER_SOL
MINT_SIZE = 82
#: Compute budget of one sync_grx_freeze transaction (``gov.SYNC_BATCH`` freeze/thaw CPIs plus the pause).
SYNC_CU_LIMIT = 400_000
#: Compute budget of an execute_batch_auction transaction (Platform.auction).
MATCH_CU_LIMIT = 1_400_000


def rent_exempt(size: int) -> int:
    """Rent-exempt minimum for ``size`` bytes with the default rent (3,480 lamports/byte-year, 2 years,
    128 bytes of account overhead), the same on every cluster."""
    return (128 + size) * 3_480 * 2


def derived_keypair(bootstrap: Keypair, role: str) -> Keypair:
    """Deterministic role key: ``sha256("gridtokenx/<role>/v1" || bootstrap secret)`` as an ed25519 seed."""
    return Keypair.from_seed(hashlib.sha256(f"gridtokenx/{role}/v1".encode() + bytes(bootstrap)[:32]).digest())


# ----------------------------------------------------------------------------- governance instructions
# (clients/governance.py has PDAs and LiteSVM fixtures only; these are the generated client with the PDAs filled in)


def ix_initialize_governance(authority: Pubkey, rec_authority: Pubkey) -> Instruction:
    return gix.initialize_governance({"rec_authority": rec_authority},
                                     {"authority": authority, "governance_config": gov.governance_config_pda()[0]})


def ix_emergency_pause(authority: Pubkey) -> Instruction:
    return gix.emergency_pause({"authority": authority, "governance_config": gov.governance_config_pda()[0]})


def ix_emergency_unpause(authority: Pubkey) -> Instruction:
    return gix.emergency_unpause({"authority": authority, "governance_config": gov.governance_config_pda()[0]})


def ix_issue_erc(rec_authority: Pubkey, cert_id: bytes, energy_amount: int, meter: Pubkey) -> Instruction:
    return gix.issue_erc({"certificate_id": list(cert_id), "energy_amount": energy_amount}, {
        "rec_authority": rec_authority, "governance_config": gov.governance_config_pda()[0], "meter": meter,
        "erc_certificate": gov.erc_certificate_pda(cert_id)[0],
        "governance_authority": gov.governance_authority_pda()[0], "registry_program": reg.PROGRAM_ID})


def ix_validate_erc(rec_authority: Pubkey, certificate: Pubkey) -> Instruction:
    return gix.validate_erc_for_trading({"rec_authority": rec_authority, "erc_certificate": certificate,
                                         "governance_config": gov.governance_config_pda()[0]})


def ix_transfer_erc(owner: Pubkey, certificate: Pubkey, new_owner: Pubkey) -> Instruction:
    return gix.transfer_erc({"new_owner": new_owner}, {"owner": owner, "erc_certificate": certificate,
                                                       "governance_config": gov.governance_config_pda()[0]})


def ix_revoke_erc(rec_authority: Pubkey, certificate: Pubkey) -> Instruction:
    return gix.revoke_erc({"rec_authority": rec_authority, "erc_certificate": certificate,
                           "governance_config": gov.governance_config_pda()[0]})


def ix_set_rec_authority(authority: Pubkey, new_rec_authority: Pubkey) -> Instruction:
    return gix.set_rec_authority({"new_rec_authority": new_rec_authority},
                                 {"authority": authority, "governance_config": gov.governance_config_pda()[0]})


def ix_governance_propose_authority_transfer(authority: Pubkey, new_authority: Pubkey) -> Instruction:
    return gix.propose_authority_transfer({"new_authority": new_authority},
                                          {"authority": authority, "governance_config": gov.governance_config_pda()[0]})


def ix_governance_accept_authority_transfer(authority: Pubkey) -> Instruction:
    return gix.accept_authority_transfer({"authority": authority, "governance_config": gov.governance_config_pda()[0]})


def ix_governance_cancel_authority_transfer(authority: Pubkey) -> Instruction:
    return gix.cancel_authority_transfer({"authority": authority, "governance_config": gov.governance_config_pda()[0]})


# ----------------------------------------------------------------------------- data


@dataclass
class Meter:
    """A registered meter: its text id, 32-byte id, registry MeterAccount address and ed25519 signing key."""

    text_id: str
    meter_id: bytes
    address: Pubkey
    key: Keypair
    owner: Pubkey


@dataclass
class Participant:
    """A registered user with GRX and quote token accounts."""

    keypair: Keypair
    user_type: str
    grx: Pubkey
    quote: Pubkey
    meters: dict[str, Meter] = field(default_factory=dict)

    @property
    def pubkey(self) -> Pubkey:
        return self.keypair.pubkey()


@dataclass
class Step:
    name: str
    created: bool  # False: the account already existed, nothing sent
    outcome: TxOutcome | None = None


@dataclass
class Platform:
    chain: Chain
    bootstrap: Keypair  # admin of every program, payer of the initialisation, quote mint authority
    rec_authority: Keypair
    api_gateway: Keypair
    program_ids: dict[str, Pubkey]
    governance_config: Pubkey
    token_info: Pubkey
    grx_mint: Pubkey
    registry_config: Pubkey
    oracle_config: Pubkey
    market: Pubkey
    escrow_authority: Pubkey
    grx_escrow: Pubkey
    quote_escrow: Pubkey
    book: Pubkey
    quote_mint: Pubkey
    quote_token_program: Pubkey = tc.TOKEN_2022_PROGRAM_ID
    fee_bps: int = DEFAULT_FEE_BPS
    steps: list[Step] = field(default_factory=list)
    participants: list[Participant] = field(default_factory=list)

    # ------------------------------------------------------------------ transport
    def send(self, ixs: Instruction | Sequence[Instruction], payer: Keypair | None = None,
             signers: Iterable[Keypair] = (), *, check: bool = True) -> TxOutcome:
        """``chain.send`` with the bootstrap key as default payer; ``check`` raises TransactionRejected."""
        return self.chain.send(ixs, payer or self.bootstrap, signers, check=check)

    def now(self) -> int:
        return self.chain.get_clock().unix_timestamp

    @property
    def trading(self) -> tc.TradingBuilder:
        """The builder of this market's trading instructions."""
        return tc.TradingBuilder(self.grx_mint, self.quote_mint, self.book, self.quote_token_program)

    # ------------------------------------------------------------------ accounts
    def _decode(self, address: Pubkey, cls):
        data = self.chain.account_data(address)
        return None if data is None else cls.decode(data)

    def fetch_governance_config(self) -> GovernanceConfig:
        return self._decode(self.governance_config, GovernanceConfig)

    def fetch_token_info(self) -> TokenInfo:
        return self._decode(self.token_info, TokenInfo)

    def fetch_registry_config(self) -> RegistryConfig:
        return self._decode(self.registry_config, RegistryConfig)

    def fetch_oracle_config(self) -> OracleConfig:
        return self._decode(self.oracle_config, OracleConfig)

    def fetch_market(self) -> MarketState:
        return self._decode(self.market, MarketState)

    def fetch_user(self, owner: Pubkey) -> UserAccount | None:
        return self._decode(reg.user_pda(owner)[0], UserAccount)

    def fetch_meter(self, meter: Meter | Pubkey) -> MeterAccount:
        return self._decode(meter.address if isinstance(meter, Meter) else meter, MeterAccount)

    def fetch_meter_state(self, meter: Meter) -> MeterState:
        return self._decode(orc.meter_state_pda(meter.meter_id)[0], MeterState)

    def fetch_erc(self, certificate: Pubkey) -> ErcCertificate:
        return self._decode(certificate, ErcCertificate)

    def fetch_book(self) -> tc.Book:
        data = self.chain.account_data(self.book)
        if data is None:
            raise RuntimeError(f"the market's order book {self.book} does not exist")
        return tc.decode_book(data)

    def token_balance(self, token_account: Pubkey) -> int:
        """``amount`` of an SPL / Token-2022 account (0 when it does not exist)."""
        data = self.chain.account_data(token_account)
        return 0 if data is None else struct.unpack_from("<Q", data, 64)[0]

    def mint_supply(self, mint: Pubkey | None = None) -> int:
        data = self.chain.account_data(mint or self.grx_mint)
        if data is None:
            raise RuntimeError(f"mint {mint or self.grx_mint} does not exist")
        return struct.unpack_from("<Q", data, 36)[0]

    # ------------------------------------------------------------------ lamports / tokens
    def fund(self, address: Pubkey, lamports: int) -> None:
        """Top ``address`` up to ``lamports`` with a transfer from the bootstrap key (works on any cluster)."""
        have = self.chain.get_balance(address)
        if have < lamports:
            self.send(transfer(TransferParams(from_pubkey=self.bootstrap.pubkey(), to_pubkey=address,
                                              lamports=lamports - have)))

    def new_keypair(self, lamports: int = ROLE_LAMPORTS) -> Keypair:
        kp = Keypair()
        self.fund(kp.pubkey(), lamports)
        return kp

    def create_grx_account(self, owner: Pubkey) -> Pubkey:
        self.send(et.ix_create_grx_ata(self.bootstrap.pubkey(), owner))
        return et.grx_ata(owner)

    def create_quote_account(self, owner: Pubkey) -> Pubkey:
        self.send(tc.ix_create_ata(self.bootstrap.pubkey(), owner, self.quote_mint, self.quote_token_program))
        return tc.associated_token_address(owner, self.quote_mint, self.quote_token_program)

    def mint_quote(self, destination: Pubkey, amount: int) -> None:
        """Quote faucet: the bootstrap key is the quote mint authority."""
        self.send(tc.ix_mint_to(self.quote_mint, destination, self.bootstrap.pubkey(), amount,
                                self.quote_token_program))

    # ------------------------------------------------------------------ participants / meters
    def register_participant(self, user_type: str = "Prosumer", keypair: Keypair | None = None, *,
                             quote: int = 0, lamports: int = ROLE_LAMPORTS) -> Participant:
        """A funded user registered in the registry (skipped if already registered), with GRX and quote
        token accounts; ``quote`` base units minted from the faucet."""
        kp = keypair or Keypair()
        self.fund(kp.pubkey(), lamports)
        if self.fetch_user(kp.pubkey()) is None:
            self.send(reg.ix_register_user(kp.pubkey(), user_type), kp)
        p = Participant(kp, user_type, self.create_grx_account(kp.pubkey()), self.create_quote_account(kp.pubkey()))
        if quote:
            self.mint_quote(p.quote, quote)
        self.participants.append(p)
        return p

    def register_meter(self, owner: Participant, text_id: str, meter_type: str = "Solar",
                       meter_key: Keypair | None = None, *, capacity_w: int = reg.DEFAULT_CAPACITY_W) -> Meter:
        """``register_meter`` with the meter's ed25519 key (which signs its proof of possession) and rated
        ``capacity_w`` (W), then the oracle's ``initialize_meter_state`` by the API gateway (each skipped if it
        exists)."""
        key = meter_key or Keypair()
        mid = reg.meter_id(text_id)
        address = reg.meter_pda(mid)[0]
        if self.chain.get_account(address) is None:
            self.send(reg.register_meter_ixs(owner.pubkey, mid, meter_type, key, capacity_w), owner.keypair)
        if self.chain.get_account(orc.meter_state_pda(mid)[0]) is None:
            self.send(orc.ix_initialize_meter_state(self.api_gateway.pubkey(), mid), self.api_gateway)
        meter = Meter(text_id, mid, address, key, owner.pubkey)
        owner.meters[text_id] = meter
        return meter

    # ------------------------------------------------------------------ flows
    def submit_reading(self, meter: Meter, energy_produced: int, energy_consumed: int,
                       reading_timestamp: int | None = None, *, check: bool = True) -> TxOutcome:
        """The meter signs the canonical message; the gateway sends ``[Ed25519 precompile,
        submit_meter_reading]``. A validation rejection succeeds (``ReadingRejected`` event)."""
        ts = self.now() if reading_timestamp is None else reading_timestamp
        ixs = orc.signed_reading_instructions(meter.key, self.api_gateway.pubkey(), meter.meter_id,
                                              energy_produced, energy_consumed, ts)
        return self.send(ixs, self.api_gateway, check=check)

    def settle(self, owner: Participant, meter: Meter, *, check: bool = True) -> TxOutcome:
        """``settle_and_mint_tokens``: GRX for the unsettled net generation into the owner's GRX account."""
        return self.send(reg.ix_settle_and_mint_tokens(owner.pubkey, meter.address, destination=owner.grx),
                         owner.keypair, check=check)

    def issue_erc(self, text_id: str, meter: Meter, energy_amount: int, *,
                  check: bool = True) -> tuple[Pubkey, TxOutcome]:
        cid = gov.certificate_id(text_id)
        out = self.send(ix_issue_erc(self.rec_authority.pubkey(), cid, energy_amount, meter.address),
                        self.rec_authority, check=check)
        return gov.erc_certificate_pda(cid)[0], out

    def validate_erc(self, certificate: Pubkey, *, check: bool = True) -> TxOutcome:
        return self.send(ix_validate_erc(self.rec_authority.pubkey(), certificate), self.rec_authority,
                         check=check)

    def place_order(self, trader: Participant, side: int, amount_wh: int, price: int, *,
                    certificate: Pubkey | None = None, order_type: int = tc.LIMIT,
                    match_limit: int = tc.DEFAULT_MATCH_LIMIT, check: bool = True) -> tuple[int, TxOutcome]:
        """One order from the trader's wallet (seat claimed and free balance topped up in the same
        transaction); returns its order id and the outcome."""
        book = self.fetch_book()
        ixs = self.trading.fund_and_place(
            book, trader.pubkey, side, price, amount_wh,
            token_account=trader.quote if side == tc.SIDE_BUY else trader.grx, certificate=certificate,
            order_type=order_type, match_limit=match_limit)
        return book.header.next_order_id, self.send(ixs, trader.keypair, check=check)

    def place_sell(self, seller: Participant, amount_wh: int, price: int, certificate: Pubkey, *,
                   check: bool = True, **kw: Any) -> tuple[int, TxOutcome]:
        return self.place_order(seller, tc.SIDE_SELL, amount_wh, price, certificate=certificate, check=check, **kw)

    def place_buy(self, buyer: Participant, amount_wh: int, price: int, *, check: bool = True,
                  **kw: Any) -> tuple[int, TxOutcome]:
        return self.place_order(buyer, tc.SIDE_BUY, amount_wh, price, check=check, **kw)

    def crank(self, max_pairs: int = 8, *, cranker: Keypair | None = None, check: bool = True) -> TxOutcome:
        """``match_orders``: the book decides every pair; only the certificates it will reach are passed."""
        m = cranker or self.bootstrap
        certs = tc.certs_for_crank(self.fetch_book(), max_pairs)
        return self.send(self.trading.ix_match(m.pubkey(), max_pairs, certs), m, check=check)

    def set_market_mode(self, mode: int, *, check: bool = True) -> TxOutcome:
        """``set_market_mode`` (``tc.MODE_CONTINUOUS`` / ``tc.MODE_AUCTION``); the bootstrap key is the admin."""
        return self.send(self.trading.ix_set_mode(self.bootstrap.pubkey(), mode), check=check)

    def auction(self, *, cranker: Keypair | None = None, check: bool = True) -> TxOutcome:
        """``execute_batch_auction`` over the whole book (auction mode), with the certificates of every ask it
        may reach, under a 1.4 M compute budget."""
        from solders.compute_budget import set_compute_unit_limit

        m = cranker or self.bootstrap
        certs = tc.certs_for_auction(self.fetch_book())
        return self.send([set_compute_unit_limit(MATCH_CU_LIMIT), self.trading.ix_auction(m.pubkey(), certs)], m,
                         check=check)

    def cancel(self, trader: Participant, order_id: int, *, check: bool = True) -> TxOutcome:
        """``cancel_order`` of a resting order of ``trader`` (an ask passes its certificate's ErcUsage)."""
        order = self.fetch_book().find(order_id)
        if order is None:
            raise ValueError(f"no resting order {order_id} in the book")
        cert = order.erc_certificate if order.side == tc.SIDE_SELL else None
        return self.send(self.trading.ix_cancel(trader.pubkey, order.trader_slot, order_id, cert), trader.keypair,
                         check=check)

    def seat(self, trader: Participant) -> tc.Seat | None:
        return self.fetch_book().seat_of(trader.pubkey)

    def withdraw(self, trader: Participant, *, grx: int | None = None, quote: int | None = None,
                 check: bool = True) -> TxOutcome | None:
        """``withdraw`` from the trader's seat to his wallet: ``grx`` / ``quote`` base units, or (neither given)
        every free balance. None when there is nothing to withdraw (no seat, or nothing free)."""
        seat = self.seat(trader)
        if seat is None:
            return None
        if grx is None and quote is None:
            grx, quote = seat.grx_free, seat.quote_free
        ixs = []
        if grx:
            ixs.append(self.trading.ix_withdraw(trader.pubkey, seat.slot, tc.ASSET_GRX, grx, trader.grx))
        if quote:
            ixs.append(self.trading.ix_withdraw(trader.pubkey, seat.slot, tc.ASSET_QUOTE, quote, trader.quote))
        return self.send(ixs, trader.keypair, check=check) if ixs else None

    def grx_accounts(self) -> list[Pubkey]:
        """GRX token accounts an emergency pause freezes: those the chain lists (``gov.grx_token_accounts``),
        the participants' and the market's GRX escrow — the ones that exist."""
        found = set(gov.grx_token_accounts(self.chain)) | {x.grx for x in self.participants} | {self.grx_escrow}
        return pause_targets(self.chain, found)

    def sync_grx_freeze(self, accounts: Sequence[Pubkey] | None = None, *, check: bool = True) -> list[TxOutcome]:
        """``governance::sync_grx_freeze`` over ``accounts`` (default: :meth:`grx_accounts`) in batches."""
        accounts = self.grx_accounts() if accounts is None else list(accounts)
        return [self.send(ixs, check=check) for ixs in sync_batches(accounts)]

    def pause(self, *, check: bool = True, freeze: bool = True) -> TxOutcome:
        """``emergency_pause``; with ``freeze`` the first batch of GRX accounts is frozen in the same
        transaction and the rest right after (:func:`pause_transactions`). Returns the pause's outcome."""
        return self._control(True, check, freeze)

    def unpause(self, *, check: bool = True, freeze: bool = True) -> TxOutcome:
        """``emergency_unpause``; with ``freeze`` the GRX accounts are thawed likewise."""
        return self._control(False, check, freeze)

    def _control(self, pause: bool, check: bool, freeze: bool) -> TxOutcome:
        txs = pause_transactions(self.bootstrap.pubkey(), pause, self.grx_accounts() if freeze else [])
        out = self.send(txs[0], check=check)
        if out.ok:
            for ixs in txs[1:]:
                self.send(ixs, check=check)
        return out

    def summary(self) -> dict[str, str]:
        """Addresses, for ``gtx init`` output."""
        keys = {"bootstrap": self.bootstrap.pubkey(), "rec_authority": self.rec_authority.pubkey(),
                "api_gateway": self.api_gateway.pubkey(), "governance_config": self.governance_config,
                "token_info": self.token_info, "grx_mint": self.grx_mint, "registry_config": self.registry_config,
                "oracle_config": self.oracle_config, "market": self.market, "quote_mint": self.quote_mint,
                "grx_escrow": self.grx_escrow, "quote_escrow": self.quote_escrow, "book": self.book}
        return {k: str(v) for k, v in keys.items()}


# ----------------------------------------------------------------------------- pause reaching GRX


def pause_targets(chain: Chain, candidates: Iterable[Pubkey]) -> list[Pubkey]:
    """The ``candidates`` that exist as GRX (Token-2022) token accounts, sorted."""
    mint = bytes(et.grx_mint_pda()[0])
    out = []
    for address in sorted(set(candidates), key=str):
        acc = chain.get_account(address)
        if acc is not None and acc.owner == tc.TOKEN_2022_PROGRAM_ID and bytes(acc.data)[:32] == mint \
                and gov._is_token_account(bytes(acc.data)):
            out.append(address)
    return out


def sync_batches(accounts: Sequence[Pubkey]) -> list[list[Instruction]]:
    """One ``sync_grx_freeze`` transaction per ``gov.SYNC_BATCH`` accounts (with a compute budget for them)."""
    from solders.compute_budget import set_compute_unit_limit

    return [[set_compute_unit_limit(SYNC_CU_LIMIT), gov.ix_sync_grx_freeze(list(accounts[i:i + gov.SYNC_BATCH]))]
            for i in range(0, len(accounts), gov.SYNC_BATCH)]


def pause_transactions(authority: Pubkey, pause: bool, accounts: Sequence[Pubkey]) -> list[list[Instruction]]:
    """The transactions of ``gtx governance pause`` / ``unpause``: ``emergency_pause`` (or ``_unpause``) with the
    first batch of ``sync_grx_freeze`` in one transaction (the flag and the first freezes land together), then
    one transaction per further batch. ``sync_grx_freeze`` is permissionless, so anyone can finish the job."""
    control = ix_emergency_pause(authority) if pause else ix_emergency_unpause(authority)
    batches = sync_batches(accounts)
    if not batches:
        return [[control]]
    first = [batches[0][0], control, batches[0][1]]
    return [first, *batches[1:]]


# ----------------------------------------------------------------------------- bootstrap


def _check_program(chain: Chain, name: str, program_id: Pubkey) -> None:
    acc = chain.get_account(program_id)
    if acc is None or not acc.executable:
        raise RuntimeError(f"program {name} is not deployed at {program_id}")


def bootstrap_platform(chain: Chain, *, bootstrap: Keypair | None = None, rec_authority: Keypair | None = None,
                       api_gateway: Keypair | None = None, quote_mint: Keypair | None = None,
                       fee_bps: int = DEFAULT_FEE_BPS, fund: bool = True,
                       order_capacity: int = tc.DEFAULT_ORDER_CAPACITY,
                       seat_capacity: int = tc.DEFAULT_SEAT_CAPACITY) -> Platform:
    """Initialise (or find) the platform on ``chain``; see the module docstring.

    Raises ``RuntimeError`` when a program is not deployed or when existing state names another REC
    authority / API gateway than the keys given (or derived), and ``TransactionRejected`` when an
    initialisation is rejected.
    """
    from gridtokenx_cli.chain.workspace import Workspace

    workspace = getattr(chain, "workspace", None) or Workspace.load()
    ids = {name: workspace.program_id(name) for name in PROGRAMS}
    for name, pid in ids.items():
        _check_program(chain, name, pid)
    expected = {"governance": gov.PROGRAM_ID, "energy_token": et.PROGRAM_ID, "registry": reg.PROGRAM_ID,
                "oracle": orc.PROGRAM_ID, "trading": tc.PROGRAM_ID}
    for name, pid in expected.items():
        if ids[name] != pid:
            raise RuntimeError(f"Anchor.toml gives {name} = {ids[name]}, the clients were generated for {pid}")

    boot = bootstrap or gov.bootstrap_keypair()
    rec = rec_authority or derived_keypair(boot, "rec-authority")
    gateway = api_gateway or derived_keypair(boot, "api-gateway")
    quote_kp = quote_mint or derived_keypair(boot, "quote-mint")
    book_kp = derived_keypair(boot, "trading-book")
    if fund and chain.get_balance(boot.pubkey()) < MIN_BOOTSTRAP_LAMPORTS:
        chain.airdrop(boot.pubkey(), BOOTSTRAP_AIRDROP)

    accts = tc.market_accounts()
    p = Platform(
        chain=chain, bootstrap=boot, rec_authority=rec, api_gateway=gateway, program_ids=ids,
        governance_config=gov.governance_config_pda()[0], token_info=et.token_info_pda()[0],
        grx_mint=et.grx_mint_pda()[0], registry_config=reg.registry_config_pda()[0],
        oracle_config=orc.oracle_config_pda()[0], market=accts["market"],
        escrow_authority=accts["escrow_authority"], grx_escrow=accts["grx_escrow"],
        quote_escrow=accts["quote_escrow"], book=book_kp.pubkey(), quote_mint=quote_kp.pubkey(),
        fee_bps=fee_bps)
    if fund:
        for kp in (rec, gateway):
            if chain.get_balance(kp.pubkey()) < ROLE_LAMPORTS // 2:
                p.fund(kp.pubkey(), ROLE_LAMPORTS)

    def step(name: str, address: Pubkey, ixs: Sequence[Instruction], signers: Sequence[Keypair] = ()) -> None:
        if chain.get_account(address) is not None:
            p.steps.append(Step(name, False))
            return
        p.steps.append(Step(name, True, p.send(ixs, boot, signers)))

    # 1. governance (every other program reads its GovernanceConfig)
    step("governance.initialize_governance", p.governance_config,
         [ix_initialize_governance(boot.pubkey(), rec.pubkey())])
    cfg = p.fetch_governance_config()
    if cfg.rec_authority != rec.pubkey():
        raise RuntimeError(f"GovernanceConfig names REC authority {cfg.rec_authority}, not {rec.pubkey()}: "
                           "pass the matching rec_authority keypair")
    # 2. energy_token: TokenInfo + GRX mint (both PDAs, one instruction)
    step("energy_token.initialize_token", p.token_info, [et.ix_initialize_token(boot.pubkey())])
    # 3. registry
    step("registry.initialize_registry", p.registry_config, [reg.ix_initialize_registry(boot.pubkey())])
    # 4. oracle
    step("oracle.initialize_oracle", p.oracle_config, [orc.ix_initialize_oracle(boot.pubkey(), gateway.pubkey())])
    ocfg = p.fetch_oracle_config()
    if ocfg.api_gateway != gateway.pubkey():
        raise RuntimeError(f"OracleConfig names API gateway {ocfg.api_gateway}, not {gateway.pubkey()}: "
                           "pass the matching api_gateway keypair")
    # 5. trading: quote mint (Token-2022, 6 decimals, bootstrap = mint authority), then the market
    market = p.fetch_market()
    if market is not None:
        p.quote_mint = market.quote_mint
        p.fee_bps = market.fee_bps
        quote_acc = chain.get_account(market.quote_mint)
        if quote_acc is None:
            raise RuntimeError(f"the market's quote mint {market.quote_mint} does not exist")
        p.quote_token_program = quote_acc.owner
        p.book = market.book
        p.steps.append(Step("trading.create_quote_mint", False))
        p.steps.append(Step("trading.initialize_market", False))
        return p
    step("trading.create_quote_mint", p.quote_mint,
         [tc.ix_create_account(boot.pubkey(), p.quote_mint, rent_exempt(MINT_SIZE), MINT_SIZE,
                               tc.TOKEN_2022_PROGRAM_ID),
          tc.ix_initialize_mint2(p.quote_mint, QUOTE_DECIMALS, boot.pubkey(), tc.TOKEN_2022_PROGRAM_ID)],
         [quote_kp])
    space = tc.book_space(order_capacity, seat_capacity)
    step("trading.initialize_market", p.market,
         [p.trading.ix_create_book(boot.pubkey(), p.book, rent_exempt(space), order_capacity, seat_capacity),
          p.trading.ix_initialize_market(boot.pubkey(), fee_bps, order_capacity, seat_capacity)], [book_kp])
    return p


__all__ = ["Meter", "Participant", "Platform", "Step", "TransactionRejected", "bootstrap_platform",
           "derived_keypair", "pause_targets", "pause_transactions", "rent_exempt", "sync_batches"]
