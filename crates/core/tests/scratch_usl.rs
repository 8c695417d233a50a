use verdict_core::capacity::*;
#[test]
fn scratch() {
    let text =
        std::fs::read_to_string("../../tests/fixtures/capacity/synthetic.csv").unwrap_or_default();
    for t in [
        "p95<200ms",
        "p95<150ms",
        "p95<500ms",
        "p95<100ms",
        "p95<2000ms",
    ] {
        let set = levels_from_table("synthetic.csv", &text).unwrap_or_default();
        let r = analyse(
            set,
            &CapacityOptions {
                target: parse_target(t).unwrap_or(Target {
                    quantile: 0.95,
                    limit_ms: 1.0,
                }),
                scenario: Scenario::default(),
            },
        );
        println!(
            "{t}: {}",
            serde_json::to_string_pretty(&r.answer).unwrap_or_default()
        );
    }
    for sc in [
        Scenario {
            think_time_s: Some(1.0),
            ..Scenario::default()
        },
        Scenario {
            instances: 2,
            ..Scenario::default()
        },
        Scenario {
            think_time_s: Some(0.5002630272676684),
            ..Scenario::default()
        },
        Scenario {
            arrival_rate: Some(250.0),
            ..Scenario::default()
        },
    ] {
        let set = levels_from_table("synthetic.csv", &text).unwrap_or_default();
        let r = analyse(
            set,
            &CapacityOptions {
                target: parse_target("p95<200ms").unwrap_or(Target {
                    quantile: 0.95,
                    limit_ms: 1.0,
                }),
                scenario: sc,
            },
        );
        println!(
            "{sc:?}: {}",
            serde_json::to_string_pretty(&r.what_if).unwrap_or_default()
        );
    }
}
