//! Artillery `report.json` against what Artillery itself printed for the same
//! run (`stdout.txt`: a block per 10 s period and the final Summary report),
//! plus public report files of Artillery 1.x and 2.x.

mod fixture_reading;

use fixture_reading::fixture;
use std::collections::BTreeMap;

use serde_json::Value;
use verdict_core::summary::{LatencyMs, ReportedBy, RunSummary};
use verdict_core::{Format, IngestOptions, Session};

fn summarize_chunked(name: &str, bytes: &[u8], chunk: usize) -> RunSummary {
    let mut s = Session::new(name, IngestOptions::default());
    for c in bytes.chunks(chunk.max(1)) {
        s.feed(c).expect("feeds");
    }
    s.finish().expect("finishes").summary()
}

/// Reads a file under its real name and as "input", at chunk sizes 1, 7,
/// 4096 and whole; every reading must give the same summary.
fn read_every_way(rel: &str) -> RunSummary {
    let bytes = fixture(rel);
    let real = rel.rsplit('/').next().unwrap_or(rel);
    let reference = summarize_chunked(real, &bytes, bytes.len());
    for name in [real, "input"] {
        for chunk in [1, 7, 4096, bytes.len()] {
            let mut s = summarize_chunked(name, &bytes, chunk);
            assert_eq!(
                s.format, reference.format,
                "{rel} as {name}, chunk {chunk}: format"
            );
            s.source = reference.source.clone();
            assert_eq!(s, reference, "{rel} as {name}, chunk {chunk}");
        }
    }
    reference
}

/// One block of Artillery's console report: counters and summaries by name.
#[derive(Debug, Default)]
struct Printed {
    counters: BTreeMap<String, f64>,
    summaries: BTreeMap<String, BTreeMap<String, f64>>,
}

/// Splits Artillery's console output into its blocks ("Metrics for period
/// to: …" and the final "Summary report @ …"), in order.
fn printed_blocks(stdout: &str) -> Vec<(String, Printed)> {
    let mut blocks: Vec<(String, Printed)> = Vec::new();
    let mut current_summary: Option<String> = None;
    for line in stdout.lines() {
        if line.starts_with("Metrics for period") || line.starts_with("Summary report") {
            blocks.push((line.to_string(), Printed::default()));
            current_summary = None;
            continue;
        }
        let Some((_, block)) = blocks.last_mut() else {
            continue;
        };
        if let Some(pos) = line.find(": .") {
            let key = line[..pos].trim();
            let value = line
                .rsplit(' ')
                .next()
                .unwrap_or("")
                .trim_end_matches("/sec");
            let Ok(v) = value.parse::<f64>() else {
                continue;
            };
            if line.starts_with("  ") {
                if let Some(s) = &current_summary {
                    block
                        .summaries
                        .entry(s.clone())
                        .or_default()
                        .insert(key.to_string(), v);
                }
            } else {
                block.counters.insert(key.to_string(), v);
                current_summary = None;
            }
        } else if let Some(name) = line
            .strip_suffix(':')
            .filter(|l| !l.starts_with(' ') && !l.is_empty())
        {
            current_summary = Some(name.to_string());
        }
    }
    blocks
}

fn assert_latency(what: &str, ours: &LatencyMs, printed: &BTreeMap<String, f64>) {
    for (key, got) in [
        ("min", ours.min),
        ("max", ours.max),
        ("mean", ours.mean),
        ("median", ours.p50),
        ("p95", ours.p95),
        ("p99", ours.p99),
    ] {
        assert_eq!(got, printed.get(key).copied(), "{what} {key}");
    }
}

fn count(v: f64) -> u64 {
    v.round() as u64
}

/// Artillery's code for a request that got no response (`ETIMEDOUT`, …), as
/// opposed to what it records after a response (`Failed capture or match`).
fn no_response(code: &str) -> bool {
    code.chars().next().is_some_and(|c| c.is_ascii_uppercase())
        && code
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
}

/// The report's own counters (`aggregate.counters`), for the few that
/// Artillery's console shortens past recognition.
fn report_counters(dir: &str) -> serde_json::Map<String, Value> {
    let report: Value =
        serde_json::from_slice(&fixture(&format!("{dir}/report.json"))).expect("json");
    report["aggregate"]["counters"]
        .as_object()
        .expect("counters")
        .clone()
}

fn failed_statuses(codes: &BTreeMap<String, u64>) -> u64 {
    codes
        .iter()
        .filter(|(c, _)| c.parse::<u16>().is_ok_and(|c| c >= 400))
        .map(|(_, n)| n)
        .sum()
}

