//! Analysis snapshots for share links: everything a reader needs to see an
//! analysis again (run summaries, latency histograms, and the comparison,
//! verdicts, SLA rules and capacity inputs as JSON slots), never a raw
//! sample, in a text that fits a URL fragment, so a static page can reopen
//! it anywhere with nothing sent to a server.
//!
//! Text: `vd` + the format number + `.` + base64url (no padding) of a zlib
//! stream (whose Adler-32 checksum catches damage) of the layout below.
//! Format 1 (kept analyses, `.verdict`-like): histograms and time blocks.
//! Format 2 (share links, [`link`]): the same layout, no histograms, the
//! timeline merged into wider windows when that is what fits a chat
//! message, and arrays of like objects as tables. Both are read.
//!
//! ```text
//! "VRDS" version:u8
//! document   one JSON value in the binary form of [`wire`]:
//!            {"runs": [RunSummary…], "comparison", "verdicts", "sla_rules",
//!             "capacity": value or null, "redacted": bool}
//! histograms per run: a count (0 for tool-reported runs, else 1 + its
//!            endpoints), then the whole run's and each endpoint's latency
//!            histogram in the order of its summary's endpoints ([`histogram`]);
//!            then a count of time blocks (0 in share links) and for each its
//!            requests, errors and latency histogram
//! ```
//!
//! A sample run's percentile distribution is not stored: it is recomputed
//! from its histogram on decoding, to the same numbers.
//!
//! [`decode`] trusts nothing: the version is read before anything is
//! decompressed, decompression stops at [`MAX_DECOMPRESSED`] bytes (a zip
//! bomb is refused, not expanded), every length is checked against the
//! bytes left, texts may not hold control characters, numbers must be
//! finite, and histogram totals must match the summary's request counts.
//! Every failure is a [`SnapshotError`], never a panic.

pub(crate) mod histogram;
pub(crate) mod link;
pub(crate) mod redact;
pub(crate) mod wire;

use std::io::{Read, Write};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use flate2::bufread::ZlibDecoder;
use flate2::write::ZlibEncoder;
use flate2::Compression;
use hdrhistogram::Histogram;
use serde_json::{json, Map, Value};
use thiserror::Error;

use crate::run::{EndpointSeries, Run};
use crate::summary::{ReportedBy, RunSummary};

use redact::Redactor;
use wire::{Reader, Writer};

/// The newest version this code reads, and the one share links are
/// written in ([`encode`], [`link`]); kept analyses ([`encode_with`]) are
/// written in [`FULL_VERSION`].
pub const VERSION: u8 = 2;
/// The version of full snapshots: histograms and time blocks, no tables.
pub const FULL_VERSION: u8 = 1;
pub use link::{Link, LINK_BUDGET};
/// Start of every snapshot text; the version number follows.
pub const TEXT_PREFIX: &str = "vd";
const MAGIC: &[u8; 4] = b"VRDS";
/// The longest text accepted (browsers handle URLs of about 2 MB).
pub const MAX_TEXT_BYTES: usize = 2 << 20;
/// The most bytes a snapshot may decompress to.
pub const MAX_DECOMPRESSED: usize = 4 << 20;
/// Runs one snapshot may hold.
pub const MAX_RUNS: usize = 64;

/// Why a text is not a snapshot we can show.
#[derive(Debug, Error, Clone, PartialEq)]
#[non_exhaustive]
pub enum SnapshotError {
    /// The text is not share-link text (prefix, version, data).
    #[error("not a Verdict share link (it should start with \"{TEXT_PREFIX}{VERSION}.\")")]
    NotASnapshot,
    /// Made by a newer Verdict, in a link format this one does not read.
    #[error("this link was made by a newer Verdict (format {found}; this one reads up to {VERSION}); open it with a newer version")]
    TooNew {
        /// The link's format version.
        found: u64,
    },
    /// The link, or what it holds, exceeds a size limit.
    #[error("the link is too large: {what} exceeds {limit} bytes")]
    TooLarge {
        /// What exceeds it.
        what: &'static str,
        /// The limit, in bytes.
        limit: usize,
    },
    /// The link's data cannot be decoded or decompressed.
    #[error("the link is damaged ({0}); ask for it again, copied whole")]
    Damaged(String),
    /// The link's data is not a valid snapshot.
    #[error("the link holds invalid data: {0}")]
    Invalid(String),
}

