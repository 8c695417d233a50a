//! Locust `--csv PREFIX` → `PREFIX_stats_history.csv`: appended every second
//! while the test runs, one `Aggregated` row per write (plus one row per
//! endpoint with `--csv-full-history`):
//!
//! ```text
//! Timestamp,User Count,Type,Name,Requests/s,Failures/s,50%,66%,…,100%,Total Request Count,Total Failure Count,Total Median Response Time,Total Average Response Time,Total Min Response Time,Total Max Response Time,Total Average Content Size
//! 1795311514,6,,Aggregated,3.000000,0.000000,23,30,34,46,64,75,110,110,110,110,110,26,0,27,33.42,4.72,107.29,488.73
//! ```
//!
//! Upstream: locustio/locust `locust/stats.py` (`_stats_history_data_rows`).
//! The timeline comes from the `Aggregated` rows: requests and failures of a
//! window are the differences of the cumulative `Total … Count` columns
//! between consecutive rows (exact), concurrency is `User Count`. The
//! percentile columns are Locust's own: with `--csv-full-history` (detected
//! by per-endpoint rows) they cover Locust's rolling ~10 s window and are
//! shown per window; without it Locust writes cumulative percentiles, which
//! say nothing about one window, so they are left out. A row whose
//! percentiles are all `0` is Locust's "no rolling window yet" and has none.
//! `Requests/s` is Locust's rolling average and is not used.
//!
//! Read alone, the last rows give the run's totals (count, failures, median,
//! mean, min, max; no other percentile). Read together with the same
//! prefix's `_stats.csv` (see [`crate::group`]), the stats file's numbers win.

use std::collections::BTreeMap;

use crate::decoder::{Decoder, FormatSpec};
use crate::error::IngestError;
use crate::format::Format;
use crate::formats::locust::csv::{
    count, is_total_row, number, sniff_header, CsvRecords, Header, LocustCsv, NAME, TYPE,
};
use crate::formats::shared::csv::Fields;
use crate::formats::shared::tool_timeline::{summarize, OnFold, ToolWindow};
use crate::options::IngestOptions;
use crate::run::{Run, ToolReport, MAX_ENDPOINTS};
use crate::summary::{EndpointSummary, LatencyMs};
use crate::time::Micros;

/// Registry entry.
pub const SPEC: FormatSpec = FormatSpec {
    format: Format::LocustHistoryCsv,
    description: "Locust --csv PREFIX_stats_history.csv (per-second totals and user count)",
    raw_samples: false,
    sniff,
    priority: 20,
    extensions: &["_stats_history.csv", "_stats_history.csv.gz"],
    new_decoder,
};

const TIMESTAMP: &[&str] = &["Timestamp"];
const USERS: &[&str] = &["User Count", "User count", "Users"];
const TOTAL_REQUESTS: &[&str] = &["Total Request Count", "Total # requests", "# requests"];
const TOTAL_FAILURES: &[&str] = &["Total Failure Count", "Total # failures", "# failures"];
const TOTAL_MEDIAN: &[&str] = &["Total Median Response Time", "Median Response Time"];
const TOTAL_AVERAGE: &[&str] = &["Total Average Response Time", "Average Response Time"];
const TOTAL_MIN: &[&str] = &["Total Min Response Time", "Min Response Time"];
const TOTAL_MAX: &[&str] = &["Total Max Response Time", "Max Response Time"];

fn sniff(prefix: &[u8], eof: bool) -> bool {
    sniff_header(prefix, eof)
        .is_some_and(|h| h.has(TIMESTAMP) && h.has(USERS) && h.has(NAME) && h.has(TOTAL_REQUESTS))
}

fn new_decoder(_: &IngestOptions) -> Box<dyn Decoder> {
    Box::new(CsvRecords::<HistoryFile>::default())
}

#[derive(Debug, Clone)]
struct Columns {
    timestamp: usize,
    users: Option<usize>,
    kind: Option<usize>,
    name: usize,
    requests: usize,
    failures: Option<usize>,
    median: Option<usize>,
    average: Option<usize>,
    min: Option<usize>,
    max: Option<usize>,
    p50: Option<usize>,
    p95: Option<usize>,
    p99: Option<usize>,
    all_percentiles: Vec<usize>,
}

