//! Analysis files (`.verdict`): one run reduced to what every analysis
//! needs, never a raw sample, so that a load generator can save its run
//! where the output lies and send a few hundred KB instead of gigabytes.
//!
//! A saved run reads back as the very [`Run`] it was saved from: the same
//! histograms (3 significant digits, bucket for bucket), exact counters
//! (requests, errors, the integer sum of durations, min and max), status
//! counts, the timeline with its concurrency, the per-endpoint time windows
//! that windowed SLA rules and comparisons use, checks, thresholds,
//! failures and warnings. So merging saved runs gives, to the last bit, what
//! merging the raw files gives, and every command reads a `.verdict` file
//! as one more input format, detected from its first bytes.
//!
//! Layout (all integers LEB128 varints unless said otherwise):
//!
//! ```text
//! MAGIC (8 bytes: 89 'V' 'R' 'D' 0d 0a 1a 0a)  version:u8
//! zlib stream of:
//!   document   one JSON value in the binary form of [`wire`] (f64 bit-exact):
//!              {"meta": {"sources", "labels", "tool", "start", "saved_by"},
//!               "run": {source, format, first_activity_us, last_end_us,
//!                       checks, peak_concurrency, thresholds, failures,
//!                       diagnostics, relative_time, time_resolution_us,
//!                       errors_unknown, tool, endpoints: [{name, method,
//!                       groups, scenarios}], transactions: [name]}}
//!   series     the whole run, then each endpoint in document order:
//!              requests errors sum_ns:i128-le min_ms:f64-le max_ms:f64-le
//!              statuses: count, then (text, count) each; histogram
//!   windows    per endpoint: width_us origin_us:zigzag count, then
//!              (requests errors histogram) per window
//!   timeline   origin_us:zigzag width_us count, then per bucket
//!              requests errors histogram concurrency (0, or 1 + f64-le)
//!   transactions  the series of each name in the document's `transactions`
//!              (JMeter Transaction Controllers; absent in older files)
//! ```
//!
//! Histograms use the snapshot's sparse bucket list ([`histogram`]). The
//! reader trusts nothing: the version is read before anything is
//! decompressed, decompression stops at [`MAX_DECOMPRESSED`], every count is
//! checked against the bytes left, and counters must agree with their
//! histograms. Every failure is a [`SavedError`], never a panic.

use std::collections::BTreeMap;
use std::io::{Read, Write};

use flate2::bufread::ZlibDecoder;
use flate2::write::ZlibEncoder;
use flate2::Compression;
use hdrhistogram::Histogram;
use serde::de::DeserializeOwned;
use serde_json::{json, Value};
use thiserror::Error;

use crate::format::Format;
use crate::run::{Diagnostics, EndpointSeries, Run, RunMeta, ToolReport};
use crate::series::{new_histogram, Series};
use crate::snapshot::histogram;
use crate::snapshot::wire::{self, Reader, Writer};
use crate::summary::{Checks, EndpointSummary, LatencyMs, PercentilePoint, TimelineSummary};
use crate::time::{format_rfc3339, Micros};
use crate::timeline::{Bucket, Timeline};
use crate::windows::EndpointWindows;

/// First bytes of every analysis file: a high byte (caught by 7-bit
/// transfers), `VRD`, and CR LF SUB LF (caught by line-ending conversion),
/// as PNG does.
pub const MAGIC: &[u8; 8] = b"\x89VRD\r\n\x1a\n";
/// The version this code writes and the newest it reads.
pub const VERSION: u8 = 1;
/// The usual file name ending.
pub const EXTENSION: &str = ".verdict";
/// Most bytes an analysis may decompress to (the per-endpoint windows of a
/// run are kept under 24 MB; the rest is small).
pub const MAX_DECOMPRESSED: usize = 96 << 20;
/// Most bytes of a file a reader buffers before decompressing.
pub const MAX_FILE_BYTES: usize = 64 << 20;

