//! Vegeta fixtures: gob results against Go's own gob decoding of them
//! (`*.reference.jsonl`), the CSV against its rows.

mod fixture_reading;

use fixture_reading::{check_reference, csv_records, read_everywhere, text, Sample};
use serde_json::Value;
use verdict_core::formats::VEGETA_NO_URL as NO_URL;
use verdict_core::Format;

fn sample(code: u64, latency_ns: f64, error: &str, url: &str, attack: &str) -> Sample {
    let name = if !url.is_empty() {
        url
    } else if !attack.is_empty() {
        attack
    } else {
        NO_URL
    };
    Sample {
        name: name.to_string(),
        ms: latency_ns / 1e6,
        failed: !error.is_empty() || !(200..400).contains(&code),
    }
}

#[test]
fn gob_results_match_gos_own_decoding() {
    for (name, requests, errors) in [
        ("rendergun-results", 100, 36),
        ("tomelia-direct_test", 10, 0),
        ("tomelia-quick_test", 50, 0),
        ("tomelia-results", 15, 0),
    ] {
        let s = read_everywhere(&format!("vegeta/{name}.bin"), Format::VegetaGob);
        let reference: Vec<Sample> = text(&format!("vegeta/{name}.reference.jsonl"))
            .lines()
            .map(|l| {
                let v: Value = serde_json::from_str(l).expect("json");
                let s = |k: &str| v[k].as_str().unwrap_or("").to_string();
                sample(
                    v["code"].as_u64().expect("code"),
                    v["latency_ns"].as_f64().expect("latency"),
                    &s("error"),
                    &s("url"),
                    &s("attack"),
                )
            })
            .collect();
        assert_eq!(
            (
                reference.len(),
                reference.iter().filter(|x| x.failed).count()
            ),
            (requests, errors),
            "{name}"
        );
        check_reference(&s, &reference);
        assert!(s.warnings.is_empty(), "{name}: {:?}", s.warnings);
    }
}

#[test]
fn csv_results_match_their_rows() {
    let rel = "vegeta/taurus-vegeta_kpi.csv";
    let s = read_everywhere(rel, Format::VegetaCsv);
    let reference: Vec<Sample> = csv_records(&text(rel), ',')
        .iter()
        .map(|r| {
            sample(
                r[1].parse().expect("code"),
                r[2].parse().expect("latency"),
                &r[5],
                &r[10],
                &r[7],
            )
        })
        .collect();
    check_reference(&s, &reference);
    assert_eq!(s.status_codes.get("500"), Some(&1));
}
