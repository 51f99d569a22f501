//! Pure integer math of the market: locked amounts, fees, fills, the uniform price of the call auction and the AMM curves. No accounts here, so it is unit-tested on the host
//! (`cargo test -p trading --lib`) and mirrored in `gridtokenx_cli/clients/trading.py`.
use crate::{
    error::TradingError,
    state::{CurveType, SwapDirection, BPS_DENOMINATOR, GRX_PER_WH, WH_PER_KWH},
};

pub type MathResult<T> = core::result::Result<T, TradingError>;

/// Quote base units for `amount_wh` at `price` (micro-quote per kWh): `amount_wh × price / 1000`, rounded
/// down, in u128 (the product of two u64 always fits), checked back into u64.
pub fn quote_for(amount_wh: u64, price: u64) -> MathResult<u64> {
    let q = u128::from(amount_wh) * u128::from(price) / WH_PER_KWH;
    u64::try_from(q).map_err(|_| TradingError::ArithmeticOverflow)
}

/// GRX base units for `amount_wh`.
pub fn grx_for(amount_wh: u64) -> MathResult<u64> {
    amount_wh.checked_mul(GRX_PER_WH).ok_or(TradingError::ArithmeticOverflow)
}

/// `amount × fee_bps / 10_000`, rounded **up**, so a positive fee rate never makes a trade of positive value
/// free of fees (the published fragment rounded down: any quote cost below `10_000 / fee_bps` units paid no
/// fee at all, and splitting a trade into such fills avoided the fee). Never more than `amount`, because
/// `fee_bps ≤ 10_000` (checked by initialize_market); 0 only when the amount or the rate is 0.
pub fn fee_for(amount: u64, fee_bps: u16) -> u64 {
    let fee = (u128::from(amount) * u128::from(fee_bps)).div_ceil(BPS_DENOMINATOR);
    // fee ≤ amount (see above), so it fits in u64; the min keeps that true even for a rate above 100 %.
    u64::try_from(fee).unwrap_or(amount).min(amount)
}

/// Token amounts of one fill of `amount_wh` between a bid (limit `bid`, `buy_remaining_wh` unfilled before
/// the fill) and an ask, at `price`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Fill {
    pub amount_wh: u64,
    pub price: u64,
    /// GRX base units from the seller's locked GRX to the buyer's free GRX.
    pub grx_amount: u64,
    /// Quote paid by the buyer: `quote_for(amount_wh, price)`.
    pub quote_cost: u64,
    /// Part of `quote_cost` kept as the market's fee (charged to the seller).
    pub fee: u64,
    /// `quote_cost − fee`, credited to the seller's free quote.
    pub seller_proceeds: u64,
    /// The buyer's locked quote this fill releases: `quote_for(remaining, bid) − quote_for(remaining − amount, bid)`.
    pub buyer_release: u64,
    /// `buyer_release − quote_cost`: the buyer's price improvement, back to his free quote.
    pub buyer_refund: u64,
}

/// A bid locks `quote_for(remaining_wh, bid)`; a fill releases the difference before and after, which covers
/// `quote_for(amount_wh, price)` because `price ≤ bid`. Prices are multiples of `PRICE_TICK`, so every
/// `quote_for` here is exact and a fill of ≥ 1 Wh always costs ≥ 1 quote unit (nothing rounds away).
pub fn compute_fill(bid: u64, buy_remaining_wh: u64, amount_wh: u64, price: u64, fee_bps: u16) -> MathResult<Fill> {
    if price > bid || amount_wh > buy_remaining_wh || amount_wh == 0 {
        return Err(TradingError::ArithmeticOverflow);
    }
    let buyer_release = quote_for(buy_remaining_wh, bid)?
        .checked_sub(quote_for(buy_remaining_wh - amount_wh, bid)?)
        .ok_or(TradingError::ArithmeticOverflow)?;
    let quote_cost = quote_for(amount_wh, price)?;
    let buyer_refund = buyer_release.checked_sub(quote_cost).ok_or(TradingError::ArithmeticOverflow)?;
    let fee = fee_for(quote_cost, fee_bps);
    Ok(Fill {
        amount_wh,
        price,
        grx_amount: grx_for(amount_wh)?,
        quote_cost,
        fee,
        seller_proceeds: quote_cost - fee,
        buyer_release,
        buyer_refund,
    })
}

