//! k6 readers against real k6 v1.1.0 outputs and the exact statistics in
//! their `truth.json` (computed from every raw sample).

mod fixture_reading;

use fixture_reading::fixture;
use std::io::Read;

use serde_json::Value;
use verdict_core::summary::{LatencyMs, ReportedBy, RunSummary};
use verdict_core::{Format, IngestOptions, Session};

fn truth(rel: &str) -> Value {
    serde_json::from_slice(&fixture(rel)).expect("truth.json is JSON")
}

fn gunzip(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    flate2::read::MultiGzDecoder::new(bytes)
        .read_to_end(&mut out)
        .expect("valid gzip");
    out
}

fn summarize_chunked(name: &str, bytes: &[u8], chunk: usize) -> RunSummary {
    let mut s = Session::new(name, IngestOptions::default());
    for c in bytes.chunks(chunk.max(1)) {
        s.feed(c).expect("feeds");
    }
    s.finish().expect("finishes").summary()
}

fn summarize(name: &str, bytes: &[u8]) -> RunSummary {
    summarize_chunked(name, bytes, bytes.len().max(1))
}

/// Our percentile must lie between the two exact definitions (k6's linear
/// interpolation and nearest rank), widened by 0.1% for HDR bucket width.
fn assert_bracket(what: &str, ours: &LatencyMs, block: &Value) {
    let lin = &block["percentiles_linear"];
    let inv = &block["percentiles_inverted_cdf"];
    for (key, got) in [
        ("p50", ours.p50),
        ("p90", ours.p90),
        ("p95", ours.p95),
        ("p99", ours.p99),
        ("p99.9", ours.p999),
    ] {
        let a = lin[key].as_f64().expect("linear percentile");
        let b = inv[key].as_f64().expect("inverted_cdf percentile");
        let (lo, hi) = (a.min(b) * 0.999, a.max(b) * 1.001);
        let got = got.unwrap_or_else(|| panic!("{what} {key} missing"));
        assert!(
            lo <= got && got <= hi,
            "{what} {key}: {got} not in [{lo}, {hi}]"
        );
    }
    let close = |x: f64, y: f64| (x - y).abs() <= 1e-6 * y.abs().max(1.0);
    let min = block["min"].as_f64().expect("min");
    let max = block["max"].as_f64().expect("max");
    let mean = block["mean"].as_f64().expect("mean");
    assert!(
        close(ours.min.expect("min"), min),
        "{what} min {:?} vs {min}",
        ours.min
    );
    assert!(
        close(ours.max.expect("max"), max),
        "{what} max {:?} vs {max}",
        ours.max
    );
    assert!(
        close(ours.mean.expect("mean"), mean),
        "{what} mean {:?} vs {mean}",
        ours.mean
    );
}

fn assert_counts(
    what: &str,
    requests: Option<u64>,
    errors: Option<u64>,
    statuses: &std::collections::BTreeMap<String, u64>,
    block: &Value,
) {
    assert_eq!(requests, block["count"].as_u64(), "{what} count");
    assert_eq!(errors, block["errors"].as_u64(), "{what} errors");
    let expected: std::collections::BTreeMap<String, u64> = block["status_counts"]
        .as_object()
        .expect("status_counts")
        .iter()
        .map(|(k, v)| (k.clone(), v.as_u64().expect("count")))
        .collect();
    assert_eq!(statuses, &expected, "{what} status counts");
}

fn check_against_truth(s: &RunSummary, t: &Value) {
    assert_eq!(s.reported_by, ReportedBy::Samples);
    let overall = &t["overall"];
    assert_counts("overall", s.requests, s.errors, &s.status_codes, overall);
    assert_bracket("overall", &s.latency_ms, overall);
    let endpoints = t["endpoints"].as_object().expect("endpoints");
    assert_eq!(s.endpoints.len(), endpoints.len(), "endpoint count");
    for ep in &s.endpoints {
        let block = endpoints
            .get(&ep.name)
            .unwrap_or_else(|| panic!("unexpected endpoint {}", ep.name));
        assert_counts(&ep.name, ep.requests, ep.errors, &ep.status_codes, block);
        assert_bracket(&ep.name, &ep.latency_ms, block);
    }
}

const NDJSON_RUNS: &[&str] = &[
    "k6/constant_vus/vus_010",
    "k6/constant_vus/vus_025",
    "k6/constant_vus/vus_050",
    "k6/constant_vus/vus_100",
    "k6/constant_vus/vus_200",
    "k6/ramping",
    "k6/thresholds",
];

