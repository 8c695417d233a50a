//! oha's text summary and JSON (tests/fixtures/oha: real oha 1.16.0 runs
//! against the shared generator's test server, each with the server's own
//! count of the responses it sent). Figures are checked against the text
//! parsed here on its own, counts against the server's.

mod fixture_reading;

use fixture_reading::{close, error_everywhere, fixture, summary_everywhere};
use serde_json::Value;
use verdict_core::summary::{ReportedBy, RunSummary};
use verdict_core::{Format, IngestOptions};

fn read(name: &str, bytes: &[u8]) -> RunSummary {
    summary_everywhere(name, bytes, &IngestOptions::default())
}

fn text(rel: &str) -> String {
    String::from_utf8(fixture(rel)).expect("utf-8")
}

/// The value after `key` on its line, in ms (oha prints one unit per run).
fn printed_ms(text: &str, key: &str) -> Option<f64> {
    let line = text
        .lines()
        .find(|l| l.trim_start().starts_with(key))
        .unwrap_or_else(|| panic!("{key}"));
    let value = line.trim_start()[key.len()..].trim();
    let (number, unit) = value.split_once(' ').expect("number and unit");
    let scale = match unit {
        "ns" => 1e-6,
        "us" => 1e-3,
        "ms" => 1.0,
        "sec" => 1e3,
        other => panic!("unit {other}"),
    };
    number
        .parse::<f64>()
        .ok()
        .filter(|v| v.is_finite())
        .map(|v| v * scale)
}

fn printed(text: &str, key: &str) -> f64 {
    let line = text
        .lines()
        .find(|l| l.trim_start().starts_with(key))
        .unwrap_or_else(|| panic!("{key}"));
    line.trim_start()[key.len()..].trim().parse().expect(key)
}

/// `[code] N responses` (or `[N] message`) lines of one section.
fn bracketed(text: &str, heading: &str) -> Vec<(String, String)> {
    text.lines()
        .skip_while(|l| l.trim() != heading)
        .skip(1)
        .take_while(|l| l.trim_start().starts_with('['))
        .map(|l| {
            let (a, b) = l.trim().trim_start_matches('[').split_once(']').expect("]");
            (a.to_string(), b.trim().to_string())
        })
        .collect()
}

fn statuses(text: &str) -> Vec<(String, u64)> {
    bracketed(text, "Status code distribution:")
        .into_iter()
        .map(|(code, rest)| {
            let n = rest.trim_end_matches(" responses").parse().expect("count");
            (code, n)
        })
        .collect()
}

/// The server's count of responses to `endpoint` with `status`.
fn served(rel: &str, endpoint: &str, status: &str) -> u64 {
    let stats: Value = serde_json::from_slice(&fixture(rel)).expect("json");
    stats["responses_by_endpoint_status"][format!("{endpoint} {status}")]
        .as_u64()
        .unwrap_or(0)
}

fn latency_as_printed(s: &RunSummary, text: &str) {
    let l = &s.latency_ms;
    for (got, key) in [
        (l.min, "Fastest:"),
        (l.max, "Slowest:"),
        (l.mean, "Average:"),
        (l.p50, "50.00% in"),
        (l.p90, "90.00% in"),
        (l.p95, "95.00% in"),
        (l.p99, "99.00% in"),
        (l.p999, "99.90% in"),
    ] {
        match (got, printed_ms(text, key)) {
            (Some(a), Some(b)) => assert!(close(a, b, 1e-12), "{key}: {a} vs {b}"),
            (a, b) => assert_eq!(a, b, "{key}"),
        }
    }
    let total = printed_ms(text, "Total:").map(|ms| ms / 1000.0);
    assert!(
        close(
            s.duration_s.expect("duration"),
            total.expect("total"),
            1e-12
        ),
        "{:?}",
        s.duration_s
    );
    assert_eq!(s.rps, Some(printed(text, "Requests/sec:")));
}

#[test]
fn count_run_is_the_runs_summary() {
    let out = text("oha/count/stdout.txt");
    let s = read("stdout.txt", out.as_bytes());
    assert_eq!(s.format, Format::OhaText);
    assert_eq!(s.reported_by, ReportedBy::Tool);
    latency_as_printed(&s, &out);
    let stats = "oha/count/server_stats.json";
    for (code, n) in statuses(&out) {
        assert_eq!(s.status_codes.get(&code), Some(&n), "{code}");
        assert_eq!(served(stats, "list", &code), n, "{code}");
    }
    let total: u64 = statuses(&out).iter().map(|(_, n)| n).sum();
    assert_eq!(s.requests, Some(total));
    assert_eq!(s.errors, Some(served(stats, "list", "500")));
    assert!(s.warnings.is_empty(), "{:?}", s.warnings);
}

