//! Locust's console statistics, as headless Locust prints them at the end
//! of a run (on stderr), and as people paste them:
//!
//! ```text
//! Type     Name              # reqs      # fails |    Avg     Min     Max    Med |   req/s  failures/s
//! --------|-----------------|-------|-------------|-------|-------|-------|-------|--------|-----------
//! GET      GET /api/items        61     1(1.64%) |     25      10      56     23 |    5.15        0.08
//! --------|-----------------|-------|-------------|-------|-------|-------|-------|--------|-----------
//!          Aggregated           216     2(0.93%) |     27       1     337     19 |   18.25        0.17
//!
//! Response time percentiles (approximated)
//! Type     Name                  50%    66%    75%    80%    90%    95%    98%    99%  99.9% 99.99%   100% # reqs
//! GET      GET /api/items         23     27     32     33     39     42     44     57     57     57     57     61
//!          Aggregated             19     27     35     38     52     74    120    130    340    340    340    216
//!
//! Error report
//! # occurrences      Error
//! 1                  GET GET /api/items: HTTPError('500 Server Error: …')
//! ```
//!
//! Upstream: locustio/locust `locust/stats.py` (`get_stats_summary`,
//! `StatsEntry.to_string`, `get_percentile_stats_summary`,
//! `get_error_report_summary`): Avg, Min, Max and Med are printed with `%d`
//! (truncated to whole ms), req/s with two decimals; percentiles are
//! Locust's approximations (times rounded to two significant digits above
//! 100 ms). Locust 1.x prints the same rows without the `Type` column
//! (the method leads the name), read too.
//!
//! During the run Locust prints the statistics table every few seconds; the
//! summary is the table followed by "Response time percentiles": that pair
//! is the run, and with several in one log the last complete one is read,
//! with a warning. A text with tables but no percentile table (a pasted
//! table alone) is read from its last table, with a warning.

use std::collections::BTreeMap;

use crate::decoder::FormatSpec;
use crate::error::IngestError;
use crate::format::Format;
use crate::formats::shared::console::{
    log_spec, no_summary, several_runs_warning, sniff_lines, ConsoleFormat,
};
use crate::formats::shared::decimal::parse_scaled;
use crate::run::{Run, ToolReport};
use crate::summary::{EndpointSummary, FailureSummary, LatencyMs};

/// Registry entry.
pub const SPEC: FormatSpec = log_spec::<LocustText>(
    Format::LocustText,
    "Locust console statistics (the end-of-run tables on stderr), also inside a log or .md file",
    sniff,
);

const PERCENTILES: &str = "Response time percentiles";

fn sniff(prefix: &[u8], _eof: bool) -> bool {
    sniff_lines(prefix).any(|l| {
        let l = &*l;
        stats_header(l) || l.starts_with(PERCENTILES)
    })
}

fn stats_header(line: &str) -> bool {
    line.contains("Name")
        && line.contains("# reqs")
        && line.contains("# fails")
        && line.contains("req/s")
}

fn separator(line: &str) -> bool {
    !line.is_empty() && line.bytes().all(|b| b == b'-' || b == b'|')
}

/// `GET      GET /x` → ("GET", "GET /x"); `Aggregated` → None.
fn method_and_name(text: &str) -> Option<(String, String)> {
    let text = text.trim();
    if text == "Aggregated" || text.is_empty() {
        return None;
    }
    Some(match text.split_once(char::is_whitespace) {
        Some((m, n)) => (m.to_string(), n.trim().to_string()),
        None => (String::new(), text.to_string()),
    })
}

/// Splits off the last `n` whitespace-separated words.
fn split_tail(text: &str, n: usize) -> Option<(&str, Vec<&str>)> {
    let mut rest = text.trim_end();
    let mut tail = Vec::with_capacity(n);
    for _ in 0..n {
        let at = rest.rfind(char::is_whitespace).map_or(0, |i| i + 1);
        let word = &rest[at..];
        if word.is_empty() {
            return None;
        }
        tail.push(word);
        rest = rest[..at].trim_end();
    }
    tail.reverse();
    Some((rest, tail))
}

#[derive(Debug, Clone, Default)]
struct Row {
    /// None for the Aggregated row.
    key: Option<(String, String)>,
    requests: u64,
    failures: u64,
    latency: LatencyMs,
    rps: Option<f64>,
}

