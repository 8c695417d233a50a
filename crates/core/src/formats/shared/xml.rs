//! A small push tokenizer for the XML that load-test tools write (JMeter
//! JTL): start and end tags with attributes, and text. Comments, processing
//! instructions, DOCTYPE and CDATA markers are recognised and skipped (CDATA
//! content is passed on as text). Input may be split anywhere; only the tag
//! being read is buffered, so multi-megabyte response bodies stream through.
//!
//! It is not a validating parser: it does not check nesting (the caller
//! tracks depth) and undeclared entities are left as written.

use std::borrow::Cow;

/// Tags longer than this are dropped (and reported) rather than buffered.
pub const MAX_TAG: usize = 16 << 20;

/// What the tokenizer hands over. Names and values are UTF-8 (invalid bytes replaced).
#[derive(Debug, PartialEq)]
pub enum Event<'a> {
    /// `<name a="1">` or, with `empty`, `<name a="1"/>`. Attribute values are unescaped.
    Start {
        name: &'a str,
        attrs: &'a [(String, String)],
        empty: bool,
    },
    /// `</name>`
    End { name: &'a str },
    /// Character data as written (entities not yet decoded; see [`unescape`]).
    Text(&'a [u8]),
    /// A tag that could not be read (too long or garbled); the reason.
    Bad(&'static str),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
enum Mode {
    #[default]
    Text,
    /// After `<`, until we know what kind of markup follows.
    Open,
    Tag {
        quote: u8,
    },
    Comment,
    Cdata,
    Pi,
    Declaration,
}

/// Incremental XML tokenizer; line numbers are 1-based.
#[derive(Debug, Default)]
pub struct Tokenizer {
    mode: Mode,
    pending: Vec<u8>,
    overlong: bool,
    line: u64,
    start_line: u64,
    attrs: Vec<(String, String)>,
}

impl Tokenizer {
    /// Feeds bytes; calls `f(line, event)` for each complete token.
    pub fn feed(&mut self, bytes: &[u8], f: &mut impl FnMut(u64, Event<'_>)) {
        if self.line == 0 {
            self.line = 1;
        }
        let mut i = 0;
        while i < bytes.len() {
            if self.mode == Mode::Text {
                let rest = &bytes[i..];
                let end = memchr::memchr(b'<', rest).unwrap_or(rest.len());
                if end > 0 {
                    f(self.line, Event::Text(&rest[..end]));
                    self.line += memchr::memchr_iter(b'\n', &rest[..end]).count() as u64;
                }
                i += end;
                if i < bytes.len() {
                    self.mode = Mode::Open;
                    self.start_line = self.line;
                    self.pending.clear();
                    self.overlong = false;
                    self.pending.push(b'<');
                    i += 1;
                }
                continue;
            }
            let b = bytes[i];
            i += 1;
            if b == b'\n' {
                self.line += 1;
            }
            self.markup_byte(b, f);
        }
    }

    /// The current line (1-based).
    pub fn line(&self) -> u64 {
        self.line.max(1)
    }

    /// End of input: whether it ended inside markup.
    pub fn finish(&mut self) -> bool {
        std::mem::take(&mut self.mode) != Mode::Text
    }

    fn push(&mut self, b: u8) {
        if self.pending.len() >= MAX_TAG {
            self.overlong = true;
        } else {
            self.pending.push(b);
        }
    }

    fn markup_byte(&mut self, b: u8, f: &mut impl FnMut(u64, Event<'_>)) {
        match self.mode {
            Mode::Text => {}
            Mode::Open => {
                self.push(b);
                let p = &self.pending[..];
                self.mode = if p.starts_with(b"<!--") {
                    Mode::Comment
                } else if p.starts_with(b"<![CDATA[") {
                    self.pending.clear();
                    Mode::Cdata
                } else if p.starts_with(b"<?") {
                    Mode::Pi
                } else if p.len() >= 2 && p[1] == b'!' {
                    if b"<![CDATA[".starts_with(p) || b"<!--".starts_with(p) {
                        Mode::Open
                    } else {
                        Mode::Declaration
                    }
                } else if b == b'>' {
                    self.mode = Mode::Tag { quote: 0 };
                    return self.tag_done(f);
                } else {
                    Mode::Tag { quote: 0 }
                };
            }
            Mode::Tag { quote } => {
                self.push(b);
                match (quote, b) {
                    (0, b'"' | b'\'') => self.mode = Mode::Tag { quote: b },
                    (0, b'>') => self.tag_done(f),
                    (q, c) if q != 0 && q == c => self.mode = Mode::Tag { quote: 0 },
                    _ => {}
                }
            }
            Mode::Comment | Mode::Pi | Mode::Declaration => {
                let ends = b'>' == b && {
                    let p = &self.pending;
                    match self.mode {
                        Mode::Comment => p.len() >= 6 && p.ends_with(b"--"),
                        Mode::Pi => p.ends_with(b"?"),
                        _ => true,
                    }
                };
                if ends {
                    self.mode = Mode::Text;
                    self.pending.clear();
                } else {
                    // Keep only what the end test needs.
                    if self.pending.len() > 8 {
                        self.pending.drain(4..self.pending.len() - 2);
                    }
                    self.pending.push(b);
                }
            }
            Mode::Cdata => {
                if b == b'>' && self.pending.ends_with(b"]]") {
                    let n = self.pending.len() - 2;
                    f(self.start_line, Event::Text(&self.pending[..n]));
                    self.mode = Mode::Text;
                    self.pending.clear();
                } else {
                    self.push(b);
                }
            }
        }
    }

    fn tag_done(&mut self, f: &mut impl FnMut(u64, Event<'_>)) {
        self.mode = Mode::Text;
        if self.overlong {
            return f(self.start_line, Event::Bad("tag longer than 16 MiB"));
        }
        let raw = std::mem::take(&mut self.pending);
        {
            let text = String::from_utf8_lossy(&raw);
            let inner = &text[1..text.len() - 1];
            if let Some(name) = inner.strip_prefix('/') {
                f(self.start_line, Event::End { name: name.trim() });
            } else {
                let (inner, empty) = match inner.strip_suffix('/') {
                    Some(i) => (i, true),
                    None => (inner, false),
                };
                let name_end = inner
                    .find(|c: char| c.is_ascii_whitespace())
                    .unwrap_or(inner.len());
                let name = &inner[..name_end];
                let mut attrs = std::mem::take(&mut self.attrs);
                if name.is_empty() || !parse_attributes(&inner[name_end..], &mut attrs) {
                    f(self.start_line, Event::Bad("malformed tag"));
                } else {
                    f(
                        self.start_line,
                        Event::Start {
                            name,
                            attrs: &attrs,
                            empty,
                        },
                    );
                }
                self.attrs = attrs;
            }
        }
        self.pending = raw;
        self.pending.clear();
    }
}

/// Parses ` a="1" b='2'` into `out`; false when garbled.
fn parse_attributes(mut s: &str, out: &mut Vec<(String, String)>) -> bool {
    out.clear();
    loop {
        s = s.trim_start();
        if s.is_empty() {
            return true;
        }
        let Some(eq) = s.find('=') else { return false };
        let name = s[..eq].trim();
        let rest = s[eq + 1..].trim_start();
        let Some(q) = rest.chars().next().filter(|c| *c == '"' || *c == '\'') else {
            return false;
        };
        let Some(close) = rest[1..].find(q) else {
            return false;
        };
        out.push((name.to_string(), unescape(&rest[1..1 + close]).into_owned()));
        s = &rest[close + 2..];
    }
}

/// Decodes the five predefined entities and character references.
pub fn unescape(s: &str) -> Cow<'_, str> {
    if !s.contains('&') {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let tail = &rest[amp..];
        let decoded = tail.find(';').filter(|&semi| semi <= 12).and_then(|semi| {
            let ent = &tail[1..semi];
            let c = match ent {
                "lt" => Some('<'),
                "gt" => Some('>'),
                "amp" => Some('&'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                _ => ent
                    .strip_prefix("#x")
                    .or_else(|| ent.strip_prefix("#X"))
                    .and_then(|h| u32::from_str_radix(h, 16).ok())
                    .or_else(|| ent.strip_prefix('#').and_then(|d| d.parse().ok()))
                    .and_then(char::from_u32),
            };
            c.map(|c| (c, semi))
        });
        match decoded {
            Some((c, semi)) => {
                out.push(c);
                rest = &tail[semi + 1..];
            }
            None => {
                out.push('&');
                rest = &tail[1..];
            }
        }
    }
    out.push_str(rest);
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens(chunks: &[&[u8]]) -> Vec<String> {
        let mut t = Tokenizer::default();
        let mut out: Vec<String> = Vec::new();
        let mut f = |line: u64, e: Event<'_>| {
            let s = match e {
                Event::Start { name, attrs, empty } => format!("{line}:<{name} {attrs:?} {empty}>"),
                Event::End { name } => format!("{line}:</{name}>"),
                Event::Text(t) => format!("T{}", String::from_utf8_lossy(t)),
                Event::Bad(r) => format!("{line}:bad {r}"),
            };
            // Text may arrive in pieces: join neighbouring pieces.
            match (out.last_mut(), s.strip_prefix('T')) {
                (Some(last), Some(t)) if last.starts_with('T') => last.push_str(t),
                _ => out.push(s),
            }
        };
        for c in chunks {
            t.feed(c, &mut f);
        }
        assert!(!t.finish(), "ended inside markup");
        out
    }

    #[test]
    fn any_split_gives_the_same_tokens() {
        let doc = "<?xml version=\"1.0\"?>\n<!-- c > -->\n<r a=\"1 &amp; 2\">\n<s t='5' lb=\"x&gt;y\"/>tx&lt;t<![CDATA[<raw>]]></r>";
        let whole = tokens(&[doc.as_bytes()]);
        assert_eq!(
            whole,
            vec![
                "T\n\n".to_string(),
                "3:<r [(\"a\", \"1 & 2\")] false>".into(),
                "T\n".into(),
                "4:<s [(\"t\", \"5\"), (\"lb\", \"x>y\")] true>".into(),
                "Ttx&lt;t<raw>".into(),
                "4:</r>".into(),
            ]
        );
        for cut in 0..doc.len() {
            let (a, b) = doc.as_bytes().split_at(cut);
            assert_eq!(tokens(&[a, b]), whole, "cut at {cut}");
        }
    }

    #[test]
    fn garbled_tags_are_reported() {
        assert_eq!(
            tokens(&[b"<a b=>"]),
            vec!["1:bad malformed tag".to_string()]
        );
    }

    #[test]
    fn entities() {
        assert_eq!(unescape("a&lt;b&#62;&#x41;&bogus;&"), "a<b>A&bogus;&");
        assert_eq!(unescape("plain"), "plain");
    }
}
