//! Locust `--csv PREFIX` → `PREFIX_failures.csv` and `PREFIX_exceptions.csv`:
//!
//! ```text
//! Method,Name,Error,Occurrences,First Seen,Last Seen
//! GET,GET /api/items,HTTPError('500 Server Error: Internal Server Error for url: GET /api/items'),11,2026-11-22T01:38:53Z,2026-11-22T01:39:42Z
//!
//! Count,Message,Traceback,Nodes
//! 3,ZeroDivisionError('division by zero'),"Traceback (most recent call last):
//!   File ""locustfile.py"", line 12, …",worker-1
//! ```
//!
//! Upstream: locustio/locust `locust/stats.py` (`failures_csv`,
//! `exceptions_csv`). Failures are failed requests grouped by (method, name,
//! error) and become the run's failure list, verbatim. Exceptions are errors
//! raised in the test script itself (not requests); they are reported as
//! warnings. Neither file holds request counts: they matter most when read
//! together with the same prefix's `_stats.csv` (see [`crate::group`]).

use crate::decoder::{Decoder, FormatSpec};
use crate::error::IngestError;
use crate::format::Format;
use crate::formats::locust::csv::{count, sniff_header, CsvRecords, Header, LocustCsv, NAME, TYPE};
use crate::formats::shared::csv::Fields;
use crate::options::IngestOptions;
use crate::run::{Run, ToolReport};
use crate::summary::FailureSummary;

/// Registry entry for `_failures.csv`.
pub const FAILURES_SPEC: FormatSpec = FormatSpec {
    format: Format::LocustFailuresCsv,
    description: "Locust --csv PREFIX_failures.csv (failed requests grouped by error)",
    raw_samples: false,
    sniff: sniff_failures,
    priority: 20,
    extensions: &["_failures.csv", "_failures.csv.gz"],
    new_decoder: new_failures_decoder,
};

/// Registry entry for `_exceptions.csv`.
pub const EXCEPTIONS_SPEC: FormatSpec = FormatSpec {
    format: Format::LocustExceptionsCsv,
    description: "Locust --csv PREFIX_exceptions.csv (exceptions raised in the test script)",
    raw_samples: false,
    sniff: sniff_exceptions,
    priority: 20,
    extensions: &["_exceptions.csv", "_exceptions.csv.gz"],
    new_decoder: new_exceptions_decoder,
};

const ERROR: &[&str] = &["Error"];
const OCCURRENCES: &[&str] = &["Occurrences", "# occurrences"];
const COUNT: &[&str] = &["Count"];
const MESSAGE: &[&str] = &["Message"];
const TRACEBACK: &[&str] = &["Traceback"];
const NODES: &[&str] = &["Nodes"];

/// Exceptions quoted in the warning, beyond which they are only counted.
const MAX_EXCEPTIONS_SHOWN: usize = 5;

fn sniff_failures(prefix: &[u8], eof: bool) -> bool {
    sniff_header(prefix, eof).is_some_and(|h| h.has(NAME) && h.has(ERROR) && h.has(OCCURRENCES))
}

fn sniff_exceptions(prefix: &[u8], eof: bool) -> bool {
    sniff_header(prefix, eof)
        .is_some_and(|h| h.has(COUNT) && h.has(MESSAGE) && h.has(TRACEBACK) && h.has(NODES))
}

fn new_failures_decoder(_: &IngestOptions) -> Box<dyn Decoder> {
    Box::new(CsvRecords::<FailuresFile>::default())
}

fn new_exceptions_decoder(_: &IngestOptions) -> Box<dyn Decoder> {
    Box::new(CsvRecords::<ExceptionsFile>::default())
}

/// The per-row part of the decoder.
#[derive(Debug, Default)]
struct FailuresFile {}

impl LocustCsv for FailuresFile {
    type Columns = (Option<usize>, usize, usize, usize);
    const EXPECTED: &'static str =
        "expected Locust's failures header (Method,Name,Error,Occurrences)";

    fn columns(h: &Header) -> Option<(Option<usize>, usize, usize, usize)> {
        match (h.find(NAME), h.find(ERROR), h.find(OCCURRENCES)) {
            (Some(name), Some(error), Some(occ)) => Some((h.find(TYPE), name, error, occ)),
            _ => None,
        }
    }

    fn row(
        &mut self,
        run: &mut Run,
        n: u64,
        cols: &(Option<usize>, usize, usize, usize),
        fields: &Fields<'_>,
    ) {
        let (method, name, error, occurrences) = *cols;
        let cell = |i: usize| fields.get(i);
        let Some(occ) = count(cell(occurrences)) else {
            return run.skip_line(n, "Occurrences is not a number");
        };
        let text = |i: Option<usize>| {
            i.and_then(cell)
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
        };
        run.failures.push(FailureSummary {
            endpoint: text(Some(name)),
            method: text(method),
            message: cell(error).unwrap_or("").to_string(),
            count: occ,
        });
    }

