//! `verdict trend` on real k6 runs at rising load (10 → 200 VUs): runs come
//! back in start order whatever order they are given in, each step agrees
//! with `verdict compare` on the same two files, and the step where latency
//! rose (100 → 200 VUs: p50 about 20 → 139 ms in the runs' truth files) is
//! flagged.

mod common;

use common::{json, level, stdout, verdict};

use serde_json::Value;

const LEVELS: [&str; 5] = ["010", "025", "050", "100", "200"];

fn truth_p50(vus: &str) -> f64 {
    let path = level(vus).replace("run.json.gz", "truth.json");
    let text = std::fs::read_to_string(&path).expect("truth.json");
    let t: Value = serde_json::from_str(&text).expect("truth is JSON");
    t["overall"]["percentiles_inverted_cdf"]["p50"]
        .as_f64()
        .expect("p50")
}

fn trend_json(files: &[String], extra: &[&str]) -> Value {
    let mut args: Vec<&str> = vec!["trend", "--json"];
    args.extend(files.iter().map(String::as_str));
    args.extend(extra);
    let out = verdict(&args);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    json(&out)
}

#[test]
fn runs_come_back_in_start_order_whatever_the_order_given() {
    let shuffled: Vec<String> = ["200", "010", "100", "025", "050"].map(level).to_vec();
    let t = trend_json(&shuffled, &[]);
    assert_eq!(t["order"]["by"], "start");
    let sources: Vec<&str> = t["runs"]
        .as_array()
        .expect("runs")
        .iter()
        .map(|r| r["source"].as_str().expect("source"))
        .collect();
    let want: Vec<String> = LEVELS.map(level).to_vec();
    assert_eq!(sources, want);
    let starts: Vec<&str> = t["runs"]
        .as_array()
        .expect("runs")
        .iter()
        .map(|r| r["start"].as_str().expect("start"))
        .collect();
    assert!(starts.windows(2).all(|w| w[0] <= w[1]), "{starts:?}");
    // --in-order keeps what was given.
    let kept = trend_json(&shuffled, &["--in-order"]);
    assert_eq!(kept["runs"][0]["source"], shuffled[0].as_str());
}

#[test]
fn each_step_agrees_with_compare_and_the_runs_summary() {
    let files: Vec<String> = LEVELS.map(level).to_vec();
    let t = trend_json(&files, &[]);
    let changes = t["changes"].as_array().expect("changes");
    assert!(!changes.is_empty());
    for step in t["steps"].as_array().expect("steps") {
        let (from, to) = (
            step["from"].as_u64().expect("from"),
            step["to"].as_u64().expect("to"),
        );
        assert_eq!(to, from + 1);
        let (a, b) = (&files[from as usize], &files[to as usize]);
        let c = json(&verdict(&["compare", "--json", a, b]));
        // A step keeps the rows' verdict beside its own `same_load`.
        assert_eq!(step["verdict"], c["rows_verdict"], "{a} → {b}");
        assert_eq!(step["regressions"], c["regressions"], "{a} → {b}");
        let rows: Vec<&Value> = std::iter::once(&c["overall"])
            .chain(c["endpoints"].as_array().expect("endpoints"))
            .collect();
        for (k, row) in rows.iter().enumerate() {
            let endpoint = if k == 0 {
                "*overall*"
            } else {
                row["name"].as_str().expect("name")
            };
            for q in row["latency"].as_array().expect("latency") {
                let mine = changes
                    .iter()
                    .find(|x| {
                        x["from"] == from
                            && x["endpoint"] == endpoint
                            && x["statistic"] == q["statistic"]
                    })
                    .unwrap_or_else(|| panic!("{endpoint} {} missing", q["statistic"]));
                assert_eq!(mine["verdict"], q["verdict"], "{a} → {b} {endpoint}");
                assert_eq!(
                    mine["interval"], q["ratio_interval"],
                    "{a} → {b} {endpoint}"
                );
            }
            let e = &row["error_rate"];
            let mine = changes
                .iter()
                .find(|x| {
                    x["from"] == from && x["endpoint"] == endpoint && x["statistic"] == "error_rate"
                })
                .expect("error rate change");
            assert_eq!(mine["verdict"], e["verdict"]);
        }
    }
    // The numbers of each run are the ones `summary` shows for it.
    for (i, file) in files.iter().enumerate() {
        let s = json(&verdict(&["summary", "--json", file]))["runs"][0].clone();
        let overall = &t["runs"][i]["rows"][0];
        assert_eq!(overall["endpoint"], "*overall*");
        for (mine, theirs) in [("p50_ms", "p50"), ("p95_ms", "p95"), ("p99_ms", "p99")] {
            assert_eq!(overall[mine], s["latency_ms"][theirs], "{file} {theirs}");
        }
        assert_eq!(overall["requests"], s["requests"]);
        assert_eq!(overall["error_rate"], s["error_rate"]);
        // A change's before/after are the values the runs table shows.
        for c in changes
            .iter()
            .filter(|c| c["to"] == i && c["endpoint"] == "*overall*")
        {
            let stat = c["statistic"].as_str().expect("statistic");
            let key = if stat == "error_rate" {
                stat.to_string()
            } else {
                format!("{stat}_ms")
            };
            assert_eq!(c["after"], overall[key.as_str()], "{file} {stat}");
        }
    }
}

