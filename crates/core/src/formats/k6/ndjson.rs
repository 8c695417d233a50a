//! k6 `--out json` (NDJSON), plain or gzip:
//!
//! ```text
//! {"type":"Metric","data":{"name":"http_req_duration","type":"trend",…,"thresholds":["p(95)<200"]},"metric":"http_req_duration"}
//! {"metric":"http_req_duration","type":"Point","data":{"time":"2026-11-22T01:35:58.832031449Z","value":9.12,"tags":{"name":"GET /api/items","status":"200",…}}}
//! ```
//!
//! Upstream encoder: grafana/k6 `internal/output/json` (easyjson, fixed key
//! order). We read that exact layout on a fast path that touches only the
//! metrics we aggregate, and fall back to a full JSON parse for any line laid
//! out differently, so a reordered or hand-edited file still reads correctly.
//!
//! - `http_req_duration` Points are requests (`grpc_req_duration` too, for gRPC tests): value = duration (ms), `time` =
//!   request end, endpoint = tag `name` (k6 defaults it to the URL), failed =
//!   tag `expected_response == "false"` (what `http_req_failed` counts; when a
//!   script disables the response callback the tag is absent and we fall back
//!   to status 0 or ≥ 400).
//! - `vus` Points give concurrency; `checks` Points give check outcomes;
//!   `iteration_duration` gives iteration starts (time − value), which is
//!   where the run starts.
//! - `Metric` lines carry the script's thresholds.

use std::borrow::Cow;

use serde_json::Value;

use crate::decoder::{first_line, strip_bom, Decoder, FormatSpec};
use crate::error::IngestError;
use crate::format::Format;
use crate::lines::{Line, LineSplitter};
use crate::options::IngestOptions;
use crate::run::{Request, Run};
use crate::summary::ToolThreshold;
use crate::time::{parse_rfc3339, Micros};

/// Registry entry.
pub const SPEC: FormatSpec = FormatSpec {
    format: Format::K6Ndjson,
    description: "k6 --out json (NDJSON, plain or .gz)",
    raw_samples: true,
    sniff,
    priority: 10,
    extensions: &[".json", ".json.gz", ".ndjson", ".jsonl"],
    new_decoder,
};

fn sniff(prefix: &[u8], eof: bool) -> bool {
    let Some(line) = first_line(strip_bom(prefix), eof) else {
        return false;
    };
    let compact: Vec<u8> = line
        .iter()
        .copied()
        .filter(|b| !b.is_ascii_whitespace())
        .collect();
    compact.starts_with(b"{\"metric\":\"") && find(&compact, b"\"type\":\"Point\"").is_some()
        || compact.starts_with(b"{\"type\":\"Metric\"")
            && find(&compact, b"\"metric\":\"").is_some()
        || compact.starts_with(b"{\"type\":\"Point\"") && find(&compact, b"\"metric\":\"").is_some()
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    memchr::memmem::find(hay, needle)
}

fn new_decoder(_: &IngestOptions) -> Box<dyn Decoder> {
    Box::new(K6NdjsonDecoder::default())
}

/// Streaming decoder for k6 NDJSON.
#[derive(Debug, Default)]
pub struct K6NdjsonDecoder {
    lines: LineSplitter,
}

/// The tags of one Point that we use. Values borrow from the line unless they
/// had JSON escapes.
#[derive(Debug, Default)]
struct Tags<'a> {
    name: Option<Cow<'a, str>>,
    url: Option<Cow<'a, str>>,
    method: Option<Cow<'a, str>>,
    status: Option<Cow<'a, str>>,
    expected_response: Option<Cow<'a, str>>,
    group: Option<Cow<'a, str>>,
    scenario: Option<Cow<'a, str>>,
}

/// What a line is about, after the fast or the slow path.
struct Point<'a> {
    metric: Cow<'a, str>,
    time: Option<Micros>,
    value: f64,
    tags: Tags<'a>,
}