/// Why bytes are not an analysis file we can read.
#[derive(Debug, Error, Clone, PartialEq)]
#[non_exhaustive]
pub enum SavedError {
    /// The bytes do not start with the analysis file's magic bytes.
    #[error("not a Verdict analysis file (it does not start with the .verdict magic bytes)")]
    NotAnAnalysis,
    /// Made by a newer Verdict, in an analysis format this one does not read.
    #[error("made by a newer Verdict (analysis format {found}; this one reads up to {VERSION}); read it with a newer version")]
    TooNew {
        /// The file's analysis format version.
        found: u8,
    },
    /// The analysis exceeds a size limit.
    #[error("{what} exceeds {limit} bytes")]
    TooLarge {
        /// What exceeds it.
        what: &'static str,
        /// The limit, in bytes.
        limit: usize,
    },
    /// The decompressed content is damaged.
    #[error("damaged at byte {offset} of the decompressed analysis: {reason}")]
    Damaged {
        /// Where, in bytes from the start of the decompressed content.
        offset: usize,
        /// What was wrong there.
        reason: String,
    },
    /// The compressed body cannot be decompressed (or compressed).
    #[error("cannot decompress ({0}); the file is damaged or cut short")]
    Compression(String),
    /// The content is not a valid analysis.
    #[error("invalid analysis: {0}")]
    Invalid(String),
}

/// Whether `prefix` starts like an analysis file.
pub fn is_analysis(prefix: &[u8]) -> bool {
    prefix.starts_with(MAGIC)
}

fn invalid(e: impl std::fmt::Display) -> SavedError {
    SavedError::Invalid(e.to_string())
}

fn damaged(e: wire::WireError) -> SavedError {
    SavedError::Damaged {
        offset: e.offset,
        reason: e.reason,
    }
}

fn zigzag(v: i64) -> u64 {
    ((v << 1) ^ (v >> 63)) as u64
}

fn unzigzag(z: u64) -> i64 {
    ((z >> 1) as i64) ^ -((z & 1) as i64)
}

fn to_json(v: &impl serde::Serialize) -> Result<Value, SavedError> {
    serde_json::to_value(v).map_err(invalid)
}

fn from_json<T: DeserializeOwned>(what: &str, v: Value) -> Result<T, SavedError> {
    serde_json::from_value(v).map_err(|e| SavedError::Invalid(format!("{what}: {e}")))
}

fn u64_histogram<T: hdrhistogram::Counter>(h: &Histogram<T>) -> Histogram<u64> {
    let mut out = new_histogram::<u64>();
    for v in h.iter_recorded() {
        // Same precision on both sides, and ours auto-resizes.
        let _ = out.record_n(v.value_iterated_to(), v.count_at_value().as_u64());
    }
    out
}

fn u32_histogram(h: &Histogram<u64>) -> Result<Histogram<u32>, String> {
    let mut out = new_histogram::<u32>();
    for v in h.iter_recorded() {
        let n = u32::try_from(v.count_at_value())
            .map_err(|_| "a time window holds more than 4e9 requests of one latency")?;
        out.record_n(v.value_iterated_to(), n)
            .map_err(|e| format!("cannot hold a latency: {e:?}"))?;
    }
    Ok(out)
}

fn tool_json(t: &ToolReport) -> Result<Value, SavedError> {
    Ok(json!({
        "start_us": t.start_us,
        "duration_s": t.duration_s,
        "requests": t.requests,
        "errors": t.errors,
        "rps": t.rps,
        "latency_ms": to_json(&t.latency_ms)?,
        "endpoints": to_json(&t.endpoints)?,
        "status_codes": to_json(&t.status_codes)?,
        "checks": to_json(&t.checks)?,
        "peak_concurrency": t.peak_concurrency,
        "timeline": to_json(&t.timeline)?,
        "distribution": to_json(&t.distribution)?,
    }))
}