impl SnapshotError {
    /// A stable short code for the UI and tests.
    pub fn code(&self) -> &'static str {
        match self {
            SnapshotError::NotASnapshot => "not-a-snapshot",
            SnapshotError::TooNew { .. } => "too-new",
            SnapshotError::TooLarge { .. } => "too-large",
            SnapshotError::Damaged(_) => "damaged",
            SnapshotError::Invalid(_) => "invalid",
        }
    }
}

/// One time window of a run with requests in it (a timeline bucket): what
/// comparisons resample and test, since requests of the same seconds are
/// not independent.
#[derive(Debug, Clone, PartialEq)]
pub struct TimeBlock {
    /// Requests that ended in the window.
    pub requests: u64,
    /// Failed requests that ended in the window.
    pub errors: u64,
    /// Durations (µs) of the requests that ended in the window.
    pub latencies: Histogram<u64>,
}

/// One run as a snapshot keeps it.
#[derive(Debug, Clone, PartialEq)]
pub struct SnapshotRun {
    /// The run's summary.
    pub summary: RunSummary,
    /// Latencies (µs) of all requests; `None` for tool-reported runs.
    pub overall: Option<Histogram<u64>>,
    /// One per `summary.endpoints` entry, in the same order (empty for
    /// tool-reported runs).
    pub endpoints: Vec<Histogram<u64>>,
    /// The run's non-empty timeline windows, oldest first (empty when the
    /// input has no timestamps, or when a link was made without them).
    pub blocks: Vec<TimeBlock>,
}

/// An analysis, ready to share.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Snapshot {
    /// The runs shown.
    pub runs: Vec<SnapshotRun>,
    /// A [`crate::compare::Comparison`] as JSON, when runs were compared.
    pub comparison: Option<Value>,
    /// SLA verdicts, SLA rules and capacity inputs: carried as given.
    pub verdicts: Option<Value>,
    /// SLA rules, as given.
    pub sla_rules: Option<Value>,
    /// Capacity inputs, as given.
    pub capacity: Option<Value>,
    /// Names and hosts were replaced by placeholders.
    pub redacted: bool,
}

/// The name a run's summary shows for an endpoint (`METHOD name` when the
/// name has several methods), as [`Run::summary`] builds it.
pub(crate) fn display_name(run: &Run, e: &EndpointSeries) -> String {
    let several = run
        .endpoints
        .iter()
        .any(|o| o.name == e.name && o.method != e.method);
    if several && !e.method.is_empty() {
        format!("{} {}", e.method, e.name)
    } else {
        e.name.to_string()
    }
}

impl SnapshotRun {
    /// The summary and histograms of a run.
    pub fn of(run: &Run) -> Result<SnapshotRun, SnapshotError> {
        let summary = run.summary();
        if summary.reported_by == ReportedBy::Tool {
            return Ok(SnapshotRun {
                summary,
                overall: None,
                endpoints: Vec::new(),
                blocks: Vec::new(),
            });
        }
        let endpoints = summary
            .endpoints
            .iter()
            .map(|s| {
                run.endpoints
                    .iter()
                    .find(|e| display_name(run, e) == s.name)
                    .map(|e| e.series.hist.clone())
                    .ok_or_else(|| {
                        SnapshotError::Invalid(format!("endpoint {} has no histogram", s.name))
                    })
            })
            .collect::<Result<_, _>>()?;
        let blocks = run
            .timeline
            .buckets()
            .filter(|b| b.requests > 0)
            .map(|b| {
                let mut latencies = crate::series::new_histogram::<u64>();
                for v in b.hist.iter_recorded() {
                    // The bucket's own value lands in the same bucket; the
                    // histogram auto-resizes, so recording cannot fail on range.
                    let _ =
                        latencies.record_n(v.value_iterated_to(), u64::from(v.count_at_value()));
                }
                TimeBlock {
                    requests: b.requests,
                    errors: b.errors,
                    latencies,
                }
            })
            .collect();
        Ok(SnapshotRun {
            summary,
            overall: Some(run.overall.hist.clone()),
            endpoints,
            blocks,
        })
    }
}

