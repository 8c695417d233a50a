//! Splits a byte stream into lines, whatever the chunk boundaries.
//!
//! Complete lines inside a chunk are handed out as slices of that chunk (no
//! copy); only the unfinished tail is kept. A line may be split anywhere,
//! including inside a UTF-8 character: we work on bytes and decode per line.

/// Lines longer than this are skipped (and reported) rather than buffered.
pub const MAX_LINE: usize = 16 << 20;

/// What the line splitter hands to its callback.
pub enum Line<'a> {
    /// A complete line without its `\n` (and without a trailing `\r`).
    Text(&'a [u8]),
    /// A line longer than [`MAX_LINE`], dropped.
    TooLong,
}

/// Incremental line splitter with 1-based line numbers.
#[derive(Debug, Default)]
pub struct LineSplitter {
    tail: Vec<u8>,
    overlong: bool,
    line_no: u64,
}

fn trim_cr(line: &[u8]) -> &[u8] {
    match line.last() {
        Some(b'\r') => &line[..line.len() - 1],
        _ => line,
    }
}

impl LineSplitter {
    /// Number of the last line handed out.
    pub fn line_no(&self) -> u64 {
        self.line_no
    }

    /// Feeds bytes; calls `f(line_no, line)` for each completed line.
    pub fn feed(&mut self, mut bytes: &[u8], mut f: impl FnMut(u64, Line<'_>)) {
        if !self.tail.is_empty() || self.overlong {
            match memchr::memchr(b'\n', bytes) {
                None => {
                    self.extend_tail(bytes);
                    return;
                }
                Some(pos) => {
                    self.extend_tail(&bytes[..pos]);
                    self.line_no += 1;
                    if self.overlong {
                        f(self.line_no, Line::TooLong);
                    } else {
                        f(self.line_no, Line::Text(trim_cr(&self.tail)));
                    }
                    self.tail.clear();
                    self.overlong = false;
                    bytes = &bytes[pos + 1..];
                }
            }
        }
        let mut start = 0;
        for pos in memchr::memchr_iter(b'\n', bytes) {
            self.line_no += 1;
            f(self.line_no, Line::Text(trim_cr(&bytes[start..pos])));
            start = pos + 1;
        }
        self.extend_tail(&bytes[start..]);
    }

    fn extend_tail(&mut self, bytes: &[u8]) {
        if self.overlong {
            return;
        }
        if self.tail.len() + bytes.len() > MAX_LINE {
            self.overlong = true;
            self.tail = Vec::new();
            return;
        }
        self.tail.extend_from_slice(bytes);
    }

    /// Flushes a last line that had no trailing newline.
    pub fn finish(&mut self, mut f: impl FnMut(u64, Line<'_>)) {
        if self.overlong {
            self.line_no += 1;
            f(self.line_no, Line::TooLong);
        } else if !self.tail.is_empty() {
            self.line_no += 1;
            f(self.line_no, Line::Text(trim_cr(&self.tail)));
        }
        self.tail.clear();
        self.overlong = false;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(chunks: &[&[u8]]) -> Vec<(u64, String)> {
        let mut out = Vec::new();
        let mut s = LineSplitter::default();
        let mut push = |n: u64, l: Line<'_>| match l {
            Line::Text(t) => out.push((n, String::from_utf8_lossy(t).into_owned())),
            Line::TooLong => out.push((n, "<too long>".into())),
        };
        for c in chunks {
            s.feed(c, &mut push);
        }
        s.finish(&mut push);
        out
    }

    #[test]
    fn any_split_gives_the_same_lines() {
        let text = "a,b\r\nccc\n\nlast";
        let whole = split(&[text.as_bytes()]);
        assert_eq!(whole.len(), 4);
        assert_eq!(whole[0], (1, "a,b".to_string()));
        assert_eq!(whole[3], (4, "last".to_string()));
        for cut in 0..text.len() {
            let (a, b) = text.as_bytes().split_at(cut);
            assert_eq!(split(&[a, b]), whole, "cut at {cut}");
        }
        let ones: Vec<&[u8]> = text.as_bytes().chunks(1).collect();
        assert_eq!(split(&ones), whole);
    }
}

/// A line as text. Bytes that are not UTF-8 (a file in a legacy encoding such
/// as Windows-1251 or GBK, which tools on Windows write by default) are kept,
/// each written as `\xNN`: two labels that differ only in such bytes stay two
/// labels, where U+FFFD would merge them. Borrowed when the line is valid.
pub fn lossy_line(bytes: &[u8]) -> std::borrow::Cow<'_, str> {
    use std::fmt::Write;
    if let Ok(text) = std::str::from_utf8(bytes) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(bytes.len() * 2);
    for chunk in bytes.utf8_chunks() {
        out.push_str(chunk.valid());
        for b in chunk.invalid() {
            let _ = write!(out, "\\x{b:02X}");
        }
    }
    std::borrow::Cow::Owned(out)
}

/// The warning a reader gives once, for the first line [`lossy_line`] escaped.
pub fn not_utf8_warning(line: u64) -> String {
    format!(
        "line {line} (and maybe others) is not valid UTF-8 (a legacy encoding such as Windows-1251 or GBK?); its rows are kept, with each invalid byte shown as \\xNN so that distinct names stay distinct"
    )
}

#[cfg(test)]
mod lossy_tests {
    use super::*;

    #[test]
    fn names_in_a_legacy_encoding_stay_distinct() {
        // "Главная" and "Корзина" in Windows-1251: same length, different bytes.
        let a = lossy_line(&[0xC3, 0xEB, 0xE0, 0xE2, 0xED, 0xE0, 0xFF]);
        let b = lossy_line(&[0xCA, 0xEE, 0xF0, 0xE7, 0xE8, 0xED, 0xE0]);
        assert_ne!(a, b);
        assert_eq!(lossy_line(b"GET /a,\xC3x"), "GET /a,\\xC3x");
        assert!(matches!(
            lossy_line("é".as_bytes()),
            std::borrow::Cow::Borrowed("é")
        ));
    }
}
