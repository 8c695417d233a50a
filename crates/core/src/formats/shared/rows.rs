//! The row pipeline every line- or record-oriented format reads through.
//!
//! [`RowReader`] owns what such formats share: lines split across chunks
//! (only a line that spans two chunks is copied), 1-based line numbers, a
//! UTF-8 byte-order mark on the first line, bytes that are not UTF-8 (see
//! [`NotUtf8`]), CSV records whose quoted fields span lines (or, with
//! [`Records::Lines`], one record a line), lines too long to keep, and the
//! end of input: a last record without a line end is marked
//! [`Row::unterminated`], a quote that never closes is counted as a skipped
//! line. A format plugs in only its per-row logic, through [`RowFormat`],
//! and receives each record as a borrowed `&str` (copied only when it is not
//! valid UTF-8, or when it spans lines), with [`Row::split`] to cut it into
//! fields in buffers reused from row to row. A `RowReader` is itself a
//! [`Decoder`]: a format with nothing to do but read rows and close up
//! ([`RowFormat::finish`]) needs no decoder of its own.

use std::borrow::Cow;

use crate::decoder::{strip_bom, Decoder};
use crate::error::IngestError;
use crate::formats::shared::csv::{FieldBuf, Fields, RecordJoiner};
use crate::lines::{Line, LineSplitter};
use crate::run::Run;

/// What a format does with each record.
pub trait RowFormat {
    /// One complete record.
    fn row(&mut self, run: &mut Run, row: Row<'_>);

    /// Once true, later lines are not read (the format found a fatal error).
    fn stopped(&self) -> bool {
        false
    }

    /// Line `line` was longer than [`crate::lines::MAX_LINE`] and was not
    /// kept: by default a skipped line.
    fn too_long(&mut self, run: &mut Run, line: u64) {
        skip_too_long(run, line);
    }

    /// End of input, after the last record, when the reader is the decoder
    /// ([`Decoder::finish`]); `lines` is how many lines the input had.
    fn finish(&mut self, _run: &mut Run, _lines: u64) -> Result<(), IngestError> {
        Ok(())
    }
}

/// Counts line `line` as skipped for being longer than [`crate::lines::MAX_LINE`].
pub fn skip_too_long(run: &mut Run, line: u64) {
    run.skip_line(line, "line longer than 16 MiB");
}

/// One record as the format receives it.
pub struct Row<'a> {
    /// The line the record starts on.
    pub line: u64,
    /// The record's text, without its line end; a record whose quoted field
    /// spans lines holds `\n` between them.
    pub text: &'a str,
    /// With [`Records::Lines`], the line as read (its byte-order mark
    /// removed), before text decoding: for formats that parse bytes
    /// themselves, as JSON parsers do. A CSV record's text otherwise.
    pub bytes: &'a [u8],
    /// The record is the last of the input and had no line end.
    pub unterminated: bool,
    fields: &'a mut FieldBuf,
}

impl<'a> Row<'a> {
    /// The record cut into fields at `sep` (RFC 4180 quoting); `None` when
    /// a quote is left open.
    pub fn split(&mut self, sep: u8) -> Option<Fields<'_>> {
        self.fields.split(self.text, sep)
    }
}

/// Which records a format never sees.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Blank {
    /// Records of nothing but whitespace are dropped.
    Skip,
    /// Only records with no characters at all are dropped.
    OnlyEmpty,
    /// Every record reaches the format, empty ones too (console text, whose
    /// blank lines end sections).
    Keep,
}

/// Where one record ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Records {
    /// CSV: a quoted field may span lines (RFC 4180).
    Csv,
    /// Every line is a record; quotes are text like any other.
    Lines,
}

/// What the reader does with a line that is not valid UTF-8.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotUtf8 {
    /// Each invalid byte written as `\xNN` ([`crate::lines::lossy_line`]),
    /// with one warning: names in a legacy encoding stay distinct.
    Escape,
    /// Invalid bytes replaced by U+FFFD, without a warning (console text
    /// and logs, whose messages may quote anything).
    Replace,
    /// The line is counted as skipped ("not valid UTF-8").
    Skip,
    /// The line is passed over without a word (notes around a tool's own
    /// ASCII output).
    Drop,
}

