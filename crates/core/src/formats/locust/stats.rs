//! Locust `--csv PREFIX` → `PREFIX_stats.csv`: one row per (method, name)
//! and a last `Aggregated` row, with Locust's own totals:
//!
//! ```text
//! Type,Name,Request Count,Failure Count,Median Response Time,Average Response Time,Min Response Time,Max Response Time,Average Content Size,Requests/s,Failures/s,50%,66%,75%,80%,90%,95%,98%,99%,99.9%,99.99%,100%
//! GET,GET /api/items,2847,11,24,25.99,8.61,98.60,1267.17,38.36,0.15,24,28,30,32,37,41,48,54,75,99,99
//! ,Aggregated,9380,42,22,29.90,1.17,985.93,429.97,126.38,0.57,22,29,35,40,57,74,100,130,660,990,990
//! ```
//!
//! Upstream: locustio/locust `locust/stats.py` (`StatsCSV.requests_csv`).
//! Everything here is Locust's own figure and is copied as is: counts,
//! `Requests/s` (count over the time from the first to the last request),
//! min/mean/max (exact), and percentiles, which Locust computes from response
//! times rounded to 2 significant digits (`147 → 150`, `3432 → 3400`) and
//! reports as whole milliseconds. The percentile columns are whatever
//! `PERCENTILES_TO_REPORT` held; a column we do not find is `None`.
//!
//! Locust before 0.9 counted failed requests apart from `# requests` (and
//! without a response time); a row with more failures than requests can only
//! come from such a version, and then requests are taken as the sum.

use std::collections::BTreeMap;

use crate::decoder::{Decoder, FormatSpec};
use crate::error::IngestError;
use crate::format::Format;
use crate::formats::locust::csv::{
    count, is_total_row, number, sniff_header, CsvRecords, Header, LocustCsv, AVERAGE, FAILURES,
    MAX, MEDIAN, MIN, NAME, REQUESTS, RPS, TYPE,
};
use crate::formats::shared::csv::Fields;
use crate::options::IngestOptions;
use crate::run::{Run, ToolReport, MAX_ENDPOINTS};
use crate::summary::{EndpointSummary, LatencyMs};

/// Registry entry.
pub const SPEC: FormatSpec = FormatSpec {
    format: Format::LocustStatsCsv,
    description: "Locust --csv PREFIX_stats.csv (Locust's own totals per endpoint)",
    raw_samples: false,
    sniff,
    priority: 20,
    extensions: &["_stats.csv", "_stats.csv.gz"],
    new_decoder,
};

fn sniff(prefix: &[u8], eof: bool) -> bool {
    sniff_header(prefix, eof).is_some_and(|h| {
        h.has(NAME)
            && h.has(REQUESTS)
            && h.has(MEDIAN)
            && !h.has(&["Timestamp"])
            && !h.has(&["User Count"])
    })
}

fn new_decoder(_: &IngestOptions) -> Box<dyn Decoder> {
    Box::new(CsvRecords::<StatsFile>::default())
}

/// One row as Locust wrote it.
#[derive(Debug, Clone, Default)]
struct Row {
    kind: String,
    name: String,
    requests: u64,
    failures: u64,
    rps: Option<f64>,
    latency: LatencyMs,
}

#[derive(Debug, Clone)]
struct Columns {
    kind: Option<usize>,
    name: usize,
    requests: usize,
    failures: Option<usize>,
    median: Option<usize>,
    average: Option<usize>,
    min: Option<usize>,
    max: Option<usize>,
    rps: Option<usize>,
    percentiles: Vec<(usize, f64)>,
}

impl Columns {
    fn from_header(h: &Header) -> Option<Columns> {
        Some(Columns {
            kind: h.find(TYPE),
            name: h.find(NAME)?,
            requests: h.find(REQUESTS)?,
            failures: h.find(FAILURES),
            median: h.find(MEDIAN),
            average: h.find(AVERAGE),
            min: h.find(MIN),
            max: h.find(MAX),
            rps: h.find(RPS),
            percentiles: h.percentiles(),
        })
    }

    fn percentile(&self, fields: &Fields<'_>, pct: f64) -> Option<f64> {
        let (i, _) = self
            .percentiles
            .iter()
            .find(|(_, p)| (*p - pct).abs() < 1e-9)?;
        number(fields.get(*i))
    }
}

/// The per-row part of the decoder.
#[derive(Debug, Default)]
struct StatsFile {
    rows: Vec<Row>,
    total: Option<Row>,
    /// Rows beyond [`MAX_ENDPOINTS`]: counted, not listed.
    dropped: Row,
    dropped_rows: u64,
}

