//! Just enough JavaScript to read `options.thresholds` out of a k6 script:
//! object and array literals, strings (template literals without `${}`),
//! comments, and a `thresholds: name` that refers to a `const name = {…}`
//! declared in the same file, plus later `name['key'] = [...]` assignments.
//! Anything computed (a `${}` in a key, a `[expr]` key, a spread) is reported,
//! never guessed.

/// A literal value as written.
#[derive(Debug, Clone, PartialEq)]
pub enum JsValue {
    Str(String),
    Array(Vec<JsValue>),
    /// Entries in order; a key that cannot be known without running the
    /// script (computed, or a template with `${}`) is `Err(source text)`.
    Object(Vec<(Result<String, String>, JsValue)>),
    /// Numbers, booleans, identifiers, calls…: kept as source text.
    Other(String),
}

/// Removes `//` and `/* */` comments, keeping strings intact and byte
/// positions meaningful only for messages.
pub fn strip_comments(src: &str) -> String {
    let mut out = String::with_capacity(src.len());
    let mut chars = src.chars().peekable();
    let mut quote: Option<char> = None;
    while let Some(c) = chars.next() {
        if let Some(q) = quote {
            out.push(c);
            if c == '\\' {
                if let Some(n) = chars.next() {
                    out.push(n);
                }
            } else if c == q {
                quote = None;
            }
            continue;
        }
        match c {
            '"' | '\'' | '`' => {
                quote = Some(c);
                out.push(c);
            }
            '/' if chars.peek() == Some(&'/') => {
                for n in chars.by_ref() {
                    if n == '\n' {
                        out.push('\n');
                        break;
                    }
                }
            }
            '/' if chars.peek() == Some(&'*') => {
                chars.next();
                let mut prev = ' ';
                for n in chars.by_ref() {
                    if prev == '*' && n == '/' {
                        break;
                    }
                    if n == '\n' {
                        out.push('\n');
                    }
                    prev = n;
                }
                out.push(' ');
            }
            c => out.push(c),
        }
    }
    out
}

/// Reads literal values from a comment-free source.
pub struct Reader<'a> {
    s: &'a str,
    pub i: usize,
}

fn is_ident(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || c == '$'
}

