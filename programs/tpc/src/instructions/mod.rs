//! One module per instruction: the `#[derive(Accounts)]` struct and its `handler`.
// Every module exports `handler`; lib.rs calls them by path, the glob re-exports are for the Accounts structs.
#![allow(ambiguous_glob_reexports)]

pub mod create_table;
pub mod customer_position;
pub mod delivery;
pub mod forecast_revenue;
pub mod initialize;
pub mod load_rows;
pub mod market_feed;
pub mod market_watch;
pub mod new_order;
pub mod order_status;
pub mod payment;
pub mod pricing_summary;
pub mod refresh_delete;
pub mod refresh_insert;
pub mod seal;
pub mod stock_level;
pub mod trade_order;
pub mod trade_result;

pub use create_table::*;
pub use customer_position::*;
pub use delivery::*;
pub use forecast_revenue::*;
pub use initialize::*;
pub use load_rows::*;
pub use market_feed::*;
pub use market_watch::*;
pub use new_order::*;
pub use order_status::*;
pub use payment::*;
pub use pricing_summary::*;
pub use refresh_insert::*;
pub use seal::*;
pub use stock_level::*;
pub use trade_order::*;
pub use trade_result::*;

pub use crate::state::Scale;
