//! Locust `--json` (stdout) and `--json-file NAME` (`NAME.json`): a list of
//! per-endpoint stats objects, Locust's own `StatsEntry` serialisation:
//!
//! ```text
//! [{"name": "GET /api/items", "method": "GET", "last_request_timestamp": 1795311585.88, "start_time": 1795311512.26,
//!   "num_requests": 2862, "num_none_requests": 0, "num_failures": 11, "total_response_time": 74510.80,
//!   "max_response_time": 98.60, "min_response_time": 8.61, "total_content_length": 3626703,
//!   "response_times": {"21": 156, "15": 61, …}, "num_reqs_per_sec": {"1795311512": 2, …}, "num_fail_per_sec": {…}}, …]
//! ```
//!
//! Upstream: locustio/locust `locust/stats.py` (`StatsEntry.serialize`,
//! `RequestStats.serialize_stats`). There is no aggregated entry.
//!
//! `response_times` counts every request by its response time rounded the
//! way Locust rounds it (whole ms below 100 ms, then 2 significant digits:
//! 147 → 150, 3432 → 3400, 58760 → 59000). Those are per-request samples,
//! only rounded, so we record each bucket into the HDR histograms: the
//! percentiles are ours, computed from Locust's rounded buckets, and are no
//! finer than Locust's own. Counts, failures, min, max and mean are Locust's
//! exact figures. `num_reqs_per_sec` / `num_fail_per_sec` (keyed by unix
//! second) give the timeline's counts; it has no per-second latency.
//!
//! Locust before 0.9 kept failures out of `num_requests` and out of
//! `response_times` (they have no duration there); such entries lack
//! `num_fail_per_sec`, and their failures are added to the requests.
//! The counts can be slightly higher than `_stats.csv` of the same run: the
//! JSON is written after requests still running at shutdown completed.
//! Entries are parsed one at a time as the list streams in.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use crate::decoder::{strip_bom, Decoder, FormatSpec};
use crate::error::{IngestError, Position};
use crate::format::Format;
use crate::formats::shared::document::MAX_DOCUMENT;
use crate::formats::shared::json_pieces::{JsonPieces, Piece, SplitError};
use crate::options::IngestOptions;
use crate::run::{Run, MAX_ENDPOINTS};
use crate::time::Micros;

/// Registry entry.
pub const SPEC: FormatSpec = FormatSpec {
    format: Format::LocustJson,
    description: "Locust --json / --json-file (per-endpoint stats with response-time buckets)",
    raw_samples: true,
    sniff,
    priority: 20,
    extensions: &[".json"],
    new_decoder,
};

/// The note every run read from Locust's buckets carries.
pub const BUCKETS_NOTE: &str = "latency percentiles are computed from Locust's response_times buckets \
     (response times rounded by Locust to whole ms below 100 ms, else to 2 significant digits), so they are \
     no finer than Locust's own; counts, min, max and mean are Locust's exact figures";