fn tool_from_json(v: Value) -> Result<ToolReport, SavedError> {
    let Value::Object(mut m) = v else {
        return Err(invalid("the tool report is not an object"));
    };
    let mut take = |k: &str| m.remove(k).unwrap_or(Value::Null);
    Ok(ToolReport {
        start_us: from_json("tool start", take("start_us"))?,
        duration_s: from_json("tool duration", take("duration_s"))?,
        requests: from_json("tool requests", take("requests"))?,
        errors: from_json("tool errors", take("errors"))?,
        rps: from_json("tool rps", take("rps"))?,
        latency_ms: from_json::<LatencyMs>("tool latency", take("latency_ms"))?,
        endpoints: from_json::<Vec<EndpointSummary>>("tool endpoints", take("endpoints"))?,
        status_codes: from_json::<BTreeMap<String, u64>>("tool statuses", take("status_codes"))?,
        checks: from_json::<Option<Checks>>("tool checks", take("checks"))?,
        peak_concurrency: from_json("tool concurrency", take("peak_concurrency"))?,
        timeline: from_json::<TimelineSummary>("tool timeline", take("timeline"))?,
        distribution: from_json::<Vec<PercentilePoint>>("tool distribution", take("distribution"))?,
    })
}

fn write_f64(w: &mut Writer, x: f64) {
    w.bytes.extend_from_slice(&x.to_le_bytes());
}

fn read_f64(r: &mut Reader<'_>) -> Result<f64, wire::WireError> {
    let mut b = [0u8; 8];
    b.copy_from_slice(r.take(8)?);
    Ok(f64::from_le_bytes(b))
}

fn write_histogram<T: hdrhistogram::Counter>(
    w: &mut Writer,
    h: &Histogram<T>,
    walk: &Histogram<u64>,
) -> Result<(), SavedError> {
    histogram::write(w, &u64_histogram(h), walk).map_err(SavedError::Invalid)
}

fn write_series(w: &mut Writer, s: &Series, walk: &Histogram<u64>) -> Result<(), SavedError> {
    w.varint(s.requests);
    w.varint(s.errors);
    w.bytes.extend_from_slice(&s.sum_ns.to_le_bytes());
    write_f64(w, s.min_ms);
    write_f64(w, s.max_ms);
    w.varint(s.statuses.len() as u64);
    for (status, n) in &s.statuses {
        w.string(&wire::clean_text(status));
        w.varint(*n);
    }
    histogram::write(w, &s.hist, walk).map_err(SavedError::Invalid)
}

fn read_series(r: &mut Reader<'_>, walk: &Histogram<u64>) -> Result<Series, SavedError> {
    let requests = r.varint().map_err(damaged)?;
    let errors = r.varint().map_err(damaged)?;
    let mut b = [0u8; 16];
    b.copy_from_slice(r.take(16).map_err(damaged)?);
    let sum_ns = i128::from_le_bytes(b);
    let min_ms = read_f64(r).map_err(damaged)?;
    let max_ms = read_f64(r).map_err(damaged)?;
    let n = r.count(2).map_err(damaged)?;
    let mut statuses = Vec::with_capacity(n.min(256));
    for _ in 0..n {
        let status = r.string().map_err(damaged)?;
        statuses.push((status.into_boxed_str(), r.varint().map_err(damaged)?));
    }
    let hist = histogram::read(r, walk).map_err(damaged)?;
    // A series counts every request, with or without a usable duration: its
    // histogram never holds more.
    if errors > requests || hist.len() > requests || min_ms.is_nan() || max_ms.is_nan() {
        return Err(invalid("a series' counts do not add up"));
    }
    Ok(Series {
        hist,
        requests,
        errors,
        sum_ns,
        min_ms,
        max_ms,
        statuses,
    })
}

