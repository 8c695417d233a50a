//! One procedure per statistic: the p-value and the interval at any level
//! come from the same distribution, so that "significant at level γ" and
//! "the interval at 1 − γ excludes no change" are the same statement.
//!
//! - [`Spread`]: a Monte Carlo distribution (bootstrap replicates or
//!   permutation deals) with tails that are empirical where it has values
//!   and a fitted normal beyond them, capped at its resolution.
//! - [`Evidence`]: what one statistic's test and interval draw on. Its
//!   interval at level γ excludes "no change" exactly when its p-value is
//!   ≤ γ, so a multiplicity procedure that picks a level per test (see
//!   [`super::levels`]) decides the verdict and the interval together.

use super::stats::{normal_quantile, normal_sf, student_t_quantile, student_t_sf, Interval};

/// A sorted Monte Carlo sample of a statistic, with its mean and spread
/// (for tails beyond its range).
#[derive(Debug, Clone, PartialEq)]
pub struct Spread {
    sorted: Vec<f64>,
    mean: f64,
    sd: f64,
}

impl Spread {
    /// `None` for an empty sample (or one with a non-finite value).
    pub fn new(mut values: Vec<f64>) -> Option<Spread> {
        if values.is_empty() || values.iter().any(|v| !v.is_finite()) {
            return None;
        }
        values.sort_by(f64::total_cmp);
        let n = values.len() as f64;
        let mean = values.iter().sum::<f64>() / n;
        let sd = (values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / n).sqrt();
        Some(Spread {
            sorted: values,
            mean,
            sd,
        })
    }

    /// The smallest tail probability a sample of this size can show.
    fn resolution(&self) -> f64 {
        1.0 / (self.sorted.len() as f64 + 1.0)
    }

    /// P(S ≥ x): (1 + count)/(B + 1) where the sample reaches x; beyond it,
    /// the fitted normal's tail, capped at the resolution.
    pub fn at_least(&self, x: f64) -> f64 {
        let count = self.sorted.len() - self.sorted.partition_point(|&v| v < x);
        self.tail(count, (x - self.mean) / self.sd)
    }

    /// P(S ≤ x), the mirror of [`Spread::at_least`].
    pub fn at_most(&self, x: f64) -> f64 {
        let count = self.sorted.partition_point(|&v| v <= x);
        self.tail(count, (self.mean - x) / self.sd)
    }

    fn tail(&self, count: usize, z: f64) -> f64 {
        let r = self.resolution();
        if count > 0 {
            ((count as f64 + 1.0) * r).min(1.0)
        } else if self.sd > 0.0 {
            normal_sf(z).min(r)
        } else {
            r
        }
    }

    /// The values x with P(S ≤ x) > γ/2 and P(S ≥ x) > γ/2: where a
    /// two-sided test at level γ does not reject. Bounded by the sample's
    /// range when its spread is 0.
    pub fn acceptance(&self, gamma: f64) -> (f64, f64) {
        let half = gamma / 2.0;
        let r = self.resolution();
        let n = self.sorted.len();
        // The k-th value from either end is the first with (1 + k)·r > γ/2.
        let mut k = ((half / r - 1.0).floor().max(0.0) as usize + 1).min(n);
        while k > 1 && (k as f64) * r > half {
            k -= 1;
        }
        while k < n && (k as f64 + 1.0) * r <= half {
            k += 1;
        }
        let (mut lo, mut hi) = (self.sorted[k - 1], self.sorted[n - k]);
        if r > half && self.sd > 0.0 {
            // Beyond the sample the fitted normal's tail still exceeds γ/2.
            let z = normal_quantile(1.0 - half);
            lo = lo.min(self.mean - z * self.sd);
            hi = hi.max(self.mean + z * self.sd);
        }
        (lo, hi)
    }
}

/// What one statistic's test and interval draw on.
#[derive(Debug, Clone, PartialEq)]
pub enum Evidence {
    /// A permutation test of ln(candidate/baseline): the observed value and
    /// the deals' distribution under "no difference". The interval inverts
    /// the test under a shift of the log ratio: the shifts θ₀ for which
    /// θ̂ − θ₀ is not extreme among the deals.
    Permutation { observed: f64, null: Spread },
    /// A bootstrap distribution of ln(candidate/baseline); the interval is
    /// its percentile interval, the p-value the share of replicates on the
    /// far side of 0 (ratio 1).
    Bootstrap { spread: Spread },
    /// A difference of proportions with its standard error; a t reference
    /// with `df` degrees of freedom, or the normal when `None`.
    Difference { d: f64, se: f64, df: Option<f64> },
}

impl Evidence {
    /// One-sided p-values against "the candidate is worse" (its value is
    /// higher) and "better".
    pub fn p_sides(&self) -> (f64, f64) {
        match self {
            Evidence::Permutation { observed, null } => {
                (null.at_least(*observed), null.at_most(*observed))
            }
            Evidence::Bootstrap { spread } => (spread.at_most(0.0), spread.at_least(0.0)),
            Evidence::Difference { d, se, df } => {
                if *se <= 0.0 || !se.is_finite() {
                    return (1.0, 1.0);
                }
                let t = d / se;
                match df {
                    Some(df) => (student_t_sf(t, *df), student_t_sf(-t, *df)),
                    None => (normal_sf(t), normal_sf(-t)),
                }
            }
        }
    }

