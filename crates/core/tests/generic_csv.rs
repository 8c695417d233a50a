//! A CSV read through a column mapping (`generic-csv`): a real JMeter JTL
//! (tests/fixtures/generic_csv/jmeter) against its exact truth.json, plus the
//! documented rules on small inputs.

mod fixture_reading;

use fixture_reading::{error_everywhere, fixture, read, summary_everywhere};
use verdict_core::options::{CsvColumn, CsvMapping, TimestampMarks, TimestampUnit};
use verdict_core::summary::RunSummary;
use verdict_core::time::DurationUnit;
use verdict_core::{Format, IngestError, IngestOptions};

fn name(s: &str) -> CsvColumn {
    CsvColumn::Name(s.to_string())
}

fn mapping(latency: CsvColumn, unit: DurationUnit) -> CsvMapping {
    CsvMapping {
        latency,
        latency_unit: unit,
        timestamp: None,
        timestamp_unit: None,
        timestamp_marks: TimestampMarks::Start,
        label: None,
        status: None,
        success: None,
    }
}

fn with(m: CsvMapping) -> IngestOptions {
    IngestOptions {
        csv_mapping: Some(m),
        ..IngestOptions::default()
    }
}

/// Ours lies between the exact nearest-rank sample and 0.1% above it (the
/// histogram bucket's upper edge): the README's definition.
fn nearest_rank_within_bucket(ours: Option<f64>, exact: &serde_json::Value) {
    let (ours, exact) = (ours.expect("percentile"), exact.as_f64().expect("number"));
    assert!(
        ours >= exact - 1e-9 && ours <= exact * 1.001 + 1e-9,
        "{ours} vs {exact}"
    );
}

fn check_block(
    s_latency: &verdict_core::summary::LatencyMs,
    requests: Option<u64>,
    errors: Option<u64>,
    truth: &serde_json::Value,
) {
    assert_eq!(requests, truth["count"].as_u64());
    assert_eq!(errors, truth["errors"].as_u64());
    assert_eq!(s_latency.min, truth["min"].as_f64());
    assert_eq!(s_latency.max, truth["max"].as_f64());
    let mean = s_latency.mean.expect("mean");
    assert!(
        (mean - truth["mean"].as_f64().expect("mean")).abs() < 1e-9,
        "{mean}"
    );
    let p = &truth["percentiles_inverted_cdf"];
    nearest_rank_within_bucket(s_latency.p50, &p["p50"]);
    nearest_rank_within_bucket(s_latency.p90, &p["p90"]);
    nearest_rank_within_bucket(s_latency.p95, &p["p95"]);
    nearest_rank_within_bucket(s_latency.p99, &p["p99"]);
    nearest_rank_within_bucket(s_latency.p999, &p["p99.9"]);
}

fn jmeter_mapping() -> CsvMapping {
    CsvMapping {
        timestamp: Some(name("timeStamp")),
        timestamp_unit: Some(TimestampUnit::Millis),
        label: Some(name("label")),
        status: Some(name("responseCode")),
        success: Some(name("success")),
        ..mapping(name("elapsed"), DurationUnit::Millis)
    }
}

#[test]
fn mapped_jmeter_csv_matches_truth() {
    let bytes = fixture("generic_csv/jmeter/results.jtl");
    let truth: serde_json::Value =
        serde_json::from_slice(&fixture("generic_csv/jmeter/truth.json")).expect("json");
    let s = summary_everywhere("results.jtl", &bytes, &with(jmeter_mapping()));
    assert_eq!(s.format, Format::GenericCsv);
    check_block(&s.latency_ms, s.requests, s.errors, &truth["overall"]);
    let statuses: std::collections::BTreeMap<String, u64> =
        serde_json::from_value(truth["overall"]["status_counts"].clone()).expect("counts");
    assert_eq!(s.status_codes, statuses);
    // span = max(timeStamp + elapsed) − min(timeStamp), both in whole ms.
    let span = truth["overall"]["span_s"].as_f64().expect("span");
    assert!(
        (s.duration_s.expect("duration") - span).abs() < 1e-6,
        "{:?} vs {span}",
        s.duration_s
    );
    assert_eq!(
        s.start.as_deref(),
        Some("2026-11-22T01:41:16.453Z"),
        "the earliest timeStamp"
    );
    let endpoints = truth["endpoints"].as_object().expect("endpoints");
    assert_eq!(s.endpoints.len(), endpoints.len());
    for (label, block) in endpoints {
        let e = s
            .endpoints
            .iter()
            .find(|e| &e.name == label)
            .unwrap_or_else(|| panic!("no {label}"));
        check_block(&e.latency_ms, e.requests, e.errors, block);
    }
    assert_eq!(s.skipped_lines, 0);
}

