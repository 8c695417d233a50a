//! What an honest band must carry besides each run's own sampling error
//! (statistics.md §3.6): the scatter between runs, and the gap between two
//! measured levels that only a model fitting every level may narrow.
//!
//! - **Scatter.** Repeats at one load measure it directly (their spread
//!   around each other less their own sampling variance). Across levels,
//!   ln pXX is fitted by weighted least squares with a quadratic in N, and
//!   from 5 levels a bent line with its knee at an inner level (smooth
//!   curves, not one through every point; the one that fits best counts).
//!   When the residuals exceed what each level's own interval explains
//!   (Cochran's Q above its 95% χ² point), the between-run variance τ² is the
//!   Paule–Mandel estimate; otherwise τ = 0. A level whose pXX dips below the
//!   level under it also counts: the two differ by at least that much by chance.
//! - **Model fit.** The server model's pXX (ρ·mean) is compared with every
//!   measured level; it fits when each residual lies within 1.96 standard
//!   errors (sampling and scatter together), or within 10% where a level has
//!   no interval. Only a fitting model is drawn, and only it may narrow a gap.
//! - **Bracket.** Without such a model the crossing can lie anywhere between
//!   the last level known to pass (upper bound, widened by τ, under the
//!   target) and the first known to fail (lower bound, widened, above it).

use serde::{Deserialize, Serialize};

use super::level::Level;
use super::linalg::solve;
use super::model::ServerModel;
use super::quantile_interval::Percentile;
use super::target::quantile_key;
use super::target::Target;
use super::what_if::{rho, rho_level};

/// z of a one-sided 95% bound, as the per-level bounds are.
pub const Z95: f64 = 1.644_853_626_951_472_2;

/// Relative miss allowed where a level has no interval to judge it by.
const NO_INTERVAL_TOLERANCE: f64 = 0.10;

/// Standard error of ln pXX from one-sided 95% bounds.
fn percentile_log_se(p: &Percentile) -> Option<f64> {
    match (p.lower_ms, p.upper_ms) {
        (Some(lo), Some(hi)) if lo > 0.0 && hi >= lo => Some((hi / lo).ln() / (2.0 * Z95)),
        _ => None,
    }
}

/// Standard error of ln pXX at a level, from its one-sided 95% bounds.
pub fn log_se(l: &Level, q: f64) -> Option<f64> {
    percentile_log_se(l.percentile(q)?)
}

/// The between-run scatter of ln pXX (τ, in natural-log units) and how it was found.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Scatter {
    /// τ: 0 when the levels scatter no more than their own intervals allow.
    pub tau: f64,
    /// `repeats`, `repeats+smooth_fit`, `smooth_fit`, `dips`, or `none`
    /// (too few levels to tell).
    pub source: String,
    /// Levels the estimate used.
    pub levels: usize,
    /// τ from the repeats alone (their spread around each other, less their
    /// own sampling variance), when some level has repeats.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repeats_tau: Option<f64>,
    /// Degrees of freedom of that estimate: Σ (repeats − 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repeats_df: Option<usize>,
}

/// τ² from repeats at one load: the pooled within-level variance of ln pXX
/// (Σ (k − 1)·s², over Σ (k − 1)) less the repeats' mean sampling variance;
/// with its degrees of freedom. `None` when no level has two repeats.
fn repeats_excess(levels: &[&Level], q: f64) -> Option<(f64, usize)> {
    let key = quantile_key(q);
    let (mut excess, mut df) = (0.0, 0usize);
    for l in levels {
        let ys: Vec<(f64, f64)> = l
            .repeats
            .iter()
            .filter_map(|r| {
                let p = r.percentiles.get(&key)?;
                (p.value_ms > 0.0).then(|| (p.value_ms.ln(), percentile_log_se(p).unwrap_or(0.0)))
            })
            .collect();
        let k = ys.len();
        if k < 2 {
            continue;
        }
        let mean = ys.iter().map(|y| y.0).sum::<f64>() / k as f64;
        let ss: f64 = ys.iter().map(|y| (y.0 - mean).powi(2)).sum();
        let se2 = ys.iter().map(|y| y.1 * y.1).sum::<f64>() / k as f64;
        excess += ss - (k - 1) as f64 * se2;
        df += k - 1;
    }
    (df > 0).then(|| ((excess / df as f64).max(0.0), df))
}

