//! [`Run`]: the aggregates of one run, filled by a format decoder one record
//! at a time, and turned into a [`RunSummary`] at the end.
//!
//! Raw samples go through HDR histograms; tool-reported aggregates (a k6
//! `--summary-export`, an Artillery report) are kept apart in a [`ToolReport`]
//! and never mixed with samples, because their percentiles cannot be merged.

use std::collections::{BTreeMap, HashMap};

use crate::activity::{human_duration, Activity, Split};
use crate::format::Format;
use crate::series::{ms_to_us, Series};
use crate::summary::{
    Checks, EndpointSummary, FailureSummary, LatencyMs, PercentilePoint, ReportedBy, RunSummary,
    SkippedLine, TimelinePoint, TimelineSummary, ToolThreshold,
};
use crate::time::{format_rfc3339, Micros};
use crate::timeline::Timeline;
use crate::windows::{EndpointWindows, WINDOW_BUDGET_BYTES};

/// Distinct endpoints kept per run; the rest are folded into one row, with a
/// warning, so a file with a unique URL per request cannot exhaust memory.
pub const MAX_ENDPOINTS: usize = 300;
/// Name of the row that collects endpoints beyond [`MAX_ENDPOINTS`].
pub const OTHER_ENDPOINTS: &str = "(other endpoints)";
/// Name of the row that collects transactions beyond [`MAX_ENDPOINTS`].
pub const OTHER_TRANSACTIONS: &str = "(other transactions)";
/// Skipped lines quoted as examples.
pub const MAX_SKIPPED_EXAMPLES: usize = 5;
/// The furthest from 1970 a time may lie (about 3,170 years either way, in
/// µs): beyond it a timestamp is corrupt, not a time.
pub const PLAUSIBLE_TIME_US: i64 = 100_000_000_000_000_000;
const MAX_TAG_VALUES: usize = 16;

/// One request, as a decoder hands it over. Strings are borrowed from the
/// decoder's line buffer, so recording a request allocates nothing in the
/// common case.
#[derive(Debug, Clone, Copy)]
pub struct Request<'a> {
    /// When the request ended (µs since the epoch, or since the test start
    /// for formats with relative times, see [`Run::set_relative_time`]).
    pub end_us: Option<Micros>,
    /// How long the request took, in milliseconds.
    pub duration_ms: f64,
    /// Whether the tool counted the request as failed.
    pub failed: bool,
    /// The status as the tool wrote it (`"200"`, `"0"`, `"Non HTTP response code: …"`).
    pub status: &'a str,
    /// The endpoint's name (URL or label) the request is grouped under.
    pub name: &'a str,
    /// The HTTP method, or empty when the format has none.
    pub method: &'a str,
    /// The group (k6 `group`, a Locust or Gatling group), or empty.
    pub group: &'a str,
    /// The scenario that sent the request, or empty.
    pub scenario: &'a str,
}

/// A histogram of request durations over one time interval: what an
/// HdrHistogram interval log (`.hlog`) holds instead of single requests.
/// Histograms add exactly, so these merge into the run like samples do.
#[derive(Debug, Clone, Copy)]
pub struct IntervalHistogram<'a> {
    /// Interval start and end (µs since the epoch, or since the test start
    /// for relative runs); `None` when the input has no times.
    pub start_us: Option<Micros>,
    /// Interval end, on the same clock as `start_us`.
    pub end_us: Option<Micros>,
    /// Durations in whole µs, in a histogram made by [`crate::series::new_histogram`].
    pub durations_us: &'a hdrhistogram::Histogram<u64>,
    /// The endpoint (an `.hlog` tag).
    pub name: &'a str,
}

/// The words of the reason [`crate::Session`] gives for a last line cut
/// mid-way (that line is also counted as skipped).
pub const MID_LINE: &str = "ends in the middle of a line";

/// Pre-aggregated numbers copied from a tool's own summary.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ToolReport {
    /// When the test started (µs since the epoch), as the tool reports it.
    pub start_us: Option<Micros>,
    /// How long the test ran, in seconds.
    pub duration_s: Option<f64>,
    /// Requests the tool counted.
    pub requests: Option<u64>,
    /// Failed requests the tool counted.
    pub errors: Option<u64>,
    /// Requests per second, as the tool computed it.
    pub rps: Option<f64>,
    /// The tool's own latency statistics.
    pub latency_ms: LatencyMs,
    /// The tool's per-endpoint rows.
    pub endpoints: Vec<EndpointSummary>,
    /// Responses per status code.
    pub status_codes: BTreeMap<String, u64>,
    /// Checks (assertions) passed and failed, when the tool reports them.
    pub checks: Option<Checks>,
    /// The most virtual users or connections at once.
    pub peak_concurrency: Option<f64>,
    /// The tool's own numbers over time, when it prints them.
    pub timeline: TimelineSummary,
    /// The tool's own percentile spectrum, when it prints one (HdrHistogram
    /// `.hgrm`, wrk2's "Detailed Percentile spectrum").
    pub distribution: Vec<PercentilePoint>,
}

