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

/// A percentile read from the log is the run's, except where the run clamped
/// it to its exact max (a high percentile of few requests): a histogram keeps
/// no exact max, so the log reports the top of the max's bucket, at most one
/// part in a thousand above it (3 significant digits).
fn same_percentile(from_log_us: i64, run_us: i64, run_max_us: i64) -> bool {
    from_log_us == run_us
        || (run_us == run_max_us
            && from_log_us >= run_us
            && (from_log_us - run_us) as f64 <= run_us as f64 / 1000.0 + 1.0)
}

/// Every latency percentile of `got` (read from the log) against `want` (the run).
fn assert_same_latencies(got: &Value, want: &Value, what: &str) {
    for p in LATENCIES {
        let (g, w, max) = (us(&got[p]), us(&want[p]), us(&want["max"]));
        assert!(
            same_percentile(g, w, max),
            "{what}: {p} {g} µs from the log, {w} µs in the run (max {max} µs)"
        );
    }
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
        assert_same_latencies(&got["latency_ms"], &want["latency_ms"], &raw);
        let endpoints = |v: &Value| -> Vec<(Value, Value, Value)> {
            v["endpoints"]
                .as_array()
                .expect("endpoints")
                .iter()
                .map(|e| {
                    (
                        e["name"].clone(),
                        e["requests"].clone(),
                        e["latency_ms"].clone(),
                    )
                })
                .collect()
        };
        let (got_endpoints, want_endpoints) = (endpoints(&got), endpoints(&want));
        // Endpoint names survive the tags' percent-encoding.
        let names = |e: &[(Value, Value, Value)]| -> Vec<(Value, Value)> {
            e.iter().map(|(n, r, _)| (n.clone(), r.clone())).collect()
        };
        assert_eq!(names(&got_endpoints), names(&want_endpoints), "{raw}");
        // min and mean are exact in the run, bucketed in a histogram.
        for ((name, _, g), (_, _, w)) in got_endpoints.iter().zip(&want_endpoints) {
            assert_same_latencies(g, w, &format!("{raw} {name}"));
        }
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
            let max = us(&ours["max"]);
            for p in LATENCIES {
                let (g, w) = (theirs[p].as_i64().expect("µs"), us(&ours[p]));
                assert!(
                    same_percentile(g, w, max),
                    "{raw} {what}: {p} {g} µs in Python, {w} µs in the run (max {max} µs)"
                );
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

/// The README's DuckDB query (the ```sql block of the export section).
fn readme_query() -> String {
    let readme = std::fs::read_to_string(format!("{}/../../README.md", env!("CARGO_MANIFEST_DIR")))
        .expect("README");
    let section = readme
        .split("(`verdict export`)")
        .nth(1)
        .expect("the export section");
    let sql = section.split("```sql\n").nth(1).expect("a sql block");
    sql.split("```").next().expect("closed").to_string()
}

#[test]
fn rows_hold_each_run_and_endpoint_and_the_readme_query_runs_in_duckdb() {
    let dir = scratch("rows");
    // Three builds of main at rising load, and a branch run the query leaves out.
    let runs = [
        ("010", "main", "101"),
        ("050", "main", "102"),
        ("025", "feature", "103"),
        ("200", "main", "104"),
    ];
    let mut saved = Vec::new();
    for (vus, branch, build) in runs {
        let f = dir.join(format!("vus_{vus}.verdict"));
        let (b, n) = (format!("branch={branch}"), format!("build={build}"));
        let out = verdict(&[
            "save",
            &level(vus),
            "-o",
            s(&f),
            "--label",
            &b,
            "--label",
            &n,
        ]);
        assert_eq!(out.status.code(), Some(0));
        saved.push(f);
    }
    let rows_path = dir.join("rows.ndjson");
    let mut args = vec!["export", "--rows", s(&rows_path)];
    args.extend(saved.iter().map(|p| s(p)));
    assert_eq!(verdict(&args).status.code(), Some(0));
    let text = std::fs::read_to_string(&rows_path).expect("rows");
    let rows: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).expect("one JSON object a line"))
        .collect();
    // One row per endpoint and one for the whole run, for each run.
    for ((vus, _, build), f) in runs.iter().zip(&saved) {
        let want = summary(&level(vus));
        let mine: Vec<&Value> = rows
            .iter()
            .filter(|r| r["labels"]["build"] == *build)
            .collect();
        let endpoints = want["endpoints"].as_array().expect("endpoints");
        assert_eq!(mine.len(), endpoints.len() + 1, "{f:?}");
        let overall = mine
            .iter()
            .find(|r| r["endpoint"] == "*overall*")
            .expect("an overall row");
        assert_eq!(overall["requests"], want["requests"]);
        assert_eq!(overall["p99_ms"], want["latency_ms"]["p99"]);
        assert_eq!(overall["start"], want["start"]);
        for e in endpoints {
            let row = mine
                .iter()
                .find(|r| r["endpoint"] == e["name"])
                .expect("a row per endpoint");
            assert_eq!(row["errors"], e["errors"]);
            assert_eq!(row["p95_ms"], e["latency_ms"]["p95"]);
            assert_eq!(row["rps"], e["rps"]);
        }
    }
    // The histograms in the rows merge back to the runs' merged histogram:
    // written as an interval log, Verdict reads them as one run.
    let hlog = dir.join("from-rows.hlog");
    let mut log = String::from("#[Histogram log format version 1.3]\n");
    for r in rows.iter().filter(|r| r["endpoint"] == "*overall*") {
        let h = r["histogram"].as_str().expect("a histogram");
        log.push_str(&format!("0.000,1.000,1.000,{h}\n"));
    }
    std::fs::write(&hlog, log).expect("writes");
    let merged = json(&verdict(&[
        "summary",
        "--json",
        "--merge",
        &level("010"),
        &level("050"),
        &level("025"),
        &level("200"),
    ]))["runs"][0]
        .clone();
    let back = json(&verdict(&[
        "summary",
        "--json",
        "--hdr-unit",
        "us",
        s(&hlog),
    ]))["runs"][0]
        .clone();
    assert_eq!(back["requests"], merged["requests"]);
    for p in LATENCIES {
        assert_eq!(back["latency_ms"][p], merged["latency_ms"][p], "{p}");
    }

    let Some(python) = python_with("duckdb") else {
        return;
    };
    let query = dir.join("query.sql");
    std::fs::write(&query, readme_query()).expect("writes");
    let script = format!(
        "{}/../../tests/python/duckdb_query.py",
        env!("CARGO_MANIFEST_DIR")
    );
    let out = Command::new(&python)
        .args([script.as_str(), s(&query), s(&rows_path)])
        .output()
        .expect("runs python");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let result: Vec<Value> = serde_json::from_slice(&out.stdout).expect("JSON rows");
    // The main builds, oldest first, with the whole run's p95 of each.
    let builds: Vec<&str> = result.iter().filter_map(|r| r["build"].as_str()).collect();
    assert_eq!(builds, ["101", "102", "104"]);
    for (r, vus) in result.iter().zip(["010", "050", "200"]) {
        let want = summary(&level(vus));
        assert_eq!(r["p95_ms"], want["latency_ms"]["p95"], "{vus}");
        assert_eq!(r["requests"], want["requests"], "{vus}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}