enum Parsed<'a> {
    Point(Point<'a>),
    /// A Point of a metric we do not aggregate.
    Ignored,
    Metric {
        name: String,
        thresholds: Vec<String>,
    },
}

const WANTED: [&[u8]; 5] = [
    b"http_req_duration",
    b"vus",
    b"checks",
    b"iteration_duration",
    b"dropped_iterations",
];

impl Decoder for K6NdjsonDecoder {
    fn feed(&mut self, bytes: &[u8], run: &mut Run) -> Result<(), IngestError> {
        let mut lines = std::mem::take(&mut self.lines);
        lines.feed(bytes, |n, line| handle(n, line, run));
        self.lines = lines;
        Ok(())
    }

    fn finish(&mut self, run: &mut Run) -> Result<(), IngestError> {
        self.lines.finish(|n, line| match line {
            // k6 ends every line with a newline: a last line without one that
            // is not a whole JSON object was cut mid-write, even when its
            // metric is one that would be ignored.
            Line::Text(t) if !t.trim_ascii().is_empty() && !t.trim_ascii().ends_with(b"}") => {
                run.skip_line(n, "the line is cut off by the end of the file");
                run.cut(format!(
                    "the file {} (line {n}): it was cut; results are from the lines before it",
                    crate::run::MID_LINE
                ));
            }
            line => handle(n, line, run),
        });
        Ok(())
    }
}

fn handle(n: u64, line: Line<'_>, run: &mut Run) {
    let line = match line {
        Line::Text(t) => t,
        Line::TooLong => {
            run.skip_line(n, "line longer than 16 MiB");
            return;
        }
    };
    let line = if n == 1 { strip_bom(line) } else { line };
    if line.iter().all(|b| b.is_ascii_whitespace()) {
        return;
    }
    let parsed = match fast_path(line) {
        Some(p) => Ok(p),
        None => slow_path(line),
    };
    match parsed {
        Ok(Parsed::Ignored) => {}
        Ok(Parsed::Point(p)) => record(n, p, run),
        Ok(Parsed::Metric { name, thresholds }) => {
            for t in thresholds {
                let th = ToolThreshold {
                    metric: name.clone(),
                    expression: t,
                    passed: None,
                };
                if !run.thresholds.contains(&th) {
                    run.thresholds.push(th);
                }
            }
        }
        Err(reason) => run.skip_line(n, reason),
    }
}

fn record(n: u64, p: Point<'_>, run: &mut Run) {
    match &*p.metric {
        metric @ ("http_req_duration" | "grpc_req_duration") => {
            let t = &p.tags;
            let status = t.status.as_deref().unwrap_or("");
            let failed = request_failed(metric, t.expected_response.as_deref(), status);
            let name = t
                .name
                .as_deref()
                .or(t.url.as_deref())
                .unwrap_or("(unnamed)");
            if p.time.is_none() {
                run.skip_line(n, "http_req_duration point without a valid \"time\"");
                return;
            }
            run.request(&Request {
                end_us: p.time,
                duration_ms: p.value,
                failed,
                status: if status.is_empty() { "-" } else { status },
                name,
                method: t.method.as_deref().unwrap_or(""),
                group: t.group.as_deref().unwrap_or(""),
                scenario: t.scenario.as_deref().unwrap_or(""),
            });
        }
        "vus" => run.concurrency(p.time, p.value),
        "checks" => run.check(p.value != 0.0),
        "dropped_iterations" => {
            if let (Some(t), true) = (p.time, p.value.is_finite() && p.value > 0.0) {
                run.iterations_dropped(t, p.value.round() as u64);
            }
        }
        "iteration_duration" => {
            if let Some(t) = p.time {
                let start = t - (p.value * 1000.0).round() as i64;
                run.activity_start(start);
                run.iteration_started(start);
            }
        }
        _ => {}
    }
}