#[test]
fn the_step_where_latency_rose_is_flagged() {
    // Independent of Verdict: the runs' truth files show p50 rising ~7× at the last step.
    assert!(truth_p50("200") > 5.0 * truth_p50("100"));
    let files: Vec<String> = ["050", "100", "200"].map(level).to_vec();
    let t = trend_json(&files, &[]);
    let flagged = |from: u64, stat: &str| {
        t["changes"].as_array().expect("changes").iter().any(|c| {
            c["from"] == from
                && c["endpoint"] == "*overall*"
                && c["statistic"] == stat
                && c["verdict"] == "regression"
        })
    };
    assert!(flagged(1, "p50"), "100 → 200 VUs: p50 regression");
    assert!(
        !flagged(0, "p50"),
        "50 → 100 VUs: p50 {} → {} ms is no regression",
        truth_p50("050"),
        truth_p50("100")
    );
    assert_eq!(t["steps"][1]["same_load"], false, "the load doubled");
    // --fail-on-regression fails CI on it; text and Markdown say which step.
    let mut args = vec!["trend", "--fail-on-regression"];
    args.extend(files.iter().map(String::as_str));
    let out = verdict(&args);
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).contains("in step 2 → 3"), "{}", stdout(&out));
    let mut md = vec!["trend", "--markdown"];
    md.extend(files.iter().map(String::as_str));
    let text = stdout(&verdict(&md));
    assert!(text.contains("| 3 | vus_200/run.json.gz |"), "{text}");
    assert!(text.contains("REGRESSION p50"), "{text}");
}

#[test]
fn saved_runs_order_by_a_label() {
    let dir = std::env::temp_dir().join(format!("verdict-trend-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    // Build numbers that sort differently as text (10 < 9) and as numbers.
    let mut saved = Vec::new();
    for (vus, build) in [("050", "10"), ("010", "9"), ("100", "11")] {
        let out = dir.join(format!("b{build}.verdict"));
        let o = verdict(&[
            "save",
            &level(vus),
            "-o",
            out.to_str().expect("utf-8"),
            "--label",
            &format!("build={build}"),
        ]);
        assert_eq!(
            o.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&o.stderr)
        );
        saved.push(out.to_str().expect("utf-8").to_string());
    }
    let t = trend_json(&saved, &["--by", "build"]);
    let labels: Vec<&str> = t["runs"]
        .as_array()
        .expect("runs")
        .iter()
        .map(|r| r["label"].as_str().expect("label"))
        .collect();
    assert_eq!(labels, ["9", "10", "11"]);
    // A label that a run lacks is an error naming the file.
    let mut args = vec!["trend", "--by", "branch"];
    args.extend(saved.iter().map(String::as_str));
    let out = verdict(&args);
    assert_eq!(out.status.code(), Some(65));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no label 'branch'"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn one_file_or_tool_summaries_are_refused_clearly() {
    assert_eq!(verdict(&["trend", &level("010")]).status.code(), Some(64));
    let summary = level("010").replace("run.json.gz", "summary.json");
    let out = verdict(&["trend", &summary, &level("025")]);
    assert_eq!(out.status.code(), Some(65));
    assert!(String::from_utf8_lossy(&out.stderr).contains("summary.json"));
}
