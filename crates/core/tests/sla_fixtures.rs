//! SLA verdicts on real k6 runs (tests/fixtures/k6), checked against k6's own
//! threshold outcomes and against exact order statistics of the raw samples.

mod fixture_reading;

use std::io::Read;

use serde_json::Value;
use verdict_core::sla::import::{from_run_thresholds, k6_summary_thresholds};
use verdict_core::sla::quantile_ranks;
use verdict_core::sla::{evaluate, parse_rule, Basis, Outcome, Sla, Verdict};
use verdict_core::time::parse_rfc3339;
use verdict_core::{IngestOptions, Run, Session};

/// A k6 fixture (`tests/fixtures/k6/<rel>`).
fn bytes(rel: &str) -> Vec<u8> {
    fixture_reading::fixture(&format!("k6/{rel}"))
}

fn ingest_as(name: &str, data: &[u8], chunk: usize) -> Run {
    let mut s = Session::new(name, IngestOptions::default());
    for c in data.chunks(chunk.max(1)) {
        s.feed(c).unwrap_or_else(|e| panic!("{e}"));
    }
    s.finish().unwrap_or_else(|e| panic!("{e}"))
}

fn ingest(rel: &str) -> Run {
    ingest_as(rel, &bytes(rel), 1 << 20)
}