/// Whether k6 would count the request as failed. HTTP: the `expected_response`
/// tag (what `http_req_failed` counts), else status 0 or ≥ 400. gRPC has no
/// failure metric in k6: a status other than 0 (OK) is a failure.
pub(crate) fn request_failed(metric: &str, expected_response: Option<&str>, status: &str) -> bool {
    if metric == "grpc_req_duration" {
        return status != "0";
    }
    match expected_response {
        Some("false") => true,
        Some(_) => false,
        None => status.parse::<u16>().map_or(true, |s| s == 0 || s >= 400),
    }
}

/// Reads the canonical k6 layout; `None` means "use the slow path" (any
/// other key order, escapes inside tags, odd spacing).
fn fast_path(line: &[u8]) -> Option<Parsed<'_>> {
    let rest = line.strip_prefix(b"{\"metric\":\"")?;
    let q = memchr::memchr(b'"', rest)?;
    let metric = &rest[..q];
    let after = rest[q..].strip_prefix(b"\",\"type\":\"Point\",\"data\":{\"time\":\"")?;
    if !WANTED.contains(&metric) {
        return Some(Parsed::Ignored);
    }
    // One UTF-8 check per line we use; every later cut is at an ASCII quote,
    // comma or colon, so the pieces stay valid `str`s.
    let line = std::str::from_utf8(line).ok()?;
    let at = line.len() - after.len();
    let metric = &line[11..11 + q];
    let rest = &line[at..];
    let q = memchr::memchr(b'"', rest.as_bytes())?;
    let time = parse_rfc3339(&rest.as_bytes()[..q]);
    let rest = rest[q..].strip_prefix("\",\"value\":")?;
    let end = memchr::memchr(b',', rest.as_bytes())?;
    let value: f64 = rest[..end].parse().ok()?;
    let rest = rest[end..].strip_prefix(",\"tags\":")?;
    let tags = if rest.starts_with("null") {
        Tags::default()
    } else {
        fast_tags(rest)?
    };
    Some(Parsed::Point(Point {
        metric: Cow::Borrowed(metric),
        time,
        value,
        tags,
    }))
}

/// Reads a flat `{"k":"v",…}` object of plain strings (no escapes).
fn fast_tags(s: &str) -> Option<Tags<'_>> {
    let mut tags = Tags::default();
    let mut rest = s.strip_prefix('{')?;
    if rest.starts_with('}') {
        return Some(tags);
    }
    loop {
        let (key, r) = plain_string(rest)?;
        let r = r.strip_prefix(':')?;
        let (value, r) = plain_string(r)?;
        let slot = match key {
            "name" => &mut tags.name,
            "url" => &mut tags.url,
            "method" => &mut tags.method,
            "status" => &mut tags.status,
            "expected_response" => &mut tags.expected_response,
            "group" => &mut tags.group,
            "scenario" => &mut tags.scenario,
            _ => &mut None,
        };
        *slot = Some(Cow::Borrowed(value));
        if let Some(r) = r.strip_prefix(',') {
            rest = r;
        } else if r.starts_with('}') {
            return Some(tags);
        } else {
            return None;
        }
    }
}

/// A JSON string without escapes at the start of `s`, and the rest.
fn plain_string(s: &str) -> Option<(&str, &str)> {
    let body = s.strip_prefix('"')?;
    let q = memchr::memchr2(b'"', b'\\', body.as_bytes())?;
    if body.as_bytes()[q] != b'"' {
        return None;
    }
    Some((&body[..q], &body[q + 1..]))
}