/// Uniform price of the call auction over the crossing part of the book: `bids` best first (price
/// descending), `asks` best first (price ascending), each `(price, remaining_wh)`. Returns
/// `(price, volume_wh)`, or None when nothing crosses.
///
/// The candidate prices are the orders' limit prices (executable volume only changes there). The clearing
/// price maximises the executable volume `min(demand(p), supply(p))`, where demand counts the bids with
/// price ≥ p and supply the asks with price ≤ p. Ties, in order: (1) the smallest surplus
/// `|demand − supply|`; (2) the price closest to `reference` (the market's last clearing price; when there
/// is none, the mid-point of the lowest and highest still-tied candidates); (3) the lower price.
/// Three sweeps over the candidates in ascending order, each O(n) and without allocating (the SBF heap is
/// 32 KiB and never frees).
pub fn auction_price<B, A>(bids: B, asks: A, reference: u64) -> MathResult<Option<(u64, u64)>>
where
    B: DoubleEndedIterator<Item = (u64, u64)> + Clone,
    A: Iterator<Item = (u64, u64)> + Clone,
{
    let mut best_volume = 0u64;
    let mut best_surplus = u64::MAX;
    sweep(bids.clone(), asks.clone(), |_, volume, surplus| {
        if volume > best_volume || (volume == best_volume && surplus < best_surplus) {
            best_volume = volume;
            best_surplus = surplus;
        }
    })?;
    if best_volume == 0 {
        return Ok(None);
    }
    let tied = |volume: u64, surplus: u64| volume == best_volume && surplus == best_surplus;
    let (mut lo, mut hi) = (u64::MAX, 0u64);
    sweep(bids.clone(), asks.clone(), |p, v, s| {
        if tied(v, s) {
            lo = lo.min(p);
            hi = hi.max(p);
        }
    })?;
    let reference = if reference == 0 { lo + (hi - lo) / 2 } else { reference };
    let mut price = lo;
    sweep(bids, asks, |p, v, s| {
        // ascending p: on an equal distance the lower price, seen first, stays
        if tied(v, s) && p.abs_diff(reference) < price.abs_diff(reference) {
            price = p;
        }
    })?;
    Ok(Some((price, best_volume)))
}

/// Calls `f(p, volume, surplus)` for every distinct limit price `p` of `bids` and `asks`, ascending.
fn sweep<B, A>(bids: B, asks: A, mut f: impl FnMut(u64, u64, u64)) -> MathResult<()>
where
    B: DoubleEndedIterator<Item = (u64, u64)> + Clone,
    A: Iterator<Item = (u64, u64)> + Clone,
{
    let overflow = || TradingError::ArithmeticOverflow;
    // demand(p) = Σ bids with price ≥ p: start from all of them and drop those below each candidate
    let mut demand = bids.clone().try_fold(0u64, |acc, o| acc.checked_add(o.1)).ok_or_else(overflow)?;
    let mut supply = 0u64;
    let mut candidate_bids = bids.clone().rev().peekable(); // ascending price
    let mut candidate_asks = asks.clone().peekable(); // ascending price (best first)
    let mut dropped_bids = bids.rev().peekable();
    let mut counted_asks = asks.peekable();
    loop {
        let p = match (candidate_bids.peek(), candidate_asks.peek()) {
            (Some(b), Some(a)) => b.0.min(a.0),
            (Some(b), None) => b.0,
            (None, Some(a)) => a.0,
            (None, None) => return Ok(()),
        };
        while candidate_bids.next_if(|b| b.0 == p).is_some() {}
        while candidate_asks.next_if(|a| a.0 == p).is_some() {}
        while let Some(b) = dropped_bids.next_if(|b| b.0 < p) {
            demand -= b.1; // part of the sum above
        }
        while let Some(a) = counted_asks.next_if(|a| a.0 <= p) {
            supply = supply.checked_add(a.1).ok_or_else(overflow)?;
        }
        f(p, demand.min(supply), demand.abs_diff(supply));
    }
}

