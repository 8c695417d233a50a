//! HdrHistogram interval logs (`.hlog`), as written by the Java
//! `HistogramLogWriter` (jHiccup, YCSB, cassandra-stress), HdrHistogram_py and
//! the Rust crate's `IntervalLogWriter`:
//!
//! ```text
//! #[Histogram log format version 1.2]
//! #[StartTime: 1441812279.474 (seconds since epoch), Wed Sep 09 08:24:39 PDT 2015]
//! "StartTimestamp","Interval_Length","Interval_Max","Interval_Compressed_Histogram"
//! Tag=A,0.127,1.007,2.769,HISTFAAAAEV42pNpmSzMwMCgyAABTBDKT4GBgdnNYMcCBvsPEBE…
//! ```
//!
//! Upstream: HdrHistogram/HdrHistogram `HistogramLogWriter.java` and
//! `HistogramLogReader.java`; payload decoding is in [`crate::formats::hdrhistogram::payload`].
//! Lines are parsed here rather than with the `hdrhistogram` crate's
//! `IntervalLogIterator`, which needs the whole file in one slice: we stream,
//! and the tests use that iterator as the independent reference.
//!
//! Each line is a real histogram of the interval, so the log is read like raw
//! samples: every histogram is added, exactly, into the run's overall and
//! per-tag histograms (tags become endpoints) and into the timeline window
//! holding the interval's midpoint. Each recorded bucket is added at its
//! lowest value, as HdrHistogram's own `add` does between histograms of
//! different precision. Histograms hold latencies only, so errors are unknown.
//!
//! Times follow the Java reader: with `#[BaseTime: b]`, timestamps are
//! seconds after `b`; with only `#[StartTime: s]`, they are seconds after `s`
//! unless they look absolute (within a year of `s`); with neither, they are
//! absolute when they are more than a year after the epoch, else relative to
//! an unknown start. The second column is the interval's length in every
//! version, even where the 1.01 legend calls it `EndTimestamp`.
//!
//! Units: a log does not say what its values measure. We use, in order: the
//! unit the user gave (`IngestOptions::hdr_unit`); the writer's known habit
//! (jHiccup records nanoseconds, YCSB microseconds); microseconds when each
//! interval's maximum is about 1000× its `Interval_Max` column (the column is
//! conventionally milliseconds); otherwise nanoseconds, HdrHistogram's Java
//! convention. The choice and its reason are a warning on the run.

use hdrhistogram::Histogram;

use crate::decoder::{strip_bom, trim_ascii, Decoder, FormatSpec};
use crate::error::IngestError;
use crate::format::Format;
use crate::formats::hdrhistogram::payload::decode_base64;
use crate::formats::shared::decimal::parse_scaled;
use crate::formats::shared::rows::{Blank, NotUtf8, Records, Row, RowFormat, RowReader};
use crate::options::IngestOptions;
use crate::run::{IntervalHistogram, Run};
use crate::series::{new_histogram, MAX_LATENCY_US};
use crate::time::{DurationUnit, Micros};

/// Registry entry.
pub const SPEC: FormatSpec = FormatSpec {
    format: Format::Hlog,
    description: "HdrHistogram interval log (.hlog: jHiccup, YCSB, HdrHistogram log writers; V0, V1 and V2 histograms)",
    raw_samples: true,
    sniff,
    priority: 40,
    extensions: &[".hlog"],
    new_decoder,
};

/// Seconds in a year: the Java reader's threshold between relative and absolute timestamps.
const YEAR_US: i64 = 31_557_600 * 1_000_000;
/// Intervals held back while the unit is still unknown.
const MAX_PENDING: usize = 1024;
/// Name of the endpoint for lines without a `Tag=`.
pub const UNTAGGED: &str = "(untagged)";

