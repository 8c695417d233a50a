//! "How many VUs keep pXX ≤ target?" (statistics.md §3.3–3.4).
//!
//! Between measured levels: the first crossing of a monotone PCHIP through
//! (N, ln pXX), floored. The band spans the crossings of three methods (PCHIP,
//! linear-in-log, and the server model) run on the per-level upper bounds
//! (low end) and lower bounds (high end), because sampling error alone
//! understates the uncertainty when levels are far apart. Beyond the largest
//! level only the server model answers, labelled extrapolated, and never past
//! 2× the largest tested level. Otherwise: "not enough evidence", and why.

use serde::{Deserialize, Serialize};

use super::band::{bracket, model_fit, scatter, widened, ModelFit, Scatter};
use super::level::{Level, LoadUnit};
use super::model::{kappa_unidentified, ModelLimit, ServerModel};
use super::pchip::{linear_first_crossing, Pchip};
use super::quantile_interval::min_samples_for_upper_bound;
use super::target::Target;

/// Band ratio above which a straddling crossing is called inconclusive (§3.4.4).
const INCONCLUSIVE_RATIO: f64 = 1.5;

/// Why there is no number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    /// Fewer than two steady levels report the statistic.
    TooFewLevels,
    /// Two levels share one load.
    DuplicateLevels,
    /// A level the answer rests on has too few requests for a bound on the percentile.
    TooFewSamples,
    /// The target is already missed at the lowest tested load.
    ExceededAtLowest,
    /// The lowest tested load is over the target, but its lower bound is under it.
    InconclusiveAtLowest,
    /// The target holds at every tested level and the model cannot say how much further.
    NotReachedInRange,
    /// The model's crossing lies too far past the tested loads to be trusted.
    BeyondExtrapolationLimit,
    /// The percentile falls as load grows, beyond sampling error.
    NonMonotone,
    /// The load generator did not keep up at a level the answer rests on.
    SaturatedGenerator,
    /// A level next to the crossing is inconclusive and the band is wide.
    Inconclusive,
}

/// One method's crossing, shown so the band can be checked by hand.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MethodCrossing {
    /// `pchip`, `linear_log` or `model`.
    pub method: String,
    /// `estimate`, `upper_bound` (drives the band's low end) or `lower_bound`.
    pub series: String,
    pub vus: Option<f64>,
}

/// The answer, or the reason there is none.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Answer {
    /// Most VUs with pXX ≤ target (the crossing, floored).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<u64>,
    /// Low end of the band around `value`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub low: Option<u64>,
    /// High end of the band around `value`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub high: Option<u64>,
    /// True when the value comes from the model beyond the largest tested level.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub extrapolated: Option<bool>,
    /// Requests per second at the answer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub throughput: Option<f64>,
    /// The unfloored crossing N_c.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub crossing: Option<f64>,
    /// Why there is no number, when there is none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<Reason>,
    /// The answer or the refusal, in one sentence.
    pub message: String,
    /// "Fewer than this": the target is already missed at this load.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub below: Option<f64>,
    /// Where a confirmation run would settle an inconclusive answer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub confirm_at: Option<u64>,
    /// The level whose pXX/mean ratio ρ the model used.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rho_level: Option<f64>,
    /// Each method's crossing of the target.
    pub crossings: Vec<MethodCrossing>,
    /// What sets the band's width: `gap` (no model earns narrowing the space
    /// between the last level known to pass and the first known to fail),
    /// `scatter` (between-run scatter), `sampling` (each run's own samples).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub band_source: Option<String>,
    /// Loads (VUs) whose runs would narrow the band most.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub narrow_at: Vec<u64>,
    /// Between-run scatter of ln pXX that widened every level's bounds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scatter: Option<Scatter>,
    /// How the server model's pXX follows the measured levels; the model's
    /// pXX curve is drawn only when it fits.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub model_fit: Option<ModelFit>,
    /// Things worth saying about how the answer was reached.
    pub notes: Vec<String>,
}

impl Answer {
    fn refuse(reason: Reason, message: String) -> Answer {
        Answer {
            reason: Some(reason),
            message: format!("not enough evidence: {message}"),
            ..Answer::default()
        }
    }
}

