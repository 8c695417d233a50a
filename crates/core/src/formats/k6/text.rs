//! k6's end-of-test summary as printed on the console (and pasted into CI
//! logs and reports), in both layouts:
//!
//! ```text
//!   █ TOTAL RESULTS                                        (k6 1.x, compact/full)
//!     HTTP
//!     http_req_duration....: avg=26.97ms min=354.11µs med=18.6ms max=808.17ms p(90)=53.49ms p(95)=73.77ms
//!       { name:GET /api/search }...: avg=62.62ms …
//!     http_req_failed......: 0.35%  8 out of 2281
//!     http_reqs............: 2281   74.311597/s
//!
//!      ✓ http_req_duration..: avg=… p(95)=…                 (k6 0.x, and 1.x --summary-mode=legacy)
//!        http_req_failed....: 0.35%  ✓ 8  ✗ 2273
//! ```
//!
//! Upstream: grafana/k6 `internal/js/summary.js` (1.x) and
//! `internal/js/summary-legacy.js` (0.x `js/summary.js`): durations are
//! `humanizeGenericDuration` (`850.12µs`, `18.6ms`, `1.29s`, `1m2s`,
//! `1h2m3s`, `12ns`, `0s`) or a fixed unit with `--summary-time-unit`; rates
//! are percentages with `passes out of total` (older k6: `✓ passes ✗ fails`,
//! where for `http_req_failed` a "pass" is a failed request).
//!
//! A tool summary: every figure is copied as printed (k6 truncates to two
//! decimals), units converted exactly, no percentile added. Sub-metric rows
//! `{ name:X }` / `{ url:X }` of the request duration become endpoint rows, as
//! in the JSON summaries. The 1.x THRESHOLDS section gives each threshold's
//! expression and outcome; the legacy layout only marks a metric ✓/✗, which
//! is said in a warning. In `--summary-mode=full` the GROUP and SCENARIO
//! sections repeat metrics for a part of the run and are not read. The run's
//! duration is the `running (…)` progress line with no active VUs next to the
//! summary, when the log has it. A log may hold several runs: the last
//! complete summary is read, and a warning gives the lines of all of them.

use std::collections::{BTreeMap, BTreeSet};

use crate::decoder::FormatSpec;
use crate::error::IngestError;
use crate::format::Format;
use crate::formats::shared::console::{
    log_spec, no_summary, several_runs_warning, sniff_lines, ConsoleFormat,
};
use crate::formats::shared::decimal::Decimal;
use crate::run::{Run, ToolReport};
use crate::summary::{Checks, EndpointSummary, LatencyMs, ToolThreshold};

/// Registry entry.
pub const SPEC: FormatSpec = log_spec::<K6Text>(
    Format::K6Text,
    "k6 end-of-test summary text (console output, also pasted into a log or .md file)",
    sniff,
);

/// Metrics k6 itself defines; a metric row outside a 1.x section starts a
/// (legacy) summary only with one of these names, so other tools' dotted
/// lines are not taken for k6.
const BUILTIN: &[&str] = &[
    "checks",
    "checks_total",
    "checks_succeeded",
    "checks_failed",
    "data_received",
    "data_sent",
    "dropped_iterations",
    "group_duration",
    "http_req_blocked",
    "http_req_connecting",
    "http_req_duration",
    "http_req_failed",
    "http_req_receiving",
    "http_req_sending",
    "http_req_tls_handshaking",
    "http_req_waiting",
    "http_reqs",
    "iteration_duration",
    "iterations",
    "vus",
    "vus_max",
    "grpc_req_duration",
    "grpc_reqs",
];

fn sniff(prefix: &[u8], _eof: bool) -> bool {
    sniff_lines(prefix).any(|l| {
        let l = &*l;
        section_title(l).is_some_and(|t| t == "TOTAL RESULTS" || t == "THRESHOLDS")
            || metric_row(l).is_some_and(|r| {
                r.sub.is_none()
                    && matches!(r.name, "http_req_duration" | "http_reqs" | "iterations")
            })
            || progress_line(l).is_some()
    })
}

