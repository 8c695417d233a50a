//! Locust worker reports, one JSON object per line, as Taurus' Locust
//! executor logs them in distributed mode (`locust-workers.ldjson`):
//!
//! ```text
//! {"errors": {"b43c…": {"name": "/about/", "method": "GET", "occurrences": 2, "error": "HTTPError('404 Client Error: Not Found',)"}},
//!  "stats": [{"name": "/", "method": "GET", "num_requests": 2, "num_failures": 0, "response_times": {"44": 1, "37": 1},
//!             "num_reqs_per_sec": {"1441222540": 1, "1441222541": 1}, "total_response_time": 81, …}],
//!  "user_count": 3, "client_id": "trusty-virtual_f39c…"}
//! ```
//!
//! Each line is the message a Locust worker sends its master every few
//! seconds (`report_to_master`: `stats`, `errors`, `user_count`, and since
//! 0.9 `stats_total`); the content is Locust's, Taurus only writes it down
//! (Blazemeter/taurus `bzt/resources/locustio-taurus-wrapper.py`, read by
//! `bzt/modules/locustio.py` `WorkersReader`). A worker resets its stats after
//! each report, so the lines are deltas and add up to the run; `errors` are
//! deltas too. The stats entries are read exactly like [`crate::formats::locust::json`]
//! (buckets into histograms, exact counts), the errors become the failure
//! list, and concurrency at a line's last second is the sum over workers of
//! their latest `user_count`.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::decoder::{first_line, strip_bom, Decoder, FormatSpec};
use crate::error::IngestError;
use crate::format::Format;
use crate::formats::locust::json::EntryTotals;
use crate::formats::shared::rows::{Blank, NotUtf8, Records, Row, RowFormat, RowReader};
use crate::options::IngestOptions;
use crate::run::Run;
use crate::summary::FailureSummary;
use crate::time::Micros;

/// Registry entry.
pub const SPEC: FormatSpec = FormatSpec {
    format: Format::LocustWorkerLdjson,
    description: "Locust worker reports, one JSON per line (Taurus locust-workers.ldjson)",
    raw_samples: true,
    sniff,
    priority: 20,
    extensions: &[".ldjson", ".jsonl", ".ndjson"],
    new_decoder,
};

fn sniff(prefix: &[u8], eof: bool) -> bool {
    let p = strip_bom(prefix);
    let Some(start) = p.iter().position(|b| !b.is_ascii_whitespace()) else {
        return false;
    };
    if p[start] != b'{' {
        return false;
    }
    // The first line may be longer than the look-ahead: look at what we have.
    let line = first_line(p, eof).unwrap_or(&p[start..]);
    let has = |k: &[u8]| memchr::memmem::find(line, k).is_some();
    has(b"\"stats\"")
        && has(b"\"num_requests\"")
        && (has(b"\"num_reqs_per_sec\"") || has(b"\"response_times\""))
}

fn new_decoder(_: &IngestOptions) -> Box<dyn Decoder> {
    Box::new(
        RowReader::new(LocustWorkers::default())
            .with_records(Records::Lines)
            .with_not_utf8(NotUtf8::Replace)
            .with_blank(Blank::OnlyEmpty),
    )
}

/// Reads worker-report lines.
#[derive(Debug, Default)]
pub struct LocustWorkers {
    totals: EntryTotals,
    users_by_worker: BTreeMap<String, f64>,
    /// (method, name, error) → occurrences.
    errors: BTreeMap<(String, String, String), u64>,
    reports: u64,
}

fn latest_second(stats: &[Value]) -> Option<Micros> {
    let from_keys = stats
        .iter()
        .filter_map(|e| e.get("num_reqs_per_sec")?.as_object())
        .flat_map(|m| m.keys())
        .filter_map(|k| k.trim().parse::<f64>().ok())
        .fold(None, |acc: Option<f64>, s| {
            Some(acc.map_or(s, |a| a.max(s)))
        });
    let from_last = stats
        .iter()
        .filter_map(|e| e.get("last_request_timestamp")?.as_f64())
        .fold(None, |acc: Option<f64>, s| {
            Some(acc.map_or(s, |a| a.max(s)))
        });
    let s = from_keys.or(from_last)?;
    (s > 0.0 && s < 1e11).then(|| (s.floor() * 1e6) as Micros)
}

