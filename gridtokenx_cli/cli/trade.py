"""`gtx trade …`: the order book (buy / sell with escrow, match, cancel, close), uniform-price batch auction,
market depth, AMM pools, fees, and the trading admin handover.

Units: energy in Wh; prices in quote tokens per kWh with up to 6 decimals ("0.15" = 150,000 micro-units);
GRX amounts with up to 9 decimals, quote amounts with up to 6. Orders are named by their numeric id.
`initialize_market` is run by `gtx init`. `gtx trade faucet` mints quote tokens (not a program instruction:
the quote mint's authority, the bootstrap key on localnet, signs).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import List

import typer

from .common import fail, parse_amount, parse_pubkey, parse_units, usage_error
from .session import add_authority_commands, parse_choice, session

app = typer.Typer(help="Trading: orders, matching, batch auction, depth, AMM pools, fees", no_args_is_help=True)

GRX_DECIMALS, QUOTE_DECIMALS = 9, 6
CURVES = {"solar": 0, "wind": 1, "battery": 2}
DIRECTIONS = {"buy": 0, "sell": 1}  # buy: quote in, GRX out; sell: GRX in, quote out


@dataclass
class OwnerAccounts:
    """An order owner as TradingEnv's builders see a user: key and associated GRX / quote accounts."""

    pubkey: object
    grx: object
    quote: object


class _ChainReader:
    """TradingEnv's builders read accounts with `svm.get_account`; served by the chain of any backend."""

    def __init__(self, chain):
        self.chain = chain

    def get_account(self, address):
        return self.chain.get_account(address)


def trading_env(s):
    """TradingEnv as the builder of trading instructions over the session's chain (no keys inside: the signer
    is passed per instruction); order owners' token accounts are their associated accounts."""
    from solders.keypair import Keypair

    from gridtokenx_cli.clients import trading as tc

    market = market_state(s)
    quote_tp = s.chain.get_account(market.quote_mint).owner

    class ChainTradingEnv(tc.TradingEnv):
        def _user(self, owner):
            return owner_accounts(owner, market.grx_mint, market.quote_mint, quote_tp)

    unused = Keypair()  # payer / bootstrap / authorities are only used by TradingEnv's LiteSVM fixtures
    return ChainTradingEnv(svm=_ChainReader(s.chain), payer=unused, bootstrap=unused, rec_authority=unused,
                           grx_authority=unused, grx_mint=market.grx_mint, quote_mint=market.quote_mint,
                           quote_token_program=quote_tp)


def owner_accounts(owner, grx_mint, quote_mint, quote_tp) -> OwnerAccounts:
    from gridtokenx_cli.clients import trading as tc

    return OwnerAccounts(owner, tc.associated_token_address(owner, grx_mint, tc.TOKEN_2022_PROGRAM_ID),
                         tc.associated_token_address(owner, quote_mint, quote_tp))


def market_state(s):
    from gridtokenx_cli.clients import trading as tc
    from gridtokenx_cli.generated.trading.accounts import MarketState

    market = s.decode(tc.market_pda()[0], MarketState)
    if market is None:
        fail("the trading market is not initialised: run `gtx init`")
    return market


def market_view(s) -> dict:
    from gridtokenx_cli.clients import trading as tc

    m = market_state(s)
    view = {"address": str(tc.market_pda()[0]), **m.to_json()}
    view["price_history"] = [p for p in view["price_history"]][: m.price_history_count]
    return view


def order_address(s, order_id: int):
    from gridtokenx_cli.clients import trading as tc

    return tc.order_pda(tc.market_pda()[0], order_id)[0]


def order_view(s, order_id: int) -> dict | None:
    from gridtokenx_cli.generated.trading.accounts import LimitOrder

    address = order_address(s, order_id)
    order = s.decode(address, LimitOrder)
    if order is None:
        return None
    from .session import plain

    return plain({"address": str(address), **order.to_json(), "remaining_wh": order.amount_wh - order.filled_wh})


def parse_order_id(value: str, field_name: str) -> int:
    return parse_amount(value, field_name, allow_zero=True)


def require_order(s, order_id: int, field_name: str) -> dict:
    view = order_view(s, order_id)
    if view is None:
        fail(f"{field_name}: no order {order_id} (never placed, or closed): list them with `gtx trade orders --all`")
    return view


def open_order_ids(s) -> list[int]:
    market = market_state(s)
    ids = []
    for order_id in range(market.next_order_id):
        view = order_view(s, order_id)
        if view and view["status"] in ("Open", "PartiallyFilled"):
            ids.append(order_id)
    return ids


