//! One statistic of one population: the estimate, its bounds, the
//! k6-compatible point value, and the sample size that would decide an
//! undecided comparison.
//!
//! Bounds are one-sided at 1 − α each (α = 1 − confidence), so "PASS" and
//! "FAIL" are each claims with error probability ≤ α, and [low, high] is a
//! two-sided interval at 1 − 2α (statistics.md §4.1, §0).

use hdrhistogram::Histogram;

use super::model::{Op, Statistic};
use super::population::Totals;
use super::verdict::{Basis, Outcome};
use crate::series::{clamp_to_range, percentile_ms};
use crate::stats::{normal_quantile, proportion_bounds, quantile_ranks, smallest_deciding_n};

/// Samples beyond which a sample-size search gives up.
const NEEDED_CAP: u64 = 10_000_000_000;

/// What one statistic came to.
#[derive(Debug, Clone, PartialEq)]
pub struct Measured {
    pub estimate: f64,
    /// `None`: no bound exists at this sample size (−∞ / +∞).
    pub low: Option<f64>,
    pub high: Option<f64>,
    pub n: u64,
    pub basis: Basis,
    pub method: String,
    /// The statistic as k6 computes it from raw samples, as far as a
    /// histogram allows, with the range k6's exact value must lie in.
    pub point: f64,
    pub point_range: Option<(f64, f64)>,
    /// Samples that would decide, for an undecided comparison.
    pub needed: Option<u64>,
}

/// PASS / FAIL / INCONCLUSIVE from one-sided bounds.
pub fn decide(op: Op, limit: f64, low: Option<f64>, high: Option<f64>) -> Outcome {
    let lo = low.unwrap_or(f64::NEG_INFINITY);
    let hi = high.unwrap_or(f64::INFINITY);
    let (pass, fail) = match op {
        Op::Lt => (hi < limit, lo >= limit),
        Op::Le => (hi <= limit, lo > limit),
        Op::Gt => (lo > limit, hi <= limit),
        Op::Ge => (lo >= limit, hi < limit),
        Op::Eq => (lo == limit && hi == limit, limit < lo || limit > hi),
        Op::Ne => (limit < lo || limit > hi, lo == limit && hi == limit),
    };
    if pass {
        Outcome::Pass
    } else if fail {
        Outcome::Fail
    } else {
        Outcome::Inconclusive
    }
}

/// The point verdict: the estimate compared with the limit.
pub fn point_outcome(op: Op, estimate: f64, limit: f64) -> Outcome {
    if op.holds(estimate, limit) {
        Outcome::Pass
    } else {
        Outcome::Fail
    }
}

/// The histogram bucket holding the sample of 1-based rank `r`:
/// (lowest, median, highest) equivalent values, µs.
fn rank_bucket(h: &Histogram<u64>, r: u64) -> (u64, u64, u64) {
    let mut seen = 0u64;
    for v in h.iter_recorded() {
        seen += v.count_at_value();
        if seen >= r {
            let x = v.value_iterated_to();
            return (
                h.lowest_equivalent(x),
                h.median_equivalent(x),
                h.highest_equivalent(x),
            );
        }
    }
    let x = h.max();
    (
        h.lowest_equivalent(x),
        h.median_equivalent(x),
        h.highest_equivalent(x),
    )
}

/// k6's `p(N)`: sorted samples x₀…xₙ₋₁, i = N/100·(n − 1), linear interpolation
/// between x⌊i⌋ and x⌈i⌉ (k6 `TrendSink.P`). From a histogram each sample is
/// only known to its bucket, so we interpolate between bucket midpoints and
/// return the range the exact value must lie in (bucket edges, ±0.5 µs for
/// the rounding of durations to whole µs). Milliseconds.
pub fn k6_percentile(h: &Histogram<u64>, q: f64) -> (f64, (f64, f64)) {
    let n = h.len();
    if h.is_empty() {
        return (0.0, (0.0, 0.0));
    }
    let i = q * (n - 1) as f64;
    let lo_i = i.floor();
    let f = i - lo_i;
    let a = rank_bucket(h, lo_i as u64 + 1);
    let b = rank_bucket(h, i.ceil() as u64 + 1);
    let lerp = |x: u64, y: u64| x as f64 + (y as f64 - x as f64) * f;
    let point = lerp(a.1, b.1) / 1000.0;
    let range = (
        (lerp(a.0, b.0) - 0.5) / 1000.0,
        (lerp(a.2, b.2) + 0.5) / 1000.0,
    );
    (point, range)
}

