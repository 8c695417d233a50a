//! Artillery's console report, as `artillery run` prints it (and people
//! paste it into CI logs):
//!
//! ```text
//! All VUs finished. Total time: 1 minute, 27 seconds
//!
//! --------------------------------
//! Summary report @ 01:44:13(+0000)
//! --------------------------------
//!
//! errors.ETIMEDOUT: .............................................................. 235
//! http.codes.200: ................................................................ 5745
//! http.request_rate: ............................................................. 77/sec
//! http.requests: ................................................................. 6100
//! http.response_time:
//!   min: ......................................................................... 0
//!   max: ......................................................................... 1351
//!   mean: ........................................................................ 33.3
//!   median: ...................................................................... 23.8
//!   p95: ......................................................................... 83.9
//!   p99: ......................................................................... 127.8
//! plugins.metrics-by-endpoint.GET /api/items.codes.200: .......................... 1804
//! vusers.created: ................................................................ 3050
//! ```
//!
//! Upstream: artilleryio/artillery `packages/artillery/lib/platform/local/`
//! console reporter (`lib/console-reporter.js`): every 10 s a "Metrics for
//! period to: …" block, at the end one "Summary report @ …" block with the
//! run's aggregate: counters (`name: ..... value`), rates (`…/sec`) and
//! summaries (`name:` then indented `min`/`max`/`mean`/`median`/`p95`/`p99`).
//! Names too long for the column are cut and end in `...`.
//!
//! The Summary report holds the same counters and summaries as the
//! `aggregate` of `report.json`, so it is read by the same rules
//! ([`crate::formats::artillery::report::aggregate_report`]): requests = `http.requests`,
//! errors = responses ≥ 400 plus requests with no response, endpoints from
//! the metrics-by-endpoint plugin. Unlike the JSON, req/s is Artillery's
//! printed `http.request_rate` and the duration is the "Total time" line
//! before the report. Period blocks are progress and are not read. Several
//! runs in one log: the last complete Summary report, with a warning.

use serde_json::{Map, Value};

use crate::decoder::FormatSpec;
use crate::error::IngestError;
use crate::format::Format;
use crate::formats::artillery::report::aggregate_report;
use crate::formats::shared::console::{log_spec, sniff_lines, ConsoleFormat, Latest};
use crate::formats::shared::decimal::parse_scaled;
use crate::run::Run;

/// Registry entry.
pub const SPEC: FormatSpec = log_spec::<ArtilleryText>(
    Format::ArtilleryText,
    "Artillery console report (the \"Summary report @ …\" block), also inside a log or .md file",
    sniff,
);

const SUMMARY: &str = "Summary report @";
const PERIOD: &str = "Metrics for period to:";
/// The statistics Artillery prints under a summary name.
const STATS: &[&str] = &[
    "min", "max", "mean", "median", "count", "p50", "p75", "p90", "p95", "p99", "p999",
];

fn sniff(prefix: &[u8], _eof: bool) -> bool {
    sniff_lines(prefix).any(|l| {
        let l = &*l;
        l.starts_with(SUMMARY)
            || l.starts_with(PERIOD)
            || metric_line(l).is_some_and(|(k, _)| k == "http.requests" || k == "vusers.created")
    })
}

/// `name: ....... value` → (name, value as printed, `/sec` removed).
fn metric_line(line: &str) -> Option<(&str, &str)> {
    let (key, rest) = line.split_once(": .")?;
    let rest = rest.trim_start_matches('.');
    let value = rest.strip_prefix(' ')?.trim();
    let value = value.strip_suffix("/sec").unwrap_or(value);
    parse_scaled(value, 0)?;
    Some((key.trim(), value))
}

/// A name Artillery cut to fit: `long.name.errors.E...  60`.
fn shortened_line(line: &str) -> Option<&str> {
    let (key, value) = line.rsplit_once("...")?;
    parse_scaled(value.trim(), 0)?;
    (!key.is_empty() && value.starts_with(' ')).then_some(key)
}

/// `1 minute, 27 seconds`, `47 seconds`, `2 hours, 3 minutes` → seconds.
fn total_time(text: &str) -> Option<f64> {
    let mut total = 0.0;
    let mut any = false;
    for part in text.split(',') {
        let mut words = part.split_whitespace();
        let n = parse_scaled(words.next()?, 0)?;
        let unit = words.next()?.trim_end_matches('s');
        total += n * match unit {
            "second" => 1.0,
            "minute" => 60.0,
            "hour" => 3600.0,
            "day" => 86400.0,
            _ => return None,
        };
        any = true;
    }
    any.then_some(total)
}

#[derive(Debug, Default)]
struct Block {
    start_line: u64,
    counters: Map<String, Value>,
    summaries: Map<String, Value>,
    request_rate: Option<f64>,
    current_summary: Option<String>,
    shortened: Vec<String>,
    total_time_s: Option<f64>,
}

