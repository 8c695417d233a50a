//! A small RFC 4180 record reader shared by the CSV formats: quoted fields,
//! doubled quotes, and newlines inside quotes, fed line by line.

/// Splits one CSV line into fields (`sep` must be an ASCII byte; any other
/// gives the whole line as one field). Returns `None` when the line ends inside
/// a quoted field (the record continues on the next line).
pub fn split_fields<'a>(
    line: &'a str,
    sep: u8,
    out: &mut Vec<std::borrow::Cow<'a, str>>,
) -> Option<()> {
    // Cutting at a non-ASCII byte could land inside a character.
    if !sep.is_ascii() {
        out.clear();
        out.push(std::borrow::Cow::Borrowed(line));
        return Some(());
    }
    out.clear();
    let b = line.as_bytes();
    let mut i = 0;
    loop {
        if i < b.len() && b[i] == b'"' {
            let mut s = String::new();
            let mut j = i + 1;
            let mut start = j;
            loop {
                let rel = memchr::memchr(b'"', &b[j..])?;
                let q = j + rel;
                s.push_str(&line[start..q]);
                if b.get(q + 1) == Some(&b'"') {
                    s.push('"');
                    j = q + 2;
                    start = j;
                } else {
                    j = q + 1;
                    break;
                }
            }
            // Anything between the closing quote and the separator is kept verbatim.
            let end = memchr::memchr(sep, &b[j..]).map_or(b.len(), |p| j + p);
            s.push_str(&line[j..end]);
            out.push(std::borrow::Cow::Owned(s));
            if end >= b.len() {
                return Some(());
            }
            i = end + 1;
        } else {
            let end = memchr::memchr(sep, &b[i..]).map_or(b.len(), |p| i + p);
            out.push(std::borrow::Cow::Borrowed(&line[i..end]));
            if end >= b.len() {
                return Some(());
            }
            i = end + 1;
        }
    }
}

/// Reusable buffers for [`FieldBuf::split`]: a row's fields as spans of the
/// row, and the unescaped text of its quoted fields, kept from row to row so
/// that splitting allocates nothing once they have grown.
#[derive(Debug, Default)]
pub struct FieldBuf {
    spans: Vec<Span>,
    unquoted: String,
}

#[derive(Debug, Clone, Copy)]
struct Span {
    start: usize,
    end: usize,
    /// In `unquoted` (a quoted field) rather than in the row.
    quoted: bool,
}

/// One row's fields, borrowed from the row and a [`FieldBuf`].
#[derive(Debug, Clone, Copy)]
pub struct Fields<'a> {
    line: &'a str,
    unquoted: &'a str,
    spans: &'a [Span],
}

impl<'a> Fields<'a> {
    /// Number of fields.
    pub fn len(&self) -> usize {
        self.spans.len()
    }

    /// Whether there are no fields (never, for a split row).
    #[allow(dead_code)] // Not called by the crate at present.
    pub fn is_empty(&self) -> bool {
        self.spans.is_empty()
    }

    /// Field `i`, unquoted.
    pub fn get(&self, i: usize) -> Option<&'a str> {
        let s = self.spans.get(i)?;
        let text = if s.quoted { self.unquoted } else { self.line };
        text.get(s.start..s.end)
    }

    /// Every field in order.
    pub fn iter(&self) -> impl Iterator<Item = &'a str> + '_ {
        (0..self.spans.len()).filter_map(|i| self.get(i))
    }
}

