//! autocannon's JSON result (`autocannon --json …`, or the object its API
//! passes to the done callback, saved as JSON):
//!
//! ```text
//! {"url":"http://localhost:3000","connections":10,"duration":10.02,"start":"2025-05-02T14:50:39.485Z",
//!  "errors":0,"timeouts":0,"non2xx":12,"2xx":9506,"4xx":12,"statusCodeStats":{"200":{"count":9506},…},
//!  "latency":{"average":9.93,"mean":9.93,"min":1,"max":112,"p50":8,"p90":15,"p97_5":24,"p99":31,"p99_9":70,…},
//!  "requests":{"average":951.8,"mean":951.8,"total":9518,"sent":9528,…},"throughput":{…}}
//! ```
//!
//! Upstream: mcollina/autocannon `lib/aggregateResult.js` and `lib/run.js`
//! (latency in milliseconds from an HdrHistogram with 5 significant digits;
//! `errors` = connection errors + timeouts; `non2xx` = 1xx + 3xx + 4xx + 5xx;
//! `requests.total` = completed responses); percentile keys come from the
//! hdr-histogram-percentiles-obj package: `p` + percentile with `.` → `_`
//! (`p2_5`, `p97_5`, `p99_9`), so there is no p95.
//!
//! A tool summary: figures are copied as written. Errors = connection errors
//! and timeouts + 4xx + 5xx responses (autocannon's `non2xx` also counts 3xx,
//! which are not failures). Requests/s is autocannon's own mean of its
//! per-second samples (`requests.mean`).

use std::collections::BTreeMap;

use serde_json::Value;

use crate::decoder::{Decoder, FormatSpec};
use crate::error::{IngestError, Position};
use crate::format::Format;
use crate::formats::shared::document::{compact_json, DocumentBuffer};
use crate::options::IngestOptions;
use crate::run::{Run, ToolReport};
use crate::summary::{EndpointSummary, LatencyMs};
use crate::time::parse_rfc3339;

/// Registry entry.
pub const SPEC: FormatSpec = FormatSpec {
    format: Format::AutocannonJson,
    description: "autocannon JSON result (--json)",
    raw_samples: false,
    sniff,
    priority: 30,
    extensions: &[".json"],
    new_decoder,
};

fn sniff(prefix: &[u8], _eof: bool) -> bool {
    let c = compact_json(prefix);
    let has = |m: &str| memchr::memmem::find(&c, m.as_bytes()).is_some();
    c.starts_with(b"{") && has("\"latency\":{") && has("\"requests\":{") && has("\"throughput\":{")
}

fn new_decoder(_: &IngestOptions) -> Box<dyn Decoder> {
    Box::new(AutocannonJsonDecoder::default())
}

/// Reads the whole document, then copies autocannon's figures.
#[derive(Debug, Default)]
pub struct AutocannonJsonDecoder {
    doc: DocumentBuffer,
}

impl Decoder for AutocannonJsonDecoder {
    fn feed(&mut self, bytes: &[u8], run: &mut Run) -> Result<(), IngestError> {
        self.doc.push(bytes, &run.source, run.format)
    }

