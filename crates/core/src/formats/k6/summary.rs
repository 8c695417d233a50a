//! k6's own end-of-test aggregates, in its two JSON shapes:
//!
//! - `--summary-export=summary.json` (legacy): `metrics.<name>` is flat,
//!   `{"avg":…,"med":…,"p(95)":…,"thresholds":{"p(95)<200":false}}`, and a
//!   threshold value of `true` means the threshold FAILED.
//! - the `data` object given to `handleSummary()`, saved as JSON:
//!   `metrics.<name>.values{…}` and `metrics.<name>.thresholds{expr:{ok}}`,
//!   plus `state.testRunDurationMs`.
//!
//! Upstream: grafana/k6 `internal/js/summary.go` and `lib/summary`. These hold
//! only k6's aggregates: we show them as tool-reported and never recompute or
//! invent a percentile the file does not hold. Sub-metrics such as
//! `http_req_duration{name:GET /api/search}` (present when a threshold names
//! them) become per-endpoint rows.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use crate::decoder::{strip_bom, Decoder, FormatSpec};
use crate::error::{IngestError, Position};
use crate::format::Format;
use crate::formats::shared::document::DocumentBuffer;
use crate::options::IngestOptions;
use crate::run::{Run, ToolReport};
use crate::summary::{Checks, EndpointSummary, LatencyMs, ToolThreshold};

/// Registry entry for `--summary-export`.
pub const EXPORT_SPEC: FormatSpec = FormatSpec {
    format: Format::K6SummaryExport,
    description: "k6 --summary-export JSON",
    raw_samples: false,
    sniff: sniff_export,
    priority: 30,
    extensions: &["summary.json"],
    new_decoder,
};

/// Registry entry for the `handleSummary()` data object.
pub const HANDLE_SUMMARY_SPEC: FormatSpec = FormatSpec {
    format: Format::K6HandleSummary,
    description: "k6 handleSummary() data saved as JSON",
    raw_samples: false,
    sniff: sniff_handle_summary,
    priority: 20,
    extensions: &["summary.json"],
    new_decoder,
};

fn compact(prefix: &[u8]) -> Vec<u8> {
    // Whitespace outside strings does not matter for these probes; inside
    // strings it cannot create the key patterns we look for.
    strip_bom(prefix)
        .iter()
        .copied()
        .filter(|b| !b.is_ascii_whitespace())
        .collect()
}

fn looks_like_k6_summary(c: &[u8]) -> bool {
    c.starts_with(b"{")
        && (memchr::memmem::find(c, b"\"root_group\":{").is_some()
            || memchr::memmem::find(c, b"\"metrics\":{\"").is_some()
                && (memchr::memmem::find(c, b"\"http_req").is_some()
                    || memchr::memmem::find(c, b"\"vus").is_some()
                    || memchr::memmem::find(c, b"\"iterations\"").is_some()))
}

fn handle_summary_markers(c: &[u8]) -> bool {
    [
        "\"testRunDurationMs\"",
        "\"summaryTrendStats\"",
        "\"groups\":[",
        "\"checks\":[",
        "\"values\":{",
    ]
    .iter()
    .any(|m| memchr::memmem::find(c, m.as_bytes()).is_some())
}

fn sniff_export(prefix: &[u8], _eof: bool) -> bool {
    let c = compact(prefix);
    looks_like_k6_summary(&c) && !handle_summary_markers(&c)
}

fn sniff_handle_summary(prefix: &[u8], _eof: bool) -> bool {
    let c = compact(prefix);
    looks_like_k6_summary(&c) && handle_summary_markers(&c)
}

fn new_decoder(_: &IngestOptions) -> Box<dyn Decoder> {
    Box::new(K6SummaryDecoder::default())
}

/// Reads either summary shape; the shape is decided from the whole document.
#[derive(Debug, Default)]
pub struct K6SummaryDecoder {
    doc: DocumentBuffer,
}

impl Decoder for K6SummaryDecoder {
    fn feed(&mut self, bytes: &[u8], run: &mut Run) -> Result<(), IngestError> {
        self.doc.push(bytes, &run.source, run.format)
    }

