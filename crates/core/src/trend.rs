//! Runs of one service over time (nightly builds, releases): each run's
//! headline numbers per endpoint, and each step from one run to the next
//! tested exactly as `compare` tests two runs.
//!
//! Method:
//! - **Order.** Runs are put in start-time order, or by a label
//!   (`verdict save --label build=412`; numeric when every value is a
//!   number), or kept in the order given. A run without a start time keeps
//!   the given order for all, with a note: a guessed order would invent steps.
//! - **Numbers.** Each run's p50/p95/p99, error rate and req/s are the ones
//!   `summary` shows for it (nearest rank off the run's own histogram,
//!   clamped to its exact min and max); nothing is averaged across runs.
//! - **Steps.** Run *i* against run *i + 1* goes through
//!   [`crate::compare::compare`] with the same options: the same tests, the
//!   same Holm (or Benjamini–Hochberg) family per step, the same verdict
//!   rules, so a trend step and `verdict compare A B` never disagree.
//!   Throughput is shown, not tested (it follows the load a test applied).
//!   A step between runs at different load is flagged, as compare flags it.
//!
//! Example: five k6 runs at 10, 25, 50, 100 and 200 VUs, given in any order,
//! come back in start order; the step 100 → 200 VUs shows p50 19.5 → 138 ms
//! with a `regression` verdict (and "not like for like": the load doubled).

use std::cmp::Ordering;

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::compare::{compare, CompareError, CompareOptions, Comparison, Interval, Verdict};
use crate::export::OVERALL;
use crate::run::Run;
use crate::summary::{LatencyMs, RunSummary};

/// How the runs are put in order.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "by", content = "label")]
pub enum TrendOrder {
    /// By each run's start time (the default).
    #[default]
    Start,
    /// By the value of this label.
    Label(String),
    /// As given.
    Given,
}

/// Why a trend cannot be drawn.
#[derive(Debug, Error, Clone, PartialEq)]
#[non_exhaustive]
pub enum TrendError {
    /// Fewer than two runs.
    #[error("a trend needs at least two runs ({given} given)")]
    TooFewRuns {
        /// How many runs were given.
        given: usize,
    },
    /// A run lacks the label the trend is ordered by.
    #[error("{source_name} has no label '{label}' to order by (verdict save --label {label}=VALUE sets it)")]
    MissingLabel {
        /// The run without the label.
        source_name: String,
        /// The label asked for.
        label: String,
    },
    /// Two neighbouring runs could not be compared.
    #[error("step {from} → {to}: {error}")]
    Step {
        /// Index of the earlier run.
        from: usize,
        /// Index of the later run.
        to: usize,
        /// Why the two runs could not be compared.
        error: CompareError,
    },
}

/// One endpoint (or [`OVERALL`]) in one run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrendRow {
    /// The endpoint's name, or [`OVERALL`].
    pub endpoint: String,
    /// Requests.
    pub requests: Option<u64>,
    /// Failed requests as a fraction of requests (0 to 1).
    pub error_rate: Option<f64>,
    /// Requests per second.
    pub rps: Option<f64>,
    /// Median latency in milliseconds.
    pub p50_ms: Option<f64>,
    /// 95th percentile latency in milliseconds.
    pub p95_ms: Option<f64>,
    /// 99th percentile latency in milliseconds.
    pub p99_ms: Option<f64>,
}

impl TrendRow {
    fn new(
        endpoint: &str,
        requests: Option<u64>,
        error_rate: Option<f64>,
        rps: Option<f64>,
        l: &LatencyMs,
    ) -> TrendRow {
        TrendRow {
            endpoint: endpoint.into(),
            requests,
            error_rate,
            rps,
            p50_ms: l.p50,
            p95_ms: l.p95,
            p99_ms: l.p99,
        }
    }

    /// The value of a tested statistic (`p50`, `p95`, `p99`, `error_rate`).
    pub fn value(&self, statistic: &str) -> Option<f64> {
        match statistic {
            "p50" => self.p50_ms,
            "p95" => self.p95_ms,
            "p99" => self.p99_ms,
            "error_rate" => self.error_rate,
            _ => None,
        }
    }
}

