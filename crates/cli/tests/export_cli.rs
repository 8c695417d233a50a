//! `verdict export --hlog`, end to end on real runs: the interval log reads
//! back through Verdict's own `.hlog` reader and through HdrHistogram's
//! Python library (PyPI `hdrhistogram`) to the counts and percentiles the
//! run had. `scripts/test.sh` installs the Python packages and names their
//! interpreter in `VERDICT_PYTHON`.

mod common;

use common::{fixture, json, level, verdict};

use std::path::PathBuf;
use std::process::Command;

use serde_json::Value;

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("verdict-export-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

fn s(p: &std::path::Path) -> &str {
    p.to_str().expect("utf-8 path")
}

fn summary(file: &str) -> Value {
    let out = verdict(&["summary", "--json", file]);
    assert_eq!(out.status.code(), Some(0), "summary {file}");
    json(&out)["runs"][0].clone()
}

/// A Python with the given modules, or `None` (then the caller skips, except
/// under CI or with `VERDICT_PYTHON` set, where a missing module fails).
pub fn python_with(modules: &str) -> Option<String> {
    let named = std::env::var("VERDICT_PYTHON").ok();
    let python = named.clone().unwrap_or_else(|| "python3".into());
    let ok = Command::new(&python)
        .args(["-c", &format!("import {modules}")])
        .output()
        .is_ok_and(|o| o.status.success());
    if ok {
        return Some(python);
    }
    assert!(
        named.is_none() && std::env::var_os("CI").is_none(),
        "{python} cannot import {modules}: run scripts/test.sh, which installs them"
    );
    eprintln!("skipped: no Python with {modules} (scripts/test.sh installs it)");
    None
}

const LATENCIES: [&str; 5] = ["p50", "p90", "p95", "p99", "p999"];

/// The run's percentiles (ms) in whole µs, as the histogram holds them.
fn us(v: &Value) -> i64 {
    (v.as_f64().expect("a number") * 1000.0).round() as i64
}

fn runs() -> Vec<String> {
    vec![
        level("050"),
        fixture("k6/ramping/run.json.gz"),
        fixture("jmeter/real/results.jtl"),
    ]
}

#[test]
fn an_exported_log_reads_back_in_verdict_as_the_run() {
    let dir = scratch("verdict");
    for raw in runs() {
        let out_path = dir.join("run.hlog");
        let out = verdict(&["export", &raw, "--hlog", s(&out_path)]);
        assert_eq!(out.status.code(), Some(0), "{raw}");
        let (want, got) = (summary(&raw), summary(s(&out_path)));
        assert_eq!(got["format"], "hlog");
        assert_eq!(got["requests"], want["requests"], "{raw}");
        assert_eq!(got["latency_ms"]["p99"], want["latency_ms"]["p99"], "{raw}");
        let names = |v: &Value| -> Vec<Value> {
            v["endpoints"]
                .as_array()
                .expect("endpoints")
                .iter()
                .map(|e| {
                    let mut l = e["latency_ms"].clone();
                    // min and mean are exact in the run, bucketed in a histogram.
                    l["min"] = Value::Null;
                    l["mean"] = Value::Null;
                    l["max"] = Value::Null;
                    serde_json::json!([e["name"], e["requests"], l])
                })
                .collect()
        };
        // Endpoint names survive the tags' percent-encoding.
        assert_eq!(names(&got), names(&want), "{raw}");
        // Errors are not in an interval log: unknown, not zero.
        assert_eq!(got["errors"], Value::Null);
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn hdrhistogram_python_reads_the_log_to_the_same_numbers() {
    let Some(python) = python_with("hdrh") else {
        return;
    };
    let script = format!(
        "{}/../../tests/python/read_hlog.py",
        env!("CARGO_MANIFEST_DIR")
    );
    let dir = scratch("python");
    for raw in runs() {
        let out_path = dir.join("run.hlog");
        let out = verdict(&["export", &raw, "--hlog", s(&out_path)]);
        assert_eq!(out.status.code(), Some(0), "{raw}");
        let read = Command::new(&python)
            .args([script.as_str(), s(&out_path)])
            .output()
            .expect("runs python");
        assert!(
            read.status.success(),
            "{}",
            String::from_utf8_lossy(&read.stderr)
        );
        let py: Value = serde_json::from_slice(&read.stdout).expect("the script prints JSON");
        let want = summary(&raw);
        let check = |theirs: &Value, ours_requests: &Value, ours: &Value, what: &str| {
            assert_eq!(&theirs["count"], ours_requests, "{raw} {what}: count");
            for p in LATENCIES {
                assert_eq!(theirs[p].as_i64(), Some(us(&ours[p])), "{raw} {what}: {p}");
            }
        };
        check(&py["all"], &want["requests"], &want["latency_ms"], "all");
        let endpoints = want["endpoints"].as_array().expect("endpoints");
        assert_eq!(
            py["tags"].as_object().map(|t| t.len()),
            Some(endpoints.len())
        );
        for e in endpoints {
            let name = e["name"].as_str().expect("a name");
            check(&py["tags"][name], &e["requests"], &e["latency_ms"], name);
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn export_refuses_what_has_no_histograms() {
    let dir = scratch("refuse");
    let out = dir.join("x.hlog");
    let tool_summary = fixture("k6/constant_vus/vus_010/summary.json");
    let o = verdict(&["export", &tool_summary, "--hlog", s(&out)]);
    assert_eq!(o.status.code(), Some(65));
    let said = String::from_utf8_lossy(&o.stderr);
    assert!(said.contains("summary.json"), "{said}");
    assert_eq!(verdict(&["export", &tool_summary]).status.code(), Some(64));
    let _ = std::fs::remove_dir_all(&dir);
}
