"""LiteSVM fixtures of trading: ``gridtokenx_cli.clients.trading`` plus what drives the program in a LiteSVM
(tests, demo, benchmarks only)."""
from __future__ import annotations

# the client first: the imports below (the other programs' fixtures) must win over its module aliases
from gridtokenx_cli.clients.trading import *  # noqa: F403  (the client, extended)

import struct
from dataclasses import dataclass, field
from typing import Any, Sequence
from solders.instruction import AccountMeta, Instruction
from solders.keypair import Keypair
from solders.pubkey import Pubkey
from gridtokenx_cli.generated.trading.accounts import AmmPool, ErcUsage, MarketState
from gridtokenx_cli.generated.trading.program_id import PROGRAM_ID

from solders.litesvm import LiteSVM

from gridtokenx_cli.testing import svm_lite


def token_balance(svm: "LiteSVM", address: Pubkey) -> int:
    acc = svm.get_account(address)
    assert acc is not None, f"token account {address} missing"
    return struct.unpack_from("<Q", bytes(acc.data), 64)[0]


def token_owner(svm: "LiteSVM", address: Pubkey) -> Pubkey:
    return Pubkey.from_bytes(bytes(svm.get_account(address).data)[32:64])


@dataclass
class User:
    keypair: Keypair
    grx: Pubkey
    quote: Pubkey

    @property
    def pubkey(self) -> Pubkey:
        return self.keypair.pubkey()


