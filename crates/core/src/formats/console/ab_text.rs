//! ApacheBench's console output:
//!
//! ```text
//! Concurrency Level:      8
//! Time taken for tests:   1.181 seconds
//! Complete requests:      400
//! Failed requests:        12
//!    (Connect: 0, Receive: 0, Length: 12, Exceptions: 0)
//! Non-2xx responses:      12
//! Requests per second:    338.78 [#/sec] (mean)
//! Connection Times (ms)
//!               min  mean[+/-sd] median   max
//! Total:          8   23   8.1     22      59
//! Percentage of the requests served within a certain time (ms)
//!   50%     22
//!   95%     38
//!  100%     59 (longest request)
//! ```
//!
//! Upstream: apache/httpd `support/ab.c` (`output_results`): times are whole
//! ms; the percentile table is the sorted total times at `done × p / 100`.
//! `Failed requests` counts connect, receive, length and exception
//! failures, where a "length" failure is a response whose length differs
//! from the first response's (normal for dynamic pages, and what an error
//! page of another length gives); `Non-2xx responses` are counted apart,
//! so the two may describe the same responses.
//!
//! A tool summary, copied as printed: errors = non-2xx responses + connect,
//! receive and exception failures (never above the requests); length
//! failures are kept as a raw counter with a warning. Several runs in one
//! log: the last complete one, with a warning.

use crate::decoder::FormatSpec;
use crate::error::IngestError;
use crate::format::Format;
use crate::formats::shared::console::{log_spec, sniff_lines, ConsoleFormat, Latest};
use crate::formats::shared::decimal::parse_scaled;
use crate::run::{Run, ToolReport};
use crate::summary::{FailureSummary, LatencyMs};

/// Registry entry.
pub const SPEC: FormatSpec = log_spec::<AbText>(
    Format::AbText,
    "ApacheBench (ab) console output, also inside a log or .md file",
    sniff,
);

fn sniff(prefix: &[u8], _eof: bool) -> bool {
    sniff_lines(prefix).any(|l| {
        let l = &*l;
        l.starts_with("This is ApacheBench")
            || l.starts_with("Percentage of the requests served within")
            || (l.starts_with("Requests per second:") && l.contains("[#/sec]"))
    })
}

#[derive(Debug, Default, Clone)]
struct Block {
    line: u64,
    banner: bool,
    complete_requests: Option<u64>,
    failed: Option<u64>,
    connect: u64,
    receive: u64,
    length: u64,
    exceptions: u64,
    non_2xx: u64,
    rps: Option<f64>,
    duration_s: Option<f64>,
    concurrency: Option<f64>,
    total: Option<[f64; 4]>,
    percentiles: Vec<(f64, f64)>,
    longest: bool,
}

impl Block {
    fn complete(&self) -> bool {
        self.complete_requests.is_some() && (self.longest || self.total.is_some())
    }
}

/// The number after `Key:`.
fn value<'a>(line: &'a str, key: &str) -> Option<&'a str> {
    line.strip_prefix(key)?.split_whitespace().next()
}

/// `(Connect: 0, Receive: 0, Length: 12, Exceptions: 0)` → the four counts.
fn breakdown(line: &str) -> Option<[u64; 4]> {
    let inner = line.strip_prefix('(')?.strip_suffix(')')?;
    let mut out = [0; 4];
    for part in inner.split(',') {
        let (k, v) = part.split_once(':')?;
        let v: u64 = v.trim().parse().ok()?;
        match k.trim() {
            "Connect" => out[0] = v,
            "Receive" => out[1] = v,
            "Length" => out[2] = v,
            "Exceptions" => out[3] = v,
            _ => return None,
        }
    }
    Some(out)
}

/// Reads ab's output.
#[derive(Debug, Default)]
pub struct AbText {
    current: Option<Block>,
    blocks: Latest<Block>,
    starts: Vec<u64>,
}

impl AbText {
    fn close(&mut self) {
        if let Some(b) = self.current.take() {
            if b.complete_requests.is_some() {
                self.starts.push(b.line);
            }
            if b.complete() {
                self.blocks.keep(b, true);
            } else if b.complete_requests.is_some() {
                self.blocks.keep(b, false);
            }
        }
    }

    fn start(&mut self, n: u64, banner: bool) {
        self.close();
        self.current = Some(Block {
            line: n,
            banner,
            ..Block::default()
        });
    }
}

