//! The few special functions the capacity model needs, written out so the
//! core stays dependency-free: log-gamma, the regularised incomplete beta
//! (binomial and Student-t distributions are both special cases of it), the
//! Student-t quantile for Wald intervals, and the Wilson interval.

/// ln Γ(x) for x > 0 (Lanczos, g = 7, 9 terms; about 1e-15 relative).
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

/// Continued fraction for the incomplete beta (modified Lentz). Converges in
/// O(√min(a, b)) steps, so the bound is generous enough for millions of samples.
fn beta_continued_fraction(a: f64, b: f64, x: f64) -> f64 {
    const MAX_ITER: usize = 100_000;
    const EPS: f64 = 1e-15;
    const TINY: f64 = 1e-300;
    let qab = a + b;
    let qap = a + 1.0;
    let qam = a - 1.0;
    let mut c = 1.0;
    let mut d = 1.0 - qab * x / qap;
    if d.abs() < TINY {
        d = TINY;
    }
    d = 1.0 / d;
    let mut h = d;
    for m in 1..=MAX_ITER {
        let m = m as f64;
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

/// The regularised incomplete beta I_x(a, b), for a, b > 0 and x in [0, 1].
pub fn incomplete_beta(a: f64, b: f64, x: f64) -> f64 {
    if x <= 0.0 {
        return 0.0;
    }
    if x >= 1.0 {
        return 1.0;
    }
    let ln_front = ln_gamma(a + b) - ln_gamma(a) - ln_gamma(b) + a * x.ln() + b * (1.0 - x).ln();
    let front = ln_front.exp();
    // The fraction converges fast only on this side of the mean; use symmetry otherwise.
    if x < (a + 1.0) / (a + b + 2.0) {
        front * beta_continued_fraction(a, b, x) / a
    } else {
        1.0 - front * beta_continued_fraction(b, a, 1.0 - x) / b
    }
}

/// P(Bin(n, p) ≤ k).
pub fn binomial_cdf(k: i64, n: u64, p: f64) -> f64 {
    if k < 0 {
        return 0.0;
    }
    if k as u64 >= n {
        return 1.0;
    }
    incomplete_beta((n - k as u64) as f64, k as f64 + 1.0, 1.0 - p)
}

/// The smallest k with P(Bin(n, p) ≤ k) ≥ q, for q in (0, 1).
pub fn binomial_quantile(q: f64, n: u64, p: f64) -> u64 {
    // Start from the normal approximation and walk, so large n costs a few evaluations.
    let mean = n as f64 * p;
    let sd = (mean * (1.0 - p)).sqrt();
    let mut k = (mean + normal_quantile(q) * sd)
        .floor()
        .clamp(0.0, n as f64) as i64;
    while k < n as i64 && binomial_cdf(k, n, p) < q {
        k += 1;
    }
    while k > 0 && binomial_cdf(k - 1, n, p) >= q {
        k -= 1;
    }
    k as u64
}

/// Φ⁻¹(q), the standard normal quantile (Acklam's rational approximation,
/// about 1e-9 relative; used as a starting point and for z values).
pub fn normal_quantile(q: f64) -> f64 {
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
    if q <= 0.0 {
        return f64::NEG_INFINITY;
    }
    if q >= 1.0 {
        return f64::INFINITY;
    }
    let tail = |q: f64| {
        let r = (-2.0 * q.ln()).sqrt();
        (((((C[0] * r + C[1]) * r + C[2]) * r + C[3]) * r + C[4]) * r + C[5])
            / ((((D[0] * r + D[1]) * r + D[2]) * r + D[3]) * r + 1.0)
    };
    if q < 0.024_25 {
        tail(q)
    } else if q > 1.0 - 0.024_25 {
        -tail(1.0 - q)
    } else {
        let s = q - 0.5;
        let r = s * s;
        (((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * s
            / (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1.0)
    }
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

/// The 95% Wilson score interval for `x` successes out of `n`.
pub fn wilson_95(x: u64, n: u64) -> Option<(f64, f64)> {
    if n == 0 || x > n {
        return None;
    }
    let z = normal_quantile(0.975);
    let n_f = n as f64;
    let p = x as f64 / n_f;
    let z2 = z * z;
    let centre = (p + z2 / (2.0 * n_f)) / (1.0 + z2 / n_f);
    let half = z * (p * (1.0 - p) / n_f + z2 / (4.0 * n_f * n_f)).sqrt() / (1.0 + z2 / n_f);
    let low = if x == 0 {
        0.0
    } else {
        (centre - half).max(0.0)
    };
    let high = if x == n {
        1.0
    } else {
        (centre + half).min(1.0)
    };
    Some((low, high))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64, rel: f64) -> bool {
        (a - b).abs() <= rel * b.abs().max(1e-300)
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

    #[test]
    fn wilson_matches_statistics_md() -> Result<(), &'static str> {
        // statistics.md §4.4 table.
        let (lo, hi) = wilson_95(0, 100).ok_or("no interval")?;
        assert_eq!(lo, 0.0);
        assert!(close(hi, 0.036_993, 1e-4));
        let (lo, hi) = wilson_95(5, 100).ok_or("no interval")?;
        assert!(close(lo, 0.021_544, 1e-4) && close(hi, 0.111_75, 1e-4));
        let (lo, hi) = wilson_95(50, 10_000).ok_or("no interval")?;
        assert!(close(lo, 0.003_794_9, 1e-4) && close(hi, 0.006_585_3, 1e-4));
        Ok(())
    }
}
