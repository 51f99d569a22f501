use anchor_lang::prelude::*;

use crate::state::{Asset, CancelReason, CurveType, MarketMode, OrderSide, OrderType, SwapDirection};

#[event]
pub struct MarketInitialized {
    pub market: Pubkey,
    pub admin: Pubkey,
    pub book: Pubkey,
    pub grx_mint: Pubkey,
    pub quote_mint: Pubkey,
    pub fee_bps: u16,
    pub order_capacity: u32,
    pub seat_capacity: u32,
}

#[event]
pub struct MarketModeChanged {
    pub mode: MarketMode,
}

#[event]
pub struct SeatClaimed {
    pub owner: Pubkey,
    pub slot: u32,
    /// The trader whose empty seat was taken over (the default key for a never-used slot).
    pub previous_owner: Pubkey,
}

/// A deposit into (`deposit`) or withdrawal from (`withdraw`) a seat's free balance.
#[event]
pub struct BalanceMoved {
    pub owner: Pubkey,
    pub slot: u32,
    pub asset: Asset,
    /// `true` for a deposit, `false` for a withdrawal.
    pub deposit: bool,
    pub amount: u64,
    pub free_after: u64,
}

/// A new order: what it filled at once, and what rests (0 for a filled or immediate-or-cancel order).
#[event]
pub struct OrderPlaced {
    pub order_id: u64,
    pub owner: Pubkey,
    pub slot: u32,
    pub side: OrderSide,
    pub order_type: OrderType,
    pub price: u64,
    pub amount_wh: u64,
    pub filled_wh: u64,
    pub resting_wh: u64,
    /// Asks: the certificate backing the energy (default key for bids).
    pub erc_certificate: Pubkey,
    pub timestamp: i64,
}

/// A resting order (or an immediate-or-cancel remainder) left the book without trading.
#[event]
pub struct OrderCancelled {
    pub order_id: u64,
    pub owner: Pubkey,
    pub side: OrderSide,
    pub price: u64,
    pub unfilled_wh: u64,
    /// Locked tokens returned to the owner's free balance (quote for a bid, GRX for an ask).
    pub released: u64,
    pub reason: CancelReason,
}

/// One fill between a bid and an ask (a placed order against the book, or the match crank).
#[event]
pub struct OrderMatched {
    pub buy_order_id: u64,
    pub sell_order_id: u64,
    pub buyer: Pubkey,
    pub seller: Pubkey,
    pub amount_wh: u64,
    /// The resting (earlier) order's price.
    pub price: u64,
    pub quote_amount: u64,
    pub fee: u64,
    pub buyer_refund: u64,
    pub buy_remaining_wh: u64,
    pub sell_remaining_wh: u64,
    pub timestamp: i64,
}

/// One buy × sell pair of a batch auction (all at the auction's clearing price).
#[derive(AnchorSerialize, AnchorDeserialize, Clone, Copy, Debug, PartialEq, Eq)]
pub struct AuctionFill {
    pub buy_order_id: u64,
    pub sell_order_id: u64,
    pub amount_wh: u64,
    /// Quote paid by the buyer for this pair (fee included).
    pub quote_amount: u64,
    pub fee: u64,
}

/// The auction's result. The pairs are listed here rather than as one `OrderMatched` each, to stay well
/// inside the runtime's 10 KB log limit (a truncated log loses events).
#[event]
pub struct BatchAuctionExecuted {
    pub clearing_price: u64,
    pub volume_wh: u64,
    pub orders: u32,
    pub quote_volume: u64,
    pub fees: u64,
    pub fills: Vec<AuctionFill>,
    pub timestamp: i64,
}

/// Emitted after every clearing event (a match or an auction) with the updated statistics.
#[event]
pub struct PriceUpdated {
    pub price: u64,
    pub volume_wh: u64,
    pub vwap: u64,
    pub total_volume_wh: u64,
    pub total_trades: u64,
    pub timestamp: i64,
}

#[derive(AnchorSerialize, AnchorDeserialize, Clone, Copy, Debug, PartialEq, Eq)]
pub struct DepthLevel {
    pub price: u64,
    pub amount_wh: u64,
    pub orders: u32,
}

/// Up to 10 price levels per side, best first, aggregated from the book.
#[event]
pub struct MarketDepth {
    pub bids: Vec<DepthLevel>,
    pub asks: Vec<DepthLevel>,
    pub orders_seen: u32,
    pub timestamp: i64,
}

#[event]
pub struct PoolInitialized {
    pub pool: Pubkey,
    pub curve: CurveType,
    pub grx_reserve: u64,
    pub quote_reserve: u64,
}

#[event]
pub struct Swapped {
    pub pool: Pubkey,
    pub user: Pubkey,
    pub direction: SwapDirection,
    pub amount_in: u64,
    pub amount_out: u64,
    pub grx_reserve: u64,
    pub quote_reserve: u64,
}

#[event]
pub struct FeesWithdrawn {
    pub admin: Pubkey,
    pub destination: Pubkey,
    pub amount: u64,
}

#[event]
pub struct AuthorityTransferProposed {
    pub authority: Pubkey,
    pub pending_authority: Pubkey,
    pub expires_at: i64,
}

#[event]
pub struct AuthorityTransferAccepted {
    pub previous_authority: Pubkey,
    pub new_authority: Pubkey,
}

#[event]
pub struct AuthorityTransferCancelled {
    pub authority: Pubkey,
    pub cancelled_pending_authority: Pubkey,
}
