//! The one helper module of the core's fixture tests: reading fixture files
//! the way the CLI and the app do (in chunks of any size, under the file's
//! real name or a neutral one), and checking summaries against exact
//! references (a tool's `truth.json`, or samples parsed independently).

#![allow(dead_code)]

use std::path::PathBuf;

use serde_json::Value;
use verdict_core::{Format, IngestError, IngestOptions, Run, RunSummary, Session};

/// Chunk sizes every fixture is read at (`usize::MAX` = the whole file at once).
pub const CHUNKINGS: [usize; 4] = [1, 7, 4096, usize::MAX];

/// The bytes of `tests/fixtures/<relative>` at the repository root.
pub fn fixture(relative: &str) -> Vec<u8> {
    let path = fixture_path(relative);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
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

/// The path of `tests/fixtures/<rel>` at the repository root.
pub fn fixture_path(rel: &str) -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/fixtures")).join(rel)
}

/// The fixture's text (decompressed when it ends in `.gz`).
pub fn text(rel: &str) -> String {
    let raw = fixture(rel);
    if rel.ends_with(".gz") {
        use std::io::Read;
        let mut out = String::new();
        flate2::read::MultiGzDecoder::new(&raw[..])
            .read_to_string(&mut out)
            .expect("gzip text");
        out
    } else {
        String::from_utf8_lossy(&raw).into_owned()
    }
}

fn file_name(rel: &str) -> &str {
    rel.rsplit('/').next().unwrap_or(rel)
}

/// Reads `tests/fixtures/<rel>` as its real name and as "input", at every
/// chunking; all eight summaries must agree and be in `format`.
pub fn read_everywhere(rel: &str, format: Format) -> RunSummary {
    let data = fixture(rel);
    let mut first: Option<RunSummary> = None;
    for name in [file_name(rel), "input"] {
        for chunk in CHUNKINGS {
            let mut s = read(name, &data, &IngestOptions::default(), chunk)
                .map(|r| r.summary())
                .unwrap_or_else(|e| panic!("{rel} as {name}, chunk {chunk}: {e}"));
            assert_eq!(s.format, format, "{rel} as {name}");
            s.source = file_name(rel).to_string();
            match &first {
                None => first = Some(s),
                Some(f) => assert!(*f == s, "{rel}: summary differs as {name} at chunk {chunk}"),
            }
        }
    }
    first.expect("read at least once")
}

/// Reads `tests/fixtures/<rel>` everywhere and expects the same error
/// message each time (the file's name aside).
pub fn fixture_error_everywhere(rel: &str) -> IngestError {
    let data = fixture(rel);
    let mut first: Option<IngestError> = None;
    for name in [file_name(rel), "input"] {
        for chunk in CHUNKINGS {
            let e = read(name, &data, &IngestOptions::default(), chunk)
                .expect_err(&format!("{rel} must not parse"));
            let msg = e.to_string().replace(name, "<file>");
            match &first {
                None => first = Some(e),
                Some(f) => assert_eq!(
                    f.to_string().replace(file_name(rel), "<file>"),
                    msg,
                    "{rel} as {name} at chunk {chunk}"
                ),
            }
        }
    }
    first.expect("read at least once")
}

/// numpy `linear` and `inverted_cdf` percentiles of sorted values.
pub fn percentiles(sorted: &[f64], p: f64) -> (f64, f64) {
    let n = sorted.len();
    let h = (n - 1) as f64 * p;
    let lo = h.floor() as usize;
    let linear = if lo + 1 < n {
        sorted[lo] + (h - lo as f64) * (sorted[lo + 1] - sorted[lo])
    } else {
        sorted[lo]
    };
    let rank = ((n as f64 * p).ceil() as usize).clamp(1, n);
    (linear, sorted[rank - 1])
}

fn in_bracket(what: &str, got: Option<f64>, a: f64, b: f64) {
    let got = got.unwrap_or_else(|| panic!("{what}: no value"));
    let (lo, hi) = (a.min(b) * 0.999, a.max(b) * 1.001);
    assert!(
        got >= lo - 1e-9 && got <= hi + 1e-9,
        "{what}: {got} outside [{lo}, {hi}]"
    );
}

const QUANTILES: [(&str, f64); 5] = [
    ("p50", 0.5),
    ("p90", 0.9),
    ("p95", 0.95),
    ("p99", 0.99),
    ("p99.9", 0.999),
];

fn ours(l: &verdict_core::summary::LatencyMs, key: &str) -> Option<f64> {
    match key {
        "p50" => l.p50,
        "p90" => l.p90,
        "p95" => l.p95,
        "p99" => l.p99,
        _ => l.p999,
    }
}

