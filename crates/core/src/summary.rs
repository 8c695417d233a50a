//! The plain-data view of a run: what the CLI prints as JSON and what the UI
//! renders. Field names are a stable contract (documented in the README):
//! later versions add fields, never rename them. A number a format cannot
//! supply is `None` (`null`), never 0.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::format::Format;

/// Top-level document of `verdict summary --json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Report {
    /// One entry per run (per file, or per merged group of files).
    pub runs: Vec<RunSummary>,
}

/// Where the numbers come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ReportedBy {
    /// Computed here from one record per request, through HDR histograms.
    Samples,
    /// Copied from the tool's own aggregates; nothing recomputed.
    Tool,
}

/// Latency statistics in milliseconds.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, Default)]
pub struct LatencyMs {
    /// Fastest request.
    pub min: Option<f64>,
    /// Mean duration.
    pub mean: Option<f64>,
    /// Median (50th percentile).
    pub p50: Option<f64>,
    /// 90th percentile.
    pub p90: Option<f64>,
    /// 95th percentile.
    pub p95: Option<f64>,
    /// 99th percentile.
    pub p99: Option<f64>,
    /// 99.9th percentile.
    pub p999: Option<f64>,
    /// Slowest request.
    pub max: Option<f64>,
}

/// One endpoint (k6: the `name` tag, split by method when a name has several).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EndpointSummary {
    /// Display name, unique within the run (`METHOD name` when a name has several methods).
    pub name: String,
    /// The HTTP method, when the format records one.
    pub method: Option<String>,
    /// Requests to this endpoint.
    pub requests: Option<u64>,
    /// Failed requests to this endpoint.
    pub errors: Option<u64>,
    /// Failed requests as a fraction of requests (0 to 1).
    pub error_rate: Option<f64>,
    /// Requests per second.
    pub rps: Option<f64>,
    /// Latency statistics of this endpoint's requests.
    pub latency_ms: LatencyMs,
    /// Status code (as written by the tool) → count.
    pub status_codes: BTreeMap<String, u64>,
    /// k6 `group` tags seen on this endpoint's requests.
    pub groups: Vec<String>,
    /// k6 `scenario` tags (or the tool's equivalent) seen on this endpoint.
    pub scenarios: Vec<String>,
}

/// A line the reader could not use, kept as an example for the user.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SkippedLine {
    /// 1-based line number in the (decompressed) input.
    pub line: u64,
    /// Why the line could not be used.
    pub reason: String,
}

/// Checks (k6 `check()` calls, assertions) that passed and failed.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, Default)]
pub struct Checks {
    /// Checks that passed.
    pub passes: u64,
    /// Checks that failed.
    pub fails: u64,
}

/// A threshold the tool itself evaluated and recorded in the file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ToolThreshold {
    /// Metric, with a sub-metric selector if any: `http_req_duration{name:GET /api/search}`.
    pub metric: String,
    /// The threshold expression as written: `p(95)<45`.
    pub expression: String,
    /// The tool's own outcome, when the file records it.
    pub passed: Option<bool>,
}

/// Failed requests the tool grouped by cause (Locust's failures table,
/// Artillery's `errors.<code>` counters), copied as the tool wrote them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FailureSummary {
    /// The endpoint, when the tool attributes the failure to one.
    pub endpoint: Option<String>,
    /// The HTTP method, when the tool records one.
    pub method: Option<String>,
    /// The tool's own text: an error code (`ETIMEDOUT`) or message.
    pub message: String,
    /// How many requests failed this way.
    pub count: u64,
}

/// One timeline window. Percentiles are over requests that ended in the window.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TimelinePoint {
    /// Window start, seconds since the run start.
    pub t_s: f64,
    /// Requests that ended in the window.
    pub requests: u64,
    /// Failed requests that ended in the window.
    pub errors: u64,
    /// Median latency in the window.
    pub p50_ms: Option<f64>,
    /// 95th percentile latency in the window.
    pub p95_ms: Option<f64>,
    /// 99th percentile latency in the window.
    pub p99_ms: Option<f64>,
    /// Largest concurrency (VUs, threads, users) reported in the window.
    pub concurrency: Option<f64>,
}

