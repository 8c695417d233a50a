//! Helpers for the fixture tests: read a fixture under its real name and a
//! neutral one at several chunk sizes, and compare with exact references.
#![allow(dead_code)]

use std::path::PathBuf;

use serde_json::Value;
use verdict_core::summary::RunSummary;
use verdict_core::{Format, IngestError, IngestOptions, Session};

/// Chunk sizes every fixture is fed with (`usize::MAX` = whole file).
pub const CHUNKS: [usize; 4] = [1, 7, 4096, usize::MAX];

pub fn path(rel: &str) -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/fixtures")).join(rel)
}

pub fn bytes(rel: &str) -> Vec<u8> {
    std::fs::read(path(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// The fixture's text (decompressed when it ends in `.gz`).
pub fn text(rel: &str) -> String {
    let raw = bytes(rel);
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

fn ingest(name: &str, data: &[u8], chunk: usize) -> Result<RunSummary, IngestError> {
    let mut s = Session::new(name, IngestOptions::default());
    for c in data.chunks(chunk.min(data.len().max(1))) {
        s.feed(c)?;
    }
    s.finish().map(|r| r.summary())
}

fn file_name(rel: &str) -> &str {
    rel.rsplit('/').next().unwrap_or(rel)
}

/// Reads `rel` as its real name and as "input", at every chunk size; all
/// eight summaries must agree and be in `format`.
pub fn read_everywhere(rel: &str, format: Format) -> RunSummary {
    let data = bytes(rel);
    let mut first: Option<RunSummary> = None;
    for name in [file_name(rel), "input"] {
        for chunk in CHUNKS {
            let mut s = ingest(name, &data, chunk)
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

/// Reads `rel` everywhere and expects the same error each time.
pub fn error_everywhere(rel: &str) -> IngestError {
    let data = bytes(rel);
    let mut first: Option<IngestError> = None;
    for name in [file_name(rel), "input"] {
        for chunk in CHUNKS {
            let e = ingest(name, &data, chunk).expect_err(&format!("{rel} must not parse"));
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