/// Checks counts, errors and percentiles against a `truth.json` (overall and
/// per endpoint; `endpoint` maps a truth endpoint name to ours).
pub fn check_truth(s: &RunSummary, truth_rel: &str, endpoint: impl Fn(&str) -> String) {
    let truth: Value = serde_json::from_str(&text(truth_rel)).expect("truth json");
    let check = |what: &str,
                 block: &Value,
                 requests: Option<u64>,
                 errors: Option<u64>,
                 lat: &verdict_core::summary::LatencyMs| {
        assert_eq!(requests, block["count"].as_u64(), "{what} count");
        assert_eq!(errors, block["errors"].as_u64(), "{what} errors");
        for (key, _) in QUANTILES {
            let a = block["percentiles_linear"][key].as_f64().expect("linear");
            let b = block["percentiles_inverted_cdf"][key]
                .as_f64()
                .expect("icdf");
            in_bracket(&format!("{what} {key}"), ours(lat, key), a, b);
        }
    };
    check(
        "overall",
        &truth["overall"],
        s.requests,
        s.errors,
        &s.latency_ms,
    );
    let eps = truth["endpoints"].as_object().expect("endpoints");
    assert_eq!(s.endpoints.len(), eps.len(), "endpoint count");
    for (name, block) in eps {
        let ours = endpoint(name);
        let e = s
            .endpoints
            .iter()
            .find(|e| e.name == ours)
            .unwrap_or_else(|| panic!("endpoint {ours} missing"));
        check(name, block, e.requests, e.errors, &e.latency_ms);
    }
}

/// One request of an independently computed reference.
#[derive(Debug, Clone)]
pub struct Sample {
    pub name: String,
    pub ms: f64,
    pub failed: bool,
}

/// Checks a summary against samples parsed independently in the test.
pub fn check_reference(s: &RunSummary, samples: &[Sample]) {
    let check = |what: &str,
                 subset: Vec<&Sample>,
                 requests: Option<u64>,
                 errors: Option<u64>,
                 lat: &verdict_core::summary::LatencyMs| {
        assert_eq!(requests, Some(subset.len() as u64), "{what} count");
        assert_eq!(
            errors,
            Some(subset.iter().filter(|x| x.failed).count() as u64),
            "{what} errors"
        );
        let mut v: Vec<f64> = subset.iter().map(|x| x.ms).collect();
        v.sort_by(f64::total_cmp);
        for (key, p) in QUANTILES {
            let (a, b) = percentiles(&v, p);
            in_bracket(&format!("{what} {key}"), ours(lat, key), a, b);
        }
        let max = v.last().copied();
        assert_eq!(lat.max, max, "{what} max");
        assert_eq!(lat.min, v.first().copied(), "{what} min");
    };
    check(
        "overall",
        samples.iter().collect(),
        s.requests,
        s.errors,
        &s.latency_ms,
    );
    let mut names: Vec<&str> = samples.iter().map(|x| x.name.as_str()).collect();
    names.sort();
    names.dedup();
    assert_eq!(s.endpoints.len(), names.len(), "endpoint count");
    for name in names {
        let e = s
            .endpoints
            .iter()
            .find(|e| e.name == name)
            .unwrap_or_else(|| panic!("endpoint {name} missing"));
        check(
            name,
            samples.iter().filter(|x| x.name == name).collect(),
            e.requests,
            e.errors,
            &e.latency_ms,
        );
    }
}

/// Splits one CSV line (RFC 4180 quotes), for reference parsers in tests.
pub fn csv_fields(line: &str, sep: char) -> Vec<String> {
    let mut out = vec![String::new()];
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                chars.next();
                out.last_mut().expect("field").push('"');
            }
            '"' => quoted = !quoted,
            c if c == sep && !quoted => out.push(String::new()),
            c => out.last_mut().expect("field").push(c),
        }
    }
    out
}

/// Logical CSV records of a text (quoted newlines kept inside a record).
pub fn csv_records(text: &str, sep: char) -> Vec<Vec<String>> {
    let mut records = Vec::new();
    let mut pending = String::new();
    for line in text.lines() {
        if !pending.is_empty() {
            pending.push('\n');
        }
        pending.push_str(line);
        if pending.matches('"').count().is_multiple_of(2) {
            if !pending.trim().is_empty() {
                records.push(csv_fields(&pending, sep));
            }
            pending.clear();
        }
    }
    records
}
