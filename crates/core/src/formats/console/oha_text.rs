//! oha's text summary (its default output, printed after the TUI closes or
//! with `--no-tui`; oha separates keys and values with a tab):
//!
//! ```text
//! Summary:
//!   Success rate: 100.00%
//!   Total: 1205.2913 ms
//!   Slowest: 60.0111 ms
//!   Fastest: 8.6277 ms
//!   Average: 23.7759 ms
//!   Requests/sec: 331.8700
//! Response time distribution:
//!   50.00% in 22.5828 ms
//!   99.90% in 60.0111 ms
//! Status code distribution:
//!   [200] 388 responses
//!   [500] 12 responses
//! Error distribution:
//!   [64] aborted due to deadline
//! ```
//!
//! Upstream: hatoo/oha `src/printer.rs` (`print_summary`). Since 1.9 every
//! time is printed in one unit chosen from the slowest request (`ns`, `us`,
//! `ms`, `sec`, `10 sec`, `min`, `10 min`, `hr`; `-u` fixes it); before, in
//! `secs`. Before 0.6 (2023) the percentiles were `Latency distribution:`
//! with whole percents (`50% in 0.0226 secs`), and the first releases
//! printed the success rate as a fraction. Slowest/fastest/average and the
//! percentiles are over every response, whatever its status; `Requests/sec`
//! counts every result, transport errors and deadline aborts included;
//! `NaN`/`inf` when nothing answered. `--stats-success-breakdown` adds
//! `(2xx only)` and `(4xx + 5xx only)` tables, not read here.
//!
//! A tool summary, read by the same rules as oha's JSON (`oha_json`):
//! requests = responses by status + transport errors; errors = responses
//! with status ≥ 400 + transport errors; "aborted due to deadline" (requests
//! in flight when `-z` ran out) is neither, with a warning. Several runs in
//! one log: the last complete one, with a warning.

use std::collections::BTreeMap;

use crate::decoder::FormatSpec;
use crate::error::IngestError;
use crate::format::Format;
use crate::formats::shared::console::{log_spec, sniff_lines, ConsoleFormat, Latest};
use crate::formats::shared::decimal::Decimal;
use crate::run::{Run, ToolReport};
use crate::summary::{FailureSummary, LatencyMs};

/// Registry entry.
pub const SPEC: FormatSpec = log_spec::<OhaText>(
    Format::OhaText,
    "oha text summary (default output, --no-tui), also inside a log or .md file",
    sniff,
);

/// oha's label for requests cut off when a `-z` run ends (`ClientError::Deadline`).
const DEADLINE: &str = "aborted due to deadline";
/// Transport errors quoted in the warning.
const QUOTED_ERRORS: usize = 5;

fn sniff(prefix: &[u8], _eof: bool) -> bool {
    let mut lines = sniff_lines(prefix).filter(|l| !l.is_empty());
    while let Some(l) = lines.next() {
        if l.starts_with("Success rate:") {
            return lines.next().is_some_and(|l| l.starts_with("Total:"));
        }
    }
    false
}

/// `60.0111 ms` (any of oha's units) → milliseconds; `None` for `NaN`/`inf`.
fn time_ms(text: &str) -> Option<f64> {
    let (number, unit) = text.trim().split_once(' ')?;
    let d = Decimal::parse(number)?;
    let ms = match unit.trim() {
        "ns" => d.shift(-6),
        "us" => d.shift(-3),
        "ms" => d,
        "sec" | "secs" => d.shift(3),
        "10 sec" => d.shift(4),
        "min" => d.times(60_000)?,
        "10 min" => d.times(600_000)?,
        "hr" => d.times(3_600_000)?,
        _ => return None,
    };
    Some(ms.to_f64()).filter(|v| v.is_finite())
}