fn sniff(prefix: &[u8], _eof: bool) -> bool {
    let prefix = strip_bom(prefix);
    // Only complete lines: the last one may be cut by the look-ahead limit.
    let complete = match memchr::memrchr(b'\n', prefix) {
        Some(end) => &prefix[..end],
        None => prefix,
    };
    for line in complete
        .split(|&b| b == b'\n')
        .map(trim_ascii)
        .filter(|l| !l.is_empty())
        .take(32)
    {
        if line.starts_with(b"#[Histogram log format version")
            || line.starts_with(b"\"StartTimestamp\"")
        {
            return true;
        }
        if line.starts_with(b"#") {
            continue;
        }
        return std::str::from_utf8(line)
            .ok()
            .and_then(DataLine::parse)
            .is_some();
    }
    false
}

fn new_decoder(options: &IngestOptions) -> Box<dyn Decoder> {
    Box::new(
        RowReader::new(Hlog {
            requested_unit: options.hdr_unit,
            ..Hlog::default()
        })
        .with_records(Records::Lines)
        .with_not_utf8(NotUtf8::Skip)
        .with_blank(Blank::OnlyEmpty),
    )
}

/// One interval line: `[Tag=t,]start,length,max,base64`.
#[derive(Debug, Clone, Copy, PartialEq)]
struct DataLine<'a> {
    tag: Option<&'a str>,
    start_us: i64,
    length_us: i64,
    interval_max: f64,
    payload: &'a str,
}

impl<'a> DataLine<'a> {
    fn parse(line: &'a str) -> Option<DataLine<'a>> {
        let (tag, rest) = match line.strip_prefix("Tag=") {
            Some(r) => {
                let (tag, rest) = r.split_once(',')?;
                (Some(tag), rest)
            }
            None => (None, line),
        };
        let mut fields = rest.splitn(4, ',');
        let seconds_to_us =
            |f: &str| parse_scaled(f.trim(), 6).filter(|v| v.is_finite() && *v >= 0.0);
        let start_us = seconds_to_us(fields.next()?)?.round() as i64;
        let length_us = seconds_to_us(fields.next()?)?.round() as i64;
        let interval_max = fields.next()?.trim().parse::<f64>().ok()?;
        let payload = fields.next()?.trim();
        payload.starts_with("HIST").then_some(DataLine {
            tag,
            start_us,
            length_us,
            interval_max,
            payload,
        })
    }
}

/// An interval decoded before its unit is known.
struct Pending {
    name: String,
    times: Option<(Micros, Micros)>,
    raw: Histogram<u64>,
}

/// Reads interval logs.
#[derive(Default)]
pub struct Hlog {
    requested_unit: Option<DurationUnit>,
    writer_unit: Option<(DurationUnit, &'static str)>,
    unit: Option<DurationUnit>,
    untagged_name: Option<String>,
    start_time_us: Option<Micros>,
    base_time_us: Option<Micros>,
    relative: bool,
    /// Tags percent-encoded, as `verdict export --hlog` writes them.
    percent_tags: bool,
    pending: Vec<Pending>,
    intervals: u64,
}

impl Hlog {
    fn comment(&mut self, n: u64, comment: &str, run: &mut Run) {
        let seconds_after = |prefix: &str| {
            comment.strip_prefix(prefix).and_then(|r| {
                let number = r.trim_start().split([' ', ']']).next().unwrap_or("");
                parse_scaled(number, 6)
                    .filter(|v| v.is_finite())
                    .map(|v| v.round() as Micros)
            })
        };
        if comment.starts_with("[StartTime:") {
            match seconds_after("[StartTime:") {
                Some(t) => self.start_time_us = Some(t),
                None => run.skip_line(n, "#[StartTime: …] without a number of seconds"),
            }
        } else if comment.starts_with("[BaseTime:") {
            match seconds_after("[BaseTime:") {
                Some(t) => self.base_time_us = Some(t),
                None => run.skip_line(n, "#[BaseTime: …] without a number of seconds"),
            }
        } else if comment.starts_with(crate::export::HLOG_MARK) {
            self.writer_unit = Some((DurationUnit::Micros, "Verdict writes microseconds"));
            self.percent_tags = true;
        } else if comment.contains("jHiccup") {
            self.writer_unit = Some((DurationUnit::Nanos, "jHiccup records nanoseconds"));
        } else if let Some(op) = comment.strip_prefix("[Logging for:") {
            // YCSB's header: one log per operation, values in microseconds.
            self.writer_unit = Some((DurationUnit::Micros, "YCSB records microseconds"));
            let op = op.trim().trim_end_matches(']').trim();
            if !op.is_empty() {
                self.untagged_name = Some(op.to_string());
            }
        }
    }

