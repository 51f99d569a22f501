//! The validation layers of platform-algorithms §2.1–§2.5, as pure integer functions.
//!
//! Fixes to the illustration code of the spec:
//! * §2.1 computes the ratio with `f64` and only when an `anomaly_detection_enabled` flag is set; here it is
//!   integer cross-multiplication in u128 (`produced <= ratio × consumed`), always on. The illustration makes
//!   the ratio 0 (a pass) when `consumed == 0`; here the rule is defined there too: production with zero
//!   consumption is an infinite ratio, refused for a Grid meter (a grid connection always has some import
//!   over an interval), allowed for the generation types Solar, Wind and Battery, because a pure producer
//!   legitimately reports no consumption — the capacity bound below is what limits it.
//! * §2.1's only absolute bound was a configurable range (default 10⁹ Wh, i.e. 1 GWh per reading), which let a
//!   household meter report 900 MWh. Here every reading (the first one included) is also bounded by the
//!   meter's rated power: `value ≤ min(capacity_w, type ceiling) × elapsed s / 3600 × (100 + margin) / 100`,
//!   checked as `value × 360_000 ≤ power × elapsed × (100 + margin)` in u128: exact, so it is the floor of
//!   the real bound (a Wh the meter cannot have measured is never granted) and cannot overflow
//!   (< 2^83 on the left, < 2^98 on the right).
//!   `elapsed` never reaches back more than `first_reading_max_interval` before registration (see
//!   [`elapsed_seconds`]).
//! * §2.2's `calculate_deviation` ignored its `max_percent` argument and compared against a hard-coded 100,
//!   `diff * 100` could overflow, and a previous value of 0 disabled the check. Here
//!   `|Δ| ≤ max(max_deviation_percent % of the previous production, deviation_floor_percent % of this
//!   interval's capacity bound)`, cross-multiplied in u128 (exact: no truncated percent lets 50.9 % pass a
//!   50 % limit). The floor defines the rule at a previous value of 0 (the sunrise reading after a night of 0)
//!   and scales with the meter, so a 1 MW array is not stuck behind a household-sized allowance. A first
//!   reading has no previous value at all and is bounded by the capacity rule only (taking 0 as its previous
//!   value would lock out a meter commissioned in daylight: rejected readings never move the baseline).
//! * §2.2/§2.4 failed the transaction on a bad reading; here a bad reading is *recorded* (the caller
//!   counts it and emits `ReadingRejected`) and the instruction succeeds.
//! * §2.3 used `f64` for the success rate; here `valid × 100 / total` in u128.
//! * §2.4's moving average floored `0.8 × avg` and `0.2 × new` separately (losing up to 1 s per step) with
//!   floats; here `(4 × avg + new) / 5` in u128, floored once.
//! * §2.5 took per-field medians (produced from one oracle, consumed from another: a pair nobody reported)
//!   and averaged the two middle values for even counts (`(a + b) / 2` can overflow, and with two oracles one
//!   of them decides). Here the count must be odd and the accepted reading is one signer's whole reading
//!   equal to (median produced, median consumed); see [`consensus_reading`].
use crate::state::{RejectReason, MAX_FUTURE_SKEW_SECONDS, MAX_READING_GAP_SECONDS, METER_TYPE_COUNT};

/// `MeterType::Grid`'s index in `type_ceiling_w` (registry declaration order: Solar, Wind, Battery, Grid).
pub const METER_TYPE_GRID: usize = 3;
/// `3600 s/h × 100 %`: the capacity bound's denominator.
const WH_PERCENT_DENOMINATOR: u128 = 3_600 * 100;

/// The configuration values the checks need (copied out of `OracleConfig`).
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    pub min_energy_value: u64,
    pub max_energy_value: u64,
    pub max_production_ratio: u64,
    pub max_deviation_percent: u16,
    pub min_reading_interval: u64,
    pub type_ceiling_w: [u64; METER_TYPE_COUNT],
    pub capacity_margin_percent: u16,
    pub first_reading_max_interval: u64,
    pub deviation_floor_percent: u16,
}

