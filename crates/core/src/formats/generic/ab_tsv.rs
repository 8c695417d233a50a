//! ApacheBench `ab -g out.tsv` (gnuplot data), one row per completed request:
//!
//! ```text
//! starttime\tseconds\tctime\tdtime\tttime\twait
//! Tue Mar 01 13:13:25 2016\t1456827205\t115\t117\t232\t117
//! ```
//!
//! (tabs shown as `\t`). Upstream encoder: apache/httpd `support/ab.c`
//! (`output_results`, `if (gnuplot)`). `seconds` is the request start in
//! whole unix seconds (very old ab wrote microseconds here, recognised by
//! magnitude); `ttime` is the total time in ms (`ctime` connect, `dtime`
//! processing, `wait` time to first byte). Rows are sorted by `ttime`, not by
//! time. There is no status code: ab's failed and non-2xx requests cannot be
//! told apart here (its console summary counts them).

use crate::decoder::{first_line, strip_bom, Decoder, FormatSpec};
use crate::format::Format;
use crate::formats::shared::rows::{Row, RowFormat, RowReader};
use crate::options::IngestOptions;
use crate::run::{Request, Run};

/// Registry entry.
pub const SPEC: FormatSpec = FormatSpec {
    format: Format::AbGnuplot,
    description: "ApacheBench -g gnuplot TSV (one row per request, no status)",
    raw_samples: true,
    sniff,
    priority: 20,
    extensions: &[".tsv", ".dat", ".data"],
    new_decoder,
};

const HEADER: &[u8] = b"starttime\tseconds\tctime\tdtime\tttime\twait";
/// Endpoint name: ab hits one URL, and this file does not say which.
pub const ENDPOINT: &str = "(ab target URL)";

fn sniff(prefix: &[u8], eof: bool) -> bool {
    first_line(strip_bom(prefix), eof).is_some_and(|l| l.starts_with(HEADER))
}

fn new_decoder(_: &IngestOptions) -> Box<dyn Decoder> {
    Box::new(RowReader::<AbRows>::default())
}

/// Reads ab's gnuplot output, row by row.
#[derive(Debug, Default)]
struct AbRows {
    header_seen: bool,
}

/// `seconds` as µs: unix seconds, or microseconds from ab 2.0.
fn start_us(v: i64) -> Option<(i64, i64)> {
    if v > 100_000_000_000_000 {
        Some((v, 1))
    } else {
        v.checked_mul(1_000_000).map(|t| (t, 1_000_000))
    }
}

impl RowFormat for AbRows {
    fn row(&mut self, run: &mut Run, row: Row<'_>) {
        let (n, text) = (row.line, row.text);
        if !self.header_seen {
            self.header_seen = true;
            if text.as_bytes().starts_with(HEADER) {
                return;
            }
        }
        let f: Vec<&str> = text.split('\t').collect();
        if f.len() != 6 {
            return run.skip_line(
                n,
                format!("expected 6 tab-separated fields, found {}", f.len()),
            );
        }
        let Some((start, resolution)) = f[1].trim().parse::<i64>().ok().and_then(start_us) else {
            return run.skip_line(n, "seconds is not a unix time");
        };
        let Some(ttime) = f[4].trim().parse::<f64>().ok().filter(|v| v.is_finite()) else {
            return run.skip_line(n, "ttime is not a number");
        };
        // A start stamped in whole seconds began somewhere in [s, s + 1 s).
        run.set_time_resolution(if resolution > 1 { resolution } else { 0 });
        run.activity_start(start);
        run.request(&Request {
            end_us: Some(start.saturating_add((ttime * 1000.0).round() as i64)),
            duration_ms: ttime,
            failed: false,
            status: "-",
            name: ENDPOINT,
            method: "",
            group: "",
            scenario: "",
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::Session;

    #[test]
    fn sniff_needs_abs_header() {
        assert!(sniff(
            b"starttime\tseconds\tctime\tdtime\tttime\twait\n",
            false
        ));
        assert!(!sniff(b"timeStamp\telapsed\tlabel\n", false));
    }

    #[test]
    fn rows_in_any_order() {
        let text = "starttime\tseconds\tctime\tdtime\tttime\twait\n\
                    Tue Mar 01 13:13:25 2016\t1456827205\t115\t117\t232\t117\n\
                    Tue Mar 01 13:13:23 2016\t1456827203\t119\t117\t235\t117\n\
                    broken\n";
        let run =
            Session::read_all("input", IngestOptions::default(), text.as_bytes()).expect("reads");
        let s = run.summary();
        assert_eq!(
            (s.requests, s.errors, s.skipped_lines),
            (Some(2), Some(0), 1)
        );
        assert_eq!(s.start.as_deref(), Some("2016-03-01T10:13:23.000Z"));
        assert_eq!(s.duration_s, Some(3.232));
    }
}