impl FieldBuf {
    /// Splits `line` as [`split_fields`] does, into these buffers.
    pub fn split<'a>(&'a mut self, line: &'a str, sep: u8) -> Option<Fields<'a>> {
        self.spans.clear();
        self.unquoted.clear();
        let b = line.as_bytes();
        if !sep.is_ascii() {
            self.spans.push(Span {
                start: 0,
                end: b.len(),
                quoted: false,
            });
        } else {
            let mut i = 0;
            loop {
                let end;
                if i < b.len() && b[i] == b'"' {
                    let from = self.unquoted.len();
                    let mut j = i + 1;
                    let mut start = j;
                    loop {
                        let q = j + memchr::memchr(b'"', &b[j..])?;
                        self.unquoted.push_str(&line[start..q]);
                        if b.get(q + 1) == Some(&b'"') {
                            self.unquoted.push('"');
                            j = q + 2;
                            start = j;
                        } else {
                            j = q + 1;
                            break;
                        }
                    }
                    // Anything between the closing quote and the separator is kept verbatim.
                    end = memchr::memchr(sep, &b[j..]).map_or(b.len(), |p| j + p);
                    self.unquoted.push_str(&line[j..end]);
                    self.spans.push(Span {
                        start: from,
                        end: self.unquoted.len(),
                        quoted: true,
                    });
                } else {
                    end = memchr::memchr(sep, &b[i..]).map_or(b.len(), |p| i + p);
                    self.spans.push(Span {
                        start: i,
                        end,
                        quoted: false,
                    });
                }
                if end >= b.len() {
                    break;
                }
                i = end + 1;
            }
        }
        Some(Fields {
            line,
            unquoted: &self.unquoted,
            spans: &self.spans,
        })
    }
}

/// Joins physical lines into logical CSV records (a quoted field may span lines).
#[derive(Debug, Default)]
pub struct RecordJoiner {
    pending: String,
    first_line: u64,
}

/// Longest record we keep joining before giving up on an unbalanced quote.
const MAX_RECORD: usize = 1 << 20;

impl RecordJoiner {
    /// Adds a physical line; returns the complete record (and the line it
    /// started on) when the quotes balance. `Err` reports a record that never closed.
    pub fn push<'a>(
        &'a mut self,
        line_no: u64,
        line: &'a str,
    ) -> Result<Option<(u64, std::borrow::Cow<'a, str>)>, u64> {
        if self.pending.is_empty() {
            if quotes_balanced(line) {
                return Ok(Some((line_no, std::borrow::Cow::Borrowed(line))));
            }
            self.first_line = line_no;
            self.pending.push_str(line);
            return Ok(None);
        }
        self.pending.push('\n');
        self.pending.push_str(line);
        if quotes_balanced(&self.pending) {
            let rec = std::mem::take(&mut self.pending);
            return Ok(Some((self.first_line, std::borrow::Cow::Owned(rec))));
        }
        if self.pending.len() > MAX_RECORD {
            self.pending.clear();
            return Err(self.first_line);
        }
        Ok(None)
    }

    /// At end of input: the line where an unclosed record started, if any.
    pub fn unfinished(&mut self) -> Option<u64> {
        (!std::mem::take(&mut self.pending).is_empty()).then_some(self.first_line)
    }
}

fn quotes_balanced(s: &str) -> bool {
    memchr::memchr_iter(b'"', s.as_bytes())
        .count()
        .is_multiple_of(2)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_fields() {
        let mut v = Vec::new();
        split_fields(r#"a,"b,c","say ""hi""",,d"#, b',', &mut v).expect("complete");
        assert_eq!(v, vec!["a", "b,c", r#"say "hi""#, "", "d"]);
        split_fields("", b',', &mut v).expect("complete");
        assert_eq!(v, vec![""]);
        assert!(split_fields(r#"a,"open"#, b',', &mut v).is_none());
    }

    #[test]
    fn reused_buffers_split_as_split_fields_does() {
        let mut buf = FieldBuf::default();
        for (line, sep) in [
            (r#"a,"b,c","say ""hi""",,d"#, b','),
            ("", b','),
            (r#""x"tail;y;"";"#, b';'),
            ("é,ü", 0xC3),
            ("plain\ttab", b'\t'),
        ] {
            let mut v = Vec::new();
            split_fields(line, sep, &mut v).expect("complete");
            let got: Vec<&str> = buf.split(line, sep).expect("complete").iter().collect();
            assert_eq!(got, v, "{line:?}");
        }
        assert!(buf.split(r#"a,"open"#, b',').is_none());
    }

    #[test]
    fn records_span_lines() {
        let mut j = RecordJoiner::default();
        assert_eq!(
            j.push(1, "x,y")
                .expect("ok")
                .map(|(n, r)| (n, r.into_owned())),
            Some((1, "x,y".to_string()))
        );
        assert!(j.push(2, "a,\"multi").expect("ok").is_none());
        let (n, rec) = j.push(3, "line\",b").expect("ok").expect("closed");
        assert_eq!((n, &*rec), (2, "a,\"multi\nline\",b"));
    }
}
