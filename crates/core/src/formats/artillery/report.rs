//! Artillery `artillery run --output report.json` (Artillery 2's metrics):
//!
//! ```text
//! {"aggregate": {"counters": {"http.requests": 6100, "http.codes.200": 5745, "errors.ETIMEDOUT": 2,
//!     "plugins.metrics-by-endpoint.GET /api/items.codes.200": 1804, …},
//!   "summaries": {"http.response_time": {"min": 0, "max": 1351, "count": 6100, "mean": 33.3, "p50": 23.8, "median": 23.8,
//!     "p75": 44.3, "p90": 67.4, "p95": 83.9, "p99": 127.8, "p999": 550.1}, …},
//!   "firstMetricAt": 1795311766053, "lastMetricAt": 1795311851221, "period": 1795311850000, …},
//!  "intermediate": [{"period": "1795311760000", "counters": {…}, "summaries": {…}, …}, …]}
//! ```
//!
//! Upstream: artilleryio/artillery `packages/artillery/lib/cmds/run.ts`
//! (writes `{aggregate, intermediate}`, `histograms` = a copy of `summaries`),
//! `lib/core/ssms.ts` (10 s periods, DDSketch at 1% relative accuracy, values
//! rounded to 0.1 ms), `lib/core/engine_http.ts` (counters) and
//! `packages/artillery-plugin-metrics-by-endpoint` (per-endpoint keys).
//! The 1.x shape (`aggregate.latency`, `requestsCompleted`, …) is read by
//! [`crate::formats::artillery::v1`].
//!
//! Everything is Artillery's own aggregate: its percentiles are sketch
//! estimates and are copied, never recomputed or merged. The file is read as
//! a stream of pieces (the aggregate, then one period at a time), so a long
//! run's report does not have to fit in memory; a report cut short after
//! its aggregate still gives the totals, with the periods read so far.
//!
//! What the numbers mean here:
//! - **requests** = `http.requests` (requests sent). Per endpoint, where no
//!   such counter exists, requests = responses by status (`….codes.<status>`)
//!   plus requests that got no response (`….errors.<code>`).
//! - **errors** = failed requests: responses with status ≥ 400 plus requests
//!   that got no response (`errors.<CODE>` with a Node/TLS error code:
//!   `ETIMEDOUT`, `ECONNRESET`, `ENOTFOUND`, …; overall this equals
//!   `http.requests − http.responses`). Artillery itself counts as errors
//!   only its `errors.*` counters (and the VUs they stopped as
//!   `vusers.failed`); a 500 is a completed request to Artillery. We add the
//!   ≥ 400 responses so that an error rate means what it means for every
//!   other tool Verdict reads (k6's `http_req_failed`, hey, JMeter). Errors
//!   Artillery records after a response (`Failed capture or match`) or
//!   outside a request (a processor's message) are like failed checks: they
//!   are listed under failures, not counted again as failed requests (the
//!   response was already counted, possibly as a ≥ 400).
//! - **rps** = requests / (`lastMetricAt` − `firstMetricAt`);
//!   `http.request_rate` is a mean of per-period rates, not used.
//! - **timeline** = one point per 10 s period: its requests and errors as
//!   above, the period's own p50/p95/p99, and the VUs alive at the period's
//!   end (VUs created so far − completed − failed).
//! - **endpoints** come from the `metrics-by-endpoint` plugin: summaries
//!   `<prefix>.response_time.<name>` and counters
//!   `<prefix>.<name>.codes.<status>` / `<prefix>.<name>.errors.<code>`.
//!   Names are taken verbatim (they contain dots, spaces, braces, any
//!   Unicode); the prefix is `plugins.metrics-by-endpoint` unless the plugin's
//!   `metricsNamespace` renamed it, which is recognised from keys that pair
//!   a `.response_time.<name>` summary with `.<name>.codes.<status>` counters.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value};

use crate::decoder::{strip_bom, Decoder, FormatSpec};
use crate::error::{IngestError, Position};
use crate::format::Format;
use crate::formats::artillery::v1;
use crate::formats::artillery::values::{counter, is_unanswered, latency, number};
use crate::formats::shared::document::MAX_DOCUMENT;
use crate::formats::shared::json_pieces::{JsonPieces, Piece, SplitError};
use crate::formats::shared::tool_timeline::{summarize, OnFold, ToolWindow};
use crate::options::IngestOptions;
use crate::run::{Run, ToolReport};
use crate::summary::{EndpointSummary, FailureSummary};
use crate::time::Micros;