    /// Interval start and end in µs, following the Java reader's rules.
    fn times(&mut self, start: i64, length: i64, run: &mut Run) -> Option<(Micros, Micros)> {
        let absolute = if let Some(base) = self.base_time_us {
            base.checked_add(start)?
        } else if let Some(s) = self.start_time_us {
            if start < s - YEAR_US {
                s.checked_add(start)?
            } else {
                start
            }
        } else if start >= YEAR_US {
            start
        } else {
            if !self.relative {
                self.relative = true;
                run.set_relative_time();
            }
            start
        };
        Some((absolute, absolute.checked_add(length)?))
    }

    fn decide_unit(&mut self, raw: &Histogram<u64>, interval_max: f64, run: &mut Run) {
        let (unit, reason) = if let Some(unit) = self.requested_unit {
            (unit, "as requested".to_string())
        } else if let Some((unit, why)) = self.writer_unit {
            (unit, why.to_string())
        } else if raw.is_empty() || interval_max <= 0.0 {
            return;
        } else {
            let ratio = raw.max() as f64 / interval_max;
            if (300.0..=3000.0).contains(&ratio) {
                (
                    DurationUnit::Micros,
                    "interval maxima are about 1000× the Interval_Max column, which is conventionally milliseconds".to_string(),
                )
            } else {
                (
                    DurationUnit::Nanos,
                    format!("the log does not say; nanoseconds is HdrHistogram's Java convention (interval maxima are {ratio:.0}× the Interval_Max column)"),
                )
            }
        };
        self.set_unit(unit, &reason, run);
    }

    fn set_unit(&mut self, unit: DurationUnit, reason: &str, run: &mut Run) {
        self.unit = Some(unit);
        run.warn(format!(
            "histogram values read as {}: {reason}. If that is wrong, give the unit (--hdr-unit s|ms|us|ns)",
            unit.long_name()
        ));
        for p in std::mem::take(&mut self.pending) {
            record(run, &p.name, p.times, &p.raw, unit);
        }
    }