/// `█ TOTAL RESULTS` → `TOTAL RESULTS`.
fn section_title(line: &str) -> Option<&str> {
    let (_, rest) = line.split_once('█')?;
    Some(rest.trim())
}

fn is_part(title: &str) -> bool {
    title.starts_with("GROUP:") || title.starts_with("SCENARIO:")
}

/// One `name.....: value` row.
#[derive(Debug, PartialEq)]
struct MetricRow<'a> {
    /// Top-level metric name, or "" for a sub-metric row.
    name: &'a str,
    /// `name:GET /x` for `{ name:GET /x }`.
    sub: Option<&'a str>,
    /// A legacy threshold mark before the name: `Some(true)` for ✓.
    mark: Option<bool>,
    value: &'a str,
}

/// Splits `  ✓ http_reqs.......: 2281  74.3/s` (k6 pads names with at least three dots).
fn metric_row(line: &str) -> Option<MetricRow<'_>> {
    let dots = line.find("...")?;
    let after = line[dots..].trim_start_matches('.');
    let value = after.strip_prefix(':')?.trim();
    let head = line[..dots].trim_end();
    let (head, sub) = match head.strip_suffix('}') {
        Some(h) => {
            // The row's own brace: names may hold braces (`GET /items/{id}`).
            let open = h.find('{')?;
            (&h[..open], Some(h[open + 1..].trim()))
        }
        None => (head, None),
    };
    let mut words: Vec<&str> = head.split_whitespace().collect();
    let name = if sub.is_some() {
        ""
    } else {
        let name = words.pop()?;
        if !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
            return None;
        }
        name
    };
    let mark = match words.last() {
        Some(&"✓") => Some(true),
        Some(&"✗") => Some(false),
        _ => None,
    };
    Some(MetricRow {
        name,
        sub,
        mark,
        value,
    })
}

/// `running (1m02.3s), 00/40 VUs, 2281 complete and 0 interrupted iterations`
/// → (seconds, active VUs).
fn progress_line(line: &str) -> Option<(f64, u64)> {
    let rest = line.strip_prefix("running (")?;
    let (time, rest) = rest.split_once("), ")?;
    let (active, rest) = rest.split_once('/')?;
    rest.split_whitespace()
        .nth(1)
        .filter(|w| w.starts_with("VUs"))?;
    let ms = duration_ms(time)?;
    Some((ms / 1000.0, active.trim().parse().ok()?))
}

/// A k6 duration (`850.12µs`, `18.6ms`, `1.29s`, `1m2s`, `1h2m3s`, `12ns`,
/// `0s`, `0.026970s`) in milliseconds, converted exactly.
pub fn duration_ms(text: &str) -> Option<f64> {
    let mut rest = text.trim();
    if rest.is_empty() {
        return None;
    }
    let mut total = 0.0;
    while !rest.is_empty() {
        let split = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .filter(|&i| i > 0)?;
        let (number, tail) = rest.split_at(split);
        let unit_len = tail
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(tail.len());
        let (unit, tail) = tail.split_at(unit_len);
        let d = Decimal::parse(number)?;
        let ms = match unit {
            "ns" => d.shift(-6),
            "µs" | "μs" | "us" => d.shift(-3),
            "ms" => d,
            "s" => d.shift(3),
            "m" => d.times(60_000)?,
            "h" => d.times(3_600_000)?,
            _ => return None,
        };
        total += ms.to_f64();
        rest = tail;
    }
    Some(total).filter(|v| v.is_finite())
}

/// A plain number as k6 prints counts and rates (`2281`, `74.311597`).
fn number(text: &str) -> Option<f64> {
    Some(Decimal::parse(text)?.to_f64()).filter(|v| v.is_finite())
}

fn count(text: &str) -> Option<u64> {
    text.trim().parse().ok()
}

