//! Helpers shared by the readers of tools' console output (text pasted from
//! a terminal or a CI log): colour codes, CI log prefixes, choosing among
//! several runs, and the line driver they all read through: a reader
//! implements [`ConsoleFormat`] (what one cleaned line means, and how the
//! summary is chosen at the end) and [`console_reader`] makes it a decoder on
//! the row pipeline ([`RowReader`]).

use std::borrow::Cow;

use crate::decoder::{strip_bom, Decoder, FormatSpec};
use crate::error::{IngestError, Position};
use crate::format::Format;
use crate::formats::shared::rows::{Blank, NotUtf8, Records, Row, RowFormat, RowReader};
use crate::options::IngestOptions;
use crate::run::Run;

/// Removes ANSI escape sequences (`ESC [ … letter`, and two-byte `ESC X`),
/// which coloured output and CI logs keep.
pub fn strip_ansi(text: &str) -> Cow<'_, str> {
    if !text.contains('\u{1b}') {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\u{1b}' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('[') => {
                // Parameters and intermediates, then one final byte in @..~.
                for c in chars.by_ref() {
                    if ('@'..='~').contains(&c) {
                        break;
                    }
                }
            }
            Some(']') => {
                // Operating-system command, ended by BEL or ESC \.
                while let Some(c) = chars.next() {
                    if c == '\u{7}' {
                        break;
                    }
                    if c == '\u{1b}' {
                        chars.next();
                        break;
                    }
                }
            }
            _ => {}
        }
    }
    Cow::Owned(out)
}

/// `n` ASCII digits at the start of `s` → the rest.
fn digits(s: &[u8], n: usize) -> Option<&[u8]> {
    (s.len() >= n && s[..n].iter().all(u8::is_ascii_digit)).then(|| &s[n..])
}

/// `HH:MM:SS` with optional `.fraction` → the rest.
fn clock(s: &[u8]) -> Option<&[u8]> {
    let s = digits(s, 2)?.strip_prefix(b":")?;
    let s = digits(s, 2)?.strip_prefix(b":")?;
    let mut s = digits(s, 2)?;
    if let Some(f) = s.strip_prefix(b".") {
        let n = f.iter().take_while(|b| b.is_ascii_digit()).count();
        if n == 0 {
            return None;
        }
        s = &f[n..];
    }
    Some(s)
}

/// An RFC 3339 timestamp (`2024-05-01T10:00:00.1234567Z`, `…+02:00`, or
/// without a zone) → the rest.
fn rfc3339(s: &[u8]) -> Option<&[u8]> {
    let s = digits(s, 4)?.strip_prefix(b"-")?;
    let s = digits(s, 2)?.strip_prefix(b"-")?;
    let s = digits(s, 2)?.strip_prefix(b"T")?;
    let s = clock(s)?;
    if let Some(rest) = s.strip_prefix(b"Z") {
        return Some(rest);
    }
    if let Some(zone) = s.strip_prefix(b"+").or_else(|| s.strip_prefix(b"-")) {
        let z = digits(zone, 2)?.strip_prefix(b":")?;
        return digits(z, 2);
    }
    Some(s)
}

/// GitLab's section marker (`section_start:1714557600:step_script[collapsed=true]`
/// then `\r`, its `ESC[0K` already removed) → the rest.
fn gitlab_section(s: &[u8]) -> Option<&[u8]> {
    let s = s
        .strip_prefix(b"section_start:")
        .or_else(|| s.strip_prefix(b"section_end:"))?;
    let n = s.iter().take_while(|b| b.is_ascii_digit()).count();
    let s = s.get(n..)?.strip_prefix(b":").filter(|_| n > 0)?;
    let name = s
        .iter()
        .take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'))
        .count();
    let mut s = &s[name..];
    if s.first() == Some(&b'[') {
        let close = s.iter().position(|&b| b == b']')?;
        s = &s[close + 1..];
    }
    Some(s.strip_prefix(b"\r").unwrap_or(s))
}

