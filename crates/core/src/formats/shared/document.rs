//! Buffering for formats that are one JSON document (a tool's end-of-test
//! summary): they are small, but must be read whole before anything is known.

use crate::error::{IngestError, Position};
use crate::format::Format;

/// Largest whole document we buffer.
/// (A parsed JSON tree takes several times its text, and the whole ingest
/// must stay within about 128 MB.)
pub const MAX_DOCUMENT: usize = 24 << 20;

/// A JSON prefix without whitespace, for sniffers that look for key
/// patterns such as `"summary":{` (whitespace inside strings cannot create them).
pub fn compact_json(prefix: &[u8]) -> Vec<u8> {
    crate::decoder::strip_bom(prefix)
        .iter()
        .copied()
        .filter(|b| !b.is_ascii_whitespace())
        .collect()
}

/// Collects a whole document, refusing to grow past [`MAX_DOCUMENT`].
#[derive(Debug, Default)]
pub struct DocumentBuffer {
    bytes: Vec<u8>,
}

impl DocumentBuffer {
    /// Appends a chunk.
    pub fn push(&mut self, chunk: &[u8], source: &str, format: Format) -> Result<(), IngestError> {
        if self.bytes.len() + chunk.len() > MAX_DOCUMENT {
            return Err(IngestError::TooLarge {
                source_name: source.to_string(),
                format: format.as_str(),
                limit_mb: (MAX_DOCUMENT >> 20) as u64,
            });
        }
        self.bytes.extend_from_slice(chunk);
        Ok(())
    }

    /// Parses the whole document as JSON, with a line/column error message.
    pub fn parse_json(
        &mut self,
        source: &str,
        format: Format,
    ) -> Result<serde_json::Value, IngestError> {
        let bytes = std::mem::take(&mut self.bytes);
        serde_json::from_slice(&bytes).map_err(|e| IngestError::Malformed {
            source_name: source.to_string(),
            format: format.as_str(),
            position: Position::LineColumn {
                line: e.line() as u64,
                column: e.column() as u64,
            },
            reason: format!("invalid JSON: {e}"),
        })
    }
}