def ensure_token_accounts(s, env, order_ids: list[int]) -> list:
    """Idempotent creation of the accounts a settlement pays into (buyers' GRX, sellers' quote), paid by -k:
    an owner who never held the other token has none yet."""
    from gridtokenx_cli.clients import trading as tc
    from solders.pubkey import Pubkey

    ixs = []
    payer = s.signer.pubkey()
    for oid in order_ids:
        view = order_view(s, oid)
        owner = Pubkey.from_string(view["owner"])
        if view["side"] == "Buy":
            ixs.append(tc.ix_create_ata(payer, owner, env.grx_mint, tc.TOKEN_2022_PROGRAM_ID))
        ixs.append(tc.ix_create_ata(payer, owner, env.quote_mint, env.quote_token_program))
    return ixs


def balances_view(s, owner) -> dict:
    market = market_state(s)
    accts = owner_accounts(owner, market.grx_mint, market.quote_mint, s.chain.get_account(market.quote_mint).owner)
    return {"owner": str(owner), "grx_base_units": s.token_amount(accts.grx),
            "quote_base_units": s.token_amount(accts.quote)}


# ----------------------------------------------------------------------------- orders


@app.command("buy")
def buy(ctx: typer.Context, amount: str = typer.Option(..., "--amount", help="energy to buy, Wh"),
        price: str = typer.Option(..., "--price", help="highest price, quote per kWh (up to 6 decimals)")) -> None:
    """Place a buy order; amount × price of quote tokens move into escrow (place_buy_order; owner signs)."""
    wh = parse_amount(amount, "--amount")
    micro = parse_units(price, "--price", QUOTE_DECIMALS, "quote per kWh")
    with session(ctx) as s:
        env = trading_env(s)
        order_id = market_state(s).next_order_id
        owner = s.signer.pubkey()
        out = s.send("trade buy", env.ix_place_buy(env._user(owner), wh, micro))
        s.report("trade buy", out, {"order_id": order_id, "order": order_view(s, order_id),
                                    "balances": balances_view(s, owner)})


@app.command("sell")
def sell(ctx: typer.Context, amount: str = typer.Option(..., "--amount", help="energy to sell, Wh"),
         price: str = typer.Option(..., "--price", help="lowest price, quote per kWh (up to 6 decimals)"),
         certificate: str = typer.Option(..., "--certificate",
                                         help="text id of a validated certificate owned by the seller")) -> None:
    """Place a sell order backed by a certificate; the GRX moves into escrow (place_sell_order)."""
    wh = parse_amount(amount, "--amount")
    micro = parse_units(price, "--price", QUOTE_DECIMALS, "quote per kWh")
    with session(ctx) as s:
        _, cert, _ = s.certificate(certificate, "--certificate")
        env = trading_env(s)
        order_id = market_state(s).next_order_id
        owner = s.signer.pubkey()
        if s.chain.get_account(env._user(owner).grx) is None:
            fail(f"--keypair: {owner} has no GRX account, so nothing to sell: settle a meter "
                 "(`gtx registry settle`) or receive GRX first")
        out = s.send("trade sell", env.ix_place_sell(env._user(owner), wh, micro, cert))
        s.report("trade sell", out, {"order_id": order_id, "order": order_view(s, order_id),
                                     "balances": balances_view(s, owner)})


@app.command("cancel")
def cancel(ctx: typer.Context, order_id: str = typer.Argument(..., help="numeric order id")) -> None:
    """Cancel an open order and refund its escrow (cancel_order; owner signs)."""
    oid = parse_order_id(order_id, "ORDER_ID")
    with session(ctx) as s:
        from gridtokenx_cli.clients import trading as tc

        view = require_order(s, oid, "ORDER_ID")
        env = trading_env(s)
        owner = s.signer.pubkey()
        sell = view["side"] == "Sell"
        refund_mint, refund_tp = (env.grx_mint, tc.TOKEN_2022_PROGRAM_ID) if sell else \
            (env.quote_mint, env.quote_token_program)
        ixs = [tc.ix_create_ata(owner, owner, refund_mint, refund_tp),  # the escrow is refunded into it
               env.ix_cancel(env._user(owner), order_address(s, oid))]
        out = s.send("trade cancel", ixs)
        s.report("trade cancel", out, {"order": order_view(s, oid), "balances": balances_view(s, owner)})


