//! Capacity from real k6 runs: five constant-VU runs (10…200 VUs, one file
//! per level) and one staged run (5/20/50/100/150 VUs, 5 s ramps, 20 s holds).
//! Expected numbers come from each run's truth.json (exact, from raw samples).

use std::error::Error;

use serde_json::Value;
use verdict_core::capacity::Pchip;
use verdict_core::capacity::{
    analyse, levels_from_runs, parse_target, CapacityOptions, ExclusionReason, LevelSet,
    PlateauOptions, Scenario,
};
use verdict_core::{IngestOptions, Run, Session};

type TestResult = Result<(), Box<dyn Error>>;

const VUS: [u32; 5] = [10, 25, 50, 100, 200];

fn path(rel: &str) -> String {
    format!(
        "{}/../../tests/fixtures/k6/{rel}",
        env!("CARGO_MANIFEST_DIR")
    )
}

fn read_run(rel: &str, name: &str, chunk: usize) -> Result<Run, Box<dyn Error>> {
    let bytes = std::fs::read(path(rel)).map_err(|e| format!("{rel}: {e}"))?;
    let mut session = Session::new(name, IngestOptions::default());
    for piece in bytes.chunks(chunk.max(1)) {
        session.feed(piece)?;
    }
    Ok(session.finish()?)
}

fn truth(rel: &str) -> Result<Value, Box<dyn Error>> {
    Ok(serde_json::from_str(&std::fs::read_to_string(path(rel))?)?)
}

fn constant_runs(chunk: usize) -> Result<Vec<Run>, Box<dyn Error>> {
    VUS.iter()
        .map(|v| {
            read_run(
                &format!("constant_vus/vus_{v:03}/run.json.gz"),
                "input",
                chunk,
            )
        })
        .collect()
}

fn num(v: &Value, path: &[&str]) -> Result<f64, Box<dyn Error>> {
    let mut cur = v;
    for p in path {
        cur = cur
            .get(p)
            .ok_or_else(|| format!("truth has no {}", path.join(".")))?;
    }
    Ok(cur
        .as_f64()
        .ok_or_else(|| format!("{} is not a number", path.join(".")))?)
}

#[test]
fn one_level_per_constant_run_matches_truth() -> TestResult {
    let set = levels_from_runs(&constant_runs(usize::MAX)?, &PlateauOptions::default(), &[])?;
    assert_eq!(set.levels.len(), 5);
    assert!(set.excluded.is_empty(), "constant runs are used whole");
    for (level, vus) in set.levels.iter().zip(VUS) {
        let t = truth(&format!("constant_vus/vus_{vus:03}/truth.json"))?;
        assert_eq!(level.concurrency, f64::from(vus));
        assert_eq!(level.requests, Some(num(&t, &["overall", "count"])? as u64));
        assert_eq!(level.errors, Some(num(&t, &["overall", "errors"])? as u64));
        let rps = num(&t, &["overall", "rps"])?;
        assert!(
            (level.throughput - rps).abs() < 1e-6 * rps,
            "{} vs {rps}",
            level.throughput
        );
        let mean = num(&t, &["overall", "mean"])?;
        assert!((level.mean_ms.ok_or("no mean")? - mean).abs() < 1e-9 * mean);
        // HDR nearest rank: within one 3-significant-digit bucket above the exact nearest-rank p95.
        let p95 = level.percentile(0.95).ok_or("no p95")?;
        let exact = num(&t, &["overall", "percentiles_inverted_cdf", "p95"])?;
        assert!(
            p95.value_ms >= exact && p95.value_ms <= exact * 1.001,
            "{} vs {exact}",
            p95.value_ms
        );
        let (lo, hi) = (
            p95.lower_ms.ok_or("no lower")?,
            p95.upper_ms.ok_or("no upper")?,
        );
        assert!(lo <= exact && exact <= hi, "[{lo}, {hi}] vs {exact}");
        assert_eq!(level.generator_kept_up, None, "set by the analysis");
    }
    Ok(())
}