/// Pool-adjacent-violators: the weighted non-decreasing fit to `y`.
fn pava(y: &[f64], w: &[f64]) -> Vec<f64> {
    let mut blocks: Vec<(f64, f64, usize)> = Vec::new();
    for (yi, wi) in y.iter().zip(w) {
        blocks.push((wi * yi, *wi, 1));
        while blocks.len() >= 2 {
            let (b, a) = (blocks[blocks.len() - 1], blocks[blocks.len() - 2]);
            if a.0 / a.1 <= b.0 / b.1 {
                break;
            }
            blocks.pop();
            if let Some(last) = blocks.last_mut() {
                *last = (a.0 + b.0, a.1 + b.1, a.2 + b.2);
            }
        }
    }
    blocks
        .iter()
        .flat_map(|&(s, w, c)| std::iter::repeat_n(s / w, c))
        .collect()
}

fn floor(v: f64) -> u64 {
    v.max(0.0).floor() as u64
}

/// What the analysis knows at one level, for the target's percentile.
struct Point<'a> {
    level: &'a Level,
    value: f64,
    lower: Option<f64>,
    upper: Option<f64>,
}

/// ρ-scaled model crossing: the most VUs whose modelled pXX stays ≤ target.
fn model_crossing(
    model: &ServerModel,
    target_ms: f64,
    pxx_ms: Option<f64>,
    mean_ms: Option<f64>,
) -> Result<f64, ModelLimit> {
    match (pxx_ms, mean_ms) {
        (Some(p), Some(m)) if p > 0.0 && m > 0.0 => model
            .vus_at_mean(target_ms * m / p, model.think_time_s, 1, true)
            .map(|o| o.vus),
        _ => Err(ModelLimit::NoRatio),
    }
}

/// Answers the target from levels sorted by concurrency.
/// `unit` names the load axis in every sentence.
pub fn answer(
    levels: &[Level],
    target: Target,
    model: Result<&ServerModel, &str>,
    unit: LoadUnit,
) -> Answer {
    let u = unit.label();
    let stat = target.statistic();
    let t = target.limit_ms;
    let points: Vec<Point> = levels
        .iter()
        .filter_map(|l| {
            l.percentile(target.quantile).map(|p| Point {
                level: l,
                value: p.value_ms,
                lower: p.lower_ms,
                upper: p.upper_ms,
            })
        })
        .collect();
    if points.len() < 2 {
        return Answer::refuse(
            Reason::TooFewLevels,
            format!(
                "{} level(s) report {stat}; at least 2 steady levels are needed",
                points.len()
            ),
        );
    }
    if let Some(w) = points
        .windows(2)
        .find(|w| w[0].level.concurrency == w[1].level.concurrency)
    {
        return Answer::refuse(
            Reason::DuplicateLevels,
            format!(
                "two levels at {} ({} and {}); give one per load level",
                w[0].level.concurrency, w[0].level.label, w[1].level.label
            ),
        );
    }
    let x: Vec<f64> = points.iter().map(|p| p.level.concurrency).collect();
    let mut notes = Vec::new();
    // The percentile must not fall as load grows, beyond sampling error.
    let mut violated = false;
    for w in points.windows(2) {
        if w[1].value < w[0].value {
            if let (Some(u), Some(l)) = (w[1].upper, w[0].lower) {
                if u < l {
                    return Answer::refuse(
                        Reason::NonMonotone,
                        format!(
                            "{stat} falls from {:.1} ms at {} to {:.1} ms at {} beyond sampling error (suspect errors or timeouts, caching, or the load generator)",
                            w[0].value, w[0].level.concurrency, w[1].value, w[1].level.concurrency
                        ),
                    );
                }
            }
            violated = true;
        }
    }
    // Between-run scatter widens every level's bounds before any crossing.
    let refs: Vec<&Level> = points.iter().map(|p| p.level).collect();
    let spread = scatter(&refs, target.quantile);
    let points: Vec<Point> = if spread.tau > 0.0 {
        points
            .into_iter()
            .map(|p| match widened(p.level, target.quantile, spread.tau) {
                Some((lo, hi)) => Point {
                    lower: Some(lo.exp()),
                    upper: Some(hi.exp()),
                    ..p
                },
                None => p,
            })
            .collect()
    } else {
        points
    };
    if spread.tau > 0.0 {
        notes.push(format!(
            "the levels scatter more than their own intervals allow (between-run spread about {:.0}% of {stat}, from the {}); every level's bounds are widened by it",
            spread.tau.exp_m1() * 100.0,
            match spread.source.as_str() {
                "dips" => "dips between neighbouring levels",
                "repeats" => "repeats at one load, their spread around each other",
                "repeats+smooth_fit" => "repeats at one load pooled with the residuals around a smooth fit across levels",
                _ => "residuals around a smooth fit across levels",
            }
        ));
    }
    let raw: Vec<f64> = points.iter().map(|p| p.value.ln()).collect();
    let y = if violated {
        notes.push(format!("{stat} dips between some levels within sampling error; adjacent levels were pooled (PAVA, weighted by requests)"));
        let w: Vec<f64> = points
            .iter()
            .map(|p| p.level.requests.map_or(1.0, |n| n.max(1) as f64))
            .collect();
        pava(&raw, &w)
    } else {
        raw
    };
    let ln_t = t.ln();
    let first = &points[0];
    if y[0] > ln_t {
        let base = format!(
            "{stat} is {:.1} ms already at the lowest tested load ({})",
            y[0].exp(),
            first.level.concurrency
        );
        let mut a = match first.lower {
            Some(l) if l < t => Answer::refuse(
                Reason::InconclusiveAtLowest,
                format!("{base}; its lower bound {l:.1} ms is under {t} ms, so the lowest level is inconclusive"),
            ),
            _ => Answer::refuse(Reason::ExceededAtLowest, format!("{base}, above the {t} ms target: fewer than {} {u}", first.level.concurrency)),
        };
        a.below = Some(first.level.concurrency);
        a.notes = notes;
        return a;
    }
    let n_min = min_samples_for_upper_bound(target.quantile, 0.05);
    let too_few = |p: &Point| p.level.requests.is_some_and(|n| n < n_min);
    if points.iter().any(|p| p.level.requests.is_none()) {
        notes.push(format!("sample counts are unknown at some levels, so the {n_min}-sample minimum for {stat} cannot be checked there"));
    }
    let last = points.len() - 1;
    if y[last] <= ln_t {
        let mut a = extrapolate(&points, target, model, n_min, unit);
        a.notes.splice(0..0, notes);
        return a;
    }
    let k = (0..last)
        .find(|&k| y[k] <= ln_t && ln_t < y[k + 1])
        .unwrap_or(last - 1);
    for p in [&points[k], &points[k + 1]] {
        if too_few(p) {
            return Answer::refuse(
                Reason::TooFewSamples,
                format!(
                    "the level at {} brackets the crossing but has {} requests; {stat} needs at least {n_min} for an upper bound",
                    p.level.concurrency,
                    p.level.requests.unwrap_or(0)
                ),
            );
        }
    }
    if let Some(bad) = points[..=k + 1]
        .iter()
        .find(|p| p.level.generator_kept_up == Some(false))
    {
        return Answer::refuse(Reason::SaturatedGenerator, saturated_message(bad.level));
    }
    let mut a = interpolate(&points, &x, &y, k, target, model, notes, &spread, unit);
    a.scatter = Some(spread);
    a
}