/// Estimates τ from the levels (sorted by load) that report the percentile.
///
/// Repeats at one load measure it directly; the smooth fit and the dips
/// read it from neighbouring levels. Where the smooth fit finds more scatter
/// than the repeats, the two are pooled by their degrees of freedom; the
/// repeats' own spread is never discounted, and a dip is a floor.
pub fn scatter(levels: &[&Level], q: f64) -> Scatter {
    let pts: Vec<(f64, f64, f64)> = levels
        .iter()
        .filter_map(|l| {
            let p = l.percentile(q)?;
            (p.value_ms > 0.0)
                .then(|| (l.concurrency, p.value_ms.ln(), log_se(l, q).unwrap_or(0.0)))
        })
        .collect();
    let mut tau2: f64 = 0.0;
    let mut source = "none";
    // Dips: a higher load's pXX below a lower one's, beyond their own intervals.
    for w in pts.windows(2) {
        let d = w[0].1 - w[1].1;
        if d > 0.0 {
            let excess = d * d / 2.0 - (w[0].2 * w[0].2 + w[1].2 * w[1].2) / 2.0;
            if excess > tau2 {
                tau2 = excess;
                source = "dips";
            }
        }
    }
    let repeats = repeats_excess(levels, q);
    let fit = smooth_fit_excess(&pts);
    let between = match (repeats, fit) {
        (Some((r, df_r)), Some(f)) if f > r => {
            let df_f = (pts.len() - 3) as f64;
            Some((
                (df_r as f64 * r + df_f * f) / (df_r as f64 + df_f),
                "repeats+smooth_fit",
            ))
        }
        (Some((r, _)), _) => Some((r, "repeats")),
        (None, Some(f)) => Some((f, "smooth_fit")),
        (None, None) => None,
    };
    if let Some((t2, from)) = between {
        if t2 > tau2 || source == "none" {
            tau2 = t2;
            source = from;
        }
    }
    Scatter {
        tau: tau2.max(0.0).sqrt(),
        source: source.into(),
        levels: pts.len(),
        repeats_tau: repeats.map(|r| r.0.sqrt()),
        repeats_df: repeats.map(|r| r.1),
    }
}

/// Three basis functions of the scaled load u = N / top: a smooth shape.
type Basis<'a> = &'a dyn Fn(f64) -> [f64; 3];

/// Weighted least squares of ln p on `basis` (u = N / top), weights
/// 1/(se² + τ²): Cochran's Q = Σ r²/(se² + τ²) of its residuals.
fn fit_q(
    pts: &[(f64, f64, f64)],
    top: f64,
    basis: Basis,
    tau2: f64,
    weighted: bool,
) -> Option<f64> {
    let mut ata = [[0.0; 3]; 3];
    let mut atb = [0.0; 3];
    let w = |se: f64| {
        if weighted {
            1.0 / (se * se + tau2)
        } else {
            1.0
        }
    };
    for &(x, y, se) in pts {
        let row = basis(x / top);
        for i in 0..3 {
            for j in 0..3 {
                ata[i][j] += w(se) * row[i] * row[j];
            }
            atb[i] += w(se) * row[i] * y;
        }
    }
    let c = solve(ata, atb)?;
    Some(
        pts.iter()
            .map(|&(x, y, se)| {
                let row = basis(x / top);
                let r = y - (c[0] * row[0] + c[1] * row[1] + c[2] * row[2]);
                r * r * w(se)
            })
            .sum(),
    )
}

/// Upper 5% point of χ² with `df` degrees of freedom (table to 10, then
/// Wilson–Hilferty).
fn chi2_95(df: usize) -> f64 {
    const TABLE: [f64; 10] = [
        3.841, 5.991, 7.815, 9.488, 11.070, 12.592, 14.067, 15.507, 16.919, 18.307,
    ];
    match df {
        1..=10 => TABLE[df - 1],
        _ => {
            let k = df as f64;
            let a = 2.0 / (9.0 * k);
            k * (1.0 - a + Z95 * a.sqrt()).powi(3)
        }
    }
}