/// `a × b` of two u64 in u128: never overflows. (The SBF toolchain cannot lower a general
/// `u128::checked_mul` — it becomes a libcall returning i128 — so every 128-bit product here is built
/// from u64 operands.)
fn wide_mul(a: u64, b: u64) -> u128 {
    u128::from(a) * u128::from(b)
}

fn mul_div_floor(a: u64, b: u64, c: u128) -> MathResult<u128> {
    wide_mul(a, b).checked_div(c).ok_or(TradingError::ArithmeticOverflow)
}

fn mul_div_ceil(a: u64, b: u64, c: u128) -> MathResult<u128> {
    if c == 0 {
        return Err(TradingError::ArithmeticOverflow);
    }
    Ok(wide_mul(a, b).div_ceil(c))
}

fn to_u64(v: u128) -> MathResult<u64> {
    u64::try_from(v).map_err(|_| TradingError::ArithmeticOverflow)
}

/// LinearSolar: quote value of the GRX reserve `x` under the price curve P(u) = y0 · (2x0 − u) / x0²,
/// i.e. Φ(x) = ∫₀ˣ P = y0 · x · (4x0 − x) / (2 x0²), computed as ((x(4x0 − x) / 2x0) · y0) / x0 so every
/// intermediate stays in u128 (x ≤ 2x0 < 2^63, 4x0 < 2^64, y0 < 2^62). `y + Φ(x)` is the invariant; rounding
/// always goes in the pool's favour (callers take Φ rounded up where it is subtracted from what they get).
pub fn linear_phi(x: u64, x0: u64, y0: u64, round_up: bool) -> MathResult<u128> {
    let two_x0 = x0.checked_mul(2).ok_or(TradingError::ArithmeticOverflow)?;
    let four_x0 = x0.checked_mul(4).ok_or(TradingError::ArithmeticOverflow)?;
    if x > two_x0 {
        return Err(TradingError::InsufficientLiquidity);
    }
    // a = x(4x0 − x) / 2x0 ≤ 2x0 (the maximum of x(4x0 − x) on [0, 2x0] is 4x0², at x = 2x0)
    let a = if round_up {
        mul_div_ceil(x, four_x0 - x, u128::from(two_x0))?
    } else {
        mul_div_floor(x, four_x0 - x, u128::from(two_x0))?
    };
    let a = to_u64(a)?;
    if round_up {
        mul_div_ceil(a, y0, u128::from(x0))
    } else {
        mul_div_floor(a, y0, u128::from(x0))
    }
}

/// Floor square root (Newton's method from a power of two above the root).
pub fn isqrt(n: u128) -> u128 {
    if n < 2 {
        return n;
    }
    let bits = 128 - n.leading_zeros();
    let mut x: u128 = 1u128 << bits.div_ceil(2); // ≥ √n
    loop {
        let y = (x + n / x) / 2;
        if y >= x {
            return x;
        }
        x = y;
    }
}

/// LinearSolar, quote in: the most GRX `dx < x` whose cost `Φ⌈x⌉ − Φ⌊x − dx⌋` is ≤ `amount_in`, in closed
/// form. With `u = x − dx` and `T = Φ⌈x⌉ − amount_in`, `Φ⌊u⌋ ≥ T` ⟺ `A(u) = ⌊u(4x0 − u) / 2x0⌋ ≥ ⌈T·x0 / y0⌉`
/// ⟺ `u(4x0 − u) ≥ T3 = ⌈T·x0 / y0⌉ · 2x0`, whose least solution on [0, 2x0] is exactly
/// `u = 2x0 − ⌊√(4x0² − T3)⌋` (since `(2x0 − s)(2x0 + s) = 4x0² − s²`). One integer square root instead of a
/// search, exact with respect to the rounding of Φ.
fn linear_buy_out(amount_in: u64, x: u64, x0: u64, y0: u64) -> MathResult<u64> {
    let top = to_u64(linear_phi(x, x0, y0, true)?)?; // ≤ Φ(2x0) + 1 = 2·y0 + 1 < 2^64
    if x == 0 {
        return Ok(0);
    }
    let Some(t) = top.checked_sub(amount_in).filter(|t| *t > 0) else {
        return Ok(x - 1); // the budget covers the whole reserve: all but one unit
    };
    let two_x0 = x0.checked_mul(2).ok_or(TradingError::ArithmeticOverflow)?;
    let t2 = to_u64(mul_div_ceil(t, x0, u128::from(y0))?)?; // ≤ A(x) ≤ 2x0
    let t3 = wide_mul(t2, two_x0);
    let s = isqrt(wide_mul(two_x0, two_x0).saturating_sub(t3));
    let u = u128::from(two_x0).saturating_sub(s).max(1);
    to_u64(u128::from(x).saturating_sub(u))
}