fn sniff(prefix: &[u8], _eof: bool) -> bool {
    let p = strip_bom(prefix);
    let Some(start) = p.iter().position(|b| !b.is_ascii_whitespace()) else {
        return false;
    };
    let rest = &p[start..];
    let has = |k: &[u8]| memchr::memmem::find(rest, k).is_some();
    rest.starts_with(b"[")
        && rest[1..].iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{')
        && has(b"\"num_requests\"")
        && (has(b"\"total_response_time\"") || has(b"\"response_times\""))
}

fn new_decoder(_: &IngestOptions) -> Box<dyn Decoder> {
    Box::new(LocustJsonDecoder::default())
}

/// Exact figures of one endpoint, summed over the entries read.
#[derive(Debug, Clone, Default)]
struct Exact {
    total_ms: f64,
    min_ms: Option<f64>,
    max_ms: Option<f64>,
}

/// What Locust `StatsEntry` objects add up to; shared with the worker-report reader.
#[derive(Debug, Default)]
pub struct EntryTotals {
    exact: BTreeMap<(String, String), Exact>,
    old_semantics_seen: bool,
}

fn u64_of(v: Option<&Value>) -> u64 {
    v.and_then(|x| {
        x.as_u64()
            .or_else(|| x.as_f64().filter(|f| *f >= 0.0).map(|f| f.round() as u64))
    })
    .unwrap_or(0)
}

fn f64_of(v: Option<&Value>) -> Option<f64> {
    v.and_then(Value::as_f64).filter(|f| f.is_finite())
}

fn seconds_to_us(s: f64) -> Option<Micros> {
    (s.is_finite() && s > 0.0 && s < 1e11).then(|| (s * 1e6).round() as Micros)
}

/// Per-second counters `{"1795311512": 2, …}` as (µs, count).
fn per_second(v: Option<&Value>) -> Vec<(Micros, u64)> {
    let Some(map) = v.and_then(Value::as_object) else {
        return Vec::new();
    };
    map.iter()
        .filter_map(|(k, c)| {
            Some((
                seconds_to_us(k.trim().parse::<f64>().ok()?)?,
                u64_of(Some(c)),
            ))
        })
        .collect()
}

impl EntryTotals {
    /// Whether entries of this shape count failures apart from requests (Locust < 0.9).
    pub fn old_semantics(entries: &[Value], report: Option<&Map<String, Value>>) -> bool {
        let modern_keys = entries
            .iter()
            .any(|e| e.get("num_fail_per_sec").is_some() || e.get("num_none_requests").is_some())
            || report.is_some_and(|r| r.contains_key("stats_total"));
        let impossible = entries
            .iter()
            .any(|e| u64_of(e.get("num_failures")) > u64_of(e.get("num_requests")));
        !modern_keys || impossible
    }

    /// Adds one serialised `StatsEntry`. Returns false when it is not one.
    pub fn add(&mut self, entry: &Value, old_semantics: bool, run: &mut Run) -> bool {
        let Some(e) = entry.as_object() else {
            return false;
        };
        let Some(name) = e.get("name").and_then(Value::as_str) else {
            return false;
        };
        if !e.contains_key("num_requests") {
            return false;
        }
        let method = e
            .get("method")
            .and_then(Value::as_str)
            .filter(|m| *m != "None")
            .unwrap_or("");
        let key = (name.to_string(), method.to_string());
        if !self.exact.contains_key(&key) && self.exact.len() >= MAX_ENDPOINTS {
            run.warn(format!(
                "more than {MAX_ENDPOINTS} endpoints; later ones are counted in the totals only"
            ));
        }
        let num_requests = u64_of(e.get("num_requests"));
        let failures = u64_of(e.get("num_failures"));
        self.old_semantics_seen |= old_semantics;
        let mut bucketed = 0u64;
        if let Some(buckets) = e.get("response_times").and_then(Value::as_object) {
            for (k, c) in buckets {
                let (Ok(ms), n) = (k.trim().parse::<f64>(), u64_of(Some(c))) else {
                    run.warn(format!(
                        "{name}: response_times key \"{k}\" is not a number of ms; skipped"
                    ));
                    continue;
                };
                run.requests_in_bucket(name, method, ms, n);
                bucketed += n;
            }
        }
        // Requests with no bucket: Locust's None response times, and (before 0.9) failures.
        let total = if old_semantics {
            num_requests + failures
        } else {
            num_requests
        };
        let unbucketed = total.saturating_sub(bucketed);
        if bucketed > total {
            run.warn(format!("{name}: response_times hold {bucketed} requests but num_requests says {num_requests}"));
        }
        let series = run.endpoint_series_mut(name, method);
        series.requests += unbucketed;
        series.errors += failures;
        run.overall.requests += unbucketed;
        run.overall.errors += failures;

        let ex = self.exact.entry(key).or_default();
        ex.total_ms += f64_of(e.get("total_response_time")).unwrap_or(0.0);
        if let Some(m) = f64_of(e.get("min_response_time")) {
            ex.min_ms = Some(ex.min_ms.map_or(m, |x| x.min(m)));
        }
        if let Some(m) = f64_of(e.get("max_response_time")).filter(|_| bucketed > 0) {
            ex.max_ms = Some(ex.max_ms.map_or(m, |x| x.max(m)));
        }

        let start = f64_of(e.get("start_time")).and_then(seconds_to_us);
        let last = f64_of(e.get("last_request_timestamp")).and_then(seconds_to_us);
        if total > 0 {
            if let Some(s) = start {
                run.first_activity_us = Some(run.first_activity_us.map_or(s, |f| f.min(s)));
            }
            if let Some(l) = last {
                run.last_end_us = Some(run.last_end_us.map_or(l, |x| x.max(l)));
            }
        }
        let fails: BTreeMap<Micros, u64> =
            per_second(e.get("num_fail_per_sec")).into_iter().collect();
        let mut fails_placed = 0;
        for (t, n) in per_second(e.get("num_reqs_per_sec")) {
            let f = fails.get(&t).copied().unwrap_or(0);
            fails_placed += f;
            run.timeline_counts(t, n, f.min(n));
        }
        if old_semantics && failures > 0 {
            // Their seconds are not recorded: place them at the entry's last request.
            if let Some(l) = last {
                run.timeline_counts(l.div_euclid(1_000_000) * 1_000_000, failures, failures);
            }
        } else if fails_placed < failures && fails.is_empty() && failures > 0 {
            run.warn(format!(
                "{name}: failures have no per-second counts; the timeline shows none"
            ));
        }
        true
    }

    /// Replaces the bucket-derived sum, min and max with Locust's exact ones.
    pub fn finish(&self, run: &mut Run) {
        if self.old_semantics_seen {
            run.warn(
                "this Locust version (before 0.9) counted failed requests apart from successful ones and without \
                 a response time: requests here include them, latencies do not",
            );
        }
        if run.has_samples() {
            run.warn(BUCKETS_NOTE);
        }
        if self.exact.len() > MAX_ENDPOINTS {
            // Endpoints beyond the limit share one row: keep the bucket-derived figures.
            return;
        }
        let mut overall = Exact::default();
        for ((name, method), ex) in &self.exact {
            let series = run.endpoint_series_mut(name, method);
            series.sum_ns = (ex.total_ms * 1e6).round() as i128;
            if let Some(m) = ex.min_ms {
                series.min_ms = m;
            }
            if let Some(m) = ex.max_ms {
                series.max_ms = m;
            }
            overall.total_ms += ex.total_ms;
            overall.min_ms = match (overall.min_ms, ex.min_ms) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            };
            overall.max_ms = match (overall.max_ms, ex.max_ms) {
                (Some(a), Some(b)) => Some(a.max(b)),
                (a, b) => a.or(b),
            };
        }
        run.overall.sum_ns = (overall.total_ms * 1e6).round() as i128;
        if let Some(m) = overall.min_ms {
            run.overall.min_ms = m;
        }
        if let Some(m) = overall.max_ms {
            run.overall.max_ms = m;
        }
    }
}

