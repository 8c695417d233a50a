//! The statistics the verdicts, the capacity model and comparisons share:
//! log-gamma and the regularised incomplete beta and gamma functions, the
//! binomial, normal and Student-t distributions, the order-statistic ranks of
//! distribution-free quantile bounds, and intervals for a binomial proportion
//! (Wilson, Clopper–Pearson).
//!
//! Method and worked numbers: `shared/design/statistics.md` §4 (cross-checked
//! there with scipy). Plain `f64` arithmetic with no allocation, so it is as
//! cheap in the browser as on the command line, and no dependency.

/// ln Γ(x) for x > 0 (Lanczos approximation, g = 7, 9 terms; relative error
/// below 1e-13 over the range we use).
pub fn ln_gamma(x: f64) -> f64 {
    const G: f64 = 7.0;
    const C: [f64; 9] = [
        0.999_999_999_999_809_9,
        676.520_368_121_885_1,
        -1_259.139_216_722_402_8,
        771.323_428_777_653_1,
        -176.615_029_162_140_6,
        12.507_343_278_686_905,
        -0.138_571_095_265_720_12,
        9.984_369_578_019_572e-6,
        1.505_632_735_149_311_6e-7,
    ];
    if x < 0.5 {
        // Reflection keeps the series in its accurate range.
        let pi = std::f64::consts::PI;
        return (pi / (pi * x).sin()).ln() - ln_gamma(1.0 - x);
    }
    let x = x - 1.0;
    let mut a = C[0];
    let t = x + G + 0.5;
    for (i, c) in C.iter().enumerate().skip(1) {
        a += c / (x + i as f64);
    }
    0.5 * (2.0 * std::f64::consts::PI).ln() + (x + 0.5) * t.ln() - t + a.ln()
}

/// Continued fraction for the incomplete beta function (modified Lentz).
fn beta_continued_fraction(a: f64, b: f64, x: f64) -> f64 {
    const TINY: f64 = 1e-300;
    const EPS: f64 = 1e-15;
    // Convergence takes O(sqrt(max(a, b))) terms; a billion samples is ~1e5.
    const MAX_TERMS: u32 = 1_000_000;
    let (qab, qap, qam) = (a + b, a + 1.0, a - 1.0);
    let mut c = 1.0;
    let mut d = 1.0 - qab * x / qap;
    if d.abs() < TINY {
        d = TINY;
    }
    d = 1.0 / d;
    let mut h = d;
    for m in 1..=MAX_TERMS {
        let m = f64::from(m);
        let m2 = 2.0 * m;
        let aa = m * (b - m) * x / ((qam + m2) * (a + m2));
        d = 1.0 + aa * d;
        if d.abs() < TINY {
            d = TINY;
        }
        c = 1.0 + aa / c;
        if c.abs() < TINY {
            c = TINY;
        }
        d = 1.0 / d;
        h *= d * c;
        let aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
        d = 1.0 + aa * d;
        if d.abs() < TINY {
            d = TINY;
        }
        c = 1.0 + aa / c;
        if c.abs() < TINY {
            c = TINY;
        }
        d = 1.0 / d;
        let del = d * c;
        h *= del;
        if (del - 1.0).abs() < EPS {
            break;
        }
    }
    h
}

/// The regularised incomplete beta function I_x(a, b), for a, b > 0.
pub fn incomplete_beta(a: f64, b: f64, x: f64) -> f64 {
    if x <= 0.0 {
        return 0.0;
    }
    if x >= 1.0 {
        return 1.0;
    }
    let ln_front = ln_gamma(a + b) - ln_gamma(a) - ln_gamma(b) + a * x.ln() + b * (1.0 - x).ln();
    let front = ln_front.exp();
    if x < (a + 1.0) / (a + b + 2.0) {
        front * beta_continued_fraction(a, b, x) / a
    } else {
        1.0 - front * beta_continued_fraction(b, a, 1.0 - x) / b
    }
}

