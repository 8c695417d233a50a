//! oha and autocannon JSON summaries. No captured run of either tool is in
//! the fixture sets, so these inputs are written field by field after each
//! tool's own serialisation code (cited at each input); the expected numbers
//! are the ones the documents state.

mod fixture_reading;

use fixture_reading::{error_everywhere, summary_everywhere};
use verdict_core::summary::{LatencyMs, ReportedBy};
use verdict_core::{Format, IngestOptions};

/// hatoo/oha `src/printer.rs`, `print_json`: `serde_json::to_writer_pretty`
/// of `Result { summary, responseTimeHistogram, latencyPercentiles,
/// firstByteHistogram, firstBytePercentiles, rps, details,
/// statusCodeDistribution, errorDistribution }`, seconds as f64, percentile
/// keys `format!("p{p}")`, `requestsPerSec = res.len() / total` (every result)
/// and `successRate` without the deadline aborts (`src/result_data.rs`).
const OHA: &str = r#"{
  "summary": {
    "successRate": 0.999940147237795,
    "total": 10.003183,
    "slowest": 0.131402,
    "fastest": 0.000714,
    "average": 0.012345,
    "requestsPerSec": 5015.703501575448,
    "totalData": 701680,
    "sizePerRequest": 14,
    "sizePerSec": 70145.68
  },
  "responseTimeHistogram": {
    "0.000714": 1,
    "0.0137828": 30211,
    "0.131402": 2
  },
  "latencyPercentiles": {
    "p10": 0.004211,
    "p25": 0.007002,
    "p50": 0.010321,
    "p75": 0.015884,
    "p90": 0.021035,
    "p95": 0.026117,
    "p99": 0.048203,
    "p99.9": 0.097451,
    "p99.99": 0.128777
  },
  "firstByteHistogram": {
    "0.000702": 1
  },
  "firstBytePercentiles": {
    "p10": 0.004101,
    "p25": 0.006901,
    "p50": 0.010201,
    "p75": 0.015701,
    "p90": 0.020901,
    "p95": 0.025901,
    "p99": 0.047901,
    "p99.9": 0.097101,
    "p99.99": 0.128501
  },
  "rps": {
    "mean": 5012.4,
    "stddev": 310.2,
    "max": 6100.0,
    "min": 3900.0,
    "percentiles": {
      "p10": 4600.0,
      "p25": 4800.0,
      "p50": 5000.0,
      "p75": 5200.0,
      "p90": 5400.0,
      "p95": 5500.0,
      "p99": 5900.0,
      "p99.9": 6100.0,
      "p99.99": 6100.0
    }
  },
  "details": {
    "DNSDialup": {
      "average": 0.000512,
      "fastest": 0.000301,
      "slowest": 0.001204
    },
    "DNSLookup": {
      "average": 0.000012,
      "fastest": 0.000004,
      "slowest": 0.000051
    },
    "firstByte": {
      "average": 0.012201,
      "fastest": 0.000702,
      "slowest": 0.131001
    }
  },
  "statusCodeDistribution": {
    "200": 50000,
    "503": 120
  },
  "errorDistribution": {
    "aborted due to deadline": 50,
    "connection closed before message completed": 3
  }
}"#;

#[test]
fn oha_json_figures_are_copied_exactly() {
    let s = summary_everywhere("oha.json", OHA.as_bytes(), &IngestOptions::default());
    assert_eq!(s.format, Format::OhaJson);
    assert_eq!(s.reported_by, ReportedBy::Tool);
    // 50000 + 120 responses and 3 transport errors; the 50 deadline aborts are neither.
    assert_eq!((s.requests, s.errors), (Some(50_123), Some(123)));
    assert_eq!(
        (s.duration_s, s.rps),
        (Some(10.003183), Some(5015.703501575448))
    );
    let expected = LatencyMs {
        min: Some(0.714),
        mean: Some(12.345),
        p50: Some(10.321),
        p90: Some(21.035),
        p95: Some(26.117),
        p99: Some(48.203),
        p999: Some(97.451),
        max: Some(131.402),
    };
    assert_eq!(s.latency_ms, expected);
    assert_eq!(s.status_codes.get("503"), Some(&120));
    assert!(s
        .warnings
        .iter()
        .any(|w| w.contains("50 requests were still in flight")));
    assert!(s
        .warnings
        .iter()
        .any(|w| w.contains("3× connection closed")));
}

/// When nothing answered, oha's statistics are NaN or ±∞, which serde_json
/// writes as `null`.
const OHA_NOTHING_ANSWERED: &str = r#"{
  "summary": {
    "successRate": 0.0,
    "total": 1.001,
    "slowest": null,
    "fastest": null,
    "average": null,
    "requestsPerSec": 9.99000999000999,
    "totalData": 0,
    "sizePerRequest": null,
    "sizePerSec": 0.0
  },
  "responseTimeHistogram": {},
  "latencyPercentiles": {
    "p10": null,
    "p25": null,
    "p50": null,
    "p75": null,
    "p90": null,
    "p95": null,
    "p99": null,
    "p99.9": null,
    "p99.99": null
  },
  "statusCodeDistribution": {},
  "errorDistribution": {
    "error trying to connect: tcp connect error: Connection refused (os error 111)": 10
  }
}"#;

#[test]
fn oha_json_with_no_response_has_no_latency() {
    let s = summary_everywhere(
        "oha.json",
        OHA_NOTHING_ANSWERED.as_bytes(),
        &IngestOptions::default(),
    );
    assert_eq!(
        (s.requests, s.errors, s.error_rate),
        (Some(10), Some(10), Some(1.0))
    );
    assert_eq!(s.latency_ms, LatencyMs::default());
}

