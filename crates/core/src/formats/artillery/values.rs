//! How Artillery writes its figures, in both report shapes (2.x metrics,
//! [`crate::formats::artillery::report`]; 1.x legacy, [`crate::formats::artillery::v1`]): numbers that
//! may be strings, counters, latency summaries, and error codes that mean
//! no response.

use serde_json::{Map, Value};

use crate::summary::LatencyMs;

/// A number that Artillery may have written as a string (`period`).
pub fn number(v: Option<&Value>) -> Option<f64> {
    match v? {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse::<f64>().ok(),
        _ => None,
    }
    .filter(|f| f.is_finite())
}

/// A counter's value (non-negative integer).
pub fn counter(map: &Map<String, Value>, key: &str) -> Option<u64> {
    number(map.get(key))
        .filter(|v| *v >= 0.0)
        .map(|v| v.round() as u64)
}

/// Latency statistics of one Artillery summary object (ms, as written).
pub fn latency(summary: Option<&Value>) -> LatencyMs {
    let Some(s) = summary.and_then(Value::as_object) else {
        return LatencyMs::default();
    };
    if number(s.get("count")) == Some(0.0) {
        return LatencyMs::default();
    }
    let g = |k: &str| number(s.get(k));
    LatencyMs {
        min: g("min"),
        mean: g("mean"),
        p50: g("p50").or_else(|| g("median")),
        p90: g("p90"),
        p95: g("p95"),
        p99: g("p99"),
        p999: g("p999"),
        max: g("max"),
    }
}

/// Whether an Artillery error code means a request got no response: Node and
/// TLS error codes (`ETIMEDOUT`, `ECONNRESET`, `ERR_SOCKET_TIMEOUT`,
/// `CERT_HAS_EXPIRED`, …) are upper-case identifiers. What Artillery records
/// after a response or outside a request is prose (`Failed capture or match`,
/// a processor's error message).
pub fn is_unanswered(code: &str) -> bool {
    code.len() > 1
        && code.bytes().next().is_some_and(|b| b.is_ascii_uppercase())
        && code
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
}
