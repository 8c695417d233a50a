//! Cutting a staged run (k6 `ramping-vus` stages, JMeter thread groups,
//! Locust user steps) into steady plateaus, from its timeline (statistics.md §3.5).
//!
//! A hold is a stretch of timeline windows with one concurrency value (VUs,
//! threads, users). From each hold we drop the first window (the change may
//! land inside it), a warm-up, and the last window (the next change may start
//! inside it); what remains is one level. Everything dropped is reported.

use hdrhistogram::Histogram;

use super::level::{ExcludedSpan, ExclusionReason, Level, LevelOrigin, LevelSet, LoadUnit};
use crate::run::Run;
use crate::series::new_histogram;
use crate::time::Micros;
use crate::timeline::Bucket;

/// A hold must last this long (and 3 windows) to count as a plateau.
pub const MIN_HOLD_S: f64 = 10.0;
/// The automatic warm-up is a quarter of the hold, capped here.
pub const MAX_AUTO_WARMUP_S: f64 = 30.0;

/// How to cut plateaus.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct PlateauOptions {
    /// Seconds to drop after each change; `None`: a quarter of the hold,
    /// at least one window and at most [`MAX_AUTO_WARMUP_S`].
    pub warmup_s: Option<f64>,
    /// The load axis: `None` reads VUs, except for a tool whose load is
    /// always an arrival rate (Artillery); `Some(RequestsPerSecond)` cuts
    /// runs by the request rate they held (k6 arrival-rate executors, whose
    /// rate the NDJSON output does not record).
    pub load: Option<LoadUnit>,
}

/// A run of windows `first..=last` at one concurrency.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Segment {
    pub first: usize,
    pub last: usize,
    pub concurrency: Option<f64>,
}

impl Segment {
    fn len(&self) -> usize {
        self.last + 1 - self.first
    }
}

/// Whether two readings belong to the same hold: JMeter's and Locust's
/// counts wobble by a thread or two while a level holds.
fn same_level(a: f64, b: f64) -> bool {
    (a - b).abs() <= (0.01 * a.abs().max(b.abs())).max(0.5)
}

/// Per-window concurrency, with gaps inside a hold filled: a reading
/// sampled every second can miss a one-second window by jitter alone.
fn fill_gaps(raw: &[Option<f64>]) -> Vec<Option<f64>> {
    let mut out = raw.to_vec();
    let mut i = 0;
    while i < out.len() {
        if out[i].is_none() {
            let prev = if i > 0 { out[i - 1] } else { None };
            let next_idx = (i..out.len()).find(|&j| out[j].is_some());
            if let (Some(p), Some(j)) = (prev, next_idx) {
                if out[j].is_some_and(|n| same_level(p, n)) {
                    for v in &mut out[i..j] {
                        *v = Some(p);
                    }
                }
                i = j;
                continue;
            }
        }
        i += 1;
    }
    out
}

/// Whether a per-window rate belongs to a held rate `a`: completions land in
/// a window by their latency, and a loaded generator starts iterations a
/// little late, so counts wobble by several percent around a held rate.
pub fn same_rate(a: f64, b: f64, width_s: f64) -> bool {
    (a - b).abs() <= (0.1 * a.abs().max(b.abs())).max(2.5 / width_s)
}

/// Segments of held rates: each window is judged against the mean of the
/// segment so far, so one late second does not split a hold.
fn rate_segments(raw: &[Option<f64>], width_s: f64) -> Vec<Segment> {
    let mut out: Vec<Segment> = Vec::new();
    let mut sum = 0.0;
    for (i, r) in raw.iter().enumerate() {
        if let Some(seg) = out.last_mut() {
            let n = (seg.last + 1 - seg.first) as f64;
            let same = match (seg.concurrency, r) {
                (Some(_), Some(b)) => same_rate(sum / n, *b, width_s),
                (None, None) => true,
                _ => false,
            };
            if same {
                seg.last = i;
                sum += r.unwrap_or(0.0);
                seg.concurrency = r.map(|_| sum / (n + 1.0));
                continue;
            }
        }
        sum = r.unwrap_or(0.0);
        out.push(Segment {
            first: i,
            last: i,
            concurrency: *r,
        });
    }
    out
}

