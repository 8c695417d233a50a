//! The `verdict` binary, end to end: JSON contract, exit codes, merging.

mod common;

use common::{fixture, json, stdout, verdict};

use serde_json::Value;

const RUN_KEYS: &[&str] = &[
    "source",
    "format",
    "reported_by",
    "start",
    "duration_s",
    "requests",
    "errors",
    "error_rate",
    "rps",
    "latency_ms",
    "endpoints",
    "warnings",
];
const LATENCY_KEYS: &[&str] = &["min", "mean", "p50", "p90", "p95", "p99", "p999", "max"];
const ENDPOINT_KEYS: &[&str] = &[
    "name",
    "method",
    "requests",
    "errors",
    "error_rate",
    "rps",
    "latency_ms",
];

#[test]
fn json_document_has_the_documented_shape() {
    let out = verdict(&[
        "summary",
        "--json",
        &fixture("k6/constant_vus/vus_025/run.json.gz"),
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc = json(&out);
    let run = &doc["runs"][0];
    for k in RUN_KEYS {
        assert!(run.get(k).is_some(), "missing {k}");
    }
    for k in LATENCY_KEYS {
        assert!(run["latency_ms"][k].is_number(), "latency_ms.{k}");
    }
    assert_eq!(run["format"], "k6-ndjson");
    assert_eq!(run["reported_by"], "samples");
    assert_eq!(run["source"], "run.json.gz");
    let truth: Value = serde_json::from_slice(
        &std::fs::read(fixture("k6/constant_vus/vus_025/truth.json")).expect("truth"),
    )
    .expect("json");
    assert_eq!(run["requests"], truth["overall"]["count"]);
    let endpoints = run["endpoints"].as_array().expect("endpoints");
    assert_eq!(
        endpoints.len(),
        truth["endpoints"].as_object().expect("obj").len()
    );
    for ep in endpoints {
        for k in ENDPOINT_KEYS {
            assert!(ep.get(k).is_some(), "endpoint missing {k}");
        }
        let name = ep["name"].as_str().expect("name");
        assert_eq!(ep["requests"], truth["endpoints"][name]["count"], "{name}");
    }
}

#[test]
fn tool_reported_numbers_it_lacks_are_null_not_zero() {
    let out = verdict(&["summary", "--json", &fixture("k6/thresholds/summary.json")]);
    assert_eq!(out.status.code(), Some(0));
    let run = &json(&out)["runs"][0];
    assert_eq!(run["reported_by"], "tool");
    assert!(run["duration_s"].is_null());
    assert!(run["start"].is_null());
    assert!(
        run["latency_ms"]["p99"].is_null(),
        "the export was made without p(99)"
    );
    assert!(run["latency_ms"]["p95"].is_number());
    for ep in run["endpoints"].as_array().expect("endpoints") {
        assert!(
            ep["requests"].is_null(),
            "sub-metrics hold no request counts"
        );
    }
}

#[test]
fn merge_adds_runs_exactly() {
    let a = fixture("k6/constant_vus/vus_010/run.json.gz");
    let b = fixture("k6/constant_vus/vus_025/run.json.gz");
    let separate = json(&verdict(&["summary", "--json", &a, &b]));
    assert_eq!(separate["runs"].as_array().expect("runs").len(), 2);
    let merged = verdict(&["summary", "--json", "--merge", &a, &b]);
    assert_eq!(merged.status.code(), Some(0));
    let merged = json(&merged);
    let runs = merged["runs"].as_array().expect("runs");
    assert_eq!(runs.len(), 1);
    let n = |v: &Value| v["requests"].as_u64().expect("requests");
    assert_eq!(
        n(&runs[0]),
        n(&separate["runs"][0]) + n(&separate["runs"][1])
    );
    // Summaries cannot be merged exactly: refused with a reason.
    let refused = verdict(&[
        "summary",
        "--merge",
        &a,
        &fixture("k6/thresholds/summary.json"),
    ]);
    assert_eq!(refused.status.code(), Some(65));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("cannot be merged exactly"));
}

#[test]
fn exit_codes() {
    assert_eq!(verdict(&[]).status.code(), Some(64));
    assert_eq!(verdict(&["summary"]).status.code(), Some(64));
    assert_eq!(
        verdict(&["summary", "--bogus", "x"]).status.code(),
        Some(64)
    );
    assert_eq!(
        verdict(&[
            "summary",
            "--format",
            "nope",
            &fixture("k6/ramping/run.csv.gz")
        ])
        .status
        .code(),
        Some(64)
    );
    let missing = verdict(&["summary", "/nonexistent/run.json"]);
    assert_eq!(missing.status.code(), Some(66));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("/nonexistent/run.json"));
    let readme = verdict(&["summary", &fixture("k6/README.md")]);
    assert_eq!(readme.status.code(), Some(65));
    let msg = String::from_utf8_lossy(&readme.stderr);
    assert!(
        msg.contains("README.md") && msg.contains("# k6 fixtures"),
        "{msg}"
    );
    assert_eq!(verdict(&["formats"]).status.code(), Some(0));
    assert_eq!(verdict(&["--help"]).status.code(), Some(0));
}

#[test]
fn forced_format_reads_as_told() {
    let csv = fixture("k6/ramping/run.csv.gz");
    let out = verdict(&["summary", "--json", "--format", "k6-csv", &csv]);
    assert_eq!(json(&out)["runs"][0]["format"], "k6-csv");
    // Forcing the wrong format gives an error, not made-up numbers.
    let wrong = verdict(&["summary", "--format", "k6-ndjson", &csv]);
    assert_eq!(wrong.status.code(), Some(65));
    assert!(String::from_utf8_lossy(&wrong.stderr).contains("line 1"));
}

#[test]
fn table_output_names_the_percentile_method() {
    let out = verdict(&["summary", &fixture("k6/constant_vus/vus_010/run.json.gz")]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("GET /api/search"), "{text}");
    assert!(text.contains("nearest-rank"), "{text}");
}

#[test]
fn jmeter_transactions_have_their_own_table_and_json_list() {
    let file = fixture("jmeter/real_tx/tx.jtl");
    let text = stdout(&verdict(&["summary", &file]));
    assert!(text.contains("transactions (journeys"), "{text}");
    assert!(text.contains("TX checkout"), "{text}");
    let doc = json(&verdict(&["summary", "--json", &file]));
    let run = &doc["runs"][0];
    let names: Vec<&str> = run["transactions"]
        .as_array()
        .expect("transactions list")
        .iter()
        .filter_map(|t| t["name"].as_str())
        .collect();
    assert_eq!(names, ["TX browse", "TX checkout"]);
    let endpoints = run["endpoints"].as_array().expect("endpoints");
    assert!(endpoints
        .iter()
        .all(|e| !e["name"].as_str().unwrap_or("").starts_with("TX ")));
}
