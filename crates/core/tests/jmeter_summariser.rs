//! JMeter's summariser lines (tests/fixtures/jmeter_text: the console output
//! and jmeter.log of one real JMeter 2.13 run). The final `summary =` line
//! must agree with the run's own results file, counted independently
//! (`truth.json`: every sample of `results.jtl`).

mod fixture_reading;

use fixture_reading::{error_everywhere, fixture, summary_everywhere};
use verdict_core::summary::{ReportedBy, RunSummary};
use verdict_core::{Format, IngestOptions};

fn read(name: &str, bytes: &[u8]) -> RunSummary {
    summary_everywhere(name, bytes, &IngestOptions::default())
}

fn truth() -> serde_json::Value {
    serde_json::from_slice(&fixture("jmeter_text/truth.json")).expect("json")
}

fn agrees_with_the_results_file(s: &RunSummary) {
    let t = &truth()["overall"];
    assert_eq!(s.format, Format::JmeterSummariser);
    assert_eq!(s.reported_by, ReportedBy::Tool);
    assert_eq!(s.requests, t["count"].as_u64());
    assert_eq!(s.errors, t["errors"].as_u64());
    assert_eq!(s.latency_ms.min, t["min"].as_f64());
    assert_eq!(s.latency_ms.max, t["max"].as_f64());
    // JMeter's Avg is the integer part of the mean.
    let mean = t["mean"].as_f64().expect("mean");
    assert_eq!(s.latency_ms.mean, Some(mean.trunc()));
    // No percentile is printed, none is made up.
    assert_eq!(
        (s.latency_ms.p50, s.latency_ms.p95, s.latency_ms.p99),
        (None, None, None)
    );
    // Rate and elapsed time are JMeter's, to the printed decimal.
    let (rps, dur) = (s.rps.expect("rps"), s.duration_s.expect("duration"));
    assert!(
        (rps - t["count"].as_f64().expect("count") / dur).abs() < 0.1,
        "{rps} {dur}"
    );
}

#[test]
fn console_output_gives_the_last_cumulative_line() {
    let s = read("stdout.txt", &fixture("jmeter_text/stdout.txt"));
    agrees_with_the_results_file(&s);
    assert!(s.warnings.is_empty(), "{:?}", s.warnings);
}

#[test]
fn jmeter_log_gives_the_same_run() {
    let s = read("jmeter.log", &fixture("jmeter_text/jmeter.log"));
    agrees_with_the_results_file(&s);
    assert!(s.warnings.is_empty(), "{:?}", s.warnings);
}

#[test]
fn two_runs_in_one_log_read_the_last_and_say_so() {
    let one = fixture("jmeter_text/stdout.txt");
    // The second run cut after its first interval line: it has no `=` line yet.
    let text = String::from_utf8(one.clone()).expect("utf-8");
    let first_plus = text.find("summary +").expect("interval line");
    let cut_at = first_plus + text[first_plus..].find('\n').expect("eol");
    let log = [&one[..], &one[..cut_at]].concat();
    let s = read("ci.log", &log);
    agrees_with_the_results_file(&s);
    let first = text
        .lines()
        .position(|l| l.starts_with("summary +"))
        .expect("line")
        + 1;
    assert!(
        s.warnings
            .iter()
            .any(|w| w.contains(&format!("read the one at line {first},"))),
        "{:?}",
        s.warnings
    );

    let log = [&one[..], &one[..]].concat();
    let s = read("ci.log", &log);
    agrees_with_the_results_file(&s);
    let lines = text.lines().count();
    let w = s
        .warnings
        .iter()
        .find(|w| w.contains("2 JMeter summariser summaries"))
        .unwrap_or_else(|| panic!("{:?}", s.warnings));
    assert!(
        w.contains(&format!("lines {first}, {}", lines + first)),
        "{w}"
    );
}

#[test]
fn a_run_cut_before_its_end_is_read_to_its_last_line_with_a_warning() {
    let text = String::from_utf8(fixture("jmeter_text/stdout.txt")).expect("utf-8");
    let end = text.find("Tidying up").expect("end");
    let s = read("stdout.txt", &text.as_bytes()[..end]);
    agrees_with_the_results_file(&s);
    assert!(
        s.warnings
            .iter()
            .any(|w| w.contains("not followed by the end")),
        "{:?}",
        s.warnings
    );
    let first_eq = text.find("summary =").expect("=");
    let e = error_everywhere(
        "stdout.txt",
        &text.as_bytes()[..first_eq],
        &IngestOptions::default(),
    );
    assert!(
        e.to_string().contains("no cumulative summariser line"),
        "{e}"
    );
}