impl Columns {
    fn from_header(h: &Header) -> Option<Columns> {
        let pct = |p: f64| {
            h.percentiles()
                .into_iter()
                .find(|(_, x)| (*x - p).abs() < 1e-9)
                .map(|(i, _)| i)
        };
        Some(Columns {
            timestamp: h.find(TIMESTAMP)?,
            users: h.find(USERS),
            kind: h.find(TYPE),
            name: h.find(NAME)?,
            requests: h.find(TOTAL_REQUESTS)?,
            failures: h.find(TOTAL_FAILURES),
            median: h.find(TOTAL_MEDIAN),
            average: h.find(TOTAL_AVERAGE),
            min: h.find(TOTAL_MIN),
            max: h.find(TOTAL_MAX),
            p50: pct(50.0),
            p95: pct(95.0),
            p99: pct(99.0),
            all_percentiles: h.percentiles().into_iter().map(|(i, _)| i).collect(),
        })
    }
}

/// An endpoint's (or the total's) cumulative figures on its latest row.
#[derive(Debug, Clone, Default)]
struct Totals {
    requests: u64,
    failures: u64,
    latency: LatencyMs,
}

/// The per-row part of the decoder.
#[derive(Debug, Default)]
struct HistoryFile {
    first_ts: Option<Micros>,
    last_ts: Option<Micros>,
    /// Smallest gap between two Aggregated rows: the write interval.
    interval_us: Option<i64>,
    previous: Option<(Micros, Totals)>,
    windows: Vec<ToolWindow>,
    /// Requests counted before the first row's timestamp, added to the first window.
    carried: (u64, u64),
    total: Option<Totals>,
    endpoints: BTreeMap<(String, String), Totals>,
    full_history: bool,
    peak_users: Option<f64>,
    resets: u64,
}

impl LocustCsv for HistoryFile {
    type Columns = Columns;
    const EXPECTED: &'static str =
        "expected Locust's history header (Timestamp,User Count,Type,Name,…)";

    fn columns(h: &Header) -> Option<Columns> {
        Columns::from_header(h)
    }

    fn row(&mut self, run: &mut Run, n: u64, cols: &Columns, fields: &Fields<'_>) {
        let cell = |i: Option<usize>| i.and_then(|i| fields.get(i));
        let Some(ts) = number(cell(Some(cols.timestamp))).filter(|t| *t > 0.0 && *t < 1e11) else {
            return run.skip_line(n, "Timestamp is not unix seconds");
        };
        let t = (ts * 1e6).round() as Micros;
        let Some(requests) = count(cell(Some(cols.requests))) else {
            return run.skip_line(n, "Total Request Count is not a number");
        };
        let totals = Totals {
            requests,
            failures: count(cell(cols.failures)).unwrap_or(0),
            latency: if requests == 0 {
                LatencyMs::default()
            } else {
                LatencyMs {
                    min: number(cell(cols.min)),
                    mean: number(cell(cols.average)),
                    p50: number(cell(cols.median)),
                    max: number(cell(cols.max)),
                    ..LatencyMs::default()
                }
            },
        };
        let users = number(cell(cols.users));
        if let Some(u) = users {
            self.peak_users = Some(self.peak_users.map_or(u, |p| p.max(u)));
        }
        let kind = cell(cols.kind).unwrap_or("").trim();
        let name = cell(Some(cols.name)).unwrap_or("");
        if !is_total_row(kind, name) {
            self.full_history = true;
            let key = (kind.to_string(), name.to_string());
            if self.endpoints.len() < MAX_ENDPOINTS || self.endpoints.contains_key(&key) {
                self.endpoints.insert(key, totals);
            }
            return;
        }
        let rolling = |i: Option<usize>| number(cell(i));
        let all_zero = cols
            .all_percentiles
            .iter()
            .all(|&i| number(cell(Some(i))) == Some(0.0));
        let (p50, p95, p99) = if all_zero {
            (None, None, None)
        } else {
            (rolling(cols.p50), rolling(cols.p95), rolling(cols.p99))
        };
        self.first_ts = Some(self.first_ts.map_or(t, |f| f.min(t)));
        self.last_ts = Some(self.last_ts.map_or(t, |l| l.max(t)));
        match &self.previous {
            None => self.carried = (totals.requests, totals.failures),
            Some((prev_t, prev)) => {
                if t > *prev_t {
                    self.interval_us =
                        Some(self.interval_us.map_or(t - prev_t, |i| i.min(t - prev_t)));
                }
                // Counters only grow, unless Locust reset its stats (--reset-stats).
                let (dr, df) = if totals.requests < prev.requests {
                    self.resets += 1;
                    (totals.requests, totals.failures)
                } else {
                    (
                        totals.requests - prev.requests,
                        totals.failures.saturating_sub(prev.failures),
                    )
                };
                let (cr, cf) = std::mem::take(&mut self.carried);
                self.windows.push(ToolWindow {
                    start_us: *prev_t,
                    requests: dr + cr,
                    errors: df + cf,
                    p50_ms: p50,
                    p95_ms: p95,
                    p99_ms: p99,
                    concurrency: users,
                });
            }
        }
        self.previous = Some((t, totals.clone()));
        self.total = Some(totals);
    }

