//! Streams one large JSON document in pieces: each top-level member's value,
//! except that a top-level array is handed out element by element (and a
//! document that is itself an array, element by element, with the key "").
//! A tool report such as Artillery's `{"aggregate": {…}, "intermediate":
//! [{…}, …]}` grows with the length of the run; read this way, memory holds
//! one piece at a time, not the document.
//!
//! Pieces are the raw bytes of one JSON value, to be parsed by the caller
//! (`serde_json::from_slice`). The splitter only tracks strings, escapes and
//! nesting; it does not validate what is inside a piece.

/// One complete piece of the document.
#[derive(Debug, PartialEq)]
pub enum Piece<'a> {
    /// The value of a top-level member that is not an array.
    Value { key: &'a str, bytes: &'a [u8] },
    /// One element of a top-level array member.
    Element {
        key: &'a str,
        index: usize,
        bytes: &'a [u8],
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
enum State {
    /// Before the opening `{`.
    #[default]
    Start,
    /// Inside the top object, expecting a key or `}`.
    Key,
    /// Inside a key string.
    KeyText,
    /// After a key, expecting `:`.
    Colon,
    /// After `:`, expecting the value.
    Value,
    /// Inside a top-level value (not an array), buffering it.
    InValue,
    /// Inside a top-level array, expecting an element or `]`.
    Element,
    /// Inside an array element, buffering it.
    InElement,
    /// After a value or array, expecting `,` or `}`.
    AfterValue,
    /// After the closing `}`.
    End,
}

/// Incremental splitter; feed chunks split anywhere.
#[derive(Debug, Default)]
pub struct JsonPieces {
    state: State,
    key: Vec<u8>,
    buf: Vec<u8>,
    depth: u32,
    in_string: bool,
    escaped: bool,
    index: usize,
    offset: u64,
    limit: usize,
    /// The document is an array, not an object.
    top_array: bool,
}

/// Why the document could not be split.
#[derive(Debug, Clone, PartialEq)]
pub struct SplitError {
    /// Byte offset in the document.
    pub offset: u64,
    pub reason: String,
}

impl JsonPieces {
    /// A splitter refusing pieces larger than `limit` bytes.
    pub fn with_limit(limit: usize) -> JsonPieces {
        JsonPieces {
            limit,
            ..JsonPieces::default()
        }
    }

    /// Whether the closing `}` was seen.
    #[allow(dead_code)] // Not called by the crate at present.
    pub fn complete(&self) -> bool {
        self.state == State::End
    }

    /// Whether the document ended inside a piece (as opposed to between pieces).
    pub fn inside_piece(&self) -> bool {
        matches!(self.state, State::InValue | State::InElement)
    }

    fn error(&self, reason: impl Into<String>) -> SplitError {
        SplitError {
            offset: self.offset,
            reason: reason.into(),
        }
    }

    fn key_text(&self) -> String {
        // Keys rarely hold escapes; decode them properly when they do.
        let mut quoted = Vec::with_capacity(self.key.len() + 2);
        quoted.push(b'"');
        quoted.extend_from_slice(&self.key);
        quoted.push(b'"');
        serde_json::from_slice::<String>(&quoted)
            .unwrap_or_else(|_| String::from_utf8_lossy(&self.key).into_owned())
    }

    fn push_byte(&mut self, b: u8) -> Result<(), SplitError> {
        if self.limit > 0 && self.buf.len() >= self.limit {
            return Err(self.error(format!(
                "one part of the document is larger than {} MB",
                self.limit >> 20
            )));
        }
        self.buf.push(b);
        Ok(())
    }

    /// Feeds bytes; calls `on_piece` for every piece completed.
    pub fn feed(
        &mut self,
        bytes: &[u8],
        mut on_piece: impl FnMut(Piece<'_>),
    ) -> Result<(), SplitError> {
        for &b in bytes {
            self.step(b, &mut on_piece)?;
            self.offset += 1;
        }
        Ok(())
    }

    /// Tracks strings and nesting inside a buffered piece. Returns true when
    /// the piece closed with this byte (for objects, arrays and strings).
    fn track(&mut self, b: u8) -> bool {
        if self.in_string {
            if self.escaped {
                self.escaped = false;
            } else if b == b'\\' {
                self.escaped = true;
            } else if b == b'"' {
                self.in_string = false;
                return self.depth == 0;
            }
            return false;
        }
        match b {
            b'"' => self.in_string = true,
            b'{' | b'[' => self.depth += 1,
            b'}' | b']' => {
                self.depth = self.depth.saturating_sub(1);
                return self.depth == 0;
            }
            _ => {}
        }
        false
    }

    fn step(&mut self, b: u8, on_piece: &mut impl FnMut(Piece<'_>)) -> Result<(), SplitError> {
        let ws = b.is_ascii_whitespace();
        match self.state {
            State::Start if ws || (self.offset < 3 && matches!(b, 0xEF | 0xBB | 0xBF)) => {}
            State::Start if b == b'{' => self.state = State::Key,
            State::Start if b == b'[' => {
                self.top_array = true;
                self.index = 0;
                self.state = State::Element;
            }
            State::Start => return Err(self.error("expected a JSON object or array")),
            State::Key if ws => {}
            State::Key if b == b'"' => {
                self.key.clear();
                self.state = State::KeyText;
            }
            State::Key if b == b'}' => self.state = State::End,
            State::Key => return Err(self.error("expected a member name")),
            State::KeyText => {
                if self.escaped {
                    self.escaped = false;
                    self.key.push(b);
                } else if b == b'\\' {
                    self.escaped = true;
                    self.key.push(b);
                } else if b == b'"' {
                    self.state = State::Colon;
                } else {
                    self.key.push(b);
                }
            }
            State::Colon if ws => {}
            State::Colon if b == b':' => self.state = State::Value,
            State::Colon => return Err(self.error("expected ':' after a member name")),
            State::Value if ws => {}
            State::Value if b == b'[' => {
                self.index = 0;
                self.state = State::Element;
            }
            State::Value => {
                self.buf.clear();
                self.depth = 0;
                self.state = State::InValue;
                return self.in_piece(b, on_piece);
            }
            State::InValue | State::InElement => return self.in_piece(b, on_piece),
            State::Element if ws || b == b',' => {}
            State::Element if b == b']' => {
                self.state = if self.top_array {
                    State::End
                } else {
                    State::AfterValue
                };
            }
            State::Element => {
                self.buf.clear();
                self.depth = 0;
                self.state = State::InElement;
                return self.in_piece(b, on_piece);
            }
            State::AfterValue if ws => {}
            State::AfterValue if b == b',' => self.state = State::Key,
            State::AfterValue if b == b'}' => self.state = State::End,
            State::AfterValue => return Err(self.error("expected ',' or '}' between members")),
            State::End if ws => {}
            State::End => return Err(self.error("unexpected data after the end of the document")),
        }
        Ok(())
    }

    fn in_piece(&mut self, b: u8, on_piece: &mut impl FnMut(Piece<'_>)) -> Result<(), SplitError> {
        let element = self.state == State::InElement;
        // A scalar piece ends at the delimiter that follows it, outside any nesting.
        let scalar_end = !self.in_string
            && self.depth == 0
            && !self.buf.is_empty()
            && (b == b','
                || b.is_ascii_whitespace()
                || (element && b == b']')
                || (!element && b == b'}'));
        if scalar_end && !matches!(self.buf.first(), Some(b'{' | b'[' | b'"')) {
            self.emit(on_piece);
            // Re-read the delimiter in the state that follows the piece.
            return self.step(b, on_piece);
        }
        self.push_byte(b)?;
        if self.track(b) {
            self.emit(on_piece);
        }
        Ok(())
    }

    fn emit(&mut self, on_piece: &mut impl FnMut(Piece<'_>)) {
        let key = self.key_text();
        let bytes = std::mem::take(&mut self.buf);
        if self.state == State::InElement {
            on_piece(Piece::Element {
                key: &key,
                index: self.index,
                bytes: &bytes,
            });
            self.index += 1;
            self.state = State::Element;
        } else {
            on_piece(Piece::Value {
                key: &key,
                bytes: &bytes,
            });
            self.state = State::AfterValue;
        }
        self.buf = bytes;
        self.buf.clear();
    }

    /// End of input: a document cut short is an error naming where.
    pub fn finish(&mut self, mut on_piece: impl FnMut(Piece<'_>)) -> Result<(), SplitError> {
        // A top-level scalar value may end at the end of input only if the document is cut.
        if self.inside_piece() && self.depth == 0 && !self.in_string && !self.buf.is_empty() {
            let first = self.buf.first().copied();
            if !matches!(first, Some(b'{' | b'[' | b'"')) {
                self.emit(&mut on_piece);
            }
        }
        match self.state {
            State::End => Ok(()),
            State::Start => Err(self.error("empty document")),
            _ if self.top_array => Err(self.error("the document ends before its closing ']'")),
            _ => Err(self.error("the document ends before its closing '}'")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(doc: &[u8], chunk: usize) -> (Vec<String>, Result<(), SplitError>) {
        let mut out = Vec::new();
        let mut p = JsonPieces::default();
        let mut record = |piece: Piece<'_>| {
            out.push(match piece {
                Piece::Value { key, bytes } => format!("{key}={}", String::from_utf8_lossy(bytes)),
                Piece::Element { key, index, bytes } => {
                    format!("{key}[{index}]={}", String::from_utf8_lossy(bytes))
                }
            })
        };
        for c in doc.chunks(chunk.max(1)) {
            if let Err(e) = p.feed(c, &mut record) {
                return (out, Err(e));
            }
        }
        let r = p.finish(&mut record);
        (out, r)
    }

    #[test]
    fn splits_members_and_array_elements_at_any_chunking() {
        let doc =
            br#"{"aggregate": {"a": "}{\"]", "b": [1, {"c": 2}]}, "n": 12.5, "s": "x,y", "t": true,
            "intermediate": [ {"p": 1}, [2, 3], "e\"", 4 , null ], "k\u00e9y": [], "last": {}}"#;
        let expected = vec![
            r#"aggregate={"a": "}{\"]", "b": [1, {"c": 2}]}"#.to_string(),
            "n=12.5".into(),
            r#"s="x,y""#.into(),
            "t=true".into(),
            r#"intermediate[0]={"p": 1}"#.into(),
            "intermediate[1]=[2, 3]".into(),
            r#"intermediate[2]="e\"""#.into(),
            "intermediate[3]=4".into(),
            "intermediate[4]=null".into(),
            "last={}".into(),
        ];
        for chunk in [1, 2, 7, 64, doc.len()] {
            let (pieces, r) = split(doc, chunk);
            assert_eq!(r, Ok(()), "chunk {chunk}");
            assert_eq!(pieces, expected, "chunk {chunk}");
        }
    }

    #[test]
    fn cut_and_broken_documents_are_errors_with_offsets() {
        let (pieces, r) = split(
            br#"{"aggregate": {"x": 1}, "intermediate": [{"p": 1}, {"p": 2"#,
            5,
        );
        assert_eq!(pieces.len(), 2, "what came before the cut is kept");
        assert!(r.is_err());
        let (pieces, r) = split(b" [1, {\"a\": [2]}] ", 3);
        assert_eq!(r, Ok(()));
        assert_eq!(pieces, ["[0]=1", "[1]={\"a\": [2]}"]);
        let (_, r) = split(b"5", 3);
        assert_eq!(r.expect_err("not an object").offset, 0);
        let (_, r) = split(br#"{"a" 1}"#, 3);
        assert_eq!(r.expect_err("no colon").offset, 5);
        let (_, r) = split(b"   ", 3);
        assert!(r.is_err());
        let mut small = JsonPieces::with_limit(4);
        assert!(small.feed(br#"{"a": "123456"}"#, |_| {}).is_err());
    }
}
