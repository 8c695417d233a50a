//! Reading options: what the user may say about how to read a file (force
//! a format, the unit of HdrHistogram values, a CSV column mapping). The CLI
//! turns its flags into [`IngestOptions`], the page its forms; both send the
//! same JSON. Plain data, below every reader.

use serde::{Deserialize, Serialize};

use crate::format::Format;
use crate::time::DurationUnit;

/// Options that change how a file is read. Every field may be left out of
/// the JSON the app sends.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct IngestOptions {
    /// Skip detection and read the file as this format.
    pub format: Option<Format>,
    /// The unit of latency values in HdrHistogram files (`.hlog` recorded
    /// values, `.hgrm` printed values), which those files do not state.
    /// `None`: the assumption documented in `docs/formats/hdrhistogram.md`,
    /// which the run's warnings repeat.
    pub hdr_unit: Option<DurationUnit>,
    /// How to read a CSV that no format recognises. Given (and `format` not
    /// set), the file is read as `generic-csv`.
    pub csv_mapping: Option<CsvMapping>,
}

/// A column, by header name or by 1-based position. JSON: `"latency_ms"` or `3`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum CsvColumn {
    /// The 1-based position of the column.
    Position(usize),
    /// The column's header name.
    Name(String),
}

impl std::fmt::Display for CsvColumn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CsvColumn::Position(p) => write!(f, "column {p}"),
            CsvColumn::Name(n) => write!(f, "column \"{n}\""),
        }
    }
}

/// What a timestamp column holds. Serde names: `s`, `ms`, `us`, `ns`, `rfc3339`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum TimestampUnit {
    /// Unix seconds.
    #[serde(rename = "s")]
    Seconds,
    /// Unix milliseconds.
    #[serde(rename = "ms")]
    Millis,
    /// Unix microseconds.
    #[serde(rename = "us", alias = "µs")]
    Micros,
    /// Unix nanoseconds.
    #[serde(rename = "ns")]
    Nanos,
    /// RFC 3339 date and time.
    #[serde(rename = "rfc3339")]
    Rfc3339,
}

impl TimestampUnit {
    /// Reads `s`, `ms`, `us`, `ns`, `rfc3339`.
    pub fn from_name(name: &str) -> Option<TimestampUnit> {
        Some(match name {
            "rfc3339" => TimestampUnit::Rfc3339,
            other => match DurationUnit::from_name(other)? {
                DurationUnit::Seconds => TimestampUnit::Seconds,
                DurationUnit::Millis => TimestampUnit::Millis,
                DurationUnit::Micros => TimestampUnit::Micros,
                DurationUnit::Nanos => TimestampUnit::Nanos,
            },
        })
    }

    /// How warnings name the unit (`unix milliseconds`).
    pub(crate) fn describe(self) -> &'static str {
        match self {
            TimestampUnit::Seconds => "unix seconds",
            TimestampUnit::Millis => "unix milliseconds",
            TimestampUnit::Micros => "unix microseconds",
            TimestampUnit::Nanos => "unix nanoseconds",
            TimestampUnit::Rfc3339 => "RFC 3339",
        }
    }
}

/// Which moment of a request its timestamp marks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TimestampMarks {
    /// The request's start.
    #[default]
    Start,
    /// The request's end.
    End,
}

/// How to read a CSV no format recognises. Only the latency and its unit are
/// required.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CsvMapping {
    /// The column holding each request's latency.
    pub latency: CsvColumn,
    /// The unit of the latency column.
    pub latency_unit: DurationUnit,
    /// The column holding each request's timestamp, if any.
    #[serde(default)]
    pub timestamp: Option<CsvColumn>,
    /// `None`: guessed from each value (and said in a warning).
    #[serde(default)]
    pub timestamp_unit: Option<TimestampUnit>,
    /// Whether the timestamp marks the request's start or end.
    #[serde(default)]
    pub timestamp_marks: TimestampMarks,
    /// The endpoint of each request.
    #[serde(default)]
    pub label: Option<CsvColumn>,
    /// An HTTP status (or any status text).
    #[serde(default)]
    pub status: Option<CsvColumn>,
    /// true/false, 1/0, ok/ko … (decides failure when given).
    #[serde(default)]
    pub success: Option<CsvColumn>,
}