/// Distribution-free bounds of the `q` quantile (0 < q < 1) read off the
/// histogram (statistics.md §4.2). `vif` > 1 widens them as if there were
/// n / vif independent samples (§4.3).
pub fn percentile(
    t: &Totals,
    q: f64,
    alpha: f64,
    vif: f64,
    op: Op,
    limit_ms: f64,
) -> Option<Measured> {
    let h = &t.hist;
    let n = h.len();
    if n == 0 {
        return None;
    }
    // The same function as the summary's percentiles, on the same histogram
    // and exact min/max: the estimate equals the headline figure by construction.
    let (min, max) = t.exact.map_or((f64::NAN, f64::NAN), |(_, lo, hi)| (lo, hi));
    let clamp = |x: f64| clamp_to_range(x, min, max);
    let estimate = percentile_ms(h, q, min, max)?;
    let n_eff = ((n as f64 / vif).floor() as u64).max(1);
    let ranks = quantile_ranks(n_eff, q, alpha);
    // Ranks among n_eff samples, as positions among the n we have.
    let scale = |r: u64, up: bool| -> u64 {
        if n_eff == n {
            return r;
        }
        let x = r as f64 * n as f64 / n_eff as f64;
        (if up { x.ceil() } else { x.floor() } as u64).clamp(1, n)
    };
    let low = ranks
        .lower
        .map(|r| clamp(rank_bucket(h, scale(r, false)).0 as f64 / 1000.0));
    let high = ranks
        .upper
        .map(|r| clamp(rank_bucket(h, scale(r, true)).2 as f64 / 1000.0));
    // k6 interpolates between samples, so its value lies in [min, max] too.
    let (point, range) = k6_percentile(h, q);
    let (point, range) = (clamp(point), (clamp(range.0), clamp(range.1)));
    let mut method = format!(
        "order-statistic bounds (distribution-free, binomial ranks) read off the HDR histogram; estimate = nearest rank; one-sided {}% each",
        pct(1.0 - alpha)
    );
    if vif > 1.0 {
        method.push_str(&format!(
            "; ranks for an effective n of {n_eff} (dependence)"
        ));
    }
    let mut m = Measured {
        estimate,
        low,
        high,
        n,
        basis: Basis::Interval,
        method,
        point,
        point_range: Some(range),
        needed: None,
    };
    if decide(op, limit_ms, low, high) == Outcome::Inconclusive {
        m.needed = percentile_needed(h, q, alpha, vif, limit_ms);
    }
    Some(m)
}

/// Samples needed before the bounds clear `limit_ms`, if the share of samples
/// below it stays as observed.
fn percentile_needed(
    h: &Histogram<u64>,
    q: f64,
    alpha: f64,
    vif: f64,
    limit_ms: f64,
) -> Option<u64> {
    let n = h.len();
    let limit_us = limit_ms * 1000.0;
    let below: u64 = h
        .iter_recorded()
        .filter(|v| (h.highest_equivalent(v.value_iterated_to()) as f64) < limit_us)
        .map(|v| v.count_at_value())
        .sum();
    let g = below as f64 / n as f64;
    if (g - q).abs() < 1e-12 {
        return None;
    }
    let n_eff = ((n as f64 / vif).floor() as u64).max(1);
    let found = smallest_deciding_n(n_eff, |m| {
        if m > NEEDED_CAP {
            return true;
        }
        let r = quantile_ranks(m, q, alpha);
        let count_below = g * m as f64;
        if g > q {
            // The upper bound falls below the limit.
            r.upper.is_some_and(|u| count_below.floor() >= u as f64)
        } else {
            // The lower bound reaches the limit.
            r.lower.is_some_and(|l| count_below.ceil() < l as f64)
        }
    })?;
    (found <= NEEDED_CAP).then(|| (found as f64 * vif).ceil() as u64)
}

/// A proportion (`x` of `n`) with Wilson / Clopper–Pearson bounds.
pub fn proportion(
    x: u64,
    n: u64,
    alpha: f64,
    vif: f64,
    op: Op,
    limit: f64,
    what: &str,
) -> Option<Measured> {
    if n == 0 {
        return None;
    }
    let f = x as f64 / n as f64;
    let n_eff = n as f64 / vif;
    let ((lo, hi), how) = proportion_bounds(f * n_eff, n_eff, alpha);
    let mut method = format!(
        "{} bounds on {what}, one-sided {}% each",
        how.name(),
        pct(1.0 - alpha)
    );
    if vif > 1.0 {
        method.push_str(&format!("; effective n {:.0} (dependence)", n_eff));
    }
    let mut m = Measured {
        estimate: f,
        low: Some(lo),
        high: Some(hi),
        n,
        basis: Basis::Interval,
        method,
        point: f,
        point_range: None,
        needed: None,
    };
    if decide(op, limit, m.low, m.high) == Outcome::Inconclusive && (f - limit).abs() > 1e-15 {
        let start = (n_eff.floor() as u64).max(1);
        m.needed = smallest_deciding_n(start, |k| {
            if k > NEEDED_CAP {
                return true;
            }
            let ((lo, hi), _) = proportion_bounds(f * k as f64, k as f64, alpha);
            decide(op, limit, Some(lo), Some(hi)) != Outcome::Inconclusive
        })
        .filter(|k| *k <= NEEDED_CAP)
        .map(|k| (k as f64 * vif).ceil() as u64);
    }
    Some(m)
}