/// One endpoint's aggregates.
#[derive(Debug, Clone, Default)]
pub struct EndpointSeries {
    /// The endpoint's name (URL or label).
    pub name: Box<str>,
    /// The HTTP method, or empty when the format has none.
    pub method: Box<str>,
    /// The groups its requests were sent from (a few at most).
    pub groups: Vec<Box<str>>,
    /// The scenarios its requests were sent from (a few at most).
    pub scenarios: Vec<Box<str>>,
    /// Its latency histogram and counters.
    pub series: Series,
    /// The same requests in time windows (for SLA rules over windows).
    pub windows: EndpointWindows,
}

/// Iterations started and dropped per whole second (µs since the epoch /
/// 1e6): what an open-model executor offered (k6's arrival-rate executors
/// start iterations on a schedule, and count those without a free VU as
/// `dropped_iterations`). Read only where the file records them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Arrivals {
    /// Iterations started, per second.
    pub started: BTreeMap<i64, u64>,
    /// Iterations dropped for want of a free VU, per second.
    pub dropped: BTreeMap<i64, u64>,
}

impl Arrivals {
    /// Whether anything was recorded.
    pub fn is_empty(&self) -> bool {
        self.started.is_empty() && self.dropped.is_empty()
    }

    /// Started and dropped iterations in `[from_us, to_us)`, by whole seconds.
    pub fn between(&self, from_us: Micros, to_us: Micros) -> (u64, u64) {
        let (a, b) = (from_us.div_euclid(1_000_000), to_us.div_euclid(1_000_000));
        let sum = |m: &BTreeMap<i64, u64>| m.range(a..b).map(|(_, n)| n).sum::<u64>();
        (sum(&self.started), sum(&self.dropped))
    }

    fn merge(&mut self, other: &Arrivals) {
        for (k, v) in &other.started {
            *self.started.entry(*k).or_default() += v;
        }
        for (k, v) in &other.dropped {
            *self.dropped.entry(*k).or_default() += v;
        }
    }
}

/// Lines skipped and other things the user must be told.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Diagnostics {
    /// Lines that could not be read and were left out.
    pub skipped_lines: u64,
    /// A few of the skipped lines, with where and why.
    pub examples: Vec<SkippedLine>,
    /// Things worth saying about how the file was read.
    pub warnings: Vec<String>,
    /// Durations outside the histogram range (negative, NaN, over an hour).
    pub clamped: u64,
    /// Times further than [`PLAUSIBLE_TIME_US`] from 1970, left out of every
    /// time series (their requests still count).
    pub implausible_times: u64,
    /// Why the file was not read to its end (a cut gzip stream, a last line
    /// cut mid-way, a document that stops before its close): what follows
    /// the cut is missing from every number.
    pub cut: Vec<String>,
}

/// What an analysis file records about a run besides its numbers.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RunMeta {
    /// The raw result files the run was read from (several once generators'
    /// files are merged); empty means just [`Run::source`].
    pub sources: Vec<String>,
    /// `key=value` labels given when saving (`--label`): branch, build, environment.
    pub labels: BTreeMap<String, String>,
}

/// The aggregates of one run.
#[derive(Debug, Clone)]
pub struct Run {
    /// The file the run was read from.
    pub source: String,
    /// The format it was read as.
    pub format: Format,
    /// All requests together.
    pub overall: Series,
    /// Per-endpoint aggregates, in the order first seen.
    pub endpoints: Vec<EndpointSeries>,
    /// Requests, failures and concurrency over time.
    pub timeline: Timeline,
    /// Earliest known activity (an iteration or request start).
    pub first_activity_us: Option<Micros>,
    /// Latest request end.
    pub last_end_us: Option<Micros>,
    /// Checks (assertions) passed and failed.
    pub checks: Checks,
    /// The most virtual users or connections at once, when the file says.
    pub peak_concurrency: Option<f64>,
    /// The tool's own summary numbers, when the file is a summary rather than requests.
    pub tool: Option<ToolReport>,
    /// Thresholds the tool evaluated, with its outcomes.
    pub thresholds: Vec<ToolThreshold>,
    /// Failures grouped by cause, as the tool reported them.
    pub failures: Vec<FailureSummary>,
    /// Transactions (JMeter Transaction Controller samples): journeys over
    /// several requests, kept apart so they never count as requests.
    pub transactions: BTreeMap<Box<str>, Series>,
    /// Busy intervals, kept when the format may hold several runs appended
    /// to one file (see [`Run::track_idle_gaps`]).
    pub activity: Option<Activity>,
    /// Iterations an open-model executor started and dropped, per second.
    pub arrivals: Arrivals,
    /// Skipped lines, warnings and cuts.
    pub diagnostics: Diagnostics,
    /// Where the run came from and what the user called it (kept in analysis files).
    pub meta: RunMeta,
    relative_time: bool,
    time_resolution_us: i64,
    errors_unknown: bool,
    index: HashMap<Box<str>, Vec<(Box<str>, usize)>>,
    other_endpoints: Option<usize>,
    /// Packed bytes of all endpoints' windows, kept under [`WINDOW_BUDGET_BYTES`].
    window_bytes: usize,
}

