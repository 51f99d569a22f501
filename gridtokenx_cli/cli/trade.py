"""`gtx trade …`: the on-chain order book (buy / sell from the wallet, cancel, the match crank, the uniform-price
batch auction in auction mode, the market mode, depth, the book, withdrawals from the trader's seat), AMM pools,
fees, and the trading admin handover.

Units: energy in Wh; prices in quote tokens per kWh, on the market's tick of 0.001 quote/kWh ("0.15" = 150,000
micro-units); GRX amounts with up to 9 decimals, quote amounts with up to 6. Orders are named by their numeric id
(the book's). A trader's tokens sit in his seat of the market (free, or locked behind his resting orders): `buy` /
`sell` claim the seat and deposit what its free balance lacks in the same transaction, fills move seat balances,
`withdraw` brings tokens back to the wallet. `initialize_market` (and the book account) is run by `gtx init`.
`gtx trade faucet` mints quote tokens (not a program instruction: the quote mint's authority, the bootstrap key on
localnet, signs).
"""
from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation

import typer

from .common import emit, fail, parse_amount, parse_pubkey, parse_units, usage_error
from .session import add_authority_commands, parse_choice, plain, session

app = typer.Typer(help="Trading: the order book (buy, sell, cancel, match, auction, depth, withdraw), AMM pools, "
                       "fees", no_args_is_help=True)

GRX_DECIMALS, QUOTE_DECIMALS = 9, 6
CURVES = {"solar": 0, "wind": 1, "battery": 2}
DIRECTIONS = {"buy": 0, "sell": 1}  # buy: quote in, GRX out; sell: GRX in, quote out
MODES = {"continuous": 0, "auction": 1}
#: compute budget of the transactions that may fill several orders (place, crank, auction)
MATCH_CU_LIMIT = 1_400_000
TICK = Decimal("0.001")  # tc.PRICE_TICK micro-quote per kWh, in quote per kWh


# ----------------------------------------------------------------------------- units