/// Mean latency with a normal-approximation (CLT) interval.
pub fn mean(t: &Totals, alpha: f64, op: Op, limit_ms: f64) -> Option<Measured> {
    let n = t.hist.len();
    if n == 0 {
        return None;
    }
    let estimate = match t.exact {
        Some((sum, _, _)) => sum / n as f64,
        None => t.hist.mean() / 1000.0,
    };
    let sd = t.hist.stdev() / 1000.0;
    let z = normal_quantile(1.0 - alpha);
    let half = z * sd / (n as f64).sqrt();
    let (low, high) = if n >= 2 {
        (Some(estimate - half), Some(estimate + half))
    } else {
        (None, None)
    };
    let mut m = Measured {
        estimate,
        low,
        high,
        n,
        basis: Basis::Interval,
        method: format!(
            "mean ± z·sd/√n (normal approximation; long latency tails make it optimistic), one-sided {}% each",
            pct(1.0 - alpha)
        ),
        point: estimate,
        point_range: None,
        needed: None,
    };
    if decide(op, limit_ms, low, high) == Outcome::Inconclusive && estimate != limit_ms {
        let k = (z * sd / (estimate - limit_ms)).powi(2).ceil();
        m.needed = (k.is_finite() && k >= 2.0).then_some(k as u64);
    }
    Some(m)
}

/// Apdex with threshold `t_ms`: (satisfied + tolerating/2) / n, with a
/// normal-approximation interval on the mean score.
pub fn apdex(t: &Totals, t_ms: f64, alpha: f64, op: Op, limit: f64) -> Option<Measured> {
    let h = &t.hist;
    let n = h.len();
    if n == 0 {
        return None;
    }
    let (t_us, f_us) = (t_ms * 1000.0, 4.0 * t_ms * 1000.0);
    let (mut satisfied, mut tolerating) = (0u64, 0u64);
    for v in h.iter_recorded() {
        // A bucket counts by its midpoint; buckets are 0.1% wide.
        let x = h.median_equivalent(v.value_iterated_to()) as f64;
        if x <= t_us {
            satisfied += v.count_at_value();
        } else if x <= f_us {
            tolerating += v.count_at_value();
        }
    }
    let nf = n as f64;
    let score = (satisfied as f64 + tolerating as f64 / 2.0) / nf;
    let second = (satisfied as f64 + tolerating as f64 / 4.0) / nf;
    let sd = (second - score * score).max(0.0).sqrt();
    let z = normal_quantile(1.0 - alpha);
    let half = z * sd / nf.sqrt();
    let mut m = Measured {
        estimate: score,
        low: Some((score - half).max(0.0)),
        high: Some((score + half).min(1.0)),
        n,
        basis: Basis::Interval,
        method: format!(
            "Apdex (T = {t_ms} ms: satisfied ≤ T, tolerating ≤ 4T) with a normal-approximation interval, one-sided {}% each",
            pct(1.0 - alpha)
        ),
        point: score,
        point_range: None,
        needed: None,
    };
    if decide(op, limit, m.low, m.high) == Outcome::Inconclusive && score != limit && sd > 0.0 {
        let k = (z * sd / (score - limit)).powi(2).ceil();
        m.needed = k.is_finite().then_some(k as u64);
    }
    Some(m)
}

/// A fact of this run (max, min, count, req/s): no sampling interval.
pub fn observed(value: f64, n: u64, what: &str) -> Measured {
    Measured {
        estimate: value,
        low: Some(value),
        high: Some(value),
        n,
        basis: Basis::Observed,
        method: format!(
            "{what} observed in this run (a fact of the run, with no sampling interval)"
        ),
        point: value,
        point_range: None,
        needed: None,
    }
}

/// Min or max latency (ms): exact for the whole run, else the bucket edge.
pub fn extreme(t: &Totals, statistic: &Statistic) -> Option<Measured> {
    let h = &t.hist;
    if h.is_empty() {
        return None;
    }
    let (value, what) = match (statistic, t.exact) {
        (Statistic::Max, Some((_, _, max))) => (max, "the largest latency"),
        (Statistic::Max, None) => (
            h.highest_equivalent(h.max()) as f64 / 1000.0,
            "the largest latency (bucket upper edge)",
        ),
        (Statistic::Min, Some((_, min, _))) => (min, "the smallest latency"),
        (_, _) => (
            h.lowest_equivalent(h.min()) as f64 / 1000.0,
            "the smallest latency (bucket lower edge)",
        ),
    };
    Some(observed(value, h.len(), what))
}

