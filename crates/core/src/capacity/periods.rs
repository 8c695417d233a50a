//! Load levels from a tool's own per-period aggregates (Artillery's 10 s
//! periods), on a req/s axis.
//!
//! Artillery's phases set an arrival rate; its report holds one aggregate per
//! 10 s wall-clock period, not per phase, and no phase boundaries. Each
//! period is placed at the rate Artillery sent requests in it (requests over
//! the part of the period the run was active). Its percentiles are
//! Artillery's own sketch estimates for that period: copied, never merged, and
//! without a sampling interval (there are no samples to compute one from).
//! Periods at one rate (a held phase) are repeats: the level takes their
//! median pXX, and the lowest and highest as its bounds, so how much the
//! repeats disagree widens the band. A period covering under half its width
//! (the run's first and last, partly) is left out as an edge.

use super::level::{ExcludedSpan, ExclusionReason, Level, LevelOrigin, LevelSet, LoadUnit, Repeat};
use super::plateau::same_rate;
use super::quantile_interval::Percentile;
use super::target::quantile_key;
use crate::run::Run;
use crate::summary::TimelinePoint;

/// A period must cover this share of its width to be a level.
const MIN_SHARE: f64 = 0.5;

struct Period<'a> {
    point: &'a TimelinePoint,
    start_s: f64,
    span_s: f64,
    rate: f64,
}

fn quantiles(p: &TimelinePoint) -> [(f64, Option<f64>); 3] {
    [(0.5, p.p50_ms), (0.95, p.p95_ms), (0.99, p.p99_ms)]
}

/// Levels from the tool's periods of `run`.
pub fn levels_from_periods(run: &Run, extra_quantiles: &[f64]) -> Result<LevelSet, String> {
    let tool = run
        .tool
        .as_ref()
        .ok_or_else(|| format!("{}: no per-period numbers in the report", run.source))?;
    let points = &tool.timeline.points;
    let width = tool.timeline.bucket_s;
    let end = tool
        .duration_s
        .or(points.last().map(|p| p.t_s + width))
        .unwrap_or(0.0);
    let mut set = LevelSet {
        load: LoadUnit::RequestsPerSecond,
        ..LevelSet::default()
    };
    let mut periods: Vec<Period> = Vec::new();
    for (i, p) in points.iter().enumerate() {
        let until = points.get(i + 1).map_or(end, |n| n.t_s).min(p.t_s + width);
        let span_s = until - p.t_s;
        if span_s < MIN_SHARE * width || p.requests == 0 {
            set.excluded.push(ExcludedSpan {
                source: run.source.clone(),
                start_s: p.t_s,
                end_s: until.max(p.t_s),
                requests: p.requests,
                concurrency: None,
                reason: ExclusionReason::Edge,
            });
            continue;
        }
        periods.push(Period {
            point: p,
            start_s: p.t_s,
            span_s,
            rate: p.requests as f64 / span_s,
        });
    }
    if periods.is_empty() {
        return Err(format!(
            "{} ({}): no period of at least {:.0} s with requests, so there is no level to place on a req/s axis",
            run.source,
            run.format,
            MIN_SHARE * width
        ));
    }
    let missing: Vec<String> = extra_quantiles
        .iter()
        .filter(|q| !quantiles(periods[0].point).iter().any(|(k, _)| k == *q))
        .map(|q| quantile_key(*q))
        .collect();
    if !missing.is_empty() {
        set.notes.push(format!(
            "{}: Artillery's periods in this report carry p50, p95 and p99 only, not {}",
            run.source,
            missing.join(", ")
        ));
    }
    // Group periods by the rate they held (not only neighbours: a phase can
    // come back), the first of a group setting its rate.
    periods.sort_by(|a, b| a.rate.total_cmp(&b.rate));
    let mut groups: Vec<Vec<&Period>> = Vec::new();
    for p in &periods {
        match groups.last_mut() {
            Some(g) if same_rate(g[0].rate, p.rate, width) => g.push(p),
            _ => groups.push(vec![p]),
        }
    }
    for g in groups {
        set.levels.push(level(run, &g));
    }
    set.notes.push(format!(
        "{}: {} Artillery period(s) of {width:.0} s read as {} level(s) on a req/s axis (requests sent per second in each period); percentiles are Artillery's own per-period estimates, without sampling intervals",
        run.source,
        periods.len(),
        set.levels.len()
    ));
    Ok(set)
}

fn level(run: &Run, g: &[&Period]) -> Level {
    let requests: u64 = g.iter().map(|p| p.point.requests).sum();
    let errors: u64 = g.iter().map(|p| p.point.errors).sum();
    let span: f64 = g.iter().map(|p| p.span_s).sum();
    let rate = requests as f64 / span;
    let mut by_time = g.to_vec();
    by_time.sort_by(|a, b| a.start_s.total_cmp(&b.start_s));
    let windows: Vec<String> = by_time
        .iter()
        .map(|p| format!("{:.0}–{:.0} s", p.start_s, p.start_s + p.span_s))
        .collect();
    let label = format!("{} @ {}", run.source, windows.join(", "));
    let mut level = Level::new(
        label,
        LevelOrigin::ToolPeriods,
        (rate * 10.0).round() / 10.0,
        rate,
    );
    level.set_counts(requests, Some(errors));
    level.duration_s = Some(span);
    if g.len() == 1 {
        level.window_s = Some([g[0].start_s, g[0].start_s + g[0].span_s]);
    }
    for (i, (q, _)) in quantiles(g[0].point).iter().enumerate() {
        let mut values: Vec<f64> = g.iter().filter_map(|p| quantiles(p.point)[i].1).collect();
        if values.len() < g.len() || values.is_empty() {
            continue;
        }
        values.sort_by(f64::total_cmp);
        // The median period's value (the higher of two), never an average of percentiles.
        let value_ms = values[values.len() / 2];
        let (lower_ms, upper_ms) = if values.len() >= 2 {
            (values.first().copied(), values.last().copied())
        } else {
            (None, None)
        };
        level.percentiles.insert(
            quantile_key(*q),
            Percentile {
                value_ms,
                lower_ms,
                upper_ms,
            },
        );
    }
    if g.len() >= 2 {
        // Repeats of one level, listed as runs at one load are: their spread
        // is shown, and it is between-run scatter.
        level.repeats = by_time
            .iter()
            .map(|p| Repeat {
                label: format!(
                    "{} @ {:.0}–{:.0} s",
                    run.source,
                    p.start_s,
                    p.start_s + p.span_s
                ),
                concurrency: (p.rate * 10.0).round() / 10.0,
                throughput: p.rate,
                requests: Some(p.point.requests),
                error_rate: (p.point.requests > 0)
                    .then(|| p.point.errors as f64 / p.point.requests as f64),
                mean_ms: None,
                percentiles: quantiles(p.point)
                    .iter()
                    .filter_map(|(q, v)| {
                        v.map(|v| {
                            (
                                quantile_key(*q),
                                Percentile {
                                    value_ms: v,
                                    lower_ms: None,
                                    upper_ms: None,
                                },
                            )
                        })
                    })
                    .collect(),
            })
            .collect();
    }
    level.notes.push(if g.len() >= 2 {
        format!(
            "{} periods at this rate: the percentiles are the median period's as Artillery reported it, and the bounds the lowest and highest period's (the spread of repeats, not a sampling interval)",
            g.len()
        )
    } else {
        "one period as Artillery reported it: no sampling interval".into()
    });
    level
}
