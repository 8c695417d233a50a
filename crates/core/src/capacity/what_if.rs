//! What-ifs on the server model: another think time, more instances, or an
//! open-model arrival rate. Every number here is the model's, not a
//! measurement, and the percentile is ρ·mean with ρ from one measured level.

use serde::{Deserialize, Serialize};

use super::level::Level;
use super::model::{kappa_unidentified, ServerModel};
use super::target::Target;

/// The knobs of a what-if. `None` / 1 mean "as tested".
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Scenario {
    /// Think time per request in seconds; `None`: the one measured (median Z_eff).
    pub think_time_s: Option<f64>,
    /// Identical instances behind a balancer.
    pub instances: u32,
    /// Requests per second arriving regardless of latency (open model).
    pub arrival_rate: Option<f64>,
}

impl Default for Scenario {
    fn default() -> Self {
        Scenario {
            think_time_s: None,
            instances: 1,
            arrival_rate: None,
        }
    }
}

impl Scenario {
    /// Whether anything differs from the tested set-up.
    pub fn is_as_tested(&self) -> bool {
        self.think_time_s.is_none() && self.instances <= 1 && self.arrival_rate.is_none()
    }
}

/// The model's largest VU count meeting the target.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ModelVus {
    pub value: u64,
    pub low: Option<u64>,
    pub high: Option<u64>,
    pub throughput: f64,
    pub in_flight: f64,
}

/// How a fixed arrival rate fares against the target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// The percentile's upper bound (or the point, without bounds) is within the target.
    Meets,
    /// The percentile's lower bound (or the point, without bounds) is over the target.
    Misses,
    /// The target lies between the percentile's bounds.
    Uncertain,
}

/// The model's prediction at a fixed arrival rate.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ArrivalPrediction {
    pub rate: f64,
    pub percentile_ms: f64,
    pub low_ms: Option<f64>,
    pub high_ms: Option<f64>,
    pub mean_ms: f64,
    pub in_flight: f64,
    /// VUs a closed-loop test would need to produce this rate at this think time.
    pub vus_needed: f64,
    pub outcome: Outcome,
}

/// A what-if's results.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WhatIf {
    /// The think time modelled, in seconds.
    pub think_time_s: f64,
    /// The identical instances modelled.
    pub instances: u32,
    /// The level whose ρ = pXX/mean is used.
    pub rho_level: f64,
    /// The most VUs that meet the target under the model.
    pub max_vus: Option<ModelVus>,
    /// Why there is no `max_vus`, when there is none.
    pub max_vus_reason: Option<String>,
    /// The prediction at the scenario's arrival rate, when it gives one.
    pub arrival: Option<ArrivalPrediction>,
    /// Why there is no `arrival`, when the scenario gives a rate.
    pub arrival_reason: Option<String>,
    /// Caveats of the model's numbers.
    pub notes: Vec<String>,
}

/// The ratios pXX/mean (estimate, from the lower bound, from the upper bound) at a level.
pub fn rho(level: &Level, quantile: f64) -> Option<(f64, Option<f64>, Option<f64>)> {
    let p = level.percentile(quantile)?;
    let m = level.mean_ms.filter(|m| *m > 0.0)?;
    Some((
        p.value_ms / m,
        p.lower_ms.map(|l| l / m),
        p.upper_ms.map(|u| u / m),
    ))
}

/// The level for ρ: the one the answer used, else the largest with a mean and the percentile.
pub fn rho_level(levels: &[Level], quantile: f64, preferred: Option<f64>) -> Option<&Level> {
    preferred
        .and_then(|c| {
            levels
                .iter()
                .find(|l| l.concurrency == c && rho(l, quantile).is_some())
        })
        .or_else(|| levels.iter().rev().find(|l| rho(l, quantile).is_some()))
}

/// Runs a scenario on the model.
pub fn what_if(
    levels: &[Level],
    target: Target,
    model: &ServerModel,
    scenario: &Scenario,
    preferred_rho: Option<f64>,
) -> Result<WhatIf, String> {
    let stat = target.statistic();
    let level = rho_level(levels, target.quantile, preferred_rho).ok_or_else(|| {
        format!("no level has both {stat} and the mean latency, so ρ = {stat}/mean is unknown")
    })?;
    let (r, r_low, r_high) = rho(level, target.quantile).ok_or("no ρ")?;
    let think = scenario.think_time_s.unwrap_or(model.think_time_s).max(0.0);
    let k = scenario.instances.max(1);
    let as_tested = scenario.think_time_s.is_none() && k == 1;
    let mut out = WhatIf {
        think_time_s: think,
        instances: k,
        rho_level: level.concurrency,
        max_vus: None,
        max_vus_reason: None,
        arrival: None,
        arrival_reason: None,
        notes: Vec::new(),
    };
    if let Some(why) = kappa_unidentified(model) {
        out.notes
            .push(format!("{why}; treat these numbers as optimistic"));
    }
    if k > 1 {
        out.notes.push(format!(
            "{k} instances are modelled as {k}× one instance behind a perfect balancer; a shared database or cache would make this optimistic"
        ));
    }
    let t = target.limit_ms;
    let vus_for = |ratio: f64| model.vus_at_mean(t / ratio, think, k, as_tested);
    match vus_for(r) {
        Ok(p) => {
            let side = |ratio: Option<f64>| {
                ratio
                    .and_then(|q| vus_for(q).ok())
                    .map(|p| p.vus.floor() as u64)
            };
            out.max_vus = Some(ModelVus {
                value: p.vus.floor() as u64,
                low: side(r_high),
                high: side(r_low),
                throughput: p.throughput,
                in_flight: p.in_flight,
            });
        }
        Err(limit) => {
            out.max_vus_reason = Some(format!("not enough evidence: {}", limit.explain()))
        }
    }
    if let Some(rate) = scenario.arrival_rate {
        match model.at_arrival_rate(rate, think, k) {
            Ok(p) => {
                let at = |ratio: f64| ratio * p.mean_ms;
                let (low, high) = (r_low.map(at), r_high.map(at));
                // Without bounds (numbers typed from a report) the point decides.
                let outcome = if high.unwrap_or(at(r)) <= t {
                    Outcome::Meets
                } else if low.unwrap_or(at(r)) > t {
                    Outcome::Misses
                } else {
                    Outcome::Uncertain
                };
                out.arrival = Some(ArrivalPrediction {
                    rate,
                    percentile_ms: at(r),
                    low_ms: low,
                    high_ms: high,
                    mean_ms: p.mean_ms,
                    in_flight: p.in_flight,
                    vus_needed: p.vus,
                    outcome,
                });
            }
            Err(limit) => {
                out.arrival_reason = Some(format!("not enough evidence: {}", limit.explain()))
            }
        }
    }
    Ok(out)
}