/// Registry entry.
pub const SPEC: FormatSpec = FormatSpec {
    format: Format::ArtilleryReport,
    description: "Artillery run --output report.json (Artillery's own aggregates, 2.x and 1.x)",
    raw_samples: false,
    sniff,
    priority: 20,
    extensions: &[".json"],
    new_decoder,
};

/// The plugin's default metric namespace.
pub const ENDPOINT_PREFIX: &str = "plugins.metrics-by-endpoint";
/// Artillery's period width.
const PERIOD_S: f64 = 10.0;

fn sniff(prefix: &[u8], _eof: bool) -> bool {
    let c: Vec<u8> = strip_bom(prefix)
        .iter()
        .copied()
        .filter(|b| !b.is_ascii_whitespace())
        .collect();
    let has = |k: &[u8]| memchr::memmem::find(&c, k).is_some();
    c.starts_with(b"{")
        && has(b"\"aggregate\":{")
        && (has(b"\"intermediate\":[")
            || has(b"\"counters\":{")
            || has(b"\"scenariosCreated\":")
            || has(b"\"requestsCompleted\":"))
}

fn new_decoder(_: &IngestOptions) -> Box<dyn Decoder> {
    Box::new(ArtilleryDecoder::default())
}

/// Streaming decoder for `report.json`: the aggregate and each intermediate
/// period are parsed one at a time, so memory does not grow with the run.
#[derive(Debug)]
pub struct ArtilleryDecoder {
    pieces: JsonPieces,
    aggregate: Option<Map<String, Value>>,
    aggregate_error: Option<String>,
    periods: Vec<Period>,
    legacy_reports: Vec<v1::Report>,
    /// Periods without a time, and periods that are not JSON objects.
    unplaced: u64,
    unreadable: u64,
    broken: Option<SplitError>,
}

impl Default for ArtilleryDecoder {
    fn default() -> Self {
        ArtilleryDecoder {
            pieces: JsonPieces::with_limit(MAX_DOCUMENT),
            aggregate: None,
            aggregate_error: None,
            periods: Vec::new(),
            legacy_reports: Vec::new(),
            unplaced: 0,
            unreadable: 0,
            broken: None,
        }
    }
}

impl ArtilleryDecoder {
    fn piece(&mut self, piece: Piece<'_>) {
        match piece {
            Piece::Value {
                key: "aggregate",
                bytes,
            } => match serde_json::from_slice::<Value>(bytes) {
                Ok(Value::Object(m)) => self.aggregate = Some(m),
                Ok(_) => self.aggregate_error = Some("\"aggregate\" is not an object".into()),
                Err(e) => {
                    self.aggregate_error = Some(format!("\"aggregate\" is not valid JSON: {e}"))
                }
            },
            Piece::Element {
                key: "intermediate",
                bytes,
                ..
            } => match serde_json::from_slice::<Value>(bytes) {
                Ok(Value::Object(p)) if is_v2_period(&p) => match Period::read(&p) {
                    Some(period) => self.periods.push(period),
                    None => self.unplaced += 1,
                },
                Ok(Value::Object(p)) => self.legacy_reports.push(v1::Report::read(&p)),
                _ => self.unreadable += 1,
            },
            _ => {}
        }
    }
}

impl Decoder for ArtilleryDecoder {
    fn feed(&mut self, bytes: &[u8], run: &mut Run) -> Result<(), IngestError> {
        let _ = run;
        if self.broken.is_some() {
            return Ok(());
        }
        let mut pieces = std::mem::take(&mut self.pieces);
        if let Err(e) = pieces.feed(bytes, |p| self.piece(p)) {
            self.broken = Some(e);
        }
        self.pieces = pieces;
        Ok(())
    }