def quote_text(micro: int) -> str:
    """Micro-units -> decimal text without trailing zeros ("0.14")."""
    text = format(Decimal(micro).scaleb(-QUOTE_DECIMALS), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def parse_price(value: str, field_name: str = "--price") -> int:
    """A price in quote per kWh -> micro-quote per kWh, a positive multiple of the 0.001 tick."""
    from gridtokenx_cli.clients import trading as tc

    try:
        price = Decimal(str(value).strip())
    except InvalidOperation:
        usage_error(field_name, f"{value!r} is not a number", "give a price in quote per kWh, e.g. 0.15")
    if not price.is_finite():
        usage_error(field_name, f"{value!r} is not a number", "give a price in quote per kWh, e.g. 0.15")
    if price <= 0:
        usage_error(field_name, f"{value} is not allowed", "give a positive price in quote per kWh, e.g. 0.15")
    ticks = price / TICK
    if ticks != ticks.to_integral_value():
        nearest = max(ticks.quantize(Decimal(1), rounding=ROUND_HALF_EVEN), Decimal(1))
        usage_error(field_name, f"{value} is not a multiple of the 0.001 quote/kWh tick",
                    f"use {quote_text(int(nearest) * tc.PRICE_TICK)}")
    micro = int(ticks) * tc.PRICE_TICK
    if micro >= 1 << 64:
        usage_error(field_name, f"{value} does not fit in u64 micro-units", "give a smaller price")
    return micro


def parse_order_id(value: str, field_name: str) -> int:
    return parse_amount(value, field_name, allow_zero=True)


# ----------------------------------------------------------------------------- chain views


def market_state(s):
    from gridtokenx_cli.clients import trading as tc
    from gridtokenx_cli.generated.trading.accounts import MarketState

    market = s.decode(tc.market_pda()[0], MarketState)
    if market is None:
        fail("the trading market is not initialised: run `gtx init`")
    return market


def quote_program(s, market):
    return s.chain.get_account(market.quote_mint).owner


def builder(s, market=None):
    """The TradingBuilder of the session's market (addresses from the MarketState)."""
    from gridtokenx_cli.clients import trading as tc

    market = market or market_state(s)
    return tc.TradingBuilder(market.grx_mint, market.quote_mint, market.book, quote_program(s, market))


def fetch_book(s, market=None):
    from gridtokenx_cli.clients import trading as tc

    market = market or market_state(s)
    data = s.chain.account_data(market.book)
    if data is None:
        fail(f"the market's order book {market.book} does not exist: run `gtx init`")
    return tc.decode_book(data)


def wallet_accounts(s, owner, market=None) -> tuple:
    """(GRX, quote) associated token accounts of ``owner``."""
    from gridtokenx_cli.clients import trading as tc

    market = market or market_state(s)
    return (tc.associated_token_address(owner, market.grx_mint, tc.TOKEN_2022_PROGRAM_ID),
            tc.associated_token_address(owner, market.quote_mint, quote_program(s, market)))


def seat_view(seat) -> dict | None:
    if seat is None:
        return None
    return {"slot": seat.slot, "grx_free": seat.grx_free, "grx_locked": seat.grx_locked,
            "quote_free": seat.quote_free, "quote_locked": seat.quote_locked, "open_orders": seat.open_orders}


def balances_view(s, owner, book=None) -> dict:
    """Wallet balances (base units) of the owner's associated accounts, and his seat in the market."""
    market = market_state(s)
    grx, quote = wallet_accounts(s, owner, market)
    book = book or fetch_book(s, market)
    return {"owner": str(owner), "grx_base_units": s.token_amount(grx), "quote_base_units": s.token_amount(quote),
            "seat": seat_view(book.seat_of(owner))}


def market_view(s) -> dict:
    from gridtokenx_cli.clients import trading as tc

    m = market_state(s)
    book = fetch_book(s, m)
    view = {"address": str(tc.market_pda()[0]), **m.to_json()}
    view["price_history"] = [p for p in view["price_history"]][: m.price_history_count]
    h = book.header
    view["book_summary"] = {"bids": h.bid_count, "asks": h.ask_count, "seats": h.seat_count,
                            "order_capacity": h.order_capacity, "seat_capacity": h.seat_capacity,
                            "next_order_id": h.next_order_id}
    return view


def _certificate_ids(s, orders) -> dict:
    from gridtokenx_cli.generated.governance.accounts import ErcCertificate

    from .session import text_of

    out = {}
    for o in orders:
        if o.erc_certificate not in out:
            cert = s.decode(o.erc_certificate, ErcCertificate)
            out[o.erc_certificate] = text_of(cert.certificate_id) if cert is not None else None
    return out


def order_rows(s, book, orders) -> list[dict]:
    from gridtokenx_cli.clients import trading as tc

    certs = _certificate_ids(s, [o for o in orders if o.side == tc.SIDE_SELL])
    rows = []
    for o in orders:
        ask = o.side == tc.SIDE_SELL
        rows.append({"order_id": o.order_id, "side": "Sell" if ask else "Buy", "price": o.price,
                     "price_quote_per_kwh": quote_text(o.price), "remaining_wh": o.remaining_wh,
                     "owner": str(book.owner_of(o)),
                     "certificate": str(o.erc_certificate) if ask else None,
                     "certificate_id": certs.get(o.erc_certificate) if ask else None})
    return rows


def orders_table(title: str, rows: list[dict]):
    from rich.table import Table

    table = Table(title=title)
    for col in ("side", "order id", "price (quote/kWh)", "remaining Wh", "owner", "certificate"):
        table.add_column(col, justify="right" if col in ("order id", "remaining Wh") else "left")
    for r in rows:
        table.add_row(r["side"], str(r["order_id"]), r["price_quote_per_kwh"], f"{r['remaining_wh']:,}", r["owner"],
                      r["certificate_id"] or r["certificate"] or "-")
    return table


def depth_table(levels: dict):
    from rich.table import Table

    table = Table(title="market depth (from the book)")
    for col in ("side", "price (quote/kWh)", "Wh", "orders"):
        table.add_column(col, justify="left" if col == "side" else "right")
    for side in ("bids", "asks"):
        for x in levels[side]:
            table.add_row(side[:-1], quote_text(x["price"]), f"{x['amount_wh']:,}", str(x["orders"]))
    return table


def fills_of(outcome) -> list[dict]:
    return [plain(e.data) for e in outcome.events if e.name == "OrderMatched"]


# ----------------------------------------------------------------------------- orders


def _place(ctx: typer.Context, side: int, amount: str, price: str, post_only: bool, ioc: bool, match_limit: int,
           certificate: str | None) -> None:
    from solders.compute_budget import set_compute_unit_limit

    from gridtokenx_cli.clients import trading as tc

    action = "trade buy" if side == tc.SIDE_BUY else "trade sell"
    wh = parse_amount(amount, "--amount")
    micro = parse_price(price)
    if post_only and ioc:
        usage_error("--post-only", "--post-only and --ioc exclude each other",
                    "give one of them (post-only rests or is refused, ioc never rests)")
    if not 0 <= match_limit <= 255:
        usage_error("--match-limit", f"{match_limit} is out of range", "give 0 to 255 resting orders")
    order_type = tc.POST_ONLY if post_only else tc.IMMEDIATE_OR_CANCEL if ioc else tc.LIMIT
    with session(ctx) as s:
        cert = None
        if side == tc.SIDE_SELL:
            _, cert, _ = s.certificate(certificate, "--certificate")
        market = market_state(s)
        owner = s.signer.pubkey()
        grx, quote = wallet_accounts(s, owner, market)
        account = quote if side == tc.SIDE_BUY else grx
        if s.chain.get_account(account) is None:
            if side == tc.SIDE_BUY:
                fail(f"--keypair: {owner} has no quote account, so nothing to pay with: get quote tokens with "
                     f"`gtx trade faucet --to {owner} --amount N`")
            fail(f"--keypair: {owner} has no GRX account, so nothing to sell: settle a meter "
                 "(`gtx registry settle`) or receive GRX first")
        book = fetch_book(s, market)
        seat = book.seat_of(owner)
        need = tc.locked_for(side, micro, wh)
        free = 0 if seat is None else (seat.quote_free if side == tc.SIDE_BUY else seat.grx_free)
        wallet = s.token_amount(account)
        if need > free + wallet:
            what = "quote" if side == tc.SIDE_BUY else "GRX"
            fix = (f"get quote tokens with `gtx trade faucet --to {owner} --amount N` or lower --amount/--price"
                   if side == tc.SIDE_BUY else "settle a meter (`gtx registry settle`) or lower --amount")
            fail(f"--amount: {wh} Wh at {quote_text(micro)} needs {need:,} {what} base units, the seat has {free:,} "
                 f"free and the wallet {wallet:,}: {fix}")
        if book.seat_of(owner) is None:
            try:
                book.slot_to_claim(owner)
            except ValueError as e:
                fail(f"{action}: {e}: wait for a seat to empty")
        b = builder(s, market)
        ixs = b.fund_and_place(book, owner, side, micro, wh, token_account=account, certificate=cert,
                               order_type=order_type, match_limit=match_limit)
        out = s.send(action, [set_compute_unit_limit(MATCH_CU_LIMIT), *ixs])
        placed = out.event("OrderPlaced").data
        cancelled = [e.data for e in out.events if e.name == "OrderCancelled"
                     and e.data["order_id"] == placed["order_id"]]
        s.report(action, out, {
            "order_id": placed["order_id"], "price": micro, "amount_wh": wh, "filled_wh": placed["filled_wh"],
            "resting_wh": placed["resting_wh"], "cancelled_wh": sum(c["unfilled_wh"] for c in cancelled),
            "fills": fills_of(out), "balances": balances_view(s, owner)})


@app.command("buy")
def buy(ctx: typer.Context, amount: str = typer.Option(..., "--amount", help="energy to buy, Wh"),
        price: str = typer.Option(..., "--price", help="highest price, quote per kWh (tick 0.001)"),
        post_only: bool = typer.Option(False, "--post-only", help="only rest: refused if it would match"),
        ioc: bool = typer.Option(False, "--ioc", help="immediate or cancel: the unmatched rest never rests"),
        match_limit: int = typer.Option(8, "--match-limit", help="most resting asks filled now (the crank does the "
                                                                 "rest)")) -> None:
    """Buy from the best asks at their prices, rest the remainder (place_buy_order). Claims a seat and deposits
    the quote the seat's free balance lacks (amount × price) in the same transaction."""
    from gridtokenx_cli.clients import trading as tc

    _place(ctx, tc.SIDE_BUY, amount, price, post_only, ioc, match_limit, None)


@app.command("sell")
def sell(ctx: typer.Context, amount: str = typer.Option(..., "--amount", help="energy to sell, Wh"),
         price: str = typer.Option(..., "--price", help="lowest price, quote per kWh (tick 0.001)"),
         certificate: str = typer.Option(..., "--certificate",
                                         help="text id of a validated certificate owned by the seller"),
         post_only: bool = typer.Option(False, "--post-only", help="only rest: refused if it would match"),
         ioc: bool = typer.Option(False, "--ioc", help="immediate or cancel: the unmatched rest never rests"),
         match_limit: int = typer.Option(8, "--match-limit", help="most resting bids filled now (the crank does the "
                                                                  "rest)")) -> None:
    """Sell to the best bids at their prices, rest the remainder, backed by an ERC certificate
    (place_sell_order). Claims a seat and deposits the GRX its free balance lacks in the same transaction."""
    from gridtokenx_cli.clients import trading as tc

    _place(ctx, tc.SIDE_SELL, amount, price, post_only, ioc, match_limit, certificate)


@app.command("cancel")
def cancel(ctx: typer.Context, order_id: str = typer.Argument(..., help="numeric order id (see `gtx trade book`)")
           ) -> None:
    """Cancel a resting order of the signer: its locked tokens return to the seat's free balance (cancel_order)."""
    from gridtokenx_cli.clients import trading as tc

    oid = parse_order_id(order_id, "ORDER_ID")
    with session(ctx) as s:
        book = fetch_book(s)
        order = book.find(oid)
        if order is None:
            fail(f"ORDER_ID: no resting order {oid} (filled, cancelled or never placed): list the book with "
                 "`gtx trade book`")
        owner = s.signer.pubkey()
        if book.owner_of(order) != owner:
            fail(f"ORDER_ID: order {oid} belongs to {book.owner_of(order)}, not to {owner}: sign with its owner's "
                 "keypair (-k)")
        cert = order.erc_certificate if order.side == tc.SIDE_SELL else None
        out = s.send("trade cancel", builder(s).ix_cancel(owner, order.trader_slot, oid, cert))
        ev = out.event("OrderCancelled").data
        s.report("trade cancel", out, {"order_id": oid, "unfilled_wh": ev["unfilled_wh"], "released": ev["released"],
                                       "balances": balances_view(s, owner)})


@app.command("match")
def match(ctx: typer.Context, max_pairs: int = typer.Option(8, "--max-pairs", help="most fills (1 to 255)")) -> None:
    """Crank a continuous market: fill the best bid against the best ask while they cross, at the earlier
    order's price (match_orders; any signer; the book chooses the orders)."""
    from solders.compute_budget import set_compute_unit_limit

    from gridtokenx_cli.clients import trading as tc

    if not 1 <= max_pairs <= 255:
        usage_error("--max-pairs", f"{max_pairs} is out of range", "give 1 to 255 pairs")
    with session(ctx) as s:
        market = market_state(s)
        certs = tc.certs_for_crank(fetch_book(s, market), max_pairs)
        ix = builder(s, market).ix_match(s.signer.pubkey(), max_pairs, certs)
        out = s.send("trade match", [set_compute_unit_limit(MATCH_CU_LIMIT), ix])
        m = market_state(s)
        book = fetch_book(s, m)
        s.report("trade match", out, {"fills": fills_of(out), "last_clearing_price": m.last_clearing_price,
                                      "total_trades": m.total_trades, "bids": book.header.bid_count,
                                      "asks": book.header.ask_count})


@app.command("auction")
def auction(ctx: typer.Context) -> None:
    """Clear the whole book at one uniform price (execute_batch_auction; auction mode only, see `gtx trade
    mode`; any signer)."""
    from solders.compute_budget import set_compute_unit_limit

    from gridtokenx_cli.clients import trading as tc

    with session(ctx) as s:
        market = market_state(s)
        book = fetch_book(s, market)
        ix = builder(s, market).ix_auction(s.signer.pubkey(), tc.certs_for_auction(book))
        out = s.send("trade auction", [set_compute_unit_limit(MATCH_CU_LIMIT), ix])
        ev = plain(out.event("BatchAuctionExecuted").data)
        after = fetch_book(s)
        s.report("trade auction", out, {
            "clearing_price": ev["clearing_price"], "volume_wh": ev["volume_wh"], "fills": ev["fills"],
            "quote_volume": ev["quote_volume"], "fees": ev["fees"], "total_trades": market_state(s).total_trades,
            "bids": after.header.bid_count, "asks": after.header.ask_count})


@app.command("mode")
def mode(ctx: typer.Context, new_mode: str = typer.Argument(..., metavar="MODE", help="continuous or auction")) -> None:
    """Switch the market between continuous matching and batch auctions (set_market_mode; market admin signs).
    Entering auction mode needs an uncrossed book (crank `gtx trade match` first)."""
    value = parse_choice(new_mode, "MODE", MODES)
    with session(ctx) as s:
        market = market_state(s)
        out = s.send("trade mode", builder(s, market).ix_set_mode(s.signer.pubkey(), value))
        s.report("trade mode", out, {"mode": market_state(s).mode})


@app.command("depth")
def depth(ctx: typer.Context,
          emit_event: bool = typer.Option(False, "--emit", help="also send emit_market_depth (-k pays) and show "
                                                                 "the MarketDepth event")) -> None:
    """The 10 best price levels per side (unfilled Wh and order count), read from the book; with --emit also
    computed on chain by emit_market_depth."""
    from gridtokenx_cli.clients import trading as tc

    with session(ctx) as s:
        market = market_state(s)
        bids, asks = tc.market_depth(fetch_book(s, market))
        levels = {"bids": [vars(x) for x in bids], "asks": [vars(x) for x in asks]}
        if not emit_event:
            emit(ctx.obj, {**levels, "source": "book"}, depth_table(levels))
            return
        out = s.send("trade depth", builder(s, market).ix_depth())
        event = plain(out.event("MarketDepth").data)
        s.report("trade depth", out, {"bids": event["bids"], "asks": event["asks"],
                                      "orders_seen": event["orders_seen"], "source": "emit_market_depth"})


@app.command("book")
def book_cmd(ctx: typer.Context) -> None:
    """Both sides of the order book, best first: order id, price, unfilled Wh, owner, and the ERC certificate
    backing each ask."""
    from rich.console import Group

    with session(ctx) as s:
        market = market_state(s)
        book = fetch_book(s, market)
        data = {"mode": plain(market.mode), "next_order_id": book.header.next_order_id,
                "seats": book.header.seat_count, "bids": order_rows(s, book, book.bids),
                "asks": order_rows(s, book, book.asks)}
    emit(ctx.obj, data, Group(orders_table(f"bids ({len(data['bids'])})", data["bids"]),
                              orders_table(f"asks ({len(data['asks'])})", data["asks"])))


@app.command("orders")
def orders(ctx: typer.Context, owner: str = typer.Option(None, "--owner", help="whose orders (default: -k)")) -> None:
    """The resting orders of one owner in the book."""
    with session(ctx) as s:
        who = parse_pubkey(owner, "--owner") if owner else s.signer.pubkey()
        book = fetch_book(s)
        rows = order_rows(s, book, book.orders_of(who))
    emit(ctx.obj, rows, orders_table(f"orders of {who}", rows))


@app.command("withdraw")
def withdraw(ctx: typer.Context,
             grx_amount: str = typer.Option(None, "--grx", help="GRX to withdraw, up to 9 decimals"),
             quote_amount: str = typer.Option(None, "--quote", help="quote tokens to withdraw, up to 6 decimals"),
             everything: bool = typer.Option(False, "--all", help="every free GRX and quote of the seat")) -> None:
    """Move free balance from the signer's seat to his wallet (withdraw; locked tokens back resting orders:
    cancel them first). Creates the wallet's token accounts when missing."""
    from gridtokenx_cli.clients import trading as tc

    if everything and (grx_amount is not None or quote_amount is not None):
        usage_error("--all", "--all excludes --grx and --quote", "give --all alone, or the amounts")
    if not everything and grx_amount is None and quote_amount is None:
        usage_error("--grx", "nothing to withdraw", "give --grx AMOUNT, --quote AMOUNT or --all")
    g = parse_units(grx_amount, "--grx", GRX_DECIMALS, "GRX") if grx_amount is not None else None
    q = parse_units(quote_amount, "--quote", QUOTE_DECIMALS, "quote tokens") if quote_amount is not None else None
    with session(ctx) as s:
        market = market_state(s)
        owner = s.signer.pubkey()
        seat = fetch_book(s, market).seat_of(owner)
        if seat is None:
            fail(f"--keypair: {owner} has no seat in the market, so nothing to withdraw")
        if everything:
            g, q = seat.grx_free or None, seat.quote_free or None
            if g is None and q is None:
                fail(f"--all: the seat of {owner} has no free balance (locked: {seat.grx_locked:,} GRX and "
                     f"{seat.quote_locked:,} quote base units behind {seat.open_orders} order(s)): cancel orders "
                     "with `gtx trade cancel` first")
        for flag, want, free, locked, unit in (("--grx", g, seat.grx_free, seat.grx_locked, "GRX"),
                                               ("--quote", q, seat.quote_free, seat.quote_locked, "quote")):
            if want is not None and want > free:
                fail(f"{flag}: {want:,} {unit} base units is more than the seat's free {free:,} ({locked:,} locked "
                     "behind resting orders): withdraw at most the free balance, or cancel orders first")
        b = builder(s, market)
        grx, quote = wallet_accounts(s, owner, market)
        ixs = []
        if g:
            ixs += [tc.ix_create_ata(owner, owner, market.grx_mint, tc.TOKEN_2022_PROGRAM_ID),
                    b.ix_withdraw(owner, seat.slot, tc.ASSET_GRX, g, grx)]
        if q:
            ixs += [tc.ix_create_ata(owner, owner, market.quote_mint, b.quote_token_program),
                    b.ix_withdraw(owner, seat.slot, tc.ASSET_QUOTE, q, quote)]
        out = s.send("trade withdraw", ixs)
        s.report("trade withdraw", out, {"withdrawn": {"grx_base_units": g or 0, "quote_base_units": q or 0},
                                         "balances": balances_view(s, owner)})


@app.command("market")
def market(ctx: typer.Context) -> None:
    """The MarketState (admin, mints, mode, fee, unclaimed fees, counters, last clearing price, VWAP, price
    history) and the book's counts."""
    with session(ctx) as s:
        s.show("market", market_view(s))


@app.command("balance")
def balance(ctx: typer.Context, owner: str = typer.Argument(None, help="owner public key (default: -k)")) -> None:
    """An owner's wallet balances (GRX and quote base units, associated accounts) and his seat in the market
    (free and locked balances, open orders)."""
    with session(ctx) as s:
        key = parse_pubkey(owner, "OWNER") if owner else s.signer.pubkey()
        s.show(f"balances {key}", balances_view(s, key))


@app.command("faucet")
def faucet(ctx: typer.Context, to: str = typer.Option(..., "--to", help="owner public key to credit"),
           amount: str = typer.Option(..., "--amount", help="quote tokens, up to 6 decimals")) -> None:
    """Mint quote tokens to an owner (the quote mint authority signs with -k: the bootstrap key on localnet);
    creates the owner's quote account if missing."""
    from gridtokenx_cli.clients import trading as tc

    owner = parse_pubkey(to, "--to")
    units = parse_units(amount, "--amount", QUOTE_DECIMALS, "quote tokens")
    with session(ctx) as s:
        m = market_state(s)
        tp = quote_program(s, m)
        authority = s.signer.pubkey()
        ixs = [tc.ix_create_ata(authority, owner, m.quote_mint, tp),
               tc.ix_mint_to(m.quote_mint, tc.associated_token_address(owner, m.quote_mint, tp), authority, units, tp)]
        out = s.send("trade faucet", ixs)
        s.report("trade faucet", out, {"balances": balances_view(s, owner)})


# ----------------------------------------------------------------------------- AMM pools and fees


def pool_view(s, curve: int) -> dict | None:
    from gridtokenx_cli.clients import trading as tc
    from gridtokenx_cli.generated.trading.accounts import AmmPool

    address = tc.pool_pda(curve)[0]
    pool = s.decode(address, AmmPool)
    return None if pool is None else {"address": str(address), **pool.to_json()}


@app.command("pool-init")
def pool_init(ctx: typer.Context, curve: str = typer.Option(..., "--curve", help="solar, wind or battery"),
              grx_amount: str = typer.Option(..., "--grx", help="initial GRX reserve, up to 9 decimals"),
              quote_amount: str = typer.Option(..., "--quote", help="initial quote reserve, up to 6 decimals")) -> None:
    """Create the AMM pool of a curve, funded from the admin's (-k) GRX and quote accounts (initialize_pool)."""
    kind = parse_choice(curve, "--curve", CURVES)
    g = parse_units(grx_amount, "--grx", GRX_DECIMALS, "GRX")
    q = parse_units(quote_amount, "--quote", QUOTE_DECIMALS, "quote tokens")
    with session(ctx) as s:
        admin = s.signer.pubkey()
        grx, quote = wallet_accounts(s, admin)
        out = s.send("trade pool-init", builder(s).ix_initialize_pool(admin, grx, quote, kind, g, q))
        s.report("trade pool-init", out, {"pool": pool_view(s, kind)})


@app.command("swap")
def swap(ctx: typer.Context, curve: str = typer.Option(..., "--curve", help="solar, wind or battery"),
         direction: str = typer.Option(..., "--direction", help="buy (quote in, GRX out) or sell (GRX in, quote "
                                                                 "out)"),
         amount_in: str = typer.Option(..., "--amount-in", help="tokens paid: quote (buy) or GRX (sell)"),
         min_out: str = typer.Option("0", "--min-out", help="least tokens received: GRX (buy) or quote (sell)")) -> None:
    """Swap against a curve's AMM pool (swap; the -k user signs)."""
    from gridtokenx_cli.clients import trading as tc

    kind = parse_choice(curve, "--curve", CURVES)
    way = parse_choice(direction, "--direction", DIRECTIONS)
    in_decimals, out_decimals = (QUOTE_DECIMALS, GRX_DECIMALS) if way == 0 else (GRX_DECIMALS, QUOTE_DECIMALS)
    a_in = parse_units(amount_in, "--amount-in", in_decimals, "quote tokens" if way == 0 else "GRX")
    m_out = parse_units(min_out, "--min-out", out_decimals, "GRX" if way == 0 else "quote tokens", allow_zero=True)
    with session(ctx) as s:
        if pool_view(s, kind) is None:
            fail(f"--curve: no {curve} pool: create it with `gtx trade pool-init --curve {curve} ...`")
        market = market_state(s)
        b = builder(s, market)
        user = s.signer.pubkey()
        grx, quote = wallet_accounts(s, user, market)
        ixs = [tc.ix_create_ata(user, user, market.grx_mint, tc.TOKEN_2022_PROGRAM_ID),  # the side received
               tc.ix_create_ata(user, user, market.quote_mint, b.quote_token_program),
               b.ix_swap(user, grx, quote, kind, way, a_in, m_out)]
        out = s.send("trade swap", ixs)
        s.report("trade swap", out, {"pool": pool_view(s, kind), "balances": balances_view(s, user)})


@app.command("pool")
def pool(ctx: typer.Context, curve: str = typer.Option(..., "--curve", help="solar, wind or battery")) -> None:
    """An AMM pool: reserves and swap count."""
    kind = parse_choice(curve, "--curve", CURVES)
    with session(ctx) as s:
        view = pool_view(s, kind)
        if view is None:
            fail(f"--curve: no {curve} pool: create it with `gtx trade pool-init --curve {curve} ...`")
        s.show(f"pool {curve}", view)


@app.command("withdraw-fees")
def withdraw_fees(ctx: typer.Context, amount: str = typer.Option(..., "--amount", help="quote tokens, up to 6 "
                                                                                       "decimals"),
                  to: str = typer.Option(None, "--to", help="owner whose quote account receives them (default: -k)"),
                  ) -> None:
    """Withdraw unclaimed fees from the market's quote vault (withdraw_fees; market admin signs)."""
    from gridtokenx_cli.clients import trading as tc

    units = parse_units(amount, "--amount", QUOTE_DECIMALS, "quote tokens")
    with session(ctx) as s:
        admin = s.signer.pubkey()
        owner = parse_pubkey(to, "--to") if to else admin
        m = market_state(s)
        b = builder(s, m)
        ixs = [tc.ix_create_ata(admin, owner, m.quote_mint, b.quote_token_program),
               b.ix_withdraw_fees(admin, wallet_accounts(s, owner, m)[1], units)]
        out = s.send("trade withdraw-fees", ixs)
        s.report("trade withdraw-fees", out, {"fees_unclaimed": market_state(s).fees_unclaimed,
                                              "balances": balances_view(s, owner)})


def _authority_builders():
    from gridtokenx_cli.clients import trading as tc

    b = tc.TradingBuilder(tc.grx_mint_pda()[0], tc.grx_mint_pda()[0])  # only the market address is used
    return b.ix_propose, b.ix_accept, b.ix_cancel_transfer


add_authority_commands(app, "trade", _authority_builders)
