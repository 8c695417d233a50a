//! The exact tests and intervals a comparison needs: Fisher's exact test on a
//! 2×2 table, the pooled two-proportion z test, Wilson and Newcombe
//! intervals, the normal distribution, the regularised incomplete beta (for
//! binomial tails) and the Holm / Benjamini–Hochberg adjustments.
//!
//! Method and worked numbers: `shared/design/statistics.md` §4.4 and §5.
//! Plain `f64` arithmetic, no allocation except in the adjustments. The
//! distributions are the shared ones of [`crate::stats`].

use crate::stats::{incomplete_beta, ln_gamma};
pub use crate::stats::{normal_quantile, normal_sf, student_t_quantile, student_t_sf};

#[allow(dead_code)] // Not called by the crate at present.
fn ln_choose(n: u64, k: u64) -> f64 {
    ln_gamma(n as f64 + 1.0) - ln_gamma(k as f64 + 1.0) - ln_gamma((n - k) as f64 + 1.0)
}

/// P(Bin(n, p) ≥ r) for a real-valued `n` (an effective sample size) and
/// rank `r` in 1..=n: I_p(r, n − r + 1).
pub fn binomial_at_least(r: f64, n: f64, p: f64) -> f64 {
    if r <= 0.0 {
        return 1.0;
    }
    if r > n || p <= 0.0 {
        return 0.0;
    }
    if p >= 1.0 {
        return 1.0;
    }
    incomplete_beta(r, n - r + 1.0, p)
}

/// A 2×2 table: `x1` of `n1` in the first group (the baseline), `x2` of `n2`
/// in the second (the candidate).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(dead_code)] // Not called by the crate at present.
pub struct Table {
    pub x1: u64,
    pub n1: u64,
    pub x2: u64,
    pub n2: u64,
}

impl Table {
    #[allow(dead_code)] // Not called by the crate at present.
    fn valid(&self) -> bool {
        self.x1 <= self.n1 && self.x2 <= self.n2 && self.n1 > 0 && self.n2 > 0
    }
}

/// One-sided Fisher exact tests of a 2×2 table, conditional on its margins.
#[derive(Debug, Clone, Copy, PartialEq)]
#[allow(dead_code)] // Not called by the crate at present.
pub struct FisherTails {
    /// P-value against "the second group's proportion is higher".
    pub greater: f64,
    /// P-value against "the second group's proportion is lower".
    pub less: f64,
}

/// Fisher's exact test: the hypergeometric tails of `x2` given the margins.
#[allow(dead_code)] // Not called by the crate at present.
pub fn fisher_exact(t: Table) -> FisherTails {
    if !t.valid() {
        return FisherTails {
            greater: 1.0,
            less: 1.0,
        };
    }
    let total = t.n1 + t.n2;
    let successes = t.x1 + t.x2;
    let draws = t.n2;
    let lo = successes.saturating_sub(total - draws);
    let hi = successes.min(draws);
    let ln_denominator = ln_choose(total, draws);
    let pmf = |x: u64| {
        (ln_choose(successes, x) + ln_choose(total - successes, draws - x) - ln_denominator).exp()
    };
    // Sum each tail outward from its inner end, where terms are largest
    // and fall monotonically once past the mode; stop when they vanish.
    let upper = |from: u64| -> f64 {
        let mut sum = 0.0;
        let mut x = from;
        loop {
            let p = pmf(x);
            sum += p;
            if x >= hi || (p < sum * 1e-17 && x > from) {
                break;
            }
            x += 1;
        }
        sum
    };
    let lower = |from: u64| -> f64 {
        let mut sum = 0.0;
        let mut x = from;
        loop {
            let p = pmf(x);
            sum += p;
            if x <= lo || (p < sum * 1e-17 && x < from) {
                break;
            }
            x -= 1;
        }
        sum
    };
    let x = t.x2;
    let mode = (((draws + 1) as f64 * (successes + 1) as f64) / (total + 2) as f64).floor() as u64;
    let (greater, less) = if x >= mode {
        let less = if x >= hi { 1.0 } else { 1.0 - upper(x + 1) };
        (upper(x), less)
    } else {
        let greater = if x <= lo { 1.0 } else { 1.0 - lower(x - 1) };
        (greater, lower(x))
    };
    FisherTails {
        greater: greater.clamp(0.0, 1.0),
        less: less.clamp(0.0, 1.0),
    }
}

/// The pooled two-proportion z statistic (positive when the second group's
/// proportion is higher); `None` when the pooled proportion is 0 or 1.
#[allow(dead_code)] // Not called by the crate at present.
pub fn two_proportion_z(t: Table) -> Option<f64> {
    if !t.valid() {
        return None;
    }
    let (n1, n2) = (t.n1 as f64, t.n2 as f64);
    let pooled = (t.x1 + t.x2) as f64 / (n1 + n2);
    let se = (pooled * (1.0 - pooled) * (1.0 / n1 + 1.0 / n2)).sqrt();
    (se > 0.0).then(|| (t.x2 as f64 / n2 - t.x1 as f64 / n1) / se)
}