/// One prefix a CI system writes before a log line → the rest, or `None`.
fn ci_prefix(s: &[u8]) -> Option<&[u8]> {
    if let Some(rest) = gitlab_section(s) {
        return Some(rest);
    }
    // Jenkins timestamper in a pipeline: `[2024-05-01T10:00:00.123Z] `, or `[10:00:00] `.
    if let Some(inner) = s.strip_prefix(b"[") {
        let rest = rfc3339(inner).or_else(|| clock(inner))?;
        return rest.strip_prefix(b"] ").or_else(|| rest.strip_prefix(b"]"));
    }
    if let Some(rest) = rfc3339(s) {
        // GitLab runner 17+: `2024-05-01T10:00:00.123456Z 00O ` (stream and
        // type, `+` for the rest of a line); GitHub Actions / Azure: one space.
        // An empty line keeps only its prefix, whose space trimming removed.
        if rest.is_empty() {
            return Some(rest);
        }
        let rest = rest.strip_prefix(b" ")?;
        if let [a, b, b'O' | b'E', more @ ..] = rest {
            if a.is_ascii_hexdigit() && b.is_ascii_hexdigit() {
                match more {
                    [] => return Some(more),
                    [b' ' | b'+', more @ ..] => return Some(more),
                    _ => {}
                }
            }
        }
        return Some(rest);
    }
    // Jenkins' classic timestamper: `10:00:00 ` (a space, not a colon, follows).
    let rest = clock(s)?;
    if rest.is_empty() {
        return Some(rest);
    }
    rest.strip_prefix(b" ")
}

/// Removes what CI systems put before each line of a job log: GitHub Actions
/// and Azure timestamps (`2024-05-01T10:00:00.1234567Z `), GitLab's
/// timestamps (`… 00O `) and section markers, Jenkins' timestamper
/// (`[2024-05-01T10:00:00.123Z] `, `[10:00:00] `, `10:00:00 `). Colours are
/// removed first (`strip_ansi`), since GitLab puts `ESC[0K` around markers.
/// A line without such a prefix is returned as it is.
pub fn strip_ci_prefix(line: &str) -> &str {
    let mut s = line.as_bytes();
    // A timestamp and a section marker may both lead one line.
    for _ in 0..3 {
        match ci_prefix(s) {
            Some(rest) => s = rest,
            None => break,
        }
    }
    // Every prefix is ASCII and ends on an ASCII byte, so this is a char boundary.
    &line[line.len() - s.len()..]
}

/// A console line cleaned for reading: colours and CI log prefixes removed,
/// surrounding whitespace trimmed.
pub fn clean(line: &str) -> Cow<'_, str> {
    match strip_ansi(line) {
        Cow::Borrowed(l) => Cow::Borrowed(strip_ci_prefix(l).trim()),
        Cow::Owned(l) => Cow::Owned(strip_ci_prefix(&l).trim().to_string()),
    }
}

/// The cleaned lines of a sniffed prefix (BOM removed; lines that are not
/// UTF-8, as the cut last line may be, are left out).
pub fn sniff_lines(prefix: &[u8]) -> impl Iterator<Item = Cow<'_, str>> {
    strip_bom(prefix)
        .split(|&b| b == b'\n')
        .filter_map(|l| std::str::from_utf8(l).ok())
        .map(clean)
}

/// File names console text is saved under: a terminal capture, a CI log,
/// notes in Markdown (hints only: content decides).
pub const CONSOLE_EXTENSIONS: &[&str] = &[".txt", ".log", ".md"];