impl Snapshot {
    /// A snapshot of runs, with no slots filled.
    pub fn of_runs<'a>(runs: impl IntoIterator<Item = &'a Run>) -> Result<Snapshot, SnapshotError> {
        Ok(Snapshot {
            runs: runs
                .into_iter()
                .map(SnapshotRun::of)
                .collect::<Result<_, _>>()?,
            ..Snapshot::default()
        })
    }

    /// The same snapshot with endpoint names, run sources, groups,
    /// scenarios and hosts replaced by stable placeholders, everywhere
    /// (slots included).
    pub fn redacted(&self) -> Result<Snapshot, SnapshotError> {
        let mut endpoints: Vec<String> = self
            .runs
            .iter()
            .flat_map(|r| r.summary.endpoints.iter().map(|e| e.name.clone()))
            .collect();
        endpoints.sort();
        let mut groups = Vec::new();
        let mut scenarios = Vec::new();
        for e in self.runs.iter().flat_map(|r| &r.summary.endpoints) {
            groups.extend(e.groups.iter().cloned());
            scenarios.extend(e.scenarios.iter().cloned());
        }
        groups.sort();
        scenarios.sort();
        let sources: Vec<String> = self.runs.iter().map(|r| r.summary.source.clone()).collect();
        let mut redactor = Redactor::new([
            ("endpoint", endpoints),
            ("run", sources),
            ("group", groups),
            ("scenario", scenarios),
        ]);
        let mut out = self.clone();
        for run in &mut out.runs {
            let mut v = serde_json::to_value(&run.summary)
                .map_err(|e| SnapshotError::Invalid(e.to_string()))?;
            redactor.summary(&mut v);
            run.summary =
                serde_json::from_value(v).map_err(|e| SnapshotError::Invalid(e.to_string()))?;
        }
        for slot in [
            &mut out.comparison,
            &mut out.verdicts,
            &mut out.sla_rules,
            &mut out.capacity,
        ]
        .into_iter()
        .flatten()
        {
            redactor.value(slot);
        }
        out.redacted = true;
        Ok(out)
    }
}

pub(crate) fn clean_strings(v: &mut Value) {
    match v {
        Value::String(s) if s.chars().any(wire::is_forbidden_char) => *s = wire::clean_text(s),
        Value::Array(items) => items.iter_mut().for_each(clean_strings),
        Value::Object(map) => {
            let old = std::mem::take(map);
            for (k, mut item) in old {
                clean_strings(&mut item);
                map.insert(wire::clean_text(&k), item);
            }
        }
        _ => {}
    }
}

/// What goes into a snapshot text besides summaries and histograms.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct EncodeOptions {
    /// Keep each run's time blocks, so that runs can be compared again after
    /// decoding (for stored analyses; share links carry the comparison
    /// itself and stay shorter without them).
    pub time_blocks: bool,
}

/// Encodes a snapshot as share-link text: the runs' summaries only, at the
/// timeline resolution that fits [`LINK_BUDGET`] ([`link`]).
pub fn encode(s: &Snapshot) -> Result<String, SnapshotError> {
    encode_link(s).map(|l| l.text)
}

/// Encodes a snapshot as a share link, saying what it kept.
pub fn encode_link(s: &Snapshot) -> Result<Link, SnapshotError> {
    let longest = s
        .runs
        .iter()
        .map(|r| r.summary.timeline.points.len())
        .max()
        .unwrap_or(0);
    let mut first = None;
    for how in link::steps(longest) {
        let reduced = Snapshot {
            runs: s
                .runs
                .iter()
                .map(|r| {
                    let windows: Vec<link::Window<'_>> = r
                        .blocks
                        .iter()
                        .map(|b| (b.requests, b.errors, &b.latencies))
                        .collect();
                    SnapshotRun {
                        summary: link::reduced(&r.summary, &windows, how),
                        overall: None,
                        endpoints: Vec::new(),
                        blocks: Vec::new(),
                    }
                })
                .collect(),
            ..s.clone()
        };
        let text = write_text(&reduced, VERSION, false)?;
        let kept = reduced
            .runs
            .iter()
            .map(|r| r.summary.timeline.points.len())
            .max()
            .unwrap_or(0);
        let merged = reduced
            .runs
            .iter()
            .zip(&s.runs)
            .filter(|(a, b)| a.summary.timeline.points.len() < b.summary.timeline.points.len())
            .count();
        let within_budget = text.len() <= LINK_BUDGET;
        let made = Link {
            text,
            thinned_distributions: how.thin_distribution,
            timeline_windows: kept,
            merged_timelines: merged,
            within_budget,
        };
        if within_budget {
            return Ok(made);
        }
        first.get_or_insert(made);
    }
    // Too long at any step: then nothing is worth giving up.
    first.ok_or_else(|| SnapshotError::Invalid("nothing to encode".into()))
}