fn push_tag(tags: &mut Vec<Box<str>>, value: &str) {
    if !value.is_empty() && tags.len() < MAX_TAG_VALUES && !tags.iter().any(|t| &**t == value) {
        tags.push(value.into());
    }
}

fn min_opt(a: Option<Micros>, b: Option<Micros>) -> Option<Micros> {
    match (a, b) {
        (Some(x), Some(y)) => Some(x.min(y)),
        (x, None) => x,
        (None, y) => y,
    }
}

/// Why runs cannot be merged into one.
#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum MergeError {
    /// No runs were given.
    #[error("no runs")]
    NoRuns,
    /// A tool's end-of-test aggregates: its percentiles cannot be combined.
    #[error("{source_name} ({format}) holds only the tool's aggregates; percentiles of separate runs cannot be merged exactly. Use per-request outputs (e.g. k6 --out json).")]
    ToolAggregates {
        /// The run's source file.
        source_name: String,
        /// The format it was read as.
        format: String,
    },
}

/// Merges runs (one per load generator, say) into one, exactly: histograms
/// and counters add, concurrency adds up per window. Refuses runs that hold
/// only a tool's aggregates. `verdict summary --merge` and the page both
/// merge through here.
pub fn merge_runs(runs: Vec<Run>) -> Result<Run, MergeError> {
    if let Some(r) = runs.iter().find(|r| !r.has_samples()) {
        return Err(MergeError::ToolAggregates {
            source_name: r.source.clone(),
            format: r.format.to_string(),
        });
    }
    let mut it = runs.into_iter();
    let mut first = it.next().ok_or(MergeError::NoRuns)?;
    for r in it {
        first.merge(&r);
    }
    Ok(first)
}

fn max_opt(a: Option<Micros>, b: Option<Micros>) -> Option<Micros> {
    match (a, b) {
        (Some(x), Some(y)) => Some(x.max(y)),
        (x, None) => x,
        (None, y) => y,
    }
}

impl Run {
    /// An empty run read from `source` in `format`.
    pub fn new(source: impl Into<String>, format: Format) -> Run {
        Run {
            source: source.into(),
            format,
            overall: Series::default(),
            endpoints: Vec::new(),
            timeline: Timeline::default(),
            first_activity_us: None,
            last_end_us: None,
            checks: Checks::default(),
            peak_concurrency: None,
            tool: None,
            thresholds: Vec::new(),
            failures: Vec::new(),
            transactions: BTreeMap::new(),
            activity: None,
            arrivals: Arrivals::default(),
            diagnostics: Diagnostics::default(),
            meta: RunMeta::default(),
            relative_time: false,
            time_resolution_us: 0,
            errors_unknown: false,
            index: HashMap::new(),
            other_endpoints: None,
            window_bytes: 0,
        }
    }

    /// Declares that timestamps are truncated to `us` (k6 CSV writes whole
    /// seconds): a request stamped `t` ended somewhere in `[t, t + us)`, so
    /// the run spans from the first stamp to the last stamp plus `us`.
    pub fn set_time_resolution(&mut self, us: i64) {
        self.time_resolution_us = us.max(0);
    }

    /// Declares that the input cannot tell failed requests from good ones
    /// (HdrHistogram logs hold latencies only): errors are shown as unknown,
    /// not as zero.
    pub fn set_errors_unknown(&mut self) {
        self.errors_unknown = true;
    }

    /// Keeps track of when requests were in flight, so that runs appended to
    /// one file (hours or months apart) are measured by their active time.
    pub fn track_idle_gaps(&mut self) {
        if self.activity.is_none() {
            self.activity = Some(Activity::default());
        }
    }

    /// Marks timestamps as relative to the test start (no wall-clock start is known).
    pub fn set_relative_time(&mut self) {
        self.relative_time = true;
    }

    /// Whether timestamps are relative to the test start.
    pub fn relative_time(&self) -> bool {
        self.relative_time
    }

    /// The truncation of timestamps (µs; 0 when exact).
    pub fn time_resolution_us(&self) -> i64 {
        self.time_resolution_us
    }

    /// Whether the input cannot tell failed requests from good ones.
    pub fn errors_unknown(&self) -> bool {
        self.errors_unknown
    }

    /// The raw result files behind this run.
    pub fn sources(&self) -> Vec<String> {
        if self.meta.sources.is_empty() {
            vec![self.source.clone()]
        } else {
            self.meta.sources.clone()
        }
    }

    /// Adds an endpoint read back from an analysis file, indexed as if its
    /// requests had been recorded here.
    pub(crate) fn restore_endpoint(&mut self, ep: EndpointSeries) {
        let i = if &*ep.name == OTHER_ENDPOINTS && ep.method.is_empty() {
            let i = self.endpoints.len();
            self.endpoints.push(EndpointSeries::default());
            self.other_endpoints = Some(i);
            i
        } else {
            self.endpoint_index(&ep.name, &ep.method)
        };
        self.window_bytes += ep.windows.packed_bytes();
        self.endpoints[i] = ep;
    }