    fn finish(&mut self, run: &mut Run) -> Result<(), IngestError> {
        if self.broken.is_none() {
            let mut pieces = std::mem::take(&mut self.pieces);
            if let Err(e) = pieces.finish(|p| self.piece(p)) {
                self.broken = Some(e);
            }
        }
        let (source, format) = (run.source.clone(), run.format.as_str());
        let malformed = |position: Position, reason: String| IngestError::Malformed {
            source_name: source.clone(),
            format,
            position,
            reason,
        };
        let Some(aggregate) = self.aggregate.take() else {
            return Err(match (&self.broken, &self.aggregate_error) {
                (Some(b), _) => malformed(Position::Offset { offset: b.offset }, b.reason.clone()),
                (None, Some(reason)) => malformed(
                    Position::Part {
                        part: "\"aggregate\"",
                    },
                    reason.clone(),
                ),
                (None, None) => malformed(
                    Position::Part { part: "top level" },
                    "expected an \"aggregate\" object".into(),
                ),
            });
        };
        if let Some(b) = &self.broken {
            // The aggregate came first and is whole: keep it, and the periods read before the cut.
            run.warn(format!(
                "the report is cut or broken at byte {} ({}); totals are Artillery's aggregate, the timeline has the {} period(s) before that point",
                b.offset,
                b.reason,
                self.periods.len() + self.legacy_reports.len()
            ));
        }
        if self.unplaced > 0 {
            run.warn(format!(
                "{} intermediate period(s) have no time (period) and are left out of the timeline",
                self.unplaced
            ));
        }
        if self.unreadable > 0 {
            run.warn(format!(
                "{} intermediate entries are not JSON objects and were skipped",
                self.unreadable
            ));
        }
        let v2 = ["summaries", "histograms", "rates", "firstMetricAt"]
            .iter()
            .any(|k| aggregate.contains_key(*k));
        if v2 {
            read_v2(&aggregate, std::mem::take(&mut self.periods), run);
        } else if ["requestsCompleted", "scenariosCreated", "latency"]
            .iter()
            .any(|k| aggregate.contains_key(*k))
        {
            v1::read(&aggregate, std::mem::take(&mut self.legacy_reports), run);
        } else {
            return Err(malformed(
                Position::Part { part: "\"aggregate\"" },
                "holds neither Artillery 2 metrics (counters, summaries) nor 1.x fields (requestsCompleted, latency)".into(),
            ));
        }
        Ok(())
    }
}

fn is_v2_period(p: &Map<String, Value>) -> bool {
    ["summaries", "histograms", "period", "firstMetricAt"]
        .iter()
        .any(|k| p.contains_key(*k))
}

/// What one 10 s period contributes to the timeline.
#[derive(Debug, Clone)]
struct Period {
    window: ToolWindow,
    /// VUs created − completed − failed in the period.
    vus_delta: i64,
}

impl Period {
    fn read(p: &Map<String, Value>) -> Option<Period> {
        let ms = number(p.get("period"))
            .or_else(|| number(p.get("firstMetricAt")).map(|t| (t / 10_000.0).floor() * 10_000.0))
            .filter(|ms| *ms > 0.0)?;
        let empty = Map::new();
        let counters = object(p, "counters").unwrap_or(&empty);
        let (requests, errors) = requests_and_errors(counters);
        let vu = |k: &str| counter(counters, k).unwrap_or(0) as i64;
        let l = latency(summaries(p).and_then(|s| s.get("http.response_time")));
        Some(Period {
            window: ToolWindow {
                start_us: (ms * 1000.0).round() as Micros,
                requests: requests.unwrap_or(0),
                errors,
                p50_ms: l.p50,
                p95_ms: l.p95,
                p99_ms: l.p99,
                concurrency: None,
            },
            vus_delta: vu("vusers.created") - vu("vusers.completed") - vu("vusers.failed"),
        })
    }
}

fn object<'a>(period: &'a Map<String, Value>, key: &str) -> Option<&'a Map<String, Value>> {
    period.get(key).and_then(Value::as_object)
}

/// The summaries of a period (`histograms` holds a copy in what `run` writes).
fn summaries(period: &Map<String, Value>) -> Option<&Map<String, Value>> {
    object(period, "summaries").or_else(|| {
        object(period, "histograms").filter(|h| {
            h.values()
                .all(|v| v.get("p50").is_some() || v.get("median").is_some())
        })
    })
}