/// The registry entry of a console reader: a tool summary, tried after the
/// formats of files tools write, since a log or note may quote those. Each
/// input is read by a fresh `F` ([`console_reader`]).
pub const fn console_spec<F: ConsoleFormat + Default + 'static>(
    format: Format,
    description: &'static str,
    extensions: &'static [&'static str],
    sniff: fn(&[u8], bool) -> bool,
) -> FormatSpec {
    FormatSpec {
        format,
        description,
        raw_samples: false,
        sniff,
        priority: 50,
        extensions,
        new_decoder: new_console_decoder::<F>,
    }
}

/// [`console_spec`] for a summary that may be found in a log or notes
/// ([`CONSOLE_EXTENSIONS`]).
pub const fn log_spec<F: ConsoleFormat + Default + 'static>(
    format: Format,
    description: &'static str,
    sniff: fn(&[u8], bool) -> bool,
) -> FormatSpec {
    console_spec::<F>(format, description, CONSOLE_EXTENSIONS, sniff)
}

fn new_console_decoder<F: ConsoleFormat + Default + 'static>(
    _: &IngestOptions,
) -> Box<dyn Decoder> {
    Box::new(console_reader(F::default()))
}

/// What a reader of console output does with its lines.
pub trait ConsoleFormat {
    /// What becomes of a line that is not UTF-8: by default read with
    /// U+FFFD, since labels and error messages may quote anything.
    const NOT_UTF8: NotUtf8 = NotUtf8::Replace;

    /// Line `n`, cleaned ([`clean`]: BOM, colours, CI log prefixes and
    /// surrounding whitespace removed); blank lines too.
    fn line(&mut self, run: &mut Run, n: u64, text: &str);

    /// Line `n` was too long to keep: by default passed over, as the tools'
    /// own lines are short.
    fn too_long(&mut self, _run: &mut Run, _n: u64) {}

    /// End of input (`lines` lines in all): choose the summary, fill the run.
    fn finish(&mut self, run: &mut Run, lines: u64) -> Result<(), IngestError>;
}

/// The decoder of a console format: its lines one by one, quotes read as text.
pub fn console_reader<F: ConsoleFormat>(format: F) -> RowReader<Console<F>> {
    RowReader::new(Console(format))
        .with_records(Records::Lines)
        .with_blank(Blank::Keep)
        .with_not_utf8(F::NOT_UTF8)
}

/// A [`ConsoleFormat`] on the row pipeline: cleans each line before handing it on.
#[derive(Debug, Default)]
pub struct Console<F>(pub F);

impl<F: ConsoleFormat> RowFormat for Console<F> {
    fn row(&mut self, run: &mut Run, row: Row<'_>) {
        let text = clean(row.text.trim_matches(|c: char| c.is_ascii_whitespace()));
        self.0.line(run, row.line, &text);
    }

    fn too_long(&mut self, run: &mut Run, line: u64) {
        self.0.too_long(run, line);
    }

    fn finish(&mut self, run: &mut Run, lines: u64) -> Result<(), IngestError> {
        self.0.finish(run, lines)
    }
}

/// Of several summaries in one text, the one to read: the last complete
/// one, or else the last one cut short.
#[derive(Debug)]
pub struct Latest<B> {
    complete: Option<B>,
    cut: Option<B>,
}

impl<B> Default for Latest<B> {
    fn default() -> Self {
        Latest {
            complete: None,
            cut: None,
        }
    }
}

impl<B> Latest<B> {
    /// A summary that ended, whole (`complete`) or cut short.
    pub fn keep(&mut self, block: B, complete: bool) {
        if complete {
            self.complete = Some(block);
            self.cut = None;
        } else {
            self.cut = Some(block);
        }
    }

    /// The summary to read, and whether it was cut short.
    pub fn take(&mut self) -> Option<(B, bool)> {
        match (self.complete.take(), self.cut.take()) {
            (Some(b), _) => Some((b, false)),
            (None, Some(b)) => Some((b, true)),
            (None, None) => None,
        }
    }