/// Splits per-window concurrency into segments of one level each.
pub fn segments(raw: &[Option<f64>]) -> Vec<Segment> {
    let filled = fill_gaps(raw);
    let mut out: Vec<Segment> = Vec::new();
    for (i, c) in filled.iter().enumerate() {
        if let Some(seg) = out.last_mut() {
            let same = match (seg.concurrency, c) {
                (Some(a), Some(b)) => same_level(a, *b),
                (None, None) => true,
                _ => false,
            };
            if same {
                seg.last = i;
                continue;
            }
        }
        out.push(Segment {
            first: i,
            last: i,
            concurrency: *c,
        });
    }
    out
}

fn is_hold(seg: &Segment, width_s: f64) -> bool {
    seg.concurrency.is_some_and(|c| c > 0.0)
        && seg.len() >= 3
        && seg.len() as f64 * width_s >= MIN_HOLD_S
}

/// Holds found in a run's timeline.
#[allow(dead_code)] // Not called by the crate at present.
pub fn holds(run: &Run) -> Vec<Segment> {
    holds_of(run, LoadUnit::Vus)
}

/// Per-window load readings: concurrency, or the offered rate: iterations
/// started and dropped per second where the file records them (a k6
/// arrival-rate schedule), else requests per second.
fn readings(run: &Run, load: LoadUnit) -> Vec<Option<f64>> {
    let width_us = run.timeline.width_us();
    let width_s = width_us as f64 / 1e6;
    let origin = run.timeline.origin_us();
    run.timeline
        .buckets()
        .enumerate()
        .map(|(i, b)| match load {
            LoadUnit::Vus => b.concurrency,
            LoadUnit::RequestsPerSecond if width_s <= 0.0 => None,
            LoadUnit::RequestsPerSecond if !run.arrivals.is_empty() => {
                let from = origin + i as i64 * width_us;
                let (started, dropped) = run.arrivals.between(from, from + width_us);
                (started + dropped > 0).then(|| (started + dropped) as f64 / width_s)
            }
            LoadUnit::RequestsPerSecond => (b.requests > 0).then(|| b.requests as f64 / width_s),
        })
        .collect()
}

/// The offered request rate of windows `[from_us, to_us)` that completed
/// `throughput` requests per second: iterations the executor dropped were
/// offered too, at the requests per iteration the started ones made.
pub fn offered_rate(run: &Run, from_us: Micros, to_us: Micros, throughput: f64) -> (f64, u64) {
    let (started, dropped) = run.arrivals.between(from_us, to_us);
    if started == 0 {
        return (throughput, dropped);
    }
    (
        throughput * (started + dropped) as f64 / started as f64,
        dropped,
    )
}

pub fn segments_of(run: &Run, load: LoadUnit) -> Vec<Segment> {
    let width_s = run.timeline.width_us() as f64 / 1e6;
    let raw = readings(run, load);
    match load {
        LoadUnit::Vus => segments(&raw),
        LoadUnit::RequestsPerSecond => rate_segments(&raw, width_s),
    }
}

/// Holds of one load reading (VUs, or a request rate) in a run's timeline.
pub fn holds_of(run: &Run, load: LoadUnit) -> Vec<Segment> {
    let width_s = run.timeline.width_us() as f64 / 1e6;
    segments_of(run, load)
        .into_iter()
        .filter(|s| is_hold(s, width_s))
        .collect()
}

struct Windows<'a> {
    run: &'a Run,
    buckets: Vec<&'a Bucket>,
    width_s: f64,
    origin_s: f64,
}

