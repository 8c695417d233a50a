//! The contract between [`Session`](crate::session::Session) and the
//! readers in [`formats`](crate::formats): a [`Decoder`] fills a [`Run`]
//! from chunks of bytes, a [`FormatSpec`] says how to recognise a format and
//! makes its decoder, and a few byte helpers every sniffer uses. The
//! registry of every spec, and detection, are in `formats`.

use crate::error::IngestError;
use crate::format::Format;
use crate::options::IngestOptions;
use crate::run::Run;

/// Bytes of (decompressed) input a sniffer may look at.
pub const SNIFF_LOOKAHEAD: usize = 16 * 1024;

/// A streaming decoder for one format. It receives the decompressed bytes in
/// chunks split anywhere, and records what it reads into a [`Run`].
pub trait Decoder {
    /// Consumes the next piece of input.
    fn feed(&mut self, bytes: &[u8], run: &mut Run) -> Result<(), IngestError>;
    /// End of input: flush what is buffered.
    fn finish(&mut self, run: &mut Run) -> Result<(), IngestError>;
}

/// The registry entry of one format.
pub struct FormatSpec {
    /// The format the entry reads.
    pub format: Format,
    /// One line for users: the tool and the option that writes this format.
    pub description: &'static str,
    /// Whether the file holds one record per request (`true`) or the tool's aggregates.
    pub raw_samples: bool,
    /// Decides from the first bytes (at most [`SNIFF_LOOKAHEAD`]) whether the
    /// content is this format. `eof` tells whether the prefix is the whole file.
    pub sniff: fn(prefix: &[u8], eof: bool) -> bool,
    /// Lower is tried first when several formats claim the same content.
    pub priority: u8,
    /// File name endings that break ties (never authoritative).
    pub extensions: &'static [&'static str],
    /// Makes a fresh decoder.
    pub new_decoder: fn(&IngestOptions) -> Box<dyn Decoder>,
}

/// The first non-blank line of a prefix, if it is complete (or the file ended).
pub fn first_line(prefix: &[u8], eof: bool) -> Option<&[u8]> {
    let start = prefix.iter().position(|b| !b.is_ascii_whitespace())?;
    let rest = &prefix[start..];
    match memchr::memchr(b'\n', rest) {
        Some(end) => Some(trim_ascii(&rest[..end])),
        None if eof || rest.len() >= SNIFF_LOOKAHEAD => Some(trim_ascii(rest)),
        None => None,
    }
}

/// `prefix` without a UTF-8 byte-order mark.
pub fn strip_bom(prefix: &[u8]) -> &[u8] {
    prefix
        .strip_prefix(&[0xEF, 0xBB, 0xBF][..])
        .unwrap_or(prefix)
}

/// Trims ASCII whitespace at both ends.
pub fn trim_ascii(b: &[u8]) -> &[u8] {
    let start = b
        .iter()
        .position(|c| !c.is_ascii_whitespace())
        .unwrap_or(b.len());
    let end = b
        .iter()
        .rposition(|c| !c.is_ascii_whitespace())
        .map_or(start, |e| e + 1);
    &b[start..end]
}
