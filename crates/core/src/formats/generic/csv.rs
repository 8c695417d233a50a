//! Any CSV of one row per request, read through a column mapping the user
//! gives (in the app, or with `verdict summary --csv-latency COL …`):
//!
//! ```text
//! ts,elapsed_ms,endpoint,code
//! 1795311228.120,13.1,GET /api/items,200
//! ```
//!
//! There is no upstream: this is the way in for tools Verdict has no reader
//! for. Detection never picks it; it is used when a mapping is given (or the
//! format is forced to `generic-csv`). A CSV nothing else recognises fails
//! with [`IngestError::UnrecognisedCsv`], which lists its columns so the user
//! (or the app's mapping form) can map them.
//!
//! Rules, all stated in `docs/formats/generic-csv.md`:
//! - A column is named by its header or by its 1-based position. A name that
//!   matches no header but is a number is taken as a position.
//! - The first row is a header when any mapped column is a name, or when its
//!   latency cell is not a number.
//! - The separator is whichever of `,` `;` TAB `|` splits the first row most.
//! - Latency is a number in the given unit (s, ms, us, ns).
//! - Timestamps are in the given unit (s, ms, us, ns, rfc3339), or, without
//!   one, guessed per value (RFC 3339 text, else unix time whose digit count
//!   gives the unit) with a warning. Numbers below 2001-09-09 in µs are taken
//!   as offsets from the test start. The timestamp marks the request start
//!   unless the mapping says `end`.
//! - A request failed when its success cell says so (`false`, `0`, `no`,
//!   `ko`, `fail`, `failed`, `failure`, `error`); without a success column,
//!   when its status is 0, ≥ 400 or not a number (a status cell holding a
//!   success word counts as that word). With neither column nothing failed.

use std::borrow::Cow;

use crate::decoder::{strip_bom, Decoder, FormatSpec};
use crate::error::{IngestError, Position};
use crate::format::Format;
use crate::formats::shared::csv::{split_fields, Fields};
use crate::formats::shared::decimal::Decimal;
use crate::formats::shared::rows::{Row, RowFormat, RowReader};
use crate::options::{CsvColumn, CsvMapping, IngestOptions, TimestampMarks, TimestampUnit};
use crate::run::{Request, Run};
use crate::time::{parse_rfc3339, Micros};

/// Registry entry. Never detected: used when a mapping is given.
pub const SPEC: FormatSpec = FormatSpec {
    format: Format::GenericCsv,
    description:
        "any CSV with one row per request, read through a column mapping (--csv-latency …)",
    raw_samples: true,
    sniff: |_, _| false,
    priority: 255,
    extensions: &[],
    new_decoder,
};

/// Endpoint name when no label column is mapped (or its cell is empty).
pub const ALL_REQUESTS: &str = "(all requests)";
/// Columns listed in the error for an unrecognised CSV.
const MAX_LISTED_COLUMNS: usize = 60;
/// Unix time in µs below which numeric timestamps are offsets (2001-09-09).
const ABSOLUTE_FROM_US: i64 = 1_000_000_000_000_000;

/// The separator that splits `line` into the most fields (outside quotes).
fn separator(line: &str) -> u8 {
    let mut best = (b',', 0usize);
    for sep in [b',', b';', b'\t', b'|'] {
        let mut in_quotes = false;
        let mut n = 0;
        for &b in line.as_bytes() {
            if b == b'"' {
                in_quotes = !in_quotes;
            } else if b == sep && !in_quotes {
                n += 1;
            }
        }
        if n > best.1 {
            best = (sep, n);
        }
    }
    best.0
}

/// Rows compared to decide that a prefix is a CSV.
const SNIFF_ROWS: usize = 10;