fn json(rel: &str) -> Value {
    serde_json::from_slice(&bytes(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// One `http_req_duration` sample from the raw NDJSON.
#[derive(Debug, Clone)]
struct Sample {
    end_us: i64,
    ms: f64,
    name: String,
}

fn raw_samples(rel: &str) -> Vec<Sample> {
    let mut text = String::new();
    flate2::read::MultiGzDecoder::new(&bytes(rel)[..])
        .read_to_string(&mut text)
        .unwrap_or_else(|e| panic!("{e}"));
    text.lines()
        .filter(|l| l.contains("\"http_req_duration\"") && l.contains("\"Point\""))
        .filter_map(|l| {
            let v: Value = serde_json::from_str(l).ok()?;
            let d = &v["data"];
            Some(Sample {
                end_us: parse_rfc3339(d["time"].as_str()?.as_bytes())?,
                ms: d["value"].as_f64()?,
                name: d["tags"]["name"].as_str().unwrap_or("").to_string(),
            })
        })
        .collect()
}

fn sla(rules: &[&str]) -> Sla {
    Sla {
        title: None,
        rules: rules
            .iter()
            .map(|r| parse_rule(r).unwrap_or_else(|e| panic!("{r}: {e}")))
            .collect(),
    }
}

/// k6's own outcome for each threshold, as printed in its text summary:
/// `✓ 'p(95)<250' p(95)=19.14ms` under a metric (and `{sub-metric}`) heading.
fn printed_outcomes(stdout: &str) -> Vec<(String, String, bool, f64)> {
    let mut out = Vec::new();
    let mut metric = String::new();
    let mut sub = String::new();
    let section = stdout
        .split("█ THRESHOLDS")
        .nth(1)
        .unwrap_or("")
        .split("█ TOTAL RESULTS")
        .next()
        .unwrap_or("");
    for line in section.lines() {
        let t = line.trim();
        if t.is_empty() {
            continue;
        }
        if let Some(rest) = t.strip_prefix('✓').or_else(|| t.strip_prefix('✗')) {
            let expr = rest.trim().split('\'').nth(1).unwrap_or("").to_string();
            // `p(95)=19.14ms`, `avg=62.62ms`, `rate=0.35%`: the value k6 compared.
            let shown = rest.rsplit('=').next().unwrap_or("").trim();
            let value = [("ms", 1.0), ("µs", 1e-3), ("s", 1e3), ("%", 1e-2)]
                .iter()
                .find_map(|(u, k)| {
                    shown
                        .strip_suffix(u)
                        .and_then(|x| x.parse::<f64>().ok())
                        .map(|x| x * k)
                })
                .unwrap_or(f64::NAN);
            out.push((format!("{metric}{sub}"), expr, t.starts_with('✓'), value));
        } else if t.starts_with('{') {
            sub = t.to_string();
        } else {
            metric = t.to_string();
            sub.clear();
        }
    }
    out
}

#[test]
fn k6_thresholds_point_verdicts_agree_with_k6() {
    let run = ingest("thresholds/run.json.gz");
    let summary = json("thresholds/summary.json");
    let recorded = k6_summary_thresholds(&summary);
    let printed = printed_outcomes(&String::from_utf8_lossy(&bytes("thresholds/stdout.txt")));
    assert_eq!(recorded.len(), 8);
    assert_eq!(printed.len(), 8);
    // k6 exits 99 when a threshold fails: two do here.
    assert_eq!(
        recorded.iter().filter(|t| t.passed == Some(false)).count(),
        2
    );
    let imported = from_run_thresholds(&recorded);
    assert!(imported.warnings.is_empty(), "{:?}", imported.warnings);
    let verdicts = evaluate(&imported.sla, &run);
    assert_eq!(verdicts.len(), 8);
    for (v, t) in verdicts.iter().zip(&recorded) {
        let k6_passed = t.passed.unwrap_or_else(|| panic!("no outcome for {t:?}"));
        let (printed_passed, printed_value) = printed
            .iter()
            .find(|(m, e, _, _)| *m == t.metric && *e == t.expression)
            .map(|p| (p.2, p.3))
            .unwrap_or_else(|| panic!("{t:?} not in stdout"));
        assert_eq!(k6_passed, printed_passed, "{t:?}");
        let expected = if k6_passed {
            Outcome::Pass
        } else {
            Outcome::Fail
        };
        assert_eq!(
            v.point_verdict,
            Some(expected),
            "{} {}: {v:#?}",
            t.metric,
            t.expression
        );
        // And our k6-compatible estimate matches k6's own number.
        let (name, _) = verdict_core::sla::split_k6_metric(&t.metric).unwrap_or_default();
        let stats = &summary["metrics"][&t.metric];
        let agg = t.expression.split(['<', '>', '=']).next().unwrap_or("");
        let k6_value = match (name.as_str(), agg) {
            ("http_req_failed", "rate") | ("checks", "rate") => stats["value"].as_f64(),
            (_, "p(50)") => stats["med"].as_f64(),
            (_, a) => stats[a].as_f64(),
        };
        // summary.json holds only the default trend stats; stdout prints the
        // compared value (rounded to 2 decimals) for every threshold.
        let ours = v.point_estimate.unwrap_or(f64::NAN);
        assert!(
            (ours - printed_value).abs() <= 1e-3 * printed_value.abs() + 0.006,
            "{t:?}: {ours} vs printed {printed_value}"
        );
        let Some(k6_value) = k6_value else { continue };
        assert!(
            (ours - k6_value).abs() <= 1e-3 * k6_value.abs() + 1e-9,
            "{} {}: {ours} vs k6 {k6_value}",
            t.metric,
            t.expression
        );
    }
    // The thresholds the NDJSON Metric lines carry come out the same way.
    let from_ndjson = from_run_thresholds(&run.thresholds);
    assert_eq!(from_ndjson.sla.rules.len(), 4);
    for v in evaluate(&from_ndjson.sla, &run) {
        let t = recorded.iter().find(|t| {
            v.rule
                .contains(&t.expression.replace("p(", "p").replace(')', ""))
                || t.expression.contains("rate")
        });
        assert!(t.is_some());
        assert_eq!(v.point_verdict, Some(Outcome::Pass), "{v:#?}");
    }
}

#[test]
fn tool_summaries_get_point_verdicts_labelled_as_such() {
    let run = ingest_as("summary.json", &bytes("thresholds/summary.json"), 4096);
    assert!(!run.has_samples());
    let imported = from_run_thresholds(&run.thresholds);
    let verdicts = evaluate(&imported.sla, &run);
    assert_eq!(verdicts.len(), 8);
    for v in &verdicts {
        assert!(v.tool_verdict.is_some(), "{v:#?}");
        if v.basis == Basis::NoData {
            // summary.json keeps only the default trend stats: no p(99) here.
            assert_eq!(v.statistic, "p99", "{v:#?}");
            assert!(v
                .reason
                .as_deref()
                .is_some_and(|r| r.contains("holds no p99")));
            continue;
        }
        if v.unit == "ms" {
            assert_eq!(v.basis, Basis::ToolReported, "{v:#?}");
            assert_eq!((v.ci_low, v.ci_high), (None, None));
            assert!(v.method.contains("point verdict"));
        } else {
            // Rates come with exact counts, so they keep an interval.
            assert_eq!(v.basis, Basis::Interval);
        }
        assert_eq!(v.point_verdict, v.tool_verdict, "{v:#?}");
    }
}

/// The exact value of 1-based rank `r` among `sorted`, in ms.
fn rank(sorted: &[f64], r: u64) -> f64 {
    sorted[r as usize - 1]
}

fn check_bounds(v: &Verdict, sorted: &[f64], q: f64, alpha: f64) {
    let n = sorted.len() as u64;
    assert_eq!(v.n, Some(n), "{}", v.endpoint);
    let ranks = quantile_ranks(n, q, alpha);
    // Each bound is the histogram bucket edge around the exact order
    // statistic: never inside it, and at most one bucket (0.1%) away.
    let slack = |x: f64| x * 1e-3 + 0.001;
    match (ranks.lower, v.ci_low) {
        (Some(l), Some(lo)) => {
            let x = rank(sorted, l);
            assert!(
                lo <= x + 0.0005 && x - lo <= slack(x),
                "{} low {lo} vs x({l}) = {x}",
                v.endpoint
            );
        }
        (None, None) => {}
        other => panic!("{}: lower bound mismatch {other:?}", v.endpoint),
    }
    match (ranks.upper, v.ci_high) {
        (Some(u), Some(hi)) => {
            let x = rank(sorted, u);
            assert!(
                hi >= x - 0.0005 && hi - x <= slack(x),
                "{} high {hi} vs x({u}) = {x}",
                v.endpoint
            );
        }
        (None, None) => {}
        other => panic!("{}: upper bound mismatch {other:?}", v.endpoint),
    }
}

#[test]
fn percentile_bounds_are_the_exact_order_statistics() {
    let run = ingest("thresholds/run.json.gz");
    let samples = raw_samples("thresholds/run.json.gz");
    for (q, rule) in [
        (0.95, "endpoints \"*\" p95 < 1s"),
        (0.99, "endpoints \"*\" p99 < 1s at 90% confidence"),
    ] {
        let r = parse_rule(rule).unwrap_or_else(|e| panic!("{e}"));
        let alpha = 1.0 - r.confidence;
        let verdicts = evaluate(
            &Sla {
                title: None,
                rules: vec![r],
            },
            &run,
        );
        assert_eq!(verdicts.len(), 6);
        for v in &verdicts {
            let mut sorted: Vec<f64> = samples
                .iter()
                .filter(|s| s.name == v.endpoint)
                .map(|s| s.ms)
                .collect();
            sorted.sort_by(f64::total_cmp);
            check_bounds(v, &sorted, q, alpha);
        }
    }
    let overall = evaluate(&sla(&["p99.9 < 1s"]), &run);
    let mut all: Vec<f64> = samples.iter().map(|s| s.ms).collect();
    all.sort_by(f64::total_cmp);
    check_bounds(&overall[0], &all, 0.999, 0.05);
}

/// The verdict the exact samples give: PASS iff x₍u₁₎ < limit, FAIL iff
/// x₍l₁₎ ≥ limit, with the ranks taken for n / `vif` effective samples.
fn exact_verdict(sorted: &[f64], q: f64, limit: f64, vif: f64) -> Option<Outcome> {
    let n = sorted.len() as u64;
    let n_eff = ((n as f64 / vif).floor() as u64).max(1);
    let r = quantile_ranks(n_eff, q, 0.05);
    let scale = |x: u64| x as f64 * n as f64 / n_eff as f64;
    let hi = r
        .upper
        .map(|u| rank(sorted, (scale(u).ceil() as u64).clamp(1, n)));
    let lo = r
        .lower
        .map(|l| rank(sorted, (scale(l).floor() as u64).clamp(1, n)));
    // Within a bucket of a bound, the histogram may legitimately disagree.
    let near = |x: Option<f64>| x.is_some_and(|x| (x - limit).abs() <= x * 1e-3 + 0.001);
    if near(hi) || near(lo) {
        return None;
    }
    Some(if hi.is_some_and(|h| h < limit) {
        Outcome::Pass
    } else if lo.is_some_and(|l| l >= limit) {
        Outcome::Fail
    } else {
        Outcome::Inconclusive
    })
}

#[test]
fn verdicts_match_the_exact_samples_at_limits_around_the_truth() {
    for level in ["vus_010", "vus_050", "vus_200"] {
        let rel = format!("constant_vus/{level}/run.json.gz");
        let run = ingest(&rel);
        let truth = json(&format!("constant_vus/{level}/truth.json"));
        let p95 = truth["overall"]["percentiles_linear"]["p95"]
            .as_f64()
            .unwrap_or_default();
        let mut sorted: Vec<f64> = raw_samples(&rel).iter().map(|s| s.ms).collect();
        sorted.sort_by(f64::total_cmp);
        assert_eq!(
            sorted.len() as u64,
            truth["overall"]["count"].as_u64().unwrap_or_default()
        );
        let mut seen = std::collections::BTreeSet::new();
        for factor in [0.5, 0.9, 0.97, 1.0, 1.03, 1.1, 2.0] {
            let limit = p95 * factor;
            let v = &evaluate(&sla(&[&format!("p95 < {limit}ms")]), &run)[0];
            let vif = v.dependence_factor.unwrap_or(1.0);
            if let Some(expected) = exact_verdict(&sorted, 0.95, limit, vif) {
                assert_eq!(v.verdict, expected, "{level} limit {limit}: {v:#?}");
                seen.insert(expected);
            }
            if v.verdict == Outcome::Inconclusive {
                assert!(
                    v.needed_n.is_some_and(|n| n > sorted.len() as u64),
                    "{level}: {v:#?}"
                );
            }
            // k6's point verdict is its interpolated p95 against the limit.
            let k6_pass = p95 < limit;
            if (factor - 1.0f64).abs() > 1e-9 {
                assert_eq!(
                    v.point_verdict,
                    Some(if k6_pass {
                        Outcome::Pass
                    } else {
                        Outcome::Fail
                    })
                );
            }
        }
        assert!(
            seen.contains(&Outcome::Pass) && seen.contains(&Outcome::Fail),
            "{level}: {seen:?}"
        );
        // Error rate against the tiered SLA's 0.1%: 0.5% of requests fail on this server.
        let errors = truth["overall"]["errors"].as_u64().unwrap_or_default();
        let v = &evaluate(&sla(&["error_rate < 0.1%"]), &run)[0];
        assert_eq!(
            (
                v.n,
                v.estimate
                    .map(|e| (e * v.n.unwrap_or(0) as f64).round() as u64)
            ),
            (Some(sorted.len() as u64), Some(errors))
        );
        assert_ne!(v.verdict, Outcome::Pass, "{level}: {v:#?}");
    }
}

#[test]
fn windows_and_warm_up_on_a_staged_run() {
    let rel = "ramping/run.json.gz";
    let run = ingest(rel);
    let samples = raw_samples(rel);
    let truth = json("ramping/truth.json");
    let t0 = parse_rfc3339(truth["t0"].as_str().unwrap_or("").as_bytes()).unwrap_or_default();
    let stages = truth["stages"].as_array().cloned().unwrap_or_default();
    let stage_p95 = |i: usize| {
        stages[i]["overall"]["percentiles_linear"]["p95"]
            .as_f64()
            .unwrap_or_default()
    };
    let max_p95 = (0..stages.len()).map(stage_p95).fold(0.0, f64::max);

    // Every 10-s window, no warm-up: the 5-VU start has too few requests for
    // a p95 bound at the Bonferroni level, so the rule cannot PASS yet.
    let generous = max_p95 * 3.0;
    let v = &evaluate(&sla(&[&format!("p95 < {generous}ms every 10s")]), &run)[0];
    assert_eq!(v.verdict, Outcome::Inconclusive, "{v:#?}");
    assert!(v
        .windows
        .first()
        .is_some_and(|w| w.verdict == Outcome::Inconclusive));
    assert!(v.needed_n.is_some());
    // The sample size that would decide it counts requests per window, and
    // the explanation compares it with the undecided windows, not the run.
    assert!(verdict_core::sla::render::needed_is_per_window(v));
    let most = v
        .windows
        .iter()
        .filter(|w| w.verdict == Outcome::Inconclusive)
        .map(|w| w.n)
        .max()
        .unwrap_or(0);
    let why = verdict_core::sla::render::why(v).unwrap_or_default();
    assert!(
        why.contains("per window") && why.contains(&format!("at most {most}")),
        "{why}"
    );
    assert_eq!(v.n, Some(samples.len() as u64));
    assert_eq!(
        v.windows.iter().map(|w| w.n).sum::<u64>(),
        samples.len() as u64
    );

    // With the first 25 s left out, every window holds enough requests.
    let v = &evaluate(
        &sla(&[&format!("p95 < {generous}ms every 10s warm-up 25s")]),
        &run,
    )[0];
    assert_eq!(v.verdict, Outcome::Pass, "{v:#?}");
    let after: usize = samples
        .iter()
        .filter(|s| s.end_us >= t0 + 26_000_000)
        .count();
    let n = v.n.unwrap_or(0) as usize;
    // The cut falls on the next whole-second slice after t0 + 25 s.
    assert!(
        n >= after
            && n <= samples
                .iter()
                .filter(|s| s.end_us >= t0 + 25_000_000)
                .count(),
        "{n} vs {after}"
    );

    // A limit under the lightest stage's p95 fails in some window.
    let min_p95 = (1..stages.len() - 1)
        .map(stage_p95)
        .fold(f64::INFINITY, f64::min);
    let v = &evaluate(
        &sla(&[&format!("p95 < {}ms every 10s warm-up 25s", min_p95 * 0.5)]),
        &run,
    )[0];
    assert_eq!(v.verdict, Outcome::Fail, "{v:#?}");
    assert_eq!(v.point_verdict, Some(Outcome::Fail));

    // Per endpoint, the windows come from the endpoint's own time slices.
    let v = evaluate(
        &sla(&[&format!(
            "endpoints \"*\" p95 < {generous}ms every 1m warm-up 25s"
        )]),
        &run,
    );
    assert_eq!(v.len(), 6);
    for e in &v {
        let count = samples
            .iter()
            .filter(|s| s.name == e.endpoint && s.end_us >= t0 + 25_000_000)
            .count() as u64;
        let slack = samples
            .iter()
            .filter(|s| s.name == e.endpoint && s.end_us >= t0 + 17_500_000)
            .count() as u64;
        let n = e.n.unwrap_or(0);
        assert!(
            n <= slack && n + 1 >= count.min(n + 1),
            "{}: {n} vs {count}",
            e.endpoint
        );
        assert!(!e.windows.is_empty());
    }
}

#[test]
fn a_failing_whole_run_rule_shows_where_it_broke() {
    let run = ingest("thresholds/run.json.gz");
    let v = &evaluate(&sla(&["{name:GET /api/search} p95 < 45ms"]), &run)[0];
    assert_eq!(v.verdict, Outcome::Fail);
    assert!(!v.windows.is_empty());
    assert!(v.windows.iter().any(|w| w.verdict == Outcome::Fail));
    let total: u64 = v.windows.iter().map(|w| w.n).sum();
    assert_eq!(Some(total), v.n);
}

#[test]
fn unsupported_selectors_and_metrics_are_inconclusive_with_a_reason() {
    let run = ingest("thresholds/run.json.gz");
    let verdicts = evaluate(
        &sla(&[
            "{expected_response:true} p95 < 1s",
            "iteration_duration p(95) < 1s",
            "endpoint \"nope\" p95 < 1s",
        ]),
        &run,
    );
    for v in &verdicts {
        assert_eq!(v.verdict, Outcome::Inconclusive);
        assert_eq!(v.basis, Basis::NoData);
        assert!(v.reason.is_some());
    }
}

#[test]
fn detection_from_content_and_chunking_do_not_change_verdicts() {
    let data = bytes("thresholds/run.json.gz");
    let rules = sla(&[
        "endpoints \"*\" p95 < 100ms",
        "error_rate < 1%",
        "p99 < 200ms every 10s",
    ]);
    let reference = evaluate(&rules, &ingest_as("run.json.gz", &data, data.len()));
    for chunk in [1usize, 7, 4096] {
        let mut got = evaluate(&rules, &ingest_as("input", &data, chunk));
        for v in &mut got {
            v.run = "run.json.gz".into();
        }
        assert_eq!(got, reference, "chunk {chunk}");
    }
}