/// `[N] rest` → (N, rest).
fn bracketed(text: &str) -> Option<(&str, &str)> {
    let (inside, rest) = text.strip_prefix('[')?.split_once(']')?;
    Some((inside, rest.trim()))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
enum Section {
    #[default]
    Summary,
    Histogram,
    /// Percentiles over every response.
    Distribution,
    /// `(2xx only)`, `(4xx + 5xx only)` tables and the details: not read.
    Other,
    Status,
    Errors,
}

#[derive(Debug, Default, Clone)]
struct Block {
    line: u64,
    section: Section,
    total_s: Option<f64>,
    rps: Option<f64>,
    latency: LatencyMs,
    statuses: BTreeMap<String, u64>,
    transport: Vec<(u64, String)>,
    has_status: bool,
}

/// Reads oha's text summary.
#[derive(Debug, Default)]
pub struct OhaText {
    /// The line of the last `Summary:` heading, while the next line may open a block.
    heading: Option<u64>,
    current: Option<Block>,
    blocks: Latest<Block>,
    starts: Vec<u64>,
}

impl OhaText {
    fn close(&mut self) {
        if let Some(b) = self.current.take() {
            self.starts.push(b.line);
            let complete = b.has_status;
            self.blocks.keep(b, complete);
        }
    }
}

impl ConsoleFormat for OhaText {
    fn line(&mut self, _run: &mut Run, n: u64, text: &str) {
        if text == "Summary:" {
            self.heading = Some(n);
            return;
        }
        if text.starts_with("Success rate:") {
            self.close();
            self.current = Some(Block {
                line: self.heading.unwrap_or(n),
                ..Block::default()
            });
            self.heading = None;
            return;
        }
        if !text.is_empty() {
            self.heading = None;
        }
        let Some(b) = self.current.as_mut() else {
            return;
        };
        let section = match text {
            "Response time histogram:" => Some(Section::Histogram),
            "Response time distribution:" | "Latency distribution:" => Some(Section::Distribution),
            "Status code distribution:" => Some(Section::Status),
            "Error distribution:" => Some(Section::Errors),
            _ if text.starts_with("Response time ") || text.starts_with("Details ") => {
                Some(Section::Other)
            }
            _ => None,
        };
        if let Some(s) = section {
            if s == Section::Status {
                b.has_status = true;
            }
            b.section = s;
            return;
        }
        if text.is_empty() {
            return;
        }
        match b.section {
            Section::Summary => {
                let Some((key, value)) = text.split_once(':') else {
                    return;
                };
                match key {
                    "Total" => b.total_s = time_ms(value).map(|ms| ms / 1000.0),
                    "Slowest" => b.latency.max = time_ms(value),
                    "Fastest" => b.latency.min = time_ms(value),
                    "Average" => b.latency.mean = time_ms(value),
                    // The first releases printed `… secs` after the rate too.
                    "Requests/sec" => {
                        let v = value.trim().trim_end_matches("secs").trim();
                        b.rps = Decimal::parse(v)
                            .map(Decimal::to_f64)
                            .filter(|v| v.is_finite());
                    }
                    _ => {}
                }
            }
            Section::Distribution => {
                let Some((p, value)) = text.split_once("% in ") else {
                    return;
                };
                let Some(p) = Decimal::parse(p.trim()).map(Decimal::to_f64) else {
                    return;
                };
                let v = time_ms(value);
                let slot = match p {
                    50.0 => &mut b.latency.p50,
                    90.0 => &mut b.latency.p90,
                    95.0 => &mut b.latency.p95,
                    99.0 => &mut b.latency.p99,
                    99.9 => &mut b.latency.p999,
                    _ => return,
                };
                *slot = v;
            }
            Section::Status => {
                let parsed = bracketed(text).and_then(|(code, rest)| {
                    let count = rest.strip_suffix("responses")?.trim().parse::<u64>().ok()?;
                    Some((code.to_string(), count))
                });
                match parsed {
                    Some((code, count)) => *b.statuses.entry(code).or_default() += count,
                    // What follows the summary in a log.
                    None => self.close(),
                }
            }
            Section::Errors => {
                let parsed = bracketed(text)
                    .and_then(|(count, message)| Some((count.parse::<u64>().ok()?, message)));
                match parsed {
                    Some((count, message)) => b.transport.push((count, message.to_string())),
                    None => self.close(),
                }
            }
            Section::Histogram | Section::Other => {}
        }
    }

    fn finish(&mut self, run: &mut Run, _lines: u64) -> Result<(), IngestError> {
        self.close();
        let (b, cut) = self.blocks.read(
            run,
            "oha",
            &self.starts,
            None,
            |b| b.line,
            "no oha summary (\"Success rate:\" then \"Total:\")",
        )?;
        if cut {
            run.warn(format!(
                "the oha summary at line {} stops before its status code distribution: the request and error counts are unknown",
                b.line
            ));
        }
        let mut cut_off = 0;
        let mut transport_total = 0;
        let mut failures = Vec::new();
        for (count, message) in &b.transport {
            if message == DEADLINE {
                cut_off += count;
            } else {
                transport_total += count;
                failures.push(FailureSummary {
                    endpoint: None,
                    method: None,
                    message: message.clone(),
                    count: *count,
                });
            }
        }
        if cut_off > 0 {
            run.warn(format!(
                "{cut_off} requests were still in flight when the run's time ran out (\"{DEADLINE}\"); like oha, Verdict counts them neither as requests nor as errors"
            ));
        }
        if transport_total > 0 {
            let quoted: Vec<String> = failures
                .iter()
                .take(QUOTED_ERRORS)
                .map(|f| format!("{}× {}", f.count, f.message))
                .collect();
            run.warn(format!(
                "oha reported {transport_total} requests without a response: {}",
                quoted.join("; ")
            ));
        }
        let responses: u64 = b.statuses.values().sum();
        let failed_responses: u64 = b
            .statuses
            .iter()
            .filter(|(code, _)| code.parse::<u16>().is_ok_and(|c| c >= 400))
            .map(|(_, n)| n)
            .sum();
        run.failures = failures;
        run.tool = Some(ToolReport {
            duration_s: b.total_s,
            requests: (!cut).then_some(responses + transport_total),
            errors: (!cut).then_some(failed_responses + transport_total),
            rps: b.rps,
            latency_ms: b.latency,
            status_codes: b.statuses,
            ..ToolReport::default()
        });
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_unit_oha_prints() {
        assert_eq!(time_ms("60.0111 ms"), Some(60.0111));
        assert_eq!(time_ms("18359719.0000 ns"), Some(18.359719));
        assert_eq!(time_ms("869.5951 us"), Some(0.8695951));
        assert_eq!(time_ms("1.2052 sec"), Some(1205.2));
        assert_eq!(time_ms("0.0181 secs"), Some(18.1));
        assert_eq!(time_ms("1.5000 10 sec"), Some(15000.0));
        assert_eq!(time_ms("2.0000 min"), Some(120_000.0));
        assert_eq!(time_ms("1.0000 hr"), Some(3_600_000.0));
        assert_eq!(time_ms("NaN ns"), None);
        assert_eq!(time_ms("-inf ns"), None);
    }

    #[test]
    fn sniffs_oha_not_hey() {
        assert!(sniff(
            b"Summary:\n  Success rate:\t100.00%\n  Total:\t1.0 sec\n",
            false
        ));
        assert!(!sniff(
            b"Summary:\n  Total:\t0.5 secs\n  Slowest:\t0.1 secs\n",
            false
        ));
    }
}