/// The columns of a prefix that looks like a CSV, to explain a CSV no format
/// recognised: at least two complete rows, all with the same number (≥ 2) of
/// fields, and either three or more fields or a text header over rows that
/// hold numbers (so that log lines with a stray comma do not qualify). The
/// header's names, or for a file without a header `column N (e.g. value)`.
pub fn header_columns(prefix: &[u8], eof: bool) -> Option<Vec<String>> {
    let prefix = strip_bom(prefix);
    let text = std::str::from_utf8(prefix).ok().or_else(|| {
        // A multi-byte character may be cut at the end of the look-ahead.
        let valid = std::str::from_utf8(prefix).err()?.valid_up_to();
        std::str::from_utf8(&prefix[..valid]).ok()
    })?;
    let complete = if eof {
        text
    } else {
        &text[..text.rfind('\n')?]
    };
    let lines: Vec<&str> = complete
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .take(SNIFF_ROWS)
        .collect();
    let first = *lines.first()?;
    let sep = separator(first);
    let mut rows: Vec<Vec<String>> = Vec::new();
    for line in &lines {
        let mut fields: Vec<Cow<'_, str>> = Vec::new();
        split_fields(line, sep, &mut fields)?;
        rows.push(fields.iter().map(|f| f.trim().to_string()).collect());
    }
    let width = rows[0].len();
    if rows.len() < 2 || width < 2 || rows.iter().any(|r| r.len() != width) {
        return None;
    }
    let numeric = |f: &String| Decimal::parse(f).is_some();
    let header = rows[0].iter().all(|f| !numeric(f));
    let data_has_numbers = rows[1..].iter().all(|r| r.iter().any(numeric));
    if width < 3 && !(header && data_has_numbers) {
        return None;
    }
    Some(if header {
        rows.swap_remove(0)
    } else {
        rows[0]
            .iter()
            .enumerate()
            .map(|(i, v)| {
                let example: String = v.chars().take(24).collect();
                format!("column {} (e.g. {example})", i + 1)
            })
            .collect()
    })
}

/// The error for a CSV without a mapping.
pub fn unrecognised(source: &str, mut columns: Vec<String>) -> IngestError {
    if columns.len() > MAX_LISTED_COLUMNS {
        columns.truncate(MAX_LISTED_COLUMNS);
        columns.push("…".into());
    }
    IngestError::UnrecognisedCsv {
        source_name: source.to_string(),
        columns,
    }
}

fn new_decoder(options: &IngestOptions) -> Box<dyn Decoder> {
    Box::new(GenericCsvDecoder {
        rows: RowReader::new(GenericRows {
            mapping: options.csv_mapping.clone(),
            ..GenericRows::default()
        }),
    })
}

#[derive(Debug, Clone, Copy)]
struct Columns {
    latency: usize,
    timestamp: Option<usize>,
    label: Option<usize>,
    status: Option<usize>,
    success: Option<usize>,
}

/// Streaming decoder for a mapped CSV.
#[derive(Debug, Default)]
pub struct GenericCsvDecoder {
    rows: RowReader<GenericRows>,
}

/// The per-row part of the decoder.
#[derive(Debug, Default)]
struct GenericRows {
    mapping: Option<CsvMapping>,
    separator: Option<u8>,
    columns: Option<Columns>,
    guessed_unit: Option<TimestampUnit>,
    relative: Option<bool>,
    fatal: Option<IngestError>,
}

/// Reads a success cell.
fn success_word(cell: &str) -> Option<bool> {
    match cell.trim().to_ascii_lowercase().as_str() {
        "true" | "1" | "yes" | "y" | "ok" | "pass" | "passed" | "success" | "succeeded" => {
            Some(true)
        }
        "false" | "0" | "no" | "n" | "ko" | "fail" | "failed" | "failure" | "error" => Some(false),
        _ => None,
    }
}

/// A timestamp in µs (absolute, or an offset when it is small), and the unit used.
fn timestamp_us(cell: &str, unit: Option<TimestampUnit>) -> Option<(Micros, TimestampUnit)> {
    let cell = cell.trim();
    let unit = match unit {
        Some(u) => u,
        None if parse_rfc3339(cell.as_bytes()).is_some() => TimestampUnit::Rfc3339,
        None => {
            let digits = cell.trim_start_matches(['-', '+']).split('.').next()?.len();
            match digits {
                0..=11 => TimestampUnit::Seconds,
                12..=14 => TimestampUnit::Millis,
                15..=17 => TimestampUnit::Micros,
                _ => TimestampUnit::Nanos,
            }
        }
    };
    let pow10 = match unit {
        TimestampUnit::Rfc3339 => return parse_rfc3339(cell.as_bytes()).map(|t| (t, unit)),
        TimestampUnit::Seconds => 6,
        TimestampUnit::Millis => 3,
        TimestampUnit::Micros => 0,
        TimestampUnit::Nanos => -3,
    };
    let us = Decimal::parse(cell)?.shift(pow10).to_f64();
    (us.is_finite() && us.abs() < 9e18).then(|| (us.round() as Micros, unit))
}

impl RowFormat for GenericRows {
    fn row(&mut self, run: &mut Run, mut row: Row<'_>) {
        let n = row.line;
        let sep = *self.separator.get_or_insert_with(|| separator(row.text));
        let Some(fields) = row.split(sep) else {
            return run.skip_line(n, "unbalanced quotes");
        };
        let cols = match self.columns {
            Some(cols) => cols,
            None => match self.resolve(&fields, n, run) {
                Ok((cols, is_header)) => {
                    self.columns = Some(cols);
                    if is_header {
                        return;
                    }
                    cols
                }
                Err(e) => {
                    self.fatal = Some(e);
                    return;
                }
            },
        };
        self.request(&fields, cols, n, run);
    }