    fn endpoint_index(&mut self, name: &str, method: &str) -> usize {
        if let Some(methods) = self.index.get(name) {
            if let Some((_, i)) = methods.iter().find(|(m, _)| &**m == method) {
                return *i;
            }
        }
        if self.endpoints.len() >= MAX_ENDPOINTS {
            if let Some(i) = self.other_endpoints {
                return i;
            }
            self.warn(format!(
                "more than {MAX_ENDPOINTS} distinct endpoints; the rest are counted together as \"{OTHER_ENDPOINTS}\" (tag requests with a `name` to group URLs)"
            ));
            let i = self.endpoints.len();
            self.endpoints.push(EndpointSeries {
                name: OTHER_ENDPOINTS.into(),
                method: "".into(),
                ..EndpointSeries::default()
            });
            self.other_endpoints = Some(i);
            return i;
        }
        let i = self.endpoints.len();
        self.endpoints.push(EndpointSeries {
            name: name.into(),
            method: method.into(),
            ..EndpointSeries::default()
        });
        self.index
            .entry(name.into())
            .or_default()
            .push((method.into(), i));
        i
    }

    /// `t` when it is a time a result file can hold; otherwise counted and
    /// `None`, so a corrupt timestamp cannot stretch the time series over
    /// millennia (or overflow their arithmetic).
    fn plausible(&mut self, t: Micros) -> Option<Micros> {
        if t.unsigned_abs() <= PLAUSIBLE_TIME_US as u64 {
            Some(t)
        } else {
            self.diagnostics.implausible_times += 1;
            None
        }
    }

    /// Records one request.
    pub fn request(&mut self, r: &Request<'_>) {
        let (us, clamped) = ms_to_us(r.duration_ms);
        if clamped {
            self.diagnostics.clamped += 1;
        }
        let ms = if r.duration_ms.is_finite() {
            r.duration_ms.max(0.0)
        } else {
            0.0
        };
        self.overall.record(ms, us, r.failed, r.status);
        let i = self.endpoint_index(r.name, r.method);
        let ep = &mut self.endpoints[i];
        ep.series.record(ms, us, r.failed, r.status);
        push_tag(&mut ep.groups, r.group);
        push_tag(&mut ep.scenarios, r.scenario);
        let end_us = r.end_us.and_then(|t| self.plausible(t));
        let ep = &mut self.endpoints[i];
        if let Some(end) = end_us {
            let grew = ep.windows.record(end, us, r.failed);
            if grew != 0 {
                self.account_window_bytes(i, grew);
            }
            self.timeline.request(end, us, r.failed);
            self.last_end_us = max_opt(self.last_end_us, Some(end));
            let start = if self.time_resolution_us > 0 {
                end
            } else {
                end - us as i64
            };
            self.first_activity_us = min_opt(self.first_activity_us, Some(start));
            if let Some(a) = &mut self.activity {
                a.add(start, end);
            }
        }
    }

    /// Records one transaction (a journey over several requests): it gets
    /// its own table and never counts as a request.
    pub fn transaction(&mut self, name: &str, duration_ms: f64, failed: bool, status: &str) {
        let (us, clamped) = ms_to_us(duration_ms);
        if clamped {
            self.diagnostics.clamped += 1;
        }
        let ms = if duration_ms.is_finite() {
            duration_ms.max(0.0)
        } else {
            0.0
        };
        let key: &str =
            if self.transactions.len() >= MAX_ENDPOINTS && !self.transactions.contains_key(name) {
                OTHER_TRANSACTIONS
            } else {
                name
            };
        match self.transactions.get_mut(key) {
            Some(series) => series.record(ms, us, failed, status),
            None => {
                let mut series = Series::default();
                series.record(ms, us, failed, status);
                self.transactions.insert(key.into(), series);
            }
        }
    }

    /// Keeps the per-endpoint windows within their memory budget by widening
    /// the windows of the endpoint that just grew.
    fn account_window_bytes(&mut self, i: usize, delta: isize) {
        self.window_bytes = self.window_bytes.saturating_add_signed(delta);
        while self.window_bytes > WINDOW_BUDGET_BYTES
            && self.endpoints[i].windows.stored_windows() > 1
        {
            let d = self.endpoints[i].windows.widen();
            self.window_bytes = self.window_bytes.saturating_add_signed(d);
        }
    }

