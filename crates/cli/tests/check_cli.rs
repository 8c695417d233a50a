//! `verdict check` and `verdict report` end to end on real k6 fixtures.

mod common;

use common::{fixture, json, verdict};

use std::path::PathBuf;
use std::process::Output;

use serde_json::Value;

fn k6_fixture(rel: &str) -> String {
    fixture(&format!("k6/{rel}"))
}

fn code(o: &Output) -> i32 {
    o.status.code().unwrap_or(-1)
}

fn tmp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("verdict-cli-test-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    dir.join(name)
}

#[test]
fn k6_thresholds_fixture_fails_like_k6_and_says_so_in_every_format() {
    let run = k6_fixture("thresholds/run.json.gz");
    let summary = k6_fixture("thresholds/summary.json");
    let junit = tmp("junit.xml");
    let o = verdict(&[
        "check",
        &run,
        "--sla",
        &summary,
        "--json",
        "--junit",
        &junit.display().to_string(),
    ]);
    // k6 exited 99 on this run (two thresholds crossed): some FAIL → 1.
    assert_eq!(code(&o), 1, "{}", String::from_utf8_lossy(&o.stderr));
    let doc = json(&o);
    let verdicts = doc["verdicts"].as_array().cloned().unwrap_or_default();
    assert_eq!(verdicts.len(), 8);
    assert_eq!(doc["fail"], 2);
    let recorded: Value =
        serde_json::from_slice(&std::fs::read(&summary).unwrap_or_default()).unwrap_or_default();
    for v in &verdicts {
        for key in [
            "rule",
            "endpoint",
            "statistic",
            "estimate",
            "ci_low",
            "ci_high",
            "n",
            "verdict",
            "point_verdict",
        ] {
            assert!(v.get(key).is_some(), "{key} missing in {v}");
        }
        assert!(
            v.get("limit_ms").is_some() != v.get("limit").is_some(),
            "{v}"
        );
        assert!(["pass", "fail", "inconclusive"].contains(&v["verdict"].as_str().unwrap_or("")));
        // The k6-compatible point verdict is k6's own outcome (true = failed in summary-export).
        let metric = if v["endpoint"] == "*overall*" {
            match v["statistic"].as_str() {
                Some("error_rate") => "http_req_failed".to_string(),
                Some("checks") => "checks".to_string(),
                _ => "http_req_duration".to_string(),
            }
        } else {
            format!("http_req_duration{}", v["endpoint"].as_str().unwrap_or(""))
        };
        let failed = recorded["metrics"][&metric]["thresholds"]
            .as_object()
            .and_then(|t| t.values().find_map(|x| x.as_bool()).map(|_| t))
            .map(|t| {
                t.iter()
                    .filter(|(expr, _)| {
                        let stat = v["statistic"].as_str().unwrap_or("");
                        match stat {
                            "mean" => expr.starts_with("avg"),
                            "error_rate" | "checks" => expr.starts_with("rate"),
                            p => expr.starts_with(&format!("p({})", &p[1..])),
                        }
                    })
                    .any(|(_, f)| f.as_bool() == Some(true))
            })
            .unwrap_or(false);
        assert_eq!(
            v["point_verdict"],
            if failed { "fail" } else { "pass" },
            "{v}"
        );
    }
    // JUnit: well-formed, one case per verdict, failures = FAIL.
    let xml = std::fs::read_to_string(&junit).unwrap_or_default();
    let doc = roxmltree::Document::parse(&xml).unwrap_or_else(|e| panic!("{e}\n{xml}"));
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "testsuites");
    assert_eq!(root.attribute("tests"), Some("8"));
    assert_eq!(root.attribute("failures"), Some("2"));
    assert_eq!(
        doc.descendants()
            .filter(|n| n.has_tag_name("testcase"))
            .count(),
        8
    );
    assert_eq!(
        doc.descendants()
            .filter(|n| n.has_tag_name("failure"))
            .count(),
        2
    );
    // Markdown for a pull request.
    let o = verdict(&["check", &run, "--sla", &summary, "--markdown"]);
    let md = String::from_utf8_lossy(&o.stdout);
    assert!(
        md.contains("2 FAIL") && md.contains("| Verdict | Rule |"),
        "{md}"
    );
    assert_eq!(code(&o), 1);
}

