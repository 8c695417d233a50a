//! Errors that stop a file from being read at all. Problems inside an
//! otherwise readable file (a bad line, a truncated stream) are not errors:
//! they are counted and reported in the run's warnings, and the rest of the
//! file still counts.

use thiserror::Error;

/// Why a file could not be read.
#[derive(Debug, Error, Clone, PartialEq)]
#[non_exhaustive]
pub enum IngestError {
    /// No known format matches the content.
    #[error("{source_name}: not a format Verdict reads (saw: {seen}). Supported: {supported}")]
    UnknownFormat {
        /// The file's name.
        source_name: String,
        /// What the start of the content looked like.
        seen: String,
        /// The formats Verdict reads.
        supported: String,
    },

    /// The file is in a known format but broken where no partial result is possible.
    #[error("{source_name} ({format}) {position}: {reason}")]
    Malformed {
        /// The file's name.
        source_name: String,
        /// The format it was read as.
        format: &'static str,
        /// Where: a line, a byte offset, or a part of the file.
        position: Position,
        /// What was wrong there.
        reason: String,
    },

    /// The file was read to the end but held nothing usable.
    #[error("{source_name} ({format}): no usable records. {details}")]
    NothingUsable {
        /// The file's name.
        source_name: String,
        /// The format it was read as.
        format: &'static str,
        /// What the file held instead, when that can be said.
        details: String,
    },

    /// A whole-document format exceeded the size we are willing to buffer.
    #[error(
        "{source_name} ({format}): document larger than {limit_mb} MB; this format is read whole"
    )]
    TooLarge {
        /// The file's name.
        source_name: String,
        /// The format it was read as.
        format: &'static str,
        /// The limit, in megabytes.
        limit_mb: u64,
    },

    /// A CSV that no format recognises, read without a column mapping. How
    /// to give one is the caller's to say (the CLI's flags, the page's form).
    #[error("{source_name}: a CSV file Verdict does not recognise; its columns are: {}", .columns.join(", "))]
    UnrecognisedCsv {
        /// The file's name.
        source_name: String,
        /// The header row, for the app's column-mapping form.
        columns: Vec<String>,
    },

    /// The user forced a format name that does not exist.
    #[error("unknown format name \"{name}\". Known: {known}")]
    UnknownFormatName {
        /// The name given.
        name: String,
        /// The format names Verdict knows.
        known: String,
    },
}

/// Where in a file it broke, as [`IngestError::Malformed`] says it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Position {
    /// A 1-based line (`line 12`).
    Line { line: u64 },
    /// A 1-based line and column, as a JSON parser reports them (`line 3 column 5`).
    LineColumn { line: u64, column: u64 },
    /// The last line read, where the input stopped too early (`at line 40`).
    EndsAt { line: u64 },
    /// A byte offset into the decompressed input (`byte 4096`).
    Offset { offset: u64 },
    /// A part of the file with no finer position (`top level`, `at the end`).
    Part { part: &'static str },
}

impl Position {
    /// The 1-based line, when the position has one.
    pub fn line(&self) -> Option<u64> {
        match *self {
            Position::Line { line }
            | Position::LineColumn { line, .. }
            | Position::EndsAt { line } => Some(line),
            Position::Offset { .. } | Position::Part { .. } => None,
        }
    }

    /// The byte offset, when the position is one.
    pub fn offset(&self) -> Option<u64> {
        match *self {
            Position::Offset { offset } => Some(offset),
            _ => None,
        }
    }
}

impl std::fmt::Display for Position {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Position::Line { line } => write!(f, "line {line}"),
            Position::LineColumn { line, column } => write!(f, "line {line} column {column}"),
            Position::EndsAt { line } => write!(f, "at line {line}"),
            Position::Offset { offset } => write!(f, "byte {offset}"),
            Position::Part { part } => f.write_str(part),
        }
    }
}

impl IngestError {
    /// Where a malformed file broke; `None` for the other errors.
    pub fn position(&self) -> Option<Position> {
        match self {
            IngestError::Malformed { position, .. } => Some(*position),
            _ => None,
        }
    }

    /// A stable short code for the UI and for tests (`fmt`, `corrupt`, ...).
    pub fn code(&self) -> &'static str {
        match self {
            IngestError::UnknownFormat { .. } => "fmt",
            IngestError::Malformed { .. } => "corrupt",
            IngestError::NothingUsable { .. } => "empty",
            IngestError::TooLarge { .. } => "too-large",
            IngestError::UnknownFormatName { .. } => "format-name",
            IngestError::UnrecognisedCsv { .. } => "csv-mapping",
        }
    }
}
