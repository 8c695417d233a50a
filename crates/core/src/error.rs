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
        source_name: String,
        seen: String,
        supported: String,
    },

    /// The file is in a known format but broken where no partial result is possible.
    #[error("{source_name} ({format}) {position}: {reason}")]
    Malformed {
        source_name: String,
        format: &'static str,
        position: String,
        reason: String,
    },

    /// The file was read to the end but held nothing usable.
    #[error("{source_name} ({format}): no usable records. {details}")]
    NothingUsable {
        source_name: String,
        format: &'static str,
        details: String,
    },

    /// A whole-document format exceeded the size we are willing to buffer.
    #[error(
        "{source_name} ({format}): document larger than {limit_mb} MB; this format is read whole"
    )]
    TooLarge {
        source_name: String,
        format: &'static str,
        limit_mb: u64,
    },

    /// A CSV that no format recognises, read without a column mapping. How
    /// to give one is the caller's to say (the CLI's flags, the page's form).
    #[error("{source_name}: a CSV file Verdict does not recognise; its columns are: {}", .columns.join(", "))]
    UnrecognisedCsv {
        source_name: String,
        /// The header row, for the app's column-mapping form.
        columns: Vec<String>,
    },

    /// The user forced a format name that does not exist.
    #[error("unknown format name \"{name}\". Known: {known}")]
    UnknownFormatName { name: String, known: String },
}

impl IngestError {
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