    fn end(&mut self, run: &mut Run) -> Result<(), IngestError> {
        // Failures are failed requests; how many requests there were is in `_stats.csv`.
        let errors = run.failures.iter().map(|f| f.count).sum();
        run.tool = Some(ToolReport {
            errors: Some(errors),
            ..ToolReport::default()
        });
        Ok(())
    }
}

/// The per-row part of the decoder.
#[derive(Debug, Default)]
struct ExceptionsFile {
    exceptions: u64,
    kinds: u64,
    shown: Vec<String>,
}

impl LocustCsv for ExceptionsFile {
    type Columns = (usize, usize);
    const EXPECTED: &'static str =
        "expected Locust's exceptions header (Count,Message,Traceback,Nodes)";

    fn columns(h: &Header) -> Option<(usize, usize)> {
        match (h.find(COUNT), h.find(MESSAGE)) {
            (Some(c), Some(m)) => Some((c, m)),
            _ => None,
        }
    }

    fn row(&mut self, run: &mut Run, n: u64, cols: &(usize, usize), fields: &Fields<'_>) {
        let (count_col, message) = *cols;
        let Some(c) = count(fields.get(count_col)) else {
            return run.skip_line(n, "Count is not a number");
        };
        self.exceptions += c;
        self.kinds += 1;
        if self.shown.len() < MAX_EXCEPTIONS_SHOWN {
            // One line per warning: a message may span lines.
            let msg = fields.get(message).map_or(String::new(), |f| {
                f.split_whitespace().collect::<Vec<_>>().join(" ")
            });
            self.shown.push(format!("{c}× {msg}"));
        }
    }

    fn end(&mut self, run: &mut Run) -> Result<(), IngestError> {
        if self.exceptions > 0 {
            let more = self.kinds.saturating_sub(self.shown.len() as u64);
            run.warn(format!(
                "Locust recorded {} exception(s) in the test script ({} kind(s)): {}{}",
                self.exceptions,
                self.kinds,
                self.shown.join("; "),
                if more > 0 {
                    format!("; and {more} more kind(s)")
                } else {
                    String::new()
                }
            ));
        }
        // The file holds no request figures; an empty report says "read, nothing to count".
        run.tool = Some(ToolReport::default());
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::Session;

    #[test]
    fn sniffs_each_file_by_its_header() {
        assert!(sniff_failures(
            b"Method,Name,Error,Occurrences,First Seen,Last Seen\r\n",
            false
        ));
        assert!(sniff_failures(
            b"\"Method\",\"Name\",\"Error\",\"Occurrences\"",
            true
        ));
        assert!(!sniff_failures(b"Count,Message,Traceback,Nodes", true));
        assert!(sniff_exceptions(
            b"Count,Message,Traceback,Nodes\r\n",
            false
        ));
        assert!(!sniff_exceptions(b"Method,Name,Error,Occurrences", true));
        assert!(!sniff_exceptions(b"Count,Message", true));
    }

    #[test]
    fn failures_become_the_failure_list() {
        let text = "Method,Name,Error,Occurrences\r\nGET,\"/a,b\",\"ConnectionError(\"\"refused\"\")\",3\r\n,,CatchResponseError('x'),2\r\nGET,/c,boom,lots\r\n";
        let s = Session::read_all("input", IngestOptions::default(), text.as_bytes())
            .expect("reads")
            .summary();
        assert_eq!(s.format, Format::LocustFailuresCsv);
        assert_eq!(s.errors, Some(5));
        assert_eq!(s.requests, None);
        assert_eq!(s.failures.len(), 2);
        assert_eq!(s.failures[0].endpoint.as_deref(), Some("/a,b"));
        assert_eq!(s.failures[0].message, "ConnectionError(\"refused\")");
        assert_eq!(s.failures[1].endpoint, None);
        assert_eq!(s.skipped_lines, 1);
    }

    #[test]
    fn exceptions_with_multiline_tracebacks_are_warnings() {
        let text = "Count,Message,Traceback,Nodes\r\n3,ZeroDivisionError('division by zero'),\"Traceback (most recent call last):\r\n  File \"\"x.py\"\", line 1\r\n\",local\r\n";
        let s = Session::read_all("input", IngestOptions::default(), text.as_bytes())
            .expect("reads")
            .summary();
        assert_eq!(s.format, Format::LocustExceptionsCsv);
        assert!(
            s.warnings
                .iter()
                .any(|w| w.contains("3 exception(s)") && w.contains("ZeroDivisionError")),
            "{:?}",
            s.warnings
        );
        let empty = Session::read_all(
            "input",
            IngestOptions::default(),
            b"Count,Message,Traceback,Nodes\r\n",
        )
        .expect("reads");
        assert!(empty.summary().warnings.is_empty());
    }
}
