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
use crate::error::IngestError;
use crate::formats::shared::csv::{split_fields, Fields};
use crate::formats::shared::rows::{Row, RowFormat, RowReader};
use crate::run::Run;

/// The header's column names, for lookups by any known spelling.
#[derive(Debug, Clone, Default)]
pub struct Header {
    names: Vec<String>,
}

impl Header {
    /// A header from its fields.
    pub fn new<S: AsRef<str>>(fields: &[S]) -> Header {
        Header::from_names(fields)
    }

    /// A header from its fields, however they are held.
    pub fn from_names<S: AsRef<str>>(fields: impl IntoIterator<Item = S>) -> Header {
        Header {
            names: fields
                .into_iter()
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

/// One of Locust's CSV files: which columns it needs from the header, and
/// what it does with each row after it.
pub trait LocustCsv {
    /// Where the needed columns are.
    type Columns;
    /// The skipped-line reason for a first row that is not this file's header.
    const EXPECTED: &'static str;
    /// The columns, if `header` is this file's header.
    fn columns(header: &Header) -> Option<Self::Columns>;
    /// One row after the header (from line `n`).
    fn row(&mut self, run: &mut Run, n: u64, columns: &Self::Columns, fields: &Fields<'_>);
    /// End of input, when the file had its header (a file without one
    /// adds nothing but its skipped lines).
    fn end(&mut self, run: &mut Run) -> Result<(), IngestError>;
}

/// A Locust CSV file on the row pipeline: the header first, then rows.
#[derive(Debug)]
pub struct LocustRows<F: LocustCsv> {
    /// Known once the header was read.
    pub columns: Option<F::Columns>,
    /// The file's own reader.
    pub file: F,
}

impl<F: LocustCsv + Default> Default for LocustRows<F> {
    fn default() -> Self {
        LocustRows {
            columns: None,
            file: F::default(),
        }
    }
}

impl<F: LocustCsv> RowFormat for LocustRows<F> {
    fn row(&mut self, run: &mut Run, mut row: Row<'_>) {
        let n = row.line;
        let Some(fields) = row.split(b',') else {
            return run.skip_line(n, "unbalanced quotes");
        };
        match &self.columns {
            Some(columns) => self.file.row(run, n, columns, &fields),
            None => match F::columns(&Header::from_names(fields.iter())) {
                Some(c) => self.columns = Some(c),
                None => run.skip_line(n, F::EXPECTED),
            },
        }
    }

    fn finish(&mut self, run: &mut Run, _lines: u64) -> Result<(), IngestError> {
        match self.columns {
            Some(_) => self.file.end(run),
            None => Ok(()),
        }
    }
}

/// Reads a Locust CSV file record by record (quoted fields may span lines);
/// the decoder of each of the four files.
pub type CsvRecords<F> = RowReader<LocustRows<F>>;

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
        /// Every record, the header too, split as Locust's files are.
        #[derive(Default)]
        struct All(Vec<(u64, Vec<String>)>);
        impl RowFormat for All {
            fn row(&mut self, _: &mut Run, mut row: Row<'_>) {
                let n = row.line;
                let fields = row.split(b',').expect("balanced");
                self.0
                    .push((n, fields.iter().map(str::to_string).collect()));
            }
        }
        let collect = |chunk: usize| {
            let mut run = Run::new("x", Format::LocustExceptionsCsv);
            let mut rec = RowReader::<All>::default();
            for c in text.as_bytes().chunks(chunk) {
                rec.feed(c, &mut run);
            }
            rec.finish(&mut run);
            rec.format.0
        };
        let whole = collect(text.len());
        assert_eq!(whole.len(), 2);
        assert_eq!(whole[1].0, 2);
        assert_eq!(whole[1].1[2], "Traceback:\n  line 1");
        assert_eq!(collect(1), whole);
        assert_eq!(collect(7), whole);
    }
}
