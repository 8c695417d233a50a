//! Band honesty on real k6 runs: five constant-VU runs (10…200 VUs, one file
//! per level). The answer is computed from every subset of at least three
//! levels and checked against all five measured levels, including the ones
//! it did not see: a level known to pass (its p95 upper bound under the
//! target) must not lie above the band, a level known to fail must lie above
//! its low end, and without a server model that fits every level the band is
//! never narrower than the bracket from the last passing to the first failing
//! level it was given.

use std::error::Error;

use verdict_core::capacity::bracket;
use verdict_core::capacity::{
    analyse, curve, levels_from_runs, levels_from_table, parse_target, CapacityOptions, Level,
    LevelSet, PlateauOptions, Scenario,
};
use verdict_core::{IngestOptions, Run, Session};

type TestResult = Result<(), Box<dyn Error>>;

const VUS: [u32; 5] = [10, 25, 50, 100, 200];

fn read_run(vus: u32) -> Result<Run, Box<dyn Error>> {
    let rel = format!("k6/constant_vus/vus_{vus:03}/run.json.gz");
    let path = format!("{}/../../tests/fixtures/{rel}", env!("CARGO_MANIFEST_DIR"));
    let bytes = std::fs::read(&path).map_err(|e| format!("{rel}: {e}"))?;
    let mut session = Session::new("input", IngestOptions::default());
    session.feed(&bytes)?;
    Ok(session.finish()?)
}

fn real_levels() -> Result<Vec<Level>, Box<dyn Error>> {
    let runs = VUS
        .iter()
        .map(|&v| read_run(v))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(levels_from_runs(&runs, &PlateauOptions::default(), &[])?.levels)
}

/// Every subset of `all` with at least three levels, in load order.
fn subsets(all: &[Level]) -> Vec<Vec<Level>> {
    (0u32..1 << all.len())
        .filter(|m| m.count_ones() >= 3)
        .map(|m| {
            all.iter()
                .enumerate()
                .filter(|(i, _)| m & (1 << i) != 0)
                .map(|(_, l)| l.clone())
                .collect()
        })
        .collect()
}

const TARGETS: [&str; 5] = [
    "p95<72ms",
    "p95<90ms",
    "p95<150ms",
    "p95<200ms",
    "p95<240ms",
];

#[test]
fn the_band_holds_every_measured_level_even_unseen_ones() -> TestResult {
    let all = real_levels()?;
    let mut answered = 0;
    for target in TARGETS {
        let t = parse_target(target)?;
        for given in subsets(&all) {
            let report = analyse(
                LevelSet {
                    levels: given.clone(),
                    excluded: vec![],
                    notes: vec![],
                    ..LevelSet::default()
                },
                &CapacityOptions {
                    target: t,
                    scenario: Scenario::default(),
                },
            );
            let a = &report.answer;
            let Some(value) = a.value else { continue };
            if a.extrapolated == Some(true) {
                continue;
            }
            answered += 1;
            let seen: Vec<f64> = given.iter().map(|l| l.concurrency).collect();
            let ctx = format!("{target} from {seen:?}: {}", a.message);
            if let Some(low) = a.low {
                assert!(low <= value, "{ctx}");
            }
            if let Some(high) = a.high {
                assert!(value <= high, "{ctx}");
            }
            for l in &all {
                let p = l.percentile(0.95).ok_or("no p95")?;
                let (lo, hi) = (p.lower_ms.ok_or("no lower")?, p.upper_ms.ok_or("no upper")?);
                if hi <= t.limit_ms {
                    // Known to pass: the most VUs that pass are at least this many.
                    assert!(
                        a.high.is_none_or(|h| h as f64 >= l.concurrency),
                        "{} passes (p95 ≤ {hi:.1} ms) but the band ends below it; {ctx}",
                        l.concurrency
                    );
                }
                if lo > t.limit_ms {
                    // Known to fail: fewer VUs than this pass.
                    assert!(
                        a.low.is_none_or(|lw| (lw as f64) < l.concurrency),
                        "{} fails (p95 ≥ {lo:.1} ms) but the band starts at it; {ctx}",
                        l.concurrency
                    );
                }
            }
        }
    }
    assert!(answered >= 20, "only {answered} answers to check");
    Ok(())
}

