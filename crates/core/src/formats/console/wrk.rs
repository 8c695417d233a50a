//! wrk and wrk2 console output (`wrk --latency …`, `wrk2 -R … --latency …`):
//!
//! ```text
//! Running 15s test @ http://127.0.0.1:8765/api/items
//!   2 threads and 10 connections
//!   Thread Stats   Avg      Stdev     Max   +/- Stdev
//!     Latency    27.86ms    8.37ms  91.42ms   70.66%
//!   Latency Distribution
//!      50%   26.88ms
//!   5398 requests in 15.04s, 7.35MB read
//!   Non-2xx or 3xx responses: 24
//! Requests/sec:    358.99
//! ```
//!
//! Upstream: wg/wrk `src/wrk.c` (`print_stats`, `print_stats_latency`) and
//! `src/units.c` (`format_time_us`: `us`/`ms`, then `s`/`m` from one second);
//! giltene/wrk2 `src/wrk.c` (`print_hdr_latency`: `50.000%` … `100.000%`, then
//! a "Detailed Percentile spectrum" in HdrHistogram's `.hgrm` layout, in ms).
//!
//! A tool summary: every figure is copied as printed, units converted exactly.
//! `Socket errors:` and `Non-2xx or 3xx responses:` lines appear only when
//! non-zero (wrk counts status > 399 as "Non-2xx or 3xx"). The counters may
//! describe the same exchange: a server that answers 500 and drops the
//! connection gives a non-2xx response *and* a read error; a timed-out
//! request may still complete with a 500. So when non-2xx responses and
//! read or timeout errors are both present, errors count the larger of the
//! two once (plus connect and write errors, which never have a response),
//! with a warning giving the range; otherwise they are the sum. Errors never
//! exceed requests. The raw counters are kept as the run's failures.
//! Lines around the output (a command line, notes, Markdown) are ignored, so
//! output pasted into a text or `.md` file reads too; a file holding several
//! runs gives the first, with a warning naming the others.

use crate::decoder::FormatSpec;
use crate::error::{IngestError, Position};
use crate::format::Format;
use crate::formats::hdrhistogram::hgrm::{Spectrum, SpectrumLine};
use crate::formats::shared::console::{console_spec, sniff_lines, ConsoleFormat};
use crate::formats::shared::decimal::{parse_scaled, Decimal};
use crate::formats::shared::rows::{skip_too_long, NotUtf8};
use crate::run::{Run, ToolReport};
use crate::summary::{EndpointSummary, FailureSummary, LatencyMs};

/// Registry entry.
pub const SPEC: FormatSpec = console_spec::<Wrk>(
    Format::Wrk,
    "wrk / wrk2 console output (best with --latency), also pasted into a text or .md file",
    &[".txt", ".md"],
    sniff,
);

/// Runs named in the warning about extra runs.
const MAX_LISTED_RUNS: usize = 10;

fn sniff(prefix: &[u8], _eof: bool) -> bool {
    let mut lines = sniff_lines(prefix).filter(|l| !l.is_empty());
    while let Some(line) = lines.next() {
        if running_line(&line).is_some() {
            return lines.next().and_then(|l| threads_line(&l)).is_some();
        }
    }
    false
}

/// `Running 15s test @ URL` → the URL.
fn running_line(line: &str) -> Option<&str> {
    let rest = line.strip_prefix("Running ")?;
    let (_, url) = rest.split_once(" test @ ")?;
    Some(url.trim())
}

/// `2 threads and 10 connections` → (threads, connections).
fn threads_line(line: &str) -> Option<(u64, u64)> {
    let mut t = line.split_whitespace();
    let threads = t.next()?.parse().ok()?;
    (t.next()? == "threads" && t.next()? == "and").then_some(())?;
    let connections = t.next()?.parse().ok()?;
    (t.next()? == "connections" && t.next().is_none()).then_some((threads, connections))
}

/// A duration as wrk's `format_time_us` prints it (`706.00us`, `27.86ms`,
/// `1.02s`, `2.00m`), in milliseconds.
pub fn duration_ms(token: &str) -> Option<f64> {
    let token = token.trim();
    let (number, unit) = token.split_at(token.find(|c: char| c.is_ascii_alphabetic())?);
    let d = Decimal::parse(number)?;
    let ms = match unit {
        "us" => d.shift(-3),
        "ms" => d,
        "s" => d.shift(3),
        "m" => d.times(60_000)?,
        "h" => d.times(3_600_000)?,
        _ => return None,
    };
    Some(ms.to_f64()).filter(|v| v.is_finite())
}