#[test]
fn ndjson_matches_truth_on_every_real_run() {
    for dir in NDJSON_RUNS {
        let bytes = fixture(&format!("{dir}/run.json.gz"));
        let s = summarize("run.json.gz", &bytes);
        assert_eq!(s.format, Format::K6Ndjson, "{dir}");
        let t = truth(&format!("{dir}/truth.json"));
        check_against_truth(&s, &t);
        // Run span: from the first iteration start to the last request end.
        let span = t["overall"]["span_s"].as_f64().expect("span_s");
        let d = s.duration_s.expect("duration");
        assert!(
            (d - span).abs() < 1e-3,
            "{dir}: duration {d} vs span {span}"
        );
        let rps = t["overall"]["rps"].as_f64().expect("rps");
        assert!((s.rps.expect("rps") - rps).abs() / rps < 1e-4, "{dir}: rps");
        assert_eq!(
            s.start.as_deref().map(|x| &x[..19]),
            t["t0"].as_str().map(|x| &x[..19]),
            "{dir}: start"
        );
        assert!(s.warnings.is_empty(), "{dir}: {:?}", s.warnings);
    }
}

#[test]
fn csv_matches_truth() {
    let s = summarize("run.csv.gz", &fixture("k6/ramping/run.csv.gz"));
    assert_eq!(s.format, Format::K6Csv);
    let t = truth("k6/ramping/truth_csv.json");
    check_against_truth(&s, &t);
    let span = t["overall"]["span_s"].as_f64().expect("span_s");
    assert!(
        (s.duration_s.expect("duration") - span).abs() < 1e-9,
        "whole-second stamps: span = last - first + 1"
    );
}

#[test]
fn ndjson_and_csv_of_the_same_run_agree() {
    let a = summarize("a", &fixture("k6/ramping/run.json.gz"));
    let b = summarize("b", &fixture("k6/ramping/run.csv.gz"));
    assert_eq!(a.requests, b.requests);
    assert_eq!(a.errors, b.errors);
    // Same samples (the CSV rounds values to 6 decimals, as the JSON does).
    assert_eq!(a.latency_ms.p95, b.latency_ms.p95);
    assert_eq!(a.peak_concurrency, b.peak_concurrency);
    assert_eq!(a.checks, b.checks);
}

#[test]
fn detection_uses_content_not_the_name() {
    for rel in [
        "k6/constant_vus/vus_010/run.json.gz",
        "k6/ramping/run.csv.gz",
        "k6/thresholds/summary.json",
        "k6/ramping/handle_summary.json",
    ] {
        let bytes = fixture(rel);
        let named = summarize(rel, &bytes);
        let mut neutral = summarize("input", &bytes);
        neutral.source = named.source.clone();
        assert_eq!(named, neutral, "{rel}");
    }
}

/// A tiny deterministic generator, so the property test needs no dependency.
struct Lcg(u64);
impl Lcg {
    fn next(&mut self, bound: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) as usize) % bound.max(1)
    }
}

fn summarize_random_splits(bytes: &[u8], seed: u64) -> RunSummary {
    let mut rng = Lcg(seed);
    let mut s = Session::new("input", IngestOptions::default());
    let mut rest = bytes;
    while !rest.is_empty() {
        let n = 1 + rng.next(rest.len().min(20_000));
        let (a, b) = rest.split_at(n.min(rest.len()));
        s.feed(a).expect("feeds");
        rest = b;
    }
    s.finish().expect("finishes").summary()
}

#[test]
fn any_chunking_gives_identical_results() {
    for rel in [
        "k6/constant_vus/vus_010/run.json.gz",
        "k6/ramping/run.csv.gz",
    ] {
        let gz = fixture(rel);
        let plain = gunzip(&gz);
        let reference = summarize("input", &plain);
        // Compressed and plain input, 1-byte chunks, odd sizes and random split points.
        assert_eq!(summarize("input", &gz), reference, "{rel} gzip vs plain");
        assert_eq!(
            summarize_chunked("input", &gz, 1),
            reference,
            "{rel} gz 1-byte"
        );
        for size in [1, 2, 3, 7, 64, 4096, 65_536] {
            if size == 1 && plain.len() > 2_000_000 {
                continue;
            }
            assert_eq!(
                summarize_chunked("input", &plain, size),
                reference,
                "{rel} chunk {size}"
            );
        }
        for seed in 1..=8 {
            assert_eq!(
                summarize_random_splits(&plain, seed),
                reference,
                "{rel} seed {seed}"
            );
        }
    }
}

