//! What the engine tests share: the repository's fixtures, and a file fed
//! to the engine the way the page feeds it.

use std::path::PathBuf;

use verdict_core::IngestOptions;
use verdict_rpc::{Engine, Request, Response};

/// A file under `tests/fixtures/`.
pub fn fixture(rel: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures")
        .join(rel);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Opens `bytes` as `file_name`, sends them in `chunk`-sized slices (each
/// must end in an `Ack`), then `Finish`; returns the answers to `Finish`.
pub fn feed(
    engine: &mut Engine,
    file_name: &str,
    bytes: &[u8],
    options: IngestOptions,
    chunk: usize,
) -> Vec<Response> {
    assert!(engine
        .handle(Request::Open {
            file_name: file_name.into(),
            size: bytes.len() as u64,
            options,
        })
        .is_empty());
    for (seq, slice) in bytes.chunks(chunk).enumerate() {
        let answers = engine.handle(Request::Chunk {
            seq: seq as u32,
            bytes: slice.to_vec(),
        });
        assert!(
            matches!(answers.last(), Some(Response::Ack { .. })),
            "{file_name}: {answers:?}"
        );
    }
    engine.handle(Request::Finish)
}