@app.command("close")
def close(ctx: typer.Context, order_id: str = typer.Argument(..., help="numeric order id")) -> None:
    """Close a filled or cancelled order and reclaim its rent (close_order; owner signs)."""
    oid = parse_order_id(order_id, "ORDER_ID")
    with session(ctx) as s:
        require_order(s, oid, "ORDER_ID")
        env = trading_env(s)
        out = s.send("trade close", env.ix_close(env._user(s.signer.pubkey()), order_address(s, oid)))
        s.report("trade close", out, {"order_id": oid, "closed": order_view(s, oid) is None})


@app.command("match")
def match(ctx: typer.Context, buy_id: str = typer.Argument(..., help="id of the buy order"),
          sell_id: str = typer.Argument(..., help="id of the sell order"),
          amount: str = typer.Option(None, "--amount", help="Wh to match (default: as much as both allow)")) -> None:
    """Match a buy and a sell order at a price within [ask, bid]; tokens settle at once (match_orders; any
    signer cranks)."""
    from gridtokenx_cli.clients import trading as tc

    bid, ask = parse_order_id(buy_id, "BUY_ID"), parse_order_id(sell_id, "SELL_ID")
    wh = tc.U64_MAX if amount is None else parse_amount(amount, "--amount")
    with session(ctx) as s:
        require_order(s, bid, "BUY_ID")
        require_order(s, ask, "SELL_ID")
        env = trading_env(s)
        ixs = ensure_token_accounts(s, env, [bid, ask])
        ixs.append(env.ix_match(s.signer.pubkey(), order_address(s, bid), order_address(s, ask), wh))
        out = s.send("trade match", ixs)
        m = market_state(s)
        s.report("trade match", out, {"buy_order": order_view(s, bid), "sell_order": order_view(s, ask),
                                      "last_clearing_price": m.last_clearing_price, "total_trades": m.total_trades})


def _order_list(s, order_ids: List[str], limit: int, flag: str) -> list[int]:
    ids = [parse_order_id(o, "ORDER_IDS") for o in order_ids] if order_ids else open_order_ids(s)
    for oid in ids:
        require_order(s, oid, "ORDER_IDS")
    if len(ids) > limit:
        usage_error("ORDER_IDS", f"{len(ids)} orders", f"give at most {limit} order ids{flag}")
    return ids


@app.command("auction")
def auction(ctx: typer.Context, order_ids: List[str] = typer.Argument(None, help="order ids (default: every open "
                                                                                  "order, at most 16)")) -> None:
    """Clear the given orders in one uniform-price call auction (execute_batch_auction; any signer cranks)."""
    from gridtokenx_cli.clients import trading as tc

    with session(ctx) as s:
        ids = _order_list(s, order_ids, tc.MAX_BATCH_ORDERS, "")
        if not ids:
            fail("ORDER_IDS: no open orders to auction")
        env = trading_env(s)
        ixs = ensure_token_accounts(s, env, ids)
        ixs.append(env.ix_batch(s.signer.pubkey(), [order_address(s, i) for i in ids]))
        out = s.send("trade auction", ixs)
        m = market_state(s)
        s.report("trade auction", out, {"orders": [order_view(s, i) for i in ids],
                                        "clearing_price": m.last_clearing_price, "total_trades": m.total_trades})


@app.command("depth")
def depth(ctx: typer.Context, order_ids: List[str] = typer.Argument(None, help="order ids (default: every open "
                                                                              "order, at most 64)")) -> None:
    """Emit the 10-level market depth of the given orders on chain (emit_market_depth) and show it."""
    from gridtokenx_cli.clients import trading as tc

    from .session import plain

    with session(ctx) as s:
        ids = _order_list(s, order_ids, tc.MAX_DEPTH_ORDERS, "")
        env = trading_env(s)
        out = s.send("trade depth", env.ix_depth([order_address(s, i) for i in ids]))
        event = plain(out.event("MarketDepth").data)
        s.report("trade depth", out, {"bids": event.get("bids"), "asks": event.get("asks")})


@app.command("orders")
def orders(ctx: typer.Context, owner: str = typer.Option(None, "--owner", help="only this owner's orders"),
           show_all: bool = typer.Option(False, "--all", help="also filled and cancelled orders")) -> None:
    """List orders (open ones unless --all)."""
    from rich.table import Table

    from .common import emit
    from .session import plain

    who = str(parse_pubkey(owner, "--owner")) if owner else None
    with session(ctx) as s:
        rows = []
        for oid in range(market_state(s).next_order_id):
            view = order_view(s, oid)
            if view is None or (who and view["owner"] != who):
                continue
            if show_all or view["status"] in ("Open", "PartiallyFilled"):
                rows.append(plain(view))
    table = Table(title="orders")
    for col in ("order_id", "side", "status", "price", "amount_wh", "filled_wh", "owner"):
        table.add_column(col)
    for r in rows:
        table.add_row(*(str(r[c]) for c in ("order_id", "side", "status", "price", "amount_wh", "filled_wh", "owner")))
    emit(ctx.obj, rows, table)


