//! Artillery 1.x `report.json` (also what Artillery 2 writes with legacy
//! reporting), read through [`crate::formats::artillery::report`]'s detector:
//!
//! ```text
//! {"aggregate": {"timestamp": "2018-03-12T15:40:39.730Z", "scenariosCreated": 60, "scenariosCompleted": 60,
//!   "requestsCompleted": 60, "latency": {"min": 76.2, "max": 363.3, "median": 106.2, "p95": 308.5, "p99": 363.3},
//!   "rps": {"count": 60, "mean": 1.01}, "errors": {}, "codes": {"200": 32, "201": 28}, …},
//!  "intermediate": [{"timestamp": "2018-03-12T15:39:49.223Z", "requestsCompleted": 9, "latency": {…}, "concurrency": 0, …}]}
//! ```
//!
//! Upstream: artilleryio/artillery 1.x `core/lib/stats2.js`; Artillery 2
//! `lib/core/ssms.ts` (`legacyReport`). Latencies are in ms. The same
//! definitions as for Artillery 2 apply: requests = `requestsCompleted`
//! (responses) + `errors.<CODE>` (requests that got none), errors =
//! responses with status ≥ 400 + those; rps is Artillery's `rps.mean`. 1.x has no
//! first/last metric times: the timeline places each report at the end of
//! its 10 s window (`timestamp`), and start and duration stay unknown.
//! Some 1.x versions also kept raw `latencies` per period; they are not used,
//! so all numbers stay Artillery's own.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use crate::formats::artillery::values::{counter, is_unanswered, latency, number};
use crate::formats::shared::tool_timeline::{summarize, OnFold, ToolWindow};
use crate::run::{Run, ToolReport};
use crate::summary::{FailureSummary, LatencyMs};
use crate::time::{parse_rfc3339, Micros};

const PERIOD_US: i64 = 10_000_000;

fn counts(obj: &Map<String, Value>, key: &str) -> BTreeMap<String, u64> {
    obj.get(key)
        .and_then(Value::as_object)
        .map(|m| {
            m.iter()
                .filter_map(|(k, v)| Some((k.clone(), number(Some(v))?.max(0.0).round() as u64)))
                .collect()
        })
        .unwrap_or_default()
}

/// (requests, errors, codes, error counters) of one report object.
fn figures(obj: &Map<String, Value>) -> (u64, u64, BTreeMap<String, u64>, BTreeMap<String, u64>) {
    let codes = counts(obj, "codes");
    let errors = counts(obj, "errors");
    let transport: u64 = errors
        .iter()
        .filter(|(c, _)| is_unanswered(c))
        .map(|(_, n)| n)
        .sum();
    let failed_codes: u64 = codes
        .iter()
        .filter(|(c, _)| c.parse::<u16>().is_ok_and(|c| c >= 400))
        .map(|(_, n)| n)
        .sum();
    let responses = counter(obj, "requestsCompleted").unwrap_or(0);
    (
        responses + transport,
        failed_codes + transport,
        codes,
        errors,
    )
}

/// One intermediate (10 s) report, as far as the timeline needs it.
#[derive(Debug, Clone)]
pub struct Report {
    /// When the report was made (the end of its window), if it says.
    end_us: Option<Micros>,
    requests: u64,
    errors: u64,
    latency: LatencyMs,
    concurrency: Option<f64>,
}

impl Report {
    /// Reads one intermediate report object.
    pub fn read(p: &Map<String, Value>) -> Report {
        let (requests, errors, _, _) = figures(p);
        Report {
            end_us: p
                .get("timestamp")
                .and_then(Value::as_str)
                .and_then(|t| parse_rfc3339(t.as_bytes())),
            requests,
            errors,
            latency: latency(p.get("latency")),
            concurrency: number(p.get("concurrency")),
        }
    }
}