/// What the checks need to know about the meter (registry) and its history (oracle).
#[derive(Clone, Copy, Debug)]
pub struct History {
    /// There is an accepted reading (the `last_*` fields are meaningful).
    pub has_previous: bool,
    /// Timestamp of the last accepted reading in the oracle's `MeterState`.
    pub last_reading_timestamp: i64,
    /// `MeterAccount::last_reading_at` in the registry (never behind the oracle's, checked as well so a
    /// reading the registry would refuse as outdated is recorded as `Backdated` instead of failing the CPI;
    /// after `resume_meter` it is ahead of the oracle's and starts the interval).
    pub registry_last_reading_at: i64,
    pub last_energy_produced: u64,
    /// `MeterAccount::registered_at`: the start of a first reading's interval.
    pub registered_at: i64,
    /// `MeterAccount::capacity_w`: the meter's rated power, W.
    pub capacity_w: u64,
    /// `MeterAccount::meter_type` as its declaration index (Solar 0, Wind 1, Battery 2, Grid 3).
    pub meter_type: usize,
}

/// Seconds of rated output a reading at `reading_timestamp` may account for. With
/// `W = first_reading_max_interval` and `earliest = registered_at − W`:
///
/// * After an accepted reading: since the latest of the oracle's last reading, the registry's last reading
///   (later only after `resume_meter`: the outage's energy is not invented) and `earliest`.
/// * First reading: since the later of `earliest` and the registry's last reading, at most W.
///
/// So no reading counts time from more than W before registration — a gateway may queue readings while the
/// registration is pending (it holds unregistered meters and delivers afterwards), but a zero first reading
/// stamped days earlier followed by 24-hour steps cannot backfill rated output since an arbitrary date — and a
/// meter registered long ago does not get days of rated output as its opening reading.
///
/// Capped at 24 h (the registry refuses longer gaps, so the cap never shortens a reading that could land);
/// 0 when the reading is not after the start.
pub fn elapsed_seconds(limits: &Limits, history: &History, reading_timestamp: i64) -> u64 {
    let window = i64::try_from(limits.first_reading_max_interval).unwrap_or(i64::MAX);
    let earliest = history.registered_at.saturating_sub(window);
    let start = if history.has_previous {
        history.last_reading_timestamp.max(history.registry_last_reading_at).max(earliest)
    } else {
        history.registry_last_reading_at.max(earliest)
    };
    // i128: no overflow for any pair of i64; negative -> 0.
    let gap = (i128::from(reading_timestamp) - i128::from(start)).max(0);
    let mut cap = MAX_READING_GAP_SECONDS;
    if !history.has_previous {
        cap = cap.min(limits.first_reading_max_interval);
    }
    u64::try_from(gap).unwrap_or(u64::MAX).min(cap)
}

/// `min(capacity_w, type ceiling) × elapsed × (100 + margin)`: the capacity bound in units of
/// 1/360,000 Wh (so `value ≤ bound ⟺ value × 360,000 ≤ this`). Elapsed ≤ 86,400 < 2^17 and the margin a u16,
/// so it stays below 2^64 × 2^17 × 2^17 = 2^98: no overflow (the config keeps the margin ≤ 100 %).
pub fn capacity_units(limits: &Limits, history: &History, elapsed: u64) -> u128 {
    // An unknown type index cannot come from the registry (4 variants); it gets no ceiling, i.e. 0 W.
    let ceiling = limits.type_ceiling_w.get(history.meter_type).copied().unwrap_or(0);
    let power = history.capacity_w.min(ceiling);
    let margin = 100 + u128::from(limits.capacity_margin_percent);
    u128::from(power) * u128::from(elapsed.min(MAX_READING_GAP_SECONDS)) * margin
}

