//! hey's default text summary (what `hey` prints without `-o csv`):
//!
//! ```text
//! Summary:
//!   Total:    10.0298 secs
//!   Slowest:    0.0735 secs
//!   ...
//! Latency distribution:
//!   50% in 0.0268 secs
//! Status code distribution:
//!   [200]    3551 responses
//! ```
//!
//! (hey separates each label from its value with a tab.)
//!
//! Upstream: rakyll/hey `requester/print.go` (`defaultTmpl`, numbers as
//! `%4.4f` seconds) and `requester/report.go`. A tool summary: figures are
//! copied exactly (seconds shifted to milliseconds without rounding).
//!
//! What hey's numbers mean (report.go): Slowest, Fastest, Average and the
//! latency distribution cover responses only (transport errors have no
//! latency), the distribution takes `lats[i]` for the first `i` with
//! `i*100/n >= p`, and only the first 1,000,000 responses are kept for it and
//! for the status counts. `Requests/sec` counts every result, errors included.
//! So requests = responses by status + transport errors; errors = responses
//! with status ≥ 400 + transport errors. The URL and `-c` are not printed, so
//! there is no endpoint name and no concurrency.

use std::collections::BTreeMap;

use crate::decoder::FormatSpec;
use crate::error::{IngestError, Position};
use crate::format::Format;
use crate::formats::shared::console::{console_spec, sniff_lines, ConsoleFormat};
use crate::formats::shared::decimal::parse_scaled;
use crate::formats::shared::rows::skip_too_long;
use crate::run::{Run, ToolReport};
use crate::summary::LatencyMs;

/// Registry entry.
pub const SPEC: FormatSpec = console_spec::<HeyText>(
    Format::HeyText,
    "hey text summary (hey's default output, without -o csv)",
    &[".txt"],
    sniff,
);

/// hey keeps at most this many results for its distribution and status counts.
const HEY_MAX_RESULTS: u64 = 1_000_000;
/// Transport errors quoted in the warning.
const QUOTED_ERRORS: usize = 5;

