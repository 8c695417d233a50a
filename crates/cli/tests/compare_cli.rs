//! `verdict compare`, end to end: verdicts on real k6 runs, the JSON
//! contract, Markdown, and exit codes.

mod common;

use common::{fixture, level, stdout, verdict};

use serde_json::Value;

#[test]
fn saturated_candidate_fails_the_gate_and_says_the_loads_differ() {
    let (base, cand) = (level("100"), level("200"));
    let out = verdict(&["compare", &base, &cand, "--fail-on-regression"]);
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    let text = stdout(&out);
    assert!(text.contains("REGRESSION"), "{text}");
    assert!(text.contains("the loads differ"), "{text}");
    // Without the gate the same finding exits 0.
    assert_eq!(verdict(&["compare", &base, &cand]).status.code(), Some(0));
}

#[test]
fn json_document_has_the_documented_shape() {
    let (base, cand) = (level("100"), level("200"));
    let out = verdict(&["compare", "--json", &base, &cand]);
    assert_eq!(out.status.code(), Some(0));
    let doc: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    for key in [
        "baseline",
        "candidate",
        "options",
        "load",
        "overall",
        "endpoints",
        "only_in_baseline",
        "only_in_candidate",
        "verdict",
        "regressions",
        "improvements",
        "notes",
    ] {
        assert!(doc.get(key).is_some(), "missing {key}");
    }
    assert_eq!(doc["verdict"], "regression");
    assert_eq!(doc["load"]["same_load"], false);
    let p95 = &doc["overall"]["latency"][1];
    assert_eq!(p95["statistic"], "p95");
    for key in [
        "change",
        "ratio_interval",
        "interval_method",
        "test",
        "verdict",
    ] {
        assert!(p95.get(key).is_some(), "p95 lacks {key}");
    }
    assert!(p95["test"]["p_adjusted"].is_number());
    assert!(doc["overall"]["error_rate"]["difference_interval"]["low"].is_number());
}

#[test]
fn a_run_against_itself_passes_the_gate() {
    let run = level("050");
    let out = verdict(&["compare", &run, &run, "--fail-on-regression", "--markdown"]);
    assert_eq!(out.status.code(), Some(0));
    let md = stdout(&out);
    assert!(md.starts_with("### Load-test comparison"), "{md}");
    assert!(md.contains("| endpoint | statistic |"), "{md}");
    assert!(!md.contains("**regression**"), "{md}");
}

#[test]
fn exit_codes() {
    let run = level("010");
    assert_eq!(verdict(&["compare", &run]).status.code(), Some(64));
    assert_eq!(
        verdict(&["compare", &run, &run, "--tolerance", "lots"])
            .status
            .code(),
        Some(64)
    );
    assert_eq!(
        verdict(&["compare", &run, "/nonexistent/run.json"])
            .status
            .code(),
        Some(66)
    );
    // k6's own end-of-test summary has no per-request samples: nothing to test.
    let summary = fixture("k6/constant_vus/vus_010/summary.json");
    let out = verdict(&["compare", &summary, &run]);
    assert_eq!(out.status.code(), Some(65));
    assert!(String::from_utf8_lossy(&out.stderr).contains("per-request samples"));
}