/// Welch-type t statistic of p₂ − p₁ (positive when the second proportion
/// is higher). Each variance uses the Agresti–Caffo adjusted proportion
/// (x + 1)/(n + 2), so that a zero count still carries uncertainty; equal
/// observed proportions give exactly 0. Counts may be effective (divided
/// by a design effect), hence real-valued.
#[allow(dead_code)] // Not called by the crate at present.
pub fn robust_difference_t((x1, n1): (f64, f64), (x2, n2): (f64, f64)) -> f64 {
    if n1 <= 0.0 || n2 <= 0.0 {
        return 0.0;
    }
    let variance = |x: f64, n: f64| {
        let p = (x + 1.0) / (n + 2.0);
        p * (1.0 - p) / (n + 2.0)
    };
    (x2 / n2 - x1 / n1) / (variance(x1, n1) + variance(x2, n2)).sqrt()
}

/// p₂ − p₁ and its standard error, with each variance taken at the
/// Agresti–Caffo adjusted proportion as [`robust_difference_t`] does: the
/// test statistic is their ratio, the interval p₂ − p₁ ± t·se (Agresti &
/// Caffo 2000), so the two never disagree.
pub fn robust_difference((x1, n1): (f64, f64), (x2, n2): (f64, f64)) -> (f64, f64) {
    if n1 <= 0.0 || n2 <= 0.0 {
        return (0.0, f64::INFINITY);
    }
    let variance = |x: f64, n: f64| {
        let p = (x + 1.0) / (n + 2.0);
        p * (1.0 - p) / (n + 2.0)
    };
    (
        x2 / n2 - x1 / n1,
        (variance(x1, n1) + variance(x2, n2)).sqrt(),
    )
}

/// A closed interval.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Interval {
    /// Lower end.
    pub low: f64,
    /// Upper end.
    pub high: f64,
}

/// Wilson score interval for `x` successes out of `n` (both may be
/// effective, non-integer counts), two-sided at level 1 − alpha.
#[allow(dead_code)] // Not called by the crate at present.
pub fn wilson(x: f64, n: f64, alpha: f64) -> Interval {
    let (low, high) = crate::stats::wilson(x, n, alpha / 2.0);
    Interval { low, high }
}

/// Newcombe's hybrid-score interval (method 10, 1998) for p₂ − p₁, from the
/// Wilson limits of each proportion.
#[allow(dead_code)] // Not called by the crate at present.
pub fn newcombe(x1: f64, n1: f64, x2: f64, n2: f64, alpha: f64) -> Interval {
    let p1 = if n1 > 0.0 { x1 / n1 } else { 0.0 };
    let p2 = if n2 > 0.0 { x2 / n2 } else { 0.0 };
    let w1 = wilson(x1, n1, alpha);
    let w2 = wilson(x2, n2, alpha);
    let d = p2 - p1;
    Interval {
        low: d - ((p2 - w2.low).powi(2) + (w1.high - p1).powi(2)).sqrt(),
        high: d + ((w2.high - p2).powi(2) + (p1 - w1.low).powi(2)).sqrt(),
    }
}

/// How p-values of one family of tests are adjusted for multiplicity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Adjustment {
    /// Holm's step-down: controls the chance of any false alarm (FWER).
    Holm,
    /// Benjamini–Hochberg step-up: controls the expected share of false alarms (FDR).
    BenjaminiHochberg,
}

