//! Capacity on a req/s axis from real open-model runs: Artillery reports
//! (10 s periods, Artillery's own percentiles) and k6 arrival-rate runs
//! (one run per offered rate, and one staged run). Expected numbers come
//! from the tools' own files (report.json periods, truth.json from every
//! raw sample), the scripts' rates, and runs at rates the fit never saw.

use std::error::Error;

use serde_json::Value;
use verdict_core::capacity::{
    analyse, levels_from_runs, parse_target, CapacityOptions, LevelOrigin, LoadUnit,
    PlateauOptions, Reason, Scenario,
};
use verdict_core::{IngestOptions, Run, Session};

type TestResult = Result<(), Box<dyn Error>>;

fn path(rel: &str) -> String {
    format!("{}/../../tests/fixtures/{rel}", env!("CARGO_MANIFEST_DIR"))
}

fn read_run(rel: &str) -> Result<Run, Box<dyn Error>> {
    let bytes = std::fs::read(path(rel)).map_err(|e| format!("{rel}: {e}"))?;
    let mut session = Session::new(rel, IngestOptions::default());
    session.feed(&bytes)?;
    Ok(session.finish()?)
}

fn json(rel: &str) -> Result<Value, Box<dyn Error>> {
    Ok(serde_json::from_str(&std::fs::read_to_string(path(rel))?)?)
}

fn options(target: &str) -> Result<CapacityOptions, Box<dyn Error>> {
    Ok(CapacityOptions {
        target: parse_target(target)?,
        scenario: Scenario::default(),
    })
}

const REQ_S: PlateauOptions = PlateauOptions {
    warmup_s: None,
    load: Some(LoadUnit::RequestsPerSecond),
};

/// Artillery's per-period p95 and request count, in the report's order.
fn artillery_periods(rel: &str) -> Result<Vec<(f64, f64)>, Box<dyn Error>> {
    let doc = json(rel)?;
    let periods = doc["intermediate"].as_array().ok_or("no intermediate")?;
    Ok(periods
        .iter()
        .filter_map(|p| {
            let p95 = p["summaries"]["http.response_time"]["p95"].as_f64()?;
            let n = p["counters"]["http.requests"].as_f64()?;
            Some((p95, n))
        })
        .collect())
}

#[test]
fn an_artillery_report_is_read_period_by_period_on_a_req_s_axis() -> TestResult {
    let rel = "artillery/real/report.json";
    let run = read_run(rel)?;
    let set = levels_from_runs(&[run], &PlateauOptions::default(), &[])?;
    assert_eq!(set.load, LoadUnit::RequestsPerSecond);
    let periods = artillery_periods(rel)?;
    // The first (3.9 s) and last (1.2 s) periods cover under half of 10 s.
    assert_eq!(set.excluded.len(), 2);
    let kept = &periods[1..periods.len() - 1];
    let levels = &set.levels;
    assert_eq!(
        levels.iter().map(|l| l.requests.unwrap_or(0)).sum::<u64>() as f64,
        kept.iter().map(|p| p.1).sum::<f64>()
    );
    for l in levels {
        assert_eq!(l.origin, LevelOrigin::ToolPeriods);
        let p = l.percentile(0.95).ok_or("no p95")?;
        // Every value and bound is one Artillery printed for a period.
        for v in [Some(p.value_ms), p.lower_ms, p.upper_ms]
            .into_iter()
            .flatten()
        {
            assert!(kept.iter().any(|k| k.0 == v), "{v} is not a period's p95");
        }
        if l.label.contains(", ") {
            // The sustained 40 arrivals/s phase: three full periods (two requests per arrival).
            assert!((l.concurrency - 80.0).abs() < 1.0, "{}", l.concurrency);
            let at: Vec<f64> = kept
                .iter()
                .filter(|k| (k.1 / 10.0 - 80.0).abs() < 1.0)
                .map(|k| k.0)
                .collect();
            assert_eq!(at.len(), 3);
            let (lo, hi) = at
                .iter()
                .fold((f64::INFINITY, 0.0f64), |(a, b), v| (a.min(*v), b.max(*v)));
            assert_eq!((p.lower_ms, p.upper_ms), (Some(lo), Some(hi)));
        } else {
            assert!(p.lower_ms.is_none() && p.upper_ms.is_none());
            // A full period: requests sent over its 10 s.
            assert!(kept
                .iter()
                .any(|k| (k.1 / 10.0 - l.concurrency).abs() < 0.051));
        }
    }
    let report = analyse(set, &options("p95<100ms")?);
    assert_eq!(report.load, LoadUnit::RequestsPerSecond);
    assert!(report.usl.is_none() && report.model.is_none());
    assert!(report.usl_refusal.is_some() && report.model_refusal.is_some());
    Ok(())
}