/// Streaming decoder for Locust's JSON output: one entry is parsed at a time.
#[derive(Debug)]
pub struct LocustJsonDecoder {
    pieces: JsonPieces,
    totals: EntryTotals,
    broken: Option<SplitError>,
    entries: usize,
}

impl Default for LocustJsonDecoder {
    fn default() -> Self {
        LocustJsonDecoder {
            pieces: JsonPieces::with_limit(MAX_DOCUMENT),
            totals: EntryTotals::default(),
            broken: None,
            entries: 0,
        }
    }
}

impl LocustJsonDecoder {
    fn piece(&mut self, piece: Piece<'_>, run: &mut Run) {
        let Piece::Element {
            key: "",
            index,
            bytes,
        } = piece
        else {
            run.warn("the document is an object, not Locust's list of stats entries");
            return;
        };
        self.entries += 1;
        let entry: Value = match serde_json::from_slice(bytes) {
            Ok(v) => v,
            Err(e) => {
                return run.warn(format!(
                    "entry {} is not valid JSON ({e}); skipped",
                    index + 1
                ))
            }
        };
        // Each entry tells by its own keys which Locust counted it.
        let old = EntryTotals::old_semantics(std::slice::from_ref(&entry), None);
        if !self.totals.add(&entry, old, run) {
            run.warn(format!(
                "entry {} is not a Locust stats entry (needs name and num_requests); skipped",
                index + 1
            ));
        }
    }
}