    fn end(&mut self, run: &mut Run) -> Result<(), IngestError> {
        run.tool = Some(self.report(run));
        Ok(())
    }
}

impl HistoryFile {
    fn report(&mut self, run: &mut Run) -> ToolReport {
        let mut tool = ToolReport {
            peak_concurrency: self.peak_users,
            start_us: self.first_ts,
            ..ToolReport::default()
        };
        let Some(total) = self.total.clone() else {
            run.warn("the history file has no Aggregated rows");
            return tool;
        };
        if self.windows.is_empty() {
            // A single row: everything so far is one window.
            if let Some((t, _)) = &self.previous {
                self.windows.push(ToolWindow {
                    start_us: *t,
                    requests: total.requests,
                    errors: total.failures,
                    ..ToolWindow::default()
                });
            }
        }
        if !self.full_history {
            for w in &mut self.windows {
                (w.p50_ms, w.p95_ms, w.p99_ms) = (None, None, None);
            }
        }
        if self.resets > 0 {
            run.warn(format!(
                "Locust's counters went back {} time(s) (stats reset during the run); windows after a reset count from it",
                self.resets
            ));
        }
        let duration = match (self.first_ts, self.last_ts) {
            (Some(a), Some(b)) if b > a => Some((b - a) as f64 / 1e6),
            _ => None,
        };
        let width_s = self.interval_us.map_or(1.0, |i| i as f64 / 1e6);
        let (timeline, note) = summarize(
            std::mem::take(&mut self.windows),
            self.first_ts.unwrap_or(0),
            width_s,
            OnFold::KeepLater,
        );
        if let Some(n) = note {
            run.warn(n);
        }
        tool.timeline = timeline;
        tool.duration_s = duration;
        tool.requests = Some(total.requests);
        tool.errors = Some(total.failures);
        tool.rps = duration.map(|d| total.requests as f64 / d);
        tool.latency_ms = total.latency;
        let mut per_name: BTreeMap<&str, usize> = BTreeMap::new();
        for (_, name) in self.endpoints.keys() {
            *per_name.entry(name).or_default() += 1;
        }
        tool.endpoints = self
            .endpoints
            .iter()
            .map(|((kind, name), t)| EndpointSummary {
                name: if per_name.get(name.as_str()).is_some_and(|n| *n > 1) && !kind.is_empty() {
                    format!("{kind} {name}")
                } else {
                    name.clone()
                },
                method: (!kind.is_empty()).then(|| kind.clone()),
                requests: Some(t.requests),
                errors: Some(t.failures),
                error_rate: (t.requests > 0).then(|| t.failures as f64 / t.requests as f64),
                rps: duration.map(|d| t.requests as f64 / d),
                latency_ms: t.latency,
                status_codes: BTreeMap::new(),
                groups: Vec::new(),
                scenarios: Vec::new(),
            })
            .collect();
        tool
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::Session;

    const HEADER: &str = "Timestamp,User Count,Type,Name,Requests/s,Failures/s,50%,95%,99%,100%,Total Request Count,Total Failure Count,Total Median Response Time,Total Average Response Time,Total Min Response Time,Total Max Response Time,Total Average Content Size";

    fn read(text: &str) -> crate::summary::RunSummary {
        Session::read_all("input", IngestOptions::default(), text.as_bytes())
            .expect("reads")
            .summary()
    }

    #[test]
    fn sniffs_history_only() {
        assert!(sniff(HEADER.as_bytes(), true));
        assert!(!sniff(
            b"Type,Name,Request Count,Failure Count,Median Response Time",
            true
        ));
        assert!(!sniff(b"Timestamp,elapsed,label,responseCode", true));
    }

    #[test]
    fn windows_are_differences_of_cumulative_counts() {
        let text = format!(
            "{HEADER}\n100,0,,Aggregated,0,0,N/A,N/A,N/A,N/A,0,0,0,0.0,0,0,0\n\
             101,2,GET,/a,0,0,10,20,20,20,3,1,10,11,5,20,1\n\
             101,2,,Aggregated,0,0,10,20,20,20,3,1,10,11,5,20,1\n\
             102,4,GET,/a,0,0,0,0,0,0,3,1,10,11,5,20,1\n\
             102,4,,Aggregated,0,0,0,0,0,0,3,1,10,11,5,20,1\n\
             103,3,GET,/a,0,0,12,30,30,30,7,1,11,12,5,30,1\n\
             103,3,,Aggregated,0,0,12,30,30,30,7,1,11,12,5,30,1\n"
        );
        let s = read(&text);
        assert_eq!(s.format, Format::LocustHistoryCsv);
        assert_eq!(s.requests, Some(7));
        assert_eq!(s.errors, Some(1));
        assert_eq!(s.peak_concurrency, Some(4.0));
        assert_eq!(s.duration_s, Some(3.0));
        assert_eq!(s.latency_ms.p50, Some(11.0));
        assert_eq!(s.latency_ms.p95, None);
        let t = &s.timeline;
        assert_eq!(t.bucket_s, 1.0);
        let counts: Vec<(f64, u64, u64)> = t
            .points
            .iter()
            .map(|p| (p.t_s, p.requests, p.errors))
            .collect();
        assert_eq!(counts, [(0.0, 3, 1), (1.0, 0, 0), (2.0, 4, 0)]);
        assert_eq!(t.points[0].p95_ms, Some(20.0));
        assert_eq!(
            t.points[1].p95_ms, None,
            "all-zero percentiles mean no rolling window"
        );
        assert_eq!(t.points[2].concurrency, Some(3.0));
        assert_eq!(s.endpoints.len(), 1);
        assert_eq!(s.endpoints[0].requests, Some(7));
    }

    #[test]
    fn aggregated_only_history_has_no_window_percentiles() {
        let text = format!(
            "{HEADER}\n100,1,,Aggregated,0,0,10,20,20,20,3,0,10,11,5,20,1\n105,1,,Aggregated,0,0,12,30,30,30,9,0,11,12,5,30,1\n"
        );
        let s = read(&text);
        assert_eq!(s.timeline.bucket_s, 5.0);
        assert_eq!(s.timeline.points.len(), 1);
        assert_eq!(
            s.timeline.points[0].requests, 9,
            "requests before the first row join the first window"
        );
        assert_eq!(s.timeline.points[0].p95_ms, None);
    }

    #[test]
    fn a_single_row_and_a_reset() {
        let one = read(&format!(
            "{HEADER}\n100,1,,Aggregated,0,0,10,20,20,20,3,0,10,11,5,20,1\n"
        ));
        assert_eq!(one.timeline.points.len(), 1);
        assert_eq!(one.duration_s, None);
        let reset = read(&format!(
            "{HEADER}\n100,1,,Aggregated,0,0,1,1,1,1,0,0,1,1,1,1,1\n101,1,,Aggregated,0,0,1,1,1,1,50,0,1,1,1,1,1\n\
             102,1,,Aggregated,0,0,1,1,1,1,4,0,1,1,1,1,1\nbad,row\n"
        ));
        let counts: Vec<u64> = reset.timeline.points.iter().map(|p| p.requests).collect();
        assert_eq!(
            counts,
            [50, 4],
            "after a reset a window counts from the reset"
        );
        assert_eq!(reset.requests, Some(4));
        assert_eq!(reset.skipped_lines, 1);
        assert!(reset.warnings.iter().any(|w| w.contains("reset")));
    }
}
