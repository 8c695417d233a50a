//! Repeats at one load on real k6 constant-VU runs (tests/fixtures/k6/repeats):
//! several runs at the same VU count are one level, their spread around
//! each other is the between-run scatter, and the band carries it. The
//! measured numbers to check against are k6's own (each run's stdout.txt).

use std::error::Error;

use verdict_core::capacity::{
    analyse, levels_from_runs, parse_target, CapacityOptions, CapacityReport, PlateauOptions,
    Scenario,
};
use verdict_core::{IngestOptions, Run, Session};

type TestResult = Result<(), Box<dyn Error>>;

const DIR: &str = "k6/repeats";

fn path(rel: &str) -> String {
    format!("{}/../../tests/fixtures/{rel}", env!("CARGO_MANIFEST_DIR"))
}

fn read_run(rel: &str) -> Result<Run, Box<dyn Error>> {
    let bytes = std::fs::read(path(rel)).map_err(|e| format!("{rel}: {e}"))?;
    let mut session = Session::new(rel, IngestOptions::default());
    session.feed(&bytes)?;
    Ok(session.finish()?)
}

/// k6's own p95 of http_req_duration, in ms, from its end-of-test summary.
fn k6_p95(run: &str) -> Result<f64, Box<dyn Error>> {
    let text = std::fs::read_to_string(path(&format!("{DIR}/{run}/stdout.txt")))?;
    let line = text
        .lines()
        .find(|l| l.trim_start().starts_with("http_req_duration"))
        .ok_or("no http_req_duration line")?;
    let v = line
        .split_whitespace()
        .find_map(|w| w.strip_prefix("p(95)="))
        .ok_or("no p(95)")?;
    let (num, scale) = if let Some(n) = v.strip_suffix("ms") {
        (n, 1.0)
    } else if let Some(n) = v.strip_suffix("µs") {
        (n, 1e-3)
    } else if let Some(n) = v.strip_suffix('s') {
        (n, 1e3)
    } else {
        return Err(format!("{run}: unit of {v}").into());
    };
    Ok(num.parse::<f64>()? * scale)
}

/// The VU count of a run folder `vus_VV_x`.
fn vus(run: &str) -> Result<f64, Box<dyn Error>> {
    Ok(run.split('_').nth(1).ok_or("folder name")?.parse()?)
}

const FIT: [&str; 10] = [
    "vus_04_a", "vus_04_b", "vus_08_a", "vus_08_b", "vus_08_c", "vus_16_a", "vus_16_b", "vus_16_c",
    "vus_24_a", "vus_24_b",
];
const CHECK: [&str; 2] = ["vus_14_a", "vus_18_a"];

fn report(runs: &[&str], target: &str) -> Result<CapacityReport, Box<dyn Error>> {
    let runs: Vec<Run> = runs
        .iter()
        .map(|r| read_run(&format!("{DIR}/{r}/run.json.gz")))
        .collect::<Result<_, _>>()?;
    let set = levels_from_runs(&runs, &PlateauOptions::default(), &[])?;
    let options = CapacityOptions {
        target: parse_target(target)?,
        scenario: Scenario::default(),
    };
    Ok(analyse(set, &options))
}

#[test]
fn runs_at_one_vu_count_are_repeats_of_one_level() -> TestResult {
    let r = report(&FIT, "p95<220ms")?;
    let counts: Vec<(f64, usize)> = r
        .levels
        .iter()
        .map(|l| (l.concurrency, l.repeats.len()))
        .collect();
    assert_eq!(counts, [(4.0, 2), (8.0, 3), (16.0, 3), (24.0, 2)]);
    for l in &r.levels {
        // Counts add up; each repeat keeps its own numbers.
        let sum: u64 = l.repeats.iter().filter_map(|x| x.requests).sum();
        assert_eq!(l.requests, Some(sum));
        assert!(l.label.contains("repeats"), "{}", l.label);
        assert!(l.notes.iter().any(|n| n.contains("repeats of one level")));
        // The pooled p95 (merged samples) lies within its repeats' range.
        let own: Vec<f64> = l
            .repeats
            .iter()
            .filter_map(|x| x.percentiles.get("p95").map(|p| p.value_ms))
            .collect();
        let p = l.percentile(0.95).ok_or("no p95")?.value_ms;
        let (lo, hi) = own
            .iter()
            .fold((f64::INFINITY, f64::NEG_INFINITY), |a, &v| {
                (a.0.min(v), a.1.max(v))
            });
        assert!(lo <= p && p <= hi, "{p} outside {lo}–{hi}");
    }
    Ok(())
}

