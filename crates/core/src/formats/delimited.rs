//! Streaming reader for delimiter-separated text (JMeter JTL, hey, Vegeta
//! and ab outputs): splits a byte stream into logical records — a quoted
//! field may span lines — and hands each one over with the number of the
//! line it starts on. The separator is left to the caller, which often only
//! learns it from the first record.

use std::borrow::Cow;

use crate::decoder::strip_bom;
use crate::formats::csv::RecordJoiner;
use crate::lines::{Line, LineSplitter};
use crate::run::Run;

/// Joins lines into records; invalid UTF-8 is replaced (numbers survive, a
/// label may get a `�`), so a stray byte never costs a request.
#[derive(Debug, Default)]
pub struct RecordReader {
    lines: LineSplitter,
    joiner: RecordJoiner,
    warned_utf8: bool,
}

impl RecordReader {
    /// Feeds bytes; calls `f(run, line_no, record)` for each complete, non-empty record.
    pub fn feed(&mut self, bytes: &[u8], run: &mut Run, f: &mut impl FnMut(&mut Run, u64, &str)) {
        let mut lines = std::mem::take(&mut self.lines);
        lines.feed(bytes, |n, line| self.line(n, line, run, f));
        self.lines = lines;
    }

    /// Flushes the last record at end of input.
    pub fn finish(&mut self, run: &mut Run, f: &mut impl FnMut(&mut Run, u64, &str)) {
        let mut lines = std::mem::take(&mut self.lines);
        lines.finish(|n, line| self.line(n, line, run, f));
        self.lines = lines;
        if let Some(start) = self.joiner.unfinished() {
            run.skip_line(start, "record starts a quoted field that never closes");
        }
    }

    fn line(
        &mut self,
        n: u64,
        line: Line<'_>,
        run: &mut Run,
        f: &mut impl FnMut(&mut Run, u64, &str),
    ) {
        let bytes = match line {
            Line::Text(t) => t,
            Line::TooLong => return run.skip_line(n, "line longer than 16 MiB"),
        };
        let bytes = if n == 1 { strip_bom(bytes) } else { bytes };
        let text = crate::lines::lossy_line(bytes);
        if matches!(text, Cow::Owned(_)) && !self.warned_utf8 {
            self.warned_utf8 = true;
            run.warn(crate::lines::not_utf8_warning(n));
        }
        match self.joiner.push(n, &text) {
            Ok(Some((start, record))) => {
                if !record.trim().is_empty() {
                    f(run, start, &record);
                }
            }
            Ok(None) => {}
            Err(start) => run.skip_line(start, "quoted field longer than 1 MiB"),
        }
    }
}

/// Whether `s` is a plain non-negative or negative integer.
pub fn is_integer(s: &str) -> bool {
    let digits = s.strip_prefix('-').unwrap_or(s);
    !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::format::Format;

    fn records(chunks: &[&[u8]]) -> Vec<(u64, String)> {
        let mut run = Run::new("t", Format::K6Csv);
        let mut reader = RecordReader::default();
        let mut out = Vec::new();
        let mut push = |_: &mut Run, n: u64, r: &str| out.push((n, r.to_string()));
        for c in chunks {
            reader.feed(c, &mut run, &mut push);
        }
        reader.finish(&mut run, &mut push);
        out
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
    fn integers() {
        assert!(is_integer("123") && is_integer("-4"));
        assert!(!is_integer("") && !is_integer("-") && !is_integer("1.5") && !is_integer("a1"));
    }
}