/// Sum of counters `<base>.<status>` with a numeric status ≥ 400.
fn failed_statuses(counters: &Map<String, Value>, base: &str) -> u64 {
    counters
        .iter()
        .filter_map(|(k, v)| {
            let status = k.strip_prefix(base)?.strip_prefix('.')?;
            let code: u16 = status.parse().ok()?;
            (code >= 400).then(|| number(Some(v)).map_or(0, |c| c.max(0.0).round() as u64))
        })
        .sum()
}

/// Artillery's own `errors.<code>` counters.
fn error_counters(counters: &Map<String, Value>) -> BTreeMap<String, u64> {
    counters
        .iter()
        .filter_map(|(k, v)| {
            Some((
                k.strip_prefix("errors.")?.to_string(),
                number(Some(v))?.max(0.0).round() as u64,
            ))
        })
        .collect()
}

/// Requests that got no response, from `errors.<code>`-style counters.
fn unanswered(errors: &BTreeMap<String, u64>) -> u64 {
    errors
        .iter()
        .filter(|(code, _)| is_unanswered(code))
        .map(|(_, n)| n)
        .sum()
}

/// Requests and errors (as defined in the module docs) of one period or the aggregate.
fn requests_and_errors(counters: &Map<String, Value>) -> (Option<u64>, u64) {
    let errors = failed_statuses(counters, "http.codes") + unanswered(&error_counters(counters));
    (counter(counters, "http.requests"), errors)
}

#[derive(Debug, Default)]
struct Endpoint {
    codes: BTreeMap<String, u64>,
    errors: BTreeMap<String, u64>,
    summary: Option<Value>,
}

/// Endpoint namespaces in use: the plugin's default, plus any custom
/// `metricsNamespace` that pairs a `P.response_time.N` summary with `P.N.codes.S`.
fn endpoint_prefixes(
    counters: &Map<String, Value>,
    summaries: &Map<String, Value>,
) -> BTreeSet<String> {
    let mut out = BTreeSet::from([ENDPOINT_PREFIX.to_string()]);
    for key in summaries.keys() {
        for (pos, _) in key.match_indices(".response_time.") {
            let (prefix, name) = (&key[..pos], &key[pos + ".response_time.".len()..]);
            if prefix == "http" || prefix.is_empty() || out.contains(prefix) {
                continue;
            }
            let codes = format!("{prefix}.{name}.codes.");
            if counters.keys().any(|k| k.starts_with(&codes)) {
                out.insert(prefix.to_string());
            }
        }
    }
    out
}

fn endpoints(
    counters: &Map<String, Value>,
    summaries: &Map<String, Value>,
) -> BTreeMap<String, Endpoint> {
    let mut out: BTreeMap<String, Endpoint> = BTreeMap::new();
    for prefix in endpoint_prefixes(counters, summaries) {
        let summary_base = format!("{prefix}.response_time.");
        for (key, v) in summaries {
            if let Some(name) = key.strip_prefix(&summary_base) {
                out.entry(name.to_string()).or_default().summary = Some(v.clone());
            }
        }
        let counter_base = format!("{prefix}.");
        for (key, v) in counters {
            let Some(rest) = key.strip_prefix(&counter_base) else {
                continue;
            };
            let n = number(Some(v)).map_or(0, |c| c.max(0.0).round() as u64);
            // Statuses and error codes hold no dot; names may: split at the last marker.
            if let Some(pos) = rest.rfind(".codes.") {
                let status = &rest[pos + ".codes.".len()..];
                if !status.is_empty() && status.bytes().all(|b| b.is_ascii_digit()) {
                    *out.entry(rest[..pos].to_string())
                        .or_default()
                        .codes
                        .entry(status.to_string())
                        .or_default() += n;
                    continue;
                }
            }
            if let Some(pos) = rest.rfind(".errors.") {
                let code = &rest[pos + ".errors.".len()..];
                *out.entry(rest[..pos].to_string())
                    .or_default()
                    .errors
                    .entry(code.to_string())
                    .or_default() += n;
            }
        }
    }
    out
}