    /// Records a histogram of request durations covering one interval. Its
    /// requests are counted, added to the endpoint and overall histograms, and
    /// placed in the timeline window holding the interval's midpoint (the
    /// requests ended somewhere inside the interval). Histograms know nothing
    /// of failures, so none are counted.
    pub fn record_histogram(&mut self, h: &IntervalHistogram<'_>) {
        self.overall.record_histogram(h.durations_us);
        let i = self.endpoint_index(h.name, "");
        self.endpoints[i].series.record_histogram(h.durations_us);
        let start_us = h.start_us.and_then(|t| self.plausible(t));
        let end_us = h.end_us.and_then(|t| self.plausible(t));
        if let (Some(start), Some(end)) = (start_us, end_us) {
            let end = end.max(start);
            self.timeline
                .histogram(start + (end - start) / 2, h.durations_us);
            self.first_activity_us = min_opt(self.first_activity_us, Some(start));
            self.last_end_us = max_opt(self.last_end_us, Some(end));
        }
    }

    /// Records `n` requests of one duration, without end times: a tool's
    /// histogram bucket (Locust's `response_times`). Their times, if known
    /// per second, go in with [`Run::timeline_counts`].
    pub fn requests_in_bucket(&mut self, name: &str, method: &str, duration_ms: f64, n: u64) {
        if n == 0 {
            return;
        }
        let (us, clamped) = ms_to_us(duration_ms);
        if clamped {
            self.diagnostics.clamped += n;
        }
        let ms = if duration_ms.is_finite() {
            duration_ms.max(0.0)
        } else {
            0.0
        };
        self.overall.record_n(ms, us, false, "", n);
        let i = self.endpoint_index(name, method);
        self.endpoints[i].series.record_n(ms, us, false, "", n);
    }

    /// The series of one endpoint (created if new), for formats that know
    /// exact totals beside their histogram (a tool's count, sum, min, max).
    pub fn endpoint_series_mut(&mut self, name: &str, method: &str) -> &mut Series {
        let i = self.endpoint_index(name, method);
        &mut self.endpoints[i].series
    }

    /// Counts requests (and failures) that ended in the second starting at `t`
    /// when only per-second counters are known: the window gets no latency.
    pub fn timeline_counts(&mut self, t: Micros, requests: u64, errors: u64) {
        let Some(t) = self.plausible(t) else {
            return;
        };
        self.timeline.count(t, requests, errors);
    }

    /// Notes that activity (e.g. a k6 iteration) started at `t`.
    pub fn activity_start(&mut self, t: Micros) {
        let Some(t) = self.plausible(t) else {
            return;
        };
        self.first_activity_us = min_opt(self.first_activity_us, Some(t));
    }

    /// Counts an iteration started at `t` (µs) for the open-model load axis.
    pub fn iteration_started(&mut self, t: Micros) {
        *self
            .arrivals
            .started
            .entry(t.div_euclid(1_000_000))
            .or_default() += 1;
    }

    /// Counts `n` iterations an executor dropped at `t` (µs).
    pub fn iterations_dropped(&mut self, t: Micros, n: u64) {
        *self
            .arrivals
            .dropped
            .entry(t.div_euclid(1_000_000))
            .or_default() += n;
    }

    /// Records a concurrency reading (VUs, threads, users).
    pub fn concurrency(&mut self, t: Option<Micros>, value: f64) {
        if !value.is_finite() {
            return;
        }
        self.peak_concurrency = Some(self.peak_concurrency.map_or(value, |p| p.max(value)));
        if let Some(t) = t.and_then(|t| self.plausible(t)) {
            self.timeline.concurrency(t, value);
        }
    }

    /// Records the outcome of one check / assertion.
    pub fn check(&mut self, passed: bool) {
        if passed {
            self.checks.passes += 1;
        } else {
            self.checks.fails += 1;
        }
    }

    /// Counts a line that could not be used; the first few are quoted.
    pub fn skip_line(&mut self, line: u64, reason: impl Into<String>) {
        self.diagnostics.skipped_lines += 1;
        if self.diagnostics.examples.len() < MAX_SKIPPED_EXAMPLES {
            self.diagnostics.examples.push(SkippedLine {
                line,
                reason: reason.into(),
            });
        }
    }

    /// Adds a warning (deduplicated).
    pub fn warn(&mut self, message: impl Into<String>) {
        let m = message.into();
        if !self.diagnostics.warnings.contains(&m) {
            self.diagnostics.warnings.push(m);
        }
    }

    /// The file stops before its end (or is damaged beyond some point): the
    /// results are from the data before it. Warns, and marks the run partial.
    pub fn cut(&mut self, message: impl Into<String>) {
        let m = message.into();
        self.warn(m.clone());
        if !self.diagnostics.cut.contains(&m) {
            self.diagnostics.cut.push(m);
        }
    }

    /// Why this run's numbers are not from the whole file, if they are not:
    /// the file was cut (see [`Run::cut`]), or lines that could not be read
    /// were skipped (each may have been a request). `None`: every request in
    /// the file was read.
    pub fn partial_reason(&self) -> Option<String> {
        let mut reasons = self.diagnostics.cut.clone();
        let skipped = self.diagnostics.skipped_lines;
        // A cut mid-line is one skipped line, already said by the cut.
        let said = usize::from(self.diagnostics.cut.iter().any(|c| c.contains(MID_LINE)));
        if skipped > said as u64 {
            let n = skipped - said as u64;
            reasons.push(format!(
                "{n} line{} could not be read and {} skipped (each may have been a request)",
                if n == 1 { "" } else { "s" },
                if n == 1 { "was" } else { "were" }
            ));
        }
        (!reasons.is_empty()).then(|| reasons.join("; "))
    }

