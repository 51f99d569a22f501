"""The community simulation on the embedded chain: every action is a real transaction in LiteSVM.

Per 15-minute interval (the LiteSVM clock is set to the interval's end, ``T0 + (i + 1) × 900``):

1. (middle interval only) ``emergency_pause`` and ``sync_grx_freeze`` (every GRX account frozen), one buy order
   rejected with ``SystemPaused`` and one raw Token-2022 transfer rejected (frozen account), ``emergency_unpause``
   and ``sync_grx_freeze`` (thawed)
2. the scheduled deliberately bad readings (meter-signed unless forged), recorded as rejected by the oracle
3. every meter's honest reading, signed by its meter key, relayed by the API gateway (Ed25519 precompile)
4. ``settle_and_mint_tokens`` for every prosumer whose net generation grew (GRX = Wh × 1,000,000)
5. hourly: ``issue_erc`` from each prosumer meter's unclaimed generation, then ``validate_erc_for_trading``
6. orders on the market's order book, which runs in auction mode (``set_market_mode(Auction)`` once after the
   bootstrap, so orders only rest): buy orders first (consumers are topped up from the quote mint faucet), then
   sell orders backed by a validated ERC; each one transaction of claim_seat (first time) + deposit of what the
   seat lacks + place. Prices are on the market's 0.001 quote/kWh tick.
7. ``execute_batch_auction`` over the whole book: one uniform price per 15-minute interval (≤ 128 fills per
   call; called again while the book still crosses). The certificates of every crossing ask go in one legacy
   transaction (≤ 1,232 bytes), so an ask whose certificate would not fit is deferred to the next interval.
8. ``cancel_order`` (by order id) for what is left (locked tokens and ERC commitment return to their owners),
   then ``withdraw`` of every seat's free balance (the proceeds, the bought GRX, the refunds) to the wallets

Keys are derived from the seed, so addresses, PDAs (and their bumps, hence compute units) and every figure of
the report are the same for the same seed. No wall clock enters the results.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from typing import Callable

from solders.compute_budget import set_compute_unit_limit
from solders.hash import Hash
from solders.keypair import Keypair
from solders.message import Message
from solders.pubkey import Pubkey
from solders.transaction import Transaction

from gridtokenx_cli.chain import TxOutcome
from gridtokenx_cli.clients import energy_token as et
from gridtokenx_cli.clients import oracle as orc
from gridtokenx_cli.clients import trading as tc
from gridtokenx_cli.platform import (PROGRAMS, Meter, Participant, bootstrap_platform)

from .profiles import INTERVAL_SECONDS, INTERVALS_PER_HOUR, MeterProfile, community, rng_for

T0 = 1_704_067_200  # 2024-01-01 00:00:00 UTC: the simulated day (fixed: no wall clock)
QUOTE = 10**6  # one quote token (6 decimals)
GRX_PER_WH = et.GRX_PER_WH


def raw_grx_transfer(owner: Participant, destination: Pubkey, amount: int):
    """Token-2022 ``transfer_checked`` of GRX straight from ``owner``'s account (bypassing our programs)."""
    import struct

    from solders.instruction import AccountMeta, Instruction

    return Instruction(tc.TOKEN_2022_PROGRAM_ID, bytes([12]) + struct.pack("<QB", amount, et.GRX_DECIMALS), [
        AccountMeta(owner.grx, False, True), AccountMeta(et.grx_mint_pda()[0], False, False),
        AccountMeta(destination, False, True), AccountMeta(owner.pubkey, True, False)])


PACKET_DATA_SIZE = 1_232  # a legacy transaction must fit one packet
AUCTION_CU_LIMIT = 1_400_000
MAX_ROUNDS = 12  # auction calls per interval (each clears up to tc.MAX_AUCTION_FILLS pairs)
CONSUMER_FAUCET = 100 * QUOTE
DEVIATION_PERCENT = 200  # solar ramps: the community's oracle allows ±200 % between quarter-hours
BAD_READINGS = ("FutureTimestamp", "Backdated", "RateLimited", "OutOfRange", "RatioExceeded",
                "ExcessiveDeviation", "CapacityExceeded", "SignerKeyMismatch")


