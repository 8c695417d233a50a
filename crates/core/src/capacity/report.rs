//! The whole capacity analysis of a set of levels, as one plain-data report
//! (what `verdict capacity --json` prints and the app renders).

use serde::{Deserialize, Serialize};

use super::answer::{answer, Answer, Reason};
use super::level::{ExcludedSpan, Level, LevelSet, LoadUnit};
use super::model::{median, ServerModel};
use super::repeats::pool_repeats;
use super::scalability::{fit_usl, UslReport};
use super::target::Target;
use super::what_if::{rho, rho_level, what_if, Scenario, WhatIf};

/// Z_eff may drift this much (relative) before a level is flagged (statistics.md §3.1).
pub const THINK_TIME_DRIFT: f64 = 0.2;

/// A level whose error rate is surely above this (the 95% Wilson interval's
/// low end) sheds load: its throughput counts fast failures.
pub const SATURATION_ERROR_RATE: f64 = 0.05;

/// Successful requests per second this far below a lower level's, while
/// failures grow, also mark a level saturated.
pub const GOODPUT_DROP: f64 = 0.9;

/// On a req/s axis: a level where the executor dropped more than this share
/// of the iterations offered did not get its load (the generator fell behind).
pub const DROPPED_SHARE: f64 = 0.05;

/// On a req/s axis: requests completed per second below this share of the
/// offered rate mean the generator did not send the load it was asked for.
pub const ACHIEVED_SHARE: f64 = 0.9;

/// Why an open-model report has no USL fit.
pub const OPEN_NO_USL: &str = "the load is an offered request rate (open model): throughput follows the rate until the server sheds load, so there is no USL of throughput against load to fit";

/// Why an open-model report has no server model.
pub const OPEN_NO_MODEL: &str = "the server model closes the loop with VUs and think time; an open-model run sets the arrival rate instead, so between measured rates the crossing can lie anywhere from the last rate known to pass to the first known to fail";

/// The question asked.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct CapacityOptions {
    /// The latency target to meet.
    pub target: Target,
    /// The what-if: think time, instances or arrival rate other than tested.
    pub scenario: Scenario,
}

/// Everything the analysis found.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CapacityReport {
    /// The latency target asked about.
    pub target: Target,
    /// `p95`, ...
    pub statistic: String,
    /// What the load axis counts: `vus` (closed model) or `req/s` (offered
    /// request rate, open model). The answer's value and band are in it.
    #[serde(default)]
    pub load: LoadUnit,
    /// Levels sorted by concurrency, with the generator check filled in.
    pub levels: Vec<Level>,
    /// Parts of staged runs left out (ramps, warm-ups, edges).
    pub excluded: Vec<ExcludedSpan>,
    /// USL fit of throughput against concurrency (VUs).
    pub usl: Option<UslReport>,
    /// Why there is no USL fit, when there is none.
    pub usl_refusal: Option<String>,
    /// Server-side model (USL on in-flight requests + think time).
    pub model: Option<ServerModel>,
    /// Why there is no server model, when there is none.
    pub model_refusal: Option<String>,
    /// The capacity answer, or why there is none.
    pub answer: Answer,
    /// Present when the scenario differs from the tested set-up.
    pub what_if: Option<WhatIf>,
    /// Why there is no what-if, when the scenario asked for one.
    pub what_if_refusal: Option<String>,
    /// Things worth saying about the analysis as a whole.
    pub notes: Vec<String>,
}

