//! # verdict-core
//!
//! Turns load-test result files into numbers you can defend: per-endpoint and
//! over-time latency percentiles from HDR histograms, error rates, throughput
//! and concurrency. Pure Rust with no I/O: it takes byte chunks (split
//! anywhere) and returns plain data, so the same code runs in the CLI and, as
//! Wasm, in a browser worker.
//!
//! ```
//! use verdict_core::{IngestOptions, Session};
//!
//! let ndjson = br#"{"metric":"http_req_duration","type":"Point","data":{"time":"2026-11-22T01:35:58.832031449Z","value":9.12,"tags":{"name":"GET /x","method":"GET","status":"200","expected_response":"true"}}}
//! "#;
//! let mut session = Session::new("run.json", IngestOptions::default());
//! for chunk in ndjson.chunks(7) {
//!     session.feed(chunk)?;
//! }
//! let summary = session.finish()?.summary();
//! assert_eq!(summary.requests, Some(1));
//! # Ok::<(), verdict_core::IngestError>(())
//! ```
//!
//! Percentiles are HdrHistogram's `value_at_quantile` over durations recorded
//! in whole microseconds with 3 significant digits: the value reported for
//! pXX is the upper edge of the histogram bucket holding the sample of rank
//! ⌈XX/100 · n⌉ (nearest rank), so it is within 0.1% above that sample.
//!
//! ## Layers
//!
//! Imports point one way: a module may use its own layer and the layers
//! above it in this list, never one below it (`python3 scripts/core-imports.py`
//! checks this and that no modules import each other in a circle).
//!
//! 1. Foundations: [`error`] (why a file cannot be read), [`format`] (the
//!    names of formats, nothing more), [`time`], [`utf16`], [`lines`],
//!    [`stats`], [`units`] (how every number is written), [`activity`].
//! 2. [`options`]: what the user says about how to read a file
//!    ([`IngestOptions`], the CSV column mapping).
//! 3. The run model: [`summary`], [`series`], [`timeline`], [`windows`],
//!    [`run`] (what a file holds once read), [`snapshot`], [`saved`] and
//!    [`export`] (runs written out, and read back).
//! 4. [`decoder`]: the contract between a session and a format reader
//!    ([`decoder::Decoder`] fills a [`Run`], [`decoder::FormatSpec`]
//!    recognises a format).
//! 5. [`formats`]: the readers, one folder a tool family (`formats/k6/`,
//!    `formats/jmeter/`, …), the helpers they share ([`formats::shared`]),
//!    the registry of them all and detection ([`detect`]).
//! 6. [`session`]: the push API, from bytes (gzip, UTF-16) to a [`Run`];
//!    [`split`]: one plain file read in parts (on the caller's threads) and
//!    merged into exactly the run one session gives.
//! 7. Analysis of runs: [`group`], [`compare`], [`sla`], [`capacity`],
//!    [`trend`], [`report`].
//!
//! Help that names a caller's controls (the CLI's flags, the page's forms)
//! is worded by that caller, not carried in the core's errors.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod activity;
pub mod capacity;
pub mod compare;
mod decoder;
mod error;
pub mod export;
mod format;
pub mod formats;
pub mod group;
mod lines;
pub mod options;
pub mod report;
pub mod run;
pub mod saved;
mod series;
mod session;
pub mod sla;
pub mod snapshot;
pub mod split;
mod stats;
pub mod summary;
pub mod time;
mod timeline;
pub mod trend;
pub mod units;
mod utf16;
mod windows;

pub use error::IngestError;
pub use format::Format;
pub use formats::detect;
pub use options::IngestOptions;
pub use run::Run;
pub use session::Session;
pub use summary::{Report, RunSummary};
pub use timeline::MAX_BUCKETS;
