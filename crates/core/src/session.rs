//! [`Session`]: the push API. Feed byte chunks of any size, split anywhere;
//! then `finish` to get the [`Run`].
//!
//! ```text
//! bytes ─▶ gzip? (magic 1f 8b, inflated as a stream) ─▶ sniff buffer (first
//! 16 KiB) ─▶ detect format ─▶ format decoder ─▶ Run (histograms, counters)
//! ```

use std::io::Write;

use flate2::write::MultiGzDecoder;

use crate::decoder::{Decoder, SNIFF_LOOKAHEAD};
use crate::error::IngestError;
use crate::format::Format;
use crate::formats::detect;
use crate::options::IngestOptions;
use crate::run::Run;
use crate::utf16::Utf16;

/// Compressed bytes handed to the inflater at a time, so that one large
/// chunk (the browser sends MiBs) never inflates into a huge buffer.
const INFLATE_SLICE: usize = 64 * 1024;

// One per session, so the size difference between stages costs nothing.
#[allow(clippy::large_enum_variant)]
enum Stage {
    /// Waiting for enough bytes to tell gzip from plain text.
    Magic(Vec<u8>),
    /// Collecting the first bytes to detect the format.
    Sniffing(Vec<u8>),
    /// Decoding.
    Decoding {
        decoder: Box<dyn Decoder>,
        run: Box<Run>,
    },
    /// A fatal error happened; later input is ignored.
    Failed(IngestError),
}

/// Streams one result file into a [`Run`].
pub struct Session {
    name: String,
    options: IngestOptions,
    stage: Stage,
    gunzip: Option<MultiGzDecoder<Vec<u8>>>,
    gzip_broken: Option<String>,
    /// First plain bytes, held until a UTF-16 BOM can be told apart.
    bom: Option<Vec<u8>>,
    utf16: Option<Utf16>,
    bytes_in: u64,
    bytes_decoded: u64,
    /// The last decoded byte: a text file whose last line is unreadable and
    /// has no newline after it was cut mid-line.
    last_byte: Option<u8>,
}

impl Session {
    /// A session for a file called `name` (used in messages and for tie-breaks).
    pub fn new(name: impl Into<String>, options: IngestOptions) -> Session {
        Session {
            name: name.into(),
            options,
            stage: Stage::Magic(Vec::new()),
            gunzip: None,
            gzip_broken: None,
            bom: Some(Vec::new()),
            utf16: None,
            bytes_in: 0,
            bytes_decoded: 0,
            last_byte: None,
        }
    }

    /// A session that reads plain UTF-8 text as `format` from its first
    /// byte: no gzip, byte-order-mark or format detection. One part of a
    /// file split across threads is read this way (see [`crate::split`]).
    pub(crate) fn with_format(
        name: impl Into<String>,
        options: IngestOptions,
        format: Format,
    ) -> Session {
        let name = name.into();
        let decoder = (format.spec().new_decoder)(&options);
        let run = Box::new(Run::new(name.clone(), format));
        let mut s = Session::new(name, options);
        s.stage = Stage::Decoding { decoder, run };
        s.bom = None;
        s
    }

    /// Input bytes consumed so far (compressed, if the file is gzip).
    pub fn bytes_in(&self) -> u64 {
        self.bytes_in
    }

    /// The detected (or forced) format, once known.
    pub fn format(&self) -> Option<Format> {
        match &self.stage {
            Stage::Decoding { run, .. } => Some(run.format),
            _ => None,
        }
    }

    /// Feeds the next chunk. An error here is fatal for this file (e.g. an
    /// unknown format); problems inside the file are warnings in the run.
    pub fn feed(&mut self, chunk: &[u8]) -> Result<(), IngestError> {
        self.bytes_in += chunk.len() as u64;
        if let Stage::Magic(buf) = &mut self.stage {
            buf.extend_from_slice(chunk);
            if buf.len() < 2 {
                return Ok(());
            }
            let buf = std::mem::take(buf);
            self.stage = Stage::Sniffing(Vec::new());
            return self.after_magic(&buf);
        }
        if self.gunzip.is_some() {
            self.inflate(chunk)
        } else {
            self.plain(chunk)
        }
    }