#[test]
fn rules_come_from_the_run_a_script_or_a_preset() {
    let run = k6_fixture("thresholds/run.json.gz");
    // No --sla: the thresholds the NDJSON recorded (4 of them; all pass).
    let o = verdict(&["check", &run, "--json"]);
    assert_eq!(json(&o)["verdicts"].as_array().map(Vec::len), Some(4));
    // The k6 script itself: its computed keys are reported, the rest imported.
    let o = verdict(&[
        "check",
        &run,
        "--sla",
        &k6_fixture("thresholds/script.js"),
        "--json",
    ]);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(stderr.contains("computed by the script"), "{stderr}");
    assert_eq!(json(&o)["verdicts"].as_array().map(Vec::len), Some(4));
    // The tiered preset sorts the fixture's endpoints into tiers.
    let o = verdict(&["check", &run, "--preset", "tiered-api", "--json"]);
    let doc = json(&o);
    let tier = |name: &str| -> Vec<String> {
        doc["verdicts"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|v| v["rule_name"] == name)
            .map(|v| v["endpoint"].as_str().unwrap_or("").to_string())
            .collect()
    };
    assert_eq!(tier("list endpoints"), ["GET /api/items"]);
    assert_eq!(tier("read endpoints"), ["GET /api/items/{id}"]);
    assert_eq!(tier("write endpoints"), ["POST /api/items"]);
    assert_eq!(tier("search endpoints"), ["GET /api/search"]);
    assert_eq!(tier("analytics endpoints"), ["GET /api/analytics"]);
    // 0.35% of requests failed against a 0.1% limit.
    assert_eq!(code(&o), 1);
}

#[test]
fn exit_codes() {
    let vus10 = k6_fixture("constant_vus/vus_010/run.json.gz");
    let truth: Value = serde_json::from_slice(
        &std::fs::read(k6_fixture("constant_vus/vus_010/truth.json")).unwrap_or_default(),
    )
    .unwrap_or_default();
    let p95 = truth["overall"]["percentiles_linear"]["p95"]
        .as_f64()
        .unwrap_or_default();
    let sla = tmp("generous.toml");
    std::fs::write(
        &sla,
        format!(
            "[[rules]]\nrule = \"p95 < {}ms\"\n[[rules]]\nrule = \"error_rate < 5%\"\n",
            p95 * 3.0
        ),
    )
    .unwrap_or_default();
    let sla = sla.display().to_string();
    assert_eq!(code(&verdict(&["check", &vus10, "--sla", &sla])), 0);
    // p99.9 needs thousands of requests before any upper bound exists.
    let undecided = tmp("undecided.toml");
    std::fs::write(
        &undecided,
        format!("[[rules]]\nrule = \"p99.9 < {}ms\"\n", p95 * 100.0),
    )
    .unwrap_or_default();
    let o = verdict(&["check", &vus10, "--sla", &undecided.display().to_string()]);
    assert_eq!(code(&o), 2, "{}", String::from_utf8_lossy(&o.stdout));
    assert!(String::from_utf8_lossy(&o.stdout).contains("would decide it"));
    assert_eq!(code(&verdict(&["check"])), 64);
    assert_eq!(code(&verdict(&["check", &vus10, "--preset", "nope"])), 64);
    assert_eq!(
        code(&verdict(&["check", "/no/such/file.json", "--sla", &sla])),
        66
    );
    assert_eq!(
        code(&verdict(&["check", &vus10, "--sla", "/no/such/sla.toml"])),
        66
    );
    let bad = tmp("bad.toml");
    std::fs::write(&bad, "[[rules]]\nrule = \"p95 < 200kg\"\n").unwrap_or_default();
    let o = verdict(&["check", &vus10, "--sla", &bad.display().to_string()]);
    assert_eq!(code(&o), 65);
    assert!(String::from_utf8_lossy(&o.stderr).contains("bad.toml: rule 1, rule: column"));
    let garbage = tmp("garbage.txt");
    std::fs::write(&garbage, "hello\nworld\n").unwrap_or_default();
    assert_eq!(
        code(&verdict(&[
            "check",
            &garbage.display().to_string(),
            "--sla",
            &sla
        ])),
        65
    );
}

#[test]
fn the_report_is_one_self_contained_page() {
    let run = k6_fixture("ramping/run.json.gz");
    let out = tmp("report.html");
    let o = verdict(&[
        "report",
        &run,
        &k6_fixture("ramping/summary.json"),
        "--preset",
        "tiered-api",
        "--out",
        &out.display().to_string(),
        "--note",
        "staging <b>not</b> production",
    ]);
    assert_eq!(code(&o), 1, "{}", String::from_utf8_lossy(&o.stderr));
    let html = std::fs::read_to_string(&out).unwrap_or_default();
    assert!(html.starts_with("<!doctype html>"));
    for forbidden in [
        "<script",
        "src=\"http",
        "href=\"http",
        "<link",
        "@import",
        "url(",
    ] {
        assert!(!html.contains(forbidden), "{forbidden}");
    }
    assert!(html.contains("staging &lt;b&gt;not&lt;/b&gt; production"));
    assert!(html.contains("<svg"));
    assert!(html.contains("FAIL") && html.contains("Evidence: run.json.gz"));
    assert!(!html.to_lowercase().contains("% ready"));
    let o = verdict(&["report", &run, "--preset", "k6-defaults", "--markdown"]);
    let md = String::from_utf8_lossy(&o.stdout);
    assert!(md.starts_with("# ") && md.contains("## Verdicts"), "{md}");
}