@app.command("order")
def order(ctx: typer.Context, order_id: str = typer.Argument(..., help="numeric order id")) -> None:
    """One order."""
    oid = parse_order_id(order_id, "ORDER_ID")
    with session(ctx) as s:
        s.show(f"order {oid}", require_order(s, oid, "ORDER_ID"))


@app.command("market")
def market(ctx: typer.Context) -> None:
    """The MarketState: admin, mints, fee, counters, last clearing price, VWAP, price history."""
    with session(ctx) as s:
        s.show("market", market_view(s))


@app.command("balance")
def balance(ctx: typer.Context, owner: str = typer.Argument(None, help="owner public key (default: -k)")) -> None:
    """GRX and quote balances (base units) of an owner's associated accounts."""
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
        tp = s.chain.get_account(m.quote_mint).owner
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
        env = trading_env(s)
        out = s.send("trade pool-init", env.ix_initialize_pool(env._user(s.signer.pubkey()), kind, g, q))
        s.report("trade pool-init", out, {"pool": pool_view(s, kind)})


@app.command("swap")
def swap(ctx: typer.Context, curve: str = typer.Option(..., "--curve", help="solar, wind or battery"),
         direction: str = typer.Option(..., "--direction", help="buy (quote in, GRX out) or sell (GRX in, quote "
                                                                 "out)"),
         amount_in: str = typer.Option(..., "--amount-in", help="tokens paid: quote (buy) or GRX (sell)"),
         min_out: str = typer.Option("0", "--min-out", help="least tokens received: GRX (buy) or quote (sell)")) -> None:
    """Swap against a curve's AMM pool (swap; the -k user signs)."""
    kind = parse_choice(curve, "--curve", CURVES)
    way = parse_choice(direction, "--direction", DIRECTIONS)
    in_decimals, out_decimals = (QUOTE_DECIMALS, GRX_DECIMALS) if way == 0 else (GRX_DECIMALS, QUOTE_DECIMALS)
    a_in = parse_units(amount_in, "--amount-in", in_decimals, "quote tokens" if way == 0 else "GRX")
    m_out = parse_units(min_out, "--min-out", out_decimals, "GRX" if way == 0 else "quote tokens", allow_zero=True)
    with session(ctx) as s:
        if pool_view(s, kind) is None:
            fail(f"--curve: no {curve} pool: create it with `gtx trade pool-init --curve {curve} ...`")
        env = trading_env(s)
        user = s.signer.pubkey()
        from gridtokenx_cli.clients import trading as tc

        ixs = [tc.ix_create_ata(user, user, env.grx_mint, tc.TOKEN_2022_PROGRAM_ID),  # the side received
               tc.ix_create_ata(user, user, env.quote_mint, env.quote_token_program),
               env.ix_swap(env._user(user), kind, way, a_in, m_out)]
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
    """Withdraw collected fees from the fee vault (withdraw_fees; market admin signs)."""
    from gridtokenx_cli.clients import trading as tc

    units = parse_units(amount, "--amount", QUOTE_DECIMALS, "quote tokens")
    with session(ctx) as s:
        admin = s.signer.pubkey()
        owner = parse_pubkey(to, "--to") if to else admin
        env = trading_env(s)
        m = market_state(s)
        ixs = [tc.ix_create_ata(admin, owner, m.quote_mint, env.quote_token_program),
               env.ix_withdraw_fees(admin, env._user(owner).quote, units)]
        out = s.send("trade withdraw-fees", ixs)
        s.report("trade withdraw-fees", out, {"fee_vault": s.token_amount(tc.market_accounts()["fee_vault"]),
                                              "balances": balances_view(s, owner)})


def _authority_builders():
    from gridtokenx_cli.clients import trading as tc

    market = tc.market_pda()[0]
    from gridtokenx_cli.generated.trading import instructions as tix

    def propose(authority, new):
        return tix.propose_authority_transfer({"new_authority": new}, {"authority": authority, "market": market})

    def accept(authority):
        return tix.accept_authority_transfer({"authority": authority, "market": market})

    def cancel(authority):
        return tix.cancel_authority_transfer({"authority": authority, "market": market})

    return propose, accept, cancel


add_authority_commands(app, "trade", _authority_builders)