    /// Whether any per-request sample was recorded.
    pub fn has_samples(&self) -> bool {
        self.overall.requests > 0
    }

    /// Merges another run into this one, exactly: histograms and counters add.
    /// Tool-reported aggregates cannot be merged; the caller must refuse those.
    pub fn merge(&mut self, other: &Run) {
        let mut sources = self.sources();
        sources.extend(other.sources());
        self.meta.sources = sources;
        // Labels both runs agree on (or that only one has) describe the merge.
        for (k, v) in &other.meta.labels {
            if self.meta.labels.get(k).is_some_and(|mine| mine != v) {
                self.meta.labels.remove(k);
            } else {
                self.meta.labels.insert(k.clone(), v.clone());
            }
        }
        self.source = format!("{} + {}", self.source, other.source);
        self.add_samples(other);
        self.timeline.merge_sum_concurrency(&other.timeline);
        self.add_activity(other);
        // Instances run side by side: their concurrency adds up per window.
        self.peak_concurrency = self
            .timeline
            .buckets()
            .filter_map(|b| b.concurrency)
            .fold(None, |acc: Option<f64>, v| {
                Some(acc.map_or(v, |a| a.max(v)))
            })
            .or(match (self.peak_concurrency, other.peak_concurrency) {
                (Some(a), Some(b)) => Some(a + b),
                (a, b) => a.or(b),
            });
        self.thresholds.extend(other.thresholds.iter().cloned());
        self.add_outcomes(other);
        for c in &other.diagnostics.cut {
            let c = format!("{}: {c}", other.source);
            if !self.diagnostics.cut.contains(&c) {
                self.diagnostics.cut.push(c);
            }
        }
        for ex in &other.diagnostics.examples {
            if self.diagnostics.examples.len() < MAX_SKIPPED_EXAMPLES {
                self.diagnostics.examples.push(ex.clone());
            }
        }
        for w in &other.diagnostics.warnings {
            self.warn(format!("{}: {w}", other.source));
        }
        self.relative_time |= other.relative_time;
        self.errors_unknown |= other.errors_unknown;
        self.time_resolution_us = self.time_resolution_us.max(other.time_resolution_us);
    }

    /// Adds `other`'s requests: the whole run's and each endpoint's series
    /// and time windows, and the endpoints' groups and scenarios.
    fn add_samples(&mut self, other: &Run) {
        self.overall.merge(&other.overall);
        for ep in &other.endpoints {
            let i = self.endpoint_index(&ep.name, &ep.method);
            let mine = &mut self.endpoints[i];
            mine.series.merge(&ep.series);
            mine.windows.merge(&ep.windows);
            for g in &ep.groups {
                push_tag(&mut mine.groups, g);
            }
            for s in &ep.scenarios {
                push_tag(&mut mine.scenarios, s);
            }
        }
    }

    /// Adds `other`'s failures, transactions and diagnostic counts, and
    /// recounts the time windows' memory.
    fn add_outcomes(&mut self, other: &Run) {
        self.window_bytes = self
            .endpoints
            .iter()
            .map(|e| e.windows.packed_bytes())
            .sum();
        for f in &other.failures {
            match self.failures.iter_mut().find(|m| {
                m.endpoint == f.endpoint && m.method == f.method && m.message == f.message
            }) {
                Some(mine) => mine.count += f.count,
                None => self.failures.push(f.clone()),
            }
        }
        for (name, series) in &other.transactions {
            match self.transactions.get_mut(name) {
                Some(mine) => mine.merge(series),
                None => {
                    self.transactions.insert(name.clone(), series.clone());
                }
            }
        }
        self.diagnostics.skipped_lines += other.diagnostics.skipped_lines;
        self.diagnostics.clamped += other.diagnostics.clamped;
        self.diagnostics.implausible_times += other.diagnostics.implausible_times;
    }

    /// Adds `other`'s span of activity, checks and arrivals.
    fn add_activity(&mut self, other: &Run) {
        self.first_activity_us = min_opt(self.first_activity_us, other.first_activity_us);
        self.last_end_us = max_opt(self.last_end_us, other.last_end_us);
        match (&mut self.activity, &other.activity) {
            (Some(mine), Some(theirs)) => mine.merge(theirs),
            (None, Some(theirs)) => self.activity = Some(theirs.clone()),
            _ => {}
        }
        self.checks.passes += other.checks.passes;
        self.checks.fails += other.checks.fails;
        self.arrivals.merge(&other.arrivals);
    }