#[test]
fn levels_do_not_depend_on_chunking() -> TestResult {
    let whole = levels_from_runs(&constant_runs(usize::MAX)?, &PlateauOptions::default(), &[])?;
    for chunk in [1, 7, 4096] {
        // Tiny chunks over 2 MB of gzip are slow in debug builds: the smallest run suffices there.
        let runs = if chunk < 4096 {
            vec![read_run("constant_vus/vus_010/run.json.gz", "input", 1)?]
        } else {
            constant_runs(chunk)?
        };
        let set = levels_from_runs(&runs, &PlateauOptions::default(), &[])?;
        assert_eq!(
            set.levels[..],
            whole.levels[..set.levels.len()],
            "chunk {chunk}"
        );
    }
    Ok(())
}

#[test]
fn constant_runs_answer_p95_under_200ms() -> TestResult {
    let set = levels_from_runs(&constant_runs(usize::MAX)?, &PlateauOptions::default(), &[])?;
    let report = analyse(
        set,
        &CapacityOptions {
            target: parse_target("p95<200ms")?,
            scenario: Scenario::default(),
        },
    );
    let a = &report.answer;
    // The exact p95 crosses 200 ms between the 100- and 200-VU runs.
    let mut exact = Vec::new();
    for v in VUS {
        exact.push(
            num(
                &truth(&format!("constant_vus/vus_{v:03}/truth.json"))?,
                &["overall", "percentiles_inverted_cdf", "p95"],
            )?
            .ln(),
        );
    }
    let x: Vec<f64> = VUS.iter().map(|&v| f64::from(v)).collect();
    let from_truth = Pchip::new(&x, &exact)
        .and_then(|p| p.first_crossing(200f64.ln()))
        .ok_or("no crossing")?;
    let crossing = a.crossing.ok_or("no crossing")?;
    assert!(
        (crossing - from_truth).abs() < 0.5,
        "{crossing} vs {from_truth} from the exact percentiles"
    );
    let value = a.value.ok_or_else(|| a.message.clone())?;
    assert_eq!(value, crossing.floor() as u64);
    assert_eq!(a.extrapolated, Some(false));
    let (low, high) = (a.low.ok_or("no low")?, a.high.ok_or("no high")?);
    assert!(
        100 <= low && low <= value && value <= high && high <= 200,
        "{low} {value} {high}"
    );
    assert!(report
        .levels
        .iter()
        .all(|l| l.generator_kept_up == Some(true)));
    let usl = report.usl.as_ref().ok_or("no usl")?;
    assert!(usl.lambda > 0.0 && usl.se.lambda.is_some());
    Ok(())
}