    fn after_magic(&mut self, buf: &[u8]) -> Result<(), IngestError> {
        if buf.starts_with(&[0x1f, 0x8b]) {
            self.gunzip = Some(MultiGzDecoder::new(Vec::new()));
            self.inflate(buf)
        } else {
            self.plain(buf)
        }
    }

    fn inflate(&mut self, chunk: &[u8]) -> Result<(), IngestError> {
        if self.gzip_broken.is_some() {
            return Ok(());
        }
        let consumed_before = self.bytes_in - chunk.len() as u64;
        for (i, slice) in chunk.chunks(INFLATE_SLICE).enumerate() {
            let Some(gz) = self.gunzip.as_mut() else {
                return Ok(());
            };
            if let Err(e) = gz.write_all(slice) {
                let offset = consumed_before + (i * INFLATE_SLICE) as u64;
                self.gzip_broken = Some(format!(
                    "gzip data is corrupt near compressed byte {offset} ({e}); results are from the data before it"
                ));
            }
            let out = std::mem::take(gz.get_mut());
            self.plain(&out)?;
            if self.gzip_broken.is_some() {
                break;
            }
        }
        Ok(())
    }

    /// Plain (inflated) bytes: UTF-16 with a BOM becomes UTF-8 here.
    fn plain(&mut self, bytes: &[u8]) -> Result<(), IngestError> {
        if let Some(mut held) = self.bom.take() {
            held.extend_from_slice(bytes);
            if held.len() < 2 {
                self.bom = Some(held);
                return Ok(());
            }
            self.utf16 = Utf16::detect(&held);
            let start = if self.utf16.is_some() { 2 } else { 0 };
            return self.plain(&held[start..]);
        }
        match &mut self.utf16 {
            Some(t) => {
                let text = t.feed(bytes);
                self.text(&text)
            }
            None => self.text(bytes),
        }
    }

    /// Flushes the BOM check and the transcoder at the end of input.
    fn end_plain(&mut self) -> Result<(), IngestError> {
        if let Some(held) = self.bom.take() {
            self.text(&held)?;
        }
        if let Some(t) = &mut self.utf16 {
            let rest = t.finish();
            self.text(&rest)?;
        }
        Ok(())
    }

    fn text(&mut self, bytes: &[u8]) -> Result<(), IngestError> {
        if bytes.is_empty() {
            return Ok(());
        }
        self.bytes_decoded += bytes.len() as u64;
        self.last_byte = bytes.last().copied();
        match &mut self.stage {
            Stage::Sniffing(buf) => {
                buf.extend_from_slice(bytes);
                if buf.len() >= SNIFF_LOOKAHEAD {
                    let buf = std::mem::take(buf);
                    self.start_decoding(&buf, false)?;
                }
                Ok(())
            }
            Stage::Decoding { decoder, run } => decoder.feed(bytes, run),
            Stage::Failed(e) => Err(e.clone()),
            Stage::Magic(_) => Ok(()),
        }
    }

    fn start_decoding(&mut self, prefix: &[u8], eof: bool) -> Result<(), IngestError> {
        let format = match self.options.format {
            Some(f) => f,
            // A column mapping says how to read the file: no detection.
            None if self.options.csv_mapping.is_some() => Format::GenericCsv,
            None => match detect(&self.name, prefix, eof) {
                Ok(f) => f,
                Err(e) => {
                    self.stage = Stage::Failed(e.clone());
                    return Err(e);
                }
            },
        };
        let spec = format.spec();
        let mut decoder = (spec.new_decoder)(&self.options);
        let mut run = Box::new(Run::new(self.name.clone(), format));
        let result = decoder.feed(prefix, &mut run);
        self.stage = Stage::Decoding { decoder, run };
        result
    }