#[test]
fn merge_is_exact() {
    let a = fixture("k6/constant_vus/vus_010/run.json.gz");
    let b = fixture("k6/constant_vus/vus_025/run.json.gz");
    let run_a = Session::read_all("a", IngestOptions::default(), &a).expect("a");
    let run_b = Session::read_all("b", IngestOptions::default(), &b).expect("b");
    let mut merged = run_a.clone();
    merged.merge(&run_b);
    // The same samples fed as one stream must give the same histograms.
    let mut both = gunzip(&a);
    both.extend_from_slice(&gunzip(&b));
    let one = Session::read_all("ab", IngestOptions::default(), &both).expect("ab");
    assert_eq!(merged.overall.hist, one.overall.hist);
    let (m, o) = (merged.summary(), one.summary());
    assert_eq!(m.requests, o.requests);
    assert_eq!(m.errors, o.errors);
    assert_eq!(m.latency_ms, o.latency_ms);
    assert_eq!(
        m.endpoints
            .iter()
            .map(|e| (&e.name, e.requests, e.latency_ms.p99))
            .collect::<Vec<_>>(),
        o.endpoints
            .iter()
            .map(|e| (&e.name, e.requests, e.latency_ms.p99))
            .collect::<Vec<_>>()
    );
    assert_eq!(m.source, "a + b");
}

#[test]
fn summary_export_is_tool_reported_and_exact() {
    for dir in [
        "k6/constant_vus/vus_010",
        "k6/constant_vus/vus_200",
        "k6/ramping",
        "k6/thresholds",
    ] {
        let bytes = fixture(&format!("{dir}/summary.json"));
        let s = summarize("summary.json", &bytes);
        assert_eq!(s.format, Format::K6SummaryExport, "{dir}");
        assert_eq!(s.reported_by, ReportedBy::Tool);
        let doc: Value = serde_json::from_slice(&bytes).expect("json");
        let d = &doc["metrics"]["http_req_duration"];
        assert_eq!(s.latency_ms.p95, d["p(95)"].as_f64(), "{dir}");
        assert_eq!(s.latency_ms.p50, d["med"].as_f64());
        assert_eq!(s.latency_ms.mean, d["avg"].as_f64());
        assert_eq!(s.requests, doc["metrics"]["http_reqs"]["count"].as_u64());
        assert_eq!(
            s.errors,
            doc["metrics"]["http_req_failed"]["passes"].as_u64()
        );
        // The export holds no run duration: it must say so, not invent one.
        assert_eq!(s.duration_s, None);
        // And it agrees with the raw samples of the same run on counts.
        let t = truth(&format!("{dir}/truth.json"));
        assert_eq!(s.requests, t["overall"]["count"].as_u64());
        assert_eq!(s.errors, t["overall"]["errors"].as_u64());
    }
}

#[test]
fn handle_summary_is_tool_reported() {
    for dir in ["k6/constant_vus/vus_010", "k6/ramping"] {
        let bytes = fixture(&format!("{dir}/handle_summary.json"));
        let s = summarize("handle_summary.json", &bytes);
        assert_eq!(s.format, Format::K6HandleSummary, "{dir}");
        let doc: Value = serde_json::from_slice(&bytes).expect("json");
        let v = &doc["metrics"]["http_req_duration"]["values"];
        assert_eq!(s.latency_ms.p99, v["p(99)"].as_f64());
        assert_eq!(s.latency_ms.p999, v["p(99.9)"].as_f64());
        assert_eq!(
            s.duration_s,
            doc["state"]["testRunDurationMs"]
                .as_f64()
                .map(|ms| ms / 1000.0)
        );
        let t = truth(&format!("{dir}/truth.json"));
        let linear = &t["overall"]["percentiles_linear"];
        // k6's own p95 is the exact linear percentile of the raw samples.
        assert!(
            (s.latency_ms.p95.expect("p95") - linear["p95"].as_f64().expect("p95")).abs() < 1e-6
        );
    }
}