#[test]
fn positions_work_like_names() {
    let bytes = fixture("generic_csv/jmeter/results.jtl");
    let by_name = summary_everywhere("results.jtl", &bytes, &with(jmeter_mapping()));
    // timeStamp,elapsed,label,responseCode,…,success is column 8.
    let by_position = CsvMapping {
        timestamp: Some(CsvColumn::Position(1)),
        label: Some(name("3")),
        status: Some(CsvColumn::Position(4)),
        success: Some(CsvColumn::Position(8)),
        ..jmeter_mapping()
    };
    let mut s = summary_everywhere(
        "results.jtl",
        &bytes,
        &with(CsvMapping {
            latency: CsvColumn::Position(2),
            ..by_position
        }),
    );
    s.source.clone_from(&by_name.source);
    assert!(s == by_name);
}

fn small(text: &str, m: CsvMapping) -> RunSummary {
    summary_everywhere("input.csv", text.as_bytes(), &with(m))
}

#[test]
fn headerless_semicolons_rfc3339_and_end_stamps() {
    let text = "2026-01-01T00:00:01Z;0.120;/a;OK\n2026-01-01T00:00:02Z;0.080;/a;KO\n2026-01-01T00:00:03.5Z;1.5;/b;ok\n";
    let m = CsvMapping {
        timestamp: Some(CsvColumn::Position(1)),
        timestamp_unit: Some(TimestampUnit::Rfc3339),
        timestamp_marks: TimestampMarks::End,
        label: Some(CsvColumn::Position(3)),
        status: Some(CsvColumn::Position(4)),
        ..mapping(CsvColumn::Position(2), DurationUnit::Seconds)
    };
    let s = small(text, m);
    assert_eq!(
        (s.requests, s.errors),
        (Some(3), Some(1)),
        "KO in a status column is a failure"
    );
    assert_eq!(
        (s.latency_ms.min, s.latency_ms.max),
        (Some(80.0), Some(1500.0))
    );
    // Stamps mark the end: the run starts at the first end minus its latency.
    assert_eq!(s.start.as_deref(), Some("2026-01-01T00:00:00.880Z"));
    assert_eq!(s.duration_s, Some(3.5 - 0.88));
    assert_eq!(
        s.endpoints
            .iter()
            .map(|e| e.name.as_str())
            .collect::<Vec<_>>(),
        ["/a", "/b"]
    );
}

#[test]
fn guessed_and_relative_timestamps_are_said() {
    let text = "offset,rt_us,code\n0.5,1200,200\n1.5,900,503\n2.0,x,200\n";
    let m = CsvMapping {
        timestamp: Some(name("offset")),
        status: Some(name("code")),
        ..mapping(name("rt_us"), DurationUnit::Micros)
    };
    let s = small(text, m);
    assert_eq!(
        (s.requests, s.errors, s.skipped_lines),
        (Some(2), Some(1), 1)
    );
    assert_eq!(s.start, None, "offsets have no wall clock");
    assert!(
        s.warnings.iter().any(|w| w.contains("guessed")),
        "{:?}",
        s.warnings
    );
    assert!(
        s.warnings.iter().any(|w| w.contains("offsets")),
        "{:?}",
        s.warnings
    );
    assert_eq!(s.latency_ms.max, Some(1.2));
}

#[test]
fn a_csv_nobody_recognises_lists_its_columns() {
    let text = b"when,took (ms),what\n1,2,3\n";
    let e = error_everywhere("mystery.csv", text, &IngestOptions::default());
    assert_eq!(e.code(), "csv-mapping");
    let IngestError::UnrecognisedCsv { ref columns, .. } = e else {
        panic!("{e}")
    };
    assert_eq!(columns, &["when", "took (ms)", "what"]);
    let msg = e.to_string();
    // How to give a mapping is the caller's to say (the CLI's flags, the
    // page's form): `cli_options` checks the flags the CLI adds.
    assert!(msg.contains("took (ms)"), "{msg}");
    // Forcing generic-csv without a mapping says the same.
    let forced = IngestOptions {
        format: Some(Format::GenericCsv),
        ..IngestOptions::default()
    };
    assert!(matches!(
        read("mystery.csv", text, &forced, 7),
        Err(IngestError::UnrecognisedCsv { .. })
    ));
}

#[test]
fn a_mapping_that_does_not_fit_fails_clearly() {
    let e = error_everywhere(
        "input.csv",
        b"a,b\n1,2\n",
        &with(mapping(name("latency"), DurationUnit::Millis)),
    );
    assert_eq!(e.code(), "corrupt");
    let msg = e.to_string();
    assert!(
        msg.contains("\"latency\"") && msg.contains("a, b") && msg.contains("line 1"),
        "{msg}"
    );
}
