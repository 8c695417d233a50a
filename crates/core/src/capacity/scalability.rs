//! The USL fit as reported: estimates, standard errors from s²(JᵀJ)⁻¹ with
//! n − 3 degrees of freedom, Wald intervals with t(0.975; n − 3), and the
//! throughput peak N* with a delta-method interval (statistics.md §1.2).
//! N* is given only when κ's interval excludes 0 and the peak lies within
//! 2× the largest tested load; otherwise the report says why not.

use serde::{Deserialize, Serialize};

use super::linalg::inverse_spd;
use super::usl::UslParams;
use super::usl_fit::{fit, Face, MIN_LEVELS, RECOMMENDED_LEVELS};
use crate::stats::student_t_quantile;

/// Standard errors (`None` for a parameter held at a bound).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ParamErrors {
    pub sigma: Option<f64>,
    pub kappa: Option<f64>,
    pub lambda: Option<f64>,
}

/// 95% Wald intervals [low, high].
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ParamIntervals {
    pub sigma: Option<[f64; 2]>,
    pub kappa: Option<[f64; 2]>,
    pub lambda: Option<[f64; 2]>,
}

/// What the fit says about a throughput peak.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PeakStatus {
    /// N* and X_max are reported with intervals.
    Found,
    /// κ is 0 or its interval includes 0: no evidence that throughput ever falls.
    NoEvidence,
    /// A peak is estimated, but too far past the tested loads to be trusted.
    BeyondRange,
}

/// A bounded USL fit of throughput against load.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UslReport {
    /// What the load axis is ("VUs", "in-flight requests", ...).
    pub load: String,
    /// Contention σ.
    pub sigma: f64,
    /// Coherency κ.
    pub kappa: f64,
    /// Throughput λ of a single unit of load.
    pub lambda: f64,
    /// Standard errors of σ, κ and λ.
    pub se: ParamErrors,
    /// 95% confidence intervals of σ, κ and λ.
    pub ci95: ParamIntervals,
    /// Parameters held at a bound of the box, e.g. `"kappa = 0"`.
    pub at_bound: Vec<String>,
    /// Load levels fitted.
    pub levels: usize,
    /// Levels fitted minus the three parameters.
    pub degrees_of_freedom: usize,
    /// Residual sum of squares of the fit.
    pub rss: f64,
    /// Residual standard deviation √(RSS/(n − 3)), in throughput units.
    pub residual_sd: f64,
    /// Whether the fit shows a throughput peak that can be trusted.
    pub peak: PeakStatus,
    /// Load of peak throughput √((1−σ)/κ), unfloored (as R usl reports it).
    pub n_star: Option<f64>,
    /// 95% confidence interval of `n_star`.
    pub n_star_ci95: Option<[f64; 2]>,
    /// Throughput at N*.
    pub x_max: Option<f64>,
    /// 95% confidence interval of `x_max`.
    pub x_max_ci95: Option<[f64; 2]>,
    /// The asymptote λ/σ of the contention-only (Amdahl) model.
    pub x_roof: Option<f64>,
    /// Plain-language statements about the fit (peak, bounds, few levels).
    pub notes: Vec<String>,
}

impl UslReport {
    /// σ, κ and λ as [`UslParams`].
    pub fn params(&self) -> UslParams {
        UslParams {
            sigma: self.sigma,
            kappa: self.kappa,
            lambda: self.lambda,
        }
    }
}

/// Fits X(N) to `(load, throughput)` points, or says why it cannot.
pub fn fit_usl(points: &[(f64, f64)], load: &str) -> Result<UslReport, String> {
    if let Some(&(n, x)) = points
        .iter()
        .find(|(n, x)| !(n.is_finite() && x.is_finite() && *n > 0.0 && *x > 0.0))
    {
        return Err(format!(
            "a level has load {n} and throughput {x}; both must be positive numbers"
        ));
    }
    let mut loads: Vec<f64> = points.iter().map(|p| p.0).collect();
    loads.sort_by(f64::total_cmp);
    loads.dedup();
    if loads.len() < MIN_LEVELS {
        return Err(format!(
            "the USL has 3 parameters and needs at least {MIN_LEVELS} distinct load levels; {} given",
            loads.len()
        ));
    }
    let best = fit(points).ok_or("the least-squares fit did not converge to a feasible point")?;
    let p = best.params;
    let n = points.len();
    let df = n - 3;
    let s2 = best.rss / df as f64;
    let t = student_t_quantile(0.975, df as f64);
    let free = best.face.free();
    let idx: Vec<usize> = (0..3).filter(|&i| free[i]).collect();
    let cov = covariance(points, p, &idx, s2);
    let se = |i: usize| {
        cov.filter(|_| free[i])
            .map(|c| c[i][i].sqrt())
            .filter(|v| v.is_finite())
    };
    let ci = |i: usize, est: f64| se(i).map(|s| [est - t * s, est + t * s]);
    let mut at_bound = Vec::new();
    match best.face {
        Face::KappaZero => at_bound.push("kappa = 0".to_string()),
        Face::SigmaZero => at_bound.push("sigma = 0".to_string()),
        Face::SigmaKappaZero => at_bound.extend(["sigma = 0".to_string(), "kappa = 0".to_string()]),
        Face::SigmaOne => at_bound.push("sigma = 1".to_string()),
        Face::SigmaOneKappaZero => {
            at_bound.extend(["sigma = 1".to_string(), "kappa = 0".to_string()])
        }
        Face::Free => {}
    }
    let mut report = UslReport {
        load: load.to_string(),
        sigma: p.sigma,
        kappa: p.kappa,
        lambda: p.lambda,
        se: ParamErrors {
            sigma: se(0),
            kappa: se(1),
            lambda: se(2),
        },
        ci95: ParamIntervals {
            sigma: ci(0, p.sigma),
            kappa: ci(1, p.kappa),
            lambda: ci(2, p.lambda),
        },
        at_bound,
        levels: n,
        degrees_of_freedom: df,
        rss: best.rss,
        residual_sd: s2.sqrt(),
        peak: PeakStatus::NoEvidence,
        n_star: None,
        n_star_ci95: None,
        x_max: None,
        x_max_ci95: None,
        x_roof: (p.sigma > 0.0).then(|| p.lambda / p.sigma),
        notes: Vec::new(),
    };
    if loads.len() < RECOMMENDED_LEVELS {
        report.notes.push(format!(
            "only {} load levels: the fit has {df} degree(s) of freedom and wide intervals ({RECOMMENDED_LEVELS} or more are recommended)",
            loads.len()
        ));
    }
    if matches!(best.face, Face::SigmaOne | Face::SigmaOneKappaZero) {
        report.notes.push(
            "σ reached 1: throughput does not grow with load, so the data are not USL-shaped"
                .into(),
        );
    }
    let efficiency_max = points
        .iter()
        .map(|&(n, x)| x / (p.lambda * n))
        .fold(0.0f64, f64::max);
    if efficiency_max > 1.1 {
        report.notes.push(format!(
            "some levels run at {:.0}% of linear scaling from λ (superlinear): usually caching or a slow first level",
            efficiency_max * 100.0
        ));
    }
    describe_peak(&mut report, cov, t, *loads.last().unwrap_or(&0.0));
    Ok(report)
}

