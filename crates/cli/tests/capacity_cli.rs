//! `verdict capacity`, end to end: real k6 runs, a staged run, typed tables,
//! the JSON contract and exit codes.

mod common;

use common::{fixture, json, verdict};

use serde_json::Value;

fn f(v: &Value) -> f64 {
    v.as_f64().unwrap_or_else(|| panic!("not a number: {v}"))
}

fn constant_runs() -> Vec<String> {
    ["010", "025", "050", "100", "200"]
        .iter()
        .map(|v| fixture(&format!("k6/constant_vus/vus_{v}/run.json.gz")))
        .collect()
}

#[test]
fn constant_vu_runs_answer_with_the_json_contract() {
    let runs = constant_runs();
    let mut args: Vec<&str> = vec!["capacity"];
    args.extend(runs.iter().map(String::as_str));
    args.extend(["--target", "p95<200ms", "--json"]);
    let out = verdict(&args);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc = json(&out);
    let usl = &doc["usl"];
    for key in ["sigma", "kappa", "lambda", "n_star", "x_max"] {
        assert!(usl.get(key).is_some(), "usl.{key} missing");
    }
    for key in ["sigma", "kappa", "lambda"] {
        assert!(usl["se"].get(key).is_some(), "usl.se.{key} missing");
    }
    assert!(f(&usl["lambda"]) > 0.0 && f(&usl["kappa"]) >= 0.0);
    let levels = doc["levels"].as_array().expect("levels");
    let vus: Vec<f64> = levels.iter().map(|l| f(&l["concurrency"])).collect();
    assert_eq!(vus, vec![10.0, 25.0, 50.0, 100.0, 200.0]);
    // Per-level counts are the runs' own (truth.json: 381 … 6325 requests).
    let truth: Value = serde_json::from_str(
        &std::fs::read_to_string(fixture("k6/constant_vus/vus_200/truth.json")).expect("truth"),
    )
    .expect("truth json");
    assert_eq!(levels[4]["requests"], truth["overall"]["count"]);
    let a = &doc["answer"];
    let value = f(&a["value"]);
    assert_eq!(value, f(&a["crossing"]).floor());
    // p95 is under 200 ms at 100 VUs and over it at 200 VUs (truth.json), so the answer lies between.
    assert!((100.0..200.0).contains(&value), "{a}");
    assert!(f(&a["low"]) <= value && value <= f(&a["high"]));
    assert_eq!(a["extrapolated"], Value::Bool(false));
    assert!(a.get("reason").is_none());
}

#[test]
fn constant_vu_runs_text_output() {
    let runs = constant_runs();
    let mut args: Vec<&str> = vec!["capacity"];
    args.extend(runs.iter().map(String::as_str));
    args.extend(["--target", "p95<200ms"]);
    let out = verdict(&args);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("Answer: ") && text.contains("VUs keep p95 ≤ 200 ms"),
        "{text}"
    );
    assert!(text.contains("Scalability: USL of throughput against VUs"));
}

#[test]
fn staged_run_is_cut_into_plateaus() {
    let run = fixture("k6/ramping/run.json.gz");
    let out = verdict(&["capacity", &run, "--target", "p95<90ms", "--json"]);
    let doc = json(&out);
    let vus: Vec<f64> = doc["levels"]
        .as_array()
        .expect("levels")
        .iter()
        .map(|l| f(&l["concurrency"]))
        .collect();
    // truth.json stages: holds at 5, 20, 50, 100 and 150 VUs.
    assert_eq!(vus, vec![5.0, 20.0, 50.0, 100.0, 150.0]);
    let excluded = doc["excluded"].as_array().expect("excluded");
    assert!(excluded.iter().any(|e| e["reason"] == "ramp"));
    assert!(excluded.iter().any(|e| e["reason"] == "warm_up"));
}

