//! Runs written out for other tools: HdrHistogram interval logs (`.hlog`),
//! which HdrHistogram's own libraries read, with one tagged histogram per
//! endpoint per time window.
//!
//! The histograms are the run's own (3 significant digits, values in µs),
//! serialised as V2 compressed payloads (`HISTFA…`), so readers get the very
//! buckets Verdict computed percentiles from, and adding every line of a tag
//! gives that endpoint's whole-run histogram exactly. Tags cannot hold
//! spaces or commas in HdrHistogram's writers, and endpoint names often do:
//! those characters (and `%`) are percent-encoded (`GET%20/api/items`), as
//! the log's header says; Verdict's own reader decodes them.

use std::fmt::Write as _;

use base64::Engine as _;
use hdrhistogram::serialization::{Serializer, V2DeflateSerializer};
use hdrhistogram::Histogram;
use thiserror::Error;

use crate::run::Run;
use crate::time::{format_rfc3339, Micros};

/// First words of the comment line that marks a log written here; the
/// reader takes it to mean µs values and percent-encoded tags.
pub const HLOG_MARK: &str = "[Verdict export";

/// Why a run cannot be exported.
#[derive(Debug, Error, Clone, PartialEq)]
#[non_exhaustive]
pub enum ExportError {
    /// The run has no latency histograms over time.
    #[error("{source_name} has no latency histograms over time ({reason}); export needs a run read from per-request samples or histograms")]
    NoWindows {
        /// The run's source file.
        source_name: String,
        /// Why it has none.
        reason: String,
    },
    /// A histogram could not be encoded.
    #[error("cannot encode a histogram of {endpoint}: {reason}")]
    Encode {
        /// The endpoint whose histogram it is.
        endpoint: String,
        /// What the encoder said.
        reason: String,
    },
}

/// Percent-encodes what HdrHistogram tags may not hold (`,`, whitespace,
/// control characters) and `%` itself.
pub fn encode_tag(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.chars() {
        if c == ',' || c == '%' || c.is_whitespace() || c.is_control() {
            let mut buf = [0u8; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                let _ = write!(out, "%{b:02X}");
            }
        } else {
            out.push(c);
        }
    }
    if out.is_empty() {
        out.push_str("%00");
    }
    out
}

