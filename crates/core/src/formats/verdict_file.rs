//! Verdict's own analysis files (`verdict save`), read as an input format
//! so that every command takes them where it takes raw results. The file is
//! small and compressed as a whole, so it is buffered and read at the end;
//! see [`crate::saved`] for the layout.

use crate::decoder::{Decoder, FormatSpec};
use crate::error::{IngestError, Position};
use crate::format::Format;
use crate::options::IngestOptions;
use crate::run::Run;
use crate::saved::{self, MAX_FILE_BYTES};

/// Registry entry.
pub const SPEC: FormatSpec = FormatSpec {
    format: Format::Verdict,
    description:
        "Verdict analysis file (verdict save): one run's histograms, counters and time windows",
    raw_samples: true,
    sniff,
    priority: 0,
    extensions: &[saved::EXTENSION],
    new_decoder,
};

fn sniff(prefix: &[u8], _eof: bool) -> bool {
    saved::is_analysis(prefix)
}

fn new_decoder(_: &IngestOptions) -> Box<dyn Decoder> {
    Box::new(VerdictDecoder::default())
}

/// Buffers the file, then reads it whole.
#[derive(Default)]
struct VerdictDecoder {
    bytes: Vec<u8>,
    too_large: bool,
}

impl Decoder for VerdictDecoder {
    fn feed(&mut self, bytes: &[u8], run: &mut Run) -> Result<(), IngestError> {
        if self.too_large || self.bytes.len() + bytes.len() > MAX_FILE_BYTES {
            self.too_large = true;
            return Err(IngestError::TooLarge {
                source_name: run.source.clone(),
                format: Format::Verdict.as_str(),
                limit_mb: (MAX_FILE_BYTES >> 20) as u64,
            });
        }
        self.bytes.extend_from_slice(bytes);
        Ok(())
    }

    fn finish(&mut self, run: &mut Run) -> Result<(), IngestError> {
        let (saved, _) = saved::load(&self.bytes).map_err(|e| IngestError::Malformed {
            source_name: run.source.clone(),
            format: Format::Verdict.as_str(),
            position: Position::Part { part: "as a whole" },
            reason: e.to_string(),
        })?;
        // The run is the one that was saved, under its own name and format.
        *run = saved;
        Ok(())
    }
}
