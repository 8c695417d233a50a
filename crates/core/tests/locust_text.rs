//! Locust's console statistics (tests/fixtures/locust_text/stderr.txt, one
//! real headless run with its progress tables) against the same run's final
//! statistics as Locust wrote them into its HTML report
//! (`report_stats.json`, extracted from `report.html`).

mod fixture_reading;

use fixture_reading::{error_everywhere, fixture, summary_everywhere};
use serde_json::Value;
use verdict_core::summary::{LatencyMs, ReportedBy, RunSummary};
use verdict_core::{Format, IngestOptions};

fn read(name: &str, bytes: &[u8]) -> RunSummary {
    summary_everywhere(name, bytes, &IngestOptions::default())
}

fn stderr() -> String {
    String::from_utf8(fixture("locust_text/stderr.txt")).expect("utf-8")
}

fn report() -> Value {
    serde_json::from_slice(&fixture("locust_text/report_stats.json")).expect("json")
}

/// What the console prints of one entry: `%d` of the times, two decimals of
/// the rate, and the percentile table. The report rounds min and max to
/// whole ms where the console truncates: those are checked by [`whole_ms`].
fn expected(stats: &Value, percentiles: &Value) -> (u64, u64, Option<f64>, LatencyMs) {
    let f = |v: &Value, k: &str| v[k].as_f64().unwrap_or_else(|| panic!("{k}"));
    let p = |k: &str| percentiles[k].as_f64();
    (
        stats["num_requests"].as_u64().expect("requests"),
        stats["num_failures"].as_u64().expect("failures"),
        Some((f(stats, "total_rps") * 100.0).round() / 100.0),
        LatencyMs {
            min: None,
            mean: Some(f(stats, "avg_response_time").trunc()),
            p50: p("0.5"),
            p90: p("0.9"),
            p95: p("0.95"),
            p99: p("0.99"),
            p999: None,
            max: None,
        },
    )
}

/// The console's `%d` of a time the report rounded.
fn whole_ms(printed: &mut LatencyMs, stats: &Value) {
    for (v, k) in [
        (&mut printed.min, "min_response_time"),
        (&mut printed.max, "max_response_time"),
    ] {
        let rounded = stats[k].as_f64().expect("time");
        let p = v.take().expect("printed");
        assert!(p == rounded || p + 1.0 == rounded, "{k}: {p} {rounded}");
    }
}

fn agrees_with_the_report(s: &RunSummary) {
    assert_eq!(s.format, Format::LocustText);
    assert_eq!(s.reported_by, ReportedBy::Tool);
    let r = report();
    let stats = r["requests_statistics"].as_array().expect("stats");
    let pcts = r["response_time_statistics"].as_array().expect("pcts");
    let find = |list: &[Value], name: &str| {
        list.iter()
            .find(|e| e["name"] == name)
            .cloned()
            .unwrap_or_else(|| panic!("{name}"))
    };
    let (requests, errors, rps, mut latency) =
        expected(&find(stats, "Aggregated"), &find(pcts, "Aggregated"));
    // 99.9% is printed; the report keeps percentiles up to 99% and 100%.
    latency.p999 = s.latency_ms.p999;
    let mut printed = s.latency_ms;
    whole_ms(&mut printed, &find(stats, "Aggregated"));
    assert_eq!(
        (s.requests, s.errors, s.rps, printed),
        (Some(requests), Some(errors), rps, latency)
    );
    assert_eq!(s.endpoints.len(), stats.len() - 1);
    for ep in &s.endpoints {
        let (requests, errors, rps, mut latency) =
            expected(&find(stats, &ep.name), &find(pcts, &ep.name));
        latency.p999 = ep.latency_ms.p999;
        let mut printed = ep.latency_ms;
        whole_ms(&mut printed, &find(stats, &ep.name));
        assert_eq!(
            (ep.requests, ep.errors, ep.rps, printed),
            (Some(requests), Some(errors), rps, latency),
            "{}",
            ep.name
        );
        assert_eq!(
            ep.method.as_deref(),
            find(stats, &ep.name)["method"].as_str()
        );
    }
    let failed: u64 = s.failures.iter().map(|f| f.count).sum();
    assert_eq!(Some(failed), s.errors);
    assert!(s.failures.iter().all(|f| f.endpoint.is_some()));
}

#[test]
fn the_final_tables_are_the_runs_statistics() {
    let s = read("stderr.txt", stderr().as_bytes());
    agrees_with_the_report(&s);
    assert!(s.warnings.is_empty(), "{:?}", s.warnings);
}

#[test]
fn several_runs_in_one_log_read_the_last_and_say_so() {
    let one = stderr();
    let log = format!("{one}$ locust --headless …\n{one}");
    let s = read("ci.log", log.as_bytes());
    agrees_with_the_report(&s);
    // The final statistics table is the last header before the percentiles.
    let lines: Vec<&str> = one.lines().collect();
    let pct = lines
        .iter()
        .position(|l| l.starts_with("Response time percentiles"))
        .expect("percentiles");
    let header = lines[..pct]
        .iter()
        .rposition(|l| l.starts_with("Type ") && l.contains("# reqs"))
        .expect("header")
        + 1;
    let second = header + lines.len() + 1;
    let w = s
        .warnings
        .iter()
        .find(|w| w.contains("2 Locust summaries"))
        .unwrap_or_else(|| panic!("{:?}", s.warnings));
    assert!(
        w.contains(&format!("lines {header}, {second}"))
            && w.contains(&format!("read the one at line {second},")),
        "{w}"
    );
    // A second run killed before its summary: the first run's is read.
    let cut = format!("{one}{}", &one[..one.find("Response time").expect("pct")]);
    let s = read("ci.log", cut.as_bytes());
    agrees_with_the_report(&s);
}

#[test]
fn a_table_alone_is_read_with_a_warning() {
    let one = stderr();
    let cut = &one[..one.find("Response time").expect("pct")];
    let s = read("stats.txt", cut.as_bytes());
    let r = report();
    let total = r["requests_statistics"]
        .as_array()
        .and_then(|a| a.last())
        .expect("total");
    assert_eq!(s.requests, total["num_requests"].as_u64());
    assert_eq!(s.latency_ms.p95, None, "not printed in that table");
    assert!(
        s.warnings
            .iter()
            .any(|w| w.contains("no \"Response time percentiles\"")),
        "{:?}",
        s.warnings
    );
    let first_table = &one[..one.find("Aggregated").expect("row")];
    let e = error_everywhere(
        "stats.txt",
        first_table.as_bytes(),
        &IngestOptions::default(),
    );
    assert!(e.to_string().contains("no Locust statistics table"), "{e}");
}