    /// Adds the run of the next part of the same file (read on another
    /// thread), exactly as one pass over both parts would have counted:
    /// histograms and counters add, concurrency is the max per window, the
    /// source stays one file. Skipped-line examples, warnings and cuts are
    /// the caller's ([`crate::split`]), which knows the parts' line numbers.
    pub(crate) fn absorb_part(&mut self, other: &Run) {
        self.add_samples(other);
        self.timeline.merge_same_run(&other.timeline);
        self.add_activity(other);
        self.peak_concurrency = match (self.peak_concurrency, other.peak_concurrency) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        };
        for t in &other.thresholds {
            if !self.thresholds.contains(t) {
                self.thresholds.push(t.clone());
            }
        }
        self.add_outcomes(other);
        self.relative_time |= other.relative_time;
        self.errors_unknown |= other.errors_unknown;
        self.time_resolution_us = self.time_resolution_us.max(other.time_resolution_us);
    }

    /// Whether distinct endpoints beyond [`MAX_ENDPOINTS`] were folded into one row.
    pub(crate) fn folded_endpoints(&self) -> bool {
        self.other_endpoints.is_some()
    }

    /// Packed bytes of every endpoint's windows.
    pub(crate) fn window_bytes(&self) -> usize {
        self.window_bytes
    }

    /// Seconds from the first activity to the last request end, without
    /// the idle gaps between runs appended to one file.
    pub fn duration_s(&self) -> Option<f64> {
        let idle = self.split().map_or(0, |s| s.idle_us);
        match (self.first_activity_us, self.last_end_us) {
            (Some(a), Some(b)) if b + self.time_resolution_us - idle > a => {
                Some((b + self.time_resolution_us - idle - a) as f64 / 1e6)
            }
            _ => None,
        }
    }

    /// Runs appended to one file, found by their idle gaps.
    pub fn split(&self) -> Option<Split> {
        self.activity.as_ref().and_then(Activity::split)
    }

    /// The plain-data view of this run.
    pub fn summary(&self) -> RunSummary {
        let mut warnings = self.diagnostics.warnings.clone();
        if let Some(split) = self.split() {
            warnings.push(format!(
                "the file holds {} runs appended to one another (idle gaps of {} in all, the longest {} from {}): duration and rates use the {} the requests were active, not the {} span",
                split.runs,
                human_duration(split.idle_us),
                human_duration(split.longest_us),
                format_rfc3339(split.longest_at_us),
                human_duration(split.span_us - split.idle_us),
                human_duration(split.span_us),
            ));
        }
        if self.diagnostics.clamped > 0 {
            warnings.push(format!(
                "{} durations were negative, not a number, or longer than an hour, and were clamped",
                self.diagnostics.clamped
            ));
        }
        if self.diagnostics.implausible_times > 0 {
            warnings.push(format!(
                "{} timestamps lay more than 3,000 years from 1970 and were left out of the timeline (their requests still count)",
                self.diagnostics.implausible_times
            ));
        }
        if self.diagnostics.skipped_lines > 0 {
            warnings.push(format!(
                "{} lines could not be read and were skipped (first: {})",
                self.diagnostics.skipped_lines,
                self.diagnostics
                    .examples
                    .iter()
                    .map(|e| format!("line {}: {}", e.line, e.reason))
                    .collect::<Vec<_>>()
                    .join("; ")
            ));
        }
        let mut s = RunSummary {
            source: self.source.clone(),
            format: self.format,
            reported_by: ReportedBy::Samples,
            start: None,
            duration_s: None,
            requests: None,
            errors: None,
            error_rate: None,
            rps: None,
            latency_ms: LatencyMs::default(),
            endpoints: Vec::new(),
            warnings,
            peak_concurrency: self.peak_concurrency,
            status_codes: BTreeMap::new(),
            checks: (self.checks.passes + self.checks.fails > 0).then_some(self.checks),
            skipped_lines: self.diagnostics.skipped_lines,
            skipped_examples: self.diagnostics.examples.clone(),
            timeline: TimelineSummary::default(),
            distribution: Vec::new(),
            thresholds: self.thresholds.clone(),
            failures: self.failures.clone(),
            transactions: self
                .transactions
                .iter()
                .map(|(name, t)| EndpointSummary {
                    name: name.to_string(),
                    method: None,
                    requests: Some(t.requests),
                    errors: Some(t.errors),
                    error_rate: rate(Some(t.errors), Some(t.requests)),
                    rps: None,
                    latency_ms: t.latency(),
                    status_codes: statuses(t),
                    groups: Vec::new(),
                    scenarios: Vec::new(),
                })
                .collect(),
            partial: false,
            partial_reason: self.partial_reason(),
        };
        s.partial = s.partial_reason.is_some();
        if !self.has_samples() {
            if let Some(tool) = &self.tool {
                s.reported_by = ReportedBy::Tool;
                s.start = tool.start_us.map(format_rfc3339);
                s.duration_s = tool.duration_s;
                s.requests = tool.requests;
                s.errors = tool.errors;
                s.error_rate = rate(tool.errors, tool.requests);
                s.rps = tool.rps;
                s.latency_ms = tool.latency_ms;
                s.endpoints = tool.endpoints.clone();
                s.status_codes = tool.status_codes.clone();
                s.checks = tool.checks.or(s.checks);
                s.peak_concurrency = tool.peak_concurrency.or(s.peak_concurrency);
                s.timeline = tool.timeline.clone();
                s.distribution = tool.distribution.clone();
                return s;
            }
        }
        let duration = self.duration_s();
        s.start = if self.relative_time {
            None
        } else {
            self.first_activity_us.map(format_rfc3339)
        };
        s.duration_s = duration;
        s.requests = Some(self.overall.requests);
        s.errors = Some(self.overall.errors);
        s.error_rate = rate(Some(self.overall.errors), Some(self.overall.requests));
        let per_s = |n: u64| duration.map(|d| n as f64 / d);
        s.rps = per_s(self.overall.requests);
        s.latency_ms = self.overall.latency();
        s.status_codes = statuses(&self.overall);
        let mut endpoints: Vec<EndpointSummary> = self
            .endpoints
            .iter()
            .map(|ep| {
                let several = self.index.get(&ep.name).is_some_and(|m| m.len() > 1);
                let name = if several && !ep.method.is_empty() {
                    format!("{} {}", ep.method, ep.name)
                } else {
                    ep.name.to_string()
                };
                EndpointSummary {
                    name,
                    method: (!ep.method.is_empty()).then(|| ep.method.to_string()),
                    requests: Some(ep.series.requests),
                    errors: Some(ep.series.errors),
                    error_rate: rate(Some(ep.series.errors), Some(ep.series.requests)),
                    rps: per_s(ep.series.requests),
                    latency_ms: ep.series.latency(),
                    status_codes: statuses(&ep.series),
                    groups: ep.groups.iter().map(|g| g.to_string()).collect(),
                    scenarios: ep.scenarios.iter().map(|g| g.to_string()).collect(),
                }
            })
            .collect();
        endpoints.sort_by(|a, b| a.name.cmp(&b.name));
        s.endpoints = endpoints;
        s.timeline = self.timeline_summary();
        s.distribution = distribution(&self.overall.hist, self.overall.min_ms, self.overall.max_ms);
        if self.errors_unknown {
            s.errors = None;
            s.error_rate = None;
            for e in &mut s.endpoints {
                e.errors = None;
                e.error_rate = None;
            }
        }
        s
    }

    fn timeline_summary(&self) -> TimelineSummary {
        let origin = self.timeline.origin_us();
        let width = self.timeline.width_us();
        let start = self.first_activity_us.unwrap_or(origin);
        // Windows keep no exact min/max of their own: the run's bound them.
        let (min, max) = (self.overall.min_ms, self.overall.max_ms);
        let q =
            |h: &hdrhistogram::Histogram<u32>, p: f64| crate::series::percentile_ms(h, p, min, max);
        TimelineSummary {
            bucket_s: width as f64 / 1e6,
            points: self
                .timeline
                .buckets()
                .enumerate()
                .map(|(i, b)| TimelinePoint {
                    t_s: (origin + i as i64 * width - start) as f64 / 1e6,
                    requests: b.requests,
                    errors: b.errors,
                    p50_ms: q(&b.hist, 0.50),
                    p95_ms: q(&b.hist, 0.95),
                    p99_ms: q(&b.hist, 0.99),
                    concurrency: b.concurrency,
                })
                .collect(),
        }
    }
}