fn slow_path(line: &[u8]) -> Result<Parsed<'static>, String> {
    let v: Value = serde_json::from_slice(line).map_err(|e| format!("not JSON ({e})"))?;
    let obj = v.as_object().ok_or("expected a JSON object")?;
    let kind = obj
        .get("type")
        .and_then(Value::as_str)
        .ok_or("no \"type\" field")?;
    let metric = obj
        .get("metric")
        .and_then(Value::as_str)
        .ok_or("no \"metric\" field")?;
    let data = obj
        .get("data")
        .and_then(Value::as_object)
        .ok_or("no \"data\" object")?;
    match kind {
        "Metric" => {
            let thresholds = data
                .get("thresholds")
                .and_then(Value::as_array)
                .map(|a| {
                    a.iter()
                        .filter_map(|t| t.as_str().map(str::to_string))
                        .collect()
                })
                .unwrap_or_default();
            Ok(Parsed::Metric {
                name: metric.to_string(),
                thresholds,
            })
        }
        "Point" => {
            if !WANTED.contains(&metric.as_bytes()) {
                return Ok(Parsed::Ignored);
            }
            let time = data
                .get("time")
                .and_then(Value::as_str)
                .and_then(|t| parse_rfc3339(t.as_bytes()));
            let value = data
                .get("value")
                .and_then(Value::as_f64)
                .ok_or("Point without a numeric \"value\"")?;
            let mut tags = Tags::default();
            if let Some(t) = data.get("tags").and_then(Value::as_object) {
                let get = |k: &str| {
                    t.get(k)
                        .and_then(Value::as_str)
                        .map(|s| Cow::Owned(s.to_string()))
                };
                tags.name = get("name");
                tags.url = get("url");
                tags.method = get("method");
                tags.status = get("status");
                tags.expected_response = get("expected_response");
                tags.group = get("group");
                tags.scenario = get("scenario");
            }
            Ok(Parsed::Point(Point {
                metric: Cow::Owned(metric.to_string()),
                time,
                value,
                tags,
            }))
        }
        other => Err(format!(
            "unknown line type \"{other}\" (expected Metric or Point)"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::Session;

    const POINT: &str = r#"{"metric":"http_req_duration","type":"Point","data":{"time":"2026-11-22T01:35:58.832031449Z","value":9.126711,"tags":{"expected_response":"true","group":"::browse","method":"GET","name":"GET /api/items/{id}","proto":"HTTP/1.1","scenario":"steady","status":"200","url":"GET /api/items/{id}"}}}"#;

    #[test]
    fn sniffs_k6_lines_only() {
        assert!(sniff(POINT.as_bytes(), true));
        assert!(sniff(
            br#"{"type":"Metric","data":{"name":"vus"},"metric":"vus"}"#,
            true
        ));
        assert!(!sniff(br#"{"aggregate":{}}"#, true));
        assert!(!sniff(b"metric_name,timestamp", true));
    }

    #[test]
    fn fast_and_slow_paths_agree() {
        let reordered = r#"{"type":"Point","data":{"tags":{"url":"GET /api/items/{id}","status":"200","scenario":"steady","proto":"HTTP/1.1","name":"GET /api/items/{id}","method":"GET","group":"::browse","expected_response":"true"},"value":9.126711,"time":"2026-11-22T01:35:58.832031449Z"},"metric":"http_req_duration"}"#;
        let a = Session::read_all("a", IngestOptions::default(), POINT.as_bytes()).expect("reads");
        let b =
            Session::read_all("b", IngestOptions::default(), reordered.as_bytes()).expect("reads");
        let (a, mut b) = (a.summary(), b.summary());
        b.source = a.source.clone();
        assert_eq!(a, b);
        assert_eq!(a.requests, Some(1));
    }

    #[test]
    fn escaped_tags_are_unescaped() {
        let line = POINT.replace(r#""name":"GET /api/items/{id}""#, r#""name":"q\"\u00e9""#);
        let run = Session::read_all("x", IngestOptions::default(), line.as_bytes()).expect("reads");
        assert_eq!(run.summary().endpoints[0].name, "q\"é");
    }

    #[test]
    fn bad_lines_are_counted_not_fatal() {
        let text = format!("{POINT}\nnot json at all\n{{\"metric\":\"x\"}}\n{POINT}\n");
        let run = Session::read_all("x", IngestOptions::default(), text.as_bytes()).expect("reads");
        let s = run.summary();
        assert_eq!(s.requests, Some(2));
        assert_eq!(s.skipped_lines, 2);
        assert_eq!(s.skipped_examples[0].line, 2);
        assert!(
            s.warnings.iter().any(|w| w.contains("line 2")),
            "{:?}",
            s.warnings
        );
    }
}