    fn finish(&mut self, run: &mut Run) -> Result<(), IngestError> {
        let doc = self.doc.parse_json(&run.source, run.format)?;
        let metrics = doc
            .get("metrics")
            .and_then(Value::as_object)
            .ok_or_else(|| IngestError::Malformed {
                source_name: run.source.clone(),
                format: run.format.as_str(),
                position: Position::Part { part: "top level" },
                reason: "expected a \"metrics\" object".into(),
            })?;
        // The handleSummary shape nests statistics under "values".
        let nested = metrics
            .values()
            .any(|m| m.get("values").is_some_and(Value::is_object));
        run.format = if nested {
            Format::K6HandleSummary
        } else {
            Format::K6SummaryExport
        };
        let stats = |name: &str| -> Option<&Map<String, Value>> {
            let m = metrics.get(name)?;
            if nested {
                m.get("values")?.as_object()
            } else {
                m.as_object()
            }
        };
        let num =
            |name: &str, key: &str| stats(name).and_then(|s| s.get(key)).and_then(Value::as_f64);

        // A gRPC test has grpc_reqs / grpc_req_duration instead of the HTTP
        // metrics; a k6 browser test has browser_http_req_duration and
        // browser_http_req_failed, and no request counter.
        let has = |name: &str| metrics.contains_key(name);
        let protocol = if has("http_req_duration") || has("http_reqs") {
            Protocol::Http
        } else if has("grpc_req_duration") {
            Protocol::Grpc
        } else if has("browser_http_req_duration") {
            Protocol::Browser
        } else {
            return Err(IngestError::NothingUsable {
                source_name: run.source.clone(),
                format: run.format.as_str(),
                details: "the summary holds no request metrics (http_reqs, http_req_duration, grpc_reqs, grpc_req_duration, browser_http_req_duration)".into(),
            });
        };
        let (reqs, duration, failed) = protocol.metrics();
        if let Some(note) = protocol.note() {
            run.warn(note);
        }
        if protocol == Protocol::Http && has("browser_http_req_duration") {
            run.warn("the summary also holds a browser scenario's requests (browser_http_req_duration); they are not among the HTTP requests shown");
        }
        let duration_s = doc
            .pointer("/state/testRunDurationMs")
            .and_then(Value::as_f64)
            .map(|ms| ms / 1000.0);
        // For a rate metric "passes" counts the non-zero samples: failed requests.
        let errors = failed.and_then(|f| num(f, "passes"));
        let requests = num(reqs, "count").or_else(|| {
            // The browser counts no requests: every request adds one sample to its failed rate.
            let f = failed.filter(|_| protocol == Protocol::Browser)?;
            Some(num(f, "passes")? + num(f, "fails")?)
        });
        let rps = num(reqs, "rate").or_else(|| match (protocol, requests, duration_s) {
            (Protocol::Browser, Some(n), Some(d)) if d > 0.0 => Some(n / d),
            _ => None,
        });
        let mut tool = ToolReport {
            requests: requests.map(|c| c.round() as u64),
            rps,
            errors: errors.map(|c| c.round() as u64),
            latency_ms: latency(stats(duration)),
            peak_concurrency: num("vus_max", "max").or(num("vus", "max")),
            duration_s,
            ..ToolReport::default()
        };
        if let (Some(p), Some(f)) = (num("checks", "passes"), num("checks", "fails")) {
            tool.checks = Some(Checks {
                passes: p.round() as u64,
                fails: f.round() as u64,
            });
        }
        tool.endpoints = endpoints(metrics, nested, duration);
        run.thresholds = thresholds(metrics, nested);
        tool.status_codes = BTreeMap::new();
        run.tool = Some(tool);
        Ok(())
    }
}

/// Which requests a summary's metrics describe.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Protocol {
    Http,
    Grpc,
    Browser,
}

impl Protocol {
    /// The request counter, the duration trend and the failed-request rate.
    fn metrics(self) -> (&'static str, &'static str, Option<&'static str>) {
        match self {
            Protocol::Http => ("http_reqs", "http_req_duration", Some("http_req_failed")),
            Protocol::Grpc => ("grpc_reqs", "grpc_req_duration", None),
            Protocol::Browser => (
                "browser_http_reqs",
                "browser_http_req_duration",
                Some("browser_http_req_failed"),
            ),
        }
    }

    /// What the numbers are, when they are not plain HTTP requests.
    fn note(self) -> Option<&'static str> {
        match self {
            Protocol::Http => None,
            Protocol::Grpc => Some("gRPC test: requests and latency are k6's grpc_reqs and grpc_req_duration; it records no failed-request rate"),
            Protocol::Browser => Some("k6 browser test: requests, errors and latency are the browser's (browser_http_req_duration and browser_http_req_failed: every request the page made, as the browser timed it); k6 keeps no request counter for them, so requests are the samples of browser_http_req_failed"),
        }
    }
}

fn latency(s: Option<&Map<String, Value>>) -> LatencyMs {
    let Some(s) = s else {
        return LatencyMs::default();
    };
    let g = |k: &str| s.get(k).and_then(Value::as_f64);
    LatencyMs {
        min: g("min"),
        mean: g("avg"),
        p50: g("med").or(g("p(50)")),
        p90: g("p(90)"),
        p95: g("p(95)"),
        p99: g("p(99)"),
        p999: g("p(99.9)"),
        max: g("max"),
    }
}

/// `http_req_duration{name:X}` (or `grpc_req_duration{name:X}`) sub-metrics become endpoint rows.
fn endpoints(metrics: &Map<String, Value>, nested: bool, duration: &str) -> Vec<EndpointSummary> {
    let mut out: Vec<EndpointSummary> = Vec::new();
    for (key, m) in metrics {
        let Some(sel) = key
            .strip_prefix(duration)
            .and_then(|r| r.strip_prefix('{'))
            .and_then(|r| r.strip_suffix('}'))
        else {
            continue;
        };
        let Some(name) = sel
            .strip_prefix("name:")
            .or_else(|| sel.strip_prefix("url:"))
        else {
            continue;
        };
        let stats = if nested {
            m.get("values").and_then(Value::as_object)
        } else {
            m.as_object()
        };
        out.push(EndpointSummary {
            name: name.to_string(),
            method: None,
            requests: None,
            errors: None,
            error_rate: None,
            rps: None,
            latency_ms: latency(stats),
            status_codes: BTreeMap::new(),
            groups: Vec::new(),
            scenarios: Vec::new(),
        });
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    out
}

fn thresholds(metrics: &Map<String, Value>, nested: bool) -> Vec<ToolThreshold> {
    let mut out = Vec::new();
    for (metric, m) in metrics {
        let Some(th) = m.get("thresholds").and_then(Value::as_object) else {
            continue;
        };
        for (expr, v) in th {
            let passed = if nested {
                v.get("ok").and_then(Value::as_bool)
            } else {
                // Legacy export: true means the threshold was crossed (failed).
                v.as_bool().map(|failed| !failed)
            };
            out.push(ToolThreshold {
                metric: metric.clone(),
                expression: expr.clone(),
                passed,
            });
        }
    }
    out
}
