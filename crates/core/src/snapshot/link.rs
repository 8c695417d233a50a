//! Share links short enough for a chat message: what the shared page shows,
//! at the precision it shows, and nothing it does not use.
//!
//! A link (format 2) holds each run's summary only: every count and every
//! percentile in it is the analysis's own, to the microsecond. It leaves out
//! the latency histograms (a shared page reads the percentiles the summary
//! already carries), and keeps
//! everything else as analysed, when that fits [`LINK_BUDGET`]. When it does
//! not, it reduces, in this order, until it fits:
//! - the percentile distribution to 2 points per halving of 1 − p (the
//!   analysis has 4), each point kept exact;
//! - the timeline into wider windows (2, 4, 8… of the run's own, merged
//!   exactly: requests and errors added, p50/p95/p99 from the windows'
//!   histograms added together, the largest concurrency), down to
//!   [`MIN_LINK_WINDOWS`] windows.
//!
//! Error rates and request rates of a sample-based run are left out and
//! recomputed on reading from the counts and duration, as the analysis
//! computed them ([`restore_rates`]). Arrays of like objects are written as tables ([`super::wire`], tag 10).
//! A link that exceeds the budget at every step is made as analysed, with
//! nothing given up (browsers take about 2 MB); [`Link::within_budget`]
//! says so, for the caller to warn or offer a file.

use hdrhistogram::Histogram;

use crate::series::{new_histogram, percentile_ms};
use crate::summary::{ReportedBy, RunSummary, TimelinePoint, TimelineSummary};

/// The longest link aimed for, in characters: what chat tools and mail
/// clients pass whole.
pub const LINK_BUDGET: usize = 8_000;
/// The fewest timeline windows a run is merged down to.
pub const MIN_LINK_WINDOWS: usize = 16;

/// A share link and what it holds.
#[derive(Debug, Clone, PartialEq)]
pub struct Link {
    /// The link's text: the prefix, the version and the encoded snapshot.
    pub text: String,
    /// Whether sample runs' distributions keep every other point only.
    pub thinned_distributions: bool,
    /// The most timeline windows any run keeps.
    pub timeline_windows: usize,
    /// Runs whose timeline was merged into wider windows.
    pub merged_timelines: usize,
    /// Whether the text fits [`LINK_BUDGET`].
    pub within_budget: bool,
}

/// How far a link reduces its runs: the first step that fits is used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Reduction {
    /// At most this many timeline windows per run.
    pub windows: usize,
    /// Every other point of a sample run's distribution.
    pub thin_distribution: bool,
}

/// The steps tried, least reduced first: everything as analysed, then the
/// distribution thinned, then the timelines halved down to
/// [`MIN_LINK_WINDOWS`].
pub(super) fn steps(longest_timeline: usize) -> Vec<Reduction> {
    let mut out = vec![Reduction {
        windows: longest_timeline.max(1),
        thin_distribution: false,
    }];
    let mut w = longest_timeline.max(1);
    out.push(Reduction {
        windows: w,
        thin_distribution: true,
    });
    while w > MIN_LINK_WINDOWS {
        w = (w / 2).max(MIN_LINK_WINDOWS);
        out.push(Reduction {
            windows: w,
            thin_distribution: true,
        });
    }
    out
}

/// One non-empty timeline window: its requests, errors and latencies.
pub(super) type Window<'a> = (u64, u64, &'a Histogram<u64>);