fn saturated_message(l: &Level) -> String {
    if l.think_time_s.is_none() {
        if let Some(note) = l
            .notes
            .iter()
            .find(|n| n.starts_with("generator did not keep up"))
        {
            return format!("at {} req/s the {note}", l.concurrency);
        }
    }
    format!(
        "at {} the idle time per request (N/X − mean = {:.3} s) drifts more than 20% from the other levels: the load generator (or connection set-up) did not keep up, so latency there is not the server's",
        l.concurrency,
        l.think_time_s.unwrap_or(f64::NAN)
    )
}

#[allow(clippy::too_many_arguments)]
fn interpolate(
    points: &[Point],
    x: &[f64],
    y: &[f64],
    k: usize,
    target: Target,
    model: Result<&ServerModel, &str>,
    mut notes: Vec<String>,
    spread: &Scatter,
    unit: LoadUnit,
) -> Answer {
    let u = unit.label();
    let stat = target.statistic();
    let t = target.limit_ms;
    let ln_t = t.ln();
    let mut crossings = Vec::new();
    let mut cross = |method: &str, series: &str, v: Option<f64>| {
        crossings.push(MethodCrossing {
            method: method.into(),
            series: series.into(),
            vus: v,
        });
        v
    };
    let Some(nc) = Pchip::new(x, y).and_then(|p| p.first_crossing(ln_t)) else {
        return Answer::refuse(
            Reason::TooFewLevels,
            "the interpolation could not be built from these levels".into(),
        );
    };
    cross("pchip", "estimate", Some(nc));
    let linear = cross("linear_log", "estimate", linear_first_crossing(x, y, ln_t));
    let rho_point = &points[k + 1];
    let mean = rho_point.level.mean_ms;
    let model_ok = model.ok();
    let model_at = |pxx: Option<f64>| model_ok.and_then(|m| model_crossing(m, t, pxx, mean).ok());
    let model_est = cross("model", "estimate", model_at(Some(rho_point.value)));
    let mut low_candidates: Vec<f64> = [Some(nc), linear, model_est]
        .into_iter()
        .flatten()
        .collect();
    let mut high_candidates = low_candidates.clone();
    let series = |get: fn(&Point) -> Option<f64>| -> Option<Vec<f64>> {
        points.iter().map(|p| get(p).map(f64::ln)).collect()
    };
    let mut low_open = false;
    let mut high_open = false;
    let mut low_unknown = false;
    let mut high_unknown = false;
    match series(|p| p.upper) {
        Some(u) => {
            let a = cross(
                "pchip",
                "upper_bound",
                Pchip::new(x, &u).and_then(|p| p.first_crossing(ln_t)),
            );
            let b = cross(
                "linear_log",
                "upper_bound",
                linear_first_crossing(x, &u, ln_t),
            );
            let c = cross("model", "upper_bound", model_at(rho_point.upper));
            low_open = u[0] > ln_t;
            low_candidates.extend([a, b, c].into_iter().flatten());
        }
        None => low_unknown = true,
    }
    match series(|p| p.lower) {
        Some(l) => {
            let a = cross(
                "pchip",
                "lower_bound",
                Pchip::new(x, &l).and_then(|p| p.first_crossing(ln_t)),
            );
            let b = cross(
                "linear_log",
                "lower_bound",
                linear_first_crossing(x, &l, ln_t),
            );
            let c = cross("model", "lower_bound", model_at(rho_point.lower));
            high_open = l[l.len() - 1] <= ln_t && c.is_none();
            high_candidates.extend([a, b, c].into_iter().flatten());
        }
        None => high_unknown = true,
    }
    match model {
        Err(why) => notes.push(format!("no server model for the band: {why}")),
        Ok(m) if model_est.is_none() => {
            if let Err(limit) = model_crossing(m, t, Some(rho_point.value), mean) {
                notes.push(format!(
                    "the server model gives no crossing here: {}",
                    limit.explain()
                ));
            }
        }
        Ok(_) => {}
    }
    if low_unknown || high_unknown {
        notes.push(format!(
            "some levels have no {stat} interval (fewer than {} samples, or numbers given without bounds), so sampling error there is unknown and those levels pass or fail on their numbers alone",
            min_samples_for_upper_bound(target.quantile, 0.05),
        ));
    }
    // The sampling band: the methods' crossings on the (widened) bounds.
    let method_low = (!low_open && !low_unknown)
        .then(|| floor(low_candidates.iter().copied().fold(f64::INFINITY, f64::min)));
    let method_high = (!high_open && !high_unknown).then(|| {
        floor(
            high_candidates
                .iter()
                .copied()
                .fold(f64::NEG_INFINITY, f64::max),
        )
    });
    // The bracket: the crossing surely lies between these measured levels.
    let refs: Vec<&Level> = points.iter().map(|p| p.level).collect();
    let (pass, fail) = bracket(&refs, target, spread.tau);
    let (pass0, fail0) = bracket(&refs, target, 0.0);
    let levels: Vec<Level> = points.iter().map(|p| p.level.clone()).collect();
    let fit = model_ok.map(|m| {
        model_fit(
            &levels,
            target,
            m,
            Some(rho_point.level.concurrency),
            spread.tau,
        )
    });
    let earned = fit.as_ref().is_some_and(|f| f.fits);
    let bracket_low = pass.map(floor);
    // The first failing level fails: the most VUs that pass lie below it.
    let bracket_high = fail.map(|f| floor((f - 1e-9).max(0.0)));
    let (low, high, source) = if earned {
        // A model that fits every level may narrow the gap, never past the bracket.
        let low = match (method_low, bracket_low) {
            (Some(m), Some(b)) => Some(m.max(b)),
            (m, b) => m.or(b),
        };
        let high = match (method_high, bracket_high) {
            (Some(m), Some(h)) => Some(m.min(h)),
            (m, h) => m.or(h),
        };
        let source = if spread.tau > 0.0 {
            "scatter"
        } else {
            "sampling"
        };
        (low, high, source)
    } else {
        match &fit {
            Some(f) => notes.push(format!(
                "{}; between the measured levels the crossing can lie anywhere from the last level known to pass to the first known to fail",
                f.statement
            )),
            None => notes.push(format!(
                "no model fits these levels, so between them the crossing can lie anywhere from the last level known to pass ({}) to the first known to fail ({})",
                pass.map_or(format!("none from {}", x[0]), |v| v.to_string()),
                fail.map_or(format!("none up to {}", x[x.len() - 1]), |v| v.to_string())
            )),
        }
        let source = if (pass, fail) != (pass0, fail0) {
            "scatter"
        } else {
            "gap"
        };
        (bracket_low, bracket_high, source)
    };
    // Scatter widens the band, but never below a level whose own samples
    // show it passes: that load was measured to keep the target.
    let low = match (low, pass0) {
        (Some(l), Some(p)) => Some(l.max(floor(p))),
        (None, Some(p)) => Some(floor(p)),
        (l, None) => l,
    };
    // Keep the estimate inside its own band.
    let value = floor(nc);
    let low = low.map(|l| l.min(value));
    let high = high.map(|h| h.max(value));
    if low.is_none() {
        notes.push(format!(
            "the band's low end lies below the lowest tested level ({}): no level is known to pass",
            x[0]
        ));
    }
    if high.is_none() {
        notes.push(format!("the band's high end lies beyond the largest tested level ({}): no level is known to fail", x[x.len() - 1]));
    }
    let throughput = Pchip::new(
        x,
        &points
            .iter()
            .map(|p| p.level.throughput)
            .collect::<Vec<_>>(),
    )
    .map(|p| p.eval(nc));
    let narrow_at: Vec<u64> = match (low, high, source) {
        (Some(l), Some(h), "gap") if h > l + 2 => {
            let third = (h - l) as f64 / 3.0;
            vec![
                (l as f64 + third).round() as u64,
                (l as f64 + 2.0 * third).round() as u64,
            ]
        }
        _ => vec![value],
    };
    let low_text = low.map_or(format!("below {}", x[0]), |l| l.to_string());
    let high_text = high.map_or(format!("beyond {}", x[x.len() - 1]), |h| h.to_string());
    let band = format!("band {low_text}–{high_text}");
    let straddles = [&points[k], &points[k + 1]]
        .iter()
        .any(|p| p.lower.is_some_and(|l| l <= t) && p.upper.is_some_and(|u| u >= t));
    let ratio = match (low, high) {
        (Some(l), Some(h)) if l > 0 => h as f64 / l as f64,
        _ => f64::INFINITY,
    };
    let base = Answer {
        low,
        high,
        throughput,
        crossing: Some(nc),
        rho_level: Some(rho_point.level.concurrency),
        crossings,
        band_source: Some(source.into()),
        narrow_at: narrow_at.clone(),
        model_fit: fit,
        notes,
        ..Answer::default()
    };
    if straddles && ratio > INCONCLUSIVE_RATIO && earned {
        return Answer {
            reason: Some(Reason::Inconclusive),
            confirm_at: Some(value),
            message: format!(
                "not enough evidence: {stat} ≤ {t} ms somewhere around {value} {u} ({band}), but a level next to the crossing is inconclusive and the band is wide; run a confirmation test at {value} {u}"
            ),
            ..base
        };
    }
    // On a req/s axis the answer is itself a request rate.
    let rate = throughput
        .filter(|_| !unit.is_open())
        .map_or(String::new(), |x| format!(", about {x:.0} req/s"));
    let between = match (low, high) {
        (Some(l), Some(h)) => format!("between {l} and {h}"),
        (None, Some(h)) => format!("below the lowest tested level ({}) up to {h}", x[0]),
        (Some(l), None) => format!(
            "from {l} to beyond the largest tested level ({})",
            x[x.len() - 1]
        ),
        (None, None) => "anywhere in the tested range".to_string(),
    };
    let narrow = match (source, narrow_at.as_slice()) {
        ("gap", [a, b]) => format!(" — a run near {a} and {b} {u} would narrow it"),
        ("scatter", [a]) => format!(" — repeated runs near {a} {u} would narrow it"),
        (_, [a]) if ratio > INCONCLUSIVE_RATIO => {
            format!(" — a confirmation run at {a} {u} would narrow it")
        }
        _ => String::new(),
    };
    Answer {
        value: Some(value),
        extrapolated: Some(false),
        message: format!("about {value} {u} keep {stat} ≤ {t} ms; {between} on this evidence{narrow} ({band}{rate})"),
        ..base
    }
}