/// `GET  GET /x   61   1(1.64%) |  25  10  56  23 |  5.15  0.08`.
fn stats_row(line: &str) -> Option<Row> {
    let parts: Vec<&str> = line.split('|').collect();
    let [left, middle, right] = parts[..] else {
        return None;
    };
    let (label, tail) = split_tail(left, 2)?;
    let requests = tail[0].parse().ok()?;
    let failures = tail[1].split_once('(')?.0.parse().ok()?;
    let ms: Vec<f64> = middle
        .split_whitespace()
        .map(|v| parse_scaled(v, 0))
        .collect::<Option<_>>()?;
    let [avg, min, max, med] = ms[..] else {
        return None;
    };
    let rates: Vec<&str> = right.split_whitespace().collect();
    let rps = rates.first().and_then(|r| parse_scaled(r, 0));
    Some(Row {
        key: method_and_name(label),
        requests,
        failures,
        latency: LatencyMs {
            min: Some(min),
            mean: Some(avg),
            p50: Some(med),
            max: Some(max),
            ..LatencyMs::default()
        },
        rps,
    })
}

#[derive(Debug, Clone, Default)]
struct Table {
    line: u64,
    rows: Vec<Row>,
    total: Option<Row>,
    /// Percentile labels (`50%`, …) once the percentile table's header is read.
    labels: Vec<String>,
    has_percentiles: bool,
    percentiles: BTreeMap<Option<(String, String)>, Vec<Option<f64>>>,
    percentiles_total: bool,
    errors: Vec<(u64, String)>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq)]
enum Section {
    #[default]
    Stats,
    Percentiles,
    Errors,
}

/// Reads Locust's console statistics.
#[derive(Debug, Default)]
pub struct LocustText {
    current: Option<Table>,
    section: Section,
    /// The last table followed by its percentiles (a run's summary).
    last_summary: Option<Table>,
    last_plain: Option<Table>,
    summaries: Vec<u64>,
}

impl LocustText {
    fn close(&mut self) {
        let Some(t) = self.current.take() else {
            return;
        };
        if t.has_percentiles {
            self.summaries.push(t.line);
            self.last_summary = Some(t);
        } else if t.total.is_some() || !t.rows.is_empty() {
            self.last_plain = Some(t);
        }
    }
}

fn with_percentiles(
    mut l: LatencyMs,
    labels: &[String],
    values: Option<&Vec<Option<f64>>>,
) -> LatencyMs {
    let Some(values) = values else {
        return l;
    };
    for (label, v) in labels.iter().zip(values) {
        let slot = match label.as_str() {
            "50%" => &mut l.p50,
            "90%" => &mut l.p90,
            "95%" => &mut l.p95,
            "99%" => &mut l.p99,
            "99.9%" => &mut l.p999,
            _ => continue,
        };
        if v.is_some() {
            *slot = *v;
        }
    }
    l
}

impl ConsoleFormat for LocustText {
    fn line(&mut self, _run: &mut Run, n: u64, text: &str) {
        if stats_header(text) {
            self.close();
            self.current = Some(Table {
                line: n,
                ..Table::default()
            });
            self.section = Section::Stats;
            return;
        }
        let Some(t) = self.current.as_mut() else {
            return;
        };
        if text.starts_with(PERCENTILES) {
            if t.has_percentiles {
                self.close();
            } else {
                t.has_percentiles = true;
                self.section = Section::Percentiles;
            }
            return;
        }
        if text == "Error report" && t.has_percentiles {
            self.section = Section::Errors;
            return;
        }
        if text.is_empty() || separator(text) {
            return;
        }
        match self.section {
            Section::Stats => {
                if let Some(row) = stats_row(text) {
                    if row.key.is_none() {
                        t.total = Some(row);
                    } else {
                        t.rows.push(row);
                    }
                }
                // Log lines between tables are noise.
            }
            Section::Percentiles => {
                if t.labels.is_empty() {
                    if text.ends_with("# reqs") {
                        t.labels = text
                            .split_whitespace()
                            .filter(|w| w.ends_with('%'))
                            .map(str::to_string)
                            .collect();
                        return;
                    }
                    self.close();
                    return;
                }
                let Some((label, tail)) = split_tail(text, t.labels.len() + 1) else {
                    self.close();
                    return;
                };
                if tail[tail.len() - 1].parse::<u64>().is_err() {
                    self.close();
                    return;
                }
                let values = tail[..tail.len() - 1]
                    .iter()
                    .map(|v| parse_scaled(v, 0))
                    .collect();
                let key = method_and_name(label);
                if key.is_none() {
                    t.percentiles_total = true;
                }
                t.percentiles.insert(key, values);
            }
            Section::Errors => {
                if text.starts_with("# occurrences") {
                    return;
                }
                let parsed = text
                    .split_once(char::is_whitespace)
                    .and_then(|(n, m)| Some((n.parse().ok()?, m.trim().to_string())));
                match parsed {
                    Some(e) => t.errors.push(e),
                    None => self.close(),
                }
            }
        }
    }

