//! Distribution-free bounds for a percentile (statistics.md §4.1–4.2).
//!
//! For iid samples, P(x₍r₎ ≤ ξ_p) = P(Bin(n, p) ≥ r), so the ranks of the
//! bounding order statistics come from the binomial distribution alone. In an
//! HDR histogram a rank maps to a bucket; the lower bound is that bucket's
//! lowest equivalent value and the upper bound its highest, which is
//! conservative by at most one bucket width (0.1% at 3 significant digits).

use hdrhistogram::Histogram;
use serde::{Deserialize, Serialize};

use crate::stats::quantile_ranks;

/// One-sided confidence of each bound: together the two form a 90% interval.
pub const BOUND_CONFIDENCE: f64 = 0.95;

/// A percentile at one load level, in milliseconds.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Percentile {
    /// The point estimate (HdrHistogram's `value_at_quantile`, or the number given).
    pub value_ms: f64,
    /// One-sided 95% lower bound; `None` when unknown or when too few samples.
    pub lower_ms: Option<f64>,
    /// One-sided 95% upper bound; `None` when unknown or when too few samples
    /// (p95 needs at least 59 samples, p99 at least 299).
    pub upper_ms: Option<f64>,
}

/// Fewest samples for which a one-sided upper bound on the p-quantile exists
/// at confidence 1 − α: n ≥ ln α / ln p (59 for p95, 299 for p99).
pub fn min_samples_for_upper_bound(p: f64, alpha: f64) -> u64 {
    if !(p > 0.0 && p < 1.0) {
        return u64::MAX;
    }
    (alpha.ln() / p.ln() - 1e-9).ceil().max(1.0) as u64
}

/// The bucket holding the sample of 1-based rank `rank`, as (lowest, highest) equivalent values.
fn bucket_of_rank<T: hdrhistogram::Counter>(h: &Histogram<T>, rank: u64) -> Option<(u64, u64)> {
    let mut seen = 0u64;
    for v in h.iter_recorded() {
        seen += v.count_at_value().as_u64();
        if seen >= rank {
            let value = v.value_iterated_to();
            return Some((h.lowest_equivalent(value), h.highest_equivalent(value)));
        }
    }
    None
}

/// The p-quantile of a histogram of microseconds with its one-sided 95% bounds, in ms.
pub fn percentile_from_histogram<T: hdrhistogram::Counter>(
    h: &Histogram<T>,
    p: f64,
) -> Option<Percentile> {
    let n = h.len();
    if n == 0 {
        return None;
    }
    let ranks = quantile_ranks(n, p, 1.0 - BOUND_CONFIDENCE);
    let (l, u) = (ranks.lower, ranks.upper);
    let ms = |us: u64| us as f64 / 1000.0;
    Some(Percentile {
        value_ms: ms(h.value_at_quantile(p)),
        lower_ms: l.and_then(|r| bucket_of_rank(h, r)).map(|(lo, _)| ms(lo)),
        upper_ms: u.and_then(|r| bucket_of_rank(h, r)).map(|(_, hi)| ms(hi)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minimum_samples_match_the_table() {
        // statistics.md §4.1: p90 29, p95 59, p99 299, p99.9 2995.
        assert_eq!(min_samples_for_upper_bound(0.90, 0.05), 29);
        assert_eq!(min_samples_for_upper_bound(0.95, 0.05), 59);
        assert_eq!(min_samples_for_upper_bound(0.99, 0.05), 299);
        assert_eq!(min_samples_for_upper_bound(0.999, 0.05), 2995);
    }

    #[test]
    fn histogram_bounds_bracket_the_point_value() -> Result<(), &'static str> {
        let mut h: Histogram<u64> = crate::series::new_histogram();
        for i in 1..=1000u64 {
            h.record(i * 1000).map_err(|_| "record")?;
        }
        let p = percentile_from_histogram(&h, 0.95).ok_or("empty")?;
        // Ranks for n = 1000: lower l₁ and upper u₁ = 962 (table above), so the
        // bounds are the buckets of the 962nd smallest value (962 ms) and of l₁.
        let ranks = quantile_ranks(1000, 0.95, 0.05);
        let (l, u) = (ranks.lower, ranks.upper);
        assert_eq!(u, Some(962));
        let lo = p.lower_ms.ok_or("no lower")?;
        let hi = p.upper_ms.ok_or("no upper")?;
        assert!(lo <= l.ok_or("no l")? as f64 && lo >= l.ok_or("no l")? as f64 * 0.999);
        assert!((962.0..=962.0 * 1.001).contains(&hi));
        assert!(lo <= p.value_ms && p.value_ms <= hi);
        Ok(())
    }
}