@dataclass
class TradingEnv:
    """A LiteSVM with trading + governance loaded, governance initialised, a GRX mint at energy_token's PDA
    (forged: its mint authority is ``grx_authority``), a quote mint with 6 decimals, and (unless
    ``fee_bps`` is None) the market and its book created. Instructions come from :class:`TradingBuilder`.
    """

    svm: "LiteSVM"
    payer: Keypair
    bootstrap: Keypair
    rec_authority: Keypair
    grx_authority: Keypair
    grx_mint: Pubkey
    quote_mint: Pubkey
    quote_token_program: Pubkey = TOKEN_2022_PROGRAM_ID
    book_keypair: Keypair = field(default_factory=Keypair)
    certs: int = 0
    users: list[User] = field(default_factory=list)

    # ------------------------------------------------------------------ setup
    @classmethod
    def create(cls, trading_so, *, fee_bps: int | None = 25, order_capacity: int = 64, seat_capacity: int = 32,
               quote_token_program: Pubkey = TOKEN_2022_PROGRAM_ID, now: int = 1_700_000_000) -> "TradingEnv":
        from gridtokenx_cli.testing import governance as gov

        svm = svm_lite.new_svm({PROGRAM_ID: trading_so})
        c = svm.get_clock()
        c.unix_timestamp = now
        svm.set_clock(c)
        payer = svm_lite.funded_keypair(svm, 1_000_000_000_000)
        rec = svm_lite.funded_keypair(svm)
        gov.initialize_governance_for_tests(svm, rec.pubkey())
        bootstrap = gov.bootstrap_keypair()
        grx_auth = svm_lite.funded_keypair(svm)
        grx_mint = grx_mint_pda()[0]
        svm_lite.set_account(svm, grx_mint, mint_account_bytes(grx_auth.pubkey(), GRX_DECIMALS), TOKEN_2022_PROGRAM_ID)
        env = cls(svm, payer, bootstrap, rec, grx_auth, grx_mint, Pubkey.default(), quote_token_program)
        env.quote_mint = env.create_mint(QUOTE_DECIMALS, token_program=quote_token_program)
        if fee_bps is not None:
            env.ok(env.ixs_create_market(fee_bps, order_capacity, seat_capacity), env.bootstrap, env.book_keypair)
        return env

    @property
    def b(self) -> TradingBuilder:
        return TradingBuilder(self.grx_mint, self.quote_mint, self.book_keypair.pubkey(), self.quote_token_program)

    def ixs_create_market(self, fee_bps: int, order_capacity: int, seat_capacity: int,
                          **over: Pubkey) -> list[Instruction]:
        """Create the book account (book keypair signs) and initialise the market, in one transaction."""
        space = book_space(order_capacity, seat_capacity)
        lamports = self.svm.minimum_balance_for_rent_exemption(space)
        return [self.b.ix_create_book(self.payer.pubkey(), self.book_keypair.pubkey(), lamports, order_capacity,
                                      seat_capacity),
                self.b.ix_initialize_market(self.bootstrap.pubkey(), fee_bps, order_capacity, seat_capacity, **over)]

    def send(self, ixs: Instruction | Sequence[Instruction], *signers: Keypair) -> svm_lite.TxResult:
        return svm_lite.send(self.svm, ixs, self.payer, signers)

    def ok(self, ixs: Instruction | Sequence[Instruction], *signers: Keypair):
        return svm_lite.expect_ok(self.send(ixs, *signers))

    def now(self) -> int:
        return self.svm.get_clock().unix_timestamp

    def set_time(self, t: int) -> None:
        c = self.svm.get_clock()
        c.unix_timestamp = t
        self.svm.set_clock(c)

    def create_mint(self, decimals: int, *, token_program: Pubkey = TOKEN_2022_PROGRAM_ID,
                    authority: Keypair | None = None) -> Pubkey:
        mint = Keypair()
        rent = self.svm.minimum_balance_for_rent_exemption(82)
        auth = authority or self.grx_authority
        self.ok([ix_create_account(self.payer.pubkey(), mint.pubkey(), rent, 82, token_program),
                 ix_initialize_mint2(mint.pubkey(), decimals, auth.pubkey(), token_program)], mint)
        return mint.pubkey()

    def token_account(self, owner: Pubkey, mint: Pubkey, token_program: Pubkey | None = None) -> Pubkey:
        tp = token_program or (self.quote_token_program if mint == self.quote_mint else TOKEN_2022_PROGRAM_ID)
        self.ok(ix_create_ata(self.payer.pubkey(), owner, mint, tp))
        return associated_token_address(owner, mint, tp)

    def extra_token_account(self, owner: Pubkey, mint: Pubkey) -> Pubkey:
        """A second (non-associated) token account of ``owner`` for ``mint`` (InitializeAccount3)."""
        tp = self.quote_token_program if mint == self.quote_mint else TOKEN_2022_PROGRAM_ID
        acct = Keypair()
        rent = self.svm.minimum_balance_for_rent_exemption(165)
        init = Instruction(tp, bytes([18]) + bytes(owner), [AccountMeta(acct.pubkey(), False, True),
                                                             AccountMeta(mint, False, False)])
        self.ok([ix_create_account(self.payer.pubkey(), acct.pubkey(), rent, 165, tp), init], acct)
        return acct.pubkey()

    def mint_to(self, mint: Pubkey, dest: Pubkey, amount: int) -> None:
        tp = self.quote_token_program if mint == self.quote_mint else TOKEN_2022_PROGRAM_ID
        if amount:
            self.ok(ix_mint_to(mint, dest, self.grx_authority.pubkey(), amount, tp), self.grx_authority)

    def new_user(self, grx: int = 0, quote: int = 0) -> User:
        kp = svm_lite.funded_keypair(self.svm)
        u = User(kp, self.token_account(kp.pubkey(), self.grx_mint), self.token_account(kp.pubkey(), self.quote_mint))
        self.mint_to(self.grx_mint, u.grx, grx)
        self.mint_to(self.quote_mint, u.quote, quote)
        self.users.append(u)
        return u

    def make_erc(self, owner: Pubkey, energy_wh: int, *, status: int = 1, expires_at: int | None = None,
                 cert_id: bytes | None = None) -> Pubkey:
        """Forge a governance ``ErcCertificate`` PDA (status 1 = Validated) owned by ``owner``."""
        from gridtokenx_cli.testing import governance as gov
        from gridtokenx_cli.generated.governance.accounts import ErcCertificate

        self.certs += 1
        cid = cert_id or gov.certificate_id(f"trading-test-{self.certs}")
        address, bump = gov.erc_certificate_pda(cid)
        now = self.now()
        body = ErcCertificate.layout.build({
            "certificate_id": list(cid), "owner": owner, "meter": Pubkey.new_unique(), "energy_amount": energy_wh,
            "issued_at": now, "expires_at": now + gov.ERC_VALIDITY_SECONDS if expires_at is None else expires_at,
            "status": _erc_status(status).to_encodable(), "bump": bump})
        svm_lite.set_account(self.svm, address, ErcCertificate.discriminator + body, GOVERNANCE_PROGRAM_ID)
        return address

    # ------------------------------------------------------------------ state
    @property
    def market_address(self) -> Pubkey:
        return market_pda()[0]

    @property
    def accts(self) -> dict[str, Pubkey]:
        return market_accounts()

    def market(self) -> MarketState:
        return decode_market(bytes(self.svm.get_account(self.market_address).data))

    def book(self) -> Book:
        return decode_book(bytes(self.svm.get_account(self.book_keypair.pubkey()).data))

    def pool(self, curve: int) -> AmmPool:
        return decode_pool(bytes(self.svm.get_account(pool_pda(curve)[0]).data))

    def erc_usage(self, cert: Pubkey) -> ErcUsage:
        return decode_erc_usage(bytes(self.svm.get_account(erc_usage_pda(cert)[0]).data))

    def balance(self, token_account: Pubkey) -> int:
        return token_balance(self.svm, token_account)

    def seat(self, user: User) -> Seat:
        """The user's seat, claimed first if he has none."""
        book = self.book()
        slot = book.slot_to_claim(user.pubkey)
        if slot is not None:
            self.ok(self.b.ix_claim_seat(user.pubkey, slot), user.keypair)
            book = self.book()
        seat = book.seat_of(user.pubkey)
        assert seat is not None
        return seat

    def slot(self, user: User) -> int:
        return self.seat(user).slot

    # ------------------------------------------------------------------ convenience
    def deposit(self, user: User, asset: int, amount: int) -> None:
        account = user.grx if asset == ASSET_GRX else user.quote
        self.ok(self.b.ix_deposit(user.pubkey, self.slot(user), asset, amount, account), user.keypair)

    def withdraw(self, user: User, asset: int, amount: int) -> None:
        account = user.grx if asset == ASSET_GRX else user.quote
        self.ok(self.b.ix_withdraw(user.pubkey, self.slot(user), asset, amount, account), user.keypair)

    def place(self, user: User, side: int, amount_wh: int, price: int, *, cert: Pubkey | None = None,
              order_type: int = LIMIT, match_limit: int = DEFAULT_MATCH_LIMIT, fund: bool = True) -> int:
        """Funds (seat + deposit of what the free balance lacks, when ``fund``) and places one order from
        the user's wallet; returns its order id."""
        if side == SIDE_SELL and cert is None:
            cert = self.make_erc(user.pubkey, amount_wh)
        self.seat(user)
        book = self.book()
        order_id = book.header.next_order_id
        if fund:
            ixs = self.b.fund_and_place(book, user.pubkey, side, price, amount_wh,
                                        token_account=user.quote if side == SIDE_BUY else user.grx,
                                        certificate=cert, order_type=order_type, match_limit=match_limit)
        else:
            ixs = [self.ix_place(user, side, amount_wh, price, cert=cert, order_type=order_type,
                                 match_limit=match_limit)]
        self.ok(ixs, user.keypair)
        return order_id

    def ix_place(self, user: User, side: int, amount_wh: int, price: int, *, cert: Pubkey | None = None,
                 order_type: int = LIMIT, match_limit: int = DEFAULT_MATCH_LIMIT,
                 certs: Sequence[Pubkey] | None = None, slot: int | None = None, **over: Pubkey) -> Instruction:
        slot = self.slot(user) if slot is None else slot
        if side == SIDE_BUY:
            if certs is None:
                certs = certs_for_taker(self.book(), side, price, amount_wh, match_limit)
            return self.b.ix_place_buy(user.pubkey, slot, price, amount_wh, order_type=order_type,
                                       match_limit=match_limit, certs=certs, **over)
        assert cert is not None
        return self.b.ix_place_sell(user.pubkey, slot, price, amount_wh, cert, order_type=order_type,
                                    match_limit=match_limit, **over)

    def place_buy(self, user: User, amount_wh: int, price: int, **kw: Any) -> int:
        return self.place(user, SIDE_BUY, amount_wh, price, **kw)

    def place_sell(self, user: User, amount_wh: int, price: int, cert: Pubkey | None = None, **kw: Any) -> int:
        return self.place(user, SIDE_SELL, amount_wh, price, cert=cert, **kw)

    def ix_cancel(self, user: User, order_id: int, **over: Any) -> Instruction:
        order = self.book().find(order_id)
        cert = order.erc_certificate if order is not None and order.side == SIDE_SELL else None
        return self.b.ix_cancel(user.pubkey, self.slot(user), order_id, cert, **over)

    def cancel(self, user: User, order_id: int) -> None:
        self.ok(self.ix_cancel(user, order_id), user.keypair)

    def ix_crank(self, cranker: Pubkey, max_pairs: int = 8, certs: Sequence[Pubkey] | None = None,
                 **over: Pubkey) -> Instruction:
        certs = certs_for_crank(self.book(), max_pairs) if certs is None else certs
        return self.b.ix_match(cranker, max_pairs, certs, **over)

    def ix_auction(self, cranker: Pubkey, certs: Sequence[Pubkey] | None = None, **over: Pubkey) -> Instruction:
        certs = certs_for_auction(self.book()) if certs is None else certs
        return self.b.ix_auction(cranker, certs, **over)

    def ix_initialize_pool(self, admin: User, curve: int, grx_amount: int, quote_amount: int,
                           **over: Pubkey) -> Instruction:
        return self.b.ix_initialize_pool(admin.pubkey, admin.grx, admin.quote, curve, grx_amount, quote_amount, **over)

    def ix_swap(self, user: User, curve: int, direction: int, amount_in: int, min_out: int,
                **over: Pubkey) -> Instruction:
        return self.b.ix_swap(user.pubkey, user.grx, user.quote, curve, direction, amount_in, min_out, **over)

    def ix_withdraw_fees(self, admin: Pubkey, destination: Pubkey, amount: int, **over: Pubkey) -> Instruction:
        return self.b.ix_withdraw_fees(admin, destination, amount, **over)

    def ix_propose(self, authority: Pubkey, new_authority: Pubkey) -> Instruction:
        return self.b.ix_propose(authority, new_authority)

    def ix_accept(self, authority: Pubkey) -> Instruction:
        return self.b.ix_accept(authority)

    def ix_cancel_transfer(self, authority: Pubkey) -> Instruction:
        return self.b.ix_cancel_transfer(authority)

    def set_mode(self, mode: int) -> None:
        self.ok(self.b.ix_set_mode(self.bootstrap.pubkey(), mode), self.bootstrap)

    def _user(self, owner: Pubkey) -> User | None:
        return next((u for u in self.users if u.pubkey == owner), None)


def _erc_status(status: int) -> Any:
    from gridtokenx_cli.generated.governance.types import erc_status

    return [erc_status.Issued(), erc_status.Validated(), erc_status.Revoked()][status]