/// Everything about a run that is not a histogram or a counter of one.
fn document(run: &Run) -> Result<Value, SavedError> {
    let d = &run.diagnostics;
    let endpoints: Vec<Value> = run
        .endpoints
        .iter()
        .map(|e| {
            json!({
                "name": &*e.name,
                "method": &*e.method,
                "groups": e.groups.iter().map(|g| &**g).collect::<Vec<_>>(),
                "scenarios": e.scenarios.iter().map(|g| &**g).collect::<Vec<_>>(),
            })
        })
        .collect();
    let start = if run.relative_time() {
        None
    } else {
        run.first_activity_us
            .or(run.tool.as_ref().and_then(|t| t.start_us))
            .map(format_rfc3339)
    };
    Ok(json!({
        "meta": {
            "sources": run.sources(),
            "labels": &run.meta.labels,
            "tool": run.format.as_str(),
            "start": start,
            "saved_by": concat!("verdict ", env!("CARGO_PKG_VERSION")),
        },
        "run": {
            "source": &run.source,
            "format": run.format.as_str(),
            "first_activity_us": run.first_activity_us,
            "last_end_us": run.last_end_us,
            "checks": to_json(&run.checks)?,
            "peak_concurrency": run.peak_concurrency,
            "thresholds": to_json(&run.thresholds)?,
            "failures": to_json(&run.failures)?,
            "diagnostics": {
                "skipped_lines": d.skipped_lines,
                "examples": to_json(&d.examples)?,
                "warnings": &d.warnings,
                "clamped": d.clamped,
                "implausible_times": d.implausible_times,
                "cut": &d.cut,
            },
            "relative_time": run.relative_time(),
            "time_resolution_us": run.time_resolution_us(),
            "errors_unknown": run.errors_unknown(),
            "tool": match &run.tool { Some(t) => tool_json(t)?, None => Value::Null },
            "endpoints": endpoints,
            "transactions": run.transactions.keys().map(|k| &**k).collect::<Vec<_>>(),
        },
    }))
}

/// Writes a run as an analysis file.
pub fn save(run: &Run) -> Result<Vec<u8>, SavedError> {
    let mut doc = document(run)?;
    // Control characters would be refused on reading: replace them now.
    crate::snapshot::clean_strings(&mut doc);
    let mut w = Writer::default();
    w.value(&doc);
    let walk = histogram::template();
    write_series(&mut w, &run.overall, &walk)?;
    for e in &run.endpoints {
        write_series(&mut w, &e.series, &walk)?;
    }
    for e in &run.endpoints {
        let windows = e.windows.flushed();
        w.varint(windows.width_us() as u64);
        w.varint(zigzag(windows.origin_us()));
        w.varint(windows.stored_windows() as u64);
        for i in 0..windows.stored_windows() {
            let (requests, errors, hist) = windows
                .stored(i)
                .ok_or_else(|| invalid("a window went missing"))?;
            w.varint(requests);
            w.varint(errors);
            write_histogram(&mut w, &hist, &walk)?;
        }
    }
    let tl = &run.timeline;
    w.varint(zigzag(tl.origin_us()));
    w.varint(tl.width_us() as u64);
    w.varint(tl.buckets().len() as u64);
    for b in tl.buckets() {
        w.varint(b.requests);
        w.varint(b.errors);
        write_histogram(&mut w, &b.hist, &walk)?;
        match b.concurrency {
            None => w.byte(0),
            Some(c) => {
                w.byte(1);
                write_f64(&mut w, c);
            }
        }
    }
    for series in run.transactions.values() {
        write_series(&mut w, series, &walk)?;
    }
    if w.bytes.len() > MAX_DECOMPRESSED {
        return Err(SavedError::TooLarge {
            what: "the analysis",
            limit: MAX_DECOMPRESSED,
        });
    }
    let mut out = Vec::with_capacity(w.bytes.len() / 4 + 16);
    out.extend_from_slice(MAGIC);
    out.push(VERSION);
    let mut z = ZlibEncoder::new(out, Compression::best());
    z.write_all(&w.bytes)
        .and_then(|_| z.finish())
        .map_err(|e| SavedError::Compression(e.to_string()))
}

/// What an analysis file says about its run, read without the numbers.
#[derive(Debug, Clone, PartialEq)]
pub struct SavedMeta {
    /// The raw result files the run was read from.
    pub sources: Vec<String>,
    /// `key=value` labels given when saving.
    pub labels: BTreeMap<String, String>,
    /// The format the run was read from (`k6-ndjson`).
    pub tool: String,
    /// RFC 3339 start of the run, when known.
    pub start: Option<String>,
    /// The Verdict version that saved the file.
    pub saved_by: Option<String>,
}