#[test]
fn thresholds_keep_k6_outcomes() {
    // summary-export: `true` means the threshold failed. k6 exited 99 because
    // search p(95)<45 and analytics p(90)<61 failed (see thresholds/stdout.txt).
    let s = summarize("summary.json", &fixture("k6/thresholds/summary.json"));
    let failed: Vec<String> = s
        .thresholds
        .iter()
        .filter(|t| t.passed == Some(false))
        .map(|t| format!("{} {}", t.metric, t.expression))
        .collect();
    assert_eq!(
        failed,
        vec![
            "http_req_duration{name:GET /api/analytics} p(90)<61",
            "http_req_duration{name:GET /api/search} p(95)<45"
        ]
    );
    let stdout = String::from_utf8(fixture("k6/thresholds/stdout.txt")).expect("utf8");
    for t in &s.thresholds {
        assert!(
            stdout.contains(&t.expression),
            "{} not in k6's own summary",
            t.expression
        );
    }
    // NDJSON Metric lines declare the top-level thresholds (without outcomes).
    let n = summarize("run.json.gz", &fixture("k6/thresholds/run.json.gz"));
    assert!(n
        .thresholds
        .iter()
        .any(|t| t.metric == "http_req_failed" && t.expression == "rate<0.05"));
}

#[test]
fn truncated_gzip_keeps_results_so_far() {
    let gz = fixture("k6/constant_vus/vus_050/run.json.gz");
    let cut = &gz[..gz.len() / 2];
    let s = summarize("cut.json.gz", cut);
    let full = summarize("full.json.gz", &gz);
    let n = s.requests.expect("requests");
    assert!(
        n > 0 && n < full.requests.expect("requests"),
        "partial: {n}"
    );
    assert!(
        s.warnings
            .iter()
            .any(|w| w.contains("gzip stream ends early")),
        "{:?}",
        s.warnings
    );
}