def meter_capacity_w(prof) -> int:
    """The rated capacity (W) a household's meter is registered with: the larger of its solar array and its
    base + peak load, plus 25 % headroom (the profiles add up to +8 % noise to solar and +10 % to load), rounded up
    to 500 W. So 3-8 kW arrays get 3.75-10 kW meters and consumers 1.5-3.75 kW."""
    rated = max(prof.capacity_w, prof.base_w + prof.peak_w) * 125 // 100
    return -(-rated // 500) * 500


@dataclass(frozen=True)
class DemoConfig:
    meters: int = 20
    hours: int = 24
    seed: int = 1
    start_hour: int = 8  # 08:00: short runs already see net generation and trades

    @property
    def intervals(self) -> int:
        return self.hours * INTERVALS_PER_HOUR


@dataclass
class Household:
    index: int
    profile: MeterProfile
    participant: Participant
    meter: Meter
    ask_base: int
    bid_base: int
    cum_gen: int = 0
    cum_cons: int = 0
    settled: int = 0
    claimed: int = 0
    certs: list[list] = field(default_factory=list)  # [certificate, energy, committed]

    @property
    def prosumer(self) -> bool:
        return self.profile.capacity_w > 0


def on_tick(price: int) -> int:
    """A simulated price (micro-quote per kWh) rounded to the market's tick (at least one tick)."""
    return max(tc.PRICE_TICK, (price + tc.PRICE_TICK // 2) // tc.PRICE_TICK * tc.PRICE_TICK)


@dataclass
class OpenOrder:
    order_id: int
    side: int
    price: int
    amount_wh: int
    household: Household
    cert: list | None = None


def _kp(seed: int, *parts: object) -> Keypair:
    return Keypair.from_seed(hashlib.sha256("/".join(map(str, ("gtx-demo", seed, *parts))).encode()).digest())


def _reason(value: object) -> str:
    """``RejectReason.Backdated()`` (an AnchorPy sum type) -> ``Backdated``."""
    name = type(value).__name__
    if name not in ("str", "dict"):
        return name
    m = re.findall(r"[A-Z][A-Za-z]+", str(value))
    return m[-1] if m else str(value)


def _hhmm(t: int) -> str:
    s = (t - T0) % 86_400
    day = (t - T0) // 86_400
    return f"{'+' + str(day) + 'd ' if day else ''}{s // 3600:02d}:{s % 3600 // 60:02d}"


class Simulation:
    def __init__(self, cfg: DemoConfig, progress: Callable[[int, dict], None] | None = None):
        from gridtokenx_cli.chain.embedded import EmbeddedChain

        self.cfg = cfg
        self.progress = progress
        self.chain = EmbeddedChain(programs=list(PROGRAMS))
        self.chain.set_unix_timestamp(T0 + cfg.start_hour * 3600)
        self.cu: dict[str, list[int]] = {}
        self.rejected_readings: dict[str, int] = {}
        self.rejected_orders: list[dict] = []
        self.failures: list[dict] = []
        self.intervals: list[dict] = []
        self.minted = 0
        self.ercs_issued = 0
        self.erc_energy = 0
        self.produced = self.consumed = self.traded = 0
        self.quote_traded = self.fees = 0
        self.pause_record: dict = {}

    # ------------------------------------------------------------------ helpers
    def _record(self, name: str, out: TxOutcome, *, expect_ok: bool = True) -> TxOutcome:
        if out.ok:
            self.cu.setdefault(name, []).append(out.compute_units)
        elif expect_ok:
            err = out.error
            self.failures.append({"instruction": name, "error": err.name if err else str(out.raw_error)})
        return out

    @property
    def now(self) -> int:
        return self.chain.get_clock().unix_timestamp

    # ------------------------------------------------------------------ setup
    def setup(self) -> None:
        cfg = self.cfg
        p = self.platform = bootstrap_platform(self.chain)
        for step in p.steps:
            if step.outcome is not None:
                self._record(step.name.split(".", 1)[1], step.outcome)
        lamports = 1_000_000_000
        self.chain.airdrop(p.bootstrap.pubkey(), (10 + 3 * cfg.meters) * lamports)
        self.chain.airdrop(p.api_gateway.pubkey(), (2 + cfg.meters // 4) * lamports)
        self.chain.airdrop(p.rec_authority.pubkey(), (2 + cfg.meters * cfg.hours // 100) * lamports)
        self._record("update_oracle_config", p.send(orc.ix_update_oracle_config(
            p.bootstrap.pubkey(), orc.params(p.api_gateway.pubkey(), max_deviation_percent=DEVIATION_PERCENT))))
        # the market clears by uniform-price auctions: orders only rest until execute_batch_auction
        self._record("set_market_mode", p.set_market_mode(tc.MODE_AUCTION, check=False))
        self.max_auction_certs = self._max_auction_certs()
        self.households: list[Household] = []
        for i, prof in enumerate(community(cfg.seed, cfg.meters)):
            kind = "Prosumer" if prof.capacity_w else "Consumer"
            part = p.register_participant(kind, _kp(cfg.seed, "user", i),
                                          quote=0 if prof.capacity_w else CONSUMER_FAUCET)
            meter = p.register_meter(part, f"D{cfg.seed % 10**6}-M{i:05d}", "Solar" if prof.capacity_w else "Grid",
                                     _kp(cfg.seed, "meter", i), capacity_w=meter_capacity_w(prof))
            r = rng_for(cfg.seed, "prices", i)
            # micro-quote per kWh: asks 2.80-3.60, bids 3.20-4.40 quote tokens per kWh
            self.households.append(Household(i, prof, part, meter, r.randrange(2_800_000, 3_600_001, 10_000),
                                             r.randrange(3_200_000, 4_400_001, 10_000)))
        self.prosumers = [h for h in self.households if h.prosumer]
        self.consumers = [h for h in self.households if not h.prosumer]
        self._schedule_bad_readings()

    def _schedule_bad_readings(self) -> None:
        """One bad reading of each kind at a seeded interval ≥ 1 (an accepted reading exists before it)."""
        cfg, n = self.cfg, self.cfg.intervals
        r = rng_for(cfg.seed, "bad-readings")
        self.bad: dict[int, list[tuple[str, Household]]] = {}
        if n < 2:
            return
        for reason in BAD_READINGS:
            if reason == "ExcessiveDeviation":
                # needs a prosumer whose previous accepted reading produced something
                cands = [(i, h) for i in range(1, n) for h in self.prosumers
                         if h.profile.reading(self.slot(i - 1))[0] > 0]
                if not cands:
                    continue
                i, h = cands[r.randrange(len(cands))]
            else:
                i, h = r.randrange(1, n), self.households[r.randrange(len(self.households))]
            self.bad.setdefault(i, []).append((reason, h))

    def slot(self, i: int) -> int:
        return self.cfg.start_hour * INTERVALS_PER_HOUR + i

    # ------------------------------------------------------------------ readings
    def _submit_bad(self, reason: str, h: Household, ts: int, prev_produced: int) -> None:
        p, m = self.platform, h.meter
        if reason == "SignerKeyMismatch":  # signed by a key that is not the meter's: the transaction fails
            ixs = orc.signed_reading_instructions(_kp(self.cfg.seed, "forger"), p.api_gateway.pubkey(),
                                                  m.meter_id, 100, 100, ts)
            out = p.send(ixs, p.api_gateway, check=False)
            got = out.error.name if (not out.ok and out.error) else ("accepted" if out.ok else str(out.raw_error))
        else:
            last = ts - INTERVAL_SECONDS
            deviating = prev_produced * 3 + 10
            if reason == "ExcessiveDeviation":
                # more than +200 % AND more than the oracle's floor (a share of the meter's capacity bound for
                # the interval), so it is a deviation whatever the previous value was
                ocfg, cap = p.fetch_oracle_config(), p.fetch_meter(m).capacity_w
                ceiling = ocfg.type_ceiling_w[orc.METER_TYPES.index("Solar" if h.prosumer else "Grid")]
                bound = orc.capacity_bound_wh(cap, ceiling, INTERVAL_SECONDS, ocfg.capacity_margin_percent)
                deviating = max(deviating, prev_produced + (bound + 1) * ocfg.deviation_floor_percent // 100 + 2)
            produced, consumed, rts = {
                "FutureTimestamp": (100, 100, ts + 3_600),
                "Backdated": (100, 100, last),
                "RateLimited": (100, 100, last + 30),
                "OutOfRange": (2_000_000_000, 100, ts),
                "RatioExceeded": (1_200, 100, ts),
                "ExcessiveDeviation": (deviating, deviating, ts),
                "CapacityExceeded": (0, 900_000_000, ts),  # 900 MWh in a quarter-hour, within the range
            }[reason]
            out = p.submit_reading(m, produced, consumed, rts, check=False)
            self._record("submit_meter_reading (rejected reading)", out)
            ev = [e for e in out.events if e.name == "ReadingRejected"]
            got = _reason(ev[-1].data["reason"]) if ev else ("accepted" if out.ok else "tx failed")
        if got != reason:
            self.failures.append({"instruction": f"bad reading {reason}", "error": f"got {got}"})
        self.rejected_readings[got] = self.rejected_readings.get(got, 0) + 1

    def _readings(self, i: int, ts: int) -> tuple[int, int]:
        p = self.platform
        prev = {h.index: h.profile.reading(self.slot(i - 1))[0] for h in self.households}
        for reason, h in self.bad.get(i, []):
            self._submit_bad(reason, h, ts, prev[h.index])
        produced = consumed = 0
        for h in self.households:
            g, c = h.profile.reading(self.slot(i))
            out = self._record("submit_meter_reading", p.submit_reading(h.meter, g, c, ts, check=False))
            if out.ok and not any(e.name == "ReadingRejected" for e in out.events):
                h.cum_gen += g
                h.cum_cons += c
                produced += g
                consumed += c
            elif out.ok:
                self.failures.append({"instruction": "submit_meter_reading",
                                      "error": "honest reading rejected: "
                                               f"{_reason(out.event('ReadingRejected').data['reason'])}"})
        return produced, consumed

    # ------------------------------------------------------------------ settlement and ERCs
    def _settle(self) -> None:
        p = self.platform
        for h in self.prosumers:
            if h.cum_gen - h.cum_cons > h.settled:
                out = self._record("settle_and_mint_tokens", p.settle(h.participant, h.meter, check=False))
                if out.ok:
                    ev = out.event("MeterSettled").data
                    self.minted += ev["tokens_minted"]
                    h.settled = ev["settled_net_generation"]

    def _issue_ercs(self, i: int) -> None:
        p = self.platform
        for h in self.prosumers:
            unclaimed = h.cum_gen - h.claimed
            if unclaimed <= 0:
                continue
            cert, out = p.issue_erc(f"E{self.cfg.seed % 10**6}-{i}-{h.index}", h.meter, unclaimed, check=False)
            if not self._record("issue_erc", out).ok:
                continue
            h.claimed += unclaimed
            if self._record("validate_erc_for_trading", p.validate_erc(cert, check=False)).ok:
                h.certs.append([cert, unclaimed, 0])
                self.ercs_issued += 1
                self.erc_energy += unclaimed

    # ------------------------------------------------------------------ orders
    def _place_orders(self, i: int) -> tuple[list[OpenOrder], int]:
        """Bids, then asks (each one transaction from the wallet); returns the orders and the asks deferred."""
        p, book = self.platform, []
        r = rng_for(self.cfg.seed, "order-noise", i)
        asks = []
        for h in self.prosumers:  # the noise is drawn in the same order as ever, so prices do not move
            grx_wh = p.token_balance(h.participant.grx) // GRX_PER_WH
            free = [c for c in h.certs if c[1] > c[2]]
            if grx_wh <= 0 or not free:
                continue
            cert = max(free, key=lambda c: c[1] - c[2])
            asks.append((h, cert, min(grx_wh, cert[1] - cert[2]),
                         on_tick(h.ask_base + r.randrange(-100_000, 100_001, 10_000))))
        for h in self.consumers:
            amount = h.profile.reading(self.slot(i))[1]
            price = on_tick(h.bid_base + r.randrange(-100_000, 100_001, 10_000))
            need = tc.quote_for(amount, price)
            if p.token_balance(h.participant.quote) < need:
                p.mint_quote(h.participant.quote, max(CONSUMER_FAUCET, need))
            order, out = p.place_buy(h.participant, amount, price, check=False)
            if self._record("place_buy_order", out).ok:
                book.append(OpenOrder(order, tc.SIDE_BUY, price, amount, h))
        best_bid = max((o.price for o in book), default=0)
        crossing_certs: set = set()
        deferred = 0
        if asks:  # a different seller goes first each interval, so no one is always the one deferred
            asks = asks[i % len(asks):] + asks[:i % len(asks)]
        for h, cert, amount, price in asks:
            if price <= best_bid and cert[0] not in crossing_certs:
                if len(crossing_certs) >= self.max_auction_certs:
                    deferred += 1  # its certificate would not fit the auction's transaction: next interval
                    continue
                crossing_certs.add(cert[0])
            order, out = p.place_sell(h.participant, amount, price, cert[0], check=False)
            if self._record("place_sell_order", out).ok:
                cert[2] += amount
                book.append(OpenOrder(order, tc.SIDE_SELL, price, amount, h, cert))
        return book, deferred

    def _tx_size(self, ixs) -> int:
        msg = Message.new_with_blockhash(ixs, self.platform.bootstrap.pubkey(), Hash.default())
        return len(bytes(Transaction.new_unsigned(msg)))

    def _max_auction_certs(self) -> int:
        """How many ERC certificates an execute_batch_auction transaction can carry in one packet."""
        p, n = self.platform, 0
        while self._tx_size([set_compute_unit_limit(AUCTION_CU_LIMIT), p.trading.ix_auction(
                p.bootstrap.pubkey(), [Pubkey.new_unique() for _ in range(n + 1)])]) <= PACKET_DATA_SIZE:
            n += 1
        return n

    def _auctions(self, orders: list[OpenOrder]) -> list[dict]:
        """Uniform-price auctions over the whole book while it crosses; then the leftovers are cancelled and every
        seat's free balance is withdrawn."""
        p, rounds = self.platform, []
        for _ in range(MAX_ROUNDS):
            book = p.fetch_book()
            if not book.bids or not book.asks or book.bids[0].price < book.asks[0].price:
                break
            min_ask, max_bid = book.asks[0].price, book.bids[0].price
            out = self._record("execute_batch_auction", p.auction(check=False))
            if not out.ok:
                break
            ev = out.event("BatchAuctionExecuted").data
            rounds.append({"price": ev["clearing_price"], "volume_wh": ev["volume_wh"], "orders": ev["orders"],
                           "fills": len(ev["fills"]), "quote_volume": ev["quote_volume"], "fees": ev["fees"],
                           "min_ask": min_ask, "max_bid": max_bid})
        # cancel what is left (locked tokens back to the seat; a sell's unfilled energy is released from its ERC)
        book = p.fetch_book()
        for o in orders:
            resting = book.find(o.order_id)
            if resting is None:
                continue
            if self._record("cancel_order", p.cancel(o.household.participant, o.order_id, check=False)).ok \
                    and o.cert is not None:
                o.cert[2] -= resting.remaining_wh
        # proceeds, bought GRX and refunds back to the wallets
        for h in self.households:
            out = p.withdraw(h.participant, check=False)
            if out is not None:
                self._record("withdraw", out)
        return rounds

    def _pause_demo(self, i: int) -> None:
        """Pause, freeze every GRX account (sync_grx_freeze), show that an order and a raw Token-2022 transfer
        are refused, then unpause and thaw."""
        p = self.platform
        self._record("emergency_pause", p.pause(check=False, freeze=False))
        for out in p.sync_grx_freeze(check=False):
            self._record("sync_grx_freeze", out)
        h = self.consumers[0] if self.consumers else self.households[0]
        _, out = p.place_buy(h.participant, 100, h.bid_base, check=False)
        holder = max(self.prosumers or self.households, key=lambda x: p.token_balance(x.participant.grx))
        raw = p.send(raw_grx_transfer(holder.participant, p.grx_escrow, 1), holder.participant.keypair, check=False)
        self.pause_record = {"interval": i, "time": _hhmm(self.now),
                             "order_rejected": not out.ok,
                             "error": out.error.name if out.error else None,
                             "code": out.error.code if out.error else None,
                             "raw_transfer_rejected": not raw.ok,
                             "raw_transfer_error": None if raw.ok else str(raw.raw_error)}
        self._record("emergency_unpause", p.unpause(check=False, freeze=False))
        for out in p.sync_grx_freeze(check=False):
            self._record("sync_grx_freeze", out)

    # ------------------------------------------------------------------ run
    def run(self) -> dict:
        self.setup()
        n = self.cfg.intervals
        pause_at = n // 2
        t_start = self.now
        for i in range(n):
            ts = t_start + (i + 1) * INTERVAL_SECONDS
            self.chain.set_unix_timestamp(ts)
            if i == pause_at:
                self._pause_demo(i)
            produced, consumed = self._readings(i, ts)
            self.produced += produced
            self.consumed += consumed
            self._settle()
            if i % INTERVALS_PER_HOUR == 0:
                self._issue_ercs(i)
            book, deferred = self._place_orders(i)
            rounds = self._auctions(book)
            volume = sum(r["volume_wh"] for r in rounds)
            quote = sum(r["quote_volume"] for r in rounds)
            self.traded += volume
            self.quote_traded += quote
            self.fees += sum(r["fees"] for r in rounds)
            bids = [o.price for o in book if o.side == tc.SIDE_BUY]
            asks = [o.price for o in book if o.side == tc.SIDE_SELL]
            rec = {"interval": i, "time": _hhmm(ts), "produced_wh": produced, "consumed_wh": consumed,
                   "buy_orders": len(bids), "sell_orders": len(asks),
                   "bid_wh": sum(o.amount_wh for o in book if o.side == tc.SIDE_BUY),
                   "ask_wh": sum(o.amount_wh for o in book if o.side == tc.SIDE_SELL),
                   "min_ask": min(asks) if asks else None, "max_bid": max(bids) if bids else None,
                   "asks_deferred": deferred, "rounds": rounds, "traded_wh": volume, "quote_volume": quote,
                   # volume-weighted over the rounds (each round's uniform price is within its bids/asks)
                   "clearing_price": (sum(r["price"] * r["volume_wh"] for r in rounds) // volume) if volume else None}
            self.intervals.append(rec)
            if self.progress:
                self.progress(i, rec)
        return self.result()

    def result(self) -> dict:
        p = self.platform
        settled_wh = sum(p.fetch_meter(h.meter).settled_net_generation for h in self.households)
        market = p.fetch_market()
        ocfg = p.fetch_oracle_config()
        supply = p.mint_supply()
        cu = {name: {"count": len(v), "min": min(v), "mean": sum(v) // len(v), "max": max(v)}
              for name, v in sorted(self.cu.items())}
        return {
            "config": {"meters": self.cfg.meters, "hours": self.cfg.hours, "seed": self.cfg.seed,
                       "start": _hhmm(T0 + self.cfg.start_hour * 3600), "interval_seconds": INTERVAL_SECONDS,
                       "intervals": self.cfg.intervals, "prosumers": len(self.prosumers),
                       "consumers": len(self.consumers), "fee_bps": p.fee_bps,
                       "oracle_max_deviation_percent": DEVIATION_PERCENT,
                       "clearing": "order book in auction mode: execute_batch_auction over the whole book "
                                   "every 15 minutes (one uniform price; called again while the book crosses, "
                                   f"≤ {tc.MAX_AUCTION_FILLS} fills per call); leftovers cancelled, seats withdrawn",
                       "max_auction_certificates": self.max_auction_certs},
            "energy": {"produced_wh": self.produced, "consumed_wh": self.consumed, "settled_wh": settled_wh,
                       "traded_wh": self.traded, "market_total_volume_wh": market.total_volume_wh,
                       "quote_volume": self.quote_traded, "fees": self.fees,
                       "fees_unclaimed": market.fees_unclaimed, "market_total_fees": market.total_fees,
                       "grx_vault": p.token_balance(p.grx_escrow), "quote_vault": p.token_balance(p.quote_escrow)},
            "grx": {"supply": supply, "minted": self.minted, "settled_wh_x_grx_per_wh": settled_wh * GRX_PER_WH,
                    "token_info_total_supply": p.fetch_token_info().total_supply,
                    "conserved": supply == self.minted == settled_wh * GRX_PER_WH},
            "ercs": {"issued": self.ercs_issued, "energy_wh": self.erc_energy,
                     "governance_erc_issued": p.fetch_governance_config().erc_issued},
            "readings": {"oracle_total": ocfg.total_readings, "oracle_valid": ocfg.valid_readings,
                         "oracle_rejected": ocfg.rejected_readings,
                         "rejected_by_reason": dict(sorted(self.rejected_readings.items()))},
            "pause": self.pause_record,
            "compute_units": cu,
            "failures": self.failures,
            "intervals": self.intervals,
        }


def run_demo(cfg: DemoConfig, progress: Callable[[int, dict], None] | None = None) -> dict:
    sim = Simulation(cfg, progress)
    try:
        return sim.run()
    finally:
        sim.chain.close()