#[test]
fn duration_run_leaves_deadline_aborts_out() {
    let out = text("oha/duration/stdout.txt");
    let s = read("stdout.txt", out.as_bytes());
    assert_eq!(s.format, Format::OhaText);
    // The all-responses table, not the 2xx-only one printed after it.
    latency_as_printed(&s, &out);
    let stats = "oha/duration/server_stats.json";
    let printed = statuses(&out);
    for (code, n) in &printed {
        assert_eq!(s.status_codes.get(code), Some(n), "{code}");
    }
    // Errors: the server's 500s and 503s, each as oha counted them.
    for code in ["500", "503"] {
        assert_eq!(
            s.status_codes.get(code),
            Some(&served(stats, "search", code))
        );
    }
    assert_eq!(
        s.errors,
        Some(served(stats, "search", "500") + served(stats, "search", "503"))
    );
    assert_eq!(s.requests, Some(printed.iter().map(|(_, n)| n).sum()));
    let (aborted, message) = bracketed(&out, "Error distribution:")
        .into_iter()
        .next()
        .expect("deadline line");
    assert_eq!(message, "aborted due to deadline");
    assert!(
        s.warnings
            .iter()
            .any(|w| w.starts_with(&format!("{aborted} requests were still in flight"))),
        "{:?}",
        s.warnings
    );
    // The server answered some of them after oha gave up.
    assert!(served(stats, "search", "200") >= s.status_codes["200"]);
}

#[test]
fn refused_run_is_all_errors_without_latency() {
    let out = text("oha/refused/stdout.txt");
    let s = read("stdout.txt", out.as_bytes());
    assert_eq!(s.format, Format::OhaText);
    let errors = bracketed(&out, "Error distribution:");
    let n: u64 = errors[0].0.parse().expect("count");
    assert_eq!(s.requests, Some(n));
    assert_eq!(s.errors, Some(n));
    assert_eq!(s.failures.len(), 1);
    assert_eq!(s.failures[0].message, errors[0].1);
    // oha printed NaN and ±inf: no figure.
    latency_as_printed(&s, &out);
    assert_eq!(s.latency_ms.max, None);
    assert!(s.status_codes.is_empty());
}

#[test]
fn several_runs_in_one_log_read_the_last_and_say_so() {
    let first = text("oha/count/stdout.txt");
    let second = text("oha/duration/stdout.txt");
    let log = format!("$ oha -n 400 …\n{first}$ oha -z 3s …\n{second}Job succeeded\n");
    let s = read("ci.log", log.as_bytes());
    latency_as_printed(&s, &second);
    let at = 3 + first.lines().count();
    let w = s
        .warnings
        .iter()
        .find(|w| w.contains("2 oha summaries"))
        .unwrap_or_else(|| panic!("{:?}", s.warnings));
    assert!(w.contains(&format!("lines 2, {at}")), "{w}");
    // The second run cut before its status codes: the first is read.
    let cut = &log[..log.rfind("Status code distribution").expect("status")];
    let s = read("ci.log", cut.as_bytes());
    latency_as_printed(&s, &first);
    // Only a cut one: its figures, no counts, and a warning.
    let cut = &second[..second.find("Status code distribution").expect("status")];
    let s = read("stdout.txt", cut.as_bytes());
    assert_eq!(s.requests, None);
    assert!(s.warnings.iter().any(|w| w.contains("stops before")));
}

#[test]
fn no_summary_is_an_error() {
    let out = text("oha/count/stdout.txt");
    let cut = &out[..out.find("Success rate").expect("summary")];
    let options = IngestOptions {
        format: Some(Format::OhaText),
        ..IngestOptions::default()
    };
    let e = error_everywhere("stdout.txt", cut.as_bytes(), &options);
    assert!(e.to_string().contains("no oha summary"), "{e}");
}

/// oha's JSON from a real run (the JSON reader was checked against oha's
/// code only): counts agree with the server, latency with the JSON's own
/// `metrics.latency_ms` (oha's ms, rounded to µs).
#[test]
fn json_of_a_real_run() {
    let bytes = fixture("oha/json/run.json");
    let s = read("run.json", &bytes);
    assert_eq!(s.format, Format::OhaJson);
    let stats = "oha/json/server_stats.json";
    let (ok, failed) = (served(stats, "list", "200"), served(stats, "list", "500"));
    assert_eq!(s.requests, Some(ok + failed));
    assert_eq!(s.errors, Some(failed));
    assert_eq!(s.status_codes.get("200"), Some(&ok));
    let doc: Value = serde_json::from_slice(&bytes).expect("json");
    let m = &doc["metrics"]["latency_ms"];
    for (got, key) in [
        (s.latency_ms.min, "min"),
        (s.latency_ms.mean, "mean"),
        (s.latency_ms.p50, "p50"),
        (s.latency_ms.p95, "p95"),
        (s.latency_ms.p99, "p99"),
        (s.latency_ms.max, "max"),
    ] {
        let want = m[key].as_f64().expect(key);
        let got = got.expect(key);
        assert!(
            (got - want).abs() <= 0.0005 + 1e-9,
            "{key}: {got} vs {want}"
        );
    }
}