fn check_summary_report(dir: &str) -> RunSummary {
    let s = read_every_way(&format!("{dir}/report.json"));
    assert_eq!(s.format, Format::ArtilleryReport);
    assert_eq!(s.reported_by, ReportedBy::Tool);
    let stdout = String::from_utf8(fixture(&format!("{dir}/stdout.txt"))).expect("utf-8");
    let blocks = printed_blocks(&stdout);
    let (_, total) = blocks
        .iter()
        .find(|(h, _)| h.starts_with("Summary report"))
        .expect("a Summary report");

    assert_eq!(
        s.requests,
        total.counters.get("http.requests").copied().map(count)
    );
    let codes: BTreeMap<String, u64> = total
        .counters
        .iter()
        .filter_map(|(k, v)| Some((k.strip_prefix("http.codes.")?.to_string(), count(*v))))
        .collect();
    assert_eq!(s.status_codes, codes);
    let unanswered: u64 = total
        .counters
        .iter()
        .filter(|(k, _)| k.strip_prefix("errors.").is_some_and(no_response))
        .map(|(_, v)| count(*v))
        .sum();
    assert_eq!(s.errors, Some(failed_statuses(&codes) + unanswered));
    let responses = total.counters.get("http.responses").copied().map(count);
    assert_eq!(
        s.requests,
        responses.map(|r| r + unanswered),
        "every request is answered or fails without an answer"
    );
    assert_latency(
        "overall",
        &s.latency_ms,
        &total.summaries["http.response_time"],
    );

    let prefix = "plugins.metrics-by-endpoint.response_time.";
    let printed_endpoints: Vec<&String> = total
        .summaries
        .keys()
        .filter(|k| k.starts_with(prefix))
        .collect();
    assert_eq!(s.endpoints.len(), printed_endpoints.len());
    let counters = report_counters(dir);
    for key in printed_endpoints {
        let name = &key[prefix.len()..];
        let ep = s
            .endpoints
            .iter()
            .find(|e| e.name == name)
            .unwrap_or_else(|| panic!("no endpoint {name}"));
        assert_latency(name, &ep.latency_ms, &total.summaries[key]);
        let code_prefix = format!("plugins.metrics-by-endpoint.{name}.codes.");
        let ep_codes: BTreeMap<String, u64> = total
            .counters
            .iter()
            .filter_map(|(k, v)| Some((k.strip_prefix(&code_prefix)?.to_string(), count(*v))))
            .collect();
        assert_eq!(ep.status_codes, ep_codes, "{name} codes");
        let error_prefix = format!("plugins.metrics-by-endpoint.{name}.errors.");
        let ep_unanswered: u64 = counters
            .iter()
            .filter(|(k, _)| k.strip_prefix(&error_prefix).is_some_and(no_response))
            .map(|(_, v)| v.as_u64().expect("count"))
            .sum();
        assert_eq!(
            ep.requests,
            Some(ep_codes.values().sum::<u64>() + ep_unanswered),
            "{name} requests"
        );
        assert_eq!(
            ep.errors,
            Some(failed_statuses(&ep_codes) + ep_unanswered),
            "{name} errors"
        );
    }
    // The run's span is the report's first to last metric.
    let report: Value =
        serde_json::from_slice(&fixture(&format!("{dir}/report.json"))).expect("json");
    let span_ms = report["aggregate"]["lastMetricAt"].as_f64().expect("last")
        - report["aggregate"]["firstMetricAt"]
            .as_f64()
            .expect("first");
    assert_eq!(s.duration_s, Some(span_ms / 1000.0));
    s
}

#[test]
fn real_report_reproduces_artillerys_summary_report() {
    check_summary_report("artillery/real");
}

#[test]
fn overload_report_reproduces_artillerys_summary_report() {
    let s = check_summary_report("artillery/overload");
    // Timeouts are failed requests; failed captures follow a response and are only listed.
    assert!(s
        .failures
        .iter()
        .any(|f| f.message == "Failed capture or match" && f.endpoint.is_none()));
    assert!(s
        .failures
        .iter()
        .any(|f| f.message == "ETIMEDOUT" && f.endpoint.is_some()));
    assert!(s
        .endpoints
        .iter()
        .any(|e| e.name == "/api/items/{{ $randomNumber(1, 1000) }}"));
    assert!(s.warnings.iter().any(|w| w.contains("vusers.failed")));
}

