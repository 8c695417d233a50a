//! A load level: one steady concurrency and what was measured at it.

use std::collections::BTreeMap;

use hdrhistogram::Histogram;
use serde::{Deserialize, Serialize};

use super::quantile_interval::{percentile_from_histogram, Percentile};
use super::target::quantile_key;
use crate::stats::wilson;

/// Percentiles computed for every level read from samples.
pub const STANDARD_QUANTILES: [f64; 4] = [0.50, 0.90, 0.95, 0.99];

/// What the load axis counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum LoadUnit {
    /// Closed model: VUs, threads or users held (each waits for its answer).
    #[default]
    #[serde(rename = "vus")]
    Vus,
    /// Open model: requests offered per second (k6 arrival-rate executors,
    /// Artillery phases), whatever the server answers.
    #[serde(rename = "req/s")]
    RequestsPerSecond,
}

impl LoadUnit {
    /// The unit as shown beside a number.
    pub fn label(self) -> &'static str {
        match self {
            LoadUnit::Vus => "VUs",
            LoadUnit::RequestsPerSecond => "req/s",
        }
    }

    /// Whether the load is an arrival rate (open model).
    pub fn is_open(self) -> bool {
        self == LoadUnit::RequestsPerSecond
    }
}

/// Where a level's numbers come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LevelOrigin {
    /// Computed from per-request samples (HDR histograms).
    Samples,
    /// Copied from a tool's own summary: no intervals are possible.
    Tool,
    /// One or more of a tool's own per-period aggregates (Artillery's 10 s
    /// periods): percentiles as the tool reported them, never merged.
    ToolPeriods,
    /// Typed or pasted numbers.
    Table,
}

/// One steady load level.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Level {
    /// Where it came from: a file name, `run.json.gz @ 30–49 s`, `levels.csv line 4`.
    pub label: String,
    /// How the numbers were obtained: from samples, a tool's summary, or typed.
    pub origin: LevelOrigin,
    /// The load-axis value: N, the VUs, threads or users held during the
    /// level; in a report whose `load` is `req/s`, the offered request rate.
    pub concurrency: f64,
    /// X: requests per second (all requests, failed ones too: they occupied
    /// the generator and the server alike, as Little's law needs).
    pub throughput: f64,
    /// Requests in the level's window.
    pub requests: Option<u64>,
    /// Failed requests in the level's window.
    pub errors: Option<u64>,
    /// Failed requests as a fraction of requests (0 to 1).
    pub error_rate: Option<f64>,
    /// 95% Wilson interval of the error rate.
    pub error_rate_ci95: Option<[f64; 2]>,
    /// Mean latency in milliseconds.
    pub mean_ms: Option<f64>,
    /// `p50`, `p95`, ... with one-sided 95% order-statistic bounds.
    pub percentiles: BTreeMap<String, Percentile>,
    /// Length of the measured window in seconds.
    pub duration_s: Option<f64>,
    /// The measured window, in seconds from the run's start.
    pub window_s: Option<[f64; 2]>,
    /// Z_eff = N/X − mean latency: the idle time per request (think time
    /// plus client overhead); it drifts when the load generator falls behind.
    pub think_time_s: Option<f64>,
    /// Whether the generator kept up (set by the analysis; `None` when unknown
    /// or when the level is saturated, where fast failures skew the check).
    pub generator_kept_up: Option<bool>,
    /// The server shed load here (set by the analysis): many failures, or
    /// successful requests per second falling while failures grow. Such a
    /// level is left out of every fit and caps the answer.
    #[serde(default)]
    pub saturated: bool,
    /// Iterations the executor dropped in the level's window (an open-model
    /// run with no free VU to start them), where the file records them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dropped: Option<u64>,
    /// Iterations the executor started in the window, where the file
    /// records them: with `dropped`, what was offered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub iterations: Option<u64>,
    /// The runs (or plateaus) pooled into this level when there were several
    /// at one load: repeats of one level, each with its own numbers.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub repeats: Vec<Repeat>,
    /// Things worth saying about how the level was measured.
    pub notes: Vec<String>,
    /// The level's latencies (µs), kept so repeats can be merged.
    #[serde(skip)]
    pub histogram: Option<Histogram<u64>>,
}

