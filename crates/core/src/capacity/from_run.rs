//! Load levels from runs: a run held at one concurrency is one level (its
//! whole-run histogram, exactly as `verdict summary` reports it); a run with
//! several holds is cut into plateaus.
//!
//! Open-model runs go on a req/s axis instead: a run that held one request
//! rate is one level at that rate, a staged arrival-rate run is cut where
//! its request rate holds, and an Artillery report's 10 s periods are levels
//! at the rate Artillery sent requests in each (module [`super::periods`]).

use super::level::{Level, LevelOrigin, LevelSet, LoadUnit};
use super::periods::levels_from_periods;
use super::plateau::{cut_plateaus_by, holds_of, most_common, PlateauOptions};
use super::quantile_interval::Percentile;
use super::target::quantile_key;
use crate::format::Format;
use crate::run::Run;

/// A single hold must carry this share of a run's requests for the whole run
/// to count as that level; otherwise only the trimmed hold is used.
const WHOLE_RUN_SHARE: f64 = 0.95;

/// The load axis a run is read on: as asked, else req/s for a tool whose
/// load is always an arrival rate (an Artillery report's phases), else VUs.
pub fn load_of(run: &Run, options: &PlateauOptions) -> LoadUnit {
    options.load.unwrap_or(match run.format {
        Format::ArtilleryReport => LoadUnit::RequestsPerSecond,
        _ => LoadUnit::Vus,
    })
}

/// Levels from each run in turn; every run must be on the same load axis.
pub fn levels_from_runs(
    runs: &[Run],
    options: &PlateauOptions,
    extra_quantiles: &[f64],
) -> Result<LevelSet, String> {
    let mut set = LevelSet::default();
    for (i, run) in runs.iter().enumerate() {
        let load = load_of(run, options);
        if i == 0 {
            set.load = load;
        } else if load != set.load {
            return Err(format!(
                "{}: its load is in {}, the other runs' in {}; one capacity question needs one load axis (give --load to read every run the same way)",
                run.source,
                load.label(),
                set.load.label()
            ));
        }
        if load.is_open()
            && !run.has_samples()
            && run
                .tool
                .as_ref()
                .is_some_and(|t| !t.timeline.points.is_empty())
        {
            let cut = levels_from_periods(run, extra_quantiles)?;
            set.levels.extend(cut.levels);
            set.excluded.extend(cut.excluded);
            set.notes.extend(cut.notes);
            continue;
        }
        let found = holds_of(run, load);
        let total: u64 = run.timeline.buckets().map(|b| b.requests).sum();
        let held: u64 = found
            .iter()
            .map(|h| {
                run.timeline
                    .buckets()
                    .skip(h.first)
                    .take(h.last + 1 - h.first)
                    .map(|b| b.requests)
                    .sum::<u64>()
            })
            .sum();
        let whole_run = (found.len() <= 1
            && (total == 0 || held as f64 >= WHOLE_RUN_SHARE * total as f64))
            || (load.is_open() && found.is_empty() && steady_rate(run));
        if whole_run {
            let level = if load.is_open() {
                whole_run_rate_level(run, extra_quantiles)?
            } else {
                whole_run_level(
                    run,
                    found.first().and_then(|h| h.concurrency),
                    extra_quantiles,
                )?
            };
            set.levels.push(level);
            continue;
        }
        let cut = cut_plateaus_by(run, options, extra_quantiles, load);
        if cut.levels.is_empty() {
            let hint = if load.is_open() {
                " (the request rate keeps changing)".to_string()
            } else if !holds_of(run, LoadUnit::RequestsPerSecond).is_empty() {
                " (concurrency keeps changing, but the request rate holds: for an arrival-rate, open-model run add --load req/s)".to_string()
            } else {
                " (concurrency keeps changing)".to_string()
            };
            return Err(format!(
                "{}: no steady hold of at least {} s in the run{hint}; hold each load level, or give one run per level",
                run.source,
                super::plateau::MIN_HOLD_S
            ));
        }
        set.notes.push(format!(
            "{}: cut into {} plateaus ({}); ramps, warm-ups and edges excluded",
            run.source,
            cut.levels.len(),
            cut.levels
                .iter()
                .map(|l| if load.is_open() {
                    format!("{} req/s", l.concurrency)
                } else {
                    format!("{}", l.concurrency)
                })
                .collect::<Vec<_>>()
                .join(", ")
        ));
        set.levels.extend(cut.levels);
        set.excluded.extend(cut.excluded);
        set.notes.extend(cut.notes);
    }
    Ok(set)
}

/// A run too short for a hold (10 s) that still kept one offered rate: at
/// least 5 windows at one rate, holding [`STEADY_RATE_SHARE`] of its requests
/// (the rest ends in the partial first and last seconds).
fn steady_rate(run: &Run) -> bool {
    let buckets: Vec<u64> = run.timeline.buckets().map(|b| b.requests).collect();
    let total: u64 = buckets.iter().sum();
    super::plateau::segments_of(run, LoadUnit::RequestsPerSecond)
        .iter()
        .filter(|s| s.concurrency.is_some() && s.last + 1 - s.first >= 5)
        .any(|s| {
            let held: u64 = buckets[s.first..=s.last].iter().sum();
            held as f64 >= STEADY_RATE_SHARE * total as f64
        })
}

/// The held rate that carries the most requests: its mean reading, and the
/// requests per second completed in its windows.
fn held_rate(run: &Run) -> Option<(f64, f64)> {
    let buckets: Vec<u64> = run.timeline.buckets().map(|b| b.requests).collect();
    let width_s = run.timeline.width_us() as f64 / 1e6;
    let seg = super::plateau::segments_of(run, LoadUnit::RequestsPerSecond)
        .into_iter()
        .filter(|s| s.concurrency.is_some())
        .max_by_key(|s| buckets[s.first..=s.last].iter().sum::<u64>())?;
    let done: u64 = buckets[seg.first..=seg.last].iter().sum();
    let span = (seg.last + 1 - seg.first) as f64 * width_s;
    Some((seg.concurrency?, done as f64 / span))
}

