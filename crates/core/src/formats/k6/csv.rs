//! k6 `--out csv`, plain or gzip:
//!
//! ```text
//! metric_name,timestamp,metric_value,check,error,error_code,expected_response,group,method,name,proto,scenario,service,status,subproto,tls_version,url,extra_tags,metadata
//! http_req_duration,1795311228,13.129455,,,,true,::browse,GET,GET /api/items/{id},HTTP/1.1,ramp,,200,,,GET /api/items/{id},,
//! ```
//!
//! Upstream encoder: grafana/k6 `internal/output/csv`. Columns are found by
//! header name. `timestamp` is whole unix seconds by default; `K6_CSV_TIME_FORMAT`
//! can make it milli/micro/nanoseconds or RFC 3339, which we recognise per value.
//! The same metrics as in the NDJSON output are used (see [`super::ndjson`]).

use crate::decoder::{first_line, strip_bom, Decoder, FormatSpec};
use crate::format::Format;
use crate::formats::k6::ndjson::request_failed;
use crate::formats::shared::rows::{Blank, Row, RowFormat, RowReader};
use crate::options::IngestOptions;
use crate::run::{Request, Run};
use crate::time::{parse_rfc3339, Micros};

/// Registry entry.
pub const SPEC: FormatSpec = FormatSpec {
    format: Format::K6Csv,
    description: "k6 --out csv (plain or .gz)",
    raw_samples: true,
    sniff,
    priority: 10,
    extensions: &[".csv", ".csv.gz"],
    new_decoder,
};

fn sniff(prefix: &[u8], eof: bool) -> bool {
    first_line(strip_bom(prefix), eof)
        .is_some_and(|l| l.starts_with(b"metric_name,timestamp,metric_value"))
}

fn new_decoder(_: &IngestOptions) -> Box<dyn Decoder> {
    // A whitespace-only record reaches the header check, as it always has.
    Box::new(RowReader::new(K6Rows::default()).with_blank(Blank::OnlyEmpty))
}

#[derive(Debug, Default, Clone, Copy)]
struct Columns {
    metric: usize,
    timestamp: usize,
    value: usize,
    expected_response: Option<usize>,
    group: Option<usize>,
    method: Option<usize>,
    name: Option<usize>,
    scenario: Option<usize>,
    status: Option<usize>,
    url: Option<usize>,
}

/// Reads k6 CSV, row by row.
#[derive(Debug, Default)]
struct K6Rows {
    columns: Option<Columns>,
    resolution_set: bool,
}

/// A unix timestamp in s, ms, µs or ns (told apart by magnitude), or RFC 3339.
/// Returns the time and the resolution of the stamp.
fn parse_timestamp(s: &str) -> Option<(Micros, i64)> {
    if let Ok(v) = s.parse::<i64>() {
        let digits = s.trim_start_matches('-').len();
        return Some(match digits {
            0..=11 => (v.checked_mul(1_000_000)?, 1_000_000),
            12..=14 => (v.checked_mul(1000)?, 1000),
            15..=17 => (v, 1),
            _ => (v / 1000, 1),
        });
    }
    parse_rfc3339(s.as_bytes()).map(|t| (t, 1))
}

impl RowFormat for K6Rows {
    fn row(&mut self, run: &mut Run, mut row: Row<'_>) {
        let n = row.line;
        let Some(fields) = row.split(b',') else {
            return run.skip_line(n, "unbalanced quotes");
        };
        let Some(cols) = self.columns else {
            let find = |name: &str| fields.iter().position(|f| f == name);
            match (find("metric_name"), find("timestamp"), find("metric_value")) {
                (Some(metric), Some(timestamp), Some(value)) => {
                    self.columns = Some(Columns {
                        metric,
                        timestamp,
                        value,
                        expected_response: find("expected_response"),
                        group: find("group"),
                        method: find("method"),
                        name: find("name"),
                        scenario: find("scenario"),
                        status: find("status"),
                        url: find("url"),
                    });
                }
                _ => run.skip_line(
                    n,
                    "expected the k6 CSV header (metric_name,timestamp,metric_value,…)",
                ),
            }
            return;
        };
        let get = |i: Option<usize>| i.and_then(|i| fields.get(i)).filter(|f| !f.is_empty());
        let Some(metric) = get(Some(cols.metric)) else {
            return run.skip_line(n, "empty metric_name");
        };
        if !matches!(
            metric,
            "http_req_duration" | "grpc_req_duration" | "vus" | "checks"
        ) {
            return;
        }
        let Some(value) = get(Some(cols.value)).and_then(|v| v.parse::<f64>().ok()) else {
            return run.skip_line(n, "metric_value is not a number");
        };
        let Some((t, resolution)) = get(Some(cols.timestamp)).and_then(parse_timestamp) else {
            return run.skip_line(n, "timestamp is neither a unix time nor RFC 3339");
        };
        if !self.resolution_set {
            run.set_time_resolution(if resolution > 1 { resolution } else { 0 });
            self.resolution_set = true;
        }
        match metric {
            "http_req_duration" | "grpc_req_duration" => {
                let status = get(cols.status).unwrap_or("-");
                let failed = request_failed(metric, get(cols.expected_response), status);
                run.request(&Request {
                    end_us: Some(t),
                    duration_ms: value,
                    failed,
                    status,
                    name: get(cols.name).or(get(cols.url)).unwrap_or("(unnamed)"),
                    method: get(cols.method).unwrap_or(""),
                    group: get(cols.group).unwrap_or(""),
                    scenario: get(cols.scenario).unwrap_or(""),
                });
            }
            "vus" => run.concurrency(Some(t), value),
            _ => run.check(value != 0.0),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_of_every_k6_time_format() {
        assert_eq!(
            parse_timestamp("1795311228"),
            Some((1_795_311_228_000_000, 1_000_000))
        );
        assert_eq!(
            parse_timestamp("1795311228123"),
            Some((1_795_311_228_123_000, 1000))
        );
        assert_eq!(
            parse_timestamp("1795311228123456"),
            Some((1_795_311_228_123_456, 1))
        );
        assert_eq!(
            parse_timestamp("1795311228123456789"),
            Some((1_795_311_228_123_456, 1))
        );
        assert!(parse_timestamp("2026-11-22T01:35:58Z").is_some());
        assert_eq!(parse_timestamp("yesterday"), None);
    }
}