/// Which latency section the following lines belong to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
enum Section {
    #[default]
    None,
    ThreadStats,
    Distribution,
    Spectrum,
    /// wrk2 `-U`: a second distribution and spectrum, without coordinated-omission correction.
    Uncorrected,
}

/// The figures of one run.
#[derive(Debug, Default)]
struct Figures {
    url: String,
    connections: Option<u64>,
    calibrated: bool,
    mean_ms: Option<f64>,
    max_ms: Option<f64>,
    percentiles: Vec<(f64, f64)>,
    spectrum: Option<Spectrum>,
    uncorrected: bool,
    requests: Option<u64>,
    duration_s: Option<f64>,
    socket_errors: SocketErrors,
    status_errors: u64,
    rps: Option<f64>,
}

/// wrk's `Socket errors: connect N, read N, write N, timeout N`.
#[derive(Debug, Default, Clone, Copy, PartialEq)]
struct SocketErrors {
    connect: u64,
    read: u64,
    write: u64,
    timeout: u64,
}

impl SocketErrors {
    fn total(&self) -> u64 {
        self.connect + self.read + self.write + self.timeout
    }
}

/// Reads wrk / wrk2 text.
#[derive(Default)]
pub struct Wrk {
    run: Option<Figures>,
    section: Section,
    /// Line numbers where further runs start.
    more_runs: Vec<u64>,
}

impl Wrk {
    fn section_line(section: Section, f: &mut Figures, text: &str, n: u64, run: &mut Run) {
        match section {
            Section::ThreadStats => {
                let fields: Vec<&str> = text.split_whitespace().collect();
                if fields.first() == Some(&"Latency") {
                    f.mean_ms = fields.get(1).and_then(|t| duration_ms(t));
                    f.max_ms = fields.get(3).and_then(|t| duration_ms(t));
                }
            }
            Section::Distribution => {
                let mut fields = text.split_whitespace();
                let point = fields
                    .next()
                    .and_then(|p| p.strip_suffix('%'))
                    .and_then(|p| p.parse::<f64>().ok())
                    .zip(fields.next().and_then(duration_ms));
                match point {
                    Some(p) => f.percentiles.push(p),
                    None => run.skip_line(
                        n,
                        "expected a latency percentile row such as \"99%  12.34ms\"",
                    ),
                }
            }
            Section::Spectrum => {
                if let Some(s) = f.spectrum.as_mut() {
                    if s.line(text) == SpectrumLine::Other {
                        run.skip_line(n, "expected a percentile spectrum row");
                    }
                }
            }
            Section::None | Section::Uncorrected => {}
        }
    }

    fn report(&self, f: &Figures, run: &mut Run) -> ToolReport {
        let at = |p: f64| f.percentiles.iter().find(|(q, _)| *q == p).map(|(_, v)| *v);
        let spectrum = f.spectrum.as_ref();
        let latency_ms = LatencyMs {
            min: spectrum.and_then(|s| s.latency().min),
            mean: spectrum.and_then(|s| s.mean_ms).or(f.mean_ms),
            p50: at(50.0),
            p90: at(90.0),
            p95: spectrum.and_then(|s| s.at(0.95)),
            p99: at(99.0),
            p999: at(99.9),
            max: spectrum.and_then(|s| s.max_ms).or(f.max_ms),
        };
        if f.percentiles.is_empty() {
            run.warn("no Latency Distribution section (wrk was run without --latency): only the mean and max latency are known");
        }
        if let (Some(hist), Some(requests)) = (spectrum.and_then(Spectrum::count), f.requests) {
            if hist < requests {
                run.warn(format!(
                    "wrk2's latency percentiles cover {hist} of the {requests} requests: each thread's histogram restarts after its calibration period"
                ));
            }
        }
        if f.uncorrected {
            run.warn("wrk2 also printed latencies without coordinated-omission correction; the figures shown are the corrected ones (\"Recorded Latency\")");
        }
        let errors = f.requests.map(|requests| errors(f, requests, run));
        let endpoint = EndpointSummary {
            name: f.url.clone(),
            method: None,
            requests: f.requests,
            errors,
            error_rate: match (errors, f.requests) {
                (Some(e), Some(r)) if r > 0 => Some(e as f64 / r as f64),
                _ => None,
            },
            rps: f.rps,
            latency_ms,
            status_codes: Default::default(),
            groups: Vec::new(),
            scenarios: Vec::new(),
        };
        ToolReport {
            duration_s: f.duration_s,
            requests: f.requests,
            errors,
            rps: f.rps,
            latency_ms,
            endpoints: vec![endpoint],
            peak_concurrency: f.connections.map(|c| c as f64),
            distribution: spectrum.map(Spectrum::points).unwrap_or_default(),
            ..ToolReport::default()
        }
    }
}

