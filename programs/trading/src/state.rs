//! Trading accounts and the seeds of the PDAs that are private to this program.
use anchor_lang::prelude::*;
use gridtokenx_common::AuthorityState;

/// 1 GRX = 1 kWh and GRX has 9 decimals, so 1 Wh = 10^6 GRX base units (`energy_token::GRX_PER_WH`;
/// repeated here so that trading does not depend on energy_token's crate for one constant).
pub const GRX_PER_WH: u64 = 1_000_000;
/// GRX decimals (docs/programs.md).
pub const GRX_DECIMALS: u8 = 9;
/// Prices are micro-units of the quote token per kWh, so the quote mint must have 6 decimals for
/// `amount_wh × price / 1000` to be in quote base units.
pub const QUOTE_DECIMALS: u8 = 6;
/// Wh per kWh: `quote = amount_wh × price / WH_PER_KWH`.
pub const WH_PER_KWH: u128 = 1_000;
/// Fees are in basis points.
pub const BPS_DENOMINATOR: u128 = 10_000;
pub const MAX_FEE_BPS: u16 = 10_000;
/// Points kept in the market's price-history ring (one per clearing event).
pub const PRICE_HISTORY_LEN: usize = 24;
/// Price levels per side in a `MarketDepth` event.
pub const DEPTH_LEVELS: usize = 10;
/// Prices are multiples of this (micro-quote per kWh, i.e. 0.001 quote per kWh): then
/// `quote_for(amount_wh, price) = amount_wh × price / 1000` is exact for every amount, so no fill rounds.
pub const PRICE_TICK: u64 = 1_000;
/// Book capacity bounds chosen at market creation (orders per side, seats): the account must stay under
/// the runtime's 10 MiB.
pub const MAX_ORDER_CAPACITY: u32 = 16_384;
pub const MAX_SEAT_CAPACITY: u32 = 16_384;
/// Most fills one batch auction executes (each is one entry of the `BatchAuctionExecuted` event, which must
/// stay inside the 10 KB log limit).
pub const MAX_AUCTION_FILLS: usize = 128;
/// Largest initial pool reserve: keeps 4·x0 inside u64 and every product of the curve math inside u128.
pub const MAX_POOL_RESERVE: u64 = (1 << 62) - 1;

/// `[GRX_ESCROW, market]`: the market's GRX escrow token account (authority: escrow authority PDA).
pub const GRX_ESCROW: &[u8] = b"grx_escrow";
/// `[QUOTE_ESCROW, market]`: the market's quote escrow token account (authority: escrow authority PDA).
pub const QUOTE_ESCROW: &[u8] = b"quote_escrow";
/// `[ERC_USAGE, certificate]`: how much of an ERC's energy is committed to sell orders.
pub const ERC_USAGE: &[u8] = b"erc_usage";
/// `[POOL_GRX_VAULT, pool]` / `[POOL_QUOTE_VAULT, pool]`: an AMM pool's reserves (authority: the pool PDA).
pub const POOL_GRX_VAULT: &[u8] = b"pool_grx";
pub const POOL_QUOTE_VAULT: &[u8] = b"pool_quote";

#[derive(AnchorSerialize, AnchorDeserialize, Clone, Copy, Debug, Default, PartialEq, Eq, InitSpace)]
pub struct PricePoint {
    /// Clearing price, micro-quote per kWh.
    pub price: u64,
    /// Energy traded at that price, Wh.
    pub volume_wh: u64,
    pub timestamp: i64,
}

