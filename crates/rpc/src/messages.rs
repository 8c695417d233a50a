//! The messages. Externally tagged serde enums: `{"Chunk":{"seq":3,"bytes":…}}`.
//! In the browser they travel as plain JS objects (serde-wasm-bindgen), with
//! chunk bytes as a transferred `Uint8Array`.

use serde::{Deserialize, Serialize};
use serde_bytes::ByteBuf;
use verdict_core::capacity::LevelSet;
use verdict_core::sla::Verdict;
use verdict_core::trend::Trend;
use verdict_core::{Format, IngestOptions, RunSummary};

use crate::held::{EvaluateError, HeldError};

/// Bumped on any breaking change to [`Request`] or [`Response`]. The worker
/// announces it in [`Response::Ready`] so that a page talking to a stale,
/// cached worker script notices instead of misreading messages.
pub const PROTOCOL_VERSION: u32 = 6;

/// Page → worker.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Request {
    /// Starts reading one file. Only valid when no file is open.
    Open {
        /// The file's name, used in messages and to break format ties.
        file_name: String,
        /// Size in bytes as the page sees it (compressed, for gzip files).
        size: u64,
        /// Reading options (e.g. a forced format).
        options: IngestOptions,
    },
    /// The next slice of the open file. `seq` counts from 0 with no gaps; the
    /// worker answers each chunk with exactly one [`Response::Ack`] or one
    /// [`Response::Error`].
    Chunk {
        /// Position of this slice in the file's sequence of slices.
        seq: u32,
        /// The slice's bytes, split anywhere.
        #[serde(with = "serde_bytes")]
        bytes: Vec<u8>,
    },
    /// End of the file: the worker answers [`Response::Done`] or [`Response::Error`].
    Finish,
    /// Drops the open file, if any. Always answered by [`Response::Cancelled`];
    /// the worker is then ready for a new [`Request::Open`]. Held runs stay.
    Cancel,
    /// Evaluates SLA rules on a run the worker holds (see [`Response::Held`]),
    /// exactly as `verdict check` does. Allowed while a file is being read.
    /// Always answered by one [`Response::Verdicts`] with the same `run`
    /// and `ticket`.
    Evaluate {
        /// The held run.
        run: u32,
        /// Chosen by the page and echoed back, so that answers to rules the
        /// user has since changed can be told apart and dropped.
        ticket: u32,
        /// The rules as Verdict SLA text (TOML, or JSON starting with `{`).
        sla: String,
    },
    /// Lets go of a held run (its file was closed). Not answered.
    Forget {
        /// The held run.
        run: u32,
    },
    /// Writes a held run as a `.verdict` analysis file, the bytes
    /// `verdict save` writes. Allowed while a file is being read. Always
    /// answered by one [`Response::Saved`] with the same `run` and `ticket`.
    Save {
        /// The held run.
        run: u32,
        /// Chosen by the page and echoed back.
        ticket: u32,
    },
    /// Merges runs, given as analysis files ([`Response::Saved`] bytes,
    /// possibly from other workers), into one run exactly as
    /// `verdict summary --merge` does. Only valid when no file is open;
    /// answered as [`Request::Finish`] is (`Detected`, `Levels`, `Kept`,
    /// `Held`, `Done`), or by one [`Response::Error`] (code `merge` for runs
    /// that cannot be merged).
    Merge {
        /// The analysis files, in the order the page lists the runs.
        runs: Vec<ByteBuf>,
    },
    /// The trend across runs given as analysis files, as
    /// `verdict trend --json` computes it (start-time order, default compare
    /// options). Allowed while a file is being read. Always answered by one
    /// [`Response::Trend`] with the same `ticket`.
    Trend {
        /// Chosen by the page and echoed back.
        ticket: u32,
        /// (name the page shows, analysis file) per run; the trend's runs
        /// carry these names as their `source`.
        runs: Vec<(String, ByteBuf)>,
    },
}

