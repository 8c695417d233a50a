//! Numbers that never contradict each other, on every real fixture:
//! every percentile computed from samples lies inside the exact [min, max]
//! of its population (tables, timeline, distribution, SLA estimates and
//! bounds), and the SLA estimate of a percentile is the summary's figure.

use std::path::{Path, PathBuf};

use verdict_core::sla::{evaluate, parse_rule, Sla};
use verdict_core::summary::{LatencyMs, ReportedBy, RunSummary};
use verdict_core::{IngestOptions, Run, Session};

fn root() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/fixtures"))
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            walk(&p, out);
        } else {
            out.push(p);
        }
    }
}

/// Every fixture that reads, on its own, as a run computed from samples.
fn sample_runs() -> Vec<(String, Run)> {
    let mut files = Vec::new();
    walk(&root(), &mut files);
    let mut runs = Vec::new();
    for f in files {
        let name = f
            .file_name()
            .map_or(String::new(), |n| n.to_string_lossy().into_owned());
        if name.ends_with(".md") || name.starts_with("truth") {
            continue;
        }
        let Ok(data) = std::fs::read(&f) else {
            continue;
        };
        let mut s = Session::new(name, IngestOptions::default());
        if s.feed(&data).is_err() {
            continue;
        }
        let Ok(run) = s.finish() else {
            continue;
        };
        if run.has_samples() {
            let rel = f.strip_prefix(root()).unwrap_or(&f).display().to_string();
            runs.push((rel, run));
        }
    }
    runs
}

fn check_latency(what: &str, l: &LatencyMs) {
    let (Some(min), Some(max)) = (l.min, l.max) else {
        return;
    };
    for (name, p) in [
        ("p50", l.p50),
        ("p90", l.p90),
        ("p95", l.p95),
        ("p99", l.p99),
        ("p99.9", l.p999),
    ] {
        let p = p.unwrap_or_else(|| panic!("{what}: no {name}"));
        assert!(
            min <= p && p <= max,
            "{what}: {name} {p} outside [{min}, {max}]"
        );
    }
    let ordered = [l.p50, l.p90, l.p95, l.p99, l.p999];
    assert!(
        ordered.windows(2).all(|w| w[0] <= w[1]),
        "{what}: {ordered:?}"
    );
}

fn check_summary(rel: &str, s: &RunSummary) {
    assert_eq!(s.reported_by, ReportedBy::Samples, "{rel}");
    check_latency(&format!("{rel} overall"), &s.latency_ms);
    for e in &s.endpoints {
        check_latency(&format!("{rel} {}", e.name), &e.latency_ms);
    }
    let (min, max) = (
        s.latency_ms.min.unwrap_or(f64::NEG_INFINITY),
        s.latency_ms.max.unwrap_or(f64::INFINITY),
    );
    for p in &s.timeline.points {
        for v in [p.p50_ms, p.p95_ms, p.p99_ms].into_iter().flatten() {
            assert!(
                min <= v && v <= max,
                "{rel} window {}: {v} outside [{min}, {max}]",
                p.t_s
            );
        }
    }
    for d in &s.distribution {
        assert!(
            min <= d.value_ms && d.value_ms <= max,
            "{rel} distribution {}%: {} outside [{min}, {max}]",
            d.percentile,
            d.value_ms
        );
    }
}

#[test]
fn every_percentile_lies_between_min_and_max() {
    let runs = sample_runs();
    // k6, JMeter, Gatling, hey, Vegeta, ab, hlog, … : dozens of real files.
    assert!(
        runs.len() >= 20,
        "only {} sample-based fixtures read",
        runs.len()
    );
    for (rel, run) in &runs {
        check_summary(rel, &run.summary());
    }
}

#[test]
fn sla_estimates_and_bounds_agree_with_the_summary() {
    let rules = [
        "endpoints \"*\" p95 < 1s",
        "p50 < 1s",
        "p95 < 1s",
        "p99.9 < 1s",
    ];
    let sla = Sla {
        title: None,
        rules: rules
            .iter()
            .map(|r| parse_rule(r).unwrap_or_else(|e| panic!("{r}: {e}")))
            .collect(),
    };
    let mut matched = 0;
    for (rel, run) in sample_runs() {
        let s = run.summary();
        for v in evaluate(&sla, &run) {
            let Some(estimate) = v.estimate else {
                continue;
            };
            let latency = if v.endpoint == "*overall*" {
                Some(&s.latency_ms)
            } else {
                s.endpoints
                    .iter()
                    .find(|e| e.name == v.endpoint)
                    .map(|e| &e.latency_ms)
            };
            let Some(l) = latency else {
                continue;
            };
            let headline = match v.statistic.as_str() {
                "p50" => l.p50,
                "p95" => l.p95,
                "p99.9" => l.p999,
                other => panic!("{other}"),
            };
            // The same function on the same histogram: equal to the last bit.
            assert_eq!(
                Some(estimate),
                headline,
                "{rel} {} {}",
                v.endpoint,
                v.statistic
            );
            let (min, max) = (l.min.unwrap_or(f64::NAN), l.max.unwrap_or(f64::NAN));
            for b in [v.ci_low, v.ci_high, v.point_estimate]
                .into_iter()
                .flatten()
            {
                assert!(
                    min <= b && b <= max,
                    "{rel} {} {}: {b} outside [{min}, {max}]",
                    v.endpoint,
                    v.statistic
                );
            }
            matched += 1;
        }
    }
    assert!(matched > 100, "only {matched} estimates compared");
}

#[test]
fn one_request_reports_its_own_duration_everywhere() {
    // The 756.6 ms request of the real ramping k6 run, alone in its file.
    let rel = "k6/single_request/run.json";
    let data = std::fs::read(root().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"));
    let run = Session::read_all("run.json", IngestOptions::default(), &data)
        .unwrap_or_else(|e| panic!("{e}"));
    let s = run.summary();
    let l = s.latency_ms;
    let exact = l.max.unwrap_or_else(|| panic!("no max"));
    assert_eq!(l.min, Some(exact));
    for p in [l.p50, l.p90, l.p95, l.p99, l.p999] {
        assert_eq!(p, Some(exact), "{l:?}");
    }
    // The exact duration k6 wrote, not the histogram's bucket edge.
    assert!(data
        .windows(b"756.615366".len())
        .any(|w| w == b"756.615366"));
    assert_eq!(exact, 756.615366);
    for p in &s.timeline.points {
        assert_eq!(
            (p.p50_ms, p.p95_ms, p.p99_ms),
            (Some(exact), Some(exact), Some(exact))
        );
    }
    let verdicts = evaluate(
        &Sla {
            title: None,
            rules: vec![parse_rule("p50 < 1s").unwrap_or_else(|e| panic!("{e}"))],
        },
        &run,
    );
    assert_eq!(verdicts[0].estimate, Some(exact));
}
