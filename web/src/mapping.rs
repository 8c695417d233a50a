//! The column-mapping form's data: what the user picked, as text, turned
//! into the core's [`CsvMapping`] (the same one `verdict summary --csv-…`
//! builds), plus first guesses from the column names. Pure, tested natively.

use verdict_core::options::{CsvColumn, CsvMapping, TimestampMarks, TimestampUnit};
use verdict_core::time::DurationUnit;

/// What the form holds. A column is its header name, its 1-based position
/// (a CSV without a header), or empty for "none".
#[derive(Debug, Clone, PartialEq)]
pub struct MappingDraft {
    pub latency: String,
    pub latency_unit: DurationUnit,
    pub timestamp: String,
    /// `None`: guessed from each value, as the CLI does without a unit.
    pub timestamp_unit: Option<TimestampUnit>,
    pub timestamp_marks: TimestampMarks,
    pub label: String,
    pub status: String,
    pub success: String,
}

/// Why the form cannot be read yet.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MappingError {
    #[error("pick the column that holds each request's latency")]
    NoLatency,
    #[error("{field}: \"{value}\" is not a column of this file")]
    UnknownColumn { field: &'static str, value: String },
}

/// The column a listed name stands for: the header name itself, or for a
/// CSV without a header (listed as `column 3 (e.g. 135)`) its position.
pub fn column_spec(listed: &str) -> String {
    listed
        .strip_prefix("column ")
        .and_then(|rest| rest.split_once(" (e.g."))
        .and_then(|(n, _)| n.parse::<usize>().ok())
        .map_or_else(|| listed.to_string(), |n| n.to_string())
}

/// A typed or picked column, as the core reads it ("" → none).
fn column(text: &str) -> Option<CsvColumn> {
    let t = text.trim();
    if t.is_empty() {
        return None;
    }
    Some(match t.parse::<usize>() {
        Ok(p) if p >= 1 => CsvColumn::Position(p),
        _ => CsvColumn::Name(t.to_string()),
    })
}

fn column_text(c: &Option<CsvColumn>) -> String {
    match c {
        Some(CsvColumn::Position(p)) => p.to_string(),
        Some(CsvColumn::Name(n)) => n.clone(),
        None => String::new(),
    }
}

/// The first column whose lower-cased name contains `words[0]`, else
/// `words[1]`, …; columns in `taken` are skipped.
fn find(specs: &[String], words: &[&str], taken: &[&str]) -> String {
    words
        .iter()
        .find_map(|w| {
            specs
                .iter()
                .find(|s| !taken.contains(&s.as_str()) && s.to_lowercase().contains(w))
        })
        .cloned()
        .unwrap_or_default()
}

/// The unit a column name states as its last word (`took_ms`, `latency (s)`).
fn unit_in_name(name: &str) -> Option<DurationUnit> {
    let lower = name.to_lowercase();
    let last = lower
        .split(|c: char| !c.is_alphabetic())
        .rfind(|w| !w.is_empty())?;
    DurationUnit::from_name(last)
}

impl MappingDraft {
    /// First guesses from the column names; the user checks them.
    pub fn guess(columns: &[String]) -> MappingDraft {
        let specs: Vec<String> = columns.iter().map(|c| column_spec(c)).collect();
        let latency = find(
            &specs,
            &["latency", "elapsed", "duration", "took", "response"],
            &[],
        );
        let timestamp = find(
            &specs,
            &["timestamp", "time", "date", "start", "ts"],
            &[&latency],
        );
        let label = find(
            &specs,
            &[
                "label", "endpoint", "name", "url", "path", "route", "request",
            ],
            &[&latency, &timestamp],
        );
        let status = find(&specs, &["status", "code"], &[&latency, &timestamp, &label]);
        let success = find(
            &specs,
            &["success", "passed", "result", "ok"],
            &[&latency, &timestamp, &label, &status],
        );
        MappingDraft {
            latency_unit: unit_in_name(&latency).unwrap_or(DurationUnit::Millis),
            timestamp_unit: unit_in_name(&timestamp).map(|u| match u {
                DurationUnit::Seconds => TimestampUnit::Seconds,
                DurationUnit::Millis => TimestampUnit::Millis,
                DurationUnit::Micros => TimestampUnit::Micros,
                DurationUnit::Nanos => TimestampUnit::Nanos,
            }),
            latency,
            timestamp,
            timestamp_marks: TimestampMarks::Start,
            label,
            status,
            success,
        }
    }

    /// The form filled in from a mapping already used.
    pub fn from_mapping(m: &CsvMapping) -> MappingDraft {
        MappingDraft {
            latency: column_text(&Some(m.latency.clone())),
            latency_unit: m.latency_unit,
            timestamp: column_text(&m.timestamp),
            timestamp_unit: m.timestamp_unit,
            timestamp_marks: m.timestamp_marks,
            label: column_text(&m.label),
            status: column_text(&m.status),
            success: column_text(&m.success),
        }
    }

