//! The worked synthetic example of statistics.md §3.3, whose answers are
//! printed there: the table goes in, those answers must come out.

use std::error::Error;

use verdict_core::capacity::{
    analyse, levels_from_table, parse_target, CapacityOptions, CapacityReport, Reason, Scenario,
};

type TestResult = Result<(), Box<dyn Error>>;

fn run(target: &str, scenario: Scenario) -> Result<CapacityReport, Box<dyn Error>> {
    let path = format!(
        "{}/../../tests/fixtures/capacity/synthetic.csv",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{path}: {e}"))?;
    let set = levels_from_table("synthetic.csv", &text)?;
    Ok(analyse(
        set,
        &CapacityOptions {
            target: parse_target(target)?,
            scenario,
        },
    ))
}

#[test]
fn p95_under_200ms_is_134_vus() -> TestResult {
    // "134 VUs (PCHIP; N_c = 134.51; ≈ 221.5 req/s). Linear-in-log gives 125,
    // the server-USL model 144.3. Reported band [123, 146]".
    let a = run("p95<200ms", Scenario::default())?.answer;
    assert_eq!(a.value, Some(134));
    assert_eq!((a.low, a.high), (Some(123), Some(146)));
    assert_eq!(a.extrapolated, Some(false));
    assert_eq!(format!("{:.2}", a.crossing.ok_or("no crossing")?), "134.51");
    assert_eq!(format!("{:.1}", a.throughput.ok_or("no rate")?), "221.5");
    let estimate = |method: &str| {
        a.crossings
            .iter()
            .find(|c| c.method == method && c.series == "estimate")
            .and_then(|c| c.vus)
    };
    assert_eq!(estimate("linear_log").map(|v| v.floor()), Some(125.0));
    assert_eq!(
        estimate("model").map(|v| format!("{v:.1}")),
        Some("144.3".into())
    );
    Ok(())
}

#[test]
fn p95_under_150ms_is_93_vus() -> TestResult {
    let a = run("p95<150ms", Scenario::default())?.answer;
    assert_eq!((a.value, a.low, a.high), (Some(93), Some(87), Some(97)));
    Ok(())
}

#[test]
fn p95_under_500ms_is_extrapolated_205() -> TestResult {
    // "above the tested range → extrapolated 205 VUs (ρ band 204–206)".
    let a = run("p95<500ms", Scenario::default())?.answer;
    assert_eq!((a.value, a.low, a.high), (Some(205), Some(204), Some(206)));
    assert_eq!(a.extrapolated, Some(true));
    assert!(a.message.starts_with("extrapolated"));
    Ok(())
}

#[test]
fn refusals() -> TestResult {
    // "100 ms: target exceeded at the lowest level".
    let a = run("p95<100ms", Scenario::default())?.answer;
    assert_eq!(a.reason, Some(Reason::ExceededAtLowest));
    assert_eq!((a.value, a.below), (None, Some(10.0)));
    // "2000 ms: not enough evidence (model crossing at 264 ...)": 264 VUs need
    // more than 2× the largest measured in-flight concurrency.
    let a = run("p95<2000ms", Scenario::default())?.answer;
    assert_eq!(a.reason, Some(Reason::BeyondExtrapolationLimit));
    assert_eq!(a.value, None);
    assert!(a.message.contains("264 VUs"), "{}", a.message);
    Ok(())
}

#[test]
fn server_fit_and_what_ifs() -> TestResult {
    // "The fit gives σ = 0.0288, κ = 4.23e-4, λ = 20.01".
    let r = run(
        "p95<200ms",
        Scenario {
            think_time_s: Some(1.0),
            ..Scenario::default()
        },
    )?;
    let m = r.model.as_ref().ok_or("no model")?;
    assert_eq!(format!("{:.4}", m.usl.sigma), "0.0288");
    // Printed truncated: a scipy bounded refit of the same table gives 4.2362e-4.
    assert!((m.usl.kappa - 4.23e-4).abs() < 1e-6, "{}", m.usl.kappa);
    assert_eq!(format!("{:.2}", m.usl.lambda), "20.01");
    // "Think time doubled (Z = 1.0 s): 266".
    let w = r.what_if.ok_or("no what-if")?;
    assert_eq!(w.max_vus.ok_or("no answer")?.value, 266);
    // "Two instances (Z = 0.5 s): 288".
    let w = run(
        "p95<200ms",
        Scenario {
            instances: 2,
            ..Scenario::default()
        },
    )?
    .what_if
    .ok_or("no what-if")?;
    assert_eq!(w.max_vus.ok_or("no answer")?.value, 288);
    // "As tested (Z = 0.5 s): 144": the model with the measured think time.
    let z = m.think_time_s;
    let w = run(
        "p95<200ms",
        Scenario {
            think_time_s: Some(z),
            ..Scenario::default()
        },
    )?
    .what_if
    .ok_or("no what-if")?;
    assert_eq!(w.max_vus.ok_or("no answer")?.value, 144);
    Ok(())
}