/// `0.95` → `95`, `0.975` → `97.5`.
pub use crate::units::percent_number as pct;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::series::new_histogram;

    fn totals(values_us: &[u64]) -> Totals {
        let mut hist = new_histogram::<u64>();
        for v in values_us {
            hist.record(*v).unwrap_or_default();
        }
        Totals {
            hist,
            requests: values_us.len() as u64,
            errors: 0,
            exact: None,
        }
    }

    #[test]
    fn bounds_are_the_order_statistics_of_the_sorted_samples() {
        // 1000 distinct values below 2048 µs are stored exactly in the histogram.
        let values: Vec<u64> = (0..1000u64).map(|i| (i * 7919) % 2000 + 1).collect();
        let mut sorted = values.clone();
        sorted.sort_unstable();
        let t = totals(&values);
        let m = percentile(&t, 0.95, 0.05, 1.0, Op::Lt, 1.0).unwrap_or_else(|| panic!("no data"));
        // statistics.md: n = 1000, p95 one-sided 95% ranks l₁ = Q(0.05), u₁ = 962.
        let r = quantile_ranks(1000, 0.95, 0.05);
        assert_eq!(r.upper, Some(962));
        assert_eq!(m.high, Some(sorted[961] as f64 / 1000.0));
        assert_eq!(
            m.low,
            r.lower.map(|l| sorted[l as usize - 1] as f64 / 1000.0)
        );
        // k6's interpolated p95: i = 0.95·999 = 949.05.
        let k6 = sorted[949] as f64 + (sorted[950] as f64 - sorted[949] as f64) * 0.05;
        let (point, (lo, hi)) = k6_percentile(&t.hist, 0.95);
        assert!((point - k6 / 1000.0).abs() < 1e-9, "{point} vs {k6}");
        assert!(lo <= k6 / 1000.0 && k6 / 1000.0 <= hi);
    }

    #[test]
    fn the_k6_worked_sample_of_statistics_md() {
        // n = 100: the one-sided 95% upper bound of p95 is x₍₉₉₎, and "p95 < T"
        // can be claimed iff at most one sample is ≥ T.
        let mut values: Vec<u64> = (1..=97).map(|i| i * 10).collect();
        values.extend([1_500, 1_600, 1_700]);
        let t = totals(&values);
        let m = percentile(&t, 0.95, 0.05, 1.0, Op::Lt, 1.65).unwrap_or_else(|| panic!());
        assert_eq!(m.high, Some(1.6));
        assert_eq!(decide(Op::Lt, 1.65, m.low, m.high), Outcome::Pass);
        assert_eq!(decide(Op::Lt, 1.55, m.low, m.high), Outcome::Inconclusive);
    }

    #[test]
    fn needed_samples_match_the_zero_exceedance_table() {
        // 30 samples, all far below the limit: p95 needs 59 (statistics.md §4.1).
        let t = totals(&[100; 30]);
        let m = percentile(&t, 0.95, 0.05, 1.0, Op::Lt, 1.0).unwrap_or_else(|| panic!());
        assert_eq!(m.high, None);
        assert_eq!(m.needed, Some(59));
        // Error rate 0 of 100 against < 1%: 299 requests (statistics.md §4.4).
        let e = proportion(0, 100, 0.05, 1.0, Op::Lt, 0.01, "errors").unwrap_or_else(|| panic!());
        assert_eq!(decide(Op::Lt, 0.01, e.low, e.high), Outcome::Inconclusive);
        assert_eq!(e.needed, Some(299));
    }

    #[test]
    fn decisions() {
        assert_eq!(decide(Op::Lt, 10.0, Some(1.0), Some(9.0)), Outcome::Pass);
        assert_eq!(decide(Op::Lt, 10.0, Some(10.0), Some(12.0)), Outcome::Fail);
        assert_eq!(
            decide(Op::Lt, 10.0, Some(9.0), Some(11.0)),
            Outcome::Inconclusive
        );
        assert_eq!(decide(Op::Lt, 10.0, Some(1.0), None), Outcome::Inconclusive);
        assert_eq!(decide(Op::Gt, 0.9, Some(0.95), Some(0.99)), Outcome::Pass);
        assert_eq!(decide(Op::Ge, 0.9, Some(0.8), Some(0.89)), Outcome::Fail);
    }
}