fn rate(errors: Option<u64>, requests: Option<u64>) -> Option<f64> {
    match (errors, requests) {
        (Some(e), Some(n)) if n > 0 => Some(e as f64 / n as f64),
        _ => None,
    }
}

fn statuses(s: &Series) -> BTreeMap<String, u64> {
    s.statuses
        .iter()
        .map(|(k, v)| (k.to_string(), *v))
        .collect()
}

/// The percentile spectrum (as HdrHistogram's `outputPercentileDistribution`,
/// 4 ticks per halving of 1 − p: about 4·log2(n) points, so it stays small),
/// each value clamped to the exact `[min_ms, max_ms]` like every percentile.
pub(crate) fn distribution(
    h: &hdrhistogram::Histogram<u64>,
    min_ms: f64,
    max_ms: f64,
) -> Vec<PercentilePoint> {
    if h.is_empty() {
        return Vec::new();
    }
    let mut out: Vec<PercentilePoint> = Vec::new();
    for v in h.iter_quantiles(4) {
        let p = PercentilePoint {
            percentile: v.quantile_iterated_to() * 100.0,
            value_ms: crate::series::clamp_to_range(
                v.value_iterated_to() as f64 / 1000.0,
                min_ms,
                max_ms,
            ),
            count: 0,
        };
        if out.last().is_some_and(|l| l.percentile == p.percentile) {
            continue;
        }
        out.push(p);
    }
    let total = h.len();
    for p in &mut out {
        p.count = ((p.percentile / 100.0) * total as f64).round() as u64;
    }
    out
}