fn take<T: DeserializeOwned + Default>(
    m: &mut serde_json::Map<String, Value>,
    k: &str,
) -> Result<T, SavedError> {
    match m.remove(k) {
        None | Some(Value::Null) => Ok(T::default()),
        Some(v) => from_json(k, v),
    }
}

fn object(v: Option<Value>, what: &str) -> Result<serde_json::Map<String, Value>, SavedError> {
    match v {
        Some(Value::Object(m)) => Ok(m),
        _ => Err(SavedError::Invalid(format!("{what} is missing"))),
    }
}

fn decompress(bytes: &[u8]) -> Result<Vec<u8>, SavedError> {
    let rest = bytes
        .strip_prefix(&MAGIC[..])
        .ok_or(SavedError::NotAnAnalysis)?;
    let (&version, zipped) = rest.split_first().ok_or(SavedError::Compression(
        "the file ends after its magic bytes".into(),
    ))?;
    if version > VERSION {
        return Err(SavedError::TooNew { found: version });
    }
    if version == 0 {
        return Err(SavedError::NotAnAnalysis);
    }
    let mut out = Vec::new();
    let mut z = ZlibDecoder::new(zipped);
    (&mut z)
        .take(MAX_DECOMPRESSED as u64 + 1)
        .read_to_end(&mut out)
        .map_err(|e| SavedError::Compression(e.to_string()))?;
    if out.len() > MAX_DECOMPRESSED {
        return Err(SavedError::TooLarge {
            what: "the decompressed analysis",
            limit: MAX_DECOMPRESSED,
        });
    }
    if !z.into_inner().is_empty() {
        return Err(SavedError::Compression(
            "bytes after the end of the compressed data".into(),
        ));
    }
    Ok(out)
}