/// Reads a byte stream as records and hands each to a [`RowFormat`].
#[derive(Debug)]
pub struct RowReader<F> {
    lines: LineSplitter,
    joiner: RecordJoiner,
    fields: FieldBuf,
    /// The not-UTF-8 warning was given.
    warned_utf8: bool,
    blank: Blank,
    records: Records,
    not_utf8: NotUtf8,
    /// The format fed with each record.
    pub format: F,
}

impl<F: Default> Default for RowReader<F> {
    fn default() -> Self {
        RowReader::new(F::default())
    }
}

impl<F> RowReader<F> {
    /// A reader of CSV records that drops whitespace-only ones and escapes
    /// bytes that are not UTF-8.
    pub fn new(format: F) -> Self {
        RowReader {
            lines: LineSplitter::default(),
            joiner: RecordJoiner::default(),
            fields: FieldBuf::default(),
            warned_utf8: false,
            blank: Blank::Skip,
            records: Records::Csv,
            not_utf8: NotUtf8::Escape,
            format,
        }
    }

    /// Says which records are dropped before the format sees them.
    pub fn with_blank(mut self, blank: Blank) -> Self {
        self.blank = blank;
        self
    }

    /// Says where a record ends.
    pub fn with_records(mut self, records: Records) -> Self {
        self.records = records;
        self
    }

    /// Says what becomes of a line that is not valid UTF-8.
    pub fn with_not_utf8(mut self, not_utf8: NotUtf8) -> Self {
        self.not_utf8 = not_utf8;
        self
    }

    /// How many lines were read so far.
    pub fn lines_read(&self) -> u64 {
        self.lines.line_no()
    }
}

impl<F: RowFormat> RowReader<F> {
    /// Feeds the next chunk of input.
    pub fn feed(&mut self, bytes: &[u8], run: &mut Run) {
        let (lines, mut rows, format) = self.parts(false);
        lines.feed(bytes, |n, line| rows.line(n, line, run, format));
    }

    /// End of input: the last line without a line end, and an unclosed quote.
    pub fn finish(&mut self, run: &mut Run) {
        let (lines, mut rows, format) = self.parts(true);
        lines.finish(|n, line| rows.line(n, line, run, format));
        if let Some(start) = self.joiner.unfinished() {
            run.skip_line(start, "record starts a quoted field that never closes");
        }
    }

    /// The line splitter, the rest of the reader's state, and the format,
    /// borrowed apart; `last`: the lines come from `finish`.
    fn parts(&mut self, last: bool) -> (&mut LineSplitter, Rows<'_>, &mut F) {
        let rows = Rows {
            joiner: &mut self.joiner,
            fields: &mut self.fields,
            warned_utf8: &mut self.warned_utf8,
            blank: self.blank,
            records: self.records,
            not_utf8: self.not_utf8,
            last,
        };
        (&mut self.lines, rows, &mut self.format)
    }
}

impl<F: RowFormat> Decoder for RowReader<F> {
    fn feed(&mut self, bytes: &[u8], run: &mut Run) -> Result<(), IngestError> {
        RowReader::feed(self, bytes, run);
        Ok(())
    }

    fn finish(&mut self, run: &mut Run) -> Result<(), IngestError> {
        RowReader::finish(self, run);
        let lines = self.lines_read();
        self.format.finish(run, lines)
    }
}

/// The reader's state borrowed apart from its line splitter.
struct Rows<'r> {
    joiner: &'r mut RecordJoiner,
    fields: &'r mut FieldBuf,
    warned_utf8: &'r mut bool,
    blank: Blank,
    records: Records,
    not_utf8: NotUtf8,
    /// Lines come from `finish`: the one left had no line end.
    last: bool,
}