/// Flags levels whose idle time per request drifts from the others': the
/// generator (or connection set-up) fell behind there. The drift is judged
/// against the think time, or a tenth of the cycle time when there is none.
fn check_generator(levels: &mut [Level]) {
    let Some(z) = median(
        levels
            .iter()
            .filter(|l| !l.saturated)
            .filter_map(|l| l.think_time_s)
            .collect(),
    ) else {
        return;
    };
    for l in levels.iter_mut().filter(|l| !l.saturated) {
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

/// On a req/s axis the generator keeps up when it starts what was offered:
/// few dropped iterations ([`DROPPED_SHARE`]) and requests completed per
/// second near the offered rate ([`ACHIEVED_SHARE`]). A level that fails is
/// not at the load it is placed at (the generator, not the server, fell
/// short), so it is flagged as a VU level whose idle time drifts is.
fn check_generator_open(levels: &mut [Level]) {
    for l in levels.iter_mut() {
        let share = l.dropped_share();
        let achieved = (l.concurrency > 0.0).then(|| l.throughput / l.concurrency);
        // Without the executor's starts the load is itself the completed
        // rate (other tools, Artillery's periods): nothing to check it by.
        if l.iterations.is_none() {
            continue;
        }
        let dropped_many = share.is_some_and(|s| s > DROPPED_SHARE);
        let short = achieved.is_some_and(|a| a < ACHIEVED_SHARE);
        l.generator_kept_up = Some(!(dropped_many || short));
        if dropped_many || short {
            let why = match (dropped_many, l.dropped) {
                (true, Some(d)) => format!(
                    "the executor dropped {d} iterations ({:.0}% of those offered: no free VU to start them)",
                    share.unwrap_or(0.0) * 100.0
                ),
                _ => format!(
                    "{:.1} requests/s completed against {} req/s offered",
                    l.throughput, l.concurrency
                ),
            };
            l.notes.push(format!(
                "generator did not keep up: {why}; the server was not offered this rate, so the level is not the server's answer to it (give the executor more VUs, or more generators)"
            ));
        }
    }
}

/// Marks levels where the server sheds load (statistics.md §1.4.5, §3.6):
/// an error rate surely above [`SATURATION_ERROR_RATE`], or successful
/// requests per second below [`GOODPUT_DROP`] of a lower level's while the
/// error rate rises above 1%. On a req/s axis also successful requests per
/// second below [`GOODPUT_DROP`] of the offered rate. Levels sorted by load.
fn check_saturation(levels: &mut [Level], unit: LoadUnit) {
    let mut best_goodput: Option<f64> = None;
    for l in levels.iter_mut() {
        let rate = l.error_rate.unwrap_or(0.0);
        let surely = l.error_rate_ci95.map_or(rate, |ci| ci[0]).max(0.0);
        let goodput = l.goodput();
        let falling = match (goodput, best_goodput) {
            (Some(g), Some(b)) => rate > 0.01 && g < GOODPUT_DROP * b,
            _ => false,
        };
        // A rate the generator did not send is its shortfall, not the server's.
        let short = match goodput {
            Some(g) if unit.is_open() && l.generator_kept_up != Some(false) => {
                g < GOODPUT_DROP * l.concurrency
            }
            _ => false,
        };
        if surely > SATURATION_ERROR_RATE {
            l.saturated = true;
            l.notes.push(format!(
                "saturated: {:.1}% of requests failed (at least {:.1}% at 95% confidence); its throughput counts fast failures, so it is left out of the fits",
                rate * 100.0,
                surely * 100.0
            ));
        } else if falling {
            l.saturated = true;
            l.notes.push(format!(
                "saturated: successful requests fell to {:.1}/s from {:.1}/s at a lower level while {:.1}% failed; left out of the fits",
                goodput.unwrap_or(0.0),
                best_goodput.unwrap_or(0.0),
                rate * 100.0
            ));
        } else if short {
            l.saturated = true;
            l.notes.push(format!(
                "saturated: {:.1} successful requests/s against {} req/s offered ({:.1}% failed); left out of the interpolation",
                goodput.unwrap_or(0.0),
                l.concurrency,
                rate * 100.0
            ));
        }
        if !l.saturated {
            if let Some(g) = goodput {
                best_goodput = Some(best_goodput.map_or(g, |b: f64| b.max(g)));
            }
        }
    }
}

/// The answer when the server sheds load at `sat`: the healthy levels below
/// it cannot place the crossing above it.
fn cap_at_saturation(
    answer: Answer,
    healthy: &[Level],
    sat: &Level,
    target: Target,
    unit: LoadUnit,
) -> Answer {
    let u = unit.label();
    let (stat, t) = (target.statistic(), target.limit_ms);
    let s = sat.concurrency;
    if healthy.is_empty() {
        return Answer {
            reason: Some(Reason::ExceededAtLowest),
            below: Some(s),
            message: format!(
                "the server sheds load already at the lowest tested level ({s}, {}): fewer than {s} {u}",
                sat.label
            ),
            notes: answer.notes,
            ..Answer::default()
        };
    }
    let all_pass = healthy.iter().all(|l| {
        l.percentile(target.quantile)
            .is_some_and(|p| p.value_ms <= t)
    });
    let beyond = (all_pass && answer.reason == Some(Reason::TooFewLevels))
        || answer.crossing.is_some_and(|c| c >= s)
        || answer.extrapolated == Some(true)
        || matches!(
            answer.reason,
            Some(Reason::NotReachedInRange | Reason::BeyondExtrapolationLimit)
        );
    if !beyond {
        let mut a = answer;
        if a.high.is_none_or(|h| h as f64 > s) && a.value.is_some() {
            a.high = Some(s.floor() as u64);
        }
        a.notes.push(format!(
            "the server sheds load at {s} ({}), so the answer cannot lie above it",
            sat.label
        ));
        return a;
    }
    let last = healthy.last().map_or(0.0, |l| l.concurrency);
    let errors = sat
        .error_rate
        .map_or(String::new(), |e| format!(", {:.1}% errors", e * 100.0));
    let mut notes = answer.notes;
    notes.push(format!(
        "levels from {s} up are saturated and left out; their {stat} is not the server's answer to that load"
    ));
    Answer {
        value: Some(last.floor() as u64),
        low: Some(last.floor() as u64),
        high: Some(s.floor() as u64),
        extrapolated: Some(false),
        throughput: healthy.last().map(|l| l.throughput),
        crossing: None,
        message: format!(
            "at least {last} {u} keep {stat} ≤ {t} ms; at {s} {u} the server sheds load ({}{errors}), so the limit lies between {last} and {s} on this evidence; a run between them would narrow it",
            sat.label
        ),
        rho_level: answer.rho_level,
        notes,
        ..Answer::default()
    }
}

/// Analyses a set of levels.
pub fn analyse(set: LevelSet, options: &CapacityOptions) -> CapacityReport {
    let LevelSet {
        load,
        mut levels,
        excluded,
        notes,
    } = set;
    levels.sort_by(|a, b| a.concurrency.total_cmp(&b.concurrency));
    // Runs at one load are repeats of one level, not a curve that zigzags.
    let mut levels = pool_repeats(levels, load);
    for l in &mut levels {
        // Merged already; the report carries numbers, not samples.
        l.histogram = None;
    }
    if load.is_open() {
        // N/X − mean is a closed loop's idle time; an arrival rate has none.
        for l in &mut levels {
            l.think_time_s = None;
        }
    }
    if load.is_open() {
        check_generator_open(&mut levels);
    }
    check_saturation(&mut levels, load);
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
    // Saturated levels, and any above the first one, stay out of the fits
    // and the interpolation: their throughput and latency are fast failures.
    let first_saturated = levels.iter().position(|l| l.saturated);
    let healthy: Vec<Level> = levels[..first_saturated.unwrap_or(levels.len())].to_vec();
    if let Some(i) = first_saturated {
        notes.push(if load.is_open() {
            format!(
                "saturated levels (from {} req/s up) are left out of the interpolation",
                levels[i].concurrency
            )
        } else {
            format!(
                "saturated levels (from {} up) are left out of the USL fit, the server model and the interpolation; the fit uses all requests per second at the healthy levels",
                levels[i].concurrency
            )
        });
    }
    let points: Vec<(f64, f64)> = healthy
        .iter()
        .map(|l| (l.concurrency, l.throughput))
        .collect();
    let (usl, usl_refusal) = if load.is_open() {
        (None, Some(OPEN_NO_USL.to_string()))
    } else {
        match fit_usl(&points, "VUs") {
            Ok(u) => (Some(u), None),
            Err(e) => (None, Some(e)),
        }
    };
    let (model, model_refusal) = if load.is_open() {
        (None, Some(OPEN_NO_MODEL.to_string()))
    } else {
        match ServerModel::fit(&healthy) {
            Ok(m) => (Some(m), None),
            Err(e) => (None, Some(e)),
        }
    };
    let model_ref = model
        .as_ref()
        .ok_or(model_refusal.as_deref().unwrap_or("no model"));
    let mut answer = answer(&healthy, target, model_ref, load);
    if let Some(i) = first_saturated {
        answer = cap_at_saturation(answer, &healthy, &levels[i], target, load);
    }
    let (what_if, what_if_refusal) = if options.scenario.is_as_tested() {
        (None, None)
    } else {
        match &model {
            Some(m) => match what_if(&healthy, target, m, &options.scenario, answer.rho_level) {
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
        load,
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
    /// The load (VUs) of the point.
    pub vus: f64,
    /// Client-side USL X(N).
    pub usl_throughput: Option<f64>,
    /// Server model under the scenario.
    pub model_throughput: Option<f64>,
    /// Mean latency under the server model.
    pub model_mean_ms: Option<f64>,
    /// The target's percentile under the server model (ρ·mean).
    pub model_percentile_ms: Option<f64>,
    /// ρ_L·mean and ρ_U·mean.
    pub model_percentile_low_ms: Option<f64>,
    /// The upper edge ρ_U·mean (see `model_percentile_low_ms`).
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
    // A model whose pXX misses the measured levels is not drawn (its fit says why).
    let drawn = report.answer.model_fit.as_ref().is_none_or(|f| f.fits);
    let ratios = rho_level(&report.levels, q, preferred)
        .and_then(|l| rho(l, q))
        .filter(|_| drawn);
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::capacity::level::LevelOrigin;

    fn level(n: f64, x: f64, requests: u64, errors: u64) -> Level {
        let mut l = Level::new(format!("{n}"), LevelOrigin::Table, n, x);
        l.set_counts(requests, Some(errors));
        l
    }

    #[test]
    fn falling_goodput_marks_a_level_saturated() {
        // 4% errors is under the error-rate rule, but successful req/s fell
        // from 190 to 144: the server sheds load.
        let mut levels = vec![
            level(50.0, 100.0, 2000, 4),
            level(100.0, 192.0, 3840, 10),
            level(200.0, 150.0, 3000, 120),
        ];
        check_saturation(&mut levels, LoadUnit::Vus);
        assert_eq!(
            levels.iter().map(|l| l.saturated).collect::<Vec<_>>(),
            [false, false, true]
        );
        assert!(levels[2].notes[0].contains("successful requests fell"));
    }

    #[test]
    fn few_errors_are_not_saturation() {
        // 2 failures in 20: the rate is 10% but its interval reaches below 5%.
        let mut levels = vec![level(10.0, 5.0, 20, 2), level(20.0, 10.0, 4000, 80)];
        check_saturation(&mut levels, LoadUnit::Vus);
        assert!(levels.iter().all(|l| !l.saturated));
    }
}