fn sniff(prefix: &[u8], _eof: bool) -> bool {
    let mut lines = sniff_lines(prefix).filter(|l| !l.is_empty());
    lines.next().as_deref() == Some("Summary:")
        && lines
            .next()
            .is_some_and(|l| l.starts_with("Total:") && l.ends_with("secs"))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
enum Section {
    #[default]
    Start,
    Summary,
    Histogram,
    Latency,
    Details,
    Status,
    Errors,
}

/// Reads hey's text summary.
#[derive(Debug, Default)]
pub struct HeyText {
    section: Section,
    total_s: Option<f64>,
    rps: Option<f64>,
    latency: LatencyMs,
    statuses: BTreeMap<String, u64>,
    transport_errors: Vec<(u64, String)>,
}

/// `0.0268 secs` → 26.8 (ms).
fn secs_to_ms(value: &str) -> Option<f64> {
    parse_scaled(value.trim().strip_suffix("secs")?, 3)
}

impl HeyText {
    fn summary_line(&mut self, text: &str) -> bool {
        let Some((key, value)) = text.split_once(':') else {
            return false;
        };
        let value = value.trim();
        match key.trim() {
            "Total" => self.total_s = secs_to_ms(value).map(|ms| ms / 1000.0),
            // "NaN secs" when no request got a response: the figure does not exist.
            "Slowest" => self.latency.max = secs_to_ms(value),
            "Fastest" => self.latency.min = secs_to_ms(value),
            "Average" => self.latency.mean = secs_to_ms(value),
            "Requests/sec" => self.rps = parse_scaled(value, 0),
            "Total data" | "Size/request" => {}
            _ => return false,
        }
        true
    }

    /// `50% in 0.0268 secs`; hey prints `0% in 0.0000 secs` for a percentile it has no value for.
    fn latency_line(&mut self, text: &str) -> bool {
        let Some((pct, value)) = text.split_once("% in ") else {
            return false;
        };
        let Some(ms) = secs_to_ms(value) else {
            return false;
        };
        match pct.trim() {
            "50" => self.latency.p50 = Some(ms),
            "90" => self.latency.p90 = Some(ms),
            "95" => self.latency.p95 = Some(ms),
            "99" => self.latency.p99 = Some(ms),
            "0" | "10" | "25" | "75" => {}
            _ => return false,
        }
        true
    }

    /// `[200]    3551 responses`
    fn status_line(&mut self, text: &str) -> bool {
        let Some((code, rest)) = text.strip_prefix('[').and_then(|r| r.split_once(']')) else {
            return false;
        };
        let Some(count) = rest
            .trim()
            .strip_suffix("responses")
            .and_then(|c| c.trim().parse::<u64>().ok())
        else {
            return false;
        };
        *self.statuses.entry(code.to_string()).or_default() += count;
        true
    }

    /// `[12]    Get "http://…": dial tcp …: connection refused`
    fn error_line(&mut self, text: &str) -> bool {
        let Some((count, message)) = text.strip_prefix('[').and_then(|r| r.split_once(']')) else {
            return false;
        };
        let Ok(count) = count.parse::<u64>() else {
            return false;
        };
        self.transport_errors
            .push((count, message.trim().to_string()));
        true
    }
}

impl ConsoleFormat for HeyText {
    fn line(&mut self, run: &mut Run, n: u64, text: &str) {
        if text.is_empty() {
            return;
        }
        let heading = match text {
            "Summary:" => Some(Section::Summary),
            "Response time histogram:" => Some(Section::Histogram),
            "Latency distribution:" => Some(Section::Latency),
            "Details (average, fastest, slowest):" => Some(Section::Details),
            "Status code distribution:" => Some(Section::Status),
            "Error distribution:" => Some(Section::Errors),
            _ => None,
        };
        if let Some(section) = heading {
            self.section = section;
            return;
        }
        let ok = match self.section {
            Section::Summary => self.summary_line(text),
            Section::Latency => self.latency_line(text),
            Section::Status => self.status_line(text),
            Section::Errors => self.error_line(text),
            Section::Histogram | Section::Details => true,
            Section::Start => false,
        };
        if !ok {
            run.skip_line(
                n,
                format!("unexpected line in hey's {:?} section", self.section).to_lowercase(),
            );
        }
    }

    fn too_long(&mut self, run: &mut Run, n: u64) {
        skip_too_long(run, n);
    }

    fn finish(&mut self, run: &mut Run, _lines: u64) -> Result<(), IngestError> {
        let Some(total_s) = self.total_s else {
            return Err(IngestError::Malformed {
                source_name: run.source.clone(),
                format: run.format.as_str(),
                position: Position::Part {
                    part: "in the Summary section",
                },
                reason: "no \"Total: N secs\" line: this is not a complete hey summary".into(),
            });
        };
        let responses: u64 = self.statuses.values().sum();
        let transport: u64 = self.transport_errors.iter().map(|(c, _)| c).sum();
        let failed_responses: u64 = self
            .statuses
            .iter()
            .filter(|(code, _)| code.parse::<u16>().is_ok_and(|c| c >= 400))
            .map(|(_, c)| c)
            .sum();
        let requests = if responses >= HEY_MAX_RESULTS {
            // The status counts stop at hey's cap: only Requests/sec × Total is left.
            let estimate = self.rps.map(|r| (r * total_s).round() as u64);
            run.warn(format!(
                "hey lists at most {HEY_MAX_RESULTS} responses by status and for its percentiles; the request count is Requests/sec × Total (±1 %), and errors count only the listed responses"
            ));
            estimate
        } else {
            Some(responses + transport)
        };
        if self.statuses.is_empty() && self.transport_errors.is_empty() {
            run.warn("the summary has no status code distribution, so the request and error counts are unknown");
        }
        if !self.transport_errors.is_empty() {
            let quoted: Vec<String> = self
                .transport_errors
                .iter()
                .take(QUOTED_ERRORS)
                .map(|(c, m)| format!("{c}× {m}"))
                .collect();
            run.warn(format!(
                "hey reported {transport} requests without a response: {}",
                quoted.join("; ")
            ));
        }
        let known = !self.statuses.is_empty() || !self.transport_errors.is_empty();
        run.tool = Some(ToolReport {
            duration_s: Some(total_s),
            requests: requests.filter(|_| known),
            errors: known.then_some(failed_responses + transport),
            rps: self.rps,
            latency_ms: self.latency,
            status_codes: self.statuses.clone(),
            ..ToolReport::default()
        });
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_hey_but_not_oha() {
        assert!(sniff(b"\nSummary:\n  Total:\t10.0298 secs\n", true));
        assert!(!sniff(
            b"Summary:\n  Success rate:\t100.00%\n  Total:\t10.0008 secs\n",
            true
        ));
        assert!(!sniff(b"Summary of the run\n", true));
    }

    #[test]
    fn lines_of_each_section() {
        let mut d = HeyText::default();
        assert!(d.summary_line("Average:\tNaN secs"));
        assert_eq!(d.latency.mean, None);
        assert!(d.latency_line("99% in 0.0532 secs"));
        assert_eq!(d.latency.p99, Some(53.2));
        assert!(d.latency_line("0% in 0.0000 secs"));
        assert!(!d.latency_line("99% of nothing"));
        assert!(d.status_line("[503]\t12 responses"));
        assert!(!d.status_line("[503] twelve responses"));
        assert!(d.error_line("[3]\tGet \"http://x\": dial tcp: connection refused"));
        assert_eq!(
            d.transport_errors,
            vec![(
                3,
                "Get \"http://x\": dial tcp: connection refused".to_string()
            )]
        );
    }
}
