//! One plain file read as several parts, one per thread, merged into exactly
//! the [`Run`] one pass over the whole file gives.
//!
//! Only formats whose lines are independent once the header is known can be
//! split: k6 NDJSON, Vegeta CSV (no header), JMeter CSV with a header, hey
//! CSV, k6 CSV, ab's gnuplot TSV and generic CSV (the header is given to every
//! part). Documents (XML, JSON), logs with cross-line state (hlog base
//! times, Gatling's RUN line, console text), gzip (a deflate stream cannot
//! be entered in the middle) and UTF-16 stay on one thread.
//!
//! The core starts no threads: the caller cuts the file right after a
//! newline ([`boundary`]), feeds each [`Part`] its bytes, and hands the
//! [`PartRun`]s in file order to [`SplitPlan::merge`]. A part does not know
//! its first line number when it starts; it counts its lines, and the merge
//! moves every line and byte number a part reports to where it lies in the
//! file. When a split point turns out not to be a record boundary (a quoted
//! CSV field spans it) or a part saw state that crosses lines (JMeter
//! sub-results, a generic CSV whose time base differs between parts), the
//! merge says [`SplitError::ReadAgain`], and the caller reads the file in one
//! pass: the result is never an approximation.

use crate::activity::MAX_INTERVALS;
use crate::decoder::SNIFF_LOOKAHEAD;
use crate::error::IngestError;
use crate::format::Format;
use crate::formats::detect;
use crate::options::IngestOptions;
use crate::run::{Run, MAX_ENDPOINTS, MAX_SKIPPED_EXAMPLES};
use crate::session::{usable, Session};
use crate::windows::WINDOW_BUDGET_BYTES;

/// Rows hey writes at most (it says so when a file reaches it).
const HEY_MAX_ROWS: u64 = 1_000_000;

/// What every part needs before its own lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Header {
    /// Every line stands alone.
    None,
    /// The file's first line names the columns; each part gets a copy.
    FirstLine,
}

/// How `format` can be split, if it can: its header, and whether a quoted
/// field may span lines (CSV records), so that split points must be checked.
fn splittable(format: Format) -> Option<(Header, bool)> {
    Some(match format {
        Format::K6Ndjson => (Header::None, false),
        Format::VegetaCsv => (Header::None, true),
        Format::JmeterCsv
        | Format::HeyCsv
        | Format::K6Csv
        | Format::GenericCsv
        | Format::AbGnuplot => (Header::FirstLine, true),
        _ => return None,
    })
}