/// Reverses [`encode_tag`]; a `%` not followed by two hex digits is kept.
pub fn decode_tag(tag: &str) -> String {
    let b = tag.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = |c: u8| (c as char).to_digit(16);
        if b[i] == b'%' {
            if let (Some(h), Some(l)) = (
                b.get(i + 1).copied().and_then(hex),
                b.get(i + 2).copied().and_then(hex),
            ) {
                let byte = (h * 16 + l) as u8;
                if byte != 0 {
                    out.push(byte);
                }
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// One histogram as HdrHistogram's V2 compressed payload, in base64.
pub fn histogram_base64<T: hdrhistogram::Counter>(h: &Histogram<T>) -> Result<String, String> {
    let mut bytes = Vec::new();
    V2DeflateSerializer::new()
        .serialize(h, &mut bytes)
        .map_err(|e| format!("{e:?}"))?;
    Ok(base64::engine::general_purpose::STANDARD.encode(bytes))
}

// Whole milliseconds, as HdrHistogram's writers print them.
use crate::units::log_seconds as seconds;

/// The run's per-endpoint time windows as an HdrHistogram interval log:
/// one `Tag=endpoint` line per endpoint per window that holds requests, in
/// time order; values in µs, `Interval_Max` in ms.
pub fn hlog(run: &Run) -> Result<String, ExportError> {
    // Summary names (`METHOD name` where a name has several methods).
    let names: Vec<String> = run
        .endpoints
        .iter()
        .map(|e| crate::snapshot::display_name(run, e))
        .collect();
    let mut lines: Vec<(Micros, String, i64, Histogram<u32>)> = Vec::new();
    for (e, name) in run.endpoints.iter().zip(&names) {
        e.windows.visit(|w| {
            if !w.hist.is_empty() {
                lines.push((w.start_us, encode_tag(name), w.width_us, w.hist));
            }
        });
    }
    if lines.is_empty() {
        return Err(ExportError::NoWindows {
            source_name: run.source.clone(),
            reason: if run.tool.is_some() {
                "it is a tool's summary".into()
            } else {
                "no request has a duration".into()
            },
        });
    }
    lines.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(&b.1)));
    let base = lines.first().map_or(0, |l| l.0);
    let mut out = String::new();
    out.push_str("#[Histogram log format version 1.3]\n");
    let _ = writeln!(
        out,
        "#{HLOG_MARK} of {}: one histogram per endpoint per time window; values in microseconds; tags percent-encoded (%20 = space)]",
        run.source.replace(['\n', '\r', ']'], " ")
    );
    if !run.relative_time() {
        let _ = writeln!(
            out,
            "#[StartTime: {} (seconds since epoch), {}]",
            seconds(base),
            format_rfc3339(base)
        );
        let _ = writeln!(out, "#[BaseTime: {} (seconds since epoch)]", seconds(base));
    }
    out.push_str(
        "\"StartTimestamp\",\"Interval_Length\",\"Interval_Max\",\"Interval_Compressed_Histogram\"\n",
    );
    for (start, tag, width, hist) in &lines {
        let payload = histogram_base64(hist).map_err(|reason| ExportError::Encode {
            endpoint: decode_tag(tag),
            reason,
        })?;
        let _ = writeln!(
            out,
            "Tag={tag},{},{},{:.3},{payload}",
            seconds(start - base),
            seconds(*width),
            hist.max() as f64 / 1000.0
        );
    }
    Ok(out)
}

/// The name rows give the whole run.
pub const OVERALL: &str = "*overall*";

/// One line per endpoint of the run and one for the whole run
/// ([`OVERALL`]), for a warehouse: counts, rates and percentiles as the
/// summary shows them, the run's start, sources and labels, and the HDR
/// histogram (µs) as an `.hlog` payload, so that rows of many runs can be
/// merged again exactly. Tool-reported runs have no histogram (`null`).
pub fn rows(run: &Run) -> Result<Vec<serde_json::Value>, ExportError> {
    use serde_json::json;
    let summary = run.summary();
    let samples = run.has_samples();
    let encode = |name: &str, h: &Histogram<u64>| -> Result<serde_json::Value, ExportError> {
        if !samples || h.is_empty() {
            return Ok(serde_json::Value::Null);
        }
        histogram_base64(h)
            .map(serde_json::Value::String)
            .map_err(|reason| ExportError::Encode {
                endpoint: name.to_string(),
                reason,
            })
    };
    let base = json!({
        "run": &summary.source,
        "sources": run.sources(),
        "tool": run.format.as_str(),
        "reported_by": summary.reported_by,
        "start": &summary.start,
        "duration_s": summary.duration_s,
        "peak_concurrency": summary.peak_concurrency,
        "labels": &run.meta.labels,
    });
    let row = |endpoint: &str,
               method: Option<&str>,
               requests: Option<u64>,
               errors: Option<u64>,
               error_rate: Option<f64>,
               rps: Option<f64>,
               l: &crate::summary::LatencyMs,
               hist: serde_json::Value| {
        let mut v = base.clone();
        if let Some(m) = v.as_object_mut() {
            for (k, x) in [
                ("endpoint", json!(endpoint)),
                ("method", json!(method)),
                ("requests", json!(requests)),
                ("errors", json!(errors)),
                ("error_rate", json!(error_rate)),
                ("rps", json!(rps)),
                ("min_ms", json!(l.min)),
                ("mean_ms", json!(l.mean)),
                ("p50_ms", json!(l.p50)),
                ("p90_ms", json!(l.p90)),
                ("p95_ms", json!(l.p95)),
                ("p99_ms", json!(l.p99)),
                ("p999_ms", json!(l.p999)),
                ("max_ms", json!(l.max)),
                ("histogram_unit", json!("us")),
                ("histogram", hist),
            ] {
                m.insert(k.to_string(), x);
            }
        }
        v
    };
    let mut out = vec![row(
        OVERALL,
        None,
        summary.requests,
        summary.errors,
        summary.error_rate,
        summary.rps,
        &summary.latency_ms,
        encode(OVERALL, &run.overall.hist)?,
    )];
    for e in &summary.endpoints {
        let series = run
            .endpoints
            .iter()
            .find(|s| crate::snapshot::display_name(run, s) == e.name)
            .map(|s| &s.series.hist);
        let hist = match series {
            Some(h) => encode(&e.name, h)?,
            None => serde_json::Value::Null,
        };
        out.push(row(
            &e.name,
            e.method.as_deref(),
            e.requests,
            e.errors,
            e.error_rate,
            e.rps,
            &e.latency_ms,
            hist,
        ));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_round_trip() {
        for name in ["GET /api/items", "a,b", "100%", "x\ny", "plain", "é ü", ""] {
            let tag = encode_tag(name);
            assert!(!tag.contains([' ', ',', '\n', '\r']), "{tag}");
            assert_eq!(decode_tag(&tag), name);
        }
        assert_eq!(encode_tag("GET /api/items"), "GET%20/api/items");
        // Foreign tags with a stray % are kept as they are.
        assert_eq!(decode_tag("50%"), "50%");
        assert_eq!(decode_tag("%zz"), "%zz");
    }

    #[test]
    fn seconds_are_printed_to_the_millisecond() {
        assert_eq!(seconds(7_500_000), "7.500");
        assert_eq!(seconds(1_790_000_000_123_456), "1790000000.123");
        assert_eq!(seconds(0), "0.000");
    }
}