/// `avg=26.97ms min=354.11µs med=18.6ms …`
fn trend(value: &str) -> Option<LatencyMs> {
    let mut l = LatencyMs::default();
    let mut any = false;
    for token in value.split_whitespace() {
        let Some((key, v)) = token.split_once('=') else {
            continue;
        };
        let slot = match key {
            "avg" => &mut l.mean,
            "min" => &mut l.min,
            "med" | "p(50)" => &mut l.p50,
            "max" => &mut l.max,
            "p(90)" => &mut l.p90,
            "p(95)" => &mut l.p95,
            "p(99)" => &mut l.p99,
            "p(99.9)" => &mut l.p999,
            _ => continue,
        };
        *slot = duration_ms(v);
        any |= slot.is_some();
    }
    any.then_some(l)
}

/// A rate row's counts: `0.35% 8 out of 2281` or `0.35% ✓ 8 ✗ 2273` → (passes, total).
fn rate_counts(value: &str) -> Option<(u64, u64)> {
    let words: Vec<&str> = value.split_whitespace().collect();
    match words.as_slice() {
        [_, passes, "out", "of", total, ..] => Some((count(passes)?, count(total)?)),
        [_, "✓", passes, "✗", fails, ..] => {
            let p = count(passes)?;
            Some((p, p.checked_add(count(fails)?)?))
        }
        _ => None,
    }
}

/// `2281   74.311597/s` → (count, rate).
fn counter(value: &str) -> Option<(u64, Option<f64>)> {
    let mut words = value.split_whitespace();
    let n = count(words.next()?)?;
    let rate = words
        .next()
        .and_then(|r| r.strip_suffix("/s"))
        .and_then(number);
    Some((n, rate))
}