    fn finish(&mut self, run: &mut Run, _lines: u64) -> Result<(), IngestError> {
        self.close();
        let table = match (self.last_summary.take(), self.last_plain.take()) {
            (Some(t), _) => {
                if let Some(w) = several_runs_warning("Locust", &self.summaries, t.line) {
                    run.warn(w);
                }
                if !t.percentiles_total || t.total.is_none() {
                    run.warn(format!(
                        "the summary at line {} is cut (no Aggregated row in both tables): totals may be missing",
                        t.line
                    ));
                }
                t
            }
            (None, Some(t)) => {
                run.warn(format!(
                    "no \"Response time percentiles\" table follows the statistics: read the table at line {}, which may be one Locust printed during the run; no percentiles but the median",
                    t.line
                ));
                t
            }
            (None, None) => {
                return Err(no_summary(run, None, "no Locust statistics table (\"Type  Name  # reqs  # fails | Avg …\") with rows"));
            }
        };
        let mut methods_per_name: BTreeMap<&str, usize> = BTreeMap::new();
        for r in &table.rows {
            if let Some((_, name)) = &r.key {
                *methods_per_name.entry(name).or_default() += 1;
            }
        }
        let mut endpoints = Vec::new();
        let mut failures = Vec::new();
        let mut errors = table.errors.clone();
        for r in &table.rows {
            let Some((method, name)) = &r.key else {
                continue;
            };
            let display = if methods_per_name.get(name.as_str()).is_some_and(|n| *n > 1)
                && !method.is_empty()
            {
                format!("{method} {name}")
            } else {
                name.clone()
            };
            // Locust names an error "METHOD NAME: message".
            let prefix = if method.is_empty() {
                format!("{name}: ")
            } else {
                format!("{method} {name}: ")
            };
            errors.retain(|(count, message)| match message.strip_prefix(&prefix) {
                Some(m) => {
                    failures.push(FailureSummary {
                        endpoint: Some(display.clone()),
                        method: (!method.is_empty()).then(|| method.clone()),
                        message: m.to_string(),
                        count: *count,
                    });
                    false
                }
                None => true,
            });
            endpoints.push(EndpointSummary {
                name: display,
                method: (!method.is_empty()).then(|| method.clone()),
                requests: Some(r.requests),
                errors: Some(r.failures),
                error_rate: (r.requests > 0).then(|| r.failures as f64 / r.requests as f64),
                rps: r.rps,
                latency_ms: with_percentiles(
                    r.latency,
                    &table.labels,
                    table.percentiles.get(&r.key),
                ),
                status_codes: BTreeMap::new(),
                groups: Vec::new(),
                scenarios: Vec::new(),
            });
        }
        failures.extend(errors.into_iter().map(|(count, message)| FailureSummary {
            endpoint: None,
            method: None,
            message,
            count,
        }));
        run.failures = failures;
        let mut tool = ToolReport {
            endpoints,
            ..ToolReport::default()
        };
        match &table.total {
            Some(t) => {
                tool.requests = Some(t.requests);
                tool.errors = Some(t.failures.min(t.requests));
                tool.rps = t.rps;
                tool.latency_ms =
                    with_percentiles(t.latency, &table.labels, table.percentiles.get(&None));
                // Locust's req/s is count / (last request − first request).
                tool.duration_s = t.rps.filter(|r| *r > 0.0).map(|r| t.requests as f64 / r);
            }
            None => {
                run.warn("no Aggregated row: totals are the sum of the endpoint rows, and overall latency is unknown");
                tool.requests = Some(table.rows.iter().map(|r| r.requests).sum());
                tool.errors = Some(table.rows.iter().map(|r| r.failures).sum());
            }
        }
        run.tool = Some(tool);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_of_both_tables() {
        let r = stats_row("GET      GET /api/items   61     1(1.64%) |     25      10      56     23 |    5.15        0.08").expect("row");
        assert_eq!(r.key, Some(("GET".into(), "GET /api/items".into())));
        assert_eq!((r.requests, r.failures, r.rps), (61, 1, Some(5.15)));
        let r = stats_row(
            "Aggregated   216     2(0.93%) |     27       1     337     19 |   18.25        0.17",
        )
        .expect("row");
        assert_eq!(r.key, None);
        assert!(
            stats_row("[2026-12-07 08:42:27,084] vm/INFO/locust.main: shutting down").is_none()
        );
        let (label, tail) = split_tail("GET      GET /x   23  27  61", 3).expect("tail");
        assert_eq!((label, tail), ("GET      GET /x", vec!["23", "27", "61"]));
        assert!(split_tail("a", 2).is_none());
    }
}