/// mcollina/autocannon `lib/aggregateResult.js` (field order of `result`;
/// `title` and `socketPath` are undefined, so `JSON.stringify` drops them)
/// with `histAsObj`/`addPercentiles` of hdr-histogram-percentiles-obj
/// (`average, mean, stddev, min, max[, total]`, then `p0_001` … `p99_999`),
/// then `latency.totalCount` and `requests.sent`. `--json` prints it on one line.
const AUTOCANNON: &str = concat!(
    r#"{"url":"http://localhost:3000/items","connections":100,"sampleInt":1000,"pipelining":1,"workers":0,"#,
    r#""duration":10.02,"samples":10,"start":"2025-05-02T14:50:39.485Z","finish":"2025-05-02T14:50:49.505Z","#,
    r#""errors":3,"timeouts":2,"mismatches":0,"non2xx":15,"resets":0,"1xx":0,"2xx":9503,"3xx":3,"4xx":4,"5xx":8,"#,
    r#""statusCodeStats":{"200":{"count":9503},"304":{"count":3},"404":{"count":4},"500":{"count":8}},"#,
    r#""latency":{"average":104.53,"mean":104.53,"stddev":35.1,"min":12,"max":1203,"p0_001":12,"p0_01":12,"p0_1":15,"#,
    r#""p1":31,"p2_5":44,"p10":66,"p25":82,"p50":99,"p75":121,"p90":147,"p97_5":190,"p99":240,"p99_9":733,"#,
    r#""p99_99":1203,"p99_999":1203,"totalCount":9518},"#,
    r#""requests":{"average":951.8,"mean":951.8,"stddev":40.31,"min":880,"max":1010,"total":9518,"p0_001":880,"#,
    r#""p0_01":880,"p0_1":880,"p1":880,"p2_5":880,"p10":880,"p25":925,"p50":955,"p75":980,"p90":1001,"p97_5":1010,"#,
    r#""p99":1010,"p99_9":1010,"p99_99":1010,"p99_999":1010,"sent":9621},"#,
    r#""throughput":{"average":171731.2,"mean":171731.2,"stddev":6000.1,"min":160000,"max":182000,"total":1717312,"#,
    r#""p0_001":160000,"p0_01":160000,"p0_1":160000,"p1":160000,"p2_5":160000,"p10":163000,"p25":168000,"p50":172000,"#,
    r#""p75":176000,"p90":180000,"p97_5":182000,"p99":182000,"p99_9":182000,"p99_99":182000,"p99_999":182000}}"#,
    "\n"
);

#[test]
fn autocannon_json_figures_are_copied_exactly() {
    let s = summary_everywhere(
        "result.json",
        AUTOCANNON.as_bytes(),
        &IngestOptions::default(),
    );
    assert_eq!(s.format, Format::AutocannonJson);
    assert_eq!(s.reported_by, ReportedBy::Tool);
    // 3 connection errors/timeouts + 4 × 4xx + 8 × 5xx; the 3 × 304 are not failures.
    assert_eq!((s.requests, s.errors), (Some(9518), Some(3 + 4 + 8)));
    assert_eq!(
        (s.duration_s, s.rps, s.peak_concurrency),
        (Some(10.02), Some(951.8), Some(100.0))
    );
    assert_eq!(s.start.as_deref(), Some("2025-05-02T14:50:39.485Z"));
    let expected = LatencyMs {
        min: Some(12.0),
        mean: Some(104.53),
        p50: Some(99.0),
        p90: Some(147.0),
        p95: None,
        p99: Some(240.0),
        p999: Some(733.0),
        max: Some(1203.0),
    };
    assert_eq!(s.latency_ms, expected);
    assert_eq!(s.endpoints.len(), 1);
    assert_eq!(s.endpoints[0].name, "http://localhost:3000/items");
    assert_eq!(s.status_codes.get("304"), Some(&3));
    assert!(s
        .warnings
        .iter()
        .any(|w| w.contains("2 requests timed out")));
}

/// A run where every response was 403: autocannon's `errors` stays 0 and only
/// `non2xx`/`4xx` show the failure (the case noted in the public fixture set).
const AUTOCANNON_ALL_403: &str = concat!(
    r#"{"url":"http://localhost:8080/","connections":10,"pipelining":1,"duration":5.01,"start":"2024-01-10T10:00:00.000Z","#,
    r#""finish":"2024-01-10T10:00:05.010Z","errors":0,"timeouts":0,"mismatches":0,"non2xx":4120,"resets":0,"#,
    r#""1xx":0,"2xx":0,"3xx":0,"4xx":4120,"5xx":0,"statusCodeStats":{"403":{"count":4120}},"#,
    r#""latency":{"average":11.6,"mean":11.6,"stddev":2.1,"min":5,"max":40,"p50":11,"p90":14,"p99":20,"p99_9":35,"totalCount":4120},"#,
    r#""requests":{"average":824,"mean":824,"stddev":12,"min":810,"max":840,"total":4120,"sent":4130},"#,
    r#""throughput":{"average":100000,"mean":100000,"stddev":100,"min":99000,"max":101000,"total":500000}}"#
);

#[test]
fn autocannon_all_403_counts_as_failed() {
    let s = summary_everywhere(
        "403.json",
        AUTOCANNON_ALL_403.as_bytes(),
        &IngestOptions::default(),
    );
    assert_eq!(
        (s.requests, s.errors, s.error_rate),
        (Some(4120), Some(4120), Some(1.0))
    );
}

#[test]
fn broken_json_names_the_position() {
    let cut = &OHA[..OHA.len() / 2];
    let e = error_everywhere("oha.json", cut.as_bytes(), &IngestOptions::default());
    assert_eq!(e.code(), "corrupt");
    assert!(e.to_string().contains("line"), "{e}");
}