fn endpoint_summaries(
    eps: &BTreeMap<String, Endpoint>,
    duration_s: Option<f64>,
) -> Vec<EndpointSummary> {
    eps.iter()
        .map(|(name, ep)| {
            let answered: u64 = ep.codes.values().sum();
            let unanswered = unanswered(&ep.errors);
            let requests = answered + unanswered;
            let failed = ep
                .codes
                .iter()
                .filter(|(s, _)| s.parse::<u16>().is_ok_and(|c| c >= 400))
                .map(|(_, c)| c)
                .sum::<u64>()
                + unanswered;
            // Only the summary is known (codes may be suppressed): its count is the responses.
            let requests = if requests == 0 {
                ep.summary
                    .as_ref()
                    .and_then(|s| number(s.get("count")))
                    .map(|c| c.round() as u64)
            } else {
                Some(requests)
            };
            EndpointSummary {
                name: name.clone(),
                method: None,
                requests,
                errors: requests.map(|_| failed),
                error_rate: requests
                    .filter(|r| *r > 0)
                    .map(|r| failed as f64 / r as f64),
                rps: requests
                    .zip(duration_s)
                    .filter(|(_, d)| *d > 0.0)
                    .map(|(r, d)| r as f64 / d),
                latency_ms: latency(ep.summary.as_ref()),
                status_codes: ep.codes.clone(),
                groups: Vec::new(),
                scenarios: Vec::new(),
            }
        })
        .collect()
}

/// Failures: per-endpoint error counters, then what remains of Artillery's
/// overall `errors.<code>` (errors not attributed to an endpoint).
fn failures(
    eps: &BTreeMap<String, Endpoint>,
    overall: &BTreeMap<String, u64>,
) -> Vec<FailureSummary> {
    let mut out = Vec::new();
    let mut attributed: BTreeMap<&str, u64> = BTreeMap::new();
    for (name, ep) in eps {
        for (code, n) in &ep.errors {
            *attributed.entry(code).or_default() += n;
            out.push(FailureSummary {
                endpoint: Some(name.clone()),
                method: None,
                message: code.clone(),
                count: *n,
            });
        }
    }
    for (code, n) in overall {
        let rest = n.saturating_sub(attributed.get(code.as_str()).copied().unwrap_or(0));
        if rest > 0 {
            out.push(FailureSummary {
                endpoint: None,
                method: None,
                message: code.clone(),
                count: rest,
            });
        }
    }
    out
}

fn timeline(
    mut periods: Vec<Period>,
    start_us: Option<Micros>,
    run: &mut Run,
) -> (crate::summary::TimelineSummary, Option<f64>) {
    periods.sort_by_key(|p| p.window.start_us);
    let mut alive: i64 = 0;
    let mut peak: Option<f64> = None;
    let windows: Vec<ToolWindow> = periods
        .into_iter()
        .map(|p| {
            alive += p.vus_delta;
            let concurrency = alive.max(0) as f64;
            peak = Some(peak.map_or(concurrency, |x: f64| x.max(concurrency)));
            ToolWindow {
                concurrency: Some(concurrency),
                ..p.window
            }
        })
        .collect();
    let origin = start_us
        .or(windows.first().map(|w| w.start_us))
        .unwrap_or(0);
    let (summary, note) = summarize(windows, origin, PERIOD_S, OnFold::Drop);
    if let Some(n) = note {
        run.warn(n);
    }
    (summary, peak)
}

fn read_v2(aggregate: &Map<String, Value>, periods: Vec<Period>, run: &mut Run) {
    let empty = Map::new();
    let counters = object(aggregate, "counters").unwrap_or(&empty);
    let sums = summaries(aggregate).unwrap_or(&empty);
    let ms_to_us = |v: f64| (v * 1000.0).round() as Micros;
    let first = number(aggregate.get("firstMetricAt"))
        .filter(|v| *v > 0.0)
        .map(ms_to_us);
    let last = number(aggregate.get("lastMetricAt"))
        .filter(|v| *v > 0.0)
        .map(ms_to_us);
    let duration_s = first
        .zip(last)
        .filter(|(a, b)| b > a)
        .map(|(a, b)| (b - a) as f64 / 1e6);

    let mut report = aggregate_report(counters, sums, duration_s, run);
    let (timeline, peak) = timeline(periods, first, run);
    report.start_us = first;
    // A snapshot of 0 while requests ran only says sessions were shorter than a period's end.
    report.peak_concurrency = peak.filter(|p| *p > 0.0 || report.requests.unwrap_or(0) == 0);
    report.timeline = timeline;
    run.tool = Some(report);
}