    /// The core's mapping. `columns` (when known) are checked so that a typo
    /// is caught here, not after reading the file.
    pub fn mapping(&self, columns: &[String]) -> Result<CsvMapping, MappingError> {
        let specs: Vec<String> = columns.iter().map(|c| column_spec(c)).collect();
        let checked =
            |field: &'static str, text: &str| -> Result<Option<CsvColumn>, MappingError> {
                let c = column(text);
                let known = specs.is_empty()
                    || specs.iter().any(|s| s == text.trim())
                    || matches!(c, Some(CsvColumn::Position(p)) if p <= specs.len());
                match c {
                    Some(_) if !known => Err(MappingError::UnknownColumn {
                        field,
                        value: text.trim().to_string(),
                    }),
                    c => Ok(c),
                }
            };
        Ok(CsvMapping {
            latency: checked("latency", &self.latency)?.ok_or(MappingError::NoLatency)?,
            latency_unit: self.latency_unit,
            timestamp: checked("timestamp", &self.timestamp)?,
            timestamp_unit: self.timestamp_unit,
            timestamp_marks: self.timestamp_marks,
            label: checked("label", &self.label)?,
            status: checked("status", &self.status)?,
            success: checked("success", &self.success)?,
        })
    }
}

/// The `verdict` flags that read a file the same way, shown under the form
/// so the same mapping can be used in CI.
pub fn cli_flags(m: &CsvMapping) -> String {
    fn quoted(c: &CsvColumn) -> String {
        let t = match c {
            CsvColumn::Position(p) => p.to_string(),
            CsvColumn::Name(n) => n.clone(),
        };
        if t.chars()
            .all(|ch| ch.is_ascii_alphanumeric() || "_-./".contains(ch))
        {
            t
        } else {
            format!("'{}'", t.replace('\'', r"'\''"))
        }
    }
    let mut flags = format!(
        "--csv-latency {} --csv-latency-unit {}",
        quoted(&m.latency),
        m.latency_unit.as_str()
    );
    if let Some(t) = &m.timestamp {
        flags.push_str(&format!(" --csv-timestamp {}", quoted(t)));
        if let Some(u) = m.timestamp_unit {
            flags.push_str(&format!(" --csv-timestamp-unit {}", timestamp_unit_name(u)));
        }
        if m.timestamp_marks == TimestampMarks::End {
            flags.push_str(" --csv-timestamp-marks end");
        }
    }
    for (flag, c) in [
        ("--csv-label", &m.label),
        ("--csv-status", &m.status),
        ("--csv-success", &m.success),
    ] {
        if let Some(c) = c {
            flags.push_str(&format!(" {flag} {}", quoted(c)));
        }
    }
    flags
}

/// `s`, `ms`, `us`, `ns`, `rfc3339`: the names `--csv-timestamp-unit` takes.
pub fn timestamp_unit_name(u: TimestampUnit) -> &'static str {
    match u {
        TimestampUnit::Seconds => "s",
        TimestampUnit::Millis => "ms",
        TimestampUnit::Micros => "us",
        TimestampUnit::Nanos => "ns",
        TimestampUnit::Rfc3339 => "rfc3339",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn guesses_columns_and_units_from_names() {
        let cols = names(&["started_ms", "took_ms", "route", "code", "passed"]);
        let d = MappingDraft::guess(&cols);
        assert_eq!(d.latency, "took_ms");
        assert_eq!(d.latency_unit, DurationUnit::Millis);
        assert_eq!(d.timestamp, "started_ms");
        assert_eq!(d.timestamp_unit, Some(TimestampUnit::Millis));
        assert_eq!((d.label.as_str(), d.status.as_str()), ("route", "code"));
        assert_eq!(d.success, "passed");
        assert_eq!(unit_in_name("latency (s)"), Some(DurationUnit::Seconds));
        assert_eq!(unit_in_name("route"), None);
    }

    #[test]
    fn the_mapping_is_what_the_cli_flags_build() -> Result<(), MappingError> {
        let cols = names(&["started_ms", "took ms", "route"]);
        let mut d = MappingDraft::guess(&cols);
        d.timestamp_unit = Some(TimestampUnit::Millis);
        let m = d.mapping(&cols)?;
        assert_eq!(m.latency, CsvColumn::Name("took ms".into()));
        assert_eq!(
            cli_flags(&m),
            "--csv-latency 'took ms' --csv-latency-unit ms --csv-timestamp started_ms --csv-timestamp-unit ms --csv-label route"
        );
        assert_eq!(MappingDraft::from_mapping(&m), d);
        Ok(())
    }

    #[test]
    fn headerless_columns_map_by_position_and_typos_are_caught() {
        let cols = names(&["column 1 (e.g. 1795311676454)", "column 2 (e.g. 135)"]);
        assert_eq!(column_spec(&cols[1]), "2");
        let mut d = MappingDraft::guess(&cols);
        assert_eq!(d.mapping(&cols), Err(MappingError::NoLatency));
        d.latency = "2".into();
        assert_eq!(
            d.mapping(&cols).map(|m| m.latency),
            Ok(CsvColumn::Position(2))
        );
        d.label = "3".into();
        assert!(matches!(
            d.mapping(&cols),
            Err(MappingError::UnknownColumn { field: "label", .. })
        ));
        // With no columns listed (a file that did not look like a CSV), any name goes.
        d.label = "route".into();
        assert!(d.mapping(&[]).is_ok());
    }
}