    fn stopped(&self) -> bool {
        self.fatal.is_some()
    }
}

impl GenericRows {
    /// Maps columns from the first row, and tells whether that row is a header.
    fn resolve(
        &self,
        first: &Fields<'_>,
        n: u64,
        run: &Run,
    ) -> Result<(Columns, bool), IngestError> {
        let Some(m) = self.mapping.clone() else {
            return Err(unrecognised(
                &run.source,
                first.iter().map(|f| f.trim().to_string()).collect(),
            ));
        };
        let mapped = [
            Some(&m.latency),
            m.timestamp.as_ref(),
            m.label.as_ref(),
            m.status.as_ref(),
            m.success.as_ref(),
        ];
        let named = mapped
            .iter()
            .flatten()
            .any(|c| matches!(c, CsvColumn::Name(s) if s.parse::<usize>().is_err()));
        let position = |c: &CsvColumn| match c {
            CsvColumn::Position(p) => Some(*p),
            CsvColumn::Name(s) => s.parse::<usize>().ok(),
        };
        let latency_cell = position(&m.latency).and_then(|p| first.get(p.wrapping_sub(1)));
        let header = named || latency_cell.is_none_or(|c| Decimal::parse(c).is_none());
        let find = |c: &CsvColumn| -> Result<usize, IngestError> {
            let by_name = |s: &str| {
                first.iter().position(|f| f.trim() == s).or_else(|| {
                    first
                        .iter()
                        .position(|f| f.trim().eq_ignore_ascii_case(s.trim()))
                })
            };
            let found = match c {
                CsvColumn::Name(s) if header => {
                    by_name(s).or_else(|| position(c).map(|p| p.wrapping_sub(1)))
                }
                _ => position(c).map(|p| p.wrapping_sub(1)),
            };
            found
                .filter(|i| *i < first.len())
                .ok_or_else(|| IngestError::Malformed {
                    source_name: run.source.clone(),
                    format: run.format.as_str(),
                    position: Position::Line { line: n },
                    reason: format!(
                    "the mapping names {c}, which the CSV does not have; its {} columns are: {}",
                    first.len(),
                    first.iter().map(|f| f.trim()).collect::<Vec<_>>().join(", ")
                ),
                })
        };
        let cols = Columns {
            latency: find(&m.latency)?,
            timestamp: m.timestamp.as_ref().map(find).transpose()?,
            label: m.label.as_ref().map(find).transpose()?,
            status: m.status.as_ref().map(find).transpose()?,
            success: m.success.as_ref().map(find).transpose()?,
        };
        Ok((cols, header))
    }

    fn request(&mut self, fields: &Fields<'_>, cols: Columns, n: u64, run: &mut Run) {
        let Some(m) = self.mapping.as_ref() else {
            return;
        };
        let cell = |i: Option<usize>| {
            i.and_then(|i| fields.get(i))
                .map(|f| f.trim())
                .filter(|f| !f.is_empty())
        };
        let Some(duration_ms) = cell(Some(cols.latency))
            .and_then(Decimal::parse)
            .map(|d| d.shift(m.latency_unit.pow10_to_ms()).to_f64())
        else {
            return run.skip_line(n, "the latency cell is not a number");
        };
        let failed = match cell(cols.success) {
            Some(s) => match success_word(s) {
                Some(ok) => !ok,
                None => {
                    return run.skip_line(
                        n,
                        format!("success cell \"{s}\" is not true/false, 1/0, ok/ko, yes/no"),
                    )
                }
            },
            None if cols.success.is_some() => return run.skip_line(n, "the success cell is empty"),
            None => match cell(cols.status) {
                Some(s) => success_word(s).map_or_else(
                    || s.parse::<u16>().map_or(true, |c| c == 0 || c >= 400),
                    |ok| !ok,
                ),
                None => cols.status.is_some(),
            },
        };
        let end_us = match cols.timestamp {
            None => None,
            Some(_) => {
                let Some((t, unit)) =
                    cell(cols.timestamp).and_then(|c| timestamp_us(c, m.timestamp_unit))
                else {
                    return run.skip_line(n, "the timestamp cell is not a time in the mapped unit");
                };
                if m.timestamp_unit.is_none() && self.guessed_unit.is_none() {
                    self.guessed_unit = Some(unit);
                    run.warn(format!(
                        "timestamps read as {} (guessed from the first one; give the timestamp unit if that is wrong)",
                        unit.describe()
                    ));
                }
                if self.relative.is_none() {
                    let relative = unit != TimestampUnit::Rfc3339 && t < ABSOLUTE_FROM_US;
                    self.relative = Some(relative);
                    if relative {
                        run.set_relative_time();
                        run.warn("timestamps are small numbers: read as offsets from the test start (no wall-clock start)");
                    }
                }
                let latency_us = (duration_ms * 1000.0).round().max(0.0) as Micros;
                Some(match m.timestamp_marks {
                    TimestampMarks::Start => t.saturating_add(latency_us),
                    TimestampMarks::End => t,
                })
            }
        };
        let status = cell(cols.status).unwrap_or(if failed { "failed" } else { "-" });
        run.request(&Request {
            end_us,
            duration_ms,
            failed,
            status,
            name: cell(cols.label).unwrap_or(ALL_REQUESTS),
            method: "",
            group: "",
            scenario: "",
        });
    }
}