impl Windows<'_> {
    fn start_s(&self, i: usize) -> f64 {
        self.origin_s + i as f64 * self.width_s
    }

    fn span(
        &self,
        first: usize,
        last: usize,
        concurrency: Option<f64>,
        reason: ExclusionReason,
    ) -> ExcludedSpan {
        ExcludedSpan {
            source: self.run.source.clone(),
            start_s: self.start_s(first),
            end_s: self.start_s(last + 1),
            requests: self.buckets[first..=last].iter().map(|b| b.requests).sum(),
            concurrency,
            reason,
        }
    }

    /// The most common reading in windows `first..=last` (ties: the larger):
    /// a hold's first window may still show the last step of the ramp.
    fn mode(&self, first: usize, last: usize) -> Option<f64> {
        most_common(
            self.buckets[first..=last]
                .iter()
                .filter_map(|b| b.concurrency),
        )
    }

    fn level(
        &self,
        first: usize,
        last: usize,
        concurrency: f64,
        load: LoadUnit,
        extra_quantiles: &[f64],
    ) -> Level {
        let mut h: Histogram<u64> = new_histogram();
        let (mut requests, mut errors) = (0u64, 0u64);
        for b in &self.buckets[first..=last] {
            requests += b.requests;
            errors += b.errors;
            for v in b.hist.iter_recorded() {
                // Same precision on both sides: the value lands in the same bucket.
                let _ = h.record_n(v.value_iterated_to(), v.count_at_value() as u64);
            }
        }
        let duration = (last + 1 - first) as f64 * self.width_s;
        let (start, end) = (self.start_s(first), self.start_s(last + 1));
        let label = format!("{} @ {start:.0}–{end:.0} s", self.run.source);
        let throughput = requests as f64 / duration;
        // An open-model level sits at the rate offered over the kept windows.
        let width_us = self.run.timeline.width_us();
        let from_us = self.run.timeline.origin_us() + first as i64 * width_us;
        let to_us = self.run.timeline.origin_us() + (last as i64 + 1) * width_us;
        let (offered, dropped) = offered_rate(self.run, from_us, to_us, throughput);
        let x = match load {
            LoadUnit::Vus => concurrency,
            LoadUnit::RequestsPerSecond => (offered * 10.0).round() / 10.0,
        };
        let mut level = Level::new(label, LevelOrigin::Samples, x, throughput);
        if load.is_open() && dropped > 0 {
            level.notes.push(format!(
                "the executor dropped {dropped} iterations here (no free VU to start them): the offered rate counts them"
            ));
        }
        level.set_counts(requests, Some(errors));
        level.set_percentiles_from(&h, extra_quantiles);
        level.mean_ms = (!h.is_empty()).then(|| h.mean() / 1000.0);
        level.histogram = Some(h);
        if load.is_open() && !self.run.arrivals.is_empty() {
            level.dropped = Some(dropped);
            level.iterations = Some(self.run.arrivals.between(from_us, to_us).0);
        }
        level.duration_s = Some(duration);
        level.window_s = Some([start, end]);
        level.update_think_time();
        level
    }
}

/// Cuts a run into plateau levels; ramps, warm-ups and edges go to `excluded`.
#[allow(dead_code)] // Not called by the crate at present.
pub fn cut_plateaus(run: &Run, options: &PlateauOptions, extra_quantiles: &[f64]) -> LevelSet {
    cut_plateaus_by(run, options, extra_quantiles, LoadUnit::Vus)
}