impl<'a> Reader<'a> {
    pub fn new(s: &'a str, i: usize) -> Reader<'a> {
        Reader { s, i }
    }

    fn peek(&self) -> Option<char> {
        self.s[self.i..].chars().next()
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.i += c.len_utf8();
        Some(c)
    }

    fn ws(&mut self) {
        while self.peek().is_some_and(char::is_whitespace) {
            self.bump();
        }
    }

    /// Line number of the current position (1-based), for messages.
    pub fn line(&self) -> usize {
        self.s[..self.i].matches('\n').count() + 1
    }

    /// The 1-based column (in characters) of the reader on its line.
    pub fn column(&self) -> usize {
        let start = self.s[..self.i].rfind('\n').map_or(0, |n| n + 1);
        self.s[start..self.i].chars().count() + 1
    }

    fn string(&mut self) -> Result<Result<String, String>, String> {
        let start = self.i;
        let q = self.bump().ok_or("unexpected end")?;
        let mut out = String::new();
        let mut interpolated = false;
        loop {
            let c = self
                .bump()
                .ok_or_else(|| format!("unterminated string on line {}", self.line()))?;
            match c {
                '\\' => {
                    let n = self.bump().ok_or("unterminated string")?;
                    out.push(match n {
                        'n' => '\n',
                        't' => '\t',
                        other => other,
                    });
                }
                '$' if q == '`' && self.peek() == Some('{') => {
                    interpolated = true;
                    out.push('$');
                }
                c if c == q => break,
                c => out.push(c),
            }
        }
        Ok(if interpolated {
            Err(self.s[start..self.i].to_string())
        } else {
            Ok(out)
        })
    }

    /// Skips a balanced expression up to (not including) `,` `}` `]` or `;` at depth 0.
    fn skip_expression(&mut self) -> String {
        let start = self.i;
        let mut depth = 0i32;
        while let Some(c) = self.peek() {
            match c {
                '"' | '\'' | '`' => {
                    let _ = self.string();
                    continue;
                }
                '(' | '[' | '{' => depth += 1,
                ')' | ']' | '}' if depth == 0 => break,
                ')' | ']' | '}' => depth -= 1,
                ',' | ';' if depth == 0 => break,
                _ => {}
            }
            self.bump();
        }
        self.s[start..self.i].trim().to_string()
    }

    /// One value.
    pub fn value(&mut self) -> Result<JsValue, String> {
        self.ws();
        match self.peek() {
            Some('"' | '\'' | '`') => Ok(match self.string()? {
                Ok(s) => JsValue::Str(s),
                Err(src) => JsValue::Other(src),
            }),
            Some('[') => {
                self.bump();
                let mut items = Vec::new();
                loop {
                    self.ws();
                    match self.peek() {
                        Some(']') => {
                            self.bump();
                            return Ok(JsValue::Array(items));
                        }
                        Some(',') => {
                            self.bump();
                        }
                        None => return Err("unterminated array".into()),
                        _ => items.push(self.value()?),
                    }
                }
            }
            Some('{') => {
                self.bump();
                let mut entries = Vec::new();
                loop {
                    self.ws();
                    let key = match self.peek() {
                        Some('}') => {
                            self.bump();
                            return Ok(JsValue::Object(entries));
                        }
                        Some(',') => {
                            self.bump();
                            continue;
                        }
                        None => return Err("unterminated object".into()),
                        Some('"' | '\'' | '`') => self.string()?,
                        Some('[') => {
                            let start = self.i;
                            self.bump();
                            let _ = self.skip_expression();
                            self.ws();
                            if self.peek() == Some(']') {
                                self.bump();
                            }
                            Err(self.s[start..self.i].to_string())
                        }
                        Some('.') => {
                            let src = self.skip_expression();
                            entries.push((Err(src), JsValue::Other(String::new())));
                            continue;
                        }
                        Some(_) => {
                            let start = self.i;
                            while self.peek().is_some_and(is_ident) {
                                self.bump();
                            }
                            if self.i == start {
                                return Err(format!(
                                    "unexpected `{}` on line {}",
                                    self.peek().unwrap_or(' '),
                                    self.line()
                                ));
                            }
                            Ok(self.s[start..self.i].to_string())
                        }
                    };
                    self.ws();
                    if self.peek() == Some(':') {
                        self.bump();
                        let v = self.value()?;
                        entries.push((key, v));
                    } else {
                        // Shorthand `{ th }`: a reference we cannot follow here.
                        let name = key.clone().unwrap_or_else(|e| e);
                        entries.push((key, JsValue::Other(name)));
                    }
                }
            }
            Some(c) => {
                let start = self.i;
                let src = self.skip_expression();
                // A closing bracket where a value belongs (`[ ) ]`): stop here,
                // or the array or object around it would loop forever.
                if self.i == start {
                    return Err(format!("unexpected `{c}` on line {}", self.line()));
                }
                Ok(JsValue::Other(src))
            }
            None => Err("unexpected end of the script".into()),
        }
    }
}

/// Byte offsets of `word` as a whole identifier outside strings.
pub fn find_identifier(src: &str, word: &str) -> Vec<usize> {
    let mut out = Vec::new();
    let bytes = src.as_bytes();
    let mut quote: Option<u8> = None;
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        if let Some(q) = quote {
            if c == b'\\' {
                i += 2;
                continue;
            }
            if c == q {
                quote = None;
            }
            i += 1;
            continue;
        }
        if c == b'"' || c == b'\'' || c == b'`' {
            quote = Some(c);
            i += 1;
            continue;
        }
        // Bytes, not `src[i..]`: `i` may sit inside a multi-byte character
        // (an escape skips two bytes). A match of the ASCII `word` starts on
        // a character boundary, so slicing around it is safe.
        if bytes[i..].starts_with(word.as_bytes()) {
            let before = src[..i].chars().next_back().is_some_and(is_ident);
            let after = src[i + word.len()..].chars().next().is_some_and(is_ident);
            if !before && !after {
                out.push(i);
                i += word.len();
                continue;
            }
        }
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_are_found_in_any_text() {
        // Found by fuzzing: a multi-byte character used to panic the search.
        assert_eq!(find_identifier("a → options", "options"), vec![6]);
        assert_eq!(find_identifier("'\\→' options", "options"), vec![7]);
        assert!(find_identifier("→→", "x").is_empty());
    }

    #[test]
    fn a_stray_closing_bracket_is_an_error_not_an_endless_array() {
        // Found by fuzzing: `[ ) ]` pushed empty values forever.
        for src in ["[ ) ]", "{ a: [1, ) ] }", "{ a: ) }"] {
            let err = Reader::new(src, 0).value().err();
            assert_eq!(err.as_deref(), Some("unexpected `)` on line 1"), "{src}");
        }
    }

    #[test]
    fn reads_literals_with_comments_and_odd_keys() {
        let src = strip_comments(
            r#"{ 'a': ["x<1", /* no */ {threshold: "y>2", abortOnFail: true}], // c
                b: `t`, [`k${x}`]: ['z'], "q\"q": 1, }"#,
        );
        let v = Reader::new(&src, 0)
            .value()
            .unwrap_or_else(|e| panic!("{e}"));
        let JsValue::Object(entries) = v else {
            panic!()
        };
        assert_eq!(entries[0].0, Ok("a".into()));
        assert_eq!(entries[1], (Ok("b".into()), JsValue::Str("t".into())));
        assert!(entries[2].0.is_err());
        assert_eq!(entries[3].0, Ok("q\"q".into()));
    }

    #[test]
    fn finds_whole_identifiers_outside_strings() {
        let src = "const th = 1; 'th'; other_th; th[";
        assert_eq!(find_identifier(src, "th"), vec![6, 30]);
    }
}