impl Rows<'_> {
    fn line<F: RowFormat>(&mut self, n: u64, line: Line<'_>, run: &mut Run, format: &mut F) {
        if format.stopped() {
            return;
        }
        let bytes = match line {
            Line::Text(t) => t,
            Line::TooLong => return format.too_long(run, n),
        };
        let bytes = if n == 1 { strip_bom(bytes) } else { bytes };
        let text = match self.not_utf8 {
            NotUtf8::Escape => {
                let text = crate::lines::lossy_line(bytes);
                if matches!(text, Cow::Owned(_)) && !*self.warned_utf8 {
                    *self.warned_utf8 = true;
                    run.warn(crate::lines::not_utf8_warning(n));
                }
                text
            }
            NotUtf8::Replace => String::from_utf8_lossy(bytes),
            NotUtf8::Skip | NotUtf8::Drop => match std::str::from_utf8(bytes) {
                Ok(text) => Cow::Borrowed(text),
                Err(_) if self.not_utf8 == NotUtf8::Skip => {
                    return run.skip_line(n, "not valid UTF-8")
                }
                Err(_) => return,
            },
        };
        let rec = Rec {
            fields: self.fields,
            blank: self.blank,
            last: self.last,
        };
        if self.records == Records::Lines {
            return rec.give(n, &text, bytes, run, format);
        }
        match self.joiner.push(n, &text) {
            Ok(Some((start, record))) => rec.give(start, &record, record.as_bytes(), run, format),
            Ok(None) => {}
            Err(start) => run.skip_line(start, "quoted field longer than 1 MiB"),
        }
    }
}

/// What a complete record is handed over with.
struct Rec<'r> {
    fields: &'r mut FieldBuf,
    blank: Blank,
    last: bool,
}

impl Rec<'_> {
    fn give<F: RowFormat>(
        self,
        line: u64,
        text: &str,
        bytes: &[u8],
        run: &mut Run,
        format: &mut F,
    ) {
        let blank = match self.blank {
            Blank::Skip => text.trim().is_empty(),
            Blank::OnlyEmpty => text.is_empty(),
            Blank::Keep => false,
        };
        if !blank {
            format.row(
                run,
                Row {
                    line,
                    text,
                    bytes,
                    unterminated: self.last,
                    fields: self.fields,
                },
            );
        }
    }
}

/// How a binary stream of records names its parts, for the two ways it can
/// break off (Gatling's binary log, Vegeta's gob): a record that cannot be
/// read, and input that ends inside a record. Both keep what came before.
pub struct Framing {
    /// The stream as a whole ("log", "file").
    pub whole: &'static str,
    /// One record ("record", "gob message").
    pub unit: &'static str,
    /// What the records before are ("records", "results").
    pub kept: &'static str,
    /// Appended to the unreadable-record message (what the user can do).
    pub advice: &'static str,
}

impl Framing {
    /// Record `index` (1-based) at byte `offset` cannot be read.
    pub fn corrupt(&self, run: &mut Run, index: u64, offset: u64, reason: &str) {
        run.cut(format!(
            "{} {index} at byte {offset} cannot be read ({reason}); the {} before it are counted{}",
            self.unit, self.kept, self.advice
        ));
    }