#[test]
fn staged_run_is_cut_into_its_plateaus() -> TestResult {
    let rel = "ramping/run.json.gz";
    let t = truth("ramping/truth.json")?;
    let run = read_run(rel, "input", usize::MAX)?;
    let total = run.summary().requests.ok_or("no requests")?;
    let set: LevelSet =
        levels_from_runs(std::slice::from_ref(&run), &PlateauOptions::default(), &[])?;
    let stages = t["stages"].as_array().ok_or("no stages")?;
    let holds: Vec<&Value> = stages
        .iter()
        .filter(|s| s["target_vus"].is_number() && s["ramp_from"] == s["target_vus"])
        .collect();
    let ramps: Vec<&Value> = stages
        .iter()
        .filter(|s| s["target_vus"].is_number() && s["ramp_from"] != s["target_vus"])
        .collect();
    assert_eq!(holds.len(), 5);
    assert_eq!(set.levels.len(), holds.len());
    for (level, hold) in set.levels.iter().zip(&holds) {
        assert_eq!(level.concurrency, num(hold, &["target_vus"])?);
        let [a, b] = level.window_s.ok_or("no window")?;
        let (start, end) = (
            num(hold, &["start_offset_s"])?,
            num(hold, &["end_offset_s"])?,
        );
        // Inside the hold (1 s windows aligned to whole seconds), warm-up dropped.
        assert!(
            a >= start + 5.0 - 1.0 && b <= end,
            "[{a}, {b}] outside hold [{start}, {end}]"
        );
        assert!(level.requests.ok_or("no count")? >= 59);
    }
    for ramp in ramps {
        let (start, end) = (
            num(ramp, &["start_offset_s"])?,
            num(ramp, &["end_offset_s"])?,
        );
        assert!(
            set.levels.iter().all(|l| l
                .window_s
                .is_some_and(|[a, b]| b <= start + 1.0 || a >= end - 1.0)),
            "a level overlaps the ramp [{start}, {end}]"
        );
        // Every second of the ramp lies in an excluded span, and a ramp span is reported there.
        let mut t = start + 0.5;
        while t < end {
            assert!(
                set.excluded.iter().any(|e| e.start_s <= t && t < e.end_s),
                "{t} s of ramp [{start}, {end}] not excluded"
            );
            t += 1.0;
        }
        let ramp = set
            .excluded
            .iter()
            .any(|e| e.reason == ExclusionReason::Ramp && e.start_s < end && e.end_s > start);
        assert!(ramp, "ramp [{start}, {end}] not reported as a ramp");
    }
    // Nothing is lost: every request is in a level or in an excluded span.
    let kept: u64 = set.levels.iter().filter_map(|l| l.requests).sum();
    let dropped: u64 = set.excluded.iter().map(|e| e.requests).sum();
    assert_eq!(kept + dropped, total);
    assert_eq!(total, num(&t, &["overall", "count"])? as u64);
    Ok(())
}

/// A level where the server sheds load, as a readiness report gives it: 65.5%
/// fast 503s at 400 VUs, raw throughput above every healthy level's.
fn shedding_level() -> verdict_core::capacity::Level {
    use verdict_core::capacity::{Level, LevelOrigin, Percentile};
    let mut l = Level::new("report: 400 VUs", LevelOrigin::Table, 400.0, 900.0);
    l.set_counts(18_000, Some(11_790));
    l.mean_ms = Some(40.0);
    l.percentiles.insert(
        "p95".into(),
        Percentile {
            value_ms: 150.0,
            lower_ms: None,
            upper_ms: None,
        },
    );
    l.update_think_time();
    l
}

#[test]
fn a_level_shedding_load_is_saturated_and_left_out_of_the_fit() -> TestResult {
    let mut set = levels_from_runs(&constant_runs(usize::MAX)?, &PlateauOptions::default(), &[])?;
    set.levels.push(shedding_level());
    let report = analyse(
        set,
        &CapacityOptions {
            target: parse_target("p95<200ms")?,
            scenario: Scenario::default(),
        },
    );
    let sat = report
        .levels
        .iter()
        .find(|l| l.concurrency == 400.0)
        .ok_or("level missing")?;
    assert!(sat.saturated, "{:?}", sat.notes);
    assert_ne!(
        sat.generator_kept_up,
        Some(true),
        "65.5% errors is never kept up"
    );
    assert!(
        sat.notes.iter().any(|n| n.contains("65.5%")),
        "{:?}",
        sat.notes
    );
    // The real runs themselves are healthy (≤ 2% errors).
    assert!(report
        .levels
        .iter()
        .filter(|l| l.concurrency < 400.0)
        .all(|l| !l.saturated));
    let usl = report.usl.as_ref().ok_or("no usl")?;
    assert_eq!(usl.levels, VUS.len(), "the saturated level entered the fit");
    assert!(report
        .notes
        .iter()
        .any(|n| n.contains("left out of the USL fit")));
    // Its p95 (150 ms of fast failures) cannot move the answer past it.
    let high = report
        .answer
        .high
        .ok_or_else(|| report.answer.message.clone())?;
    assert!(high <= 400, "{high}");
    Ok(())
}
