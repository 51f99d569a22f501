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
/// Most resting orders one `execute_batch_auction` accepts: 16 crossing orders take about 420k CU (a
/// ComputeBudget limit above the 200k default is needed past ~6 orders), the 32 KiB heap and the 10 KB log
/// limit end it not far above. A legacy transaction carries about 7 order groups; more need a v0 transaction
/// with an address lookup table.
pub const MAX_BATCH_ORDERS: usize = 16;
/// Largest initial pool reserve: keeps 4·x0 inside u64 and every product of the curve math inside u128.
/// Most order accounts one `emit_market_depth` aggregates.
pub const MAX_DEPTH_ORDERS: usize = 64;
pub const MAX_POOL_RESERVE: u64 = (1 << 62) - 1;

/// `[GRX_ESCROW, market]`: the market's GRX escrow token account (authority: escrow authority PDA).
pub const GRX_ESCROW: &[u8] = b"grx_escrow";
/// `[QUOTE_ESCROW, market]`: the market's quote escrow token account (authority: escrow authority PDA).
pub const QUOTE_ESCROW: &[u8] = b"quote_escrow";
/// `[FEE_VAULT, market]`: quote token account collecting the fees (authority: escrow authority PDA).
pub const FEE_VAULT: &[u8] = b"fee_vault";
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

/// The singleton market (docs/programs.md: `Market`), PDA `[seeds::MARKET]`.
///
/// Named `MarketState` (and `LimitOrder`, `AmmPool`) because the IDL generator's module-path conversion
/// (gridtokenx_cli/toolchain/idl.py `convert_module_paths`) treats a type name that prefixes another type's
/// name (`Market` / `MarketDepth`) as a conflict.
#[account]
#[derive(InitSpace)]
pub struct MarketState {
    pub admin: AuthorityState,
    pub grx_mint: Pubkey,
    pub quote_mint: Pubkey,
    pub grx_escrow: Pubkey,
    pub quote_escrow: Pubkey,
    pub fee_vault: Pubkey,
    pub fee_bps: u16,
    /// Id of the next order (orders are `[seeds::ORDER, market, order_id u64 le]`); also their time order.
    pub next_order_id: u64,
    /// Orders that are Open or PartiallyFilled.
    pub open_orders: u64,
    /// Number of fills (one per buy/sell pair that traded).
    pub total_trades: u64,
    pub total_volume_wh: u64,
    /// Σ quote paid by buyers (fees included), quote base units.
    pub total_quote_volume: u128,
    /// Σ fees sent to the fee vault, quote base units.
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

#[derive(AnchorSerialize, AnchorDeserialize, Clone, Copy, Debug, PartialEq, Eq, InitSpace)]
pub enum OrderSide {
    Buy,
    Sell,
}

#[derive(AnchorSerialize, AnchorDeserialize, Clone, Copy, Debug, PartialEq, Eq, InitSpace)]
pub enum OrderStatus {
    Open,
    PartiallyFilled,
    Filled,
    Cancelled,
}

/// A limit order, PDA `[seeds::ORDER, market, order_id u64 le]`.
#[account]
#[derive(InitSpace)]
pub struct LimitOrder {
    pub market: Pubkey,
    pub order_id: u64,
    pub owner: Pubkey,
    pub side: OrderSide,
    pub status: OrderStatus,
    /// Limit price, micro-quote per kWh.
    pub price: u64,
    pub amount_wh: u64,
    pub filled_wh: u64,
    /// Tokens still held in escrow for this order: quote base units for a buy
    /// (`quote_for(amount_wh − filled_wh, price)`), GRX base units for a sell.
    pub escrow_remaining: u64,
    /// Sell orders: the ERC that covers the energy (default key for buys).
    pub erc_certificate: Pubkey,
    pub created_at: i64,
    pub bump: u8,
}

impl LimitOrder {
    pub const SPACE: usize = 8 + Self::INIT_SPACE;

    pub fn is_open(&self) -> bool {
        matches!(self.status, OrderStatus::Open | OrderStatus::PartiallyFilled)
    }

    /// Unfilled energy, Wh (`filled_wh <= amount_wh` is an invariant of every handler).
    pub fn remaining_wh(&self) -> u64 {
        self.amount_wh.saturating_sub(self.filled_wh)
    }
}

/// Energy of one ERC committed to sell orders, PDA `[ERC_USAGE, certificate]` (created by the first sell
/// order against the certificate). The certificate belongs to governance, so trading keeps its own tally:
/// placing a sell adds its amount, cancelling gives the unfilled rest back, filled energy stays committed.
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