    /// Decides with the default when the data cannot tell.
    fn settle_unit(&mut self, run: &mut Run) {
        if self.unit.is_none() {
            let (unit, reason) = match (self.requested_unit, self.writer_unit) {
                (Some(u), _) => (u, "as requested"),
                (None, Some((u, why))) => (u, why),
                (None, None) => (
                    DurationUnit::Nanos,
                    "the log does not say; nanoseconds is HdrHistogram's Java convention",
                ),
            };
            self.set_unit(unit, reason, run);
        }
    }
}

/// Converts a histogram in `unit` to whole µs and records it.
fn record(
    run: &mut Run,
    name: &str,
    times: Option<(Micros, Micros)>,
    raw: &Histogram<u64>,
    unit: DurationUnit,
) {
    let mut us: Histogram<u64> = new_histogram();
    for v in raw.iter_recorded() {
        let lowest = raw.lowest_equivalent(v.value_iterated_to());
        let value = match unit {
            DurationUnit::Nanos => lowest / 1000,
            DurationUnit::Micros => lowest,
            DurationUnit::Millis => lowest.saturating_mul(1000),
            DurationUnit::Seconds => lowest.saturating_mul(1_000_000),
        };
        let count = v.count_at_value();
        let value = if value > MAX_LATENCY_US {
            run.diagnostics.clamped += count;
            MAX_LATENCY_US
        } else {
            value
        };
        if us.record_n(value, count).is_err() {
            us.saturating_record_n(value, count);
        }
    }
    run.record_histogram(&IntervalHistogram {
        start_us: times.map(|t| t.0),
        end_us: times.map(|t| t.1),
        durations_us: &us,
        name,
    });
}

impl RowFormat for Hlog {
    fn row(&mut self, run: &mut Run, row: Row<'_>) {
        let (n, text) = (row.line, row.text.trim_ascii());
        if text.is_empty() || text.starts_with("\"StartTimestamp\"") {
            return;
        }
        if let Some(comment) = text.strip_prefix('#') {
            return self.comment(n, comment, run);
        }
        let Some(data) = DataLine::parse(text) else {
            return run.skip_line(
                n,
                "expected an interval line: [Tag=name,]start,length,max,HIST…",
            );
        };
        if self.intervals == 0 {
            run.set_errors_unknown();
        }
        let raw = match decode_base64(data.payload) {
            Ok(h) => h,
            Err(reason) => return run.skip_line(n, reason),
        };
        self.intervals += 1;
        let times = self.times(data.start_us, data.length_us, run);
        let name = match data.tag {
            Some(tag) if self.percent_tags => crate::export::decode_tag(tag),
            Some(tag) => tag.to_string(),
            None => self
                .untagged_name
                .clone()
                .unwrap_or_else(|| UNTAGGED.to_string()),
        };
        if self.unit.is_none() {
            self.decide_unit(&raw, data.interval_max, run);
        }
        match self.unit {
            Some(unit) => record(run, &name, times, &raw, unit),
            None => {
                self.pending.push(Pending { name, times, raw });
                if self.pending.len() >= MAX_PENDING {
                    self.settle_unit(run);
                }
            }
        }
    }

    fn finish(&mut self, run: &mut Run, _lines: u64) -> Result<(), IngestError> {
        if self.intervals > 0 {
            self.settle_unit(run);
        }
        if !run.has_samples() {
            return Err(IngestError::NothingUsable {
                source_name: run.source.clone(),
                format: run.format.as_str(),
                details: if self.intervals == 0 {
                    "the log has no interval histograms that could be read".into()
                } else {
                    format!("its {} interval histograms are all empty", self.intervals)
                },
            });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_lines() {
        let l = DataLine::parse("Tag=A,0.127,1.007,2.769,HISTFAAAAEV42pNp").expect("valid");
        assert_eq!(
            (l.tag, l.start_us, l.length_us, l.interval_max),
            (Some("A"), 127_000, 1_007_000, 2.769)
        );
        let l = DataLine::parse("1438613579.290,0.660,0.488,HISTggAAAkp42u3").expect("valid");
        assert_eq!(
            (l.tag, l.start_us, l.length_us),
            (None, 1_438_613_579_290_000, 660_000)
        );
        for bad in [
            "0.1,0.2,HISTxx",
            "a,1,2,HISTxx",
            "1,2,3,notbase64",
            "Tag=A",
            "1,-2,3,HISTx",
        ] {
            assert_eq!(DataLine::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn sniffs_headers_and_bare_lines() {
        assert!(sniff(b"#[Histogram log format version 1.2]\n", true));
        assert!(sniff(b"\"StartTimestamp\",\"Interval_Length\",\"Interval_Max\",\"Interval_Compressed_Histogram\"\n", true));
        assert!(sniff(b"#comment\nTag=x,0.1,1.0,0.5,HISTFAAA\n", true));
        assert!(!sniff(b"#comment\nhello\n", true));
        assert!(!sniff(b"metric_name,timestamp,metric_value\n", true));
    }
}