impl Decoder for LocustJsonDecoder {
    fn feed(&mut self, bytes: &[u8], run: &mut Run) -> Result<(), IngestError> {
        if self.broken.is_some() {
            return Ok(());
        }
        let mut pieces = std::mem::take(&mut self.pieces);
        if let Err(e) = pieces.feed(bytes, |p| self.piece(p, run)) {
            self.broken = Some(e);
        }
        self.pieces = pieces;
        Ok(())
    }

    fn finish(&mut self, run: &mut Run) -> Result<(), IngestError> {
        if self.broken.is_none() {
            let mut pieces = std::mem::take(&mut self.pieces);
            if let Err(e) = pieces.finish(|p| self.piece(p, run)) {
                self.broken = Some(e);
            }
        }
        if let Some(b) = &self.broken {
            if self.entries == 0 {
                return Err(IngestError::Malformed {
                    source_name: run.source.clone(),
                    format: run.format.as_str(),
                    position: Position::Offset { offset: b.offset },
                    reason: b.reason.clone(),
                });
            }
            run.cut(format!(
                "the file is cut or broken at byte {} ({}); the {} entries before it are used",
                b.offset, b.reason, self.entries
            ));
        }
        self.totals.finish(run);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::Session;

    const TWO: &str = r#"[
    {"name": "/a", "method": "GET", "last_request_timestamp": 1000.5, "start_time": 990.25, "num_requests": 4,
     "num_none_requests": 0, "num_failures": 1, "total_response_time": 612.0, "max_response_time": 480.2,
     "min_response_time": 9.6, "total_content_length": 10, "response_times": {"10": 1, "52": 1, "70": 1, "480": 1},
     "num_reqs_per_sec": {"991": 1, "1000": 3}, "num_fail_per_sec": {"1000": 1}},
    {"name": "/a", "method": "POST", "last_request_timestamp": 999.0, "start_time": 991.0, "num_requests": 1,
     "num_none_requests": 0, "num_failures": 0, "total_response_time": 3.0, "max_response_time": 3.0,
     "min_response_time": 3.0, "total_content_length": 1, "response_times": {"3": 1},
     "num_reqs_per_sec": {"999": 1}, "num_fail_per_sec": {}}
]"#;

    #[test]
    fn sniffs_locust_json_lists_only() {
        assert!(sniff(TWO.as_bytes(), true));
        assert!(!sniff(b"[]", true));
        assert!(!sniff(br#"{"aggregate":{"counters":{}}}"#, true));
        assert!(!sniff(br#"[{"name":"x"}]"#, true));
    }

    #[test]
    fn buckets_feed_histograms_and_exact_figures_win() {
        let run =
            Session::read_all("input", IngestOptions::default(), TWO.as_bytes()).expect("reads");
        let s = run.summary();
        assert_eq!(s.format, Format::LocustJson);
        assert_eq!(s.requests, Some(5));
        assert_eq!(s.errors, Some(1));
        assert_eq!(s.latency_ms.min, Some(3.0));
        assert_eq!(s.latency_ms.max, Some(480.2));
        assert_eq!(s.latency_ms.mean, Some(615.0 / 5.0));
        let p50 = s.latency_ms.p50.expect("p50");
        assert!((52.0..=52.1).contains(&p50), "{p50}");
        assert_eq!(s.duration_s, Some(10.25));
        let names: Vec<&str> = s.endpoints.iter().map(|e| e.name.as_str()).collect();
        assert_eq!(names, ["GET /a", "POST /a"]);
        let tl: u64 = s.timeline.points.iter().map(|p| p.requests).sum();
        let te: u64 = s.timeline.points.iter().map(|p| p.errors).sum();
        assert_eq!((tl, te), (5, 1));
        assert!(s.warnings.iter().any(|w| w.contains("rounded")));
        assert!(s.status_codes.is_empty());
    }

    #[test]
    fn broken_documents_fail_with_a_position() {
        let err = Session::read_all("run.json", IngestOptions::default(), &TWO.as_bytes()[..300])
            .expect_err("truncated");
        assert_eq!(err.code(), "corrupt");
        assert!(err.to_string().contains("run.json"), "{err}");
    }
}