/// Cuts a run into plateaus of one load reading (VUs, or a held request rate).
pub fn cut_plateaus_by(
    run: &Run,
    options: &PlateauOptions,
    extra_quantiles: &[f64],
    load: LoadUnit,
) -> LevelSet {
    let width_s = run.timeline.width_us() as f64 / 1e6;
    let origin = run.timeline.origin_us();
    let start = run.first_activity_us.unwrap_or(origin);
    let w = Windows {
        run,
        buckets: run.timeline.buckets().collect(),
        width_s,
        origin_s: (origin - start) as f64 / 1e6,
    };
    let mut set = LevelSet {
        load,
        ..LevelSet::default()
    };
    let push_excluded = |span: ExcludedSpan, set: &mut LevelSet| {
        // Consecutive ramp windows read as one ramp.
        if let Some(last) = set.excluded.last_mut() {
            if last.reason == span.reason
                && span.reason == ExclusionReason::Ramp
                && last.end_s == span.start_s
            {
                last.end_s = span.end_s;
                last.requests += span.requests;
                last.concurrency = None;
                return;
            }
        }
        set.excluded.push(span);
    };
    let mut warmups: Vec<f64> = Vec::new();
    for seg in segments_of(run, load) {
        let Some(c) = seg
            .concurrency
            .filter(|_| is_hold(&seg, width_s))
            .map(|c| match load {
                LoadUnit::Vus => w.mode(seg.first, seg.last).unwrap_or(c),
                LoadUnit::RequestsPerSecond => c,
            })
        else {
            let reason = if seg.concurrency.is_some() {
                ExclusionReason::Ramp
            } else {
                ExclusionReason::NoConcurrency
            };
            push_excluded(
                w.span(seg.first, seg.last, seg.concurrency, reason),
                &mut set,
            );
            continue;
        };
        let hold_s = seg.len() as f64 * width_s;
        let warmup_s = options
            .warmup_s
            .unwrap_or((hold_s / 4.0).clamp(width_s, MAX_AUTO_WARMUP_S));
        let warm = (warmup_s / width_s - 1e-9).ceil().max(0.0) as usize;
        let keep_first = seg.first + 1 + warm;
        let keep_last = seg.last - 1;
        push_excluded(
            w.span(seg.first, seg.first, Some(c), ExclusionReason::Edge),
            &mut set,
        );
        if keep_first > keep_last {
            push_excluded(
                w.span(seg.first + 1, keep_last, Some(c), ExclusionReason::WarmUp),
                &mut set,
            );
            set.notes.push(format!(
                "{}: the hold at {c} for {hold_s:.0} s is too short to keep anything after a {warmup_s:.0} s warm-up",
                run.source
            ));
        } else {
            if warm > 0 {
                push_excluded(
                    w.span(
                        seg.first + 1,
                        keep_first - 1,
                        Some(c),
                        ExclusionReason::WarmUp,
                    ),
                    &mut set,
                );
            }
            set.levels
                .push(w.level(keep_first, keep_last, c, load, extra_quantiles));
            warmups.push(warm as f64 * width_s);
        }
        push_excluded(
            w.span(seg.last, seg.last, Some(c), ExclusionReason::Edge),
            &mut set,
        );
    }
    if !set.levels.is_empty() {
        let (lo, hi) = warmups
            .iter()
            .fold((f64::INFINITY, 0.0f64), |(a, b), w| (a.min(*w), b.max(*w)));
        let span = if hi - lo < 0.5 {
            format!("{lo:.0} s")
        } else {
            format!("{lo:.0}–{hi:.0} s")
        };
        set.notes.push(format!(
            "{}: each plateau drops its first window, a {span} warm-up and its last window; plateau means come from the histogram (within 0.1%)",
            run.source
        ));
    }
    set
}

/// The most common of `values` (ties: the larger); `None` for none.
pub(super) fn most_common(values: impl Iterator<Item = f64>) -> Option<f64> {
    let mut counts: Vec<(f64, usize)> = Vec::new();
    for c in values {
        match counts.iter_mut().find(|(v, _)| *v == c) {
            Some((_, n)) => *n += 1,
            None => counts.push((c, 1)),
        }
    }
    counts
        .into_iter()
        .max_by(|a, b| a.1.cmp(&b.1).then(a.0.total_cmp(&b.0)))
        .map(|(v, _)| v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_fill_jitter_gaps_but_not_edges() {
        let raw = [
            None,
            Some(5.0),
            Some(5.0),
            None,
            Some(5.0),
            Some(7.0),
            Some(10.0),
            Some(10.0),
            None,
        ];
        let s = segments(&raw);
        let spans: Vec<(usize, usize, Option<f64>)> =
            s.iter().map(|s| (s.first, s.last, s.concurrency)).collect();
        assert_eq!(
            spans,
            vec![
                (0, 0, None),
                (1, 4, Some(5.0)),
                (5, 5, Some(7.0)),
                (6, 7, Some(10.0)),
                (8, 8, None)
            ]
        );
    }

    #[test]
    fn wobbling_thread_counts_stay_one_level() {
        let raw = [
            Some(100.0),
            Some(99.0),
            Some(101.0),
            Some(100.0),
            Some(150.0),
        ];
        assert_eq!(segments(&raw).len(), 2);
    }
}