/// The singleton market (docs/programs.md: `Market`), PDA `[seeds::MARKET]`: configuration, the addresses
/// of its book and vaults, and the trading statistics. The orders and the traders' balances live in the
/// zero-copy `OrderBook` account at `book`.
///
/// Named `MarketState` (and `AmmPool`) because the IDL generator's module-path conversion
/// (gridtokenx_cli/toolchain/idl.py `convert_module_paths`) treats a type name that prefixes another type's
/// name (`Market` / `MarketDepth`) as a conflict.
#[account]
#[derive(InitSpace)]
pub struct MarketState {
    pub admin: AuthorityState,
    pub grx_mint: Pubkey,
    pub quote_mint: Pubkey,
    /// The order book (a program-owned `OrderBook` account created with the market).
    pub book: Pubkey,
    /// GRX vault: holds every seat's GRX (free and locked behind asks). Authority: the escrow authority PDA.
    pub grx_escrow: Pubkey,
    /// Quote vault: holds every seat's quote (free and locked behind bids) and the unclaimed fees.
    pub quote_escrow: Pubkey,
    pub fee_bps: u16,
    pub mode: MarketMode,
    /// Fees earned and not yet withdrawn by the admin (they stay in the quote vault until then).
    pub fees_unclaimed: u64,
    /// Number of fills (one per bid/ask pair that traded).
    pub total_trades: u64,
    pub total_volume_wh: u64,
    /// Σ quote paid by buyers (fees included), quote base units.
    pub total_quote_volume: u128,
    /// Σ fees charged, quote base units.
    pub total_fees: u128,
    pub last_clearing_price: u64,
    pub last_trade_at: i64,
    /// Ring of the last `PRICE_HISTORY_LEN` clearing events; `price_history_head` is the next slot written.
    pub price_history: [PricePoint; PRICE_HISTORY_LEN],
    pub price_history_head: u8,
    pub price_history_count: u8,
    /// VWAP accumulators over the ring: Σ price × volume_wh and Σ volume_wh.
    pub history_notional: u128,
    pub history_volume: u128,
    /// `history_notional / history_volume` (0 before the first trade).
    pub vwap: u64,
    pub escrow_authority_bump: u8,
    pub bump: u8,
}

impl MarketState {
    pub const SPACE: usize = 8 + Self::INIT_SPACE;
}

/// How orders meet. `Continuous`: a new order matches the best opposite orders at once (the crank
/// finishes what a capped order left crossed). `Auction`: orders only rest (a crossing book is allowed)
/// and `execute_batch_auction` clears the whole book at one uniform price.
#[derive(AnchorSerialize, AnchorDeserialize, Clone, Copy, Debug, PartialEq, Eq, InitSpace)]
pub enum MarketMode {
    Continuous,
    Auction,
}

#[derive(AnchorSerialize, AnchorDeserialize, Clone, Copy, Debug, PartialEq, Eq, InitSpace)]
pub enum OrderSide {
    Buy,
    Sell,
}

impl OrderSide {
    pub fn opposite(self) -> Self {
        match self {
            OrderSide::Buy => OrderSide::Sell,
            OrderSide::Sell => OrderSide::Buy,
        }
    }
}

/// `Limit`: match what crosses, rest the remainder. `PostOnly`: rest only, refused (`PostOnlyWouldCross`)
/// if it would match. `ImmediateOrCancel`: match what crosses, cancel the remainder.
#[derive(AnchorSerialize, AnchorDeserialize, Clone, Copy, Debug, PartialEq, Eq, InitSpace)]
pub enum OrderType {
    Limit,
    PostOnly,
    ImmediateOrCancel,
}

/// Which of the two tokens a deposit or withdrawal moves.
#[derive(AnchorSerialize, AnchorDeserialize, Clone, Copy, Debug, PartialEq, Eq, InitSpace)]
pub enum Asset {
    Grx,
    Quote,
}

/// Why a resting order left the book without trading.
#[derive(AnchorSerialize, AnchorDeserialize, Clone, Copy, Debug, PartialEq, Eq, InitSpace)]
pub enum CancelReason {
    /// Cancelled by its owner.
    Owner,
    /// The unmatched rest of an immediate-or-cancel order.
    ImmediateOrCancel,
    /// An ask whose certificate expired (the expiry is stored in the book entry).
    ErcExpired,
    /// An ask whose certificate is no longer Validated (revoked).
    ErcNotValidated,
    /// An ask whose certificate now belongs to someone else.
    ErcTransferred,
}

/// Header of the order book account; the seats and both sides follow it in the same account
/// (`book::Book` is the view). Layout after the 8-byte discriminator:
/// `OrderBook` (this header, 64 bytes) | `Seat` × `seat_capacity` | bids: `RestingOrder` × `order_capacity` |
/// asks: `RestingOrder` × `order_capacity`. Each side is kept sorted **worst first**, so the best order is the
/// last entry: matching takes from the end in O(1), placing is a binary search plus one `sol_memmove` of
/// the better entries, cancelling a linear search plus one `sol_memmove`.
#[account(zero_copy)]
#[repr(C)]
pub struct OrderBook {
    pub market: Pubkey,
    /// Resting orders per side.
    pub order_capacity: u32,
    pub seat_capacity: u32,
    pub bid_count: u32,
    pub ask_count: u32,
    /// Seats ever claimed: slots `0..seat_count` have had an owner (a seat with no balance and no order can
    /// be taken over by another trader).
    pub seat_count: u32,
    pub _reserved: u32,
    /// Id of the next order: also its time priority (lower = earlier).
    pub next_order_id: u64,
}

