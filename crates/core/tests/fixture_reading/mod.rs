//! Reading fixture files the way the CLI and the app do: in chunks of any
//! size, under the file's real name or a neutral one.

#![allow(dead_code)]

use verdict_core::{IngestError, IngestOptions, Run, RunSummary, Session};

/// Chunk sizes every fixture is read at (`usize::MAX` = the whole file at once).
pub const CHUNKINGS: [usize; 4] = [1, 7, 4096, usize::MAX];

/// The bytes of `tests/fixtures/<relative>` at the repository root.
pub fn fixture(relative: &str) -> Vec<u8> {
    let path = format!(
        "{}/../../tests/fixtures/{relative}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Feeds `bytes` in chunks of `chunk` bytes.
pub fn read(
    name: &str,
    bytes: &[u8],
    options: &IngestOptions,
    chunk: usize,
) -> Result<Run, IngestError> {
    let mut session = Session::new(name, options.clone());
    for piece in bytes.chunks(chunk.max(1)) {
        session.feed(piece)?;
    }
    session.finish()
}

/// Reads a fixture under its real name and as "input", at every chunking,
/// asserts that every reading gives the same summary, and returns it.
pub fn summary_everywhere(real_name: &str, bytes: &[u8], options: &IngestOptions) -> RunSummary {
    let reference = match read(real_name, bytes, options, usize::MAX) {
        Ok(run) => run.summary(),
        Err(e) => panic!("{real_name}: {e}"),
    };
    for name in [real_name, "input"] {
        for chunk in CHUNKINGS {
            let mut s = match read(name, bytes, options, chunk) {
                Ok(run) => run.summary(),
                Err(e) => panic!("{real_name} read as {name} in chunks of {chunk}: {e}"),
            };
            s.source.clone_from(&reference.source);
            assert!(
                s == reference,
                "{real_name} read as {name} in chunks of {chunk} gives another summary"
            );
        }
    }
    reference
}

/// The same for a file that must fail: the error must not depend on the
/// chunking (the name may appear in it).
pub fn error_everywhere(real_name: &str, bytes: &[u8], options: &IngestOptions) -> IngestError {
    let reference = match read(real_name, bytes, options, usize::MAX) {
        Ok(_) => panic!("{real_name} should not be readable"),
        Err(e) => e,
    };
    for name in [real_name, "input"] {
        for chunk in CHUNKINGS {
            match read(name, bytes, options, chunk) {
                Ok(_) => panic!("{real_name} read as {name} in chunks of {chunk} succeeded"),
                Err(e) => assert_eq!(
                    e.code(),
                    reference.code(),
                    "{real_name} as {name} at {chunk}: {e}"
                ),
            }
        }
    }
    reference
}

/// `a` and `b` agree within `rel` relative error (and a tiny absolute slack).
pub fn close(a: f64, b: f64, rel: f64) -> bool {
    (a - b).abs() <= rel * b.abs().max(a.abs()) + 1e-9
}
