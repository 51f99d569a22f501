"""Compute units of the order book at its full capacity, next to the targets, measured in LiteSVM.

    python -m gridtokenx_cli.bench.book_cu [--json]

A market with ``gtx init``'s book (512 resting orders per side, 1,024 seats) is filled to 511 orders per
side (bids at the lowest prices, asks at the highest, so a new worst order moves every entry), then each
scenario runs once: an order resting at the worst price (the largest move) on a full side, cancelling it,
orders crossing 1 and 5 resting orders, the match crank for 1 and 5 pairs (the per-pair figure is the
marginal cost), a withdrawal, and a call auction over 64 resting orders. The targets are the issue's:
a match pair ≤ 15,000 CU, an order that rests ≤ 20,000 CU.
"""
from __future__ import annotations

import sys

from solders.compute_budget import set_compute_unit_limit

from gridtokenx_cli.testing import svm_lite
from gridtokenx_cli.testing import trading as tc

MATCH_PAIR_TARGET = 15_000
RESTING_TARGET = 20_000
AUCTION_ORDERS = 64


def measure() -> list[dict]:
    env = tc.TradingEnv.create(svm_lite.program_so(tc.PROGRAM_NAME), order_capacity=tc.DEFAULT_ORDER_CAPACITY,
                               seat_capacity=tc.DEFAULT_SEAT_CAPACITY)
    seller = env.new_user(grx=tc.grx_for(1_000_000))
    filler = env.new_user(quote=10**13)
    taker = env.new_user(quote=10**13)
    cert = env.make_erc(seller.pubkey, 1_000_000)
    env.deposit(seller, tc.ASSET_GRX, tc.grx_for(500_000))
    for user in (filler, taker):
        env.deposit(user, tc.ASSET_QUOTE, 10**12)
    s_slot, f_slot, t_slot = env.slot(seller), env.slot(filler), env.slot(taker)
    rows: list[dict] = []

    def run(scenario: str, instruction: str, ixs, signer, target: int | None = None, per: int = 1,
            base: int | None = None) -> int:
        result = env.send(ixs, signer)
        ok = svm_lite.is_ok(result)
        cu = svm_lite.compute_units(result)
        value = cu if base is None else (cu - base) // per
        rows.append({"scenario": scenario, "instruction": instruction, "cu": value, "target_cu": target,
                     "within_target": None if target is None else value <= target, "ok": ok,
                     **({} if ok else {"error": str(result)[:300]})})
        return cu

    # The call auction first, on an otherwise empty book: 32 asks and 32 bids that cross, auction mode.
    env.set_mode(tc.MODE_AUCTION)
    half = AUCTION_ORDERS // 2
    for i in range(half):
        env.ok(env.b.ix_place_sell(seller.pubkey, s_slot, 100_000 + 1_000 * i, 10, cert), seller.keypair)
        env.ok(env.b.ix_place_buy(filler.pubkey, f_slot, 110_000 + 1_000 * i, 10), filler.keypair)
    run(f"auction over {AUCTION_ORDERS} resting orders", "execute_batch_auction",
        [set_compute_unit_limit(1_400_000), env.ix_auction(taker.pubkey)], taker.keypair)
    env.set_mode(tc.MODE_CONTINUOUS)
    for o in env.book().orders_of(filler.pubkey):
        env.cancel(filler, o.order_id)
    for o in env.book().orders_of(seller.pubkey):
        env.cancel(seller, o.order_id)

    # Fill both sides to capacity − 1.
    cap = env.book().header.order_capacity
    for i in range(cap - 1):
        env.ok(env.b.ix_place_buy(filler.pubkey, f_slot, 1_000 * (i + 2), 1), filler.keypair)
        env.ok(env.b.ix_place_sell(seller.pubkey, s_slot, 2_000_000 + 1_000 * i, 1, cert), seller.keypair)
    full = f"book {cap - 1}/{cap} per side"
    run(f"bid rests at the worst price, {full}", "place_buy_order",
        env.b.ix_place_buy(taker.pubkey, t_slot, 1_000, 1), taker.keypair, RESTING_TARGET)
    worst = env.book().bids[-1].order_id
    run(f"cancel that bid, book {cap}/{cap}", "cancel_order", env.b.ix_cancel(taker.pubkey, t_slot, worst),
        taker.keypair)
    run(f"ask rests at the worst price, {full}", "place_sell_order",
        env.b.ix_place_sell(seller.pubkey, s_slot, 9_000_000, 1, cert), seller.keypair, RESTING_TARGET)
    run("bid crosses 1 ask (ERC re-checked)", "place_buy_order",
        env.b.ix_place_buy(taker.pubkey, t_slot, 2_000_000, 1, certs=[cert]), taker.keypair)
    run("bid crosses 5 asks", "place_buy_order",
        env.b.ix_place_buy(taker.pubkey, t_slot, 2_005_000, 5, certs=[cert]), taker.keypair)
    env.ok(env.b.ix_place_buy(taker.pubkey, t_slot, 2_010_000, 1, match_limit=0), taker.keypair)
    one = run("match crank, 1 pair", "match_orders", env.b.ix_match(filler.pubkey, 1, [cert]), filler.keypair,
              MATCH_PAIR_TARGET)
    env.ok(env.b.ix_place_buy(taker.pubkey, t_slot, 2_020_000, 5, match_limit=0), taker.keypair)
    five = env.send(env.b.ix_match(filler.pubkey, 5, [cert]), filler.keypair)
    rows.append({"scenario": "match crank, 5 pairs", "instruction": "match_orders",
                 "cu": svm_lite.compute_units(five), "target_cu": None, "within_target": None,
                 "ok": svm_lite.is_ok(five)})
    per_pair = (svm_lite.compute_units(five) - one) // 4
    rows.append({"scenario": "match crank, each further pair (marginal)", "instruction": "match_orders",
                 "cu": per_pair, "target_cu": MATCH_PAIR_TARGET, "within_target": per_pair <= MATCH_PAIR_TARGET,
                 "ok": svm_lite.is_ok(five)})
    run("withdraw (GRX)", "withdraw", env.b.ix_withdraw(taker.pubkey, t_slot, tc.ASSET_GRX, 1, taker.grx),
        taker.keypair)
    run("depth from the full book", "emit_market_depth", env.b.ix_depth(), taker.keypair)
    return rows


def format_table(rows: list[dict]) -> str:
    lines = [f"{'scenario':<52} {'instruction':<22} {'CU':>9} {'target':>8}  status", "-" * 104]
    for r in rows:
        target = f"≤{r['target_cu']:,}" if r["target_cu"] else ""
        verdict = "" if r["within_target"] is None else (" within target" if r["within_target"] else " OVER TARGET")
        status = ("ok" if r["ok"] else f"FAILED {r.get('error', '')}") + verdict
        lines.append(f"{r['scenario']:<52} {r['instruction']:<22} {r['cu']:>9,} {target:>8}  {status}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    from gridtokenx_cli.bench import run_main

    return run_main(__doc__.splitlines()[0], measure, format_table, argv)


if __name__ == "__main__":
    sys.exit(main())
