//! Helpers shared by the readers of tools' console output (text pasted from
//! a terminal or a CI log): colour codes, and choosing among several runs.

use std::borrow::Cow;

use crate::decoder::{strip_bom, trim_ascii};
use crate::lines::Line;

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

/// One console line as text: BOM (first line), colours and surrounding
/// whitespace removed, invalid UTF-8 replaced (labels may quote anything).
/// `None` for a line too long to keep.
pub fn text_line(n: u64, line: Line<'_>) -> Option<String> {
    let bytes = match line {
        Line::Text(t) => t,
        Line::TooLong => return None,
    };
    let bytes = if n == 1 { strip_bom(bytes) } else { bytes };
    let text = String::from_utf8_lossy(trim_ascii(bytes));
    Some(strip_ansi(&text).trim().to_string())
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
}
