//! What the Vegeta readers share: one `vegeta.Result` and how it becomes a
//! request (tsenart/vegeta `lib/results.go`, `lib/metrics.go`).
//!
//! `Timestamp` is when the request was sent and `Latency` how long it took,
//! so it ended at `Timestamp + Latency`. Vegeta counts a result as a success
//! when its code is in 200..400 (`Success` in `metrics.go`); transport errors
//! have code 0 and an `Error` text.

use crate::run::{Request, Run};
use crate::time::Micros;

/// Endpoint name for results that carry no URL (Vegeta before 12.8 did not record it).
pub const NO_URL: &str = "(vegeta target)";

/// One result, borrowed from the decoder's buffers.
#[derive(Debug, Clone, Copy, Default)]
pub struct VegetaResult<'a> {
    pub start_us: Micros,
    pub latency_ns: i64,
    pub code: u16,
    pub error: &'a str,
    pub method: &'a str,
    pub url: &'a str,
    pub attack: &'a str,
}

/// Records one result into `run`.
pub fn record(run: &mut Run, r: &VegetaResult<'_>) {
    let status = r.code.to_string();
    let name = if !r.url.is_empty() {
        r.url
    } else if !r.attack.is_empty() {
        r.attack
    } else {
        NO_URL
    };
    run.request(&Request {
        end_us: r.start_us.checked_add(r.latency_ns / 1000),
        duration_ms: r.latency_ns as f64 / 1e6,
        failed: !(200..400).contains(&r.code) || !r.error.is_empty(),
        status: &status,
        name,
        method: r.method,
        group: "",
        scenario: r.attack,
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::format::Format;

    #[test]
    fn success_is_a_2xx_or_3xx_code() {
        let mut run = Run::new("t", Format::VegetaJson);
        let base = VegetaResult {
            start_us: 1_000_000,
            latency_ns: 2_500_000,
            ..VegetaResult::default()
        };
        for (code, error) in [
            (200, ""),
            (302, ""),
            (404, "404 Not Found"),
            (0, "dial tcp: connection refused"),
            (200, "body read error"),
        ] {
            record(
                &mut run,
                &VegetaResult {
                    code,
                    error,
                    ..base
                },
            );
        }
        assert_eq!((run.overall.requests, run.overall.errors), (5, 3));
        assert_eq!(run.last_end_us, Some(1_002_500));
        assert_eq!(run.endpoints[0].name.as_ref(), NO_URL);
    }
}
