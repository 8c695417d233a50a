//! [`Engine`]: answers [`Request`]s by driving one [`Session`] at a time.

use serde_bytes::ByteBuf;
use verdict_core::capacity::{levels_from_runs, LoadUnit, PlateauOptions};
use verdict_core::compare::CompareOptions;
use verdict_core::trend::{trend, Trend, TrendOrder};
use verdict_core::{saved, Run, Session};

use crate::held::{save_run, HeldRuns};
use crate::messages::{ErrorInfo, FormatInfo, Request, Response, PROTOCOL_VERSION};

/// Quantiles computed for each level beyond the core's standard p50/p90/p95/p99,
/// so the page can offer these targets too.
pub const EXTRA_LEVEL_QUANTILES: [f64; 2] = [0.75, 0.999];

/// The capacity levels of one run, as [`Response::Levels`]: on its own load
/// axis, and on the request-rate axis too when its own is VUs.
fn levels_of(run: &Run) -> Response {
    let on = |load: Option<LoadUnit>| {
        let options = PlateauOptions {
            load,
            ..PlateauOptions::default()
        };
        match levels_from_runs(std::slice::from_ref(run), &options, &EXTRA_LEVEL_QUANTILES) {
            Ok(set) => (Some(Box::new(set)), None),
            Err(why) => (None, Some(why)),
        }
    };
    let (levels, refusal) = on(None);
    let own_axis_is_rate = levels
        .as_ref()
        .is_some_and(|set| set.load == LoadUnit::RequestsPerSecond);
    let (by_rate, by_rate_refusal) = if own_axis_is_rate {
        (None, None)
    } else {
        on(Some(LoadUnit::RequestsPerSecond))
    };
    Response::Levels {
        levels,
        refusal,
        by_rate,
        by_rate_refusal,
    }
}

/// The file being read.
struct OpenFile {
    name: String,
    session: Session,
    next_seq: u32,
    format_sent: bool,
}

/// The worker's state machine: idle, or reading one file; either way
/// holding the last few runs it read, for SLA evaluation.
///
/// `handle` never panics on any sequence of requests: out-of-order messages
/// are answered with a `protocol` [`Response::Error`] and leave the engine idle.
#[derive(Default)]
pub struct Engine {
    open: Option<OpenFile>,
    held: HeldRuns,
}

impl Engine {
    /// An idle engine.
    pub fn new() -> Engine {
        Engine::default()
    }

    /// The greeting a worker sends when it starts.
    pub fn ready() -> Response {
        let formats = verdict_core::formats::REGISTRY
            .iter()
            .map(|spec| FormatInfo {
                name: spec.format.as_str().to_string(),
                description: spec.description.to_string(),
            })
            .collect();
        Response::Ready {
            protocol: PROTOCOL_VERSION,
            formats,
        }
    }

    /// Whether a file is open.
    pub fn is_busy(&self) -> bool {
        self.open.is_some()
    }

    /// The ids of the runs held, oldest first.
    pub fn held_runs(&self) -> Vec<u32> {
        self.held.ids()
    }

    /// Answers one request.
    pub fn handle(&mut self, request: Request) -> Vec<Response> {
        match request {
            Request::Open {
                file_name,
                size: _,
                options,
            } => {
                if let Some(open) = &self.open {
                    let message = format!(
                        "cannot open {file_name}: {} is still open (send Cancel first)",
                        open.name
                    );
                    self.open = None;
                    return vec![Response::Error(ErrorInfo::protocol(message))];
                }
                self.open = Some(OpenFile {
                    session: Session::new(file_name.clone(), options),
                    name: file_name,
                    next_seq: 0,
                    format_sent: false,
                });
                Vec::new()
            }
            Request::Chunk { seq, bytes } => self.chunk(seq, &bytes),
            Request::Finish => self.finish(),
            Request::Cancel => {
                self.open = None;
                vec![Response::Cancelled]
            }
            Request::Evaluate { run, ticket, sla } => vec![Response::Verdicts {
                run,
                ticket,
                verdicts: self.held.evaluate(run, &sla),
            }],
            Request::Forget { run } => {
                self.held.forget(run);
                Vec::new()
            }
            Request::Save { run, ticket } => vec![Response::Saved {
                run,
                ticket,
                bytes: self.held.save(run).map(ByteBuf::from),
            }],
            Request::Merge { runs } => self.merge(&runs),
            Request::Trend { ticket, runs } => vec![Response::Trend {
                ticket,
                trend: trend_of(&runs).map(Box::new),
            }],
        }
    }