/// Failed requests from wrk's counters (see the module notes), keeping the
/// raw counters as the run's failures.
fn errors(f: &Figures, requests: u64, run: &mut Run) -> u64 {
    let sock = f.socket_errors;
    for (message, count) in [
        ("Non-2xx or 3xx responses", f.status_errors),
        ("socket errors: connect", sock.connect),
        ("socket errors: read", sock.read),
        ("socket errors: write", sock.write),
        ("socket errors: timeout", sock.timeout),
    ] {
        if count > 0 {
            run.failures.push(FailureSummary {
                endpoint: Some(f.url.clone()),
                method: None,
                message: message.to_string(),
                count,
            });
        }
    }
    let sum = f.status_errors.saturating_add(sock.total());
    let may_overlap = f.status_errors > 0 && sock.read + sock.timeout > 0;
    let counted = if may_overlap {
        f.status_errors.max(sock.read + sock.timeout) + sock.connect + sock.write
    } else {
        sum
    };
    let errors = counted.min(requests);
    if may_overlap {
        run.warn(format!(
            "wrk counted {} non-2xx/3xx responses and {} socket read/timeout errors, which may be the same responses (a server that answers an error and drops the connection gives both; a timed-out request may still complete): errors counted as {errors}, between {} and {} of {requests} requests",
            f.status_errors,
            sock.read + sock.timeout,
            errors,
            sum.min(requests),
        ));
    } else if sum > requests {
        run.warn(format!(
            "wrk counted {sum} errors ({} socket errors, which have no response) for {requests} completed requests: errors capped at the request count",
            sock.total()
        ));
    }
    errors
}

/// `connect 0, read 5, write 0, timeout 12`.
fn socket_errors(rest: &str) -> Option<SocketErrors> {
    let mut out = SocketErrors::default();
    for part in rest.split(',') {
        let mut kv = part.split_whitespace();
        let (Some(kind), Some(count), None) = (kv.next(), kv.next(), kv.next()) else {
            return None;
        };
        let count = count.parse::<u64>().ok()?;
        match kind {
            "connect" => out.connect = count,
            "read" => out.read = count,
            "write" => out.write = count,
            "timeout" => out.timeout = count,
            _ => return None,
        }
    }
    Some(out)
}

impl ConsoleFormat for Wrk {
    // Notes around the output may be in any encoding; wrk's own lines are ASCII.
    const NOT_UTF8: NotUtf8 = NotUtf8::Drop;

