use anchor_lang::prelude::*;

use crate::state::{CurveType, OrderSide, SwapDirection};

#[event]
pub struct MarketInitialized {
    pub market: Pubkey,
    pub admin: Pubkey,
    pub grx_mint: Pubkey,
    pub quote_mint: Pubkey,
    pub fee_bps: u16,
}

#[event]
pub struct OrderPlaced {
    pub order: Pubkey,
    pub order_id: u64,
    pub owner: Pubkey,
    pub side: OrderSide,
    pub price: u64,
    pub amount_wh: u64,
    /// Tokens moved into escrow (quote base units for a buy, GRX base units for a sell).
    pub escrowed: u64,
    pub erc_certificate: Pubkey,
    pub timestamp: i64,
}

#[event]
pub struct OrderCancelled {
    pub order: Pubkey,
    pub order_id: u64,
    pub owner: Pubkey,
    pub side: OrderSide,
    pub unfilled_wh: u64,
    /// Escrow returned to the owner.
    pub refunded: u64,
}

#[event]
pub struct OrderClosed {
    pub order: Pubkey,
    pub order_id: u64,
    pub owner: Pubkey,
}

/// One fill between a buy and a sell order (match_orders, and every pair of a batch auction).
#[event]
pub struct OrderMatched {
    pub buy_order: Pubkey,
    pub sell_order: Pubkey,
    pub buy_order_id: u64,
    pub sell_order_id: u64,
    pub buyer: Pubkey,
    pub seller: Pubkey,
    pub amount_wh: u64,
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

/// Up to 10 price levels per side, best first, aggregated from the resting orders passed in.
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