impl LocustCsv for StatsFile {
    type Columns = Columns;
    const EXPECTED: &'static str = "expected Locust's stats header (Type,Name,Request Count,…)";

    fn columns(h: &Header) -> Option<Columns> {
        Columns::from_header(h)
    }

    fn row(&mut self, run: &mut Run, n: u64, cols: &Columns, fields: &Fields<'_>) {
        let cell = |i: Option<usize>| i.and_then(|i| fields.get(i));
        let Some(requests) = count(cell(Some(cols.requests))) else {
            return run.skip_line(n, "Request Count is not a number");
        };
        let kind = cell(cols.kind).unwrap_or("").trim().to_string();
        let name = cell(Some(cols.name)).unwrap_or("").to_string();
        let latency = if requests == 0 {
            LatencyMs::default()
        } else {
            LatencyMs {
                min: number(cell(cols.min)),
                mean: number(cell(cols.average)),
                p50: cols
                    .percentile(fields, 50.0)
                    .or_else(|| number(cell(cols.median))),
                p90: cols.percentile(fields, 90.0),
                p95: cols.percentile(fields, 95.0),
                p99: cols.percentile(fields, 99.0),
                p999: cols.percentile(fields, 99.9),
                max: number(cell(cols.max)),
            }
        };
        let row = Row {
            requests,
            failures: count(cell(cols.failures)).unwrap_or(0),
            rps: number(cell(cols.rps)),
            latency,
            kind,
            name,
        };
        if is_total_row(&row.kind, &row.name) {
            self.total = Some(row);
        } else if self.rows.len() < MAX_ENDPOINTS {
            self.rows.push(row);
        } else {
            self.dropped_rows += 1;
            self.dropped.requests += row.requests;
            self.dropped.failures += row.failures;
        }
    }

    fn end(&mut self, run: &mut Run) -> Result<(), IngestError> {
        if self.dropped_rows > 0 {
            run.warn(format!(
                "more than {MAX_ENDPOINTS} endpoints; {} more rows count in the totals only (Locust's percentiles of separate rows cannot be combined)",
                self.dropped_rows
            ));
        }
        let mut tool = report(&self.rows, self.total.as_ref(), run);
        if self.total.is_none() && self.dropped_rows > 0 {
            tool.requests = tool.requests.map(|r| r + self.dropped.requests);
            tool.errors = tool.errors.map(|e| e + self.dropped.failures);
        }
        run.tool = Some(tool);
        Ok(())
    }
}

fn endpoints(rows: &[Row], separate_failures: bool) -> Vec<EndpointSummary> {
    let mut methods_per_name: BTreeMap<&str, usize> = BTreeMap::new();
    for r in rows {
        *methods_per_name.entry(&r.name).or_default() += 1;
    }
    rows.iter()
        .map(|r| {
            let requests = if separate_failures {
                r.requests + r.failures
            } else {
                r.requests
            };
            let several = methods_per_name
                .get(r.name.as_str())
                .is_some_and(|n| *n > 1);
            EndpointSummary {
                name: if several && !r.kind.is_empty() {
                    format!("{} {}", r.kind, r.name)
                } else {
                    r.name.clone()
                },
                method: (!r.kind.is_empty()).then(|| r.kind.clone()),
                requests: Some(requests),
                errors: Some(r.failures),
                error_rate: (requests > 0).then(|| r.failures as f64 / requests as f64),
                rps: r.rps,
                latency_ms: r.latency,
                status_codes: BTreeMap::new(),
                groups: Vec::new(),
                scenarios: Vec::new(),
            }
        })
        .collect()
}