impl RowFormat for LocustWorkers {
    fn row(&mut self, run: &mut Run, row: Row<'_>) {
        let (n, text) = (row.line, row.bytes);
        if text.iter().all(u8::is_ascii_whitespace) {
            return;
        }
        let report: Value = match serde_json::from_slice(text) {
            Ok(v) => v,
            Err(e) => return run.skip_line(n, format!("not JSON: {e}")),
        };
        let Some(obj) = report.as_object() else {
            return run.skip_line(n, "not a JSON object");
        };
        let Some(stats) = obj.get("stats").and_then(Value::as_array) else {
            return run.skip_line(n, "no \"stats\" list: not a Locust worker report");
        };
        self.reports += 1;
        let old = EntryTotals::old_semantics(stats, Some(obj));
        for (i, e) in stats.iter().enumerate() {
            if !self.totals.add(e, old, run) {
                run.skip_line(
                    n,
                    format!("stats entry {} is not a Locust stats entry", i + 1),
                );
            }
        }
        if let Some(errors) = obj.get("errors").and_then(Value::as_object) {
            for err in errors.values() {
                let s = |k: &str| err.get(k).and_then(Value::as_str).unwrap_or("").to_string();
                // Locust spelled it "occurences" in some versions.
                let count = ["occurrences", "occurences"]
                    .iter()
                    .find_map(|k| err.get(*k)?.as_u64())
                    .unwrap_or(0);
                *self
                    .errors
                    .entry((s("method"), s("name"), s("error")))
                    .or_default() += count;
            }
        }
        if let Some(users) = obj.get("user_count").and_then(Value::as_f64) {
            let worker = obj
                .get("client_id")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string();
            self.users_by_worker.insert(worker, users);
            let all: f64 = self.users_by_worker.values().sum();
            run.concurrency(latest_second(stats), all);
        }
    }

    fn finish(&mut self, run: &mut Run, _lines: u64) -> Result<(), IngestError> {
        self.totals.finish(run);
        for ((method, name, error), count) in std::mem::take(&mut self.errors) {
            run.failures.push(FailureSummary {
                endpoint: (!name.is_empty()).then_some(name),
                method: (!method.is_empty() && method != "None").then_some(method),
                message: error,
                count,
            });
        }
        if self.reports > 0 && !run.has_samples() && run.tool.is_none() && run.overall.requests == 0
        {
            run.warn("the worker reports hold no requests");
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::Session;

    const A: &str = r#"{"errors": {"k1": {"name": "/about/", "method": "GET", "occurrences": 2, "error": "HTTPError('404')"}}, "stats": [{"response_times": {"44": 1, "37": 1}, "num_requests": 2, "num_reqs_per_sec": {"1441222540": 1, "1441222541": 1}, "total_response_time": 81, "method": "GET", "min_response_time": 37, "max_response_time": 44, "num_failures": 0, "total_content_length": 10, "last_request_timestamp": 1441222541, "start_time": 1441222540.7, "name": "/"}, {"response_times": {"2": 1}, "num_requests": 1, "num_reqs_per_sec": {"1441222541": 1}, "total_response_time": 2, "method": "GET", "min_response_time": 2, "max_response_time": 2, "num_failures": 2, "total_content_length": 2, "last_request_timestamp": 1441222541, "start_time": 1441222540.2, "name": "/about/"}], "user_count": 3, "client_id": "w1"}"#;
    const B: &str = r#"{"errors": {}, "stats": [{"response_times": {"40": 1}, "num_requests": 1, "num_reqs_per_sec": {"1441222544": 1}, "total_response_time": 40, "method": "GET", "min_response_time": 40, "max_response_time": 40, "num_failures": 0, "total_content_length": 1, "last_request_timestamp": 1441222544, "start_time": 1441222541.5, "name": "/"}], "user_count": 5, "client_id": "w2"}"#;

    #[test]
    fn sniffs_worker_reports_only() {
        assert!(sniff(A.as_bytes(), false));
        assert!(!sniff(br#"{"aggregate": {"counters": {}}}"#, true));
        assert!(!sniff(
            br#"{"metric":"http_reqs","type":"Point","data":{}}"#,
            true
        ));
        assert!(!sniff(
            br#"[{"name": "/", "num_requests": 1, "response_times": {}}]"#,
            true
        ));
    }

    #[test]
    fn deltas_add_up_and_workers_sum_to_concurrency() {
        let text = format!("{A}\n{B}\nnot json\n");
        let s = Session::read_all("input", IngestOptions::default(), text.as_bytes())
            .expect("reads")
            .summary();
        assert_eq!(s.format, Format::LocustWorkerLdjson);
        // Pre-0.9 reports: the 2 failures of /about/ come on top of its 1 request.
        assert_eq!(s.requests, Some(6));
        assert_eq!(s.errors, Some(2));
        assert_eq!(s.latency_ms.min, Some(2.0));
        assert_eq!(s.latency_ms.max, Some(44.0));
        assert_eq!(s.latency_ms.mean, Some(123.0 / 4.0));
        assert_eq!(s.peak_concurrency, Some(8.0));
        assert_eq!(s.failures.len(), 1);
        assert_eq!(s.failures[0].count, 2);
        assert_eq!(s.skipped_lines, 1);
        assert_eq!(s.timeline.points.iter().map(|p| p.requests).sum::<u64>(), 6);
        assert!(s.warnings.iter().any(|w| w.contains("before 0.9")));
    }
}
