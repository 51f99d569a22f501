//! The validation layers of platform-algorithms §2.1–§2.5, as pure integer functions.
//!
//! Fixes to the illustration code of the spec:
//! * §2.1 computes the ratio with `f64` and only when an `anomaly_detection_enabled` flag is set; here it is
//!   integer cross-multiplication in u128 (`produced <= ratio × consumed`), always on. When
//!   `consumed == 0` the ratio is undefined and the check is skipped (as in the illustration, whose ratio is
//!   0 then): a pure producer such as a generation-only solar meter reports no consumption. Such a reading
//!   is still bounded by the range check and the deviation check.
//! * §2.2's `calculate_deviation` ignored its `max_percent` argument and compared against a hard-coded 100,
//!   and `diff * 100` could overflow. Here `diff × 100 <= max_deviation_percent × previous` in u128, which
//!   is exact (no truncated integer percent that would let 50.9 % pass a 50 % limit).
//! * §2.2/§2.4 failed the transaction on a bad reading; here a bad reading is *recorded* (the caller
//!   counts it and emits `ReadingRejected`) and the instruction succeeds.
//! * §2.3 used `f64` for the success rate; here `valid × 100 / total` in u128.
//! * §2.4's moving average floored `0.8 × avg` and `0.2 × new` separately (losing up to 1 s per step) with
//!   floats; here `(4 × avg + new) / 5` in u128, floored once.
//! * §2.5's median averaged the two middle values for even counts (`(a + b) / 2` can overflow and yields a
//!   value no oracle reported); here the LOWER median `sorted[(n - 1) / 2]` is used.
use crate::state::{RejectReason, MAX_FUTURE_SKEW_SECONDS};

/// The configuration values the checks need (copied out of `OracleConfig`).
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    pub min_energy_value: u64,
    pub max_energy_value: u64,
    pub max_production_ratio: u64,
    pub max_deviation_percent: u16,
    pub min_reading_interval: u64,
}

/// What the checks need to know about the meter's history.
#[derive(Clone, Copy, Debug)]
pub struct History {
    /// There is an accepted reading (the `last_*` fields are meaningful).
    pub has_previous: bool,
    /// Timestamp of the last accepted reading in the oracle's `MeterState`.
    pub last_reading_timestamp: i64,
    /// `MeterAccount::last_reading_at` in the registry (never behind the oracle's, checked as well so a
    /// reading the registry would refuse as outdated is recorded as `Backdated` instead of failing the CPI).
    pub registry_last_reading_at: i64,
    pub last_energy_produced: u64,
}

/// Runs the layers in order: future, backdated, rate limit, range, ratio, deviation. Returns the first
/// failing one.
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

    // Ratio (skipped when nothing was consumed, see the module comment).
    if energy_consumed > 0
        && u128::from(energy_produced) > u128::from(limits.max_production_ratio) * u128::from(energy_consumed)
    {
        return Err(RejectReason::RatioExceeded);
    }

    // Deviation of production from the last accepted reading (skipped when there is none or it was 0:
    // no percentage of 0 exists).
    if history.has_previous && history.last_energy_produced > 0 {
        let diff = energy_produced.abs_diff(history.last_energy_produced);
        if u128::from(diff) * 100
            > u128::from(limits.max_deviation_percent) * u128::from(history.last_energy_produced)
        {
            return Err(RejectReason::ExcessiveDeviation);
        }
    }
    Ok(())
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

/// Lower median: `sorted[(n - 1) / 2]` (for an odd n the median, for an even n the smaller middle value).
/// `None` for an empty slice.
pub fn lower_median(values: &mut [u64]) -> Option<u64> {
    if values.is_empty() {
        return None;
    }
    values.sort_unstable();
    Some(values[(values.len() - 1) / 2])
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
    };
    const FRESH: History =
        History { has_previous: false, last_reading_timestamp: 0, registry_last_reading_at: 0, last_energy_produced: 0 };
    const PREV: History = History {
        has_previous: true,
        last_reading_timestamp: 1_000,
        registry_last_reading_at: 1_000,
        last_energy_produced: 1_000,
    };

    #[test]
    fn layers() {
        let v = |h: &History, p, c, t| validate_reading(&LIMITS, h, p, c, t, 2_000);
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
        // consumed == 0: no ratio (min_energy_value is 10 in these limits, so use a 0-minimum copy)
        let zero_min = Limits { min_energy_value: 0, ..LIMITS };
        assert_eq!(validate_reading(&zero_min, &FRESH, 1_000_000, 0, 1_060, 2_000), Ok(()));
        assert_eq!(v(&PREV, 1_500, 1_000, 1_060), Ok(()));
        assert_eq!(v(&PREV, 1_501, 1_000, 1_060), Err(RejectReason::ExcessiveDeviation));
        assert_eq!(v(&PREV, 500, 1_000, 1_060), Ok(()));
        assert_eq!(v(&PREV, 499, 1_000, 1_060), Err(RejectReason::ExcessiveDeviation));
        assert_eq!(v(&History { last_energy_produced: 0, ..PREV }, 900_000, 100_000, 1_060), Ok(()));
    }

    #[test]
    fn extremes_do_not_overflow() {
        let wide = Limits {
            min_energy_value: 0,
            max_energy_value: u64::MAX,
            max_production_ratio: u64::MAX,
            max_deviation_percent: u16::MAX,
            min_reading_interval: u64::MAX,
        };
        let h = History { has_previous: true, last_reading_timestamp: i64::MIN + 1, registry_last_reading_at: i64::MIN, last_energy_produced: 1 };
        assert_eq!(validate_reading(&wide, &h, u64::MAX, u64::MAX, i64::MAX, i64::MAX), Err(RejectReason::RateLimited));
        let h = History { last_reading_timestamp: 0, registry_last_reading_at: 0, ..h };
        let wide = Limits { min_reading_interval: 0, ..wide };
        assert_eq!(validate_reading(&wide, &h, u64::MAX, 1, 1, i64::MAX), Err(RejectReason::ExcessiveDeviation));
    }

    #[test]
    fn helpers() {
        assert_eq!(moving_average(0, 300), 300);
        assert_eq!(moving_average(300, 60), 252);
        assert_eq!(moving_average(u64::MAX, u64::MAX), u64::MAX);
        assert_eq!(quality_score(0, 0), 0);
        assert_eq!(quality_score(2, 3), 66);
        assert_eq!(quality_score(u64::MAX, u64::MAX), 100);
        assert_eq!(lower_median(&mut []), None);
        assert_eq!(lower_median(&mut [5]), Some(5));
        assert_eq!(lower_median(&mut [250, 98, 102, 100]), Some(100));
        assert_eq!(lower_median(&mut [3, 1, 2]), Some(2));
    }
}