/// Encodes a snapshot in full (format 1): histograms, and time blocks when
/// asked, for analyses kept and compared again later.
pub fn encode_with(s: &Snapshot, options: EncodeOptions) -> Result<String, SnapshotError> {
    write_text(s, FULL_VERSION, options.time_blocks)
}

fn write_text(s: &Snapshot, version: u8, time_blocks: bool) -> Result<String, SnapshotError> {
    if s.runs.len() > MAX_RUNS {
        return Err(SnapshotError::Invalid(format!(
            "{} runs; a link holds at most {MAX_RUNS}",
            s.runs.len()
        )));
    }
    let mut runs = Vec::with_capacity(s.runs.len());
    for r in &s.runs {
        let mut summary = r.summary.clone();
        if r.overall.is_some() {
            // Recomputed from the histogram when the link is opened.
            summary.distribution.clear();
        }
        runs.push(
            serde_json::to_value(&summary).map_err(|e| SnapshotError::Invalid(e.to_string()))?,
        );
    }
    let slot = |v: &Option<Value>| v.clone().unwrap_or(Value::Null);
    let mut document = json!({
        "runs": runs,
        "comparison": slot(&s.comparison),
        "verdicts": slot(&s.verdicts),
        "sla_rules": slot(&s.sla_rules),
        "capacity": slot(&s.capacity),
        "redacted": s.redacted,
    });
    // Control characters would be refused on reading: replace them now.
    clean_strings(&mut document);

    let mut w = Writer {
        // Tables came with format 2.
        tables: version >= 2,
        ..Writer::default()
    };
    w.bytes.extend_from_slice(MAGIC);
    w.byte(version);
    w.value(&document);
    let walk = histogram::template();
    for r in &s.runs {
        match &r.overall {
            None => w.varint(0),
            Some(overall) => {
                if r.endpoints.len() != r.summary.endpoints.len() {
                    return Err(SnapshotError::Invalid(format!(
                        "{} endpoint histograms for {} endpoints",
                        r.endpoints.len(),
                        r.summary.endpoints.len()
                    )));
                }
                w.varint(1 + r.endpoints.len() as u64);
                for h in std::iter::once(overall).chain(&r.endpoints) {
                    histogram::write(&mut w, h, &walk).map_err(SnapshotError::Invalid)?;
                }
            }
        }
        let blocks: &[TimeBlock] = if time_blocks && r.overall.is_some() {
            &r.blocks
        } else {
            &[]
        };
        w.varint(blocks.len() as u64);
        for b in blocks {
            w.varint(b.requests);
            w.varint(b.errors);
            histogram::write(&mut w, &b.latencies, &walk).map_err(SnapshotError::Invalid)?;
        }
    }
    if w.bytes.len() > MAX_DECOMPRESSED {
        return Err(SnapshotError::TooLarge {
            what: "the analysis",
            limit: MAX_DECOMPRESSED,
        });
    }
    let mut z = ZlibEncoder::new(Vec::new(), Compression::best());
    z.write_all(&w.bytes)
        .and_then(|_| z.finish())
        .map_err(|e| SnapshotError::Invalid(format!("compression failed: {e}")))
        .and_then(|zipped| {
            let text = format!("{TEXT_PREFIX}{version}.{}", URL_SAFE_NO_PAD.encode(zipped));
            if text.len() > MAX_TEXT_BYTES {
                Err(SnapshotError::TooLarge {
                    what: "the link text",
                    limit: MAX_TEXT_BYTES,
                })
            } else {
                Ok(text)
            }
        })
}

