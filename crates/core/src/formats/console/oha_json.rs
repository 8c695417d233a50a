//! oha's JSON summary (`oha --output-format json …`, short `-j`):
//!
//! ```text
//! {"summary":{"successRate":1.0,"total":10.0008,"slowest":0.0181,"fastest":0.0006,
//!   "average":0.0018,"requestsPerSec":5570.4667,…},"latencyPercentiles":{"p50":0.0016,…},
//!   "statusCodeDistribution":{"200":55700},"errorDistribution":{"aborted due to deadline":10}}
//! ```
//!
//! Upstream: hatoo/oha `src/printer.rs` (`print_json`: seconds as `f64`,
//! `latencyPercentiles` keys `p10 p25 p50 p75 p90 p95 p99 p99.9 p99.99`, NaN
//! written as `null` when nothing answered) and `src/result_data.rs`
//! (percentile `values[⌊p/100 · n⌋]` over every response, whatever its
//! status; `requestsPerSec` counts every result, errors included).
//!
//! A tool summary: figures are copied exactly (seconds → ms by shifting the
//! decimal point). Requests = responses by status + transport errors; errors =
//! responses with status ≥ 400 + transport errors. "aborted due to deadline"
//! entries are requests still in flight when `-z` ran out: oha leaves them out
//! of its success rate, and so do we (they are named in a warning).

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use crate::decoder::{Decoder, FormatSpec};
use crate::error::{IngestError, Position};
use crate::format::Format;
use crate::formats::shared::decimal::rescale_f64;
use crate::formats::shared::document::{compact_json, DocumentBuffer};
use crate::options::IngestOptions;
use crate::run::{Run, ToolReport};
use crate::summary::LatencyMs;

/// Registry entry.
pub const SPEC: FormatSpec = FormatSpec {
    format: Format::OhaJson,
    description: "oha JSON summary (--output-format json, -j)",
    raw_samples: false,
    sniff,
    priority: 30,
    extensions: &[".json"],
    new_decoder,
};

/// oha's label for requests cut off when a `-z` run ends (`ClientError::Deadline`).
const DEADLINE: &str = "aborted due to deadline";
/// Transport errors quoted in the warning.
const QUOTED_ERRORS: usize = 5;

fn sniff(prefix: &[u8], _eof: bool) -> bool {
    let c = compact_json(prefix);
    let has = |m: &str| memchr::memmem::find(&c, m.as_bytes()).is_some();
    c.starts_with(b"{")
        && has("\"summary\":{")
        && has("\"successRate\":")
        && (has("\"latencyPercentiles\":")
            || has("\"statusCodeDistribution\":")
            || has("\"requestsPerSec\":"))
}

fn new_decoder(_: &IngestOptions) -> Box<dyn Decoder> {
    Box::new(OhaJsonDecoder::default())
}

/// Reads the whole document, then copies oha's figures.
#[derive(Debug, Default)]
pub struct OhaJsonDecoder {
    doc: DocumentBuffer,
}

fn counts(doc: &Value, key: &str) -> BTreeMap<String, u64> {
    doc.get(key)
        .and_then(Value::as_object)
        .map(|m| {
            m.iter()
                .filter_map(|(k, v)| Some((k.clone(), v.as_u64()?)))
                .collect()
        })
        .unwrap_or_default()
}

impl Decoder for OhaJsonDecoder {
    fn feed(&mut self, bytes: &[u8], run: &mut Run) -> Result<(), IngestError> {
        self.doc.push(bytes, &run.source, run.format)
    }

    fn finish(&mut self, run: &mut Run) -> Result<(), IngestError> {
        let doc = self.doc.parse_json(&run.source, run.format)?;
        let Some(summary) = doc.get("summary").and_then(Value::as_object) else {
            return Err(IngestError::Malformed {
                source_name: run.source.clone(),
                format: run.format.as_str(),
                position: Position::Part { part: "top level" },
                reason: "expected oha's \"summary\" object".into(),
            });
        };
        let seconds_as_ms = |m: Option<&Map<String, Value>>, key: &str| {
            m.and_then(|m| m.get(key))
                .and_then(Value::as_f64)
                .and_then(|s| rescale_f64(s, 3))
        };
        let percentiles = doc.get("latencyPercentiles").and_then(Value::as_object);
        let latency_ms = LatencyMs {
            min: seconds_as_ms(Some(summary), "fastest"),
            mean: seconds_as_ms(Some(summary), "average"),
            p50: seconds_as_ms(percentiles, "p50"),
            p90: seconds_as_ms(percentiles, "p90"),
            p95: seconds_as_ms(percentiles, "p95"),
            p99: seconds_as_ms(percentiles, "p99"),
            p999: seconds_as_ms(percentiles, "p99.9"),
            max: seconds_as_ms(Some(summary), "slowest"),
        };
        let statuses = counts(&doc, "statusCodeDistribution");
        let mut transport = counts(&doc, "errorDistribution");
        let cut_off = transport.remove(DEADLINE).unwrap_or(0);
        let responses: u64 = statuses.values().sum();
        let transport_total: u64 = transport.values().sum();
        let failed_responses: u64 = statuses
            .iter()
            .filter(|(code, _)| code.parse::<u16>().is_ok_and(|c| c >= 400))
            .map(|(_, n)| n)
            .sum();
        if cut_off > 0 {
            run.warn(format!(
                "{cut_off} requests were still in flight when the run's time ran out (\"{DEADLINE}\"); like oha, Verdict counts them neither as requests nor as errors"
            ));
        }
        if !transport.is_empty() {
            let quoted: Vec<String> = transport
                .iter()
                .take(QUOTED_ERRORS)
                .map(|(m, n)| format!("{n}× {m}"))
                .collect();
            run.warn(format!(
                "oha reported {transport_total} requests without a response: {}",
                quoted.join("; ")
            ));
        }
        let known = doc.get("statusCodeDistribution").is_some();
        if !known {
            run.warn("the document has no statusCodeDistribution, so the request and error counts are unknown");
        }
        run.tool = Some(ToolReport {
            duration_s: summary.get("total").and_then(Value::as_f64),
            requests: known.then_some(responses + transport_total),
            errors: known.then_some(failed_responses + transport_total),
            rps: summary.get("requestsPerSec").and_then(Value::as_f64),
            latency_ms,
            status_codes: statuses,
            ..ToolReport::default()
        });
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_oha_not_other_json() {
        assert!(sniff(
            br#"{ "summary": { "successRate": 1.0, "total": 1.0, "requestsPerSec": 5.0 } }"#,
            true
        ));
        assert!(!sniff(
            br#"{"metrics":{"http_reqs":{"count":1}},"root_group":{}}"#,
            true
        ));
        assert!(!sniff(
            br#"{"latency":{"p50":1},"requests":{"total":1},"throughput":{}}"#,
            true
        ));
    }
}