impl Block {
    fn is_empty(&self) -> bool {
        self.counters.is_empty() && self.summaries.is_empty() && self.request_rate.is_none()
    }
}

/// Reads Artillery's console output.
#[derive(Debug, Default)]
pub struct ArtilleryText {
    current: Option<Block>,
    /// The last Summary report followed by something else (so not cut),
    /// or a later one that the text ends inside.
    blocks: Latest<Block>,
    starts: Vec<u64>,
    pending_total: Option<f64>,
}

impl ArtilleryText {
    fn close(&mut self, complete: bool) {
        let Some(block) = self.current.take() else {
            return;
        };
        if block.is_empty() {
            return;
        }
        self.blocks.keep(block, complete);
    }
}

impl ConsoleFormat for ArtilleryText {
    fn line(&mut self, _run: &mut Run, n: u64, text: &str) {
        if text.starts_with(SUMMARY) {
            self.close(true);
            self.starts.push(n);
            self.current = Some(Block {
                start_line: n,
                total_time_s: self.pending_total.take(),
                ..Block::default()
            });
            return;
        }
        if text.starts_with(PERIOD) || text.starts_with("Test run id:") {
            self.close(true);
            self.pending_total = None;
            return;
        }
        if let Some((_, t)) = text.split_once("Total time:") {
            self.close(true);
            self.pending_total = total_time(t);
            return;
        }
        let Some(block) = self.current.as_mut() else {
            return;
        };
        if text.is_empty() || text.bytes().all(|b| b == b'-') {
            return;
        }
        if let Some((key, value)) = metric_line(text) {
            let v = parse_scaled(value, 0).and_then(serde_json::Number::from_f64);
            let Some(v) = v else {
                return;
            };
            match &block.current_summary {
                Some(name) if STATS.contains(&key) => {
                    if let Some(Value::Object(s)) = block.summaries.get_mut(name) {
                        s.insert(key.to_string(), Value::Number(v));
                    }
                }
                _ => {
                    block.current_summary = None;
                    if key == "http.request_rate" {
                        block.request_rate = v.as_f64();
                    } else {
                        block.counters.insert(key.to_string(), Value::Number(v));
                    }
                }
            }
            return;
        }
        if let Some(key) = shortened_line(text) {
            block.current_summary = None;
            block.shortened.push(key.trim().to_string());
            return;
        }
        if let Some(name) = text.strip_suffix(':') {
            block.current_summary = Some(name.to_string());
            block
                .summaries
                .insert(name.to_string(), Value::Object(Map::new()));
            return;
        }
        // `Log file: report.json`, a shell prompt, the next command: the report is over.
        self.close(true);
    }

    fn finish(&mut self, run: &mut Run, _lines: u64) -> Result<(), IngestError> {
        // A report that runs to the end of the text is whole if it got to the
        // VU counters, which Artillery prints last (names are sorted).
        let whole = self
            .current
            .as_ref()
            .is_some_and(|b| b.counters.keys().any(|k| k.starts_with("vusers.")));
        self.close(whole);
        let (block, cut) = self.blocks.read(
            run,
            "Artillery",
            &self.starts,
            self.starts.first().copied(),
            |b| b.start_line,
            "no \"Summary report @ …\" block with metrics (the per-period \"Metrics for period\" blocks cover part of a run only)",
        )?;
        if cut {
            run.warn(format!(
                "the Summary report at line {} is cut before its end (no vusers.* counters): metrics after the cut are missing",
                block.start_line
            ));
        }
        if !block.shortened.is_empty() {
            run.warn(format!(
                "Artillery's console cut {} metric name(s) too long for its column ({}): those counters are not read (report.json has them whole)",
                block.shortened.len(),
                block
                    .shortened
                    .iter()
                    .map(|k| format!("\"{k}...\""))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        let mut report =
            aggregate_report(&block.counters, &block.summaries, block.total_time_s, run);
        // The printed rate is Artillery's; per-endpoint rates are not printed.
        report.rps = block.request_rate;
        for ep in &mut report.endpoints {
            ep.rps = None;
        }
        run.tool = Some(report);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines() {
        assert_eq!(
            metric_line("http.request_rate: ....................... 77/sec"),
            Some(("http.request_rate", "77"))
        );
        assert_eq!(
            metric_line("  p99: ......... 127.8".trim()),
            Some(("p99", "127.8"))
        );
        assert_eq!(metric_line("http.response_time:"), None);
        assert_eq!(
            shortened_line("plugins.metrics-by-endpoint.GET /x.errors.ETIMED...  97"),
            Some("plugins.metrics-by-endpoint.GET /x.errors.ETIMED")
        );
        assert_eq!(total_time(" 1 minute, 27 seconds"), Some(87.0));
        assert_eq!(total_time(" 47 seconds"), Some(47.0));
        assert_eq!(total_time(" soon"), None);
    }
}