    /// The input ended inside record `index`, which began at byte `offset`.
    pub fn ended_inside(&self, run: &mut Run, index: u64, offset: u64) {
        run.cut(format!(
            "the {} ends inside {} {index} (byte {offset}): it was cut off; the {} before it are counted",
            self.whole, self.unit, self.kept
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::format::Format;

    /// Line, text, unterminated, fields.
    type Seen = (u64, String, bool, Vec<String>);

    #[derive(Default)]
    struct Collect(Vec<Seen>);

    impl RowFormat for Collect {
        fn row(&mut self, _: &mut Run, mut row: Row<'_>) {
            let fields = row
                .split(b',')
                .map(|f| f.iter().map(str::to_string).collect())
                .unwrap_or_default();
            self.0
                .push((row.line, row.text.to_string(), row.unterminated, fields));
        }
    }

    fn rows(chunks: &[&[u8]]) -> (Vec<Seen>, Run) {
        let mut run = Run::new("t", Format::K6Csv);
        let mut reader = RowReader::<Collect>::default();
        for c in chunks {
            reader.feed(c, &mut run);
        }
        reader.finish(&mut run);
        (reader.format.0, run)
    }

    #[test]
    fn same_rows_at_every_chunk_size() {
        let text = b"\xEF\xBB\xBFa,b\n\n  \n1,\"x\ny\"\r\n2,\"q\"\"z\"\nl\xff,1\n3,cut";
        let (whole, run) = rows(&[text]);
        let lines: Vec<u64> = whole.iter().map(|r| r.0).collect();
        assert_eq!(lines, vec![1, 4, 6, 7, 8]);
        assert_eq!(whole[1].3, vec!["1", "x\ny"]);
        assert_eq!(whole[2].3, vec!["2", "q\"z"]);
        assert_eq!(whole[3].1, "l\\xFF,1");
        assert!(whole[4].2 && !whole[3].2, "only the cut last row");
        assert_eq!(run.diagnostics.warnings.len(), 1);
        for size in 1..text.len() {
            let chunks: Vec<&[u8]> = text.chunks(size).collect();
            assert_eq!(rows(&chunks).0, whole, "chunks of {size}");
        }
    }

    fn records(chunks: &[&[u8]]) -> Vec<(u64, String)> {
        rows(chunks).0.into_iter().map(|r| (r.0, r.1)).collect()
    }

    #[test]
    fn quoted_newlines_and_blank_lines() {
        let text = b"\xEF\xBB\xBFa,b\n\n1,\"x\ny\"\r\n2,z";
        let whole = records(&[text]);
        assert_eq!(
            whole,
            vec![
                (1, "a,b".to_string()),
                (3, "1,\"x\ny\"".to_string()),
                (5, "2,z".to_string())
            ]
        );
        let ones: Vec<&[u8]> = text.chunks(1).collect();
        assert_eq!(records(&ones), whole);
    }

    #[test]
    fn invalid_utf8_is_escaped_not_dropped() {
        // Escaped, not U+FFFD: two labels differing only in such bytes stay two.
        assert_eq!(records(&[b"l\xff,1\n"]), vec![(1, "l\\xFF,1".to_string())]);
    }

    #[test]
    fn an_unclosed_quote_is_a_skipped_line() {
        let (whole, run) = rows(&[b"a,b\n1,\"open\n2,3\n"]);
        assert_eq!(whole.len(), 1);
        assert_eq!(run.diagnostics.skipped_lines, 1);
        assert_eq!(run.diagnostics.examples[0].line, 2);
    }

    fn lines(not_utf8: NotUtf8, text: &[u8]) -> (Vec<(u64, String)>, Run) {
        let mut run = Run::new("t", Format::K6Csv);
        let mut reader = RowReader::<Collect>::default()
            .with_records(Records::Lines)
            .with_blank(Blank::Keep)
            .with_not_utf8(not_utf8);
        for c in text.chunks(3) {
            RowReader::feed(&mut reader, c, &mut run);
        }
        RowReader::finish(&mut reader, &mut run);
        let lines = reader.format.0.into_iter().map(|r| (r.0, r.1)).collect();
        (lines, run)
    }

    #[test]
    fn lines_keep_quotes_blanks_and_say_what_is_not_utf8() {
        let text = b"say \"hi\n\nl\xff\nend";
        let (escaped, run) = lines(NotUtf8::Escape, text);
        let texts: Vec<&str> = escaped.iter().map(|l| l.1.as_str()).collect();
        assert_eq!(texts, vec!["say \"hi", "", "l\\xFF", "end"]);
        assert_eq!(run.diagnostics.warnings.len(), 1);
        let (replaced, run) = lines(NotUtf8::Replace, text);
        assert_eq!(replaced[2].1, "l\u{FFFD}");
        assert!(run.diagnostics.warnings.is_empty());
        let (skipped, run) = lines(NotUtf8::Skip, text);
        assert_eq!(skipped.len(), 3);
        assert_eq!(run.diagnostics.skipped_lines, 1);
        assert_eq!(run.diagnostics.examples[0].line, 3);
        let (dropped, run) = lines(NotUtf8::Drop, text);
        assert_eq!(
            dropped.iter().map(|l| l.0).collect::<Vec<_>>(),
            vec![1, 2, 4]
        );
        assert_eq!(run.diagnostics.skipped_lines, 0);
    }

    #[derive(Default)]
    struct Raw(Vec<Vec<u8>>);

    impl RowFormat for Raw {
        fn row(&mut self, _: &mut Run, row: Row<'_>) {
            self.0.push(row.bytes.to_vec());
        }
    }

    #[test]
    fn a_line_reaches_the_format_as_read() {
        let mut run = Run::new("t", Format::K6Csv);
        let mut reader = RowReader::<Raw>::default()
            .with_records(Records::Lines)
            .with_not_utf8(NotUtf8::Replace);
        RowReader::feed(&mut reader, b"\xEF\xBB\xBF{\"a\":\"\xff\"}\n", &mut run);
        Decoder::finish(&mut reader, &mut run).expect("no error of its own");
        assert_eq!(reader.format.0, vec![b"{\"a\":\"\xff\"}".to_vec()]);
    }
}