/// Locust's totals as a tool report (shared with the history reader's last rows).
fn report(rows: &[Row], total: Option<&Row>, run: &mut Run) -> ToolReport {
    let separate_failures = rows.iter().chain(total).any(|r| r.failures > r.requests);
    if separate_failures {
        run.warn(
            "failures exceed requests: this Locust version (before 0.9) counted failed requests apart from \
             successful ones, so requests here are the sum of both",
        );
    }
    let mut tool = ToolReport {
        endpoints: endpoints(rows, separate_failures),
        ..ToolReport::default()
    };
    match total {
        Some(t) => {
            let requests = if separate_failures {
                t.requests + t.failures
            } else {
                t.requests
            };
            tool.requests = Some(requests);
            tool.errors = Some(t.failures);
            tool.rps = t.rps;
            tool.latency_ms = t.latency;
            // Locust's Requests/s is count / (last request − first request).
            tool.duration_s = t.rps.filter(|r| *r > 0.0).map(|r| t.requests as f64 / r);
        }
        None if !rows.is_empty() => {
            run.warn("no Aggregated row: totals are the sum of the endpoint rows, and overall latency is unknown");
            tool.requests = Some(tool.endpoints.iter().filter_map(|e| e.requests).sum());
            tool.errors = Some(rows.iter().map(|r| r.failures).sum());
        }
        None => run.warn("the stats file has a header but no rows"),
    }
    tool
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::Session;

    const HEADER: &str = "Type,Name,Request Count,Failure Count,Median Response Time,Average Response Time,Min Response Time,Max Response Time,Average Content Size,Requests/s,Failures/s,50%,66%,75%,80%,90%,95%,98%,99%,99.9%,99.99%,100%";

    #[test]
    fn sniffs_the_stats_header_only() {
        assert!(sniff(HEADER.as_bytes(), true));
        assert!(sniff(format!("\u{feff}{HEADER}\r\n").as_bytes(), false));
        assert!(sniff(br##""Method","Name","# requests","# failures","Median response time","Average response time""##, true));
        assert!(!sniff(b"Timestamp,User Count,Type,Name,Requests/s,Failures/s,50%,Total Request Count,Total Median Response Time", true));
        assert!(!sniff(b"Method,Name,Error,Occurrences", true));
        assert!(!sniff(b"metric_name,timestamp,metric_value", true));
        assert!(!sniff(b"Type,Name,Request Count", false));
    }

    #[test]
    fn names_with_commas_and_same_name_two_methods() {
        let text = format!(
            "{HEADER}\nGET,\"/a,b\",10,1,5,5.5,1,9,0,2,0.2,5,5,5,6,7,8,9,9,9,9,9\nGET,/x,4,0,3,3,2,4,0,1,0,3,3,3,3,4,4,4,4,4,4,4\nPOST,/x,2,0,3,3,2,4,0,1,0,3,3,3,3,4,4,4,4,4,4,4\n,Aggregated,16,1,4,4.1,1,9,0,4,0.2,4,5,5,5,7,8,9,9,9,9,9\n"
        );
        let s = Session::read_all("input", IngestOptions::default(), text.as_bytes())
            .expect("reads")
            .summary();
        assert_eq!(s.format, Format::LocustStatsCsv);
        assert_eq!(s.requests, Some(16));
        assert_eq!(s.errors, Some(1));
        assert_eq!(s.latency_ms.p95, Some(8.0));
        assert_eq!(s.latency_ms.p50, Some(4.0));
        let names: Vec<&str> = s.endpoints.iter().map(|e| e.name.as_str()).collect();
        assert_eq!(names, ["/a,b", "GET /x", "POST /x"]);
        assert_eq!(s.duration_s, Some(4.0));
    }

    #[test]
    fn zero_request_rows_have_no_latency_and_bad_rows_are_skipped() {
        let text = format!("{HEADER}\nGET,/a,0,0,0,0,0,0,0,0,0,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A\nGET,/b,many,0\n,Aggregated,0,0,0,0,0,0,0,0,0,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A\n");
        let s = Session::read_all("x_stats.csv", IngestOptions::default(), text.as_bytes())
            .expect("reads")
            .summary();
        assert_eq!(s.requests, Some(0));
        assert_eq!(s.latency_ms, LatencyMs::default());
        assert_eq!(s.skipped_lines, 1);
        assert_eq!(s.endpoints[0].latency_ms.min, None);
    }

    #[test]
    fn pre_0_9_failures_are_added_to_requests() {
        let text = "\"Method\",\"Name\",\"# requests\",\"# failures\",\"Median response time\",\"Average response time\",\"Min response time\",\"Max response time\",\"Average Content Size\",\"Requests/s\"\n\"POST\",\"/api\",39,70,420,427,324,570,703,13.0\n\"None\",\"Total\",39,70,420,427,324,570,703,13.0\n";
        let s = Session::read_all("input", IngestOptions::default(), text.as_bytes())
            .expect("reads")
            .summary();
        assert_eq!(s.requests, Some(109));
        assert_eq!(s.errors, Some(70));
        assert_eq!(s.latency_ms.p50, Some(420.0));
        assert!(s.warnings.iter().any(|w| w.contains("before 0.9")));
    }
}