/// Reads a run back from an analysis file.
pub fn load(bytes: &[u8]) -> Result<(Run, SavedMeta), SavedError> {
    let plain = decompress(bytes)?;
    let mut r = Reader::new(&plain);
    let Value::Object(mut doc) = r.value().map_err(damaged)? else {
        return Err(invalid("the document is not an object"));
    };
    let mut meta = object(doc.remove("meta"), "\"meta\"")?;
    let saved = SavedMeta {
        sources: take(&mut meta, "sources")?,
        labels: take(&mut meta, "labels")?,
        tool: take(&mut meta, "tool")?,
        start: take(&mut meta, "start")?,
        saved_by: take(&mut meta, "saved_by")?,
    };
    let mut d = object(doc.remove("run"), "\"run\"")?;
    let source: String = take(&mut d, "source")?;
    let format_name: String = take(&mut d, "format")?;
    let format = Format::from_name(&format_name).map_err(invalid)?;
    let mut run = Run::new(source, format);
    run.meta = RunMeta {
        sources: saved.sources.clone(),
        labels: saved.labels.clone(),
    };
    run.first_activity_us = take::<Option<Micros>>(&mut d, "first_activity_us")?;
    run.last_end_us = take::<Option<Micros>>(&mut d, "last_end_us")?;
    run.checks = take(&mut d, "checks")?;
    run.peak_concurrency = take(&mut d, "peak_concurrency")?;
    run.thresholds = take(&mut d, "thresholds")?;
    run.failures = take(&mut d, "failures")?;
    let mut diag = object(d.remove("diagnostics"), "\"diagnostics\"")?;
    run.diagnostics = Diagnostics {
        skipped_lines: take(&mut diag, "skipped_lines")?,
        examples: take(&mut diag, "examples")?,
        warnings: take(&mut diag, "warnings")?,
        clamped: take(&mut diag, "clamped")?,
        implausible_times: take(&mut diag, "implausible_times")?,
        // A run saved from a cut file stays partial when read back.
        cut: take(&mut diag, "cut")?,
    };
    if take::<bool>(&mut d, "relative_time")? {
        run.set_relative_time();
    }
    run.set_time_resolution(take(&mut d, "time_resolution_us")?);
    if take::<bool>(&mut d, "errors_unknown")? {
        run.set_errors_unknown();
    }
    run.tool = match d.remove("tool") {
        None | Some(Value::Null) => None,
        Some(v) => Some(tool_from_json(v)?),
    };
    let names: Vec<Value> = take(&mut d, "endpoints")?;
    let transactions: Vec<String> = take(&mut d, "transactions")?;
    if transactions.len() > crate::run::MAX_ENDPOINTS + 1 {
        return Err(invalid(format!("{} transactions", transactions.len())));
    }
    if names.len() > crate::run::MAX_ENDPOINTS + 1 {
        return Err(invalid(format!("{} endpoints", names.len())));
    }

    let walk = histogram::template();
    run.overall = read_series(&mut r, &walk)?;
    let mut endpoints = Vec::with_capacity(names.len());
    for v in names {
        let Value::Object(mut m) = v else {
            return Err(invalid("an endpoint is not an object"));
        };
        let texts = |v: Vec<String>| v.into_iter().map(String::into_boxed_str).collect();
        endpoints.push(EndpointSeries {
            name: take::<String>(&mut m, "name")?.into(),
            method: take::<String>(&mut m, "method")?.into(),
            groups: texts(take(&mut m, "groups")?),
            scenarios: texts(take(&mut m, "scenarios")?),
            series: read_series(&mut r, &walk)?,
            windows: EndpointWindows::default(),
        });
    }
    for e in &mut endpoints {
        let width = i64::try_from(r.varint().map_err(damaged)?).unwrap_or(0);
        let origin = unzigzag(r.varint().map_err(damaged)?);
        let n = r.count(3).map_err(damaged)?;
        let mut windows = Vec::with_capacity(n.min(crate::windows::MAX_WINDOWS));
        for _ in 0..n {
            let requests = r.varint().map_err(damaged)?;
            let errors = r.varint().map_err(damaged)?;
            let hist = histogram::read(&mut r, &walk).map_err(damaged)?;
            if errors > requests || hist.len() > requests {
                return Err(invalid(format!("a window of {} does not add up", e.name)));
            }
            windows.push((requests, errors, u32_histogram(&hist).map_err(invalid)?));
        }
        e.windows = EndpointWindows::from_stored(width, origin, windows).ok_or_else(|| {
            invalid(format!(
                "the time windows of {} are not aligned as Verdict keeps them",
                e.name
            ))
        })?;
    }
    for e in endpoints {
        run.restore_endpoint(e);
    }
    let origin = unzigzag(r.varint().map_err(damaged)?);
    let width = i64::try_from(r.varint().map_err(damaged)?).unwrap_or(0);
    let n = r.count(4).map_err(damaged)?;
    let mut buckets = Vec::with_capacity(n.min(crate::timeline::MAX_BUCKETS));
    for _ in 0..n {
        let requests = r.varint().map_err(damaged)?;
        let errors = r.varint().map_err(damaged)?;
        let hist = histogram::read(&mut r, &walk).map_err(damaged)?;
        let concurrency = match r.byte().map_err(damaged)? {
            0 => None,
            1 => Some(read_f64(&mut r).map_err(damaged)?).filter(|c| c.is_finite()),
            other => return Err(invalid(format!("unknown concurrency tag {other}"))),
        };
        if errors > requests || hist.len() > requests {
            return Err(invalid("a timeline window does not add up"));
        }
        buckets.push(Bucket {
            requests,
            errors,
            hist: u32_histogram(&hist).map_err(invalid)?,
            concurrency,
        });
    }
    run.timeline = Timeline::from_parts(origin, width, buckets)
        .ok_or_else(|| invalid("the timeline is not aligned as Verdict keeps it"))?;
    for name in transactions {
        let series = read_series(&mut r, &walk)?;
        run.transactions.insert(name.into(), series);
    }
    if !r.at_end() {
        return Err(SavedError::Damaged {
            offset: plain.len() - r.remaining(),
            reason: format!("{} unexpected bytes at the end", r.remaining()),
        });
    }
    Ok((run, saved))
}