/// A trader's balances inside the market (GRX and quote base units): `free` can be withdrawn or back new
/// orders, `locked` backs the trader's resting orders (a bid locks `quote_for(remaining, price)`, an ask
/// `grx_for(remaining)`).
#[zero_copy]
#[repr(C)]
pub struct Seat {
    pub owner: Pubkey,
    pub grx_free: u64,
    pub grx_locked: u64,
    pub quote_free: u64,
    pub quote_locked: u64,
    pub open_orders: u32,
    pub _reserved: u32,
}

impl Seat {
    pub fn is_empty(&self) -> bool {
        self.grx_free == 0
            && self.grx_locked == 0
            && self.quote_free == 0
            && self.quote_locked == 0
            && self.open_orders == 0
    }
}

/// One resting order.
#[zero_copy]
#[repr(C)]
pub struct RestingOrder {
    pub order_id: u64,
    /// Limit price, micro-quote per kWh (a multiple of `PRICE_TICK`).
    pub price: u64,
    pub remaining_wh: u64,
    /// Asks: the backing certificate's `expires_at` (an ask is never filled after it); bids: `i64::MAX`.
    pub erc_expires_at: i64,
    /// Asks: the certificate backing the energy; bids: the default key.
    pub erc_certificate: Pubkey,
    /// The owner's seat.
    pub trader_slot: u32,
    pub _reserved: u32,
}

/// Energy of one ERC committed to asks, PDA `[ERC_USAGE, certificate]` (created by the first ask against
/// the certificate). The certificate belongs to governance, so trading keeps its own tally: placing an ask
/// adds its amount, its owner cancelling gives the unfilled rest back, filled energy stays committed (it is
/// sold), and so does the rest of an ask removed because its certificate expired, was revoked or changed
/// hands (the certificate can no longer back anything of the seller's).
#[account]
#[derive(InitSpace)]
pub struct ErcUsage {
    pub certificate: Pubkey,
    pub committed_wh: u64,
    pub bump: u8,
}

impl ErcUsage {
    pub const SPACE: usize = 8 + Self::INIT_SPACE;
}

#[derive(AnchorSerialize, AnchorDeserialize, Clone, Copy, Debug, PartialEq, Eq, InitSpace)]
pub enum CurveType {
    /// Price rises linearly as GRX leaves the pool: P(x) = p0 · (2 − x/x0) (x = GRX reserve,
    /// p0 = y0/x0 the initial price). Low slippage, price-path independent.
    LinearSolar,
    /// Constant product x · y = k. High slippage.
    SteepWind,
    /// Constant sum at the initial price (y = x in value): no slippage until a side runs out.
    FlatBattery,
}

impl CurveType {
    pub fn seed(self) -> [u8; 1] {
        [self as u8]
    }
}

#[derive(AnchorSerialize, AnchorDeserialize, Clone, Copy, Debug, PartialEq, Eq, InitSpace)]
pub enum SwapDirection {
    /// Pay quote, receive GRX.
    BuyGrx,
    /// Pay GRX, receive quote.
    SellGrx,
}

/// An AMM pool, PDA `[seeds::POOL, curve u8]`.
#[account]
#[derive(InitSpace)]
pub struct AmmPool {
    pub market: Pubkey,
    pub curve: CurveType,
    pub grx_vault: Pubkey,
    pub quote_vault: Pubkey,
    /// Reserves as accounted by the pool (tokens sent to a vault directly are ignored).
    pub grx_reserve: u64,
    pub quote_reserve: u64,
    /// Initial reserves: the curve parameters of LinearSolar (x0, y0) and FlatBattery (the fixed price).
    pub initial_grx: u64,
    pub initial_quote: u64,
    pub total_swaps: u64,
    pub grx_vault_bump: u8,
    pub quote_vault_bump: u8,
    pub bump: u8,
}

impl AmmPool {
    pub const SPACE: usize = 8 + Self::INIT_SPACE;
}