/// Why the merged parts are not the answer.
#[derive(Debug, thiserror::Error, Clone, PartialEq)]
#[non_exhaustive]
pub enum SplitError {
    /// The file must be read in one pass to be read exactly.
    #[error("read in one pass: {0}")]
    ReadAgain(&'static str),
    /// The file cannot be read (the same error one pass gives).
    #[error(transparent)]
    Ingest(#[from] IngestError),
}

/// Where a part may start: just after the first newline in `window` (bytes
/// read from a target offset on), or `None` if it holds none.
pub fn boundary(window: &[u8]) -> Option<usize> {
    memchr::memchr(b'\n', window).map(|i| i + 1)
}

/// How one file is read in parts.
#[derive(Debug, Clone)]
pub struct SplitPlan {
    name: String,
    options: IngestOptions,
    format: Format,
    header: Vec<u8>,
    quotes: bool,
}

/// Bytes of the file's start [`SplitPlan::new`] wants: enough to detect the
/// format and hold the header line.
pub const PLAN_PREFIX: usize = SNIFF_LOOKAHEAD;

impl SplitPlan {
    /// Whether the file called `name`, which starts with `prefix` (at least
    /// [`PLAN_PREFIX`] bytes, or the whole file when `eof`), can be read in
    /// parts; `None`: read it in one pass.
    pub fn new(name: &str, options: &IngestOptions, prefix: &[u8], eof: bool) -> Option<SplitPlan> {
        // gzip, and UTF-16 (transcoded as a stream).
        if prefix.starts_with(&[0x1f, 0x8b])
            || prefix.starts_with(&[0xff, 0xfe])
            || prefix.starts_with(&[0xfe, 0xff])
        {
            return None;
        }
        let format = match options.format {
            Some(f) => f,
            None if options.csv_mapping.is_some() => Format::GenericCsv,
            None => detect(name, &prefix[..prefix.len().min(SNIFF_LOOKAHEAD)], eof).ok()?,
        };
        let (header, quotes) = splittable(format)?;
        let header = match header {
            Header::None => Vec::new(),
            Header::FirstLine => {
                let line = &prefix[..boundary(prefix)?];
                if !memchr::memchr_iter(b'"', line).count().is_multiple_of(2) {
                    return None;
                }
                line.to_vec()
            }
        };
        let plan = SplitPlan {
            name: name.to_string(),
            options: options.clone(),
            format,
            header,
            quotes,
        };
        plan.header_is_only_a_header().then_some(plan)
    }

    /// The first line read alone must count nothing: a headerless JMeter
    /// file (its columns inferred from the rows) or a file that opens with
    /// a blank or unreadable line is read in one pass.
    fn header_is_only_a_header(&self) -> bool {
        if self.header.is_empty() {
            return true;
        }
        let mut s = Session::with_format(&self.name, self.options.clone(), self.format);
        if s.feed(&self.header).is_err() {
            return false;
        }
        match s.finish_run() {
            Ok(run) => {
                !run.has_samples()
                    && run.transactions.is_empty()
                    && run.diagnostics.skipped_lines == 0
                    && run.diagnostics.warnings.is_empty()
            }
            Err(_) => false,
        }
    }

    /// The format the parts are read as.
    pub fn format(&self) -> Format {
        self.format
    }

    /// A reader for the part that starts at byte 0 (`first`), or at a later
    /// boundary: those are given the header first.
    pub fn part(&self, first: bool) -> Part {
        let mut session = Session::with_format(&self.name, self.options.clone(), self.format);
        // Plain text into a fresh decoder: nothing here can fail that the
        // first part would not also report.
        let header_error = if first || self.header.is_empty() {
            None
        } else {
            session.feed(&self.header).err()
        };
        Part {
            session,
            first,
            quotes: self.quotes,
            newlines: 0,
            quote_bytes: 0,
            bytes: 0,
            error: header_error,
        }
    }

    /// The run one pass over the whole file gives, from its parts in file
    /// order.
    pub fn merge(&self, parts: Vec<PartRun>) -> Result<Run, SplitError> {
        let header_lines = u64::from(!self.header.is_empty());
        let header_len = self.header.len() as u64;
        let mut merged: Option<Run> = None;
        let (mut line, mut byte, mut quotes) = (1u64, 0u64, 0u64);
        let mut time_unit: Option<String> = None;
        let count = parts.len();
        for (k, p) in parts.into_iter().enumerate() {
            if k > 0 && p.first {
                return Err(SplitError::ReadAgain("parts out of order"));
            }
            if self.quotes && !quotes.is_multiple_of(2) {
                return Err(SplitError::ReadAgain(
                    "a quoted field spans lines across a split point",
                ));
            }
            let mut run = match p.result {
                Ok(run) => run,
                Err(e) if k == 0 => return Err(e.into()),
                Err(_) => return Err(SplitError::ReadAgain("a later part could not be read")),
            };
            if k + 1 < count && !run.diagnostics.cut.is_empty() {
                return Err(SplitError::ReadAgain("a part before the last was cut"));
            }
            let (given_lines, given_bytes) = if p.first {
                (0, 0)
            } else {
                (header_lines, header_len)
            };
            let line_shift = (line - 1) as i64 - given_lines as i64;
            let byte_shift = byte as i64 - given_bytes as i64;
            for ex in &mut run.diagnostics.examples {
                ex.line = ex.line.saturating_add_signed(line_shift);
            }
            for w in run
                .diagnostics
                .warnings
                .iter_mut()
                .chain(run.diagnostics.cut.iter_mut())
            {
                *w = shift_numbers(w, line_shift, byte_shift);
            }
            self.check_part(&run, &mut time_unit)?;
            match &mut merged {
                None => merged = Some(run),
                Some(m) => {
                    m.absorb_part(&run);
                    for ex in &run.diagnostics.examples {
                        if m.diagnostics.examples.len() < MAX_SKIPPED_EXAMPLES {
                            m.diagnostics.examples.push(ex.clone());
                        }
                    }
                    for w in &run.diagnostics.warnings {
                        // One pass says each warning once, where it first applies.
                        let said = masked(w);
                        if !m.diagnostics.warnings.iter().any(|v| masked(v) == said) {
                            m.warn(w.clone());
                        }
                    }
                    for c in &run.diagnostics.cut {
                        m.cut(c.clone());
                    }
                    if self.format == Format::GenericCsv
                        && m.relative_time() != run.relative_time()
                        && run.has_samples()
                    {
                        return Err(SplitError::ReadAgain("parts disagree on the time base"));
                    }
                }
            }
            line += p.newlines;
            byte += p.bytes;
            quotes += p.quote_bytes;
        }
        let run = merged.ok_or(SplitError::ReadAgain("no parts"))?;
        if run.folded_endpoints()
            || run.endpoints.len() >= MAX_ENDPOINTS
            || run.transactions.len() >= MAX_ENDPOINTS
        {
            return Err(SplitError::ReadAgain(
                "too many endpoints to merge in order",
            ));
        }
        // Past its cap, busy intervals are joined in the order they come.
        if run
            .activity
            .as_ref()
            .is_some_and(|a| a.intervals() >= MAX_INTERVALS)
        {
            return Err(SplitError::ReadAgain("too many separate runs in one file"));
        }
        if run.window_bytes() > WINDOW_BUDGET_BYTES {
            return Err(SplitError::ReadAgain(
                "time windows over their memory budget",
            ));
        }
        if self.format == Format::HeyCsv && line > HEY_MAX_ROWS {
            return Err(SplitError::ReadAgain("a hey file at its row limit"));
        }
        Ok(usable(run)?)
    }

    /// State that crosses lines, seen in one part.
    fn check_part(&self, run: &Run, time_unit: &mut Option<String>) -> Result<(), SplitError> {
        if run.folded_endpoints() {
            return Err(SplitError::ReadAgain(
                "too many endpoints to merge in order",
            ));
        }
        if run
            .activity
            .as_ref()
            .is_some_and(|a| a.intervals() >= MAX_INTERVALS)
        {
            return Err(SplitError::ReadAgain("too many separate runs in one file"));
        }
        match self.format {
            Format::JmeterCsv => {
                // Sub-results (`label-0` rows) fold into a parent on the same
                // thread that may lie in another part; a transaction's
                // children are counted against the whole file.
                let sub_result = |name: &str| {
                    name.rsplit_once('-').is_some_and(|(base, n)| {
                        !base.is_empty() && !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit())
                    })
                };
                if run.endpoints.iter().any(|e| sub_result(&e.name))
                    || run.transactions.keys().any(|t| sub_result(t))
                    || run
                        .diagnostics
                        .warnings
                        .iter()
                        .any(|w| w.contains("sub-results") || w.contains("the transactions hold"))
                {
                    return Err(SplitError::ReadAgain("JMeter sub-results or transactions"));
                }
            }
            Format::GenericCsv => {
                // The unit of unlabelled timestamps is guessed from the first.
                for w in &run.diagnostics.warnings {
                    if w.starts_with("timestamps read as") {
                        match time_unit {
                            Some(u) if u != w => {
                                return Err(SplitError::ReadAgain(
                                    "parts guess different timestamp units",
                                ))
                            }
                            Some(_) => {}
                            None => *time_unit = Some(w.clone()),
                        }
                    }
                }
            }
            _ => {}
        }
        Ok(())
    }
}

/// One part of a split file being read.
pub struct Part {
    session: Session,
    first: bool,
    quotes: bool,
    newlines: u64,
    quote_bytes: u64,
    bytes: u64,
    error: Option<IngestError>,
}

impl Part {
    /// The next bytes of this part, split anywhere.
    pub fn feed(&mut self, chunk: &[u8]) {
        if self.error.is_some() {
            return;
        }
        self.bytes += chunk.len() as u64;
        self.newlines += memchr::memchr_iter(b'\n', chunk).count() as u64;
        if self.quotes {
            self.quote_bytes += memchr::memchr_iter(b'"', chunk).count() as u64;
        }
        if let Err(e) = self.session.feed(chunk) {
            self.error = Some(e);
        }
    }

