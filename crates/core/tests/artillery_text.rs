//! Artillery's console report (`stdout.txt` of tests/fixtures/artillery/real
//! and overload): the "Summary report" must say what the `report.json` of
//! the same run says, read by the JSON reader; the rate and total time are
//! the printed ones, parsed here on their own.

mod fixture_reading;

use fixture_reading::{error_everywhere, fixture, summary_everywhere};
use verdict_core::summary::{LatencyMs, ReportedBy, RunSummary};
use verdict_core::{Format, IngestOptions};

fn read(name: &str, bytes: &[u8]) -> RunSummary {
    summary_everywhere(name, bytes, &IngestOptions::default())
}

fn text(dir: &str) -> String {
    String::from_utf8(fixture(&format!("artillery/{dir}/stdout.txt"))).expect("utf-8")
}

/// The printed value of a top-level counter in the last Summary report.
fn printed(stdout: &str, key: &str) -> String {
    let report = &stdout[stdout.rfind("Summary report @").expect("report")..];
    let line = report
        .lines()
        .find(|l| l.starts_with(&format!("{key}: ")))
        .unwrap_or_else(|| panic!("{key}"));
    line.rsplit(' ').next().expect("value").to_string()
}

/// What the console prints of a summary: no p90, no p99.9.
fn console_stats(l: &LatencyMs) -> LatencyMs {
    LatencyMs {
        p90: None,
        p999: None,
        ..*l
    }
}

/// Everything but what the console prints differently from the JSON.
fn same_run(text: &RunSummary, json: &RunSummary, whole_endpoints: &[&str]) {
    assert_eq!(text.format, Format::ArtilleryText);
    assert_eq!(text.reported_by, ReportedBy::Tool);
    assert_eq!(json.format, Format::ArtilleryReport);
    assert_eq!(text.requests, json.requests);
    assert_eq!(text.errors, json.errors);
    assert_eq!(text.latency_ms, console_stats(&json.latency_ms));
    assert_eq!(text.status_codes, json.status_codes);
    for name in whole_endpoints {
        let t = text.endpoints.iter().find(|e| e.name == *name).expect(name);
        let j = json.endpoints.iter().find(|e| e.name == *name).expect(name);
        assert_eq!(
            (t.requests, t.errors, &t.latency_ms, &t.status_codes),
            (
                j.requests,
                j.errors,
                &console_stats(&j.latency_ms),
                &j.status_codes
            ),
            "{name}"
        );
        assert_eq!(t.rps, None, "not printed");
    }
}

#[test]
fn summary_report_is_the_json_reports_aggregate() {
    let stdout = text("real");
    let t = read("stdout.txt", stdout.as_bytes());
    let j = read("report.json", &fixture("artillery/real/report.json"));
    let names: Vec<&str> = j.endpoints.iter().map(|e| e.name.as_str()).collect();
    assert_eq!(names.len(), 6);
    same_run(&t, &j, &names);
    assert_eq!(t.endpoints.len(), j.endpoints.len());
    assert_eq!(t.failures, j.failures);
    // The printed rate, and "Total time: 1 minute, 27 seconds".
    let rate: f64 = printed(&stdout, "http.request_rate")
        .trim_end_matches("/sec")
        .parse()
        .expect("rate");
    assert_eq!(t.rps, Some(rate));
    assert!(stdout.contains("Total time: 1 minute, 27 seconds"));
    assert_eq!(t.duration_s, Some(87.0));
    assert!(t.warnings.is_empty(), "{:?}", t.warnings);
    assert_eq!(t.timeline.points.len(), 0, "periods are progress");
}

#[test]
fn timeouts_and_shortened_names_of_an_overloaded_run() {
    let stdout = text("overload");
    let t = read("stdout.txt", stdout.as_bytes());
    let j = read("report.json", &fixture("artillery/overload/report.json"));
    // The console cut the error counters of two endpoints; the others are whole.
    same_run(&t, &j, &["GET /api/analytics", "GET /api/search"]);
    assert_eq!(
        printed(&stdout, "errors.ETIMEDOUT").parse::<u64>().ok(),
        t.failures
            .iter()
            .filter(|f| f.message == "ETIMEDOUT")
            .map(|f| f.count)
            .reduce(|a, b| a + b)
    );
    assert!(
        t.warnings
            .iter()
            .any(|w| w.contains("cut 2 metric name(s)") && w.contains("errors.ETIMED...")),
        "{:?}",
        t.warnings
    );
    assert!(
        t.warnings.iter().any(|w| w.contains("vusers.failed")),
        "{:?}",
        t.warnings
    );
}

#[test]
fn several_runs_in_one_log_read_the_last_and_say_so() {
    let (a, b) = (text("real"), text("overload"));
    let log = format!("$ artillery run a.yml\n{a}$ artillery run b.yml\n{b}");
    let t = read("ci.log", log.as_bytes());
    let j = read("report.json", &fixture("artillery/overload/report.json"));
    same_run(&t, &j, &["GET /api/analytics"]);
    let line_of = |offset: usize, s: &str| {
        s.lines()
            .position(|l| l.starts_with("Summary report @"))
            .expect("report")
            + offset
            + 1
    };
    let first = line_of(1, &a);
    let second = line_of(2 + a.lines().count(), &b);
    let w = t
        .warnings
        .iter()
        .find(|w| w.contains("2 Artillery summaries"))
        .unwrap_or_else(|| panic!("{:?}", t.warnings));
    assert!(
        w.contains(&format!("lines {first}, {second}"))
            && w.contains(&format!("read the one at line {second},")),
        "{w}"
    );

    // The second run cut inside its report: the first one is read.
    let cut = &log[..log.rfind("http.codes.200").expect("codes")];
    let t = read("ci.log", cut.as_bytes());
    let real = read("stdout.txt", a.as_bytes());
    assert_eq!(
        (t.requests, t.errors, t.latency_ms),
        (real.requests, real.errors, real.latency_ms)
    );
}

#[test]
fn a_cut_report_is_read_with_a_warning_and_no_report_is_an_error() {
    let stdout = text("real");
    let cut = &stdout[..stdout
        .rfind("plugins.metrics-by-endpoint.response_time.GET /health")
        .expect("line")];
    let t = read("stdout.txt", cut.as_bytes());
    assert_eq!(t.requests, printed(&stdout, "http.requests").parse().ok());
    assert!(
        t.warnings.iter().any(|w| w.contains("cut before its end")),
        "{:?}",
        t.warnings
    );
    let before = &stdout[..stdout.rfind("All VUs finished").expect("end")];
    let e = error_everywhere("stdout.txt", before.as_bytes(), &IngestOptions::default());
    assert!(e.to_string().contains("no \"Summary report"), "{e}");
}