    fn merge(&mut self, files: &[ByteBuf]) -> Vec<Response> {
        if let Some(open) = self.open.take() {
            return vec![Response::Error(ErrorInfo::protocol(format!(
                "cannot merge runs: {} is still open (send Cancel first)",
                open.name
            )))];
        }
        let merged = files
            .iter()
            .enumerate()
            .map(|(i, bytes)| load(i, bytes))
            .collect::<Result<Vec<Run>, String>>()
            .and_then(|runs| verdict_core::run::merge_runs(runs).map_err(|e| e.to_string()));
        match merged {
            Ok(run) => self.finished(run, true),
            Err(message) => vec![Response::Error(ErrorInfo::new("merge", message))],
        }
    }

    /// What a finished run is answered with: its levels and kept analysis,
    /// then the id it is held under, then its summary.
    fn finished(&mut self, run: Run, announce_format: bool) -> Vec<Response> {
        let mut out = Vec::with_capacity(5);
        if announce_format {
            out.push(Response::Detected { format: run.format });
        }
        out.push(levels_of(&run));
        if let Some(text) = kept(&run) {
            out.push(Response::Kept(text));
        }
        let summary = run.summary();
        let (id, released) = self.held.hold(run);
        // A run let go for this one leaves its analysis file with the page,
        // so that it can still be saved, merged and followed over time.
        for (run, dropped) in released {
            out.push(Response::Released {
                run,
                bytes: save_run(&dropped).map(ByteBuf::from),
            });
        }
        out.push(Response::Held { run: id });
        out.push(Response::Done(Box::new(summary)));
        out
    }

    fn chunk(&mut self, seq: u32, bytes: &[u8]) -> Vec<Response> {
        let Some(open) = self.open.as_mut() else {
            return vec![Response::Error(ErrorInfo::protocol(format!(
                "chunk {seq} arrived but no file is open"
            )))];
        };
        if seq != open.next_seq {
            let message = format!(
                "{}: chunk {seq} arrived, expected chunk {}",
                open.name, open.next_seq
            );
            self.open = None;
            return vec![Response::Error(ErrorInfo::protocol(message))];
        }
        if let Err(e) = open.session.feed(bytes) {
            self.open = None;
            return vec![Response::Error(ErrorInfo::from(&e))];
        }
        open.next_seq += 1;
        let mut out = Vec::with_capacity(2);
        if let Some(detected) = open.detected_now() {
            out.push(detected);
        }
        out.push(Response::Ack {
            seq,
            bytes_done: open.session.bytes_in(),
        });
        out
    }

    fn finish(&mut self) -> Vec<Response> {
        let Some(open) = self.open.take() else {
            return vec![Response::Error(ErrorInfo::protocol(
                "Finish arrived but no file is open",
            ))];
        };
        // Tiny files are only detected at end of input.
        let announce_format = !open.format_sent;
        match open.session.finish() {
            Ok(run) => self.finished(run, announce_format),
            Err(e) => vec![Response::Error(ErrorInfo::from(&e))],
        }
    }
}

/// Run `index` (0-based) of a request, from its analysis file.
fn load(index: usize, bytes: &[u8]) -> Result<Run, String> {
    saved::load(bytes)
        .map(|(run, _)| run)
        .map_err(|e| format!("run {}: {e}", index + 1))
}

/// The trend `verdict trend --json` gives for these runs, each named as the page names it.
fn trend_of(files: &[(String, ByteBuf)]) -> Result<Trend, String> {
    let runs = files
        .iter()
        .enumerate()
        .map(|(i, (name, bytes))| {
            let mut run = load(i, bytes)?;
            run.source = name.clone();
            Ok(run)
        })
        .collect::<Result<Vec<Run>, String>>()?;
    trend(&runs, &TrendOrder::Start, &CompareOptions::default()).map_err(|e| e.to_string())
}

/// The analysis the page keeps: summaries, histograms and time blocks.
/// Tool-reported runs have nothing to compare, so nothing is kept.
fn kept(run: &verdict_core::Run) -> Option<String> {
    use verdict_core::snapshot::{encode_with, EncodeOptions, Snapshot};
    if !run.has_samples() {
        return None;
    }
    let snapshot = Snapshot::of_runs([run]).ok()?;
    encode_with(&snapshot, EncodeOptions { time_blocks: true }).ok()
}

impl OpenFile {
    /// `Detected`, the first time the session knows its format.
    fn detected_now(&mut self) -> Option<Response> {
        if self.format_sent {
            return None;
        }
        let format = self.session.format()?;
        self.format_sent = true;
        Some(Response::Detected { format })
    }
}
