//! hey `-o csv`: one row per request that got a response:
//!
//! ```text
//! response-time,DNS+dialup,DNS,Request-write,Response-delay,Response-read,status-code,offset
//! 0.0182,0.0021,0.0000,0.0002,0.0158,0.0001,200,0.0056
//! ```
//!
//! Upstream encoder: rakyll/hey `requester/print.go` (`printCSV`). Times are
//! seconds with 4 decimals; `offset` is the request start since the test
//! started, so times are relative (no wall clock). Requests that failed at
//! the network level (refused, timed out) are NOT written, and at most the
//! first 1,000,000 results are. older hey releases wrote the first six
//! columns only (no status, no offset). The CSV does not name the URL.

use crate::decoder::{first_line, strip_bom, Decoder, FormatSpec};
use crate::error::IngestError;
use crate::format::Format;
use crate::formats::shared::rows::{Row, RowFormat, RowReader};
use crate::options::IngestOptions;
use crate::run::{Request, Run};

/// Registry entry.
pub const SPEC: FormatSpec = FormatSpec {
    format: Format::HeyCsv,
    description: "hey -o csv (one row per answered request)",
    raw_samples: true,
    sniff,
    priority: 20,
    extensions: &[".csv"],
    new_decoder,
};

/// The endpoint name: hey hits one URL, and its CSV does not say which.
pub const ENDPOINT: &str = "(hey target URL)";
/// hey keeps at most this many results (`maxRes` in print.go).
const MAX_ROWS: u64 = 1_000_000;

fn sniff(prefix: &[u8], eof: bool) -> bool {
    first_line(strip_bom(prefix), eof)
        .is_some_and(|l| l.starts_with(b"response-time,DNS+dialup,DNS,"))
}

fn new_decoder(_: &IngestOptions) -> Box<dyn Decoder> {
    Box::new(HeyCsvDecoder::default())
}

#[derive(Debug, Clone, Copy)]
struct Columns {
    response_time: usize,
    status: Option<usize>,
    offset: Option<usize>,
}

/// Streaming decoder for hey CSV.
#[derive(Debug, Default)]
pub struct HeyCsvDecoder {
    rows: RowReader<HeyRows>,
}

/// The per-row part of the decoder.
#[derive(Debug, Default)]
struct HeyRows {
    columns: Option<Columns>,
    rows: u64,
}

impl Decoder for HeyCsvDecoder {
    fn feed(&mut self, bytes: &[u8], run: &mut Run) -> Result<(), IngestError> {
        self.rows.feed(bytes, run);
        Ok(())
    }

    fn finish(&mut self, run: &mut Run) -> Result<(), IngestError> {
        self.rows.finish(run);
        if self.rows.format.rows >= MAX_ROWS {
            run.warn(format!(
                "hey writes at most {MAX_ROWS} rows: requests after those are not in the file"
            ));
        }
        Ok(())
    }
}

fn seconds_to_ms(s: &str) -> Option<f64> {
    s.trim()
        .parse::<f64>()
        .ok()
        .filter(|v| v.is_finite())
        .map(|v| v * 1000.0)
}

impl RowFormat for HeyRows {
    fn row(&mut self, run: &mut Run, mut row: Row<'_>) {
        let n = row.line;
        let Some(fields) = row.split(b',') else {
            return run.skip_line(n, "unbalanced quotes");
        };
        let Some(cols) = self.columns else {
            let find = |name: &str| fields.iter().position(|f| f.trim() == name);
            match find("response-time") {
                Some(response_time) => {
                    let (status, offset) = (find("status-code"), find("offset"));
                    if offset.is_none() {
                        run.warn("this hey CSV has no offset column (older hey): requests have no time, so there is no timeline or rate");
                    }
                    if status.is_none() {
                        run.warn("this hey CSV has no status-code column (older hey): every answered request counts as a success");
                    }
                    self.columns = Some(Columns {
                        response_time,
                        status,
                        offset,
                    });
                    run.set_relative_time();
                }
                None => run.skip_line(
                    n,
                    "expected the hey CSV header (response-time,DNS+dialup,…)",
                ),
            }
            return;
        };
        let get = |i: Option<usize>| i.and_then(|i| fields.get(i)).map(|f| f.trim());
        let Some(ms) = get(Some(cols.response_time)).and_then(seconds_to_ms) else {
            return run.skip_line(n, "response-time is not a number");
        };
        let status = match get(cols.status) {
            None if cols.status.is_some() => return run.skip_line(n, "row has no status-code"),
            None => "-",
            Some(s) => s,
        };
        let code = match status.parse::<u16>() {
            Ok(c) => Some(c),
            Err(_) if cols.status.is_none() => None,
            Err(_) => return run.skip_line(n, "status-code is not a number"),
        };
        let end_us = match get(cols.offset) {
            None if cols.offset.is_some() => return run.skip_line(n, "row has no offset"),
            None => None,
            Some(o) => match seconds_to_ms(o) {
                Some(start_ms) => Some(((start_ms + ms) * 1000.0).round() as i64),
                None => return run.skip_line(n, "offset is not a number"),
            },
        };
        self.rows += 1;
        run.request(&Request {
            end_us,
            duration_ms: ms,
            failed: code.is_some_and(|c| c >= 400),
            status,
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
    fn sniff_needs_the_header() {
        assert!(sniff(b"response-time,DNS+dialup,DNS,Request-write,Response-delay,Response-read,status-code,offset\n", false));
        assert!(sniff(
            b"response-time,DNS+dialup,DNS,Request-write,Response-delay,Response-read\n",
            false
        ));
        assert!(!sniff(b"timeStamp,elapsed,label\n", false));
        assert!(!sniff(
            b"0.0182,0.0021,0.0000,0.0002,0.0158,0.0001,200,0.0056\n",
            false
        ));
    }

    #[test]
    fn seconds_relative_offsets_and_bad_rows() {
        let text = "response-time,DNS+dialup,DNS,Request-write,Response-delay,Response-read,status-code,offset\n\
                    0.0100,0,0,0,0,0,200,0.5000\n0.2000,0,0,0,0,0,503,1.0000\nx,0,0,0,0,0,200,1\n0.1,0,0,0,0,0,200\n";
        let run =
            Session::read_all("input", IngestOptions::default(), text.as_bytes()).expect("reads");
        let s = run.summary();
        assert_eq!(
            (s.requests, s.errors, s.skipped_lines),
            (Some(2), Some(1), 2)
        );
        assert_eq!(s.latency_ms.max, Some(200.0));
        assert_eq!(s.start, None, "relative times have no wall-clock start");
        assert_eq!(s.duration_s, Some(0.7));
    }

    #[test]
    fn old_six_column_files() {
        let text = "response-time,DNS+dialup,DNS,Request-write,Response-delay,Response-read\n0.0100,0,0,0,0,0\n";
        let run =
            Session::read_all("input", IngestOptions::default(), text.as_bytes()).expect("reads");
        assert_eq!((run.overall.requests, run.overall.errors), (1, 0));
        assert_eq!(run.diagnostics.warnings.len(), 2);
    }
}