/// Adjusted p-values, in the input order (NaN inputs are treated as 1).
pub fn adjust(p: &[f64], method: Adjustment) -> Vec<f64> {
    let m = p.len();
    let clean = |v: f64| if v.is_nan() { 1.0 } else { v.clamp(0.0, 1.0) };
    let mut order: Vec<usize> = (0..m).collect();
    order.sort_by(|&a, &b| clean(p[a]).total_cmp(&clean(p[b])));
    let mut out = vec![1.0; m];
    match method {
        Adjustment::Holm => {
            let mut running = 0.0f64;
            for (rank, &i) in order.iter().enumerate() {
                running = running.max(((m - rank) as f64 * clean(p[i])).min(1.0));
                out[i] = running;
            }
        }
        Adjustment::BenjaminiHochberg => {
            let mut running = 1.0f64;
            for (rank, &i) in order.iter().enumerate().rev() {
                running = running.min((m as f64 / (rank + 1) as f64 * clean(p[i])).min(1.0));
                out[i] = running;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64, rel: f64) -> bool {
        (a - b).abs() <= rel * b.abs().max(1e-300)
    }

    /// statistics.md §5, `compare_p95_quantile_test`: 220/5000 → 280/5000.
    #[test]
    fn p95_exceedance_example() {
        let t = Table {
            x1: 220,
            n1: 5000,
            x2: 280,
            n2: 5000,
        };
        let f = fisher_exact(t);
        assert!(close(f.greater, 0.00337, 0.005), "{}", f.greater);
        let z = two_proportion_z(t).unwrap_or(f64::NAN);
        assert!(close(z, 2.753, 0.0005), "{z}");
        let ci = newcombe(220.0, 5000.0, 280.0, 5000.0, 0.05);
        assert!(close(ci.low, 0.00346, 0.005), "{ci:?}");
        assert!(close(ci.high, 0.02059, 0.0005), "{ci:?}");
    }

    /// statistics.md §5, error rate: 12/10000 → 30/10000.
    #[test]
    fn error_rate_example() {
        let t = Table {
            x1: 12,
            n1: 10_000,
            x2: 30,
            n2: 10_000,
        };
        let f = fisher_exact(t);
        assert!(close(f.greater, 0.00393, 0.005), "{}", f.greater);
        let z = two_proportion_z(t).unwrap_or(f64::NAN);
        assert!(close(z, 2.780, 0.0005), "{z}");
        assert!(close(normal_sf(z), 0.00271, 0.005));
        let ci = newcombe(12.0, 10_000.0, 30.0, 10_000.0, 0.05);
        assert!(close(ci.low, 0.000531, 0.002), "{ci:?}");
        assert!(close(ci.high, 0.003179, 0.0005), "{ci:?}");
    }

    /// statistics.md §4.4, the Wilson column.
    #[test]
    fn wilson_table() {
        let rows: [(f64, f64, f64, f64); 7] = [
            (0.0, 100.0, 0.0, 0.036993),
            (1.0, 100.0, 0.0017674, 0.054486),
            (5.0, 100.0, 0.021544, 0.11175),
            (10.0, 1000.0, 0.0054408, 0.018309),
            (0.0, 10_000.0, 0.0, 0.00038400),
            (50.0, 10_000.0, 0.0037949, 0.0065853),
            (100.0, 10_000.0, 0.0082293, 0.012147),
        ];
        for (x, n, lo, hi) in rows {
            let w = wilson(x, n, 0.05);
            assert!(
                close(w.low, lo, 1e-4) || (lo == 0.0 && w.low == 0.0),
                "{x}/{n}: {w:?}"
            );
            assert!(close(w.high, hi, 1e-4), "{x}/{n}: {w:?}");
        }
    }

    #[test]
    fn normal_functions_agree() {
        for p in [1e-12, 1e-6, 0.001, 0.025, 0.3, 0.5, 0.8, 0.975, 0.999999] {
            let z = normal_quantile(p);
            assert!(close(normal_sf(-z), p, 1e-9), "{p}: {z}");
        }
        assert!(close(normal_quantile(0.975), 1.959_963_984_540_054, 1e-12));
    }

    #[test]
    fn fisher_tails_sum_to_one_plus_the_point() {
        for (x1, n1, x2, n2) in [
            (0, 10, 0, 10),
            (3, 10, 9, 12),
            (50, 60, 1, 70),
            (0, 1, 1, 1),
        ] {
            let t = Table { x1, n1, x2, n2 };
            let f = fisher_exact(t);
            let successes = x1 + x2;
            let point = (ln_choose(successes, x2) + ln_choose(n1 + n2 - successes, n2 - x2)
                - ln_choose(n1 + n2, n2))
            .exp();
            assert!(close(f.greater + f.less, 1.0 + point, 1e-9), "{t:?} {f:?}");
        }
    }

    #[test]
    fn adjustments() {
        let p = [0.01, 0.04, 0.03, 0.005];
        let holm = adjust(&p, Adjustment::Holm);
        for (a, b) in holm.iter().zip([0.03, 0.06, 0.06, 0.02]) {
            assert!(close(*a, b, 1e-12), "{holm:?}");
        }
        let bh = adjust(&p, Adjustment::BenjaminiHochberg);
        for (a, b) in bh.iter().zip([0.02, 0.04, 0.04, 0.02]) {
            assert!(close(*a, b, 1e-12), "{bh:?}");
        }
    }

    #[test]
    fn robust_t_is_zero_for_equal_proportions() {
        assert_eq!(robust_difference_t((0.0, 10.0), (0.0, 300.0)), 0.0);
        assert_eq!(robust_difference_t((2.0, 100.0), (6.0, 300.0)), 0.0);
        assert!(robust_difference_t((1.0, 100.0), (30.0, 300.0)) > 2.0);
    }

    #[test]
    fn student_t() {
        // t(10) 97.5% quantile 2.228139; t(1) is Cauchy: P(T > 1) = 1/4.
        assert!(close(
            student_t_sf(2.228_138_851_986_273, 10.0),
            0.025,
            1e-9
        ));
        assert!(close(student_t_sf(1.0, 1.0), 0.25, 1e-12));
        assert!(close(student_t_sf(-1.0, 1.0), 0.75, 1e-12));
    }

    #[test]
    fn binomial_tail() {
        // P(Bin(10, 0.5) ≥ 8) = 56/1024.
        assert!(close(
            binomial_at_least(8.0, 10.0, 0.5),
            56.0 / 1024.0,
            1e-12
        ));
    }
}
