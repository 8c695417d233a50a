//! Vegeta `vegeta encode --to csv`: no header, one result per row:
//!
//! ```text
//! 1615016224507076698,200,435643128,0,2945,,PCFkb2N0eXBl…,,0,GET,https://blazedemo.com/,QWNjZXB0…
//! ```
//!
//! Upstream encoder: tsenart/vegeta `lib/results.go` (`NewCSVEncoder`):
//! timestamp (unix NANOSECONDS), code, latency (NANOSECONDS), bytes out,
//! bytes in, error, base64 body, attack, seq, method, url, base64 headers.
//! Versions before 12.8 stop after `seq` (9 columns) and early ones after
//! `error` (6). Rows are in completion order, not by timestamp.

use crate::decoder::{first_line, strip_bom, Decoder, FormatSpec};
use crate::format::Format;
use crate::formats::shared::csv::{split_fields, Fields};
use crate::formats::shared::delimited::is_integer;
use crate::formats::shared::rows::{Row, RowFormat, RowReader};
use crate::formats::vegeta::result::{record, VegetaResult};
use crate::options::IngestOptions;
use crate::run::Run;

/// Registry entry.
pub const SPEC: FormatSpec = FormatSpec {
    format: Format::VegetaCsv,
    description: "Vegeta results as CSV (vegeta encode --to csv)",
    raw_samples: true,
    sniff,
    priority: 20,
    extensions: &[".csv"],
    new_decoder,
};

fn sniff(prefix: &[u8], eof: bool) -> bool {
    let Some(line) = first_line(strip_bom(prefix), eof) else {
        return false;
    };
    let line = String::from_utf8_lossy(line);
    let mut f = Vec::new();
    if split_fields(&line, b',', &mut f).is_none() || f.len() < 6 {
        return false;
    }
    // A nanosecond epoch (16+ digits) and small status code set it apart from other headerless CSVs.
    f[0].len() >= 16
        && is_integer(&f[0])
        && f[1].parse::<u16>().is_ok_and(|c| c < 1000)
        && (2..5).all(|i| is_integer(&f[i]))
}

fn new_decoder(_: &IngestOptions) -> Box<dyn Decoder> {
    Box::new(RowReader::<VegetaRows>::default())
}

/// Reads Vegeta CSV, row by row.
#[derive(Debug, Default)]
struct VegetaRows;

impl RowFormat for VegetaRows {
    fn row(&mut self, run: &mut Run, mut row: Row<'_>) {
        let n = row.line;
        match row.split(b',') {
            Some(f) => read_record(run, n, &f),
            None => run.skip_line(n, "unbalanced quotes"),
        }
    }
}

fn read_record(run: &mut Run, n: u64, f: &Fields<'_>) {
    if f.len() < 6 {
        return run.skip_line(n, format!("expected at least 6 fields (timestamp,code,latency,bytes_out,bytes_in,error), found {}", f.len()));
    }
    let get = |i: usize| f.get(i).unwrap_or("");
    let Some(ts_ns) = get(0).trim().parse::<i64>().ok() else {
        return run.skip_line(n, "timestamp is not unix nanoseconds");
    };
    let Ok(code) = get(1).trim().parse::<u16>() else {
        return run.skip_line(n, "code is not a number");
    };
    let Ok(latency_ns) = get(2).trim().parse::<i64>() else {
        return run.skip_line(n, "latency is not nanoseconds");
    };
    record(
        run,
        &VegetaResult {
            start_us: ts_ns / 1000,
            latency_ns,
            code,
            error: get(5),
            attack: get(7),
            method: get(9),
            url: get(10),
        },
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::Session;

    #[test]
    fn sniff_wants_nanosecond_rows() {
        assert!(sniff(
            b"1615016224507076698,200,435643128,0,2945,,PCFk,,0,GET,https://x/,QQ==\n",
            false
        ));
        assert!(sniff(
            b"1615016224507076698,0,1000,0,0,\"dial tcp, refused\"\n",
            false
        ));
        assert!(!sniff(
            b"1795311676454,135,GET /x,200,OK,g 1-1,text,true\n",
            false
        ));
        assert!(!sniff(b"response-time,DNS+dialup,DNS\n", false));
    }

    #[test]
    fn rows_of_every_vintage() {
        let text = "1615016224507076698,200,435643128,0,2945,,PCFk,,0,GET,https://x/,QQ==\n\
                    1615016224000000000,500,1000000,0,0,Internal Server Error,,a,1\n\
                    1615016223000000000,0,2000000,0,0,\"dial tcp: refused, again\"\n\
                    bad,200,1,0,0,\n";
        let run =
            Session::read_all("input", IngestOptions::default(), text.as_bytes()).expect("reads");
        let s = run.summary();
        assert_eq!(
            (s.requests, s.errors, s.skipped_lines),
            (Some(3), Some(2), 1)
        );
        assert!(s
            .endpoints
            .iter()
            .any(|e| e.name == "https://x/" && e.method.as_deref() == Some("GET")));
        assert_eq!(s.start.as_deref(), Some("2021-03-06T07:37:03.000Z"));
    }
}