/// Share of a short open-model run's requests its one rate must hold.
const STEADY_RATE_SHARE: f64 = 0.8;

/// The most common per-window concurrency (ties: the larger).
fn steady_concurrency(run: &Run) -> Option<f64> {
    most_common(run.timeline.buckets().filter_map(|b| b.concurrency))
}

/// For runs whose only per-window readings are the tool's own timeline
/// (Locust's history, Artillery's periods): the share of windows at the peak
/// concurrency, and the smallest reading. Such windows hold aggregates that
/// cannot be cut into plateaus, so a run that was not steady is refused.
fn tool_timeline_steadiness(run: &Run) -> Option<(f64, f64)> {
    let readings: Vec<f64> = run
        .tool
        .as_ref()?
        .timeline
        .points
        .iter()
        .filter_map(|p| p.concurrency)
        .collect();
    let peak = readings.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let low = readings.iter().copied().fold(f64::INFINITY, f64::min);
    let at_peak = readings.iter().filter(|&&c| c >= peak * 0.99).count();
    (!readings.is_empty()).then(|| (at_peak as f64 / readings.len() as f64, low))
}

/// A run that held one request rate: one level at the rate it held.
fn whole_run_rate_level(run: &Run, extra_quantiles: &[f64]) -> Result<Level, String> {
    let rps = run.summary().rps.filter(|x| *x > 0.0).ok_or_else(|| {
        format!(
            "{} ({}): no request rate could be computed, so this run cannot be placed on a req/s axis",
            run.source, run.format
        )
    })?;
    let mut level = whole_run_level(run, Some(rps), extra_quantiles)?;
    let (started, dropped) = run.arrivals.between(i64::MIN / 2, i64::MAX / 2);
    // The rate the run held (iterations offered per second where the file
    // has them), not its mean over the partial first and last seconds.
    let (held, done) = held_rate(run).unwrap_or((rps, rps));
    let offered = match (started, run.summary().requests) {
        (s, Some(n)) if s > 0 => held * n as f64 / s as f64,
        _ => held,
    };
    level.concurrency = (offered * 10.0).round() / 10.0;
    if !run.arrivals.is_empty() {
        level.dropped = Some(dropped);
        level.iterations = Some(started);
    }
    // What came back while the rate held: the partial first and last
    // seconds would read as a shortfall against the offered rate.
    level.throughput = done;
    level.notes.push(if run.arrivals.is_empty() {
        "placed at the request rate the run held (the file records no iteration starts)".into()
    } else if dropped > 0 {
        format!("placed at the offered rate: requests per second plus the {dropped} iterations the executor dropped (no free VU)")
    } else {
        "placed at the rate the executor started iterations, times the requests each made".into()
    });
    Ok(level)
}

fn whole_run_level(run: &Run, hold: Option<f64>, extra_quantiles: &[f64]) -> Result<Level, String> {
    let summary = run.summary();
    let concurrency = hold
        .or_else(|| steady_concurrency(run))
        .or(run.peak_concurrency)
        .or(run.tool.as_ref().and_then(|t| t.peak_concurrency))
        .filter(|c| *c > 0.0)
        .ok_or_else(|| {
            format!(
                "{} ({}): no concurrency (VUs, threads, users) recorded, so this run cannot be placed on the load axis; give the levels as a table (--levels)",
                run.source, run.format
            )
        })?;
    if hold.is_none() && steady_concurrency(run).is_none() {
        if let Some((share, low)) = tool_timeline_steadiness(run) {
            if share < WHOLE_RUN_SHARE {
                return Err(format!(
                    "{} ({}): concurrency changes during the run ({low} to {concurrency}; at its peak only {:.0}% of the time), and the tool's per-window numbers are aggregates that cannot be cut into plateaus; run each load level on its own",
                    run.source,
                    run.format,
                    share * 100.0
                ));
            }
        }
    }
    let throughput = summary.rps.filter(|x| *x > 0.0).ok_or_else(|| {
        format!(
            "{} ({}): no throughput (requests per second) could be computed",
            run.source, run.format
        )
    })?;
    let mut level = Level::new(
        run.source.clone(),
        LevelOrigin::Samples,
        concurrency,
        throughput,
    );
    if let Some(n) = summary.requests {
        level.set_counts(n, summary.errors);
    }
    level.duration_s = summary.duration_s;
    level.window_s = summary.duration_s.map(|d| [0.0, d]);
    level.mean_ms = summary.latency_ms.mean;
    if run.has_samples() {
        level.set_percentiles_from(&run.overall.hist, extra_quantiles);
        level.histogram = Some(run.overall.hist.clone());
    } else {
        level.origin = LevelOrigin::Tool;
        let l = summary.latency_ms;
        for (q, v) in [(0.5, l.p50), (0.9, l.p90), (0.95, l.p95), (0.99, l.p99)] {
            if let Some(v) = v {
                level.percentiles.insert(
                    quantile_key(q),
                    Percentile {
                        value_ms: v,
                        lower_ms: None,
                        upper_ms: None,
                    },
                );
            }
        }
        level.notes.push(
            "numbers as reported by the tool: no per-request samples, so no intervals".into(),
        );
    }
    if hold.is_none() && steady_concurrency(run).is_none() {
        level.notes.push(format!(
            "concurrency {concurrency} is the run's peak; no per-window readings"
        ));
    }
    level.update_think_time();
    Ok(level)
}