    /// [`Latest::take`], with the warning naming the others when the text
    /// held several (`starts`; `line` tells where a summary began), or the
    /// [`no_summary`] error (at `first`, saying `missing`) when there is none.
    pub fn read(
        &mut self,
        run: &mut Run,
        tool: &str,
        starts: &[u64],
        first: Option<u64>,
        line: impl Fn(&B) -> u64,
        missing: &str,
    ) -> Result<(B, bool), IngestError> {
        let Some((block, cut)) = self.take() else {
            return Err(no_summary(run, first, missing));
        };
        if let Some(w) = several_runs_warning(tool, starts, line(&block)) {
            run.warn(w);
        }
        Ok((block, cut))
    }
}

/// The error for a text that holds no summary the reader can use: at the
/// line where the first (incomplete) one began, or else anywhere in the text.
pub fn no_summary(run: &Run, first: Option<u64>, reason: impl Into<String>) -> IngestError {
    IngestError::Malformed {
        source_name: run.source.clone(),
        format: run.format.as_str(),
        position: match first {
            Some(line) => Position::Line { line },
            None => Position::Part {
                part: "anywhere in the text",
            },
        },
        reason: reason.into(),
    }
}

/// The warning that says which of several summaries in one log was read.
pub fn several_runs_warning(tool: &str, starts: &[u64], read: u64) -> Option<String> {
    if starts.len() < 2 {
        return None;
    }
    const LISTED: usize = 10;
    let mut listed: Vec<String> = starts.iter().take(LISTED).map(u64::to_string).collect();
    if starts.len() > LISTED {
        listed.push("…".into());
    }
    Some(format!(
        "the text holds {} {tool} summaries (at lines {}); read the one at line {read}, the last complete one",
        starts.len(),
        listed.join(", ")
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_colours() {
        assert_eq!(
            strip_ansi("\u{1b}[32m✓\u{1b}[0m http_reqs\u{1b}[2m...:\u{1b}[0m 5"),
            "✓ http_reqs...: 5"
        );
        assert_eq!(strip_ansi("\u{1b}]0;title\u{7}x"), "x");
        assert_eq!(strip_ansi("plain"), "plain");
        assert_eq!(strip_ansi("cut \u{1b}["), "cut ");
    }

    #[test]
    fn strips_ci_log_prefixes() {
        for line in [
            "2024-05-01T10:00:00.1234567Z   Success rate:\t100.00%",
            "2024-05-01T10:00:00.123456Z 00O   Success rate:\t100.00%",
            "2024-05-01T10:00:00.123456Z 01E+  Success rate:\t100.00%",
            "[2024-05-01T10:00:00.123Z]   Success rate:\t100.00%",
            "[10:00:00]   Success rate:\t100.00%",
            "10:00:00   Success rate:\t100.00%",
            "\u{1b}[0Ksection_start:1714557600:step_script[collapsed=true]\r\u{1b}[0K  Success rate:\t100.00%",
            "2024-05-01T10:00:00+02:00 \u{1b}[32m  Success rate:\t100.00%\u{1b}[0m",
        ] {
            assert_eq!(clean(line), "Success rate:\t100.00%", "{line:?}");
        }
        // Content that only looks like a prefix stays.
        for line in [
            "summary =  14087 in 00:00:47 = 299.6/s",
            "[2024-05-01 10:00:00,123] host/INFO/locust.main: Run time limit set",
            "10:00:00(+0000) Phase started",
            "2024-05-01 10:00:00,123 INFO o.a.j.r.Summariser: summary +",
            "section_start:notanumber",
        ] {
            assert_eq!(clean(line), line, "{line:?}");
        }
        // An empty log line, its trailing space trimmed.
        assert_eq!(clean("2024-05-01T10:00:00.1Z"), "");
        assert_eq!(clean("2024-05-01T10:00:00.123456Z 00O"), "");
        assert_eq!(clean("2024-05-01T10:00:00.1Zx"), "2024-05-01T10:00:00.1Zx");
    }
}