    /// The end of this part.
    pub fn finish(self) -> PartRun {
        let result = match self.error {
            Some(e) => Err(e),
            None => self.session.finish_run(),
        };
        PartRun {
            result,
            first: self.first,
            newlines: self.newlines,
            quote_bytes: self.quote_bytes,
            bytes: self.bytes,
        }
    }
}

/// What one part read, with what the merge needs to place it in the file.
pub struct PartRun {
    result: Result<Run, IngestError>,
    first: bool,
    newlines: u64,
    quote_bytes: u64,
    bytes: u64,
}

/// `text` with each digit run replaced by `#`: the same warning about
/// another line.
fn masked(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_digits = false;
    for c in text.chars() {
        if c.is_ascii_digit() {
            if !in_digits {
                out.push('#');
            }
            in_digits = true;
        } else {
            out.push(c);
            in_digits = false;
        }
    }
    out
}

/// `text` with every "line N" moved by `lines` and "byte N" by `bytes`.
fn shift_numbers(text: &str, lines: i64, bytes: i64) -> String {
    if lines == 0 && bytes == 0 {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len() + 8);
    let mut rest = text;
    while !rest.is_empty() {
        let next = [("line ", lines), ("byte ", bytes)]
            .iter()
            .filter_map(|(word, by)| rest.find(word).map(|i| (i, *word, *by)))
            .min_by_key(|(i, _, _)| *i);
        let Some((i, word, by)) = next else {
            out.push_str(rest);
            break;
        };
        let after = i + word.len();
        out.push_str(&rest[..after]);
        rest = &rest[after..];
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        if digits > 0 {
            match rest[..digits].parse::<u64>() {
                Ok(n) => out.push_str(&n.saturating_add_signed(by).to_string()),
                Err(_) => out.push_str(&rest[..digits]),
            }
            rest = &rest[digits..];
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_move_to_where_the_part_lies() {
        assert_eq!(
            shift_numbers("line 3 (and maybe others), byte 10; lines 4", 100, 5),
            "line 103 (and maybe others), byte 15; lines 4"
        );
        assert_eq!(masked("line 12 is bad at 3"), "line # is bad at #");
    }

    #[test]
    fn only_line_formats_split() {
        let o = IngestOptions::default();
        let xml = b"<?xml version=\"1.0\"?>\n<testResults version=\"1.2\">\n";
        assert!(SplitPlan::new("a.jtl", &o, xml, true).is_none());
        let gz = [0x1f, 0x8b, 8, 0];
        assert!(SplitPlan::new("a.csv.gz", &o, &gz, true).is_none());
    }
}