/// One of several runs at the same load, as measured on its own.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Repeat {
    /// Where it came from, as in [`Level::label`].
    pub label: String,
    /// Its own load-axis value (req/s repeats differ a little).
    pub concurrency: f64,
    /// Requests per second.
    pub throughput: f64,
    /// Requests in the repeat.
    pub requests: Option<u64>,
    /// Failed requests as a fraction of requests (0 to 1).
    pub error_rate: Option<f64>,
    /// Mean latency in milliseconds.
    pub mean_ms: Option<f64>,
    /// `p50`, `p95`, ... with one-sided 95% order-statistic bounds.
    pub percentiles: BTreeMap<String, Percentile>,
}

impl Level {
    /// A level with only N and X known.
    pub fn new(
        label: impl Into<String>,
        origin: LevelOrigin,
        concurrency: f64,
        throughput: f64,
    ) -> Level {
        Level {
            label: label.into(),
            origin,
            concurrency,
            throughput,
            requests: None,
            errors: None,
            error_rate: None,
            error_rate_ci95: None,
            mean_ms: None,
            percentiles: BTreeMap::new(),
            duration_s: None,
            window_s: None,
            think_time_s: None,
            generator_kept_up: None,
            saturated: false,
            dropped: None,
            iterations: None,
            repeats: Vec::new(),
            notes: Vec::new(),
            histogram: None,
        }
    }

    /// The percentile for quantile `q`, if known.
    pub fn percentile(&self, q: f64) -> Option<&Percentile> {
        self.percentiles.get(&quantile_key(q))
    }

    /// Sets request and error counts, with the error rate and its interval.
    pub fn set_counts(&mut self, requests: u64, errors: Option<u64>) {
        self.requests = Some(requests);
        self.errors = errors;
        if let Some(e) = errors {
            if requests > 0 {
                self.error_rate = Some(e as f64 / requests as f64);
                // Two-sided 95%: each bound one-sided at 97.5%.
                self.error_rate_ci95 = (e <= requests).then(|| {
                    let (low, high) = wilson(e as f64, requests as f64, 0.025);
                    [low, high]
                });
            }
        }
    }

    /// Fills percentiles (the standard ones plus `extra`) from a histogram of µs.
    pub fn set_percentiles_from<T: hdrhistogram::Counter>(
        &mut self,
        h: &Histogram<T>,
        extra: &[f64],
    ) {
        for &q in STANDARD_QUANTILES.iter().chain(extra) {
            if let Some(p) = percentile_from_histogram(h, q) {
                self.percentiles.insert(quantile_key(q), p);
            }
        }
    }

    /// Share of the offered iterations the executor dropped, where known.
    pub fn dropped_share(&self) -> Option<f64> {
        let (d, s) = (self.dropped?, self.iterations?);
        (d + s > 0).then(|| d as f64 / (d + s) as f64)
    }

    /// Successful requests per second, when the error rate is known.
    pub fn goodput(&self) -> Option<f64> {
        self.error_rate.map(|e| self.throughput * (1.0 - e))
    }

    /// Computes Z_eff when the mean latency is known.
    pub fn update_think_time(&mut self) {
        self.think_time_s = match self.mean_ms {
            Some(m) if self.throughput > 0.0 => {
                Some(self.concurrency / self.throughput - m / 1000.0)
            }
            _ => None,
        };
    }
}

/// Why part of a run was left out of every level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExclusionReason {
    /// Concurrency was changing.
    Ramp,
    /// The first seconds after a change, while queues and pools settle.
    WarmUp,
    /// A window at the edge of a hold, which may straddle a change.
    Edge,
    /// No concurrency reading covers it (e.g. after the last VU stopped).
    NoConcurrency,
}

/// A stretch of a run that no level includes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExcludedSpan {
    /// The file the span is in.
    pub source: String,
    /// Seconds from the run's start.
    pub start_s: f64,
    /// Where the span ends, in seconds from the run's start.
    pub end_s: f64,
    /// Requests in the span.
    pub requests: u64,
    /// The concurrency during the span, when one value held.
    pub concurrency: Option<f64>,
    /// Why no level includes it.
    pub reason: ExclusionReason,
}

/// The levels of one capacity question, and what was left out.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct LevelSet {
    /// What the levels' load axis counts.
    #[serde(default)]
    pub load: LoadUnit,
    /// The steady levels.
    pub levels: Vec<Level>,
    /// Stretches of staged runs that no level includes.
    pub excluded: Vec<ExcludedSpan>,
    /// Things worth saying about how the levels were found.
    pub notes: Vec<String>,
}
