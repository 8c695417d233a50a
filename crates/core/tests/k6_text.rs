//! k6's end-of-test summary text (tests/fixtures/k6_text, real k6 1.1.0 runs
//! in compact, full, legacy and coloured fixed-unit modes). Each run also
//! wrote `--summary-export=summary.json`: the same aggregates unrounded, read
//! here by the JSON reader. The text must give the same figures, to the
//! precision k6 printed them (two decimals of the printed unit, truncated).

mod fixture_reading;

use std::collections::BTreeSet;

use fixture_reading::{error_everywhere, fixture, summary_everywhere};
use verdict_core::summary::{LatencyMs, ReportedBy, RunSummary};
use verdict_core::{Format, IngestOptions};

fn text(run: &str) -> RunSummary {
    summary_everywhere(
        "stdout.txt",
        &fixture(&format!("k6_text/{run}/stdout.txt")),
        &IngestOptions::default(),
    )
}

fn export(run: &str) -> RunSummary {
    summary_everywhere(
        "summary.json",
        &fixture(&format!("k6_text/{run}/summary.json")),
        &IngestOptions::default(),
    )
}

/// How far a printed figure may be from the exact one: k6 truncates to two
/// decimals of the unit it chose (`humanizeGenericDuration`), or of the fixed
/// `--summary-time-unit`.
fn printed_close(printed: f64, exact: f64, fixed_unit_ms: Option<f64>) -> bool {
    let step_ms = match fixed_unit_ms {
        Some(unit) => unit / 100.0,
        None if exact < 1.0 => 0.00001,
        None if exact < 1000.0 => 0.01,
        None if exact < 60_000.0 => 10.0,
        None => 1000.0,
    };
    // Rounding in the float conversions adds a hair on top of one step.
    (printed - exact).abs() <= step_ms * 1.0001
}

fn same_latency(what: &str, printed: &LatencyMs, exact: &LatencyMs, unit: Option<f64>) {
    let pairs = [
        ("min", printed.min, exact.min),
        ("mean", printed.mean, exact.mean),
        ("p50", printed.p50, exact.p50),
        ("p90", printed.p90, exact.p90),
        ("p95", printed.p95, exact.p95),
        ("p99", printed.p99, exact.p99),
        ("p99.9", printed.p999, exact.p999),
        ("max", printed.max, exact.max),
    ];
    for (name, p, e) in pairs {
        match (p, e) {
            (Some(p), Some(e)) => assert!(
                printed_close(p, e, unit),
                "{what} {name}: printed {p}, exact {e}"
            ),
            (None, None) => {}
            _ => panic!("{what} {name}: printed {p:?}, exported {e:?}"),
        }
    }
}

fn thresholds(s: &RunSummary) -> BTreeSet<(String, String, Option<bool>)> {
    s.thresholds
        .iter()
        .map(|t| (t.metric.clone(), t.expression.clone(), t.passed))
        .collect()
}