    /// The interval at level 1 − γ: of ln(ratio) for latency, of the
    /// difference for proportions.
    pub fn interval(&self, gamma: f64) -> Interval {
        match self {
            Evidence::Permutation { observed, null } => {
                let (lo, hi) = null.acceptance(gamma);
                Interval {
                    low: observed - hi,
                    high: observed - lo,
                }
            }
            Evidence::Bootstrap { spread } => {
                let (low, high) = spread.acceptance(gamma);
                Interval { low, high }
            }
            Evidence::Difference { d, se, df } => {
                let q = 1.0 - gamma / 2.0;
                let z = match df {
                    Some(df) => student_t_quantile(q, *df),
                    None => normal_quantile(q),
                };
                let w = if z.is_finite() && se.is_finite() {
                    z * se
                } else {
                    2.0
                };
                Interval {
                    low: (d - w).max(-1.0),
                    high: (d + w).min(1.0),
                }
            }
        }
    }

    /// Whether the interval at 1 − γ leaves out "no change" (0 on both scales).
    #[allow(dead_code)] // Not called by the crate at present.
    pub fn rejects(&self, gamma: f64) -> bool {
        let iv = self.interval(gamma);
        iv.low > 0.0 || iv.high < 0.0
    }
}

/// The level each test is held to, from its two-sided p-value, so that
/// rejecting at that level is the adjustment's decision and the interval at
/// that level carries it:
///
/// - **Holm**: with p-values in increasing order, the k-th (from 0) is
///   rejected at α/(m − k) while every earlier one was; a rejected test's
///   interval is at its own step's level, and every test from the first not
///   rejected on gets the level at which the procedure stopped, where its
///   interval holds "no change".
/// - **Benjamini–Hochberg**: with R rejections, every interval at level
///   R·α/m (α/m when R = 0): the false-coverage-rate adjusted intervals of
///   Benjamini & Yekutieli (2005), which exclude "no change" exactly for the
///   rejected tests.
pub fn levels(p: &[f64], alpha: f64, adjustment: super::stats::Adjustment) -> Vec<f64> {
    let m = p.len();
    let clean = |v: f64| if v.is_nan() { 1.0 } else { v.clamp(0.0, 1.0) };
    let mut order: Vec<usize> = (0..m).collect();
    order.sort_by(|&a, &b| clean(p[a]).total_cmp(&clean(p[b])));
    let mut out = vec![alpha / m.max(1) as f64; m];
    match adjustment {
        super::stats::Adjustment::Holm => {
            let mut stopped: Option<f64> = None;
            for (k, &i) in order.iter().enumerate() {
                let step = alpha / (m - k) as f64;
                out[i] = match stopped {
                    Some(level) => level,
                    None => {
                        if clean(p[i]) > step {
                            stopped = Some(step);
                        }
                        step
                    }
                };
            }
        }
        super::stats::Adjustment::BenjaminiHochberg => {
            let rejections = order
                .iter()
                .enumerate()
                .rev()
                .find(|(k, &i)| clean(p[i]) <= (k + 1) as f64 * alpha / m as f64)
                .map_or(0, |(k, _)| k + 1);
            let level = rejections.max(1) as f64 * alpha / m as f64;
            out.iter_mut().for_each(|g| *g = level);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compare::bootstrap::Rng;

    fn normal_sample(n: usize, shift: f64, seed: u64) -> Spread {
        let mut rng = Rng::new(seed);
        let v = (0..n)
            .map(|_| shift + normal_quantile(rng.unit()))
            .collect();
        Spread::new(v).expect("sample")
    }

    /// The interval excludes 0 exactly when the p-value is at most the level,
    /// at every level, inside and beyond the sample's resolution.
    #[test]
    fn interval_and_p_value_agree_at_every_level() {
        for shift in [0.0, 0.5, 1.5, 2.5, 3.2, 4.0, 6.0] {
            let s = normal_sample(999, shift, 9);
            let evidence = [
                Evidence::Bootstrap { spread: s.clone() },
                Evidence::Permutation {
                    observed: shift,
                    null: normal_sample(999, 0.0, 11),
                },
            ];
            for e in evidence {
                let (w, b) = e.p_sides();
                let p = (2.0 * w.min(b)).min(1.0);
                for gamma in [0.2, 0.05, 0.01, 0.002, 1e-3, 1e-4, 1e-6] {
                    assert_eq!(e.rejects(gamma), p <= gamma, "{shift} {gamma} p={p} {e:?}");
                }
            }
        }
        for (d, se) in [(0.0, 0.01), (0.02, 0.01), (-0.05, 0.01), (0.3, 0.1)] {
            let e = Evidence::Difference {
                d,
                se,
                df: Some(12.0),
            };
            let (w, b) = e.p_sides();
            let p = (2.0 * w.min(b)).min(1.0);
            for gamma in [0.2, 0.05, 0.01, 0.002, 1e-4] {
                assert_eq!(e.rejects(gamma), p <= gamma, "{d} {se} {gamma} {p}");
            }
        }
    }

    #[test]
    fn a_smaller_level_gives_a_wider_interval() {
        let s = normal_sample(500, 1.0, 3);
        let e = Evidence::Bootstrap { spread: s };
        let mut last = e.interval(0.5);
        for gamma in [0.1, 0.01, 1e-3, 1e-5] {
            let iv = e.interval(gamma);
            assert!(iv.low <= last.low && iv.high >= last.high, "{gamma}");
            last = iv;
        }
    }
}