/// Runs the layers in order: future, backdated, rate limit, range, ratio, deviation, capacity. Returns the
/// first failing one.
pub fn validate_reading(
    limits: &Limits,
    history: &History,
    energy_produced: u64,
    energy_consumed: u64,
    reading_timestamp: i64,
    now: i64,
) -> Result<(), RejectReason> {
    // Timestamp layer. `now + 60` saturates: for a clock near i64::MAX the bound stays the largest time.
    if reading_timestamp > now.saturating_add(MAX_FUTURE_SKEW_SECONDS) {
        return Err(RejectReason::FutureTimestamp);
    }
    let last = history.last_reading_timestamp.max(history.registry_last_reading_at);
    if reading_timestamp <= last {
        return Err(RejectReason::Backdated);
    }

    // Rate limit: reading_timestamp > last here, so the gap is positive (i128 avoids any overflow).
    if history.has_previous {
        let gap = i128::from(reading_timestamp) - i128::from(history.last_reading_timestamp);
        if gap < i128::from(limits.min_reading_interval) {
            return Err(RejectReason::RateLimited);
        }
    }

    // Range.
    let in_range = |v: u64| v >= limits.min_energy_value && v <= limits.max_energy_value;
    if !in_range(energy_produced) || !in_range(energy_consumed) {
        return Err(RejectReason::OutOfRange);
    }

    // Ratio. consumed == 0: the ratio is infinite; only generation-type meters may produce then (see the
    // module comment), bounded by the capacity rule.
    if energy_consumed == 0 {
        if energy_produced > 0 && history.meter_type == METER_TYPE_GRID {
            return Err(RejectReason::RatioExceeded);
        }
    } else if u128::from(energy_produced) > u128::from(limits.max_production_ratio) * u128::from(energy_consumed) {
        return Err(RejectReason::RatioExceeded);
    }

    let elapsed = elapsed_seconds(limits, history, reading_timestamp);
    let capacity = capacity_units(limits, history, elapsed);

    // Deviation of production from the last accepted reading, defined for a previous value of 0 by the
    // floor: diff × 100 × 360,000 ≤ max(pct × prev × 360,000, floor_pct × capacity). Each side < 2^16 × 2^98:
    // no overflow.
    if history.has_previous {
        let diff = u128::from(energy_produced.abs_diff(history.last_energy_produced));
        let by_percent = u128::from(limits.max_deviation_percent)
            * u128::from(history.last_energy_produced)
            * WH_PERCENT_DENOMINATOR;
        let by_floor = u128::from(limits.deviation_floor_percent) * capacity;
        if diff * 100 * WH_PERCENT_DENOMINATOR > by_percent.max(by_floor) {
            return Err(RejectReason::ExcessiveDeviation);
        }
    }

    // Capacity: never skipped (first reading, zero previous production, zero consumption alike).
    let within = |v: u64| u128::from(v) * WH_PERCENT_DENOMINATOR <= capacity;
    if !within(energy_produced) || !within(energy_consumed) {
        return Err(RejectReason::CapacityExceeded);
    }
    Ok(())
}

/// The largest Wh value the capacity rule accepts for `elapsed` seconds: `⌊capacity_units / 360,000⌋`
/// (clients show it; the check itself compares exactly).
pub fn capacity_bound_wh(limits: &Limits, history: &History, elapsed: u64) -> u64 {
    u64::try_from(capacity_units(limits, history, elapsed) / WH_PERCENT_DENOMINATOR).unwrap_or(u64::MAX)
}

/// `(4 × average + interval) / 5`, or `interval` for the first one. Never above `max(average, interval)`,
/// so the u64 conversion cannot fail.
pub fn moving_average(average: u64, interval: u64) -> u64 {
    if average == 0 {
        return interval;
    }
    let avg = (u128::from(average) * 4 + u128::from(interval)) / 5;
    u64::try_from(avg).unwrap_or(u64::MAX)
}

/// `valid × 100 / total`, 0 when there is no reading; `valid <= total` keeps it within 0–100.
pub fn quality_score(valid: u64, total: u64) -> u8 {
    if total == 0 {
        return 0;
    }
    let score = u128::from(valid) * 100 / u128::from(total);
    u8::try_from(score.min(100)).unwrap_or(100)
}

/// Why a set of oracle readings gives no consensus value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConsensusError {
    /// No reading, or more than `MAX_CONSENSUS_READINGS`.
    Empty,
    /// An even number of readings has no middle reading (and a tie of halves would let one side decide).
    EvenCount,
    /// No signer reported (median produced, median consumed) as its reading.
    Disagreement,
}

/// Most readings [`consensus_reading`] sorts (every reading comes from a distinct configured oracle, so
/// there are at most `MAX_BACKUP_ORACLES` of them; fixed arrays, no heap).
pub const MAX_CONSENSUS_READINGS: usize = crate::state::MAX_BACKUP_ORACLES;