    /// Ends the input and returns the run.
    pub fn finish(self) -> Result<Run, IngestError> {
        self.finish_run().and_then(usable)
    }

    /// Ends the input; the run may hold no requests (one part of a split file).
    pub(crate) fn finish_run(mut self) -> Result<Run, IngestError> {
        if let Stage::Magic(buf) = &mut self.stage {
            let buf = std::mem::take(buf);
            self.stage = Stage::Sniffing(Vec::new());
            self.after_magic(&buf)?;
        }
        if let Some(mut gz) = self.gunzip.take() {
            if self.gzip_broken.is_none() {
                if let Err(e) = gz.try_finish() {
                    self.gzip_broken = Some(format!(
                        "gzip stream ends early after {} compressed bytes ({e}); results are from the data before the cut",
                        self.bytes_in
                    ));
                }
            }
            let rest = std::mem::take(gz.get_mut());
            self.plain(&rest)?;
        }
        self.end_plain()?;
        if let Stage::Sniffing(buf) = &mut self.stage {
            let buf = std::mem::take(buf);
            self.start_decoding(&buf, true)?;
        }
        match self.stage {
            Stage::Decoding {
                mut decoder,
                mut run,
            } => {
                let skipped_before = run.diagnostics.skipped_lines;
                let examples_before = run.diagnostics.examples.len();
                decoder.finish(&mut run)?;
                let last_line_skipped = run.diagnostics.skipped_lines > skipped_before;
                let last_line = run
                    .diagnostics
                    .examples
                    .last()
                    .filter(|_| run.diagnostics.examples.len() > examples_before)
                    .map_or(String::new(), |e| format!("line {}, ", e.line));
                if let Some(w) = self.gzip_broken.take() {
                    run.cut(w);
                } else if last_line_skipped
                    && self.last_byte.is_some_and(|b| b != b'\n')
                    && !run
                        .diagnostics
                        .cut
                        .iter()
                        .any(|c| c.contains(crate::run::MID_LINE))
                {
                    // Line-based readers skip an unreadable last line at the
                    // end of input; with no newline after it, the file was cut.
                    run.cut(format!(
                        "the file {} ({last_line}byte {} of the {}data), which could not be read: it was cut; results are from the lines before it",
                        crate::run::MID_LINE,
                        self.bytes_decoded,
                        if self.bytes_decoded != self.bytes_in { "decompressed " } else { "" }
                    ));
                }
                Ok(*run)
            }
            Stage::Failed(e) => Err(e),
            Stage::Magic(_) | Stage::Sniffing(_) => Err(IngestError::UnknownFormat {
                source_name: self.name,
                seen: "an empty file".into(),
                supported: String::new(),
            }),
        }
    }

    /// Reads everything from `bytes` in one go (for tests and small inputs).
    pub fn read_all(name: &str, options: IngestOptions, bytes: &[u8]) -> Result<Run, IngestError> {
        let mut s = Session::new(name, options);
        s.feed(bytes)?;
        s.finish()
    }
}

/// A run with nothing in it is an error that says what was skipped.
pub(crate) fn usable(run: Run) -> Result<Run, IngestError> {
    if !run.has_samples() && run.tool.is_none() && run.transactions.is_empty() {
        let details = if run.diagnostics.examples.is_empty() {
            "The file holds no request records.".to_string()
        } else {
            format!(
                "{} lines skipped; first: {}",
                run.diagnostics.skipped_lines,
                run.diagnostics
                    .examples
                    .iter()
                    .map(|e| format!("line {}: {}", e.line, e.reason))
                    .collect::<Vec<_>>()
                    .join("; ")
            )
        };
        return Err(IngestError::NothingUsable {
            source_name: run.source.clone(),
            format: run.format.as_str(),
            details,
        });
    }
    Ok(run)
}