/// The version a text claims, before anything else is read.
fn split_version(text: &str) -> Result<(u64, &str), SnapshotError> {
    let rest = text
        .strip_prefix(TEXT_PREFIX)
        .ok_or(SnapshotError::NotASnapshot)?;
    let (digits, body) = rest.split_once('.').ok_or(SnapshotError::NotASnapshot)?;
    if digits.is_empty() || digits.len() > 6 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(SnapshotError::NotASnapshot);
    }
    let version: u64 = digits.parse().map_err(|_| SnapshotError::NotASnapshot)?;
    Ok((version, body))
}

fn damaged(e: impl std::fmt::Display) -> SnapshotError {
    SnapshotError::Damaged(e.to_string())
}

/// Decodes share-link text (a leading `#` and surrounding whitespace are
/// ignored).
pub fn decode(text: &str) -> Result<Snapshot, SnapshotError> {
    let text = text.trim();
    let text = text.strip_prefix('#').unwrap_or(text);
    if text.len() > MAX_TEXT_BYTES {
        return Err(SnapshotError::TooLarge {
            what: "the link text",
            limit: MAX_TEXT_BYTES,
        });
    }
    let (version, body) = split_version(text)?;
    if version > u64::from(VERSION) {
        return Err(SnapshotError::TooNew { found: version });
    }
    if version == 0 {
        return Err(SnapshotError::NotASnapshot);
    }
    let zipped = URL_SAFE_NO_PAD
        .decode(body)
        .map_err(|e| damaged(format!("not base64url: {e}")))?;
    let mut bytes = Vec::new();
    let mut z = ZlibDecoder::new(&zipped[..]);
    (&mut z)
        .take(MAX_DECOMPRESSED as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| damaged(format!("cannot decompress: {e}")))?;
    if bytes.len() > MAX_DECOMPRESSED {
        return Err(SnapshotError::TooLarge {
            what: "the decompressed analysis",
            limit: MAX_DECOMPRESSED,
        });
    }
    if !z.into_inner().is_empty() {
        return Err(damaged("bytes after the end of the compressed data"));
    }
    read_payload(&bytes)
}

fn read_payload(bytes: &[u8]) -> Result<Snapshot, SnapshotError> {
    let mut r = Reader::new(bytes);
    let at = |e: wire::WireError| damaged(format!("at byte {}: {}", e.offset, e.reason));
    if r.take(4).map_err(at)? != MAGIC {
        return Err(damaged("wrong magic bytes"));
    }
    let inner = r.byte().map_err(at)?;
    if inner > VERSION {
        return Err(SnapshotError::TooNew {
            found: u64::from(inner),
        });
    }
    let document = r.value().map_err(at)?;
    let Value::Object(mut doc) = document else {
        return Err(SnapshotError::Invalid(
            "the document is not an object".into(),
        ));
    };
    let mut slot = |name: &str| match doc.remove(name) {
        None | Some(Value::Null) => None,
        Some(v) => Some(v),
    };
    let summaries = match slot("runs") {
        Some(Value::Array(runs)) => runs,
        None => Vec::new(),
        Some(_) => return Err(SnapshotError::Invalid("\"runs\" is not a list".into())),
    };
    if summaries.len() > MAX_RUNS {
        return Err(SnapshotError::Invalid(format!(
            "{} runs; a link holds at most {MAX_RUNS}",
            summaries.len()
        )));
    }
    let redacted = match slot("redacted") {
        None => false,
        Some(Value::Bool(b)) => b,
        Some(_) => {
            return Err(SnapshotError::Invalid(
                "\"redacted\" is not true or false".into(),
            ))
        }
    };
    let mut snapshot = Snapshot {
        comparison: slot("comparison"),
        verdicts: slot("verdicts"),
        sla_rules: slot("sla_rules"),
        capacity: slot("capacity"),
        redacted,
        runs: Vec::with_capacity(summaries.len()),
    };
    let walk = histogram::template();
    for (i, v) in summaries.into_iter().enumerate() {
        let mut summary: RunSummary = serde_json::from_value(v)
            .map_err(|e| SnapshotError::Invalid(format!("run {}: {e}", i + 1)))?;
        if inner >= 2 {
            link::restore_rates(&mut summary);
        }
        let count = r.count(1).map_err(at)?;
        let mut run = if count == 0 {
            SnapshotRun {
                summary,
                overall: None,
                endpoints: Vec::new(),
                blocks: Vec::new(),
            }
        } else {
            if count != 1 + summary.endpoints.len() {
                return Err(SnapshotError::Invalid(format!(
                    "run {}: {} histograms for {} endpoints",
                    i + 1,
                    count,
                    summary.endpoints.len()
                )));
            }
            let overall = histogram::read(&mut r, &walk).map_err(at)?;
            let endpoints = (0..summary.endpoints.len())
                .map(|_| histogram::read(&mut r, &walk).map_err(at))
                .collect::<Result<Vec<_>, _>>()?;
            check_counts(i, &summary, &overall, &endpoints)?;
            // Clamped to the exact min and max the summary carries, as when read.
            summary.distribution = crate::run::distribution(
                &overall,
                summary.latency_ms.min.unwrap_or(f64::NAN),
                summary.latency_ms.max.unwrap_or(f64::NAN),
            );
            SnapshotRun {
                summary,
                overall: Some(overall),
                endpoints,
                blocks: Vec::new(),
            }
        };
        run.blocks = read_blocks(&mut r, &walk, i, &run)?;
        snapshot.runs.push(run);
    }
    if !r.at_end() {
        return Err(damaged(format!(
            "{} unexpected bytes at the end",
            r.remaining()
        )));
    }
    Ok(snapshot)
}