/// The timeline of a run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct TimelineSummary {
    /// Window width in seconds (1 s, doubled as often as needed to stay bounded).
    pub bucket_s: f64,
    /// The windows, in time order.
    pub points: Vec<TimelinePoint>,
}

/// One point of the percentile distribution (HdrHistogram plotter style).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct PercentilePoint {
    /// 0..100
    pub percentile: f64,
    /// The latency at that percentile, in milliseconds.
    pub value_ms: f64,
    /// Requests at or below this value.
    pub count: u64,
}

/// Everything Verdict knows about one run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunSummary {
    /// File name (or names, joined with ` + ` for a merged run).
    pub source: String,
    /// Stable format name, e.g. `k6-ndjson`.
    pub format: Format,
    /// Whether the numbers were computed from samples or copied from the tool's summary.
    pub reported_by: ReportedBy,
    /// RFC 3339 start of the run.
    pub start: Option<String>,
    /// How long the run lasted, in seconds.
    pub duration_s: Option<f64>,
    /// Requests in the run.
    pub requests: Option<u64>,
    /// Failed requests.
    pub errors: Option<u64>,
    /// Failed requests as a fraction of requests (0 to 1).
    pub error_rate: Option<f64>,
    /// Requests per second.
    pub rps: Option<f64>,
    /// Latency statistics of all requests.
    pub latency_ms: LatencyMs,
    /// Per-endpoint rows.
    pub endpoints: Vec<EndpointSummary>,
    /// Things worth saying about how the file was read.
    pub warnings: Vec<String>,
    /// Largest concurrency seen (k6 VUs, JMeter threads, Locust users).
    pub peak_concurrency: Option<f64>,
    /// Status code → count over the whole run.
    pub status_codes: BTreeMap<String, u64>,
    /// Checks (assertions) passed and failed, when the format has them.
    pub checks: Option<Checks>,
    /// Lines that could not be used (the first few are in `skipped_examples`).
    pub skipped_lines: u64,
    /// A few of the skipped lines, with where and why.
    pub skipped_examples: Vec<SkippedLine>,
    /// Requests, errors and percentiles over time.
    pub timeline: TimelineSummary,
    /// Percentile distribution of all requests. For tool-reported runs, the
    /// tool's own printed spectrum when it has one (else empty).
    pub distribution: Vec<PercentilePoint>,
    /// Thresholds the tool recorded (k6).
    pub thresholds: Vec<ToolThreshold>,
    /// Failures grouped by cause, as the tool reported them (empty when it does not).
    pub failures: Vec<FailureSummary>,
    /// Transactions (JMeter Transaction Controller samples), by name: each
    /// spans several requests, so they are never counted among `requests`.
    /// `requests` here counts transactions; `rps` is not given.
    #[serde(default)]
    pub transactions: Vec<EndpointSummary>,
    /// The numbers are not from the whole file: it was cut (a truncated or
    /// corrupt gzip stream, a last line cut mid-way, a document that stops
    /// before its end) or unreadable lines were skipped. Every SLA verdict on
    /// such a run says so, and `verdict check` never exits 0 on it.
    #[serde(default)]
    pub partial: bool,
    /// Why, in one sentence per cause (joined by `; `), when `partial`.
    #[serde(default)]
    pub partial_reason: Option<String>,
}

impl RunSummary {
    /// Where the numbers come from, in words: "computed from every request in
    /// the file" only when that is true.
    pub fn provenance(&self) -> String {
        match (self.reported_by, &self.partial_reason) {
            (ReportedBy::Samples, None) => "computed from every request in the file".into(),
            (ReportedBy::Samples, Some(why)) => format!(
                "PARTIAL: computed from the {} requests read, not the whole file ({why})",
                self.requests.unwrap_or(0)
            ),
            (ReportedBy::Tool, None) => {
                "as reported by the tool itself (the file holds no per-request samples)".into()
            }
            (ReportedBy::Tool, Some(why)) => format!(
                "PARTIAL: as reported by the tool itself, from the part of the file that could be read ({why})"
            ),
        }
    }
}
