//! What Locust's four `--csv` files share: a header row naming the columns
//! (names changed across Locust versions, so each column is found by any of
//! its known spellings, case-insensitively), RFC 4180 quoting (tracebacks
//! span lines), `N/A` for numbers not available yet, and the conventions for
//! the `Aggregated` row.
//!
//! Upstream writer: locustio/locust `locust/stats.py` (`StatsCSV`,
//! `StatsCSVFileWriter`), Python's `csv.writer` with `\r\n` line ends.

use std::borrow::Cow;

use crate::decoder::{first_line, strip_bom};
use crate::formats::csv::{split_fields, RecordJoiner};
use crate::lines::{Line, LineSplitter};
use crate::run::Run;

/// The header's column names, for lookups by any known spelling.
#[derive(Debug, Clone, Default)]
pub struct Header {
    names: Vec<String>,
}

impl Header {
    /// A header from its fields.
    pub fn new<S: AsRef<str>>(fields: &[S]) -> Header {
        Header {
            names: fields
                .iter()
                .map(|f| f.as_ref().trim().to_ascii_lowercase())
                .collect(),
        }
    }

    /// The index of the first column called any of `spellings` (case-insensitive).
    pub fn find(&self, spellings: &[&str]) -> Option<usize> {
        spellings
            .iter()
            .find_map(|s| self.names.iter().position(|n| n.eq_ignore_ascii_case(s)))
    }

    /// Whether the header has a column called any of `spellings`.
    pub fn has(&self, spellings: &[&str]) -> bool {
        self.find(spellings).is_some()
    }

    /// Percentile columns (`50%`, `99.9%`, …) as (index, percent).
    pub fn percentiles(&self) -> Vec<(usize, f64)> {
        self.names
            .iter()
            .enumerate()
            .filter_map(|(i, n)| Some((i, n.strip_suffix('%')?.trim().parse::<f64>().ok()?)))
            .collect()
    }
}

/// Column spellings across Locust versions (1.x wrote `# requests`).
pub const TYPE: &[&str] = &["Type", "Method"];
pub const NAME: &[&str] = &["Name"];
pub const REQUESTS: &[&str] = &["Request Count", "# requests", "# reqs"];
pub const FAILURES: &[&str] = &["Failure Count", "# failures", "# fails"];
pub const MEDIAN: &[&str] = &["Median Response Time", "Median response time"];
pub const AVERAGE: &[&str] = &["Average Response Time", "Average response time"];
pub const MIN: &[&str] = &["Min Response Time", "Min response time"];
pub const MAX: &[&str] = &["Max Response Time", "Max response time"];
pub const RPS: &[&str] = &["Requests/s"];

/// The header line of a prefix, split into fields (for sniffing).
pub fn sniff_header(prefix: &[u8], eof: bool) -> Option<Header> {
    let line = first_line(strip_bom(prefix), eof)?;
    let text = std::str::from_utf8(line).ok()?;
    let mut fields: Vec<Cow<'_, str>> = Vec::new();
    split_fields(text, b',', &mut fields)?;
    (fields.len() >= 3).then(|| Header::new(&fields))
}

/// A number as Locust writes it; `N/A` and empty cells are `None`.
pub fn number(cell: Option<&str>) -> Option<f64> {
    let c = cell?.trim();
    if c.is_empty() || c.eq_ignore_ascii_case("N/A") {
        return None;
    }
    c.parse::<f64>().ok().filter(|v| v.is_finite())
}

/// A count (Locust writes integers; tolerate `12.0`).
pub fn count(cell: Option<&str>) -> Option<u64> {
    number(cell).filter(|v| *v >= 0.0).map(|v| v.round() as u64)
}

/// Whether a row is Locust's total row: `Aggregated` (1.x+, 2.x) or
/// `Total` (0.x) with an empty or `None` type.
pub fn is_total_row(kind: &str, name: &str) -> bool {
    (kind.is_empty() || kind == "None") && (name == "Aggregated" || name == "Total")
}

/// Splits a byte stream into CSV records (quoted fields may span lines) and
/// hands each one, with the line it starts on, to the caller.
#[derive(Debug, Default)]
pub struct CsvRecords {
    lines: LineSplitter,
    joiner: RecordJoiner,
    /// The not-UTF-8 warning was given.
    warned_utf8: bool,
}

