//! What the JMeter readers share: one sample as JMeter saves it, how it
//! becomes a request, and JMeter's timestamp formats.
//!
//! Semantics (apache/jmeter `SampleResult`, `CSVSaveService`):
//! - `timeStamp` / `ts` is the sample START in ms since the epoch
//!   (`sampleresult.timestamp.start=true`, the default since 2.x), so the
//!   request ended at `timeStamp + elapsed`.
//! - `success` decides errors, whatever the code: an assertion can fail a
//!   200, and a 500 may be marked successful.
//! - `allThreads` / `na` is the number of active threads of all groups when
//!   the sample ended: the concurrency.

use crate::run::{Request, Run};
use crate::time::{parse_rfc3339, Micros};

/// One sample, borrowed from the decoder's buffers.
#[derive(Debug, Clone, Copy, Default)]
pub struct Sample<'a> {
    /// Sample start, µs since the epoch.
    pub start_us: Option<Micros>,
    pub elapsed_ms: f64,
    pub label: &'a str,
    pub code: &'a str,
    /// `None` when the file has no success column.
    pub success: Option<bool>,
    pub all_threads: Option<f64>,
    /// A Transaction Controller sample (see [`is_transaction`]).
    pub transaction: bool,
}

/// What JMeter's `TransactionController` writes as the response message of
/// its own sample ("Number of samples in transaction : 2, number of failing
/// samples : 1"): the one mark such samples always carry, in CSV and XML.
pub fn is_transaction(response_message: &str) -> bool {
    response_message
        .trim_start()
        .starts_with("Number of samples in transaction")
}

/// Label used when a sample has none.
pub const NO_LABEL: &str = "(no label)";

/// JMeter's `Boolean.valueOf`: only `true` (any case) is true.
pub fn parse_success(s: &str) -> bool {
    s.trim().eq_ignore_ascii_case("true")
}

/// Without a success column, a numeric 1xx-3xx code is a success.
fn success_from_code(code: &str) -> bool {
    code.trim()
        .parse::<u16>()
        .is_ok_and(|c| (100..400).contains(&c))
}

/// Records one sample into `run`.
pub fn record(run: &mut Run, s: &Sample<'_>) {
    // `-l` appends to an existing JTL: one file may hold several runs.
    run.track_idle_gaps();
    let failed = !s.success.unwrap_or_else(|| success_from_code(s.code));
    let end_us = s
        .start_us
        .map(|t| t.saturating_add((s.elapsed_ms * 1000.0).round() as i64));
    let code = s.code.trim();
    if s.transaction {
        // A journey over its child samples, which are the requests.
        run.transaction(
            if s.label.is_empty() {
                NO_LABEL
            } else {
                s.label
            },
            s.elapsed_ms,
            failed,
            if code.is_empty() { "-" } else { code },
        );
        if let Some(threads) = s.all_threads {
            run.concurrency(end_us, threads);
        }
        return;
    }
    run.request(&Request {
        end_us,
        duration_ms: s.elapsed_ms,
        failed,
        status: if code.is_empty() { "-" } else { code },
        name: if s.label.is_empty() {
            NO_LABEL
        } else {
            s.label
        },
        method: "",
        group: "",
        scenario: "",
    });
    if let Some(threads) = s.all_threads {
        run.concurrency(end_us, threads);
    }
}

/// How a JMeter timestamp was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stamp {
    /// Milliseconds since the epoch (`timestamp_format=ms`, the default).
    EpochMs,
    /// A date with an explicit offset.
    Zoned,
    /// A `SimpleDateFormat` date without zone: local time of the JMeter host.
    Local,
}

/// Parses a `timeStamp` value: epoch ms, or one of the date formats JMeter
/// itself falls back to (`yyyy/MM/dd HH:mm:ss[.SSS]`, `yyyy-MM-dd …`,
/// `MM/dd/yy HH:mm:ss`). Local dates are read as UTC.
pub fn parse_timestamp(s: &str) -> Option<(Micros, Stamp)> {
    let s = s.trim();
    if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) {
        let ms: i64 = s.parse().ok()?;
        return Some((ms.checked_mul(1000)?, Stamp::EpochMs));
    }
    let b = s.as_bytes();
    if b.len() >= 19 && (b[4] == b'-' || b[4] == b'/') && b[7] == b[4] {
        let mut iso = s.replace('/', "-").into_bytes();
        iso[10] = b'T';
        if let Some(t) = parse_rfc3339(&iso) {
            return Some((t, Stamp::Zoned));
        }
        iso.push(b'Z');
        return parse_rfc3339(&iso).map(|t| (t, Stamp::Local));
    }
    // MM/dd/yy HH:mm:ss (JMeter's original default)
    if b.len() == 17 && b[2] == b'/' && b[5] == b'/' && b[8] == b' ' {
        let iso = format!("20{}-{}-{}T{}Z", &s[6..8], &s[0..2], &s[3..5], &s[9..17]);
        return parse_rfc3339(iso.as_bytes()).map(|t| (t, Stamp::Local));
    }
    None
}

/// The warning for files whose dates carry no time zone.
pub const LOCAL_TIME_WARNING: &str =
    "timeStamp values are dates without a time zone (JMeter host's local time); they are shown as if UTC";

#[cfg(test)]
mod tests {
    use super::*;
    use crate::format::Format;

    #[test]
    fn timestamps() {
        assert_eq!(
            parse_timestamp("1795311676454"),
            Some((1_795_311_676_454_000, Stamp::EpochMs))
        );
        let (t, k) = parse_timestamp("2017/03/02 16:50:13.202").expect("date");
        assert_eq!(
            (t, k),
            (
                parse_rfc3339(b"2017-03-02T16:50:13.202Z").expect("iso"),
                Stamp::Local
            )
        );
        assert_eq!(
            parse_timestamp("2017-03-02 16:50:13").map(|x| x.1),
            Some(Stamp::Local)
        );
        assert_eq!(
            parse_timestamp("03/02/17 16:50:13").map(|x| x.0),
            parse_timestamp("2017/03/02 16:50:13").map(|x| x.0)
        );
        assert_eq!(
            parse_timestamp("2017-03-02T16:50:13.202+01:00").map(|x| x.1),
            Some(Stamp::Zoned)
        );
        for bad in ["", "abc", "12.5", "2017/13/02 16:50:13"] {
            assert_eq!(parse_timestamp(bad), None, "{bad}");
        }
    }

    #[test]
    fn success_wins_over_the_code() {
        let mut run = Run::new("t", Format::JmeterCsv);
        let base = Sample {
            start_us: Some(1_000_000),
            elapsed_ms: 5.0,
            label: "a",
            ..Sample::default()
        };
        record(
            &mut run,
            &Sample {
                code: "200",
                success: Some(false),
                ..base
            },
        );
        record(
            &mut run,
            &Sample {
                code: "500",
                success: Some(true),
                ..base
            },
        );
        record(
            &mut run,
            &Sample {
                code: "Non HTTP response code: java.net.SocketTimeoutException",
                success: None,
                ..base
            },
        );
        record(
            &mut run,
            &Sample {
                code: "204",
                success: None,
                all_threads: Some(3.0),
                ..base
            },
        );
        assert_eq!((run.overall.requests, run.overall.errors), (4, 2));
        assert_eq!(run.peak_concurrency, Some(3.0));
        assert_eq!(run.last_end_us, Some(1_005_000));
        assert!(parse_success("TRUE") && !parse_success("yes"));
    }
}