impl ConsoleFormat for AbText {
    fn line(&mut self, _run: &mut Run, n: u64, text: &str) {
        if text.starts_with("This is ApacheBench") {
            self.start(n, true);
            return;
        }
        if text.starts_with("Server Software:") || text.starts_with("Server Hostname:") {
            let fresh = self
                .current
                .as_ref()
                .is_some_and(|b| b.banner && b.complete_requests.is_none());
            if !fresh {
                self.start(n, false);
            }
            return;
        }
        if self.current.is_none() && text.starts_with("Concurrency Level:") {
            self.start(n, false);
        }
        let Some(b) = self.current.as_mut() else {
            return;
        };
        let num = |key: &str| value(text, key).and_then(|v| parse_scaled(v, 0));
        if let Some(v) = num("Concurrency Level:") {
            b.concurrency = Some(v);
        } else if let Some(v) = num("Time taken for tests:") {
            b.duration_s = Some(v);
        } else if let Some(v) = value(text, "Complete requests:").and_then(|v| v.parse().ok()) {
            if b.complete_requests.is_some() {
                return;
            }
            b.complete_requests = Some(v);
        } else if let Some(v) = value(text, "Failed requests:").and_then(|v| v.parse().ok()) {
            b.failed = Some(v);
        } else if let Some([c, r, l, e]) = breakdown(text) {
            (b.connect, b.receive, b.length, b.exceptions) = (c, r, l, e);
        } else if let Some(v) = value(text, "Non-2xx responses:").and_then(|v| v.parse().ok()) {
            b.non_2xx = v;
        } else if let Some(v) = num("Requests per second:") {
            b.rps = Some(v);
        } else if let Some(rest) = text.strip_prefix("Total:") {
            let v: Option<Vec<f64>> = rest
                .split_whitespace()
                .map(|w| parse_scaled(w, 0))
                .collect();
            // min mean [+/-sd] median max
            if let Some([min, mean, _sd, median, max]) =
                v.as_deref().and_then(|v| <[f64; 5]>::try_from(v).ok())
            {
                b.total = Some([min, mean, median, max]);
            }
        } else if let Some((p, rest)) = text.split_once('%') {
            let (Some(p), Some(ms)) = (
                parse_scaled(p.trim(), 0),
                rest.split_whitespace()
                    .next()
                    .and_then(|v| parse_scaled(v, 0)),
            ) else {
                return;
            };
            b.percentiles.push((p, ms));
            if rest.contains("(longest request)") {
                b.longest = true;
                self.close();
            }
        }
    }

    fn finish(&mut self, run: &mut Run, _lines: u64) -> Result<(), IngestError> {
        self.close();
        let (b, cut) = self.blocks.read(
            run,
            "ab",
            &self.starts,
            None,
            |b| b.line,
            "no ab results (\"Complete requests: N\")",
        )?;
        let Some(requests) = b.complete_requests else {
            return Ok(());
        };
        if cut {
            run.warn(format!(
                "the ab output at line {} stops before its timing tables: latency is missing",
                b.line
            ));
        }
        if b.length > 0 {
            run.warn(format!(
                "ab counted {} response(s) as failed for a length different from the first response's (Length: {}); they are not errors here (dynamic pages vary in length; error statuses are in Non-2xx: {})",
                b.length, b.length, b.non_2xx
            ));
        }
        let errors = (b.non_2xx + b.connect + b.receive + b.exceptions).min(requests);
        let mut failures = Vec::new();
        for (message, count) in [
            ("Non-2xx responses", b.non_2xx),
            ("Failed requests: Connect", b.connect),
            ("Failed requests: Receive", b.receive),
            ("Failed requests: Length", b.length),
            ("Failed requests: Exceptions", b.exceptions),
        ] {
            if count > 0 {
                failures.push(FailureSummary {
                    endpoint: None,
                    method: None,
                    message: message.into(),
                    count,
                });
            }
        }
        run.failures = failures;
        let pct = |p: f64| b.percentiles.iter().find(|(q, _)| *q == p).map(|(_, v)| *v);
        let total = b.total;
        run.tool = Some(ToolReport {
            duration_s: b.duration_s,
            requests: Some(requests),
            errors: Some(errors),
            rps: b.rps,
            latency_ms: LatencyMs {
                min: total.map(|t| t[0]),
                mean: total.map(|t| t[1]),
                p50: pct(50.0).or(total.map(|t| t[2])),
                p90: pct(90.0),
                p95: pct(95.0),
                p99: pct(99.0),
                p999: None,
                max: pct(100.0).or(total.map(|t| t[3])),
            },
            peak_concurrency: b.concurrency,
            ..ToolReport::default()
        });
        Ok(())
    }
}