/// The inverse of [`incomplete_beta`] in x: the `q` quantile of a Beta(a, b) variable.
pub fn beta_quantile(q: f64, a: f64, b: f64) -> f64 {
    if q <= 0.0 {
        return 0.0;
    }
    if q >= 1.0 {
        return 1.0;
    }
    // Bisection: I_x is monotone in x, and 200 halvings reach f64 resolution.
    let (mut lo, mut hi) = (0.0f64, 1.0f64);
    for _ in 0..200 {
        let mid = 0.5 * (lo + hi);
        if mid <= lo || mid >= hi {
            break;
        }
        if incomplete_beta(a, b, mid) < q {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    0.5 * (lo + hi)
}

/// P(Bin(n, p) ≤ k).
pub fn binomial_cdf(k: i64, n: u64, p: f64) -> f64 {
    if k < 0 {
        return 0.0;
    }
    if k as u64 >= n {
        return 1.0;
    }
    if p <= 0.0 {
        return 1.0;
    }
    if p >= 1.0 {
        return 0.0;
    }
    let k = k as f64;
    incomplete_beta(n as f64 - k, k + 1.0, 1.0 - p)
}

/// Q(q): the smallest k in 0..=n with P(Bin(n, p) ≤ k) ≥ q.
pub fn binomial_quantile(n: u64, p: f64, q: f64) -> u64 {
    let (mut lo, mut hi) = (0u64, n);
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        if binomial_cdf(mid as i64, n, p) >= q {
            hi = mid;
        } else {
            lo = mid + 1;
        }
    }
    lo
}

/// 1-based ranks of the order statistics that bound the `p` quantile of `n`
/// iid samples. `None` means the bound does not exist at this sample size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ranks {
    /// Rank of the lower bound.
    pub lower: Option<u64>,
    /// Rank of the upper bound.
    pub upper: Option<u64>,
}

/// One-sided bounds, each holding with probability ≥ 1 − `alpha`:
/// P(x₍lower₎ ≤ ξ_p) ≥ 1 − α and P(ξ_p ≤ x₍upper₎) ≥ 1 − α. Together they
/// are a two-sided interval at level 1 − 2α (statistics.md §4.1: l₁ = Q(α),
/// u₁ = Q(1 − α) + 1). Pass `alpha / 2` for a two-sided interval at 1 − α.
pub fn quantile_ranks(n: u64, p: f64, alpha: f64) -> Ranks {
    if n == 0 || !(p > 0.0 && p < 1.0) {
        return Ranks {
            lower: None,
            upper: None,
        };
    }
    let lower = binomial_quantile(n, p, alpha);
    let upper = binomial_quantile(n, p, 1.0 - alpha) + 1;
    Ranks {
        lower: (lower >= 1).then_some(lower),
        upper: (upper <= n).then_some(upper),
    }
}