/// τ² of ln pXX around a smooth curve, `df` degrees of freedom. With every
/// level's interval known: 0 unless Cochran's Q exceeds its 95% χ² point
/// (the levels then scatter more than sampling explains), and then the
/// Paule–Mandel τ² (Q(τ²) = df). Without intervals the residual variance
/// itself, as nothing else can tell the two apart.
fn excess_around(pts: &[(f64, f64, f64)], top: f64, basis: Basis, df: usize) -> Option<f64> {
    if pts.iter().any(|p| p.2 <= 0.0) {
        return Some(fit_q(pts, top, basis, 0.0, false)? / df as f64);
    }
    let q0 = fit_q(pts, top, basis, 0.0, true)?;
    if q0 <= chi2_95(df) {
        return Some(0.0);
    }
    // Q falls as τ² grows: bisect for Q(τ²) = df.
    let (mut lo, mut hi) = (0.0, 1.0);
    while fit_q(pts, top, basis, hi, true)? > df as f64 && hi < 1e3 {
        hi *= 4.0;
    }
    for _ in 0..60 {
        let mid = 0.5 * (lo + hi);
        if fit_q(pts, top, basis, mid, true)? > df as f64 {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    Some(0.5 * (lo + hi))
}

/// τ² of ln pXX around the smooth curve that follows the levels best: a
/// quadratic in N (n − 3 degrees of freedom; needs 4 levels), or, from 5
/// levels, a bent line whose knee sits at one of the inner levels (flat,
/// then steep: latency past a knee; n − 4 degrees of freedom, one spent on
/// choosing the knee). A quadratic cannot bend sharply, so past a knee it
/// would read the bend as scatter; the smallest excess is the scatter that
/// no such curve explains.
fn smooth_fit_excess(pts: &[(f64, f64, f64)]) -> Option<f64> {
    let n = pts.len();
    if n < 4 {
        return None;
    }
    // Scale N to [0, 1] for a well-conditioned system.
    let top = pts.iter().map(|p| p.0).fold(0.0, f64::max);
    if top <= 0.0 {
        return None;
    }
    let quadratic = |u: f64| [1.0, u, u * u];
    let mut best = excess_around(pts, top, &quadratic, n - 3);
    if n >= 5 {
        for knee in pts[1..n - 1].iter().map(|p| p.0 / top) {
            let bent = move |u: f64| [1.0, u, (u - knee).max(0.0)];
            if let Some(t2) = excess_around(pts, top, &bent, n - 4) {
                best = Some(best.map_or(t2, |b: f64| b.min(t2)));
            }
        }
    }
    best
}

/// How well the server model's pXX follows the measured levels.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ModelFit {
    /// True when every level's residual is within its allowance: the model
    /// is drawn and may narrow the band between levels.
    pub fits: bool,
    /// Levels compared.
    pub levels: usize,
    /// Root-mean-square of ln(measured/model), as a relative size (0.05 = 5%).
    pub rms_relative: f64,
    /// The worst level: its load and measured/model − 1.
    pub worst_level: Option<f64>,
    pub worst_relative: Option<f64>,
    /// One sentence: the fit, or why the model is not drawn.
    pub statement: String,
}

/// Compares the model's pXX (ρ from `preferred`, else the largest level) with each level.
pub fn model_fit(
    levels: &[Level],
    target: Target,
    model: &ServerModel,
    preferred: Option<f64>,
    tau: f64,
) -> ModelFit {
    let q = target.quantile;
    let stat = target.statistic();
    let Some((r, _, _)) = rho_level(levels, q, preferred).and_then(|l| rho(l, q)) else {
        return ModelFit {
            statement: format!("no level has both {stat} and the mean, so the model has no {stat}"),
            ..ModelFit::default()
        };
    };
    let mut n = 0usize;
    let mut ss = 0.0;
    let mut fits = true;
    let mut worst: Option<(f64, f64, f64)> = None; // (load, relative, z-like severity)
    for l in levels {
        let Some(p) = l.percentile(q) else { continue };
        let Some(op) = model.at_vus(l.concurrency, model.think_time_s, 1) else {
            fits = false;
            continue;
        };
        let predicted = r * op.mean_ms;
        if !(predicted > 0.0 && p.value_ms > 0.0) {
            continue;
        }
        let res = (p.value_ms / predicted).ln();
        let allowed = match log_se(l, q) {
            Some(se) => 1.96 * (se * se + tau * tau).sqrt(),
            None if tau > 0.0 => 1.96 * tau,
            None => NO_INTERVAL_TOLERANCE.ln_1p(),
        };
        let severity = res.abs() / allowed.max(1e-12);
        if severity > 1.0 {
            fits = false;
        }
        if worst.is_none_or(|w| severity > w.2) {
            worst = Some((l.concurrency, res.exp() - 1.0, severity));
        }
        n += 1;
        ss += res * res;
    }
    if n < 3 {
        return ModelFit {
            levels: n,
            statement: format!(
                "the model's {stat} is compared with {n} level(s); at least 3 are needed to judge its fit"
            ),
            ..ModelFit::default()
        };
    }
    let rms = (ss / n as f64).sqrt().exp() - 1.0;
    let (wl, wr) = worst.map_or((None, None), |w| (Some(w.0), Some(w.1)));
    let statement = if fits {
        format!(
            "the model's {stat} follows all {n} levels within their intervals (RMS {:.1}%, worst {:+.1}% at {})",
            rms * 100.0,
            wr.unwrap_or(0.0) * 100.0,
            wl.unwrap_or(0.0)
        )
    } else {
        format!(
            "the model's {stat} misses the level at {} by {:+.1}% (RMS {:.1}% over {n} levels), more than its interval allows, so it is not drawn and does not narrow the band",
            wl.unwrap_or(0.0),
            wr.unwrap_or(0.0) * 100.0,
            rms * 100.0
        )
    };
    ModelFit {
        fits,
        levels: n,
        rms_relative: rms,
        worst_level: wl,
        worst_relative: wr,
        statement,
    }
}

/// ln pXX bounds at a level widened by τ: (lower, upper), each one-sided 95%.
/// Without an interval the given number itself, widened by τ alone.
pub fn widened(l: &Level, q: f64, tau: f64) -> Option<(f64, f64)> {
    let p = l.percentile(q)?;
    if p.value_ms <= 0.0 {
        return None;
    }
    let y = p.value_ms.ln();
    let se = log_se(l, q).unwrap_or(0.0);
    let half = Z95 * (se * se + tau * tau).sqrt();
    match (p.lower_ms, p.upper_ms) {
        // Asymmetric bounds: widen each side by τ in quadrature.
        (Some(lo), Some(hi)) if lo > 0.0 => {
            let grow = |d: f64| (d * d + (Z95 * tau).powi(2)).sqrt();
            Some((y - grow(y - lo.ln()), y + grow(hi.ln() - y)))
        }
        _ => Some((y - half, y + half)),
    }
}

/// The last level known to pass and the first known to fail, on widened bounds.
/// `None` on a side means open: below the lowest level, or beyond the largest.
pub fn bracket(levels: &[&Level], target: Target, tau: f64) -> (Option<f64>, Option<f64>) {
    let ln_t = target.limit_ms.ln();
    let q = target.quantile;
    let first_fail = levels
        .iter()
        .find(|l| widened(l, q, tau).is_some_and(|(lo, _)| lo > ln_t))
        .map(|l| l.concurrency);
    let last_pass = levels
        .iter()
        .filter(|l| first_fail.is_none_or(|f| l.concurrency < f))
        .take_while(|l| widened(l, q, tau).is_none_or(|(_, hi)| hi <= ln_t))
        .filter(|l| widened(l, q, tau).is_some())
        .last()
        .map(|l| l.concurrency);
    (last_pass, first_fail)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::capacity::level::LevelOrigin;

    fn level(n: f64, p95: f64, bounds: Option<(f64, f64)>) -> Level {
        let mut l = Level::new(format!("{n}"), LevelOrigin::Table, n, n);
        l.percentiles.insert(
            "p95".into(),
            Percentile {
                value_ms: p95,
                lower_ms: bounds.map(|b| b.0),
                upper_ms: bounds.map(|b| b.1),
            },
        );
        l
    }

    #[test]
    fn a_dip_beyond_the_intervals_is_scatter() {
        let a = level(40.0, 120.0, Some((115.0, 125.0)));
        let b = level(60.0, 95.0, Some((91.0, 99.0)));
        let s = scatter(&[&a, &b], 0.95);
        assert_eq!(s.source, "dips");
        // ln(120/95) = 0.234 between two runs: τ ≈ 0.234/√2 less sampling.
        assert!(s.tau > 0.12 && s.tau < 0.234 / 2f64.sqrt(), "{}", s.tau);
    }

    #[test]
    fn bracket_is_last_pass_to_first_fail() {
        let t = Target {
            quantile: 0.95,
            limit_ms: 200.0,
        };
        let ls = [
            level(10.0, 80.0, Some((75.0, 85.0))),
            level(50.0, 150.0, Some((140.0, 210.0))),
            level(100.0, 300.0, Some((280.0, 320.0))),
        ];
        let refs: Vec<&Level> = ls.iter().collect();
        // 50 VUs may fail (its upper bound is above 200): only 10 is known to pass.
        assert_eq!(bracket(&refs, t, 0.0), (Some(10.0), Some(100.0)));
        // Typed numbers with no bounds bracket on the numbers themselves.
        let typed = [level(200.0, 69.23, None), level(500.0, 362.14, None)];
        let refs: Vec<&Level> = typed.iter().collect();
        assert_eq!(bracket(&refs, t, 0.0), (Some(200.0), Some(500.0)));
    }
}