/// One run of the trend.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrendRun {
    /// The file the run was read from.
    pub source: String,
    /// RFC 3339 start, when the run has one.
    pub start: Option<String>,
    /// The value of the ordering label, when ordered by one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// The most virtual users or connections at once.
    pub peak_concurrency: Option<f64>,
    /// [`OVERALL`] first, then each endpoint as `summary` names it.
    pub rows: Vec<TrendRow>,
}

/// One statistic of one endpoint from run `from` to run `to` (indices into `runs`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrendChange {
    /// Index of the earlier run in `runs`.
    pub from: usize,
    /// Index of the later run in `runs`.
    pub to: usize,
    /// The endpoint's name, or [`OVERALL`].
    pub endpoint: String,
    /// `p50`, `p95`, `p99` (ms) or `error_rate` (a proportion).
    pub statistic: String,
    /// What the change means: regression, improvement, equivalent, ….
    pub verdict: Verdict,
    /// The values shown in `runs` for the two runs.
    pub before: Option<f64>,
    /// See `before`.
    pub after: Option<f64>,
    /// after / before − 1.
    pub relative: Option<f64>,
    /// Percentiles: interval of after/before; error rate: of after − before
    /// (as compare states them, at level 1 − alpha).
    pub interval: Option<Interval>,
    /// The test's p-value after the multiplicity adjustment.
    pub p_adjusted: Option<f64>,
}

/// Run `from` to run `to` as a whole.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrendStep {
    /// Index of the earlier run in `runs`.
    pub from: usize,
    /// Index of the later run in `runs`.
    pub to: usize,
    /// The worst verdict of the step.
    pub verdict: Verdict,
    /// Statistics of the step judged a regression.
    pub regressions: usize,
    /// Statistics of the step judged an improvement.
    pub improvements: usize,
    /// False when the runs ran at different load: not like for like.
    pub same_load: bool,
}

/// Runs in order, each step tested.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Trend {
    /// How the runs were ordered.
    pub order: TrendOrder,
    /// The runs, in order.
    pub runs: Vec<TrendRun>,
    /// Each step from one run to the next.
    pub steps: Vec<TrendStep>,
    /// Each tested statistic of each endpoint at each step.
    pub changes: Vec<TrendChange>,
    /// Statistics judged a regression, over all steps.
    pub regressions: usize,
    /// Things worth saying about the trend.
    pub notes: Vec<String>,
}

/// Orders `runs`, tests each step, and returns the trend.
pub fn trend(
    runs: &[Run],
    order: &TrendOrder,
    options: &CompareOptions,
) -> Result<Trend, TrendError> {
    if runs.len() < 2 {
        return Err(TrendError::TooFewRuns { given: runs.len() });
    }
    let mut notes = Vec::new();
    let (order, ranked) = rank(runs, order, &mut notes)?;
    let ordered: Vec<&Run> = ranked.iter().map(|&i| &runs[i]).collect();
    let label = |r: &Run| match &order {
        TrendOrder::Label(key) => r.meta.labels.get(key).cloned(),
        _ => None,
    };
    let trend_runs: Vec<TrendRun> = ordered.iter().map(|r| trend_run(r, label(r))).collect();
    let mut steps = Vec::new();
    let mut changes = Vec::new();
    for (from, pair) in ordered.windows(2).enumerate() {
        let to = from + 1;
        let c = compare(pair[0], pair[1], options).map_err(|error| TrendError::Step {
            from,
            to,
            error,
        })?;
        changes.extend(step_changes(&c, from, to, &trend_runs));
        steps.push(TrendStep {
            from,
            to,
            verdict: c.rows_verdict,
            regressions: c.regressions,
            improvements: c.improvements,
            same_load: c.load.same_load,
        });
    }
    if steps.iter().any(|s| !s.same_load) {
        notes.push("some steps compare runs at different load (marked): a change there may be the load's, not the build's".into());
    }
    notes.push("each step is tested as `verdict compare` tests two runs; multiple-testing adjustment is per step".into());
    Ok(Trend {
        order,
        runs: trend_runs,
        regressions: steps.iter().map(|s| s.regressions).sum(),
        steps,
        changes,
        notes,
    })
}