    fn finish(&mut self, run: &mut Run) -> Result<(), IngestError> {
        let doc = self.doc.parse_json(&run.source, run.format)?;
        let (Some(latency), Some(requests)) = (
            doc.get("latency").and_then(Value::as_object),
            doc.get("requests").and_then(Value::as_object),
        ) else {
            return Err(IngestError::Malformed {
                source_name: run.source.clone(),
                format: run.format.as_str(),
                position: Position::Part { part: "top level" },
                reason: "expected autocannon's \"latency\" and \"requests\" objects".into(),
            });
        };
        let num = |v: Option<&Value>| v.and_then(Value::as_f64);
        let count = |key: &str| doc.get(key).and_then(Value::as_u64);
        let total = requests.get("total").and_then(Value::as_u64);
        // With no response at all autocannon writes 0 for min (it starts at MAX_SAFE_INTEGER).
        let answered = total.is_some_and(|t| t > 0);
        let latency_ms = LatencyMs {
            min: num(latency.get("min")).filter(|_| answered),
            mean: num(latency.get("mean")).or(num(latency.get("average"))),
            p50: num(latency.get("p50")),
            p90: num(latency.get("p90")),
            p95: None,
            p99: num(latency.get("p99")),
            p999: num(latency.get("p99_9")),
            max: num(latency.get("max")),
        };
        let status_codes = statuses(&doc);
        let failed_responses = match (count("4xx"), count("5xx")) {
            (Some(a), Some(b)) => Some(a + b),
            _ => {
                let non2xx = count("non2xx");
                if non2xx.is_some_and(|n| n > 0) {
                    run.warn("the result has no 4xx/5xx counts: all non-2xx responses (3xx included) are counted as errors");
                }
                non2xx
            }
        };
        let transport = count("errors");
        let errors = match (failed_responses, transport) {
            (None, None) => None,
            (a, b) => Some(a.unwrap_or(0) + b.unwrap_or(0)),
        };
        if let Some(t) = count("timeouts").filter(|t| *t > 0) {
            run.warn(format!(
                "{t} requests timed out (counted in autocannon's errors)"
            ));
        }
        if let Some(m) = count("mismatches").filter(|m| *m > 0) {
            run.warn(format!(
                "{m} responses did not match the expected body (not counted as errors)"
            ));
        }
        let endpoints = match doc.get("url") {
            Some(Value::String(url)) => vec![EndpointSummary {
                name: url.clone(),
                method: None,
                requests: total,
                errors,
                error_rate: rate(errors, total),
                rps: num(requests.get("mean")),
                latency_ms,
                status_codes: status_codes.clone(),
                groups: Vec::new(),
                scenarios: Vec::new(),
            }],
            Some(Value::Array(urls)) if urls.len() > 1 => {
                run.warn(format!(
                    "autocannon spread the load over {} URLs and reports them together",
                    urls.len()
                ));
                Vec::new()
            }
            _ => Vec::new(),
        };
        run.tool = Some(ToolReport {
            start_us: doc
                .get("start")
                .and_then(Value::as_str)
                .and_then(|s| parse_rfc3339(s.as_bytes())),
            duration_s: num(doc.get("duration")),
            requests: total,
            errors,
            rps: num(requests.get("mean")).or(num(requests.get("average"))),
            latency_ms,
            endpoints,
            status_codes,
            peak_concurrency: num(doc.get("connections")),
            ..ToolReport::default()
        });
        Ok(())
    }
}

fn rate(errors: Option<u64>, requests: Option<u64>) -> Option<f64> {
    match (errors, requests) {
        (Some(e), Some(n)) if n > 0 => Some(e as f64 / n as f64),
        _ => None,
    }
}

/// `statusCodeStats: {"200": {"count": n}}`; older results only have `1xx` … `5xx`.
fn statuses(doc: &Value) -> BTreeMap<String, u64> {
    if let Some(stats) = doc.get("statusCodeStats").and_then(Value::as_object) {
        return stats
            .iter()
            .filter_map(|(code, v)| Some((code.clone(), v.get("count")?.as_u64()?)))
            .collect();
    }
    ["1xx", "2xx", "3xx", "4xx", "5xx"]
        .iter()
        .filter_map(|k| Some((k.to_string(), doc.get(*k)?.as_u64()?)))
        .filter(|(_, n)| *n > 0)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_autocannon_not_oha() {
        assert!(sniff(
            br#"{"title":"x","latency":{"p50":1},"requests":{"total":1},"throughput":{"total":0}}"#,
            true
        ));
        assert!(!sniff(
            br#"{"summary":{"successRate":1},"latencyPercentiles":{}}"#,
            true
        ));
    }
}