/// Acklam's rational approximation of Φ⁻¹ (relative error below 1.2e-9),
/// the starting point of [`normal_quantile`].
fn acklam_normal_quantile(p: f64) -> f64 {
    const A: [f64; 6] = [
        -3.969_683_028_665_376e1,
        2.209_460_984_245_205e2,
        -2.759_285_104_469_687e2,
        1.383_577_518_672_69e2,
        -3.066_479_806_614_716e1,
        2.506_628_277_459_239,
    ];
    const B: [f64; 5] = [
        -5.447_609_879_822_406e1,
        1.615_858_368_580_409e2,
        -1.556_989_798_598_866e2,
        6.680_131_188_771_972e1,
        -1.328_068_155_288_572e1,
    ];
    const C: [f64; 6] = [
        -7.784_894_002_430_293e-3,
        -3.223_964_580_411_365e-1,
        -2.400_758_277_161_838,
        -2.549_732_539_343_734,
        4.374_664_141_464_968,
        2.938_163_982_698_783,
    ];
    const D: [f64; 4] = [
        7.784_695_709_041_462e-3,
        3.224_671_290_700_398e-1,
        2.445_134_137_142_996,
        3.754_408_661_907_416,
    ];
    if p <= 0.0 {
        return f64::NEG_INFINITY;
    }
    if p >= 1.0 {
        return f64::INFINITY;
    }
    let tail = |q: f64| {
        (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
            / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0)
    };
    const LOW: f64 = 0.02425;
    if p < LOW {
        tail((-2.0 * p.ln()).sqrt())
    } else if p > 1.0 - LOW {
        -tail((-2.0 * (1.0 - p).ln()).sqrt())
    } else {
        let q = p - 0.5;
        let r = q * q;
        (((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q
            / (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1.0)
    }
}

/// Regularised upper incomplete gamma Q(a, x) (series below a + 1, continued
/// fraction above: both converge fast there).
fn gamma_q(a: f64, x: f64) -> f64 {
    if x <= 0.0 {
        return 1.0;
    }
    let ln_front = -x + a * x.ln() - ln_gamma(a);
    if x < a + 1.0 {
        let (mut ap, mut sum, mut del) = (a, 1.0 / a, 1.0 / a);
        for _ in 0..10_000 {
            ap += 1.0;
            del *= x / ap;
            sum += del;
            if del.abs() < sum.abs() * 1e-16 {
                break;
            }
        }
        1.0 - sum * ln_front.exp()
    } else {
        const TINY: f64 = 1e-300;
        let mut b = x + 1.0 - a;
        let mut c = 1.0 / TINY;
        let mut d = 1.0 / b;
        let mut h = d;
        for i in 1..10_000 {
            let an = -(i as f64) * (i as f64 - a);
            b += 2.0;
            d = an * d + b;
            if d.abs() < TINY {
                d = TINY;
            }
            c = b + an / c;
            if c.abs() < TINY {
                c = TINY;
            }
            d = 1.0 / d;
            let del = d * c;
            h *= del;
            if (del - 1.0).abs() < 1e-16 {
                break;
            }
        }
        ln_front.exp() * h
    }
}

/// P(Z > z) for a standard normal Z, accurate far into the tail.
pub fn normal_sf(z: f64) -> f64 {
    if z.is_nan() {
        return f64::NAN;
    }
    // erfc(x) = Q(1/2, x²) for x ≥ 0.
    let tail = 0.5 * gamma_q(0.5, z * z / 2.0);
    if z >= 0.0 {
        tail
    } else {
        1.0 - tail
    }
}

/// The standard normal quantile Φ⁻¹(p): Acklam's approximation refined by
/// one Halley step against [`normal_sf`], to full precision.
pub fn normal_quantile(p: f64) -> f64 {
    if p.is_nan() || !(0.0..=1.0).contains(&p) {
        return f64::NAN;
    }
    let x = acklam_normal_quantile(p);
    if !x.is_finite() {
        return x;
    }
    let e = normal_sf(-x) - p;
    let u = e * (2.0 * std::f64::consts::PI).sqrt() * (x * x / 2.0).exp();
    x - u / (1.0 + x * u / 2.0)
}

/// P(T ≤ t) for Student's t with `df` degrees of freedom.
pub fn student_t_cdf(t: f64, df: f64) -> f64 {
    let tail = 0.5 * incomplete_beta(df / 2.0, 0.5, df / (df + t * t));
    if t >= 0.0 {
        1.0 - tail
    } else {
        tail
    }
}

/// The q-quantile of Student's t with `df` degrees of freedom (q in (0.5, 1)),
/// by bisection on the CDF: exact to 1e-12, and only ever called a few times.
pub fn student_t_quantile(q: f64, df: f64) -> f64 {
    if !(q > 0.5 && q < 1.0) || df <= 0.0 {
        return f64::NAN;
    }
    let (mut lo, mut hi) = (0.0, 1.0);
    while student_t_cdf(hi, df) < q {
        hi *= 2.0;
        if hi > 1e12 {
            return f64::INFINITY;
        }
    }
    for _ in 0..200 {
        let mid = 0.5 * (lo + hi);
        if student_t_cdf(mid, df) < q {
            lo = mid;
        } else {
            hi = mid;
        }
        if hi - lo <= 1e-12 * hi {
            break;
        }
    }
    0.5 * (lo + hi)
}

/// P(T > t) for Student's t with `df` degrees of freedom.
pub fn student_t_sf(t: f64, df: f64) -> f64 {
    if t.is_nan() || df <= 0.0 {
        return f64::NAN;
    }
    let tail = 0.5 * incomplete_beta(df / 2.0, 0.5, df / (df + t * t));
    if t >= 0.0 {
        tail
    } else {
        1.0 - tail
    }
}

/// How a proportion interval was computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProportionMethod {
    Wilson,
    ClopperPearson,
}

impl ProportionMethod {
    pub fn name(self) -> &'static str {
        match self {
            ProportionMethod::Wilson => "Wilson score",
            ProportionMethod::ClopperPearson => "Clopper–Pearson (exact)",
        }
    }
}

/// Wilson score bounds for `x` successes in `n` trials, each one-sided at
/// 1 − `alpha` (pass `alpha / 2` for a two-sided interval). `x` may be
/// fractional when `n` is an effective sample size.
pub fn wilson(x: f64, n: f64, alpha: f64) -> (f64, f64) {
    if n <= 0.0 {
        return (0.0, 1.0);
    }
    let z = normal_quantile(1.0 - alpha);
    let p = (x / n).clamp(0.0, 1.0);
    let z2n = z * z / n;
    let centre = (p + z2n / 2.0) / (1.0 + z2n);
    let half = z * (p * (1.0 - p) / n + z2n / (4.0 * n)).sqrt() / (1.0 + z2n);
    let lo = if x <= 0.0 {
        0.0
    } else {
        (centre - half).max(0.0)
    };
    let hi = if x >= n {
        1.0
    } else {
        (centre + half).min(1.0)
    };
    (lo, hi)
}

/// Clopper–Pearson (exact) bounds, each one-sided at 1 − `alpha`.
pub fn clopper_pearson(x: f64, n: f64, alpha: f64) -> (f64, f64) {
    if n <= 0.0 {
        return (0.0, 1.0);
    }
    let lo = if x <= 0.0 {
        0.0
    } else {
        beta_quantile(alpha, x, n - x + 1.0)
    };
    let hi = if x >= n {
        1.0
    } else {
        beta_quantile(1.0 - alpha, x + 1.0, n - x)
    };
    (lo, hi)
}

/// Wilson in the middle; Clopper–Pearson near the edges (fewer than 10
/// successes or failures), where Wilson's coverage dips below nominal.
pub fn proportion_bounds(x: f64, n: f64, alpha: f64) -> ((f64, f64), ProportionMethod) {
    if x < 10.0 || n - x < 10.0 {
        (
            clopper_pearson(x, n, alpha),
            ProportionMethod::ClopperPearson,
        )
    } else {
        (wilson(x, n, alpha), ProportionMethod::Wilson)
    }
}

/// The smallest sample size ≥ `from` for which `decides` holds, assuming it
/// stays true once it becomes true (true of the bounds here, up to the
/// rounding of counts). `None` if nothing up to 10¹² decides.
pub fn smallest_deciding_n(from: u64, decides: impl Fn(u64) -> bool) -> Option<u64> {
    const CAP: u64 = 1_000_000_000_000;
    let mut hi = from.max(1);
    while !decides(hi) {
        if hi >= CAP {
            return None;
        }
        hi = (hi * 2).min(CAP);
    }
    let mut lo = (hi / 2).max(from.max(1));
    if decides(lo) {
        return Some(lo);
    }
    // Invariant: !decides(lo), decides(hi).
    while hi - lo > 1 {
        let mid = lo + (hi - lo) / 2;
        if decides(mid) {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    Some(hi)
}

#[cfg(test)]
mod tests {
    //! Expected values are the worked numbers of statistics.md §4, which were
    //! computed there with scipy (`quantile_test`, `binomtest`, beta.ppf).
    use super::*;

    fn close(a: f64, b: f64, rel: f64) -> bool {
        (a - b).abs() <= rel * b.abs().max(1e-12)
    }

    #[test]
    fn ln_gamma_matches_factorials() {
        let mut f = 1.0f64;
        for n in 1..30u32 {
            f *= f64::from(n);
            assert!(close(ln_gamma(f64::from(n) + 1.0), f.ln(), 1e-12), "n={n}");
        }
        assert!(close(
            ln_gamma(0.5),
            std::f64::consts::PI.sqrt().ln(),
            1e-12
        ));
    }

    #[test]
    fn rank_table_of_statistics_md() {
        // (n, p, two-sided 95% (l, u), one-sided upper u₁); None = does not exist.
        type Row = (u64, f64, Option<u64>, Option<u64>, Option<u64>);
        let table: [Row; 10] = [
            (59, 0.95, Some(52), None, Some(59)),
            (100, 0.50, Some(40), Some(61), Some(59)),
            (100, 0.95, Some(90), Some(100), Some(99)),
            (100, 0.99, Some(97), None, None),
            (299, 0.95, Some(276), Some(292), Some(291)),
            (299, 0.99, Some(292), None, Some(299)),
            (1000, 0.95, Some(936), Some(964), Some(962)),
            (1000, 0.99, Some(983), Some(997), Some(996)),
            (10000, 0.95, Some(9457), Some(9543), Some(9537)),
            (10000, 0.99, Some(9880), Some(9920), Some(9917)),
        ];
        for (n, p, l, u, u1) in table {
            let two = quantile_ranks(n, p, 0.025);
            assert_eq!((two.lower, two.upper), (l, u), "two-sided n={n} p={p}");
            assert_eq!(
                quantile_ranks(n, p, 0.05).upper,
                u1,
                "one-sided n={n} p={p}"
            );
        }
    }

    #[test]
    fn hdr_worked_case_ranks() {
        // statistics.md §4.2 (`hdr_quantile_ci`, 200 samples): two-sided 95%
        // ranks (184, 197), one-sided upper rank 196.
        let two = quantile_ranks(200, 0.95, 0.025);
        assert_eq!((two.lower, two.upper), (Some(184), Some(197)));
        assert_eq!(quantile_ranks(200, 0.95, 0.05).upper, Some(196));
    }

    #[test]
    fn minimum_samples_for_a_claim_with_zero_exceedances() {
        // statistics.md: p90 29, p95 59, p99 299, p99.9 2995.
        for (p, n) in [(0.90, 29u64), (0.95, 59), (0.99, 299), (0.999, 2995)] {
            assert!(quantile_ranks(n, p, 0.05).upper.is_some(), "p={p} n={n}");
            assert!(
                quantile_ranks(n - 1, p, 0.05).upper.is_none(),
                "p={p} n={}",
                n - 1
            );
            let found = smallest_deciding_n(1, |m| quantile_ranks(m, p, 0.05).upper.is_some());
            assert_eq!(found, Some(n));
        }
    }

    #[test]
    fn proportion_table_of_statistics_md() {
        // errors, requests, Wilson (lo, hi), Clopper–Pearson (lo, hi); two-sided 95%.
        let table = [
            (0.0, 100.0, (0.0, 0.036993), (0.0, 0.036217)),
            (1.0, 100.0, (0.0017674, 0.054486), (0.00025315, 0.054459)),
            (5.0, 100.0, (0.021544, 0.11175), (0.016432, 0.11283)),
            (0.0, 1000.0, (0.0, 0.0038268), (0.0, 0.0036821)),
            (10.0, 1000.0, (0.0054408, 0.018309), (0.0048055, 0.018313)),
            (0.0, 10000.0, (0.0, 0.00038400), (0.0, 0.00036882)),
            (
                50.0,
                10000.0,
                (0.0037949, 0.0065853),
                (0.0037133, 0.0065866),
            ),
            (100.0, 10000.0, (0.0082293, 0.012147), (0.0081436, 0.012150)),
        ];
        for (x, n, w, cp) in table {
            let (wl, wh) = wilson(x, n, 0.025);
            let (cl, ch) = clopper_pearson(x, n, 0.025);
            assert!(
                close(wl, w.0, 1e-4) && close(wh, w.1, 1e-4),
                "wilson {x}/{n}: {wl} {wh}"
            );
            assert!(
                close(cl, cp.0, 1e-4) && close(ch, cp.1, 1e-4),
                "cp {x}/{n}: {cl} {ch}"
            );
        }
        // Zero errors: the one-sided 95% upper bound is 1 − 0.05^(1/n).
        for (n, expected) in [
            (100.0, 0.029513),
            (1000.0, 0.0029912),
            (10000.0, 0.00029953),
        ] {
            assert!(close(clopper_pearson(0.0, n, 0.05).1, expected, 1e-4));
        }
    }

    #[test]
    fn requests_needed_for_an_error_rate_claim_with_zero_errors() {
        // statistics.md §4.4: 299 for < 1%, 2995 for < 0.1%.
        for (limit, n) in [(0.01, 299u64), (0.001, 2995)] {
            let found = smallest_deciding_n(1, |m| clopper_pearson(0.0, m as f64, 0.05).1 < limit);
            assert_eq!(found, Some(n));
        }
    }

    #[test]
    fn normal_quantiles() {
        assert!(close(normal_quantile(0.975), 1.959_963_985, 1e-8));
        assert!(close(normal_quantile(0.95), 1.644_853_627, 1e-8));
        assert!(close(normal_quantile(0.001), -3.090_232_306, 1e-8));
    }

    #[test]
    fn large_samples_stay_fast_and_sane() {
        let r = quantile_ranks(50_000_000, 0.99, 0.05);
        let (l, u) = (r.lower.unwrap_or(0), r.upper.unwrap_or(0));
        let mean = 0.99 * 50e6;
        let sd = (50e6f64 * 0.99 * 0.01).sqrt();
        assert!((l as f64 - (mean - 1.645 * sd)).abs() < 3.0, "{l}");
        assert!((u as f64 - (mean + 1.645 * sd)).abs() < 3.0, "{u}");
    }

    #[test]
    fn gamma_and_beta_match_closed_forms() {
        // Γ(5) = 24, Γ(0.5) = √π.
        assert!(close(ln_gamma(5.0), 24f64.ln(), 1e-14));
        assert!(close(
            ln_gamma(0.5),
            std::f64::consts::PI.sqrt().ln(),
            1e-13
        ));
        // I_x(1, 1) = x; I_x(a, 1) = x^a.
        assert!(close(incomplete_beta(1.0, 1.0, 0.3), 0.3, 1e-13));
        assert!(close(incomplete_beta(3.0, 1.0, 0.4), 0.064, 1e-13));
    }

    #[test]
    fn binomial_cdf_matches_direct_sum() {
        let (n, p) = (100u64, 0.95f64);
        // P(Bin ≥ 99) = 100·p^99·q + p^100 (statistics.md §4.1, n = 100).
        let upper = 100.0 * p.powi(99) * 0.05 + p.powi(100);
        assert!(close(binomial_cdf(98, n, p), 1.0 - upper, 1e-12));
        assert!(close(
            binomial_cdf(58, 59, 0.95),
            1.0 - 0.95f64.powi(59),
            1e-12
        ));
    }

    #[test]
    fn t_quantiles_match_tables() {
        // Standard table values: t(0.975; 4) = 2.776445, t(0.975; 1) = 12.706205.
        assert!(close(student_t_quantile(0.975, 4.0), 2.776_445_105, 1e-8));
        assert!(close(student_t_quantile(0.975, 1.0), 12.706_204_736, 1e-8));
        assert!(close(student_t_quantile(0.975, 8.0), 2.306_004_135, 1e-8));
        assert!(close(normal_quantile(0.975), 1.959_963_985, 1e-8));
    }
}
