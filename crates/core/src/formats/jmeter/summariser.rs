//! JMeter's summariser lines, as non-GUI JMeter prints them on the console
//! and writes them to `jmeter.log`:
//!
//! ```text
//! summary +   1115 in    15s =   76.5/s Avg:    31 Min:     0 Max:   701 Err:     4 (0.36%) Active: 40 Started: 40 Finished: 0
//! summary =   4249 in  40.5s =  105.0/s Avg:    30 Min:     0 Max:   894 Err:    13 (0.31%)
//! ```
//!
//! Upstream: apache/jmeter `org.apache.jmeter.reporters.Summariser` (and
//! `SummariserRunningSample`): `+` lines are the last interval, `=` lines the
//! run so far; the last `=` line of a run is the run. Elapsed time is `15s`,
//! `40.5s` or `00:00:47` (JMeter 3+); Avg, Min and Max are whole ms (Avg is
//! integer division of the total elapsed by the count).
//!
//! A tool summary: figures are copied as printed; there are no percentiles.
//! A run ends at `Tidying up` / `... end of run` (console) or `Notifying
//! test listeners of end of test` (log, where the final summariser lines
//! follow it), and a new one starts at `Creating summariser`, `Starting the
//! test` / `Running the test!`, after an end, or when the cumulative count
//! drops. Other lines
//! (log lines, the `Active:` counters) are ignored. With several runs in the
//! text the last one with a `=` line is read, and a warning names them.

use crate::decoder::FormatSpec;
use crate::error::{IngestError, Position};
use crate::format::Format;
use crate::formats::shared::console::{
    log_spec, no_summary, several_runs_warning, sniff_lines, ConsoleFormat,
};
use crate::formats::shared::decimal::parse_scaled;
use crate::run::{Run, ToolReport};
use crate::summary::LatencyMs;

/// Registry entry.
pub const SPEC: FormatSpec = log_spec::<Summariser>(
    Format::JmeterSummariser,
    "JMeter summariser lines (non-GUI console output or jmeter.log)",
    sniff,
);

fn sniff(prefix: &[u8], _eof: bool) -> bool {
    sniff_lines(prefix).any(|l| summariser_line(&l).is_some())
}

/// One summariser line.
#[derive(Debug, Clone, PartialEq)]
struct Line {
    name: String,
    cumulative: bool,
    count: u64,
    elapsed_s: Option<f64>,
    rate: Option<f64>,
    avg: Option<f64>,
    min: Option<f64>,
    max: Option<f64>,
    errors: u64,
}

/// `15s`, `40.5s`, `00:00:47`, `1:02:03` → seconds.
fn elapsed(text: &str) -> Option<f64> {
    if let Some(s) = text.strip_suffix('s') {
        return parse_scaled(s, 0);
    }
    let mut total = 0.0;
    let mut parts = 0;
    for part in text.split(':') {
        total = total * 60.0 + parse_scaled(part, 0)?;
        parts += 1;
    }
    (parts >= 2).then_some(total)
}

/// Parses `NAME (+|=) N in T = R/s Avg: a Min: b Max: c Err: e (p%) …`
/// wherever it sits in the line (after a log prefix).
fn summariser_line(line: &str) -> Option<Line> {
    let words: Vec<&str> = line.split_whitespace().collect();
    let at = words.windows(4).position(|w| {
        (w[1] == "+" || w[1] == "=") && w[2].parse::<u64>().is_ok() && w[3] == "in"
    })?;
    let w = &words[at..];
    let value = |key: &str| {
        w.iter()
            .position(|x| *x == key)
            .and_then(|i| w.get(i + 1))
            .copied()
    };
    let errors = value("Err:")?.parse().ok()?;
    let ms = |key: &str| value(key).and_then(|v| parse_scaled(v, 0));
    let avg = ms("Avg:");
    let (min, max) = (ms("Min:"), ms("Max:"));
    avg.or(min).or(max)?;
    // `= 105.0/s` follows the elapsed time.
    let rate = w
        .get(5..7)
        .filter(|r| r[0] == "=")
        .and_then(|r| r[1].strip_suffix("/s"))
        .and_then(|r| parse_scaled(r, 0));
    Some(Line {
        name: w[0].to_string(),
        cumulative: w[1] == "=",
        count: w[2].parse().ok()?,
        elapsed_s: w.get(4).and_then(|t| elapsed(t)),
        rate,
        avg,
        min,
        max,
        errors,
    })
}

/// The console's last lines of a run.
fn ends_run(text: &str) -> bool {
    text.contains("... end of run") || text.starts_with("Tidying up")
}