impl Decoder for GenericCsvDecoder {
    fn feed(&mut self, bytes: &[u8], run: &mut Run) -> Result<(), IngestError> {
        self.rows.feed(bytes, run);
        let rows = &mut self.rows.format;
        match rows.fatal.take() {
            Some(e) => {
                rows.fatal = Some(e.clone());
                Err(e)
            }
            None => Ok(()),
        }
    }

    fn finish(&mut self, run: &mut Run) -> Result<(), IngestError> {
        self.rows.finish(run);
        match self.rows.format.fatal.take() {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn separators_and_header_columns() {
        assert_eq!(separator("a;b;c"), b';');
        assert_eq!(separator("a\tb,c\td"), b'\t');
        assert_eq!(separator("\"x;y\",b,c"), b',');
        assert_eq!(
            header_columns(b"ts,latency,\"end point\"\n1,2,3\n", true),
            Some(vec!["ts".into(), "latency".into(), "end point".into()])
        );
        assert_eq!(header_columns(b"just one column\n1\n", true), None);
        assert_eq!(
            header_columns(b"a,b\n1,2,3,4\n", true),
            None,
            "rows of another width: not a CSV"
        );
        assert_eq!(header_columns(b"Hello world\nmore", true), None);
    }

    #[test]
    fn timestamps_in_every_unit() {
        assert_eq!(
            timestamp_us("1795311228", None),
            Some((1_795_311_228_000_000, TimestampUnit::Seconds))
        );
        assert_eq!(
            timestamp_us("1795311228.5", None),
            Some((1_795_311_228_500_000, TimestampUnit::Seconds))
        );
        assert_eq!(
            timestamp_us("1795311228123", None),
            Some((1_795_311_228_123_000, TimestampUnit::Millis))
        );
        assert_eq!(
            timestamp_us("1795311228123456789", None),
            Some((1_795_311_228_123_457, TimestampUnit::Nanos))
        );
        assert_eq!(
            timestamp_us("2026-11-22T01:35:58Z", None).map(|t| t.1),
            Some(TimestampUnit::Rfc3339)
        );
        assert_eq!(
            timestamp_us("1500", Some(TimestampUnit::Millis)),
            Some((1_500_000, TimestampUnit::Millis))
        );
        assert_eq!(timestamp_us("soon", None), None);
    }

    #[test]
    fn success_words() {
        for ok in ["true", "1", "OK", "Success", "yes"] {
            assert_eq!(success_word(ok), Some(true), "{ok}");
        }
        for bad in ["false", "0", "KO", "error", "Failed"] {
            assert_eq!(success_word(bad), Some(false), "{bad}");
        }
        assert_eq!(success_word("maybe"), None);
    }

    #[test]
    fn mapping_json_is_what_the_app_sends() {
        let m: CsvMapping = serde_json::from_str(
            r#"{"latency":"elapsed","latency_unit":"ms","timestamp":1,"timestamp_unit":"rfc3339","success":"ok"}"#,
        )
        .expect("valid mapping");
        assert_eq!(m.latency, CsvColumn::Name("elapsed".into()));
        assert_eq!(m.timestamp, Some(CsvColumn::Position(1)));
        assert_eq!(m.timestamp_unit, Some(TimestampUnit::Rfc3339));
        assert_eq!(m.timestamp_marks, TimestampMarks::Start);
        assert!(
            serde_json::from_str::<CsvMapping>(r#"{"latency":"x"}"#).is_err(),
            "the unit is required"
        );
    }
}