#[test]
fn levels_table_gives_the_statistics_md_answer() {
    let table = fixture("capacity/synthetic.csv");
    let out = verdict(&[
        "capacity",
        "--levels",
        &table,
        "--target",
        "p95<200ms",
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(0));
    let a = &json(&out)["answer"];
    // statistics.md §3.3: 134 VUs, band [123, 146].
    assert_eq!(
        (f(&a["value"]), f(&a["low"]), f(&a["high"])),
        (134.0, 123.0, 146.0)
    );
    let out = verdict(&[
        "capacity",
        "--levels",
        &table,
        "--target",
        "p95<500ms",
        "--json",
    ]);
    let a = &json(&out)["answer"];
    assert_eq!(f(&a["value"]), 205.0);
    assert_eq!(a["extrapolated"], Value::Bool(true));
}

#[test]
fn refusal_exits_2_with_a_reason() {
    let table = fixture("capacity/synthetic.csv");
    let out = verdict(&[
        "capacity",
        "--levels",
        &table,
        "--target",
        "p95<100ms",
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let a = &json(&out)["answer"];
    assert_eq!(a["reason"], "exceeded_at_lowest");
    assert!(a.get("value").is_none());
    // A throughput-only table still gets its USL fit (specsdm91: σ = 0.0277285 in R usl).
    let out = verdict(&[
        "capacity",
        "--levels",
        &fixture("capacity/specsdm91.csv"),
        "--target",
        "p95<1s",
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let doc = json(&out);
    assert_eq!(format!("{:.7}", f(&doc["usl"]["sigma"])), "0.0277285");
    assert_eq!(doc["answer"]["reason"], "too_few_levels");
}

#[test]
fn usage_and_input_errors() {
    let table = fixture("capacity/synthetic.csv");
    assert_eq!(
        verdict(&["capacity", "--levels", &table]).status.code(),
        Some(64)
    );
    assert_eq!(
        verdict(&["capacity", "--target", "p95<200ms"])
            .status
            .code(),
        Some(64)
    );
    let missing = verdict(&[
        "capacity",
        "--levels",
        "/nonexistent/levels.csv",
        "--target",
        "p95<1s",
    ]);
    assert_eq!(missing.status.code(), Some(66));
    let dir = std::env::temp_dir().join(format!("verdict-capacity-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let bad = dir.join("bad.csv");
    std::fs::write(&bad, "vus,throughput,p95_ms\n10,20,fast\n").expect("write");
    let out = verdict(&[
        "capacity",
        "--levels",
        bad.to_str().expect("utf-8 path"),
        "--target",
        "p95<1s",
    ]);
    assert_eq!(out.status.code(), Some(65));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("bad.csv line 2, column p95_ms") && err.contains("fast"),
        "{err}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_staged_artillery_run_answers_in_requests_per_second() {
    let report = fixture("artillery/overload/report.json");
    let out = verdict(&["capacity", &report, "--target", "p95<500ms", "--json"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc = json(&out);
    assert_eq!(doc["load"], "req/s");
    let levels = doc["levels"].as_array().expect("levels");
    assert!(levels.iter().all(|l| l["origin"] == "tool_periods"));
    // Fast 503s from the second period on: saturated, and the answer stops below them.
    let first_saturated = levels
        .iter()
        .find(|l| l["saturated"] == true)
        .expect("saturated");
    let a = &doc["answer"];
    assert!(f(&a["value"]) <= f(&a["high"]) && f(&a["high"]) <= f(&first_saturated["concurrency"]));
    assert!(doc["usl"].is_null() && doc["model"].is_null());
    let text = verdict(&["capacity", &report, "--target", "p95<500ms"]);
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(text.contains("offered req/s"), "{text}");
    assert!(text.contains("req/s keep p95 ≤ 500 ms"), "{text}");
}

#[test]
fn arrival_rate_runs_need_and_take_load_req_s() {
    let runs: Vec<String> = ["050", "150", "250", "350"]
        .iter()
        .map(|r| fixture(&format!("k6/arrival_rate/rate_{r}/run.json.gz")))
        .collect();
    let mut args: Vec<&str> = vec!["capacity"];
    args.extend(runs.iter().map(String::as_str));
    args.extend(["--target", "p95<100ms", "--json", "--load", "req/s"]);
    let out = verdict(&args);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc = json(&out);
    assert_eq!(doc["load"], "req/s");
    let a = &doc["answer"];
    let (lo, v, hi) = (f(&a["low"]), f(&a["value"]), f(&a["high"]));
    // The band is the bracket between the 150 and 250 req/s runs.
    let rates: Vec<f64> = doc["levels"]
        .as_array()
        .expect("levels")
        .iter()
        .map(|l| f(&l["concurrency"]))
        .collect();
    assert!(
        rates[1] <= lo && lo <= v && v <= hi && hi < rates[2],
        "{lo} {v} {hi} {rates:?}"
    );
    assert!(a["message"].as_str().unwrap_or("").contains("req/s"));
    // The staged run read on VUs is refused with the option that reads it.
    let staged = fixture("k6/arrival_rate/ramping/run.json.gz");
    let out = verdict(&["capacity", &staged, "--target", "p95<100ms"]);
    assert_ne!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--load req/s"));
}

#[test]
fn vu_runs_say_their_load_axis() {
    let runs = constant_runs();
    let mut args: Vec<&str> = vec!["capacity"];
    args.extend(runs.iter().map(String::as_str));
    args.extend(["--target", "p95<200ms", "--json"]);
    let doc = json(&verdict(&args));
    assert_eq!(doc["load"], "vus");
}

#[test]
fn repeats_at_one_vu_count_are_one_level_in_the_table() {
    let runs: Vec<String> = [
        "08_a", "08_b", "08_c", "04_a", "16_a", "16_b", "16_c", "24_a",
    ]
    .iter()
    .map(|r| fixture(&format!("k6/repeats/vus_{r}/run.json.gz")))
    .collect();
    let mut args: Vec<&str> = vec!["capacity"];
    args.extend(runs.iter().map(String::as_str));
    args.extend(["--target", "p95<220ms"]);
    let out = verdict(&args);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{text}");
    // One row per load, each repeat listed under it with its own numbers.
    assert!(text.contains("3 repeats at 8 VUs"), "{text}");
    assert!(text.contains("3 repeats at 16 VUs"), "{text}");
    assert_eq!(text.matches("  repeat: ").count(), 6, "{text}");
    assert!(text.contains("repeats at one load"), "{text}");
    let mut args: Vec<&str> = vec!["capacity"];
    args.extend(runs.iter().map(String::as_str));
    args.extend(["--target", "p95<220ms", "--json"]);
    let doc = json(&verdict(&args));
    let levels = doc["levels"].as_array().expect("levels");
    assert_eq!(levels.len(), 4);
    assert_eq!(levels[1]["repeats"].as_array().map(Vec::len), Some(3));
    assert!(doc["answer"]["scatter"]["source"]
        .as_str()
        .unwrap_or("")
        .starts_with("repeats"));
}

#[test]
fn a_generator_that_dropped_iterations_is_said_in_the_table() {
    let runs: Vec<String> = ["drops_020", "drops_060"]
        .iter()
        .map(|r| fixture(&format!("k6/arrival_rate/{r}/run.json.gz")))
        .collect();
    let mut args: Vec<&str> = vec!["capacity"];
    args.extend(runs.iter().map(String::as_str));
    args.extend(["--target", "p95<100ms", "--load", "req/s"]);
    let out = verdict(&args);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(2), "{text}");
    let row = text
        .lines()
        .find(|l| l.contains("drops_060/run.json.gz") && !l.trim_start().starts_with('·'))
        .unwrap_or_else(|| panic!("no drops_060 row: {text}"));
    assert!(row.trim_end().ends_with("NO"), "{row}");
    assert!(text.contains("generator did not keep up"), "{text}");
    assert!(!text.contains("saturated:"), "{text}");
}