#[test]
fn an_artillery_overload_is_saturated_from_the_first_rate_that_sheds_load() -> TestResult {
    let rel = "artillery/overload/report.json";
    let set = levels_from_runs(&[read_run(rel)?], &PlateauOptions::default(), &[])?;
    let report = analyse(set, &options("p95<500ms")?);
    let levels = &report.levels;
    let doc = json(rel)?;
    // Artillery's own counters: 503s and timeouts in the second period.
    let second = &doc["intermediate"][1]["counters"];
    let failed = second["http.codes.503"].as_f64().unwrap_or(0.0)
        + second["errors.ETIMEDOUT"].as_f64().unwrap_or(0.0)
        + second["http.codes.500"].as_f64().unwrap_or(0.0);
    let sent = second["http.requests"].as_f64().ok_or("no requests")?;
    assert!(failed / sent > 0.1);
    assert!(!levels[0].saturated);
    assert!(levels[1..].iter().all(|l| l.saturated));
    let a = &report.answer;
    assert_eq!(a.value, Some(levels[0].concurrency.floor() as u64));
    assert_eq!(a.high, Some(levels[1].concurrency.floor() as u64));
    assert!(
        a.message.contains("req/s") && a.message.contains("sheds load"),
        "{}",
        a.message
    );
    assert!(!a.message.contains("VUs"));
    Ok(())
}

fn rate_runs(rates: &[u32]) -> Result<Vec<Run>, Box<dyn Error>> {
    rates
        .iter()
        .map(|r| read_run(&format!("k6/arrival_rate/rate_{r:03}/run.json.gz")))
        .collect()
}

fn truth_p95(rate: u32) -> Result<f64, Box<dyn Error>> {
    let t = json(&format!("k6/arrival_rate/rate_{rate:03}/truth.json"))?;
    Ok(t["overall"]["percentiles_linear"]["p95"]
        .as_f64()
        .ok_or("no p95")?)
}

#[test]
fn each_arrival_rate_run_is_one_level_at_its_offered_rate() -> TestResult {
    let rates = [50, 150, 175, 200, 225, 250, 350];
    let set = levels_from_runs(&rate_runs(&rates)?, &REQ_S, &[])?;
    assert_eq!(set.load, LoadUnit::RequestsPerSecond);
    assert_eq!(set.levels.len(), rates.len());
    for (l, r) in set.levels.iter().zip(rates) {
        // The script's rate, read from k6's iteration starts (one request each).
        assert!(
            (l.concurrency / r as f64 - 1.0).abs() < 0.02,
            "{} vs {r}",
            l.concurrency
        );
        let t = json(&format!("k6/arrival_rate/rate_{r:03}/truth.json"))?;
        assert_eq!(l.requests.map(|n| n as f64), t["overall"]["count"].as_f64());
    }
    Ok(())
}