#[test]
fn corrupt_lines_are_counted_and_the_rest_still_counts() {
    let plain = gunzip(&fixture("k6/constant_vus/vus_010/run.json.gz"));
    let text = String::from_utf8(plain).expect("utf8");
    let mut lines: Vec<&str> = text.lines().collect();
    let clean = summarize("clean", text.as_bytes());
    // Damage one request line (its duration point) and add junk.
    let victim = lines
        .iter()
        .position(|l| l.starts_with(r#"{"metric":"http_req_duration","type":"Point""#))
        .expect("a duration line");
    let damaged = lines[victim][..40].to_string();
    lines[victim] = &damaged;
    lines.insert(3, "\u{1F4A5} not json");
    let broken = lines.join("\n");
    let s = summarize("broken.json", broken.as_bytes());
    assert_eq!(s.requests, clean.requests.map(|n| n - 1));
    assert_eq!(s.skipped_lines, 2);
    assert_eq!(s.skipped_examples[0].line, 4);
    assert!(s
        .warnings
        .iter()
        .any(|w| w.contains("2 lines could not be read")));
}

#[test]
fn unusable_input_is_a_clear_error() {
    let err = Session::read_all("notes.txt", IngestOptions::default(), b"hello\nworld\n")
        .expect_err("unknown");
    assert_eq!(err.code(), "fmt");
    assert!(err.to_string().starts_with("notes.txt:"), "{err}");
    let err = Session::read_all("empty.json", IngestOptions::default(), b"").expect_err("empty");
    assert!(err.to_string().contains("empty"), "{err}");
    let only_junk = b"{\"type\":\"Point\",\"metric\":\"vus\"}\nnot json\n";
    let err = Session::read_all("junk.json", IngestOptions::default(), only_junk)
        .expect_err("nothing usable");
    assert_eq!(err.code(), "empty");
    assert!(err.to_string().contains("line 2"), "{err}");
    let err = Session::read_all(
        "bad.json",
        IngestOptions::default(),
        b"{\"root_group\":{}, \"metrics\":{\"http_reqs\": [}",
    )
    .expect_err("bad json");
    assert_eq!(err.code(), "corrupt");
    assert!(err.to_string().contains("line 1 column"), "{err}");
}

#[test]
fn older_k6_csv_from_a_public_repository() {
    // Recount independently from the raw rows: http_req_duration lines, and
    // their expected_response column.
    let bytes = fixture("k6/public/Blazemeter__taurus__k6_kpi.csv");
    let text = String::from_utf8(bytes.clone()).expect("utf8");
    let rows: Vec<Vec<&str>> = text
        .lines()
        .skip(1)
        .map(|l| l.split(',').collect())
        .filter(|r: &Vec<&str>| r[0] == "http_req_duration")
        .collect();
    let errors = rows.iter().filter(|r| r[6] == "false").count() as u64;
    let max = rows
        .iter()
        .map(|r| r[2].parse::<f64>().expect("value"))
        .fold(f64::MIN, f64::max);
    let s = summarize("input", &bytes);
    assert_eq!(s.format, Format::K6Csv);
    assert_eq!(s.requests, Some(rows.len() as u64));
    assert_eq!(s.errors, Some(errors));
    assert_eq!(s.latency_ms.max, Some(max));
}

#[test]
fn handle_summary_from_public_repositories() {
    let bytes = fixture("k6/public/benc-uk__k6-reporter__simple.json");
    let doc: Value = serde_json::from_slice(&bytes).expect("json");
    let s = summarize("input", &bytes);
    assert_eq!(s.format, Format::K6HandleSummary);
    let m = &doc["metrics"];
    assert_eq!(s.requests, m["http_reqs"]["values"]["count"].as_u64());
    assert_eq!(s.errors, m["http_req_failed"]["values"]["passes"].as_u64());
    assert_eq!(
        s.latency_ms.p90,
        m["http_req_duration"]["values"]["p(90)"].as_f64()
    );
    assert_eq!(s.latency_ms.p999, None, "summaryTrendStats had no p(99.9)");

    let bytes = fixture("k6/public/benc-uk__k6-reporter__grpc.json");
    let doc: Value = serde_json::from_slice(&bytes).expect("json");
    let s = summarize("input", &bytes);
    let m = &doc["metrics"];
    assert_eq!(s.requests, m["grpc_reqs"]["values"]["count"].as_u64());
    assert_eq!(
        s.latency_ms.p95,
        m["grpc_req_duration"]["values"]["p(95)"].as_f64()
    );
    assert_eq!(s.errors, None, "k6 records no failure rate for gRPC");
    assert!(s.warnings.iter().any(|w| w.contains("gRPC")));
    let failed: Vec<_> = s
        .thresholds
        .iter()
        .filter(|t| t.passed == Some(false))
        .map(|t| t.metric.as_str())
        .collect();
    assert_eq!(failed, vec!["fake_rate"]);
}

#[test]
fn a_browser_tests_summary_reads_its_browser_requests() {
    // The browser's requests of the real 10-VU run (see tests/fixtures/k6/README.md, browser/).
    let t = truth("k6/constant_vus/vus_010/truth.json");
    for (name, format) in [
        ("summary.json", Format::K6SummaryExport),
        ("handle_summary.json", Format::K6HandleSummary),
    ] {
        let bytes = fixture(&format!("k6/browser/{name}"));
        let s = summarize(name, &bytes);
        assert_eq!(s.format, format, "{name}");
        assert_eq!(s.reported_by, ReportedBy::Tool);
        // No request counter: every request is one sample of browser_http_req_failed.
        assert_eq!(s.requests, t["overall"]["count"].as_u64(), "{name}");
        assert_eq!(s.errors, t["overall"]["errors"].as_u64(), "{name}");
        let doc: Value = serde_json::from_slice(&bytes).expect("json");
        let d = &doc["metrics"]["browser_http_req_duration"];
        let d = if format == Format::K6HandleSummary {
            &d["values"]
        } else {
            d
        };
        assert_eq!(s.latency_ms.p95, d["p(95)"].as_f64(), "{name}");
        assert_eq!(s.latency_ms.p50, d["med"].as_f64(), "{name}");
        assert!(
            s.warnings.iter().any(|w| w.contains("k6 browser test")),
            "{name}: {:?}",
            s.warnings
        );
        if format == Format::K6HandleSummary {
            // The rate over the run's duration, as k6 gives it for http_reqs.
            let original = serde_json::from_slice::<Value>(&fixture(
                "k6/constant_vus/vus_010/handle_summary.json",
            ))
            .expect("json");
            let rate = original["metrics"]["http_reqs"]["values"]["rate"]
                .as_f64()
                .expect("rate");
            assert!((s.rps.expect("rps") - rate).abs() < 1e-6 * rate, "{name}");
        } else {
            assert_eq!(s.rps, None, "the export holds no duration to rate by");
        }
    }
}

#[test]
fn a_summary_without_request_metrics_is_nothing_usable() {
    let mut s = Session::new("summary.json", IngestOptions::default());
    s.feed(&fixture("k6/no_requests/summary.json"))
        .expect("feeds");
    let e = s.finish().expect_err("no request metrics");
    assert_eq!(e.code(), "empty", "{e}");
    assert!(e.to_string().contains("no request metrics"), "{e}");
}