/// A run's summary as a link holds it, reduced by `how`; `windows` are the
/// run's non-empty timeline windows, oldest first.
pub(super) fn reduced(run: &RunSummary, windows: &[Window<'_>], how: Reduction) -> RunSummary {
    let blocks = windows;
    let windows = how.windows;
    let mut summary = run.clone();
    if summary.reported_by == ReportedBy::Samples && how.thin_distribution {
        summary.distribution = thinned(&summary.distribution);
    }
    if summary.reported_by == ReportedBy::Samples {
        // Quotients of numbers the link keeps: recomputed, to the bit, on reading.
        summary.error_rate = None;
        summary.rps = None;
        for e in &mut summary.endpoints {
            e.error_rate = None;
            e.rps = None;
        }
    }
    if let Some(coarse) = coarser(&summary.timeline, blocks, windows, &summary) {
        summary.timeline = coarse;
    }
    summary
}

/// Every other point of the distribution, first and last kept: the
/// analysis's ticks at 4 per halving become 2.
fn thinned<T: Clone>(points: &[T]) -> Vec<T> {
    let last = points.len().saturating_sub(1);
    points
        .iter()
        .enumerate()
        .filter(|(i, _)| i % 2 == 0 || *i == last)
        .map(|(_, p)| p.clone())
        .collect()
}

/// The timeline in windows `k` times as wide (`k` a power of two), when it
/// has more than `windows` points and the run's time blocks allow merging
/// its percentiles exactly; `None` keeps it as it is.
fn coarser(
    t: &TimelineSummary,
    blocks: &[Window<'_>],
    windows: usize,
    summary: &RunSummary,
) -> Option<TimelineSummary> {
    if t.points.len() <= windows || windows == 0 {
        return None;
    }
    // The blocks are the non-empty windows, in order: pair them up.
    let busy: Vec<&TimelinePoint> = t.points.iter().filter(|p| p.requests > 0).collect();
    if busy.len() != blocks.len()
        || busy
            .iter()
            .zip(blocks)
            .any(|(p, (requests, errors, _))| p.requests != *requests || p.errors != *errors)
    {
        return None;
    }
    let mut k = 2usize;
    while t.points.len().div_ceil(k) > windows {
        k *= 2;
    }
    let (min, max) = (
        summary.latency_ms.min.unwrap_or(f64::NAN),
        summary.latency_ms.max.unwrap_or(f64::NAN),
    );
    let mut blocks = blocks.iter();
    let points = t
        .points
        .chunks(k)
        .map(|group| {
            let mut hist: Histogram<u64> = new_histogram();
            let mut point = TimelinePoint {
                t_s: group[0].t_s,
                requests: 0,
                errors: 0,
                p50_ms: None,
                p95_ms: None,
                p99_ms: None,
                concurrency: None,
            };
            for p in group {
                point.requests += p.requests;
                point.errors += p.errors;
                point.concurrency = match (point.concurrency, p.concurrency) {
                    (Some(a), Some(b)) => Some(a.max(b)),
                    (a, b) => a.or(b),
                };
                if p.requests > 0 {
                    if let Some((_, _, latencies)) = blocks.next() {
                        // Same bucket layout: adding cannot fail.
                        let _ = hist.add(*latencies);
                    }
                }
            }
            point.p50_ms = percentile_ms(&hist, 0.50, min, max);
            point.p95_ms = percentile_ms(&hist, 0.95, min, max);
            point.p99_ms = percentile_ms(&hist, 0.99, min, max);
            point
        })
        .collect();
    Some(TimelineSummary {
        bucket_s: t.bucket_s * k as f64,
        points,
    })
}

/// Puts back the rates a link leaves out of a sample-based run: errors over
/// requests, requests over the run's duration, as [`crate::Run::summary`]
/// computes them.
pub(super) fn restore_rates(s: &mut RunSummary) {
    if s.reported_by != ReportedBy::Samples {
        return;
    }
    let duration = s.duration_s;
    let rate = |errors: Option<u64>, requests: Option<u64>| match (errors, requests) {
        (Some(e), Some(n)) if n > 0 => Some(e as f64 / n as f64),
        _ => None,
    };
    let per_s = |n: Option<u64>| n.and_then(|n| duration.map(|d| n as f64 / d));
    s.error_rate = rate(s.errors, s.requests);
    s.rps = per_s(s.requests);
    for e in &mut s.endpoints {
        e.error_rate = rate(e.errors, e.requests);
        e.rps = per_s(e.requests);
    }
}