/// s²·(JᵀJ)⁻¹ over the free parameters, embedded in a 3×3 matrix (zeros for fixed ones).
fn covariance(
    points: &[(f64, f64)],
    p: UslParams,
    idx: &[usize],
    s2: f64,
) -> Option<[[f64; 3]; 3]> {
    let mut jtj = [[0.0; 3]; 3];
    for &(n, _) in points {
        let g = p.gradient(n);
        for (a, &i) in idx.iter().enumerate() {
            for (b, &j) in idx.iter().enumerate() {
                jtj[a][b] += g[i] * g[j];
            }
        }
    }
    let small = match idx.len() {
        3 => inverse_spd(jtj)?,
        2 => {
            let inv = inverse_spd([[jtj[0][0], jtj[0][1]], [jtj[1][0], jtj[1][1]]])?;
            [
                [inv[0][0], inv[0][1], 0.0],
                [inv[1][0], inv[1][1], 0.0],
                [0.0; 3],
            ]
        }
        1 => {
            if jtj[0][0].is_nan() || jtj[0][0] <= 0.0 {
                return None;
            }
            [[1.0 / jtj[0][0], 0.0, 0.0], [0.0; 3], [0.0; 3]]
        }
        _ => return None,
    };
    let mut cov = [[0.0; 3]; 3];
    for (a, &i) in idx.iter().enumerate() {
        for (b, &j) in idx.iter().enumerate() {
            cov[i][j] = small[a][b] * s2;
        }
    }
    Some(cov)
}

fn quadratic_form(g: [f64; 3], c: &[[f64; 3]; 3]) -> f64 {
    (0..3)
        .map(|i| (0..3).map(|j| g[i] * c[i][j] * g[j]).sum::<f64>())
        .sum()
}

fn describe_peak(r: &mut UslReport, cov: Option<[[f64; 3]; 3]>, t: f64, max_load: f64) {
    let p = r.params();
    let Some(n_star) = p.peak() else {
        r.notes.push(
            "κ = 0 (at its bound): the fitted model has no throughput peak; no evidence of a peak"
                .into(),
        );
        return;
    };
    if let Some([lo, hi]) = r.ci95.kappa {
        if lo <= 0.0 {
            r.notes.push(format!(
                "no evidence of a throughput peak: κ's 95% interval [{lo:.3e}, {hi:.3e}] includes 0 (the point estimate would put N* at {n_star:.1})"
            ));
            return;
        }
    } else {
        r.notes
            .push("κ's standard error could not be computed, so a peak cannot be claimed".into());
        return;
    }
    let x_max = p.throughput(n_star);
    if n_star > 2.0 * max_load {
        r.peak = PeakStatus::BeyondRange;
        r.notes.push(format!(
            "the fitted peak N* = {n_star:.1} lies beyond 2× the largest tested load ({max_load}); it is not reportable"
        ));
        return;
    }
    r.peak = PeakStatus::Found;
    r.n_star = Some(n_star);
    r.x_max = Some(x_max);
    if let Some(c) = cov {
        let g = [
            -1.0 / (2.0 * p.kappa * n_star),
            -n_star / (2.0 * p.kappa),
            0.0,
        ];
        let se = quadratic_form(g, &c).sqrt();
        r.n_star_ci95 = se.is_finite().then_some([n_star - t * se, n_star + t * se]);
        // dX(N*)/dθ = ∂X/∂θ at N*, because ∂X/∂N = 0 there.
        let se_x = quadratic_form(p.gradient(n_star), &c).sqrt();
        r.x_max_ci95 = se_x
            .is_finite()
            .then_some([x_max - t * se_x, x_max + t * se_x]);
    }
}