    fn line(&mut self, run: &mut Run, n: u64, text: &str) {
        if let Some(url) = running_line(text) {
            if self.run.is_some() {
                self.more_runs.push(n);
            } else {
                self.run = Some(Figures {
                    url: url.to_string(),
                    ..Figures::default()
                });
                self.section = Section::None;
            }
            return;
        }
        if text.is_empty() || !self.more_runs.is_empty() {
            return;
        }
        let Some(f) = self.run.as_mut() else { return };
        if let Some((_, connections)) = threads_line(text) {
            f.connections = Some(connections);
        } else if text.starts_with("Thread calibration:") {
            f.calibrated = true;
        } else if text.starts_with("Thread Stats") {
            self.section = Section::ThreadStats;
        } else if let Some(kind) = text.strip_prefix("Latency Distribution") {
            self.section = if kind.contains("Uncorrected") {
                f.uncorrected = true;
                Section::Uncorrected
            } else {
                Section::Distribution
            };
        } else if text.starts_with("Detailed Percentile spectrum") {
            if self.section == Section::Distribution {
                self.section = Section::Spectrum;
                f.spectrum = Some(Spectrum::new(0));
            }
        } else if text.starts_with("----------") {
            self.section = Section::None;
        } else if let Some(rest) = text.split_once(" requests in ") {
            f.requests = rest.0.trim().parse().ok();
            let duration = rest.1.split(',').next().unwrap_or("");
            f.duration_s = duration_ms(duration).map(|ms| ms / 1000.0);
            if f.requests.is_none() || f.duration_s.is_none() {
                run.skip_line(n, "expected \"N requests in DURATION, SIZE read\"");
            }
            self.section = Section::None;
        } else if let Some(rest) = text.strip_prefix("Socket errors:") {
            match socket_errors(rest) {
                Some(counts) => f.socket_errors = counts,
                None => run.skip_line(
                    n,
                    "expected \"Socket errors: connect N, read N, write N, timeout N\"",
                ),
            }
        } else if let Some(rest) = text.strip_prefix("Non-2xx or 3xx responses:") {
            match rest.trim().parse() {
                Ok(count) => f.status_errors = count,
                Err(_) => run.skip_line(n, "expected \"Non-2xx or 3xx responses: N\""),
            }
        } else if let Some(rest) = text.strip_prefix("Requests/sec:") {
            f.rps = parse_scaled(rest, 0);
        } else {
            Self::section_line(self.section, f, text, n, run);
        }
    }

    fn too_long(&mut self, run: &mut Run, n: u64) {
        skip_too_long(run, n);
    }

    fn finish(&mut self, run: &mut Run, lines: u64) -> Result<(), IngestError> {
        let malformed = |position: Position, reason: &str| IngestError::Malformed {
            source_name: run.source.clone(),
            format: run.format.as_str(),
            position,
            reason: reason.to_string(),
        };
        let Some(f) = self.run.take() else {
            return Err(malformed(
                Position::Part { part: "at the end" },
                "no \"Running … test @ URL\" line: this is not wrk output",
            ));
        };
        if f.requests.is_none() {
            return Err(malformed(
                Position::EndsAt { line: lines },
                "the output stops before wrk's \"N requests in DURATION\" line: the run was interrupted or the output cut",
            ));
        }
        if !self.more_runs.is_empty() {
            let listed: Vec<String> = self
                .more_runs
                .iter()
                .take(MAX_LISTED_RUNS)
                .map(u64::to_string)
                .collect();
            run.warn(format!(
                "this file holds {} wrk runs; only the first is summarised (the others start on lines {}); split the file to read them",
                self.more_runs.len() + 1,
                listed.join(", ")
            ));
        }
        let report = self.report(&f, run);
        run.tool = Some(report);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrk_time_units() {
        assert_eq!(duration_ms("706.00us"), Some(0.706));
        assert_eq!(duration_ms("27.86ms"), Some(27.86));
        assert_eq!(duration_ms("1.02s"), Some(1020.0));
        assert_eq!(duration_ms("1.00m"), Some(60_000.0));
        assert_eq!(duration_ms("-nanus"), None);
        assert_eq!(duration_ms("12"), None);
        assert_eq!(duration_ms("3.5xs"), None);
    }

    #[test]
    fn header_lines() {
        assert_eq!(
            running_line("Running 1m test @ http://localhost:8080"),
            Some("http://localhost:8080")
        );
        assert_eq!(
            threads_line("64 threads and 64 connections"),
            Some((64, 64))
        );
        assert_eq!(threads_line("2 threads and ten connections"), None);
        assert_eq!(
            socket_errors(" connect 0, read 5, write 1, timeout 12"),
            Some(SocketErrors {
                connect: 0,
                read: 5,
                write: 1,
                timeout: 12
            })
        );
        assert_eq!(socket_errors(" connect 0, read x"), None);
    }

    #[test]
    fn sniffs_wrk_anywhere_but_needs_both_lines() {
        assert!(sniff(b"-t1 -c64 --latency http://x\nRunning 1m test @ http://x\n  1 threads and 64 connections\n", true));
        assert!(sniff(
            b"# Results\n\n```\nRunning 10s test @ http://x\n  2 threads and 10 connections\n```\n",
            true
        ));
        assert!(!sniff(
            b"Running 10s test @ http://x\nsomething else\n",
            true
        ));
        assert!(!sniff(b"Summary:\n  Total:\t10.0298 secs\n", true));
    }
}