fn matches_export(run: &str, unit: Option<f64>) -> RunSummary {
    let t = text(run);
    let e = export(run);
    assert_eq!(t.format, Format::K6Text, "{run}");
    assert_eq!(t.reported_by, ReportedBy::Tool, "{run}");
    assert_eq!((t.requests, t.errors), (e.requests, e.errors), "{run}");
    assert!(t.requests.is_some_and(|r| r > 0), "{run}");
    let (tr, er) = (t.rps.expect("rps"), e.rps.expect("rps"));
    // Counter rates are printed with six decimals.
    assert!((tr - er).abs() <= 1e-6, "{run}: rps {tr} vs {er}");
    assert_eq!(t.peak_concurrency, e.peak_concurrency, "{run}");
    assert_eq!(t.checks, e.checks, "{run}");
    same_latency(run, &t.latency_ms, &e.latency_ms, unit);
    let names = |s: &RunSummary| {
        s.endpoints
            .iter()
            .map(|x| x.name.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(names(&t), names(&e), "{run}");
    assert_eq!(t.endpoints.len(), 3, "{run}");
    for (a, b) in t.endpoints.iter().zip(&e.endpoints) {
        same_latency(
            &format!("{run} {}", a.name),
            &a.latency_ms,
            &b.latency_ms,
            unit,
        );
    }
    t
}

#[test]
fn compact_summary_matches_the_export_of_the_same_run() {
    let t = matches_export("v1_compact", None);
    assert_eq!(thresholds(&t), thresholds(&export("v1_compact")));
    assert_eq!(t.thresholds.len(), 8);
    // `running (30.7s), 00/40 VUs, …` after the summary.
    assert_eq!(t.duration_s, Some(30.7));
    assert!(t.warnings.is_empty(), "{:?}", t.warnings);
}

#[test]
fn full_mode_reads_the_total_not_the_scenario_and_group_parts() {
    let t = matches_export("v1_full", None);
    assert_eq!(thresholds(&t), thresholds(&export("v1_full")));
    assert!(t.warnings.is_empty(), "{:?}", t.warnings);
}

#[test]
fn legacy_layout_matches_and_says_its_threshold_marks_have_no_expressions() {
    let t = matches_export("legacy", None);
    assert!(t.thresholds.is_empty());
    let crossed: Vec<String> = export("legacy")
        .thresholds
        .iter()
        .filter(|th| th.passed == Some(false))
        .map(|th| th.metric.clone())
        .collect();
    assert!(!crossed.is_empty());
    assert!(
        t.warnings
            .iter()
            .any(|w| w.contains("✓/✗") && crossed.iter().all(|m| w.contains(m.as_str()))),
        "{:?}",
        t.warnings
    );
}

#[test]
fn coloured_terminal_output_in_seconds_with_extra_percentiles() {
    // --summary-time-unit=s: every duration is printed as `0.02s`.
    let t = matches_export("v1_color_s", Some(1000.0));
    assert!(t.latency_ms.p99.is_some() && t.latency_ms.p999.is_some());
    assert_eq!(thresholds(&t), thresholds(&export("v1_color_s")));
}

fn lines_before(bytes: &[u8], needle: &str) -> usize {
    let at = std::str::from_utf8(bytes)
        .expect("utf-8")
        .find(needle)
        .expect("needle");
    bytes[..at].iter().filter(|&&b| b == b'\n').count()
}

#[test]
fn a_log_of_several_runs_reads_the_last_and_names_them_all() {
    let legacy = fixture("k6_text/legacy/stdout.txt");
    let compact = fixture("k6_text/v1_compact/stdout.txt");
    let log = [&legacy[..], b"\n", &compact[..]].concat();
    let s = summary_everywhere("ci.log", &log, &IngestOptions::default());
    assert_eq!(s.requests, export("v1_compact").requests);
    let first = lines_before(&log, "checks....") + 1;
    let second = lines_before(&log, "█ THRESHOLDS") + 1;
    let w = s
        .warnings
        .iter()
        .find(|w| w.contains("2 k6 summaries"))
        .unwrap_or_else(|| panic!("{:?}", s.warnings));
    assert!(
        w.contains(&format!("lines {first}, {second}")) && w.contains(&format!("line {second},")),
        "{w}"
    );

    // The other order reads the legacy run.
    let log = [&compact[..], b"\n", &legacy[..]].concat();
    let s = summary_everywhere("ci.log", &log, &IngestOptions::default());
    assert_eq!(s.requests, export("legacy").requests);
}

#[test]
fn a_summary_cut_before_its_request_rows_falls_back_to_the_previous_run() {
    let legacy = fixture("k6_text/legacy/stdout.txt");
    let compact = fixture("k6_text/v1_compact/stdout.txt");
    let cut = lines_before(&compact, "    HTTP");
    let head: Vec<&[u8]> = compact.split(|&b| b == b'\n').take(cut).collect();
    let log = [&legacy[..], b"\n", &head.join(&b'\n')[..]].concat();
    let s = summary_everywhere("ci.log", &log, &IngestOptions::default());
    assert_eq!(s.requests, export("legacy").requests);
    assert!(
        s.warnings.iter().any(|w| w.contains("no request metrics")),
        "{:?}",
        s.warnings
    );
}

#[test]
fn progress_lines_without_a_summary_are_an_error_naming_the_problem() {
    let compact = fixture("k6_text/v1_compact/stdout.txt");
    let cut = lines_before(&compact, "█ THRESHOLDS");
    let head: Vec<&[u8]> = compact.split(|&b| b == b'\n').take(cut).collect();
    let e = error_everywhere("stdout.txt", &head.join(&b'\n'), &IngestOptions::default());
    assert!(e.to_string().contains("no k6 end-of-test summary"), "{e}");
}
