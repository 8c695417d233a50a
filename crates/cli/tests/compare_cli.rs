//! `verdict compare`, end to end: verdicts on real k6 runs, the JSON
//! contract, Markdown, and exit codes.

mod common;

use common::{fixture, level, stdout, verdict};

use serde_json::Value;

/// 100 VUs against 200: the rows show the regression, but the headline
/// says the comparison is not like for like, and the gate exits 3 (neither
/// "regressed" nor "passed").
#[test]
fn a_different_load_is_not_comparable_and_the_gate_says_so() {
    let (base, cand) = (level("100"), level("200"));
    let out = verdict(&["compare", &base, &cand, "--fail-on-regression"]);
    assert_eq!(out.status.code(), Some(3), "{}", stdout(&out));
    let text = stdout(&out);
    assert!(
        text.contains("verdict: NOT COMPARABLE: the load differs"),
        "{text}"
    );
    assert!(text.contains("the loads differ"), "{text}");
    assert!(text.contains("regression"), "{text}");
    // Without the gate the same finding exits 0.
    assert_eq!(verdict(&["compare", &base, &cand]).status.code(), Some(0));
}

/// Files given newer first: compared in the order given, with a warning.
#[test]
fn the_baseline_started_after_the_candidate_is_warned_about_and_kept() {
    let (old, new) = (level("010"), level("200"));
    let out = verdict(&["compare", &new, &old, "--json"]);
    assert_eq!(out.status.code(), Some(0));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("started after the candidate"), "{err}");
    let doc: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(doc["baseline_started_later"], true);
    // The order given is kept.
    assert!(doc["baseline"]["source"]
        .as_str()
        .is_some_and(|s| s.contains("vus_200")));
    let out = verdict(&["compare", &old, &new, "--json"]);
    assert!(!String::from_utf8_lossy(&out.stderr).contains("started after"));
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
        "rows_verdict",
        "headline",
        "comparable",
        "baseline_started_later",
        "regressions",
        "improvements",
        "notes",
    ] {
        assert!(doc.get(key).is_some(), "missing {key}");
    }
    // At a different load the comparison gives no verdict of its own; the
    // rows keep theirs.
    assert_eq!(doc["verdict"], "not-comparable");
    assert_eq!(doc["rows_verdict"], "regression");
    assert_eq!(doc["load"]["same_load"], false);
    assert_eq!(doc["comparable"], false);
    assert_eq!(doc["headline"], "not comparable: the load differs");
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
    assert!(p95["confidence"].as_f64().is_some_and(|c| c >= 0.95));
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