#[test]
fn the_band_holds_the_crossing_runs_at_rates_between_measured() -> TestResult {
    let fitted = [50, 150, 250, 350];
    let between = [175, 200, 225];
    let limit = 100.0;
    let report = analyse(
        levels_from_runs(&rate_runs(&fitted)?, &REQ_S, &[])?,
        &options("p95<100ms")?,
    );
    let a = &report.answer;
    let (low, high) = (
        a.low.ok_or("no low")? as f64,
        a.high.ok_or("no high")? as f64,
    );
    // What every run measured (truth.json): the last rate known to pass and
    // the first known to fail, over fitted and intermediate runs together.
    let mut all: Vec<(u32, f64)> = fitted
        .iter()
        .chain(&between)
        .map(|&r| truth_p95(r).map(|p| (r, p)))
        .collect::<Result<_, _>>()?;
    all.sort_by_key(|x| x.0);
    let first_fail = all.iter().find(|x| x.1 > limit).ok_or("nothing fails")?.0 as f64;
    let last_pass = all
        .iter()
        .filter(|x| (x.0 as f64) < first_fail && x.1 <= limit)
        .map(|x| x.0 as f64)
        .fold(0.0, f64::max);
    assert!(
        between.iter().any(|&r| r as f64 == last_pass),
        "an intermediate run passes last"
    );
    // The measured crossing lies in [last_pass, first_fail): the band must hold it.
    assert!(
        low <= last_pass && high >= last_pass && high < first_fail,
        "band {low}–{high}, crossing in [{last_pass}, {first_fail})"
    );
    assert_eq!(a.band_source.as_deref(), Some("gap"));
    assert!(a.message.contains("req/s"), "{}", a.message);
    Ok(())
}

#[test]
fn a_ramping_arrival_rate_run_is_cut_where_its_rate_holds() -> TestResult {
    let run = read_run("k6/arrival_rate/ramping/run.json.gz")?;
    let set = levels_from_runs(std::slice::from_ref(&run), &REQ_S, &[])?;
    // The script's stages hold 40, 120, 200 and 300 iterations per second.
    let rates: Vec<f64> = set.levels.iter().map(|l| l.concurrency).collect();
    assert_eq!(rates.len(), 4, "{rates:?}");
    for (got, want) in rates.iter().zip([40.0, 120.0, 200.0, 300.0]) {
        assert!((got / want - 1.0).abs() < 0.03, "{got} vs {want}");
    }
    // Read on VUs, the same run has no hold (k6's vus are busy VUs), and says what to do.
    let err = levels_from_runs(&[run], &PlateauOptions::default(), &[])
        .err()
        .ok_or("read on VUs")?;
    assert!(err.contains("--load req/s"), "{err}");
    Ok(())
}

#[test]
fn one_question_has_one_load_axis() -> TestResult {
    let runs = vec![
        read_run("artillery/real/report.json")?,
        read_run("k6/constant_vus/vus_010/run.json.gz")?,
    ];
    let err = levels_from_runs(&runs, &PlateauOptions::default(), &[])
        .err()
        .ok_or("mixed axes")?;
    assert!(err.contains("one load axis"), "{err}");
    Ok(())
}

/// The rate `drops.js` was asked for (`-e RATE=`), from the run's command.
fn asked_rate(dir: &str) -> Result<f64, Box<dyn Error>> {
    let cmd = std::fs::read_to_string(path(&format!("k6/arrival_rate/{dir}/command.txt")))?;
    let v = cmd
        .split_whitespace()
        .find_map(|w| w.strip_prefix("RATE="))
        .ok_or("no RATE= in command.txt")?;
    Ok(v.parse()?)
}

/// A count from k6's end-of-test summary (`dropped_iterations`, `iterations`).
fn k6_count(dir: &str, metric: &str) -> Result<u64, Box<dyn Error>> {
    let text = std::fs::read_to_string(path(&format!("k6/arrival_rate/{dir}/stdout.txt")))?;
    let line = text
        .lines()
        .find(|l| l.trim_start().starts_with(&format!("{metric}.")))
        .ok_or(format!("no {metric} line"))?;
    let after = line.split(':').nth(1).ok_or("no value")?;
    Ok(after.split_whitespace().next().ok_or("no count")?.parse()?)
}