/// `40 min=40 max=40` → the max (or the value).
fn gauge_max(value: &str) -> Option<f64> {
    let mut words = value.split_whitespace();
    let first = words.next().and_then(number);
    words
        .find_map(|w| w.strip_prefix("max="))
        .and_then(number)
        .or(first)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
enum State {
    /// Outside any summary: progress lines, banners, other noise.
    #[default]
    Outside,
    /// 1.x `█ THRESHOLDS`.
    Thresholds,
    /// 1.x `█ TOTAL RESULTS`, or a legacy summary's metric rows.
    Results,
    /// 1.x `█ GROUP: …` / `█ SCENARIO: …` (full mode): a part of the run.
    Part,
}

/// One summary found in the text.
#[derive(Debug, Default)]
struct Block {
    start_line: u64,
    legacy: bool,
    reqs: Option<(u64, Option<f64>)>,
    grpc_reqs: Option<(u64, Option<f64>)>,
    failed: Option<(u64, u64)>,
    duration: Option<LatencyMs>,
    grpc_duration: Option<LatencyMs>,
    endpoints: Vec<EndpointSummary>,
    checks: Option<Checks>,
    vus_max: Option<f64>,
    vus: Option<f64>,
    thresholds: Vec<ToolThreshold>,
    /// Legacy ✓/✗ marks: metric → passed.
    marks: BTreeMap<String, bool>,
    /// Top-level metrics seen (a repeat starts another legacy summary).
    seen: BTreeSet<String>,
    parent: String,
    /// Threshold section: the metric the next ✓/✗ lines belong to.
    threshold_metric: String,
    duration_s: Option<f64>,
    rows: u64,
}

impl Block {
    fn has_requests(&self) -> bool {
        self.reqs.is_some()
            || self.duration.is_some()
            || self.grpc_reqs.is_some()
            || self.grpc_duration.is_some()
    }

    fn row(&mut self, row: &MetricRow<'_>) {
        self.rows += 1;
        let metric = match row.sub {
            Some(sub) => format!("{}{{{sub}}}", self.parent),
            None => {
                self.parent = row.name.to_string();
                self.seen.insert(row.name.to_string());
                row.name.to_string()
            }
        };
        if let Some(passed) = row.mark {
            self.marks.insert(metric.clone(), passed);
        }
        if let Some(sub) = row.sub {
            if self.parent == "http_req_duration" || self.parent == "grpc_req_duration" {
                let name = sub
                    .strip_prefix("name:")
                    .or_else(|| sub.strip_prefix("url:"));
                if let (Some(name), Some(latency)) = (name, trend(row.value)) {
                    self.endpoints.push(EndpointSummary {
                        name: name.to_string(),
                        method: None,
                        requests: None,
                        errors: None,
                        error_rate: None,
                        rps: None,
                        latency_ms: latency,
                        status_codes: BTreeMap::new(),
                        groups: Vec::new(),
                        scenarios: Vec::new(),
                    });
                }
            }
            return;
        }
        let v = row.value;
        match row.name {
            "http_reqs" => self.reqs = counter(v),
            "grpc_reqs" => self.grpc_reqs = counter(v),
            "http_req_failed" => self.failed = rate_counts(v),
            "http_req_duration" => self.duration = trend(v),
            "grpc_req_duration" => self.grpc_duration = trend(v),
            "vus_max" => self.vus_max = gauge_max(v),
            "vus" => self.vus = gauge_max(v),
            // 1.x: checks_succeeded `99.64% 2273 out of 2281`.
            "checks_succeeded" => {
                self.checks = rate_counts(v).map(|(p, t)| Checks {
                    passes: p,
                    fails: t.saturating_sub(p),
                })
            }
            // Legacy: checks `99.64% 2273 out of 2281` or `✓ 2273 ✗ 8`.
            "checks" if self.checks.is_none() => {
                self.checks = rate_counts(v).map(|(p, t)| Checks {
                    passes: p,
                    fails: t.saturating_sub(p),
                })
            }
            _ => {}
        }
    }
}

/// Reads k6's summary text.
#[derive(Debug, Default)]
pub struct K6Text {
    state: State,
    current: Option<Block>,
    /// The last summary with request metrics, and the last one without.
    best: Option<Block>,
    starts: Vec<u64>,
    /// Incomplete summaries after `best`: their start lines.
    incomplete_after: Vec<u64>,
    /// A finished-run progress line (no active VUs) seen outside a summary.
    pending_end_s: Option<f64>,
    /// The summary just read ended before its run's last progress line.
    awaiting_end: bool,
    last_progress_s: Option<f64>,
    long_lines: u64,
}

impl K6Text {
    fn open(&mut self, n: u64, legacy: bool) {
        self.close();
        self.awaiting_end = false;
        self.starts.push(n);
        self.current = Some(Block {
            start_line: n,
            legacy,
            duration_s: self.pending_end_s.take(),
            ..Block::default()
        });
    }

    /// Ends the open summary; true when it became the one to read.
    fn close(&mut self) -> bool {
        self.state = State::Outside;
        let Some(block) = self.current.take() else {
            return false;
        };
        if block.has_requests() {
            self.best = Some(block);
            self.incomplete_after.clear();
            true
        } else {
            self.incomplete_after.push(block.start_line);
            false
        }
    }

    /// A `running (…)` line: it ends a summary, and the one with no active
    /// VUs gives the run's duration (k6 0.x prints it before the summary,
    /// 1.x after it, on a terminal after a few redraws).
    fn progress(&mut self, seconds: f64, active: u64) {
        if self.last_progress_s.is_some_and(|t| seconds < t) {
            // Time went back: the next run's progress.
            self.awaiting_end = false;
            self.pending_end_s = None;
        }
        self.last_progress_s = Some(seconds);
        if let Some(block) = self.current.as_mut() {
            if active == 0 && block.duration_s.is_none() {
                block.duration_s = Some(seconds);
            }
            let done = block.duration_s.is_some();
            self.awaiting_end = self.close() && !done;
            return;
        }
        if active == 0 {
            if self.awaiting_end {
                if let Some(best) = self.best.as_mut() {
                    best.duration_s = Some(seconds);
                }
                self.awaiting_end = false;
            } else {
                self.pending_end_s = Some(seconds);
            }
        }
    }

    /// `http_req_duration`, `{name:GET /x}`, then `✓ 'p(95)<250' p(95)=19.14ms`.
    fn threshold_line(&mut self, text: &str) {
        let Some(block) = self.current.as_mut() else {
            return;
        };
        let outcome = if let Some(rest) = text.strip_prefix('✓') {
            Some((true, rest))
        } else {
            text.strip_prefix('✗').map(|rest| (false, rest))
        };
        if let Some((passed, rest)) = outcome {
            let rest = rest.trim();
            let Some(expr) = rest
                .strip_prefix('\'')
                .and_then(|r| r.split_once('\''))
                .map(|(e, _)| e)
            else {
                return;
            };
            if !block.threshold_metric.is_empty() {
                block.thresholds.push(ToolThreshold {
                    metric: block.threshold_metric.clone(),
                    expression: expr.to_string(),
                    passed: Some(passed),
                });
            }
        } else if text.starts_with('{') {
            block.threshold_metric = format!("{}{text}", block.parent);
        } else if !text.contains(' ') || text.contains('{') {
            block.parent = text.split('{').next().unwrap_or(text).to_string();
            block.threshold_metric = text.to_string();
        }
    }
}

impl ConsoleFormat for K6Text {
    fn line(&mut self, _run: &mut Run, n: u64, text: &str) {
        if text.is_empty() {
            return;
        }
        if let Some((seconds, active)) = progress_line(text) {
            return self.progress(seconds, active);
        }
        if let Some(title) = section_title(text) {
            match title {
                "THRESHOLDS" => {
                    self.open(n, false);
                    self.state = State::Thresholds;
                }
                "TOTAL RESULTS" => {
                    let continues = self.state == State::Thresholds
                        && self.current.as_ref().is_some_and(|b| b.rows == 0);
                    if !continues {
                        self.open(n, false);
                    }
                    self.state = State::Results;
                }
                t if is_part(t) && self.current.as_ref().is_some_and(|b| !b.legacy) => {
                    self.state = State::Part;
                }
                // A legacy group heading (`█ browse`) above its checks.
                _ => {}
            }
            return;
        }
        // Nested parts in full mode: `↳ GROUP: browse`.
        if text.strip_prefix('↳').is_some_and(|t| is_part(t.trim())) {
            if self.current.as_ref().is_some_and(|b| !b.legacy) {
                self.state = State::Part;
            }
            return;
        }
        match self.state {
            State::Thresholds => self.threshold_line(text),
            State::Part => {}
            State::Outside | State::Results => {
                let Some(row) = metric_row(text) else {
                    return;
                };
                let starts_legacy = match (&self.current, self.state) {
                    (None, _) | (_, State::Outside) => {
                        row.sub.is_none() && BUILTIN.contains(&row.name)
                    }
                    // The same metric again: the next run's legacy summary.
                    (Some(b), _) => b.legacy && row.sub.is_none() && b.seen.contains(row.name),
                };
                if starts_legacy {
                    self.open(n, true);
                    self.state = State::Results;
                }
                if self.state == State::Results {
                    if let Some(block) = self.current.as_mut() {
                        block.row(&row);
                    }
                }
            }
        }
    }

    fn too_long(&mut self, _run: &mut Run, _n: u64) {
        self.long_lines += 1;
    }

    fn finish(&mut self, run: &mut Run, _lines: u64) -> Result<(), IngestError> {
        self.close();
        if self.long_lines > 0 {
            run.warn(format!(
                "{} lines longer than 16 MiB were skipped",
                self.long_lines
            ));
        }
        let Some(block) = self.best.take() else {
            return Err(no_summary(run, self.starts.first().copied(), "no k6 end-of-test summary with request metrics (an http_reqs or http_req_duration row): the text holds progress lines only, or the summary was cut"));
        };
        if let Some(w) = several_runs_warning("k6", &self.starts, block.start_line) {
            run.warn(w);
        }
        if !self.incomplete_after.is_empty() {
            let lines: Vec<String> = self.incomplete_after.iter().map(u64::to_string).collect();
            run.warn(format!(
                "the summary starting at line {} has no request metrics (cut?); read the complete one at line {}",
                lines.join(", "),
                block.start_line
            ));
        }
        let grpc = block.reqs.is_none() && block.duration.is_none();
        if grpc {
            run.warn("gRPC test: requests and latency are k6's grpc_reqs and grpc_req_duration; it records no failed-request rate");
        }
        let (reqs, latency) = if grpc {
            (block.grpc_reqs, block.grpc_duration)
        } else {
            (block.reqs, block.duration)
        };
        let failing: Vec<&str> = block
            .marks
            .iter()
            .filter(|(_, passed)| !**passed)
            .map(|(m, _)| m.as_str())
            .collect();
        if !block.marks.is_empty() {
            let mut w = format!(
                "this k6 summary layout marks {} metrics with thresholds ✓/✗ but does not print the expressions, so they are not imported as rules",
                block.marks.len()
            );
            if !failing.is_empty() {
                w.push_str(&format!("; crossed: {}", failing.join(", ")));
            }
            run.warn(w);
        }
        let mut endpoints = block.endpoints;
        endpoints.sort_by(|a, b| a.name.cmp(&b.name));
        run.thresholds = block.thresholds;
        run.tool = Some(ToolReport {
            duration_s: block.duration_s,
            requests: reqs.map(|(c, _)| c),
            rps: reqs.and_then(|(_, r)| r),
            errors: block.failed.map(|(passes, _)| passes),
            latency_ms: latency.unwrap_or_default(),
            endpoints,
            checks: block.checks,
            peak_concurrency: block.vus_max.or(block.vus),
            ..ToolReport::default()
        });
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_in_every_unit() {
        assert_eq!(duration_ms("850.12µs"), Some(0.85012));
        assert_eq!(duration_ms("18.6ms"), Some(18.6));
        assert_eq!(duration_ms("1.29s"), Some(1290.0));
        assert_eq!(duration_ms("1m2s"), Some(62_000.0));
        assert_eq!(duration_ms("1h2m3s"), Some(3_723_000.0));
        assert_eq!(duration_ms("12ns"), Some(0.000012));
        assert_eq!(duration_ms("0s"), Some(0.0));
        assert_eq!(duration_ms("0m30.7s"), Some(30_700.0));
        assert_eq!(duration_ms("12"), None);
        assert_eq!(duration_ms("ms"), None);
        assert_eq!(duration_ms("1x"), None);
    }

    #[test]
    fn rows_of_both_layouts() {
        let r = metric_row("      { name:GET /api/search }....: avg=62.62ms").expect("row");
        assert_eq!((r.name, r.sub), ("", Some("name:GET /api/search")));
        let r = metric_row("     ✗ http_req_failed....: 0.35%  ✓ 8  ✗ 2273").expect("row");
        assert_eq!((r.name, r.mark), ("http_req_failed", Some(false)));
        assert_eq!(rate_counts(r.value), Some((8, 2281)));
        assert_eq!(rate_counts("0.35%  8 out of 2281"), Some((8, 2281)));
        assert_eq!(counter("2281   74.311597/s"), Some((2281, Some(74.311597))));
        assert_eq!(gauge_max("40     min=40        max=40"), Some(40.0));
        assert!(metric_row("Loading... please wait").is_none());
        assert_eq!(
            progress_line(
                "running (1m02.3s), 00/40 VUs, 2281 complete and 0 interrupted iterations"
            ),
            Some((62.3, 0))
        );
    }

    #[test]
    fn sniffs_summaries_and_progress_but_not_prose() {
        assert!(sniff("  █ TOTAL RESULTS \n".as_bytes(), true));
        assert!(sniff(
            b"     http_req_duration..............: avg=1ms\n",
            true
        ));
        assert!(sniff(
            b"running (01.0s), 40/40 VUs, 52 complete and 0 interrupted iterations\n",
            true
        ));
        assert!(!sniff(b"Summary:\n  Total:\t10.0298 secs\n", true));
        assert!(!sniff(b"checks... see below\n", true));
    }
}
