//! hey's text summary (tests/fixtures/hey_text, real hey 0.1.4 runs).
//! Expected numbers are the ones hey printed; the status counts are also
//! checked against what the test server counted (`server_stats.json`).

mod fixture_reading;

use std::collections::BTreeMap;

use fixture_reading::{error_everywhere, fixture, summary_everywhere};
use verdict_core::summary::{LatencyMs, ReportedBy, RunSummary};
use verdict_core::{Format, IngestOptions};

fn read(run: &str) -> RunSummary {
    summary_everywhere(
        "stdout.txt",
        &fixture(&format!("hey_text/{run}/stdout.txt")),
        &IngestOptions::default(),
    )
}

/// The test server's own count of responses by status for the `list` endpoint.
fn server_counts(run: &str) -> BTreeMap<String, u64> {
    let json: serde_json::Value =
        serde_json::from_slice(&fixture(&format!("hey_text/{run}/server_stats.json")))
            .expect("json");
    let mut out = BTreeMap::new();
    for (key, count) in json["responses_by_endpoint_status"]
        .as_object()
        .expect("object")
    {
        if let Some(status) = key.strip_prefix("list ") {
            out.insert(status.to_string(), count.as_u64().expect("count"));
        }
    }
    out
}

fn ms(v: f64) -> Option<f64> {
    Some(v)
}

#[test]
fn hey_c10_reproduces_its_printed_figures() {
    let s = read("c10_text");
    assert_eq!(s.format, Format::HeyText);
    assert_eq!(s.reported_by, ReportedBy::Tool);
    // Total 10.0298 secs, Requests/sec 356.6383, [200] 3551 + [500] 26 responses.
    assert_eq!((s.duration_s, s.rps), (Some(10.0298), Some(356.6383)));
    assert_eq!((s.requests, s.errors), (Some(3551 + 26), Some(26)));
    let expected = LatencyMs {
        min: ms(9.8),
        mean: ms(28.0),
        p50: ms(26.8),
        p90: ms(39.2),
        p95: ms(44.0),
        p99: ms(53.2),
        p999: None,
        max: ms(73.5),
    };
    assert_eq!(s.latency_ms, expected);
    assert_eq!(s.status_codes, server_counts("c10_text"));
    assert!(
        s.warnings.is_empty() && s.skipped_lines == 0,
        "{:?} {:?}",
        s.warnings,
        s.skipped_examples
    );
}

#[test]
fn hey_c50_reproduces_its_printed_figures() {
    let s = read("c50_text");
    assert_eq!((s.duration_s, s.rps), (Some(10.1419), Some(350.131)));
    assert_eq!((s.requests, s.errors), (Some(3534 + 17), Some(17)));
    let expected = LatencyMs {
        min: ms(22.3),
        mean: ms(141.5),
        p50: ms(141.3),
        p90: ms(155.8),
        p95: ms(160.7),
        p99: ms(171.5),
        p999: None,
        max: ms(198.5),
    };
    assert_eq!(s.latency_ms, expected);
    assert_eq!(s.status_codes, server_counts("c50_text"));
}

/// Written from rakyll/hey `requester/print.go` (`defaultTmpl`): a run where
/// some requests got no response prints an "Error distribution" section.
const HEY_WITH_TRANSPORT_ERRORS: &str = "
Summary:
  Total:\t2.0031 secs
  Slowest:\t0.0120 secs
  Fastest:\t0.0010 secs
  Average:\t0.0040 secs
  Requests/sec:\t99.8452
  

Response time histogram:
  0.001 [1]\t|\u{25a0}
  0.012 [1]\t|\u{25a0}


Latency distribution:
  10% in 0.0011 secs
  25% in 0.0020 secs
  50% in 0.0035 secs
  75% in 0.0050 secs
  90% in 0.0090 secs
  95% in 0.0100 secs
  0% in 0.0000 secs

Details (average, fastest, slowest):
  DNS+dialup:\t0.0001 secs, 0.0010 secs, 0.0120 secs
  DNS-lookup:\t0.0000 secs, 0.0000 secs, 0.0000 secs
  req write:\t0.0000 secs, 0.0000 secs, 0.0001 secs
  resp wait:\t0.0039 secs, 0.0009 secs, 0.0119 secs
  resp read:\t0.0000 secs, 0.0000 secs, 0.0001 secs

Status code distribution:
  [200]\t180 responses
  [404]\t10 responses

Error distribution:
  [10]\tGet \"http://127.0.0.1:9/\": dial tcp 127.0.0.1:9: connect: connection refused

";

#[test]
fn transport_errors_count_as_requests_and_errors() {
    let s = summary_everywhere(
        "run.txt",
        HEY_WITH_TRANSPORT_ERRORS.as_bytes(),
        &IngestOptions::default(),
    );
    assert_eq!((s.requests, s.errors), (Some(200), Some(20)));
    assert_eq!(
        (s.latency_ms.p95, s.latency_ms.p99),
        (Some(10.0), None),
        "hey printed no 99% row"
    );
    let w = s
        .warnings
        .iter()
        .find(|w| w.contains("without a response"))
        .expect("warned");
    assert!(w.contains("10× Get"), "{w}");
    assert_eq!(s.skipped_lines, 0, "{:?}", s.skipped_examples);
}

#[test]
fn a_cut_summary_fails_clearly() {
    let e = error_everywhere(
        "cut.txt",
        b"\nSummary:\n",
        &IngestOptions {
            format: Some(Format::HeyText),
            ..IngestOptions::default()
        },
    );
    assert_eq!(e.code(), "corrupt");
    assert!(e.to_string().contains("Total"), "{e}");
}