/// Everything Artillery's aggregate counters and summaries say (the
/// report's `aggregate`, or the console's "Summary report"): totals,
/// statuses, endpoints, failures and their warnings. No timeline.
pub(crate) fn aggregate_report(
    counters: &Map<String, Value>,
    sums: &Map<String, Value>,
    duration_s: Option<f64>,
    run: &mut Run,
) -> ToolReport {
    let (requests, errors) = requests_and_errors(counters);
    let has_http =
        counters.keys().any(|k| k.starts_with("http.")) || sums.contains_key("http.response_time");
    let requests = requests.or_else(|| {
        // Without http.requests: responses plus requests that failed without one.
        counter(counters, "http.responses").map(|r| r + unanswered(&error_counters(counters)))
    });
    if !has_http {
        run.warn(
            "the report has no http.* metrics (a WebSocket, Socket.IO or browser test?); only Artillery's HTTP metrics are summarised",
        );
    }
    let status_codes: BTreeMap<String, u64> = counters
        .iter()
        .filter_map(|(k, v)| {
            Some((
                k.strip_prefix("http.codes.")?.to_string(),
                number(Some(v))?.max(0.0).round() as u64,
            ))
        })
        .collect();
    let eps = endpoints(counters, sums);
    let overall_errors = error_counters(counters);
    if let Some(failed) = counter(counters, "vusers.failed").filter(|f| *f > 0) {
        run.warn(format!(
            "{failed} virtual user(s) failed (vusers.failed): Artillery stops a VU at its first error (see failures)"
        ));
    }
    let after_response: Vec<String> = overall_errors
        .iter()
        .filter(|(code, _)| !is_unanswered(code))
        .map(|(code, n)| format!("{code}: {n}"))
        .collect();
    if !after_response.is_empty() {
        run.warn(format!(
            "Artillery errors that are not a request without response ({}) are listed under failures but not \
             counted as failed requests: they follow a response already counted by its status, like a failed check",
            after_response.join(", ")
        ));
    }
    run.failures = failures(&eps, &overall_errors);
    ToolReport {
        start_us: None,
        duration_s,
        requests,
        errors: requests.map(|_| errors).or((errors > 0).then_some(errors)),
        rps: requests
            .zip(duration_s)
            .filter(|(_, d)| *d > 0.0)
            .map(|(r, d)| r as f64 / d),
        latency_ms: latency(sums.get("http.response_time")),
        endpoints: endpoint_summaries(&eps, duration_s),
        status_codes,
        checks: None,
        peak_concurrency: None,
        timeline: Default::default(),
        distribution: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::Session;

    fn report(aggregate: &str, intermediate: &str) -> String {
        format!(r#"{{"aggregate": {aggregate}, "intermediate": [{intermediate}]}}"#)
    }

    const SUMMARY: &str = r#"{"min": 1, "max": 9, "count": 3, "mean": 4.2, "p50": 3.1, "median": 3.1, "p75": 5, "p90": 8, "p95": 8.5, "p99": 9, "p999": 9}"#;

    #[test]
    fn sniffs_artillery_reports_only() {
        assert!(sniff(report(r#"{"counters": {}}"#, "").as_bytes(), true));
        assert!(sniff(br#"{"intermediate": [], "aggregate": {"timestamp": "2016-03-16T15:22:25.502Z", "scenariosCreated": 1}}"#, true));
        assert!(!sniff(
            br#"{"metrics": {"http_reqs": {}}, "root_group": {}}"#,
            true
        ));
        assert!(!sniff(br#"[{"name": "/", "num_requests": 1}]"#, true));
        assert!(!sniff(br#"{"aggregate": 5}"#, true));
    }

    #[test]
    fn endpoint_names_with_dots_braces_and_unicode() {
        let agg = format!(
            r#"{{"counters": {{"http.requests": 5, "http.responses": 4, "http.codes.200": 3, "http.codes.404": 1, "errors.ETIMEDOUT": 1,
                "plugins.metrics-by-endpoint.GET /v1.2/items/{{id}}.codes.200": 2,
                "plugins.metrics-by-endpoint.GET /v1.2/items/{{id}}.codes.404": 1,
                "plugins.metrics-by-endpoint.Suche: café (€).codes.200": 1,
                "plugins.metrics-by-endpoint.Suche: café (€).errors.ETIMEDOUT": 1}},
              "summaries": {{"http.response_time": {SUMMARY},
                "plugins.metrics-by-endpoint.response_time.GET /v1.2/items/{{id}}": {SUMMARY},
                "plugins.metrics-by-endpoint.response_time.Suche: café (€)": {SUMMARY},
                "plugins.metrics-by-endpoint.server-timing.Suche: café (€)": {SUMMARY}}},
              "firstMetricAt": 1000000, "lastMetricAt": 1010000, "period": 1000000}}"#
        );
        let s = Session::read_all(
            "input",
            IngestOptions::default(),
            report(&agg, "").as_bytes(),
        )
        .expect("reads")
        .summary();
        assert_eq!(s.format, Format::ArtilleryReport);
        assert_eq!(s.requests, Some(5));
        assert_eq!(s.errors, Some(2), "one 404 and one timeout");
        assert_eq!(s.rps, Some(0.5));
        assert_eq!(s.latency_ms.p95, Some(8.5));
        let names: Vec<&str> = s.endpoints.iter().map(|e| e.name.as_str()).collect();
        assert_eq!(names, ["GET /v1.2/items/{id}", "Suche: café (€)"]);
        assert_eq!(s.endpoints[0].requests, Some(3));
        assert_eq!(s.endpoints[0].errors, Some(1));
        assert_eq!(s.endpoints[1].requests, Some(2));
        assert_eq!(s.endpoints[1].errors, Some(1));
        assert_eq!(s.failures.len(), 1);
        assert_eq!(s.failures[0].endpoint.as_deref(), Some("Suche: café (€)"));
        assert_eq!(s.status_codes.get("404"), Some(&1));
    }

    #[test]
    fn custom_namespace_and_period_strings() {
        let agg = format!(
            r#"{{"counters": {{"http.requests": 2, "api.GET /x.codes.200": 2, "vusers.created": 2, "vusers.completed": 1}},
              "summaries": {{"http.response_time": {SUMMARY}, "http.response_time.2xx": {SUMMARY}, "api.response_time.GET /x": {SUMMARY}}},
              "firstMetricAt": 1000500, "lastMetricAt": 1019000}}"#
        );
        let p1 = format!(
            r#"{{"period": "1000000", "counters": {{"http.requests": 1, "vusers.created": 2}}, "summaries": {{"http.response_time": {SUMMARY}}}}}"#
        );
        let p2 = r#"{"period": 1010000, "counters": {"http.requests": 1, "http.codes.500": 1, "vusers.completed": 1}, "summaries": {}, "http.request_rate": null}"#;
        let s = Session::read_all(
            "r.json",
            IngestOptions::default(),
            report(&agg, &format!("{p2},{p1}")).as_bytes(),
        )
        .expect("reads")
        .summary();
        assert_eq!(
            s.endpoints.len(),
            1,
            "http.response_time.2xx is not an endpoint"
        );
        assert_eq!(s.endpoints[0].name, "GET /x");
        let t = &s.timeline;
        assert_eq!(t.bucket_s, 10.0);
        assert_eq!(t.points.len(), 2);
        assert_eq!(
            (t.points[0].t_s, t.points[0].concurrency, t.points[0].p95_ms),
            (0.0, Some(2.0), Some(8.5))
        );
        assert_eq!(
            (t.points[1].t_s, t.points[1].errors, t.points[1].concurrency),
            (9.5, 1, Some(1.0))
        );
        assert_eq!(s.peak_concurrency, Some(2.0));
    }

    #[test]
    fn not_a_report_fails_clearly() {
        let err = Session::read_all(
            "x.json",
            IngestOptions::default(),
            br#"{"aggregate": {"foo": 1}, "intermediate": []}"#,
        )
        .expect_err("no metrics");
        assert!(
            err.to_string().contains("neither Artillery 2 metrics"),
            "{err}"
        );
        let cut = report(r#"{"counters": {"http.requests": 2}}"#, "");
        let err = Session::read_all(
            "x.json",
            IngestOptions::default(),
            &cut.as_bytes()[..cut.len() - 3],
        )
        .expect_err("cut");
        assert_eq!(err.code(), "corrupt");
    }
}