/// jmeter.log: the summariser's final lines still follow this one.
fn ending_run(text: &str) -> bool {
    text.contains("Notifying test listeners of end of test")
}

fn starts_run(text: &str) -> bool {
    text.contains("Creating summariser <")
        || text.starts_with("Starting the test @")
        || text.contains("Running the test!")
}

#[derive(Debug, Default)]
struct RunLines {
    /// Line of the run's first summariser line.
    start_line: u64,
    last: Option<(u64, Line)>,
    ended: bool,
    other_names: bool,
}

/// Reads summariser lines.
#[derive(Debug, Default)]
pub struct Summariser {
    current: Option<RunLines>,
    /// The last finished run with a cumulative line.
    best: Option<RunLines>,
    starts: Vec<u64>,
    ended_marker: bool,
}

impl Summariser {
    fn close(&mut self) {
        if let Some(run) = self.current.take() {
            if run.last.is_some() {
                self.best = Some(run);
            }
        }
    }
}

impl ConsoleFormat for Summariser {
    fn line(&mut self, _run: &mut Run, n: u64, text: &str) {
        if ends_run(text) {
            if let Some(run) = self.current.as_mut() {
                run.ended = true;
            }
            self.ended_marker = true;
            return;
        }
        if ending_run(text) {
            if let Some(run) = self.current.as_mut() {
                run.ended = true;
            }
            return;
        }
        if starts_run(text) {
            self.close();
            return;
        }
        let Some(line) = summariser_line(text) else {
            return;
        };
        let restart = match &self.current {
            None => true,
            Some(run) => {
                self.ended_marker
                    || (line.cumulative
                        && run
                            .last
                            .as_ref()
                            .is_some_and(|(_, l)| l.name == line.name && line.count < l.count))
            }
        };
        if restart {
            self.close();
            self.starts.push(n);
            self.current = Some(RunLines {
                start_line: n,
                ..RunLines::default()
            });
        }
        self.ended_marker = false;
        let Some(run) = self.current.as_mut() else {
            return;
        };
        let name = run.last.as_ref().map(|(_, l)| l.name.clone());
        if name.as_ref().is_some_and(|n| *n != line.name) {
            run.other_names = true;
            return;
        }
        if line.cumulative {
            run.last = Some((n, line));
        }
    }

    fn finish(&mut self, run: &mut Run, _lines: u64) -> Result<(), IngestError> {
        self.close();
        let Some(best) = self.best.take() else {
            return Err(no_summary(run, self.starts.first().copied(), "no cumulative summariser line (\"summary = N in …\"): only interval (\"+\") lines, which cover part of a run"));
        };
        let Some((line_no, line)) = best.last else {
            return Err(IngestError::Malformed {
                source_name: run.source.clone(),
                format: run.format.as_str(),
                position: Position::Line {
                    line: best.start_line,
                },
                reason: "no cumulative summariser line".into(),
            });
        };
        if let Some(w) = several_runs_warning("JMeter summariser", &self.starts, best.start_line) {
            run.warn(w);
        }
        if !best.ended {
            run.warn(format!(
                "the run's last summariser line (line {line_no}) is not followed by the end of the run: the figures cover the run up to that line"
            ));
        }
        if best.other_names {
            run.warn(format!(
                "several summarisers print in this run; read the one named \"{}\"",
                line.name
            ));
        }
        run.tool = Some(ToolReport {
            duration_s: line.elapsed_s,
            requests: Some(line.count),
            errors: Some(line.errors.min(line.count)),
            rps: line.rate,
            latency_ms: LatencyMs {
                min: line.min,
                mean: line.avg,
                max: line.max,
                ..LatencyMs::default()
            },
            ..ToolReport::default()
        });
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_of_every_jmeter_version() {
        let l = summariser_line("2026/11/22 01:41:55 INFO  - jmeter.reporters.Summariser: summary =   4249 in  40.5s =  105.0/s Avg:    30 Min:     0 Max:   894 Err:    13 (0.31%) ").expect("line");
        assert_eq!(
            (l.count, l.elapsed_s, l.rate, l.errors, l.max),
            (4249, Some(40.5), Some(105.0), 13, Some(894.0))
        );
        assert!(l.cumulative);
        let l = summariser_line("summary +   1115 in 00:00:15 =   76.5/s Avg:    31 Min:     0 Max:   701 Err:     4 (0.36%) Active: 40 Started: 40 Finished: 0").expect("line");
        assert_eq!((l.cumulative, l.elapsed_s), (false, Some(15.0)));
        assert!(summariser_line("summary = soon").is_none());
        assert!(summariser_line("x = 3 in the box").is_none());
    }
}