/// Output of an exact-input swap of `amount_in` against reserves `(grx, quote)`, the curve parameters
/// being the initial reserves `(x0, y0)`. Errors: InsufficientLiquidity when the trade would empty the
/// output reserve (or, on LinearSolar, push the GRX reserve past 2·x0 where the curve's price is zero).
///
/// Fixes to the published fragment (platform-algorithms 1.5): LinearSolar's `slope = reserve_tokens /
/// reserve_energy` truncates (5/3 → 1) and, priced at the current reserve ratio, buying then selling back is
/// a money pump; it is replaced by a linear price curve with an invariant. SteepWind's `k / new_energy`
/// rounds in the trader's favour (k shrinks) and underflows when the trade exceeds the reserve; here
/// `out = R_out · in / (R_in + in)` rounded down. FlatBattery's `y = x` ignored the units (GRX base units vs
/// quote base units); it trades at the pool's initial price.
pub fn swap_out(
    curve: CurveType,
    direction: SwapDirection,
    amount_in: u64,
    grx_reserve: u64,
    quote_reserve: u64,
    x0: u64,
    y0: u64,
) -> MathResult<u64> {
    let (r_in, r_out) = match direction {
        SwapDirection::BuyGrx => (quote_reserve, grx_reserve),
        SwapDirection::SellGrx => (grx_reserve, quote_reserve),
    };
    let out: u128 = match curve {
        CurveType::SteepWind => {
            let denom = u128::from(r_in) + u128::from(amount_in);
            mul_div_floor(r_out, amount_in, denom)?
        }
        CurveType::FlatBattery => match direction {
            SwapDirection::BuyGrx => mul_div_floor(amount_in, x0, u128::from(y0))?,
            SwapDirection::SellGrx => mul_div_floor(amount_in, y0, u128::from(x0))?,
        },
        CurveType::LinearSolar => match direction {
            SwapDirection::SellGrx => {
                let x_after = grx_reserve.checked_add(amount_in).ok_or(TradingError::InsufficientLiquidity)?;
                let high = linear_phi(x_after, x0, y0, false)?;
                let low = linear_phi(grx_reserve, x0, y0, true)?;
                high.saturating_sub(low) // rounding can make a dust trade worth 0: the caller rejects 0
            }
            SwapDirection::BuyGrx => u128::from(linear_buy_out(amount_in, grx_reserve, x0, y0)?),
        },
    };
    if out >= u128::from(r_out) {
        return Err(TradingError::InsufficientLiquidity);
    }
    // out < r_out ≤ u64::MAX
    u64::try_from(out).map_err(|_| TradingError::ArithmeticOverflow)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quote_and_fee() {
        assert_eq!(quote_for(1_000, 5_000_000).unwrap(), 5_000_000);
        assert_eq!(quote_for(1, 999).unwrap(), 0);
        assert_eq!(quote_for(u64::MAX, u64::MAX), Err(TradingError::ArithmeticOverflow));
        assert_eq!(fee_for(10_000, 25), 25);
        assert_eq!(fee_for(10_001, 25), 26); // rounded up
        assert_eq!(fee_for(1, 1), 1); // a positive rate never rounds a positive cost to a free trade
        assert_eq!(fee_for(0, 25), 0);
        assert_eq!(fee_for(1_000, 0), 0);
        assert_eq!(fee_for(u64::MAX, 10_000), u64::MAX);
        assert_eq!(fee_for(u64::MAX, 9_999), u64::MAX - u64::MAX / 10_000);
        assert_eq!(grx_for(u64::MAX), Err(TradingError::ArithmeticOverflow));
    }

    #[test]
    fn fill_accounting() {
        // bid 0.999 quote/kWh, 7 Wh left, 3 Wh at 0.5: release 3 × 0.999, cost 3 × 0.5, refund the rest
        let f = compute_fill(999_000, 7, 3, 500_000, 100).unwrap();
        assert_eq!(f.buyer_release, 2_997);
        assert_eq!(f.quote_cost, 1_500);
        assert_eq!(f.buyer_refund, 1_497);
        assert_eq!(f.grx_amount, 3 * GRX_PER_WH);
        assert_eq!(f.fee, 15);
        assert_eq!(f.seller_proceeds, 1_485);
        assert_eq!(compute_fill(999_000, 7, 8, 500_000, 100), Err(TradingError::ArithmeticOverflow));
        assert_eq!(compute_fill(999_000, 7, 1, 1_000_000, 100), Err(TradingError::ArithmeticOverflow));
    }

    #[test]
    fn auction_maximises_volume() {
        let run = |b: &[(u64, u64)], a: &[(u64, u64)], r| auction_price(b.iter().copied(), a.iter().copied(), r);
        let bids = [(550, 100), (500, 200), (480, 150)];
        let asks = [(450, 180), (500, 120), (520, 80)];
        assert_eq!(run(&bids, &asks, 0).unwrap(), Some((500, 300)));
        assert_eq!(run(&[(1, 5)], &[(2, 5)], 0).unwrap(), None);
        // equal volume and surplus at 10 and 12: the mid-point 11 is as close to both: the lower price
        assert_eq!(run(&[(12, 5)], &[(10, 5)], 0).unwrap(), Some((10, 5)));
        // ... and the reference decides when there is one
        assert_eq!(run(&[(12, 5)], &[(10, 5)], 12).unwrap(), Some((12, 5)));
        // equal prices on both sides are one candidate
        assert_eq!(run(&[(10, 3), (10, 2)], &[(10, 4)], 0).unwrap(), Some((10, 4)));
    }

    #[test]
    fn amm_curves() {
        // SteepWind, published example (kWh units): 5000 energy / 25000 tokens
        assert_eq!(swap_out(CurveType::SteepWind, SwapDirection::BuyGrx, 510, 5000, 25000, 5000, 25000).unwrap(), 99);
        assert_eq!(swap_out(CurveType::FlatBattery, SwapDirection::SellGrx, 10, 100, 500, 100, 500).unwrap(), 50);
        assert_eq!(
            swap_out(CurveType::FlatBattery, SwapDirection::SellGrx, 100, 100, 500, 100, 500),
            Err(TradingError::InsufficientLiquidity)
        );
        // Linear: no round-trip profit
        let (x0, y0) = (1_000_000u64, 5_000_000u64);
        let got = swap_out(CurveType::LinearSolar, SwapDirection::BuyGrx, 500_000, x0, y0, x0, y0).unwrap();
        assert!(got > 90_000 && got < 100_000, "{got}");
        let back =
            swap_out(CurveType::LinearSolar, SwapDirection::SellGrx, got, x0 - got, y0 + 500_000, x0, y0).unwrap();
        assert!(back <= 500_000, "{back}");
        // closed form = the largest affordable dx
        for (budget, x) in [(500_000u64, x0), (1, x0), (7_777_777, 1_500_000), (123, 10), (10_000_000, 2_000_000)] {
            let dx = linear_buy_out(budget, x, x0, y0).unwrap();
            let top = linear_phi(x, x0, y0, true).unwrap();
            let cost = |d: u64| top.saturating_sub(linear_phi(x - d, x0, y0, false).unwrap());
            assert!(cost(dx) <= u128::from(budget));
            assert!(dx + 1 >= x || cost(dx + 1) > u128::from(budget), "{budget} {x} {dx}");
        }
        for n in [0u128, 1, 2, 3, 4, 15, 16, 17, u128::from(u64::MAX), u128::MAX] {
            let r = isqrt(n);
            assert!(r * r <= n && (r + 1).checked_mul(r + 1).map_or(true, |v| v > n));
        }
    }
}