/// Fills `run.tool` from a 1.x aggregate and its intermediate reports (in file order).
pub fn read(aggregate: &Map<String, Value>, reports: Vec<Report>, run: &mut Run) {
    let (requests, errors, status_codes, error_counts) = figures(aggregate);
    let mut windows = Vec::new();
    let mut peak: Option<f64> = None;
    let mut previous_end: Option<Micros> = None;
    for (i, r) in reports.into_iter().enumerate() {
        // Without timestamps, reports are every 10 s from 0.
        let end = r.end_us.unwrap_or((i as i64 + 1) * PERIOD_US);
        let start = previous_end.unwrap_or(end - PERIOD_US);
        previous_end = Some(end);
        if let Some(c) = r.concurrency {
            peak = Some(peak.map_or(c, |x: f64| x.max(c)));
        }
        windows.push(ToolWindow {
            start_us: start,
            requests: r.requests,
            errors: r.errors,
            p50_ms: r.latency.p50,
            p95_ms: r.latency.p95,
            p99_ms: r.latency.p99,
            concurrency: r.concurrency,
        });
    }
    let origin = windows.iter().map(|w| w.start_us).min().unwrap_or(0);
    let (timeline, note) = summarize(windows, origin, PERIOD_US as f64 / 1e6, OnFold::Drop);
    if let Some(n) = note {
        run.warn(n);
    }
    run.failures = error_counts
        .into_iter()
        .map(|(message, count)| FailureSummary {
            endpoint: None,
            method: None,
            message,
            count,
        })
        .collect();
    run.tool = Some(ToolReport {
        requests: Some(requests),
        errors: Some(errors),
        rps: aggregate.get("rps").and_then(|r| number(r.get("mean"))),
        latency_ms: latency(aggregate.get("latency")),
        status_codes,
        peak_concurrency: peak,
        timeline,
        ..ToolReport::default()
    });
}

#[cfg(test)]
mod tests {
    use crate::format::Format;
    use crate::options::IngestOptions;
    use crate::session::Session;

    #[test]
    fn legacy_reports_with_errors_only() {
        let text = br#"{"intermediate": [], "aggregate": {"timestamp": "2016-03-16T15:22:25.502Z", "scenariosCreated": 1,
            "scenariosCompleted": 0, "requestsCompleted": 0, "latency": {"min": null, "max": null, "median": null, "p95": null, "p99": null},
            "rps": {"count": 1, "mean": 0.68}, "errors": {"UNABLE_TO_VERIFY_LEAF_SIGNATURE": 1}, "codes": {}, "matches": 0, "latencies": []}}"#;
        let s = Session::read_all("input", IngestOptions::default(), text)
            .expect("reads")
            .summary();
        assert_eq!(s.format, Format::ArtilleryReport);
        assert_eq!((s.requests, s.errors), (Some(1), Some(1)));
        assert_eq!(s.latency_ms.p50, None);
        assert_eq!(s.rps, Some(0.68));
        assert_eq!(s.failures[0].message, "UNABLE_TO_VERIFY_LEAF_SIGNATURE");
    }

    #[test]
    fn legacy_timeline_from_report_times() {
        let text = br#"{"aggregate": {"requestsCompleted": 12, "latency": {"min": 76.2, "max": 363.3, "median": 106.2, "p95": 308.5, "p99": 363.3},
              "codes": {"200": 10, "500": 2}, "errors": {}, "rps": {"mean": 1.01}},
            "intermediate": [
              {"timestamp": "2018-03-12T15:39:49.223Z", "requestsCompleted": 9, "codes": {"200": 9}, "latency": {"median": 88.6, "p95": null}, "concurrency": 3},
              {"timestamp": "2018-03-12T15:39:59.223Z", "requestsCompleted": 3, "codes": {"200": 1, "500": 2}, "latency": {"median": 90}, "concurrency": 1}]}"#;
        let s = Session::read_all("input", IngestOptions::default(), text)
            .expect("reads")
            .summary();
        assert_eq!((s.requests, s.errors), (Some(12), Some(2)));
        assert_eq!(s.latency_ms.p50, Some(106.2));
        assert_eq!(s.peak_concurrency, Some(3.0));
        let pts: Vec<(f64, u64, u64)> = s
            .timeline
            .points
            .iter()
            .map(|p| (p.t_s, p.requests, p.errors))
            .collect();
        assert_eq!(pts, [(0.0, 9, 0), (10.0, 3, 2)]);
        assert_eq!(s.timeline.points[0].p95_ms, None);
    }
}
