//! # verdict-rpc
//!
//! The contract between Verdict's page and the Web Workers that read files:
//! serde message enums ([`Request`], [`Response`]) and the [`Engine`], a pure
//! state machine that answers them by driving one
//! [`verdict_core::Session`] at a time. Nothing here knows about the DOM,
//! workers or clocks, so the whole conversation is tested natively; the
//! worker binary in `verdict-web` only moves messages in and out.
//!
//! ```
//! use verdict_rpc::{Engine, Request, Response};
//!
//! let line = br#"{"metric":"http_req_duration","type":"Point","data":{"time":"2026-11-22T01:35:58.832Z","value":9.12,"tags":{"name":"GET /x","status":"200"}}}
//! "#;
//! let mut engine = Engine::new();
//! engine.handle(Request::Open { file_name: "run.json".into(), size: line.len() as u64, options: Default::default() });
//! let acks = engine.handle(Request::Chunk { seq: 0, bytes: line.to_vec() });
//! assert!(matches!(acks.last(), Some(Response::Ack { seq: 0, .. })));
//! // A file this small is only detected at the end: `Detected`, then `Done`.
//! let done = engine.handle(Request::Finish);
//! assert!(matches!(done.last(), Some(Response::Done(summary)) if summary.requests == Some(1)));
//! ```

#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod engine;
mod held;
mod messages;

pub use engine::{Engine, EXTRA_LEVEL_QUANTILES};
pub use held::{EvaluateError, HeldError, MAX_HELD_RUNS};
pub use messages::{ErrorInfo, FormatInfo, Request, Response, PROTOCOL_VERSION};
