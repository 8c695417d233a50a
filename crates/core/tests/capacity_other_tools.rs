//! Capacity levels from JMeter and Locust runs (real files; the set-up is in
//! each folder's command.txt).

use std::error::Error;

use verdict_core::capacity::{levels_from_runs, ExclusionReason, PlateauOptions};
use verdict_core::{IngestOptions, Run, Session};

type TestResult = Result<(), Box<dyn Error>>;

fn read(rel: &str, name: &str) -> Result<Run, Box<dyn Error>> {
    let path = format!("{}/../../tests/fixtures/{rel}", env!("CARGO_MANIFEST_DIR"));
    let bytes = std::fs::read(&path).map_err(|e| format!("{path}: {e}"))?;
    let mut session = Session::new(name, IngestOptions::default());
    session.feed(&bytes)?;
    Ok(session.finish()?)
}

#[test]
fn jmeter_ramp_up_is_excluded() -> TestResult {
    // -Jthreads=40 -Jrampup=10 -Jduration=40: one hold at 40 threads after a 10 s ramp.
    let run = read("jmeter/real/results.jtl", "input")?;
    let set = levels_from_runs(&[run], &PlateauOptions::default(), &[])?;
    assert_eq!(set.levels.len(), 1);
    let level = &set.levels[0];
    assert_eq!(level.concurrency, 40.0);
    let [start, _] = level.window_s.ok_or("no window")?;
    assert!(
        start >= 10.0,
        "the level starts at {start} s, inside the ramp"
    );
    let ramp = set
        .excluded
        .iter()
        .find(|e| e.reason == ExclusionReason::Ramp)
        .ok_or("no ramp")?;
    assert!(ramp.start_s < 1.0 && ramp.end_s >= 8.0, "{ramp:?}");
    Ok(())
}

#[test]
fn locust_spawning_run_is_refused() -> TestResult {
    // -u 100 -r 2: users spawn for 50 of 75 s, and Locust's windows are its own
    // aggregates, so no plateau can be cut out and the whole run is no level.
    let runs = verdict_core::group::combine(vec![
        read("locust/real/run_stats.csv", "run_stats.csv")?,
        read("locust/real/run_stats_history.csv", "run_stats_history.csv")?,
    ]);
    let err = levels_from_runs(&runs, &PlateauOptions::default(), &[])
        .err()
        .ok_or("accepted a ramping run")?;
    assert!(err.contains("concurrency changes during the run"), "{err}");
    Ok(())
}