#[test]
fn dropped_iterations_count_in_the_offered_rate() -> TestResult {
    let dir = "drops_060";
    let asked = asked_rate(dir)?;
    let run = read_run(&format!("k6/arrival_rate/{dir}/run.json.gz"))?;
    let set = levels_from_runs(&[run], &REQ_S, &[])?;
    let [l] = set.levels.as_slice() else {
        return Err(format!("{} levels", set.levels.len()).into());
    };
    assert_eq!(l.dropped, Some(k6_count(dir, "dropped_iterations")?));
    assert_eq!(l.iterations, Some(k6_count(dir, "iterations")?));
    // Placed at the rate the script asked for, not at what came back.
    assert!(
        (l.concurrency - asked).abs() <= 0.05 * asked,
        "{} vs {asked} asked",
        l.concurrency
    );
    assert!(l.throughput < 0.6 * asked, "{}", l.throughput);
    Ok(())
}

#[test]
fn a_generator_that_dropped_iterations_did_not_keep_up() -> TestResult {
    let runs = ["drops_020", "drops_060"]
        .iter()
        .map(|d| read_run(&format!("k6/arrival_rate/{d}/run.json.gz")))
        .collect::<Result<Vec<_>, _>>()?;
    let set = levels_from_runs(&runs, &REQ_S, &[])?;
    let r = analyse(set, &options("p95<100ms")?);
    let [kept, fell] = r.levels.as_slice() else {
        return Err(format!("{} levels", r.levels.len()).into());
    };
    // 6 of 201 dropped at 20/s: kept up. 347 of 601 at 60/s: it did not.
    assert_eq!(kept.generator_kept_up, Some(true));
    assert_eq!(fell.generator_kept_up, Some(false));
    // The generator's shortfall, not the server shedding load.
    assert!(!fell.saturated);
    assert!(fell
        .notes
        .iter()
        .any(|n| n.starts_with("generator did not keep up")));
    // As on a VU axis, no answer rests on a level the generator did not deliver.
    assert_eq!(r.answer.reason, Some(Reason::SaturatedGenerator));
    assert!(r.answer.message.contains("generator did not keep up"));
    Ok(())
}

#[test]
fn a_knee_is_not_read_as_scatter_and_the_band_keeps_what_passed() -> TestResult {
    // Every rate at once: p95 flat near 70 ms up to 225 req/s, then a knee.
    let rates = [50, 150, 175, 200, 225, 250, 350];
    let limit = 100.0;
    let r = analyse(
        levels_from_runs(&rate_runs(&rates)?, &REQ_S, &[])?,
        &options("p95<100ms")?,
    );
    let a = &r.answer;
    // Measured (truth.json): the rates that pass, and the first that fails.
    let truth: Vec<(u32, f64)> = rates
        .iter()
        .map(|&x| truth_p95(x).map(|p| (x, p)))
        .collect::<Result<_, _>>()?;
    let first_fail = truth.iter().find(|t| t.1 > limit).ok_or("nothing fails")?.0;
    let last_pass = truth
        .iter()
        .filter(|t| t.0 < first_fail && t.1 <= limit)
        .map(|t| t.0)
        .max()
        .ok_or("nothing passes")?;
    // The rates before the knee agree within a few percent of each other
    // (truth.json); a bend is not between-run scatter.
    let before: Vec<f64> = truth
        .iter()
        .filter(|t| t.0 <= last_pass)
        .map(|t| t.1.ln())
        .collect();
    let spread = before.iter().copied().fold(f64::NEG_INFINITY, f64::max)
        - before.iter().copied().fold(f64::INFINITY, f64::min);
    let tau = a.scatter.as_ref().ok_or("no scatter")?.tau;
    assert!(tau <= spread, "τ {tau} vs spread {spread} before the knee");
    // The band never reaches below a rate measured to pass.
    let (low, high) = (a.low.ok_or("no low")?, a.high.ok_or("no high")?);
    let last_level = r
        .levels
        .iter()
        .map(|l| l.concurrency)
        .filter(|&c| c <= last_pass as f64 + 1.0)
        .fold(0.0, f64::max);
    assert!(
        low as f64 >= last_level.floor() && (high as u32) < first_fail,
        "band {low}–{high}, measured pass at {last_pass}, fail at {first_fail}"
    );
    Ok(())
}