/// Index of the accepted reading among `readings` (`(produced, consumed)` per signer, k of them):
/// k must be odd; the accepted reading is the first one whose pair equals (median of the produced values,
/// median of the consumed values), else the round is refused.
///
/// Why it is safe: if at most f of the k signers are faulty and k ≥ 2f + 1, each median has at least
/// f + 1 values ≤ it and f + 1 values ≥ it, so an honest value on each side: each field of the accepted
/// reading lies within the range the honest oracles reported, whatever the faulty ones send. Requiring a
/// signer who reported exactly that pair keeps produced and consumed from one reading (per-field medians
/// alone could combine two oracles' fields into a pair nobody measured). Ordering by (produced, consumed)
/// and taking the middle reading whole is NOT enough: with honest (100, 50), (102, 52) a faulty (101, 0)
/// is the middle by produced and would set consumption to 0. Honest oracles read the same signed registers,
/// so they report identical pairs; f + 1 identical honest readings out of 2f + 1 are then both medians and
/// the round is accepted; a disagreement can only block a round, never choose its value.
pub fn consensus_reading(readings: &[(u64, u64)]) -> Result<usize, ConsensusError> {
    let k = readings.len();
    if k == 0 || k > MAX_CONSENSUS_READINGS {
        return Err(ConsensusError::Empty);
    }
    if k.is_multiple_of(2) {
        return Err(ConsensusError::EvenCount);
    }
    let mut produced = [0u64; MAX_CONSENSUS_READINGS];
    let mut consumed = [0u64; MAX_CONSENSUS_READINGS];
    for (i, &(p, c)) in readings.iter().enumerate() {
        produced[i] = p;
        consumed[i] = c;
    }
    produced[..k].sort_unstable();
    consumed[..k].sort_unstable();
    let median = (produced[k / 2], consumed[k / 2]);
    readings.iter().position(|&r| r == median).ok_or(ConsensusError::Disagreement)
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIMITS: Limits = Limits {
        min_energy_value: 10,
        max_energy_value: 1_000_000,
        max_production_ratio: 10,
        max_deviation_percent: 50,
        min_reading_interval: 60,
        type_ceiling_w: [1_000_000, 5_000_000, 1_000_000, 1_000_000],
        capacity_margin_percent: 10,
        first_reading_max_interval: 3_600,
        deviation_floor_percent: 25,
    };
    /// Registered at 0, 360 kW (so 60 s give 6,000 Wh × 1.1 = 6,600 Wh), Solar.
    const FRESH: History = History {
        has_previous: false,
        last_reading_timestamp: 0,
        registry_last_reading_at: 0,
        last_energy_produced: 0,
        registered_at: 0,
        capacity_w: 360_000,
        meter_type: 0,
    };
    const PREV: History = History {
        has_previous: true,
        last_reading_timestamp: 1_000,
        registry_last_reading_at: 1_000,
        last_energy_produced: 1_000,
        ..FRESH
    };

    #[test]
    fn layers() {
        // no deviation floor here (tested below), so the percent rule alone decides
        let limits = Limits { deviation_floor_percent: 0, ..LIMITS };
        let v = |h: &History, p, c, t| validate_reading(&limits, h, p, c, t, 2_000);
        assert_eq!(v(&FRESH, 100, 100, 2_060), Ok(()));
        assert_eq!(v(&FRESH, 100, 100, 2_061), Err(RejectReason::FutureTimestamp));
        assert_eq!(v(&PREV, 1_000, 100, 1_000), Err(RejectReason::Backdated));
        let reg_ahead = History { registry_last_reading_at: 1_500, ..PREV };
        assert_eq!(v(&reg_ahead, 1_000, 100, 1_500), Err(RejectReason::Backdated));
        assert_eq!(v(&PREV, 1_000, 100, 1_059), Err(RejectReason::RateLimited));
        assert_eq!(v(&PREV, 1_000, 100, 1_060), Ok(()));
        assert_eq!(v(&FRESH, 9, 100, 1_060), Err(RejectReason::OutOfRange));
        assert_eq!(v(&FRESH, 100, 1_000_001, 1_060), Err(RejectReason::OutOfRange));
        assert_eq!(v(&FRESH, 1_000, 100, 1_060), Ok(()));
        assert_eq!(v(&FRESH, 1_001, 100, 1_060), Err(RejectReason::RatioExceeded));
        assert_eq!(v(&PREV, 1_500, 1_000, 1_060), Ok(()));
        assert_eq!(v(&PREV, 1_501, 1_000, 1_060), Err(RejectReason::ExcessiveDeviation));
        assert_eq!(v(&PREV, 500, 1_000, 1_060), Ok(()));
        assert_eq!(v(&PREV, 499, 1_000, 1_060), Err(RejectReason::ExcessiveDeviation));
    }

    #[test]
    fn zero_consumption_is_not_a_free_pass() {
        let zero_min = Limits { min_energy_value: 0, ..LIMITS };
        let v = |h: &History, p, c, t| validate_reading(&zero_min, h, p, c, t, 1_000_000);
        // a generation meter may produce with no consumption, up to its capacity (3,600 s × 360 kW × 1.1)
        assert_eq!(v(&FRESH, 396_000, 0, 3_600), Ok(()));
        assert_eq!(v(&FRESH, 396_001, 0, 3_600), Err(RejectReason::CapacityExceeded));
        // a Grid meter may not
        let grid = History { meter_type: METER_TYPE_GRID, ..FRESH };
        assert_eq!(v(&grid, 1, 0, 3_600), Err(RejectReason::RatioExceeded));
        assert_eq!(v(&grid, 0, 0, 3_600), Ok(()));
        assert_eq!(v(&grid, 10, 1, 3_600), Ok(()));
    }

    #[test]
    fn capacity_bound() {
        let zero_min = Limits { min_energy_value: 0, ..LIMITS };
        let v = |h: &History, p, c, t| validate_reading(&zero_min, h, p, c, t, 1_000_000);
        // 60 s after the previous reading: 360 kW × 60 s = 6,000 Wh, +10 % = 6,600 Wh; consumption as well
        let flat = History { last_energy_produced: 6_600, ..PREV };
        assert_eq!(v(&flat, 6_600, 6_600, 1_060), Ok(()));
        assert_eq!(v(&flat, 6_600, 6_601, 1_060), Err(RejectReason::CapacityExceeded));
        // the type ceiling wins over a larger declared capacity: Solar ceiling 1 MW, declared 10 GW
        let huge = History { capacity_w: 10_000_000_000, last_energy_produced: 18_333, ..PREV };
        assert_eq!(v(&huge, 18_333, 2_000, 1_060), Ok(())); // 1 MW × 60 s × 1.1 = 18,333.3 Wh
        assert_eq!(v(&huge, 18_334, 2_000, 1_060), Err(RejectReason::CapacityExceeded));
        // first reading: since W = 3,600 s before registration, at most W. Registered at 10,000: a reading at
        // 7,000 covers 600 s (66,000 Wh), one at 10,000 or any time later 3,600 s (396,000 Wh)
        let reg = History { registered_at: 10_000, ..FRESH };
        assert_eq!(v(&reg, 66_000, 66_000, 7_000), Ok(()));
        assert_eq!(v(&reg, 66_001, 66_000, 7_000), Err(RejectReason::CapacityExceeded));
        assert_eq!(v(&reg, 396_000, 396_000, 10_000), Ok(()));
        assert_eq!(v(&reg, 396_000, 396_000, 100_000), Ok(()));
        assert_eq!(v(&reg, 396_001, 396_000, 100_000), Err(RejectReason::CapacityExceeded));
        // a reading stamped W or more before registration may only be zero
        assert_eq!(v(&reg, 0, 0, 6_400), Ok(()));
        assert_eq!(v(&reg, 1, 0, 6_400), Err(RejectReason::CapacityExceeded));
        assert_eq!(v(&reg, 0, 1, 100), Err(RejectReason::CapacityExceeded));
        // ... and a zero reading stamped long before cannot start a backfill: the next one counts from 6,400
        let early = History { has_previous: true, last_reading_timestamp: 100, registry_last_reading_at: 100, ..reg };
        assert_eq!(v(&early, 0, 1, 6_400), Err(RejectReason::CapacityExceeded));
        assert_eq!(v(&early, 0, 6_600, 6_460), Ok(()));
        assert_eq!(v(&early, 0, 6_601, 6_460), Err(RejectReason::CapacityExceeded));
        // capacity 0 (not declared): nothing but zero readings
        let none = History { capacity_w: 0, ..FRESH };
        assert_eq!(v(&none, 0, 0, 3_600), Ok(()));
        assert_eq!(v(&none, 0, 1, 3_600), Err(RejectReason::CapacityExceeded));
        // after resume_meter (registry ahead of the oracle), the interval starts at the resume
        let resumed = History { registry_last_reading_at: 1_000 + 86_400, last_energy_produced: 6_600, ..PREV };
        assert_eq!(v(&resumed, 6_600, 0, 1_060 + 86_400), Ok(()));
        assert_eq!(v(&resumed, 6_601, 0, 1_060 + 86_400), Err(RejectReason::CapacityExceeded));
    }

    #[test]
    fn deviation_is_defined_for_a_zero_previous_value() {
        let zero_min = Limits { min_energy_value: 0, ..LIMITS };
        let v = |h: &History, p, c, t| validate_reading(&zero_min, h, p, c, t, 1_000_000);
        // previous 0, 60 s: the floor is 25 % of 6,600 Wh = 1,650 Wh
        let night = History { last_energy_produced: 0, ..PREV };
        assert_eq!(v(&night, 1_650, 0, 1_060), Ok(()));
        assert_eq!(v(&night, 1_651, 0, 1_060), Err(RejectReason::ExcessiveDeviation));
        // the floor also allows a drop to 0 from a small value, and the percent rule above it
        let small = History { last_energy_produced: 1_600, ..PREV };
        assert_eq!(v(&small, 0, 0, 1_060), Ok(()));
        assert_eq!(v(&History { last_energy_produced: 4_000, ..PREV }, 6_000, 0, 1_060), Ok(()));
        let four = History { last_energy_produced: 4_000, ..PREV };
        assert_eq!(v(&four, 6_001, 0, 1_060), Err(RejectReason::ExcessiveDeviation));
        // floor 0: a zero previous value allows only 0
        let no_floor = Limits { deviation_floor_percent: 0, ..zero_min };
        assert_eq!(validate_reading(&no_floor, &night, 0, 5, 1_060, 1_000_000), Ok(()));
        assert_eq!(validate_reading(&no_floor, &night, 1, 5, 1_060, 1_000_000), Err(RejectReason::ExcessiveDeviation));
    }

    #[test]
    fn extremes_do_not_overflow() {
        let wide = Limits {
            min_energy_value: 0,
            max_energy_value: u64::MAX,
            max_production_ratio: u64::MAX,
            max_deviation_percent: u16::MAX,
            min_reading_interval: u64::MAX,
            type_ceiling_w: [u64::MAX; METER_TYPE_COUNT],
            capacity_margin_percent: u16::MAX,
            first_reading_max_interval: u64::MAX,
            deviation_floor_percent: u16::MAX,
        };
        let h = History {
            has_previous: true,
            last_reading_timestamp: i64::MIN + 1,
            registry_last_reading_at: i64::MIN,
            last_energy_produced: 1,
            registered_at: i64::MIN,
            capacity_w: u64::MAX,
            meter_type: 0,
        };
        assert_eq!(validate_reading(&wide, &h, u64::MAX, u64::MAX, i64::MAX, i64::MAX), Err(RejectReason::RateLimited));
        let h = History { last_reading_timestamp: 0, registry_last_reading_at: 0, ..h };
        let wide = Limits { min_reading_interval: 0, deviation_floor_percent: 0, ..wide };
        assert_eq!(validate_reading(&wide, &h, u64::MAX, 1, 1, i64::MAX), Err(RejectReason::ExcessiveDeviation));
        // u64::MAX W for a day with a 65,535 % margin is ~2^106 units: u64::MAX Wh fits within it
        let wide = Limits { max_deviation_percent: u16::MAX, deviation_floor_percent: u16::MAX, ..wide };
        assert_eq!(validate_reading(&wide, &h, u64::MAX, u64::MAX, 86_400, i64::MAX), Ok(()));
        assert_eq!(elapsed_seconds(&wide, &h, i64::MAX), MAX_READING_GAP_SECONDS);
        assert_eq!(elapsed_seconds(&wide, &History { has_previous: false, ..h }, i64::MIN), 0);
        assert_eq!(capacity_bound_wh(&wide, &h, u64::MAX), u64::MAX);
        assert_eq!(capacity_bound_wh(&LIMITS, &FRESH, 3_600), 396_000);
        assert_eq!(capacity_bound_wh(&LIMITS, &FRESH, 1), 110); // 110.0
        assert_eq!(capacity_bound_wh(&LIMITS, &History { capacity_w: 3_000, ..FRESH }, 1), 0); // 0.9 floored
                                                                                               // an index beyond the four types gets no ceiling
        assert_eq!(capacity_bound_wh(&LIMITS, &History { meter_type: 4, ..FRESH }, 3_600), 0);
    }

    #[test]
    fn helpers() {
        assert_eq!(moving_average(0, 300), 300);
        assert_eq!(moving_average(300, 60), 252);
        assert_eq!(moving_average(u64::MAX, u64::MAX), u64::MAX);
        assert_eq!(quality_score(0, 0), 0);
        assert_eq!(quality_score(2, 3), 66);
        assert_eq!(quality_score(u64::MAX, u64::MAX), 100);
    }

    #[test]
    fn consensus() {
        assert_eq!(consensus_reading(&[]), Err(ConsensusError::Empty));
        assert_eq!(consensus_reading(&[(1, 1); 11]), Err(ConsensusError::Empty));
        assert_eq!(consensus_reading(&[(5, 1)]), Ok(0));
        assert_eq!(consensus_reading(&[(5, 1), (5, 1)]), Err(ConsensusError::EvenCount));
        // one faulty of three pulls consumption to 0: the honest pair is both medians
        assert_eq!(consensus_reading(&[(100, 500), (100, 0), (100, 500)]), Ok(0));
        assert_eq!(consensus_reading(&[(100, 0), (100, 500), (100, 500)]), Ok(1));
        // the faulty one in the middle by produced does not choose consumption: refused
        assert_eq!(consensus_reading(&[(100, 50), (101, 0), (102, 52)]), Err(ConsensusError::Disagreement));
        // exact agreement of a majority wins whatever the minority sends
        assert_eq!(consensus_reading(&[(0, u64::MAX), (7, 3), (u64::MAX, 0), (7, 3), (7, 3)]), Ok(1));
        // two of five faulty, one honest outlier: still a reading nobody outside the honest range chose
        assert_eq!(consensus_reading(&[(9, 9), (10, 10), (10, 10), (0, 0), (99, 99)]), Ok(1));
        assert_eq!(consensus_reading(&[(3, 1), (1, 3), (2, 2)]), Ok(2));
    }

    /// Exhaustive over a small value domain: whenever the honest signers outnumber the faulty ones (k = 3 with
    /// 1 faulty, k = 5 with 2 faulty, in every position), an accepted reading has each field within the range
    /// the honest signers reported, and identical honest readings are always accepted.
    #[test]
    fn consensus_minority_cannot_steer() {
        const VALUES: [(u64, u64); 9] = [(0, 0), (0, 1), (0, 2), (1, 0), (1, 1), (1, 2), (2, 0), (2, 1), (2, 2)];
        for (k, faulty) in [(3usize, 1usize), (5, 2)] {
            let combos = VALUES.len().pow(k as u32);
            for mut code in 0..combos {
                let mut readings = [(0u64, 0u64); 5];
                for r in readings.iter_mut().take(k) {
                    *r = VALUES[code % VALUES.len()];
                    code /= VALUES.len();
                }
                let readings = &readings[..k];
                // every choice of which `faulty` positions are faulty
                for mask in 0u32..(1 << k) {
                    if mask.count_ones() as usize != faulty {
                        continue;
                    }
                    let honest: Vec<(u64, u64)> =
                        (0..k).filter(|i| mask & (1 << i) == 0).map(|i| readings[i]).collect();
                    let range = |f: fn(&(u64, u64)) -> u64| {
                        (honest.iter().map(f).min().unwrap(), honest.iter().map(f).max().unwrap())
                    };
                    let ((p_lo, p_hi), (c_lo, c_hi)) = (range(|r| r.0), range(|r| r.1));
                    match consensus_reading(readings) {
                        Ok(i) => {
                            let (p, c) = readings[i];
                            assert!(p_lo <= p && p <= p_hi && c_lo <= c && c <= c_hi, "{readings:?} mask {mask:b}");
                        }
                        Err(e) => {
                            assert_eq!(e, ConsensusError::Disagreement);
                            assert!(honest.iter().any(|r| *r != honest[0]), "honest agree but refused: {readings:?}");
                        }
                    }
                }
            }
        }
    }
}