impl CsvRecords {
    /// Feeds bytes; `on_record(run, line_no, fields)` is called per complete record.
    pub fn feed(
        &mut self,
        bytes: &[u8],
        run: &mut Run,
        mut on_record: impl FnMut(&mut Run, u64, &[Cow<'_, str>]),
    ) {
        let mut lines = std::mem::take(&mut self.lines);
        lines.feed(bytes, |n, line| self.line(n, line, run, &mut on_record));
        self.lines = lines;
    }

    /// End of input: flushes the last line and reports an unclosed quote.
    pub fn finish(
        &mut self,
        run: &mut Run,
        mut on_record: impl FnMut(&mut Run, u64, &[Cow<'_, str>]),
    ) {
        let mut lines = std::mem::take(&mut self.lines);
        lines.finish(|n, line| self.line(n, line, run, &mut on_record));
        if let Some(start) = self.joiner.unfinished() {
            run.skip_line(start, "record starts a quoted field that never closes");
        }
    }

    fn line(
        &mut self,
        n: u64,
        line: Line<'_>,
        run: &mut Run,
        on_record: &mut impl FnMut(&mut Run, u64, &[Cow<'_, str>]),
    ) {
        let text = match line {
            Line::Text(t) => t,
            Line::TooLong => return run.skip_line(n, "line longer than 16 MiB"),
        };
        let text = if n == 1 { strip_bom(text) } else { text };
        let text = crate::lines::lossy_line(text);
        if matches!(text, Cow::Owned(_)) && !self.warned_utf8 {
            self.warned_utf8 = true;
            run.warn(crate::lines::not_utf8_warning(n));
        }
        let text: &str = &text;
        let (start, record) = match self.joiner.push(n, text) {
            Ok(Some(rec)) => rec,
            Ok(None) => return,
            Err(start) => return run.skip_line(start, "quoted field longer than 1 MiB"),
        };
        if record.trim().is_empty() {
            return;
        }
        let mut fields: Vec<Cow<'_, str>> = Vec::new();
        if split_fields(&record, b',', &mut fields).is_none() {
            return run.skip_line(start, "unbalanced quotes");
        }
        on_record(run, start, &fields);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::format::Format;

    #[test]
    fn header_lookup_by_any_spelling() {
        let h = Header::new(&["Type", "Name", "# requests", "50%", "99.9%", "100%"]);
        assert_eq!(h.find(REQUESTS), Some(2));
        assert_eq!(h.find(FAILURES), None);
        assert_eq!(h.percentiles(), vec![(3, 50.0), (4, 99.9), (5, 100.0)]);
    }

    #[test]
    fn numbers_and_totals() {
        assert_eq!(number(Some("N/A")), None);
        assert_eq!(number(Some(" 12.5 ")), Some(12.5));
        assert_eq!(number(Some("nan")), None);
        assert_eq!(count(Some("5100.0")), Some(5100));
        assert_eq!(count(Some("-1")), None);
        assert!(is_total_row("", "Aggregated"));
        assert!(!is_total_row("GET", "Aggregated"));
    }

    #[test]
    fn records_survive_any_chunking_and_multiline_quotes() {
        let text = "Count,Message,Traceback,Nodes\r\n2,boom,\"Traceback:\r\n  line 1\",w1\r\n";
        let collect = |chunk: usize| {
            let mut run = Run::new("x", Format::LocustExceptionsCsv);
            let mut rows: Vec<(u64, Vec<String>)> = Vec::new();
            let mut rec = CsvRecords::default();
            for c in text.as_bytes().chunks(chunk) {
                rec.feed(c, &mut run, |_, n, f| {
                    rows.push((n, f.iter().map(|x| x.to_string()).collect()))
                });
            }
            rec.finish(&mut run, |_, n, f| {
                rows.push((n, f.iter().map(|x| x.to_string()).collect()))
            });
            rows
        };
        let whole = collect(text.len());
        assert_eq!(whole.len(), 2);
        assert_eq!(whole[1].0, 2);
        assert_eq!(whole[1].1[2], "Traceback:\n  line 1");
        assert_eq!(collect(1), whole);
        assert_eq!(collect(7), whole);
    }
}