/// A run's time blocks: each histogram holds its block's requests, and
/// together they hold no more than the run.
fn read_blocks(
    r: &mut Reader<'_>,
    walk: &Histogram<u64>,
    i: usize,
    run: &SnapshotRun,
) -> Result<Vec<TimeBlock>, SnapshotError> {
    let at = |e: wire::WireError| damaged(format!("at byte {}: {}", e.offset, e.reason));
    let n = r.count(3).map_err(at)?;
    if n > 0 && run.overall.is_none() {
        return Err(SnapshotError::Invalid(format!(
            "run {}: time blocks without latencies",
            i + 1
        )));
    }
    let mut blocks = Vec::with_capacity(n.min(4096));
    let mut total = 0u64;
    for _ in 0..n {
        let requests = r.varint().map_err(at)?;
        let errors = r.varint().map_err(at)?;
        let latencies = histogram::read(r, walk).map_err(at)?;
        total = total.saturating_add(requests);
        if errors > requests
            || latencies.len() != requests
            || total > run.summary.requests.unwrap_or(0)
        {
            return Err(SnapshotError::Invalid(format!(
                "run {}: a time block's counts do not add up",
                i + 1
            )));
        }
        blocks.push(TimeBlock {
            requests,
            errors,
            latencies,
        });
    }
    Ok(blocks)
}

/// A histogram must hold exactly the requests its summary counts.
fn check_counts(
    i: usize,
    s: &RunSummary,
    overall: &Histogram<u64>,
    endpoints: &[Histogram<u64>],
) -> Result<(), SnapshotError> {
    let mismatch = |what: &str, summary: Option<u64>, hist: u64| {
        SnapshotError::Invalid(format!(
            "run {}: {what} counts {} requests but its histogram holds {hist}",
            i + 1,
            summary.map_or("no".into(), |n| n.to_string())
        ))
    };
    if s.requests != Some(overall.len()) {
        return Err(mismatch("the run", s.requests, overall.len()));
    }
    for (e, h) in s.endpoints.iter().zip(endpoints) {
        if e.requests != Some(h.len()) {
            return Err(mismatch(
                &format!("endpoint {}", e.name),
                e.requests,
                h.len(),
            ));
        }
    }
    Ok(())
}

/// Decoded JSON object without its histograms, for display.
pub fn describe(s: &Snapshot) -> Value {
    let mut m = Map::new();
    m.insert("version".into(), json!(VERSION));
    m.insert("redacted".into(), json!(s.redacted));
    m.insert(
        "runs".into(),
        Value::Array(
            s.runs
                .iter()
                .map(|r| serde_json::to_value(&r.summary).unwrap_or(Value::Null))
                .collect(),
        ),
    );
    for (k, v) in [
        ("comparison", &s.comparison),
        ("verdicts", &s.verdicts),
        ("sla_rules", &s.sla_rules),
        ("capacity", &s.capacity),
    ] {
        m.insert(k.into(), v.clone().unwrap_or(Value::Null));
    }
    Value::Object(m)
}