#[test]
fn without_a_fitting_model_the_band_is_the_bracket() -> TestResult {
    let all = real_levels()?;
    let mut gaps = 0;
    for target in TARGETS {
        let t = parse_target(target)?;
        for given in subsets(&all) {
            let report = analyse(
                LevelSet {
                    levels: given.clone(),
                    excluded: vec![],
                    notes: vec![],
                    ..LevelSet::default()
                },
                &CapacityOptions {
                    target: t,
                    scenario: Scenario::default(),
                },
            );
            let a = &report.answer;
            let (Some(value), Some(source)) = (a.value, a.band_source.as_deref()) else {
                continue;
            };
            let ctx = format!("{target} from {} levels: {}", given.len(), a.message);
            let tau = a.scatter.as_ref().map_or(0.0, |s| s.tau);
            let refs: Vec<&Level> = report.levels.iter().collect();
            let (pass, fail) = bracket(&refs, t, tau);
            // Never narrower than the bracket, whatever the source.
            if let (Some(p), Some(low)) = (pass, a.low) {
                assert!(low as f64 <= p.max(value as f64), "{ctx}");
            }
            if let Some(f) = fail {
                assert!(a.high.is_some_and(|h| (h as f64) < f), "{ctx}");
            }
            if source == "gap" {
                gaps += 1;
                // Exactly the bracket (the estimate always inside it).
                assert_eq!(a.low, pass.map(|p| (p as u64).min(value)), "{ctx}");
                assert_eq!(
                    a.high,
                    fail.map(|f| (f.ceil() as u64 - 1).max(value)),
                    "{ctx}"
                );
                assert!(
                    a.notes
                        .iter()
                        .any(|n| n.contains("last level known to pass")),
                    "{ctx}"
                );
                // The first line says the band and which runs would narrow it.
                if let (Some(l), Some(h)) = (a.low, a.high) {
                    assert!(a.message.contains(&format!("between {l} and {h}")), "{ctx}");
                    if h > l + 2 {
                        assert_eq!(a.narrow_at.len(), 2, "{ctx}");
                        assert!(a.narrow_at.iter().all(|&n| l < n && n < h), "{ctx}");
                        let named = format!(
                            "a run near {} and {} VUs would narrow it",
                            a.narrow_at[0], a.narrow_at[1]
                        );
                        assert!(a.message.contains(&named), "{ctx}");
                    }
                }
            }
        }
    }
    assert!(gaps >= 10, "only {gaps} gap-bound answers");
    Ok(())
}

#[test]
fn the_five_real_runs_answer_within_the_100_to_200_gap() -> TestResult {
    let all = real_levels()?;
    let report = analyse(
        LevelSet {
            levels: all,
            excluded: vec![],
            notes: vec![],
            ..LevelSet::default()
        },
        &CapacityOptions {
            target: parse_target("p95<200ms")?,
            scenario: Scenario::default(),
        },
    );
    let a = &report.answer;
    // 100 VUs pass and 200 fail by their own intervals; nothing was measured
    // between, and the server model misses the 200-VU level, so the band is
    // the whole gap.
    assert_eq!((a.low, a.high), (Some(100), Some(199)), "{}", a.message);
    assert_eq!(a.band_source.as_deref(), Some("gap"));
    assert!(a.message.starts_with("about "), "{}", a.message);
    // The model that misses a level is not drawn.
    let fit = a.model_fit.as_ref().ok_or("no model fit")?;
    assert!(!fit.fits && fit.levels == 5, "{}", fit.statement);
    let points = curve(&report, &Scenario::default(), 20);
    assert!(!points.is_empty());
    assert!(points.iter().all(|p| p.model_percentile_ms.is_none()));
    Ok(())
}

#[test]
fn a_model_that_fits_every_level_is_drawn_and_may_narrow_the_gap() -> TestResult {
    // statistics.md §3.3's table, made from the model itself.
    let path = format!(
        "{}/../../tests/fixtures/capacity/synthetic.csv",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{path}: {e}"))?;
    let report = analyse(
        levels_from_table("synthetic.csv", &text)?,
        &CapacityOptions {
            target: parse_target("p95<200ms")?,
            scenario: Scenario::default(),
        },
    );
    let a = &report.answer;
    let fit = a.model_fit.as_ref().ok_or("no model fit")?;
    assert!(fit.fits, "{}", fit.statement);
    assert_eq!(a.scatter.as_ref().map(|s| s.tau), Some(0.0));
    assert_eq!(a.band_source.as_deref(), Some("sampling"));
    // Narrower than the 100–200 bracket, and still inside it.
    let (low, high) = (a.low.ok_or("no low")?, a.high.ok_or("no high")?);
    assert!(100 <= low && high < 200 && high - low < 50, "{}", a.message);
    assert!(curve(&report, &Scenario::default(), 20)
        .iter()
        .any(|p| p.model_percentile_ms.is_some()));
    Ok(())
}