fn extrapolate(
    points: &[Point],
    target: Target,
    model: Result<&ServerModel, &str>,
    n_min: u64,
    unit: LoadUnit,
) -> Answer {
    let stat = target.statistic();
    let t = target.limit_ms;
    let top = &points[points.len() - 1];
    let n_top = top.level.concurrency;
    let within = format!(
        "{stat} stays ≤ {t} ms at every tested level ({:.1} ms at {n_top})",
        top.value
    );
    let model = match model {
        Ok(m) => m,
        Err(why) => {
            return Answer::refuse(
                Reason::NotReachedInRange,
                format!("{within}; going further needs the server model: {why}"),
            )
        }
    };
    if let Some(why) = kappa_unidentified(model) {
        return Answer::refuse(Reason::NotReachedInRange, format!("{within}; {why}"));
    }
    if top.level.requests.is_some_and(|n| n < n_min) {
        return Answer::refuse(
            Reason::TooFewSamples,
            format!(
                "the largest level ({n_top}) has {} requests; {stat} needs at least {n_min}",
                top.level.requests.unwrap_or(0)
            ),
        );
    }
    if let Some(bad) = points
        .iter()
        .find(|p| p.level.generator_kept_up == Some(false))
    {
        return Answer::refuse(Reason::SaturatedGenerator, saturated_message(bad.level));
    }
    let mean = top.level.mean_ms;
    let est = match model_crossing(model, t, Some(top.value), mean) {
        Ok(v) => v,
        Err(limit @ (ModelLimit::BeyondRange { .. } | ModelLimit::Retrograde { .. })) => {
            return Answer::refuse(
                Reason::BeyondExtrapolationLimit,
                format!("{within}; {}", limit.explain()),
            )
        }
        Err(limit) => {
            return Answer::refuse(
                Reason::NotReachedInRange,
                format!("{within}; {}", limit.explain()),
            )
        }
    };
    if est < n_top {
        return Answer::refuse(
            Reason::NotReachedInRange,
            format!("{within}, but the model puts the crossing at {est:.0}, below that: model and measurements disagree, so there is no extrapolation"),
        );
    }
    let mut crossings = vec![MethodCrossing {
        method: "model".into(),
        series: "estimate".into(),
        vus: Some(est),
    }];
    let mut notes = Vec::new();
    let mut side = |series: &str, pxx: Option<f64>| {
        let v = model_crossing(model, t, pxx, mean);
        crossings.push(MethodCrossing {
            method: "model".into(),
            series: series.into(),
            vus: v.as_ref().ok().copied(),
        });
        match v {
            Ok(v) => Some(floor(v)),
            Err(limit) => {
                notes.push(format!("{series} side of the band: {}", limit.explain()));
                None
            }
        }
    };
    let low = side("upper_bound", top.upper);
    let high = side("lower_bound", top.lower);
    let throughput = model
        .at_vus(est, model.think_time_s, 1)
        .map(|o| o.throughput);
    let value = floor(est);
    let band = match (low, high) {
        (Some(l), Some(h)) => format!(", band {l}–{h}"),
        _ => String::new(),
    };
    let rate = throughput.map_or(String::new(), |x| format!(", about {x:.1} req/s"));
    notes.push(format!(
        "extrapolated with the server model (USL on in-flight requests, think time {:.3} s, ρ = {stat}/mean at {n_top}); measured only up to {n_top}",
        model.think_time_s
    ));
    Answer {
        value: Some(value),
        low,
        high,
        extrapolated: Some(true),
        throughput,
        crossing: Some(est),
        message: format!(
            "extrapolated: about {value} {} keep {stat} ≤ {t} ms{band}{rate}; tested only up to {n_top}",
            unit.label()
        ),
        rho_level: Some(n_top),
        crossings,
        notes,
        ..Answer::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pava_pools_violators() {
        assert_eq!(
            pava(&[1.0, 3.0, 2.0, 4.0], &[1.0, 1.0, 1.0, 1.0]),
            vec![1.0, 2.5, 2.5, 4.0]
        );
        assert_eq!(
            pava(&[1.0, 3.0, 2.0], &[1.0, 1.0, 3.0]),
            vec![1.0, 2.25, 2.25]
        );
    }
}