#[test]
fn the_scatter_comes_from_the_repeats_spread() -> TestResult {
    let r = report(&FIT, "p95<220ms")?;
    let s = r.answer.scatter.as_ref().ok_or("no scatter")?;
    assert!(s.source.starts_with("repeats"), "{}", s.source);
    assert_eq!(s.repeats_df, Some(10 - 4));
    // k6's own p95s: the pooled standard deviation of ln p95 within each load.
    let mut ss = 0.0;
    let mut df = 0;
    for load in [4.0, 8.0, 16.0, 24.0] {
        let ys: Vec<f64> = FIT
            .iter()
            .filter(|r| vus(r).ok() == Some(load))
            .map(|r| k6_p95(r).map(f64::ln))
            .collect::<Result<_, _>>()?;
        let m = ys.iter().sum::<f64>() / ys.len() as f64;
        ss += ys.iter().map(|y| (y - m).powi(2)).sum::<f64>();
        df += ys.len() - 1;
    }
    let observed = (ss / df as f64).sqrt();
    let tau_rep = s.repeats_tau.ok_or("no repeats τ")?;
    // The repeats' spread less their own sampling variance: above zero, not
    // above what k6 saw (some of our levels drop warm-up seconds, hence the margin).
    assert!(
        tau_rep > 0.0 && tau_rep <= 1.25 * observed,
        "{tau_rep} vs {observed}"
    );
    assert!(s.tau >= tau_rep);
    assert!(r
        .answer
        .notes
        .iter()
        .any(|n| n.contains("repeats at one load")));
    Ok(())
}

#[test]
fn the_band_carries_the_repeats_and_holds_the_measured_crossing() -> TestResult {
    let target = 220.0;
    let question = format!("p95<{target}ms");
    // What the runs measured (k6's own p95): the most VUs where some run
    // passed, and the fewest where every run at or above failed.
    let mut measured: Vec<(f64, f64)> = Vec::new();
    for r in FIT.iter().chain(CHECK.iter()) {
        measured.push((vus(r)?, k6_p95(r)?));
    }
    let last_pass = measured
        .iter()
        .filter(|m| m.1 <= target)
        .map(|m| m.0)
        .fold(0.0, f64::max);
    let first_all_fail = measured
        .iter()
        .map(|m| m.0)
        .filter(|&n| measured.iter().all(|m| m.0 < n || m.1 > target))
        .fold(f64::INFINITY, f64::min);
    // The three runs at 16 VUs disagree: one passes.
    assert!(last_pass >= 16.0 && first_all_fail > last_pass);

    let with = report(&FIT, &question)?.answer;
    let (low, high) = (with.low.ok_or("no low")?, with.high.ok_or("no high")?);
    assert!(
        low as f64 <= last_pass && high as f64 >= last_pass,
        "band {low}–{high} misses the measured pass at {last_pass}"
    );
    // ... and stops short of the first fitted load where every run failed.
    let fitted_fail = measured[..FIT.len()]
        .iter()
        .map(|m| m.0)
        .filter(|&n| n >= first_all_fail)
        .fold(f64::INFINITY, f64::min);
    assert!(
        (high as f64) < fitted_fail,
        "band {low}–{high} reaches {fitted_fail}, where every run failed"
    );

    // One run per load (the first of each) sees no repeats: its band ends
    // below a load where a real run passed. The repeats widen it.
    let single = report(&["vus_04_a", "vus_08_a", "vus_16_a", "vus_24_a"], &question)?.answer;
    let single_high = single.high.ok_or("no high")?;
    assert!((single_high as f64) < last_pass, "{single_high}");
    assert!(high > single_high);
    Ok(())
}
