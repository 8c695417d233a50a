//! `verdict summary` with a CSV column mapping and with `--hdr-unit`.

mod common;

use common::{fixture, json, verdict};

use std::process::Output;

use serde_json::Value;

#[test]
fn csv_mapping_flags_read_a_csv() {
    let jtl = fixture("generic_csv/jmeter/results.jtl");
    let out = verdict(&[
        "summary",
        "--json",
        &jtl,
        "--csv-latency",
        "elapsed",
        "--csv-latency-unit",
        "ms",
        "--csv-timestamp=timeStamp",
        "--csv-timestamp-unit",
        "ms",
        "--csv-label",
        "label",
        "--csv-success",
        "8",
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let truth: Value = serde_json::from_str(
        &std::fs::read_to_string(fixture("generic_csv/jmeter/truth.json")).expect("truth"),
    )
    .expect("json");
    let run = &json(&out)["runs"][0];
    assert_eq!(run["format"], "generic-csv");
    assert_eq!(run["requests"], truth["overall"]["count"]);
    assert_eq!(run["errors"], truth["overall"]["errors"]);
    assert_eq!(run["endpoints"].as_array().map(Vec::len), Some(6));
}

#[test]
fn an_unrecognised_csv_lists_its_columns_and_the_flags() {
    let dir = std::env::temp_dir().join(format!("verdict-cli-options-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join("mystery.csv");
    std::fs::write(&path, "when,took,what\n1,2,3\n").expect("write");
    let out = verdict(&["summary", path.to_str().expect("utf-8 path")]);
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(out.status.code(), Some(65));
    let msg = String::from_utf8_lossy(&out.stderr);
    assert!(
        msg.contains("when, took, what") && msg.contains("--csv-latency"),
        "{msg}"
    );
}

#[test]
fn incomplete_mappings_and_bad_units_are_usage_errors() {
    let jtl = fixture("generic_csv/jmeter/results.jtl");
    assert_eq!(
        verdict(&["summary", &jtl, "--csv-latency", "elapsed"])
            .status
            .code(),
        Some(64)
    );
    let bad = verdict(&[
        "summary",
        &jtl,
        "--csv-latency",
        "elapsed",
        "--csv-latency-unit",
        "min",
    ]);
    assert_eq!(bad.status.code(), Some(64));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("expected s, ms, us or ns"));
}

#[test]
fn help_documents_the_mapping_and_the_hdr_unit() {
    let help = String::from_utf8_lossy(&verdict(&["--help"]).stdout).into_owned();
    for flag in [
        "--csv-timestamp COL",
        "--csv-timestamp-unit",
        "rfc3339",
        "--csv-latency COL",
        "--csv-latency-unit",
        "--csv-label COL",
        "--csv-status COL",
        "--csv-success COL",
        "1-based",
        "--hdr-unit",
    ] {
        assert!(help.contains(flag), "{flag} missing from --help");
    }
}

#[test]
fn hdr_unit_changes_how_an_hlog_is_read() {
    let hlog = fixture("hdrhistogram/HdrHistogram__HdrHistogram__ycsb.logV1.hlog");
    let default = json(&verdict(&["summary", "--json", &hlog]));
    let as_ns = json(&verdict(&["summary", "--json", "--hdr-unit", "ns", &hlog]));
    let p50 = |v: &Value| v["runs"][0]["latency_ms"]["p50"].as_f64().expect("p50");
    // YCSB records µs; read as ns every value is 1000× smaller (to the µs).
    assert!(
        (p50(&default) / 1000.0 - p50(&as_ns)).abs() <= 0.001,
        "{} {}",
        p50(&default),
        p50(&as_ns)
    );
}

/// The reading options are the same for every command that reads files:
/// a CSV only a mapping can read works in `check`, `compare`, `share` and
/// `capacity` as in `summary`.
#[test]
fn every_command_takes_the_reading_options() {
    let jtl = fixture("generic_csv/jmeter/results.jtl");
    let mapping = [
        "--csv-latency=elapsed",
        "--csv-latency-unit=ms",
        "--csv-timestamp=timeStamp",
        "--csv-timestamp-unit=ms",
        "--csv-label=label",
        "--csv-success=8",
    ];
    let with = |args: &[&str]| -> Output {
        let mut all: Vec<&str> = args.to_vec();
        all.extend(mapping);
        verdict(&all)
    };
    let summary = json(&with(&["summary", "--json", &jtl]));
    let requests = &summary["runs"][0]["requests"];

    let check = with(&["check", "--json", &jtl, "--preset", "k6-defaults"]);
    assert!(
        matches!(check.status.code(), Some(0..=2)),
        "check: {}",
        String::from_utf8_lossy(&check.stderr)
    );
    let verdicts = json(&check);
    let overall = verdicts["verdicts"]
        .as_array()
        .and_then(|v| v.iter().find(|v| v["statistic"] == "error_rate"))
        .unwrap_or_else(|| panic!("no error-rate verdict: {verdicts}"));
    assert_eq!(&overall["n"], requests, "check reads the same requests");

    let compare = with(&["compare", "--json", &jtl, &jtl]);
    assert_eq!(
        compare.status.code(),
        Some(0),
        "compare: {}",
        String::from_utf8_lossy(&compare.stderr)
    );
    assert_eq!(&json(&compare)["baseline"]["requests"], requests);

    let share = with(&["share", &jtl]);
    assert_eq!(
        share.status.code(),
        Some(0),
        "share: {}",
        String::from_utf8_lossy(&share.stderr)
    );

    // A CSV no reader knows: every command says it needs a mapping.
    let dir = std::env::temp_dir().join(format!("verdict-cli-every-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join("mystery.csv");
    std::fs::write(&path, "when,took,what\n1,2,3\n").expect("write");
    let mystery = path.to_str().expect("utf-8 path");
    for args in [
        vec!["check", mystery, "--preset", "k6-defaults"],
        vec!["compare", mystery, mystery],
        vec!["share", mystery],
        vec!["capacity", mystery, "--target", "p95<200ms"],
    ] {
        let out = verdict(&args);
        assert_eq!(out.status.code(), Some(65), "{args:?}");
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("--csv-latency"),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}
