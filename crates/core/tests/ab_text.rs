//! ApacheBench's console output (tests/fixtures/ab_text: one real run, with
//! the `-g` TSV of the same run). Counts agree with the TSV's rows, the
//! longest request with its slowest row; the rest is checked against the
//! figures parsed here from the text on their own.

mod fixture_reading;

use fixture_reading::{error_everywhere, fixture, summary_everywhere};
use verdict_core::summary::{ReportedBy, RunSummary};
use verdict_core::{Format, IngestOptions};

fn read(name: &str, bytes: &[u8]) -> RunSummary {
    summary_everywhere(name, bytes, &IngestOptions::default())
}

fn stdout() -> String {
    String::from_utf8(fixture("ab_text/stdout.txt")).expect("utf-8")
}

/// The first number after `key` in the text.
fn printed(text: &str, key: &str) -> f64 {
    let at = text.find(key).unwrap_or_else(|| panic!("{key}")) + key.len();
    text[at..]
        .split_whitespace()
        .next()
        .and_then(|v| v.trim_end_matches(['%', ',']).parse().ok())
        .unwrap_or_else(|| panic!("{key}"))
}

fn agrees_with_the_run(s: &RunSummary) {
    let text = stdout();
    assert_eq!(s.format, Format::AbText);
    assert_eq!(s.reported_by, ReportedBy::Tool);
    let tsv = read("run.tsv", &fixture("ab_text/run.tsv"));
    assert_eq!(s.requests, tsv.requests);
    assert_eq!(s.latency_ms.max, tsv.latency_ms.max);
    assert_eq!(
        s.requests,
        Some(printed(&text, "Complete requests:") as u64)
    );
    // The server's 500s: non-2xx, and also length failures (another body).
    assert_eq!(s.errors, Some(printed(&text, "Non-2xx responses:") as u64));
    assert_eq!(s.rps, Some(printed(&text, "Requests per second:")));
    assert_eq!(s.duration_s, Some(printed(&text, "Time taken for tests:")));
    assert_eq!(
        s.peak_concurrency,
        Some(printed(&text, "Concurrency Level:"))
    );
    let table = &text[text.find("Percentage of the requests").expect("table")..];
    for (p, got) in [
        ("50%", s.latency_ms.p50),
        ("90%", s.latency_ms.p90),
        ("95%", s.latency_ms.p95),
        ("99%", s.latency_ms.p99),
        ("100%", s.latency_ms.max),
    ] {
        assert_eq!(got, Some(printed(table, &format!(" {p}"))), "{p}");
    }
    assert_eq!(s.latency_ms.p999, None, "ab prints none");
    assert_eq!(s.latency_ms.min, Some(printed(&text, "Total:")));
    let length = s
        .failures
        .iter()
        .find(|f| f.message.ends_with("Length"))
        .expect("length failures");
    assert_eq!(length.count as f64, printed(&text, ", Length:"));
}

#[test]
fn ab_output_is_the_runs_summary() {
    let s = read("stdout.txt", stdout().as_bytes());
    agrees_with_the_run(&s);
    assert_eq!(s.warnings.len(), 1, "{:?}", s.warnings);
    assert!(s.warnings[0].contains("Length: "), "{:?}", s.warnings);
}

#[test]
fn several_runs_in_one_log_read_the_last_and_say_so() {
    let local = String::from_utf8(fixture("ab/local/stdout.txt")).expect("utf-8");
    let log = format!("$ ab -n 300 …\n{local}$ ab -n 400 …\n{}", stdout());
    let s = read("ci.log", log.as_bytes());
    agrees_with_the_run(&s);
    let second = 3 + local.lines().count();
    let w = s
        .warnings
        .iter()
        .find(|w| w.contains("2 ab summaries"))
        .unwrap_or_else(|| panic!("{:?}", s.warnings));
    assert!(
        w.contains(&format!("lines 2, {second}")) && w.contains(&format!("line {second},")),
        "{w}"
    );
    // The second run cut before its results: the first is read.
    let cut = &log[..log.rfind("Complete requests").expect("results")];
    let s = read("ci.log", cut.as_bytes());
    assert_eq!(
        s.requests,
        Some(printed(&local, "Complete requests:") as u64)
    );
    assert_eq!(s.errors, Some(0));
}

#[test]
fn no_results_is_an_error() {
    let text = stdout();
    let cut = &text[..text.find("Complete requests").expect("results")];
    let e = error_everywhere("stdout.txt", cut.as_bytes(), &IngestOptions::default());
    assert!(e.to_string().contains("no ab results"), "{e}");
}
