//! Timelines a tool reported itself (Artillery's 10 s periods, Locust's
//! history rows): counts per window, and the tool's own percentiles of that
//! window, which are copied and never recomputed.
//!
//! A very long run is kept bounded like [`crate::timeline`] does: neighbouring
//! windows fold together, counts add up and concurrency keeps its maximum.
//! Two windows' percentiles cannot be combined, so a folded window keeps the
//! later window's value only where the tool's percentile is itself a rolling
//! value at that instant (Locust), and has none otherwise (Artillery).

use crate::summary::{TimelinePoint, TimelineSummary};
use crate::time::Micros;

/// The most points a tool-reported timeline keeps before folding windows.
pub const MAX_TOOL_POINTS: usize = 1024;

/// One window as the tool reported it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ToolWindow {
    /// Window start (µs since the epoch).
    pub start_us: Micros,
    pub requests: u64,
    pub errors: u64,
    pub p50_ms: Option<f64>,
    pub p95_ms: Option<f64>,
    pub p99_ms: Option<f64>,
    pub concurrency: Option<f64>,
}

/// What folding does to the tool's per-window percentiles.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OnFold {
    /// Keep the later window's values (a rolling percentile sampled at its end).
    KeepLater,
    /// Drop them (a percentile of one window says nothing about two).
    Drop,
}

fn fold(a: &ToolWindow, b: &ToolWindow, on_fold: OnFold) -> ToolWindow {
    let keep = |x: Option<f64>| {
        if on_fold == OnFold::KeepLater {
            x
        } else {
            None
        }
    };
    ToolWindow {
        start_us: a.start_us,
        requests: a.requests + b.requests,
        errors: a.errors + b.errors,
        p50_ms: keep(b.p50_ms),
        p95_ms: keep(b.p95_ms),
        p99_ms: keep(b.p99_ms),
        concurrency: match (a.concurrency, b.concurrency) {
            (Some(x), Some(y)) => Some(x.max(y)),
            (x, y) => x.or(y),
        },
    }
}

/// Builds the summary timeline: windows sorted by start, `t_s` relative to
/// `run_start_us` (never negative: a first window that began before the run
/// is shown from the run start). Returns a note when windows were folded.
pub fn summarize(
    mut windows: Vec<ToolWindow>,
    run_start_us: Micros,
    width_s: f64,
    on_fold: OnFold,
) -> (TimelineSummary, Option<String>) {
    windows.sort_by_key(|w| w.start_us);
    let mut width = width_s;
    let mut note = None;
    while windows.len() > MAX_TOOL_POINTS {
        windows = windows
            .chunks(2)
            .map(|pair| match pair {
                [a, b] => fold(a, b, on_fold),
                [a] => a.clone(),
                _ => ToolWindow::default(),
            })
            .collect();
        width *= 2.0;
        note = Some(format!(
            "the tool's timeline has more than {MAX_TOOL_POINTS} windows; neighbours were folded into {width} s windows{}",
            match on_fold {
                OnFold::KeepLater => " (percentiles are the tool's rolling values at each window's end)",
                OnFold::Drop => " (their per-window percentiles cannot be combined and are left out)",
            }
        ));
    }
    let points = windows
        .into_iter()
        .map(|w| TimelinePoint {
            t_s: (w.start_us.max(run_start_us) - run_start_us) as f64 / 1e6,
            requests: w.requests,
            errors: w.errors,
            p50_ms: w.p50_ms,
            p95_ms: w.p95_ms,
            p99_ms: w.p99_ms,
            concurrency: w.concurrency,
        })
        .collect();
    (
        TimelineSummary {
            bucket_s: width,
            points,
        },
        note,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn window(i: i64) -> ToolWindow {
        ToolWindow {
            start_us: i * 10_000_000,
            requests: 3,
            errors: 1,
            p95_ms: Some(i as f64),
            concurrency: Some((i % 7) as f64),
            ..ToolWindow::default()
        }
    }

    #[test]
    fn short_timelines_are_copied() {
        let (t, note) = summarize(vec![window(2), window(1)], 15_000_000, 10.0, OnFold::Drop);
        assert!(note.is_none());
        assert_eq!(t.bucket_s, 10.0);
        assert_eq!(t.points[0].t_s, 0.0);
        assert_eq!(t.points[1].t_s, 5.0);
        assert_eq!(t.points[1].p95_ms, Some(2.0));
    }

    #[test]
    fn long_timelines_fold_and_keep_every_count() {
        let n = 3000;
        let windows: Vec<ToolWindow> = (0..n).map(window).collect();
        let (t, note) = summarize(windows.clone(), 0, 10.0, OnFold::Drop);
        assert!(t.points.len() <= MAX_TOOL_POINTS);
        assert!(note.is_some());
        assert_eq!(
            t.points.iter().map(|p| p.requests).sum::<u64>(),
            3 * n as u64
        );
        assert!(t.points.iter().all(|p| p.p95_ms.is_none()));
        assert_eq!(
            t.points
                .iter()
                .filter_map(|p| p.concurrency)
                .fold(0.0, f64::max),
            6.0
        );
        let (kept, _) = summarize(windows, 0, 10.0, OnFold::KeepLater);
        assert_eq!(
            kept.points.last().and_then(|p| p.p95_ms),
            Some((n - 1) as f64)
        );
    }
}