fn check_timeline(dir: &str) {
    let s = read_every_way(&format!("{dir}/report.json"));
    let stdout = String::from_utf8(fixture(&format!("{dir}/stdout.txt"))).expect("utf-8");
    let periods: Vec<Printed> = printed_blocks(&stdout)
        .into_iter()
        .filter(|(h, _)| h.starts_with("Metrics for period"))
        .map(|(_, p)| p)
        .collect();
    assert_eq!(s.timeline.bucket_s, 10.0);
    assert_eq!(s.timeline.points.len(), periods.len(), "{dir}");
    let mut alive = 0.0;
    let mut peak: f64 = 0.0;
    for (i, (point, printed)) in s.timeline.points.iter().zip(&periods).enumerate() {
        let c = |k: &str| printed.counters.get(k).copied().unwrap_or(0.0);
        assert_eq!(
            point.requests,
            count(c("http.requests")),
            "{dir} period {i} requests"
        );
        let failed: f64 = printed
            .counters
            .iter()
            .filter(|(k, _)| {
                k.strip_prefix("http.codes.")
                    .is_some_and(|s| s.parse::<u16>().is_ok_and(|c| c >= 400))
                    || k.strip_prefix("errors.").is_some_and(no_response)
            })
            .map(|(_, v)| v)
            .sum();
        assert_eq!(point.errors, count(failed), "{dir} period {i} errors");
        let rt = &printed.summaries["http.response_time"];
        assert_eq!(
            point.p50_ms,
            rt.get("median").copied(),
            "{dir} period {i} median"
        );
        assert_eq!(point.p95_ms, rt.get("p95").copied(), "{dir} period {i} p95");
        assert_eq!(point.p99_ms, rt.get("p99").copied(), "{dir} period {i} p99");
        alive += c("vusers.created") - c("vusers.completed") - c("vusers.failed");
        assert_eq!(
            point.concurrency,
            Some(alive),
            "{dir} period {i} VUs alive at its end"
        );
        peak = peak.max(alive);
    }
    assert_eq!(s.peak_concurrency, Some(peak));
    assert_eq!(s.timeline.points[0].t_s, 0.0);
    assert_eq!(
        s.timeline.points.iter().map(|p| p.requests).sum::<u64>(),
        s.requests.expect("requests")
    );
}

#[test]
fn timelines_are_artillerys_periods() {
    for dir in ["artillery/real", "artillery/overload"] {
        check_timeline(dir);
    }
}

#[test]
fn public_v2_report_with_url_endpoint_names() {
    let rel = "artillery/public/artilleryio__artillery__report-with-dotenv.json";
    let s = read_every_way(rel);
    let doc: Value = serde_json::from_slice(&fixture(rel)).expect("json");
    let agg = &doc["aggregate"];
    assert_eq!(s.requests, agg["counters"]["http.requests"].as_u64());
    assert_eq!(s.errors, Some(0));
    let rt = &agg["summaries"]["http.response_time"];
    assert_eq!(s.latency_ms.p50, rt["p50"].as_f64());
    assert_eq!(s.latency_ms.p99, rt["p99"].as_f64());
    let names: Vec<String> = agg["summaries"]
        .as_object()
        .expect("summaries")
        .keys()
        .filter_map(|k| {
            k.strip_prefix("plugins.metrics-by-endpoint.response_time.")
                .map(str::to_string)
        })
        .collect();
    assert_eq!(
        s.endpoints
            .iter()
            .map(|e| e.name.clone())
            .collect::<Vec<_>>(),
        names
    );
    assert_eq!(s.endpoints[0].status_codes.get("200"), Some(&1));
}

#[test]
fn public_legacy_reports_count_their_errors() {
    for rel in [
        "artillery/public/artilleryio__artillery__artillery__report.json",
        "artillery/public/artilleryio__artillery__scripts__report.json",
    ] {
        let s = read_every_way(rel);
        let doc: Value = serde_json::from_slice(&fixture(rel)).expect("json");
        let agg = &doc["aggregate"];
        let errors: u64 = agg["errors"]
            .as_object()
            .expect("errors")
            .values()
            .filter_map(Value::as_u64)
            .sum();
        let responses = agg["requestsCompleted"]
            .as_u64()
            .expect("requestsCompleted");
        assert_eq!(s.requests, Some(responses + errors), "{rel}");
        assert_eq!(s.errors, Some(errors), "{rel}");
        assert_eq!(
            s.latency_ms,
            LatencyMs::default(),
            "{rel}: no response, no latency"
        );
        let listed: Vec<&str> = s.failures.iter().map(|f| f.message.as_str()).collect();
        let in_file: Vec<&str> = agg["errors"]
            .as_object()
            .expect("errors")
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(listed, in_file, "{rel}");
        assert_eq!(s.rps, agg["rps"]["mean"].as_f64(), "{rel}");
    }
}

#[test]
fn a_cut_report_keeps_artillerys_totals() {
    let bytes = fixture("artillery/real/report.json");
    let whole = summarize_chunked("report.json", &bytes, bytes.len());
    let cut = &bytes[..bytes.len() * 9 / 10];
    for chunk in [7, 4096, cut.len()] {
        let s = summarize_chunked("report.json", cut, chunk);
        assert_eq!(
            (s.requests, s.errors, s.latency_ms),
            (whole.requests, whole.errors, whole.latency_ms)
        );
        assert_eq!(s.endpoints, whole.endpoints);
        assert!(s.timeline.points.len() < whole.timeline.points.len());
        assert_eq!(
            s.timeline.points[..],
            whole.timeline.points[..s.timeline.points.len()]
        );
        assert!(
            s.warnings
                .iter()
                .any(|w| w.contains("cut or broken at byte")),
            "{:?}",
            s.warnings
        );
    }
    let err = Session::read_all(
        "report.json",
        IngestOptions::default(),
        &bytes[..bytes.len() / 50],
    )
    .expect_err("no aggregate");
    assert!(
        err.to_string()
            .starts_with("report.json (artillery-report) byte "),
        "{err}"
    );
}
