use anchor_lang::prelude::*;

#[event]
pub struct TpcInitialized {
    pub authority: Pubkey,
    pub warehouses: u16,
    pub items: u32,
}

#[event]
pub struct TpcSealed {
    pub authority: Pubkey,
}

#[event]
pub struct NewOrderPlaced {
    pub w_id: u16,
    pub d_id: u8,
    pub o_id: u32,
    pub c_id: u16,
    pub ol_cnt: u8,
    pub all_local: bool,
    pub bad_credit: bool,
    /// lines whose item and stock data both say ORIGINAL (brand-generic "B")
    pub brand_generic: u8,
    pub total_cents: u64,
}

#[event]
pub struct PaymentMade {
    pub w_id: u16,
    pub d_id: u8,
    pub c_w_id: u16,
    pub c_d_id: u8,
    pub c_id: u16,
    pub amount_cents: u32,
    pub balance_cents: i64,
}

#[event]
pub struct OrderStatusRead {
    pub c_id: u16,
    pub balance_cents: i64,
    pub o_id: u32,
    pub found: bool,
    pub carrier_id: u8,
    pub ol_cnt: u8,
    pub amount_cents: u64,
}

#[event]
pub struct DeliveryDone {
    pub w_id: u16,
    pub carrier_id: u8,
    /// per district 1..=10 the delivered order id, 0 when the district had none
    pub o_ids: Vec<u32>,
}

#[event]
pub struct StockLevelRead {
    pub w_id: u16,
    pub d_id: u8,
    pub threshold: u8,
    pub low_stock: u32,
}

#[event]
pub struct TradeOrdered {
    pub t_id: u64,
    pub account: u16,
    pub security: u8,
    pub is_buy: bool,
    pub quantity: u32,
    pub price_cents: u32,
}

#[event]
pub struct TradeSettled {
    pub t_id: u64,
    pub settled: bool,
    pub account: u16,
    pub cash_cents: i64,
    pub price_cents: u32,
}

#[event]
pub struct CustomerPositionRead {
    pub customer: u16,
    pub cash_cents: i64,
    pub market_value_cents: i64,
}

#[event]
pub struct MarketWatchRead {
    pub securities: u8,
    pub change_bp: i64,
}

#[event]
pub struct MarketFed {
    pub ticks: u8,
}

#[derive(AnchorSerialize, AnchorDeserialize, Clone, Debug)]
pub struct Q1Group {
    pub returnflag: u8,
    pub linestatus: u8,
    pub sum_qty: u64,
    pub sum_base_price: u64,
    pub sum_disc_price: u64,
    pub sum_charge: u64,
    pub sum_disc: u64,
    pub count: u64,
}

#[event]
pub struct PricingSummary {
    pub delta_days: u16,
    pub groups: Vec<Q1Group>,
}

#[event]
pub struct ForecastRevenue {
    pub revenue: u64,
    pub rows: u64,
}

#[event]
pub struct LineitemsChanged {
    pub orderkey: u32,
    pub inserted: u16,
    pub deleted: u16,
    pub chunk_rows: u16,
}