/// Worker → page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Response {
    /// Sent once when the worker has started.
    Ready {
        /// The worker's [`PROTOCOL_VERSION`].
        protocol: u32,
        /// The formats this worker reads, in detection order. The page
        /// lists them from here so that it need not link the readers itself.
        formats: Vec<FormatInfo>,
    },
    /// The file's format is known (sent once per file, before the `Ack` of
    /// the chunk that revealed it, or before `Done` for tiny files).
    Detected {
        /// The detected or forced format.
        format: Format,
    },
    /// A chunk was consumed.
    Ack {
        /// The chunk's `seq`.
        seq: u32,
        /// Input bytes consumed so far, including this chunk.
        bytes_done: u64,
    },
    /// The analysis of the file just read, kept by the page so that runs can
    /// be compared, shared and stored after the worker has moved on: a
    /// [`verdict_core::snapshot`] text with time blocks (summaries and
    /// histograms, never raw samples). Sent right before [`Response::Done`]
    /// for files with per-request samples.
    Kept(String),
    /// The file's capacity load levels (one for a run held at one
    /// concurrency, several for a staged run cut into plateaus), sent just
    /// before [`Response::Done`]. The levels carry percentiles with their
    /// intervals, so the page can fit and answer capacity questions across
    /// files without the histograms, which stay in the worker.
    Levels {
        /// The levels, when the run could be placed on the load axis.
        levels: Option<Box<LevelSet>>,
        /// Why it could not (no concurrency recorded, no steady hold, ...).
        refusal: Option<String>,
        /// The same run cut by the request rate it held (`verdict capacity
        /// --load req/s`), sent when its own axis is VUs: a k6 arrival-rate
        /// run does not name its executor, so only the page's user can say
        /// which axis is right.
        by_rate: Option<Box<LevelSet>>,
        /// Why the run has no levels on the request-rate axis.
        by_rate_refusal: Option<String>,
    },
    /// The worker keeps the file's full run (exact histograms and time
    /// windows) under this id, for [`Request::Evaluate`]. Sent right before
    /// [`Response::Done`]. A worker holds at most
    /// [`crate::MAX_HELD_RUNS`]; the oldest goes first.
    Held {
        /// The run's id in this worker.
        run: u32,
    },
    /// The file was read to the end.
    Done(Box<RunSummary>),
    /// The answer to [`Request::Evaluate`]: one verdict per rule and
    /// population, as `verdict check --json` lists them, or why there are none.
    Verdicts {
        /// The run evaluated.
        run: u32,
        /// The request's ticket.
        ticket: u32,
        /// The verdicts, or an unreadable rule text or a forgotten run.
        verdicts: Result<Vec<Verdict>, EvaluateError>,
    },
    /// The answer to [`Request::Save`]: the analysis file's bytes.
    Saved {
        /// The run saved.
        run: u32,
        /// The request's ticket.
        ticket: u32,
        /// The `.verdict` bytes, or why there are none.
        bytes: Result<ByteBuf, HeldError>,
    },
    /// The worker let go of an older run to hold a newer one (it holds
    /// [`crate::MAX_HELD_RUNS`]): the run as the `.verdict` bytes
    /// [`Response::Saved`] carries, sent unasked right before the new run's
    /// [`Response::Held`]. After it, [`Request::Evaluate`] and
    /// [`Request::Save`] on `run` answer that it is forgotten.
    Released {
        /// The run let go.
        run: u32,
        /// Its `.verdict` bytes, or why there are none.
        bytes: Result<ByteBuf, HeldError>,
    },
    /// The answer to [`Request::Trend`].
    Trend {
        /// The request's ticket.
        ticket: u32,
        /// The trend, or why there is none (one sentence).
        trend: Result<Box<Trend>, String>,
    },
    /// The open file (if any) was dropped.
    Cancelled,
    /// The file cannot be read (or the page broke the protocol). The file is
    /// closed; the worker is ready for a new `Open`.
    Error(ErrorInfo),
}

/// One format the worker reads.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormatInfo {
    /// Stable name (`k6-ndjson`), as in `--format`.
    pub name: String,
    /// One line for users: the tool and the option that writes it.
    pub description: String,
}

/// Why a file failed, for the page to show next to that file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorInfo {
    /// Stable short code: the core's `IngestError::code()` (`fmt`, `corrupt`,
    /// `empty`, ...) or `protocol` when messages arrived out of order.
    pub code: String,
    /// One sentence naming the file and the position.
    pub message: String,
    /// For a CSV no format recognised (`csv-mapping`): its columns, which
    /// the page offers in its column-mapping form. Left out by older
    /// workers, hence the default.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub columns: Vec<String>,
}

impl ErrorInfo {
    /// An error with a code and a message, and no columns.
    pub fn new(code: impl Into<String>, message: impl Into<String>) -> ErrorInfo {
        ErrorInfo {
            code: code.into(),
            message: message.into(),
            columns: Vec::new(),
        }
    }

    /// A protocol violation by the page.
    pub fn protocol(message: impl Into<String>) -> ErrorInfo {
        ErrorInfo::new("protocol", message)
    }
}

impl From<&verdict_core::IngestError> for ErrorInfo {
    fn from(e: &verdict_core::IngestError) -> ErrorInfo {
        let columns = match e {
            verdict_core::IngestError::UnrecognisedCsv { columns, .. } => columns.clone(),
            _ => Vec::new(),
        };
        ErrorInfo {
            code: e.code().into(),
            message: e.to_string(),
            columns,
        }
    }
}