/// The order actually used and the runs' indices in it.
fn rank(
    runs: &[Run],
    order: &TrendOrder,
    notes: &mut Vec<String>,
) -> Result<(TrendOrder, Vec<usize>), TrendError> {
    let mut index: Vec<usize> = (0..runs.len()).collect();
    match order {
        TrendOrder::Given => Ok((TrendOrder::Given, index)),
        TrendOrder::Start => {
            if let Some(r) = runs.iter().find(|r| r.first_activity_us.is_none()) {
                notes.push(format!(
                    "{} has no start time: runs are kept in the order given",
                    r.source
                ));
                return Ok((TrendOrder::Given, index));
            }
            // Stable: runs that started together keep the order given.
            index.sort_by_key(|&i| runs[i].first_activity_us);
            Ok((TrendOrder::Start, index))
        }
        TrendOrder::Label(key) => {
            let mut values = Vec::with_capacity(runs.len());
            for r in runs {
                match r.meta.labels.get(key) {
                    Some(v) => values.push(v.as_str()),
                    None => {
                        return Err(TrendError::MissingLabel {
                            source_name: r.source.clone(),
                            label: key.clone(),
                        })
                    }
                }
            }
            let numbers: Option<Vec<f64>> = values
                .iter()
                .map(|v| v.trim().parse::<f64>().ok().filter(|x| x.is_finite()))
                .collect();
            match numbers {
                Some(n) => {
                    index.sort_by(|&a, &b| n[a].partial_cmp(&n[b]).unwrap_or(Ordering::Equal))
                }
                None => index.sort_by(|&a, &b| values[a].cmp(values[b])),
            }
            Ok((order.clone(), index))
        }
    }
}

fn trend_run(r: &Run, label: Option<String>) -> TrendRun {
    let s: RunSummary = r.summary();
    let mut rows = vec![TrendRow::new(
        OVERALL,
        s.requests,
        s.error_rate,
        s.rps,
        &s.latency_ms,
    )];
    rows.extend(
        s.endpoints
            .iter()
            .map(|e| TrendRow::new(&e.name, e.requests, e.error_rate, e.rps, &e.latency_ms)),
    );
    TrendRun {
        source: s.source,
        start: s.start,
        label,
        peak_concurrency: s.peak_concurrency,
        rows,
    }
}

fn step_changes(c: &Comparison, from: usize, to: usize, runs: &[TrendRun]) -> Vec<TrendChange> {
    let mut out = Vec::new();
    for (k, row) in c.rows().enumerate() {
        let endpoint = if k == 0 { OVERALL } else { row.name.as_str() };
        let shown = |run: &TrendRun, statistic: &str| {
            run.rows
                .iter()
                .find(|r| r.endpoint == endpoint)
                .and_then(|r| r.value(statistic))
        };
        let mut push = |statistic: &str,
                        verdict: Verdict,
                        interval: Option<Interval>,
                        p_adjusted: Option<f64>| {
            let (before, after) = (shown(&runs[from], statistic), shown(&runs[to], statistic));
            let relative = match (before, after) {
                (Some(b), Some(a)) if b != 0.0 => Some(a / b - 1.0),
                _ => None,
            };
            out.push(TrendChange {
                from,
                to,
                endpoint: endpoint.into(),
                statistic: statistic.into(),
                verdict,
                before,
                after,
                relative,
                interval,
                p_adjusted,
            });
        };
        for q in &row.latency {
            push(
                &q.statistic,
                q.verdict,
                q.ratio_interval,
                q.test.as_ref().map(|t| t.p_adjusted),
            );
        }
        if let Some(e) = &row.error_rate {
            push(
                "error_rate",
                e.verdict,
                Some(e.difference_interval),
                Some(e.test.p_adjusted),
            );
        }
    }
    out
}
