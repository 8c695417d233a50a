//! The whole capacity analysis of a set of levels, as one plain-data report
//! (what `verdict capacity --json` prints and the app renders).

use serde::{Deserialize, Serialize};

use super::answer::{answer, Answer};
use super::level::{ExcludedSpan, Level, LevelSet};
use super::model::ServerModel;
use super::scalability::{fit_usl, UslReport};
use super::target::Target;
use super::what_if::{rho, rho_level, what_if, Scenario, WhatIf};

/// Z_eff may drift this much (relative) before a level is flagged (statistics.md §3.1).
pub const THINK_TIME_DRIFT: f64 = 0.2;

/// The question asked.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct CapacityOptions {
    pub target: Target,
    pub scenario: Scenario,
}

/// Everything the analysis found.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CapacityReport {
    pub target: Target,
    /// `p95`, ...
    pub statistic: String,
    /// Levels sorted by concurrency, with the generator check filled in.
    pub levels: Vec<Level>,
    /// Parts of staged runs left out (ramps, warm-ups, edges).
    pub excluded: Vec<ExcludedSpan>,
    /// USL fit of throughput against concurrency (VUs).
    pub usl: Option<UslReport>,
    pub usl_refusal: Option<String>,
    /// Server-side model (USL on in-flight requests + think time).
    pub model: Option<ServerModel>,
    pub model_refusal: Option<String>,
    pub answer: Answer,
    /// Present when the scenario differs from the tested set-up.
    pub what_if: Option<WhatIf>,
    pub what_if_refusal: Option<String>,
    pub notes: Vec<String>,
}

fn median(mut v: Vec<f64>) -> Option<f64> {
    if v.is_empty() {
        return None;
    }
    v.sort_by(f64::total_cmp);
    let m = v.len() / 2;
    Some(if v.len() % 2 == 1 {
        v[m]
    } else {
        0.5 * (v[m - 1] + v[m])
    })
}

/// Flags levels whose idle time per request drifts from the others': the
/// generator (or connection set-up) fell behind there. The drift is judged
/// against the think time, or a tenth of the cycle time when there is none.
fn check_generator(levels: &mut [Level]) {
    let Some(z) = median(levels.iter().filter_map(|l| l.think_time_s).collect()) else {
        return;
    };
    for l in levels.iter_mut() {
        let Some(zi) = l.think_time_s else { continue };
        let cycle = l.concurrency / l.throughput;
        let scale = z.max(0.1 * cycle);
        let kept_up = (zi - z).abs() <= THINK_TIME_DRIFT * scale;
        l.generator_kept_up = Some(kept_up);
        if !kept_up {
            l.notes.push(format!(
                "idle time per request {zi:.3} s against {z:.3} s at the other levels: the load generator may not have kept up"
            ));
        }
    }
}

/// Analyses a set of levels.
pub fn analyse(set: LevelSet, options: &CapacityOptions) -> CapacityReport {
    let LevelSet {
        mut levels,
        excluded,
        notes,
    } = set;
    levels.sort_by(|a, b| a.concurrency.total_cmp(&b.concurrency));
    check_generator(&mut levels);
    let target = options.target;
    let stat = target.statistic();
    let mut notes = notes;
    let missing: Vec<String> = levels
        .iter()
        .filter(|l| l.percentile(target.quantile).is_none())
        .map(|l| l.label.clone())
        .collect();
    if !missing.is_empty() {
        notes.push(format!("no {stat} at: {}", missing.join(", ")));
    }
    let points: Vec<(f64, f64)> = levels
        .iter()
        .map(|l| (l.concurrency, l.throughput))
        .collect();
    let (usl, usl_refusal) = match fit_usl(&points, "VUs") {
        Ok(u) => (Some(u), None),
        Err(e) => (None, Some(e)),
    };
    let (model, model_refusal) = match ServerModel::fit(&levels) {
        Ok(m) => (Some(m), None),
        Err(e) => (None, Some(e)),
    };
    let model_ref = model
        .as_ref()
        .ok_or(model_refusal.as_deref().unwrap_or("no model"));
    let answer = answer(&levels, target, model_ref);
    let (what_if, what_if_refusal) = if options.scenario.is_as_tested() {
        (None, None)
    } else {
        match &model {
            Some(m) => match what_if(&levels, target, m, &options.scenario, answer.rho_level) {
                Ok(w) => (Some(w), None),
                Err(e) => (None, Some(e)),
            },
            None => (
                None,
                Some(format!(
                    "what-ifs need the server model: {}",
                    model_refusal.clone().unwrap_or_default()
                )),
            ),
        }
    };
    CapacityReport {
        target,
        statistic: stat,
        levels,
        excluded,
        usl,
        usl_refusal,
        model,
        model_refusal,
        answer,
        what_if,
        what_if_refusal,
        notes,
    }
}

/// One point of the fitted curves, for charts.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct CurvePoint {
    pub vus: f64,
    /// Client-side USL X(N).
    pub usl_throughput: Option<f64>,
    /// Server model under the scenario.
    pub model_throughput: Option<f64>,
    pub model_mean_ms: Option<f64>,
    pub model_percentile_ms: Option<f64>,
    /// ρ_L·mean and ρ_U·mean.
    pub model_percentile_low_ms: Option<f64>,
    pub model_percentile_high_ms: Option<f64>,
}

/// The fitted curves from 0 to 2× the largest level, `steps` points, under a scenario.
pub fn curve(report: &CapacityReport, scenario: &Scenario, steps: usize) -> Vec<CurvePoint> {
    let max = report
        .levels
        .iter()
        .map(|l| l.concurrency)
        .fold(0.0, f64::max);
    if max.is_nan() || max <= 0.0 || steps < 2 {
        return Vec::new();
    }
    let q = report.target.quantile;
    let preferred = report
        .what_if
        .as_ref()
        .map(|w| w.rho_level)
        .or(report.answer.rho_level);
    let ratios = rho_level(&report.levels, q, preferred).and_then(|l| rho(l, q));
    let k = scenario.instances.max(1);
    (1..=steps)
        .map(|i| {
            let vus = 2.0 * max * i as f64 / steps as f64;
            let op = report.model.as_ref().and_then(|m| {
                let z = scenario.think_time_s.unwrap_or(m.think_time_s);
                m.at_vus(vus, z, k)
            });
            let scaled = |r: Option<f64>| op.zip(r).map(|(o, r)| o.mean_ms * r);
            CurvePoint {
                vus,
                usl_throughput: report.usl.as_ref().map(|u| u.params().throughput(vus)),
                model_throughput: op.map(|o| o.throughput),
                model_mean_ms: op.map(|o| o.mean_ms),
                model_percentile_ms: scaled(ratios.map(|r| r.0)),
                model_percentile_low_ms: scaled(ratios.and_then(|r| r.1)),
                model_percentile_high_ms: scaled(ratios.and_then(|r| r.2)),
            }
        })
        .collect()
}
