//! Runs read from cut files (a real k6 run cut mid-line and re-gzipped, and
//! the same run's gzip stream cut in half): `partial` in the JSON, on every
//! verdict and in every output, and `verdict check` never exits 0.

mod common;

use common::{fixture, json, stdout, verdict};

fn code(o: &std::process::Output) -> i32 {
    o.status.code().unwrap_or(-1)
}

const WHOLE: &str = "k6/constant_vus/vus_010/run.json.gz";
const CUT: [&str; 2] = ["k6/cut/mid_line.json.gz", "k6/cut/truncated.json.gz"];

/// Rules every part of this run passes: only partial data can stop exit 0.
fn generous_sla() -> String {
    let path = std::env::temp_dir().join(format!("verdict-partial-{}.toml", std::process::id()));
    std::fs::write(
        &path,
        "[[rules]]\nrule = \"p95 < 10s\"\n\n[[rules]]\nrule = \"error_rate < 50%\"\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    path.display().to_string()
}

#[test]
fn the_whole_file_is_not_partial_and_passes_with_exit_0() {
    let o = verdict(&["summary", &fixture(WHOLE), "--json"]);
    let run = &json(&o)["runs"][0];
    assert_eq!(run["partial"], false);
    assert!(run["partial_reason"].is_null());
    let o = verdict(&["check", &fixture(WHOLE), "--sla", &generous_sla()]);
    assert_eq!(code(&o), 0, "{}", stdout(&o));
    assert!(!stdout(&o).contains("partial"));
}

#[test]
fn cut_files_are_partial_with_the_reason() {
    let whole = json(&verdict(&["summary", &fixture(WHOLE), "--json"]))["runs"][0]["requests"]
        .as_u64()
        .unwrap_or(0);
    for (rel, words) in CUT
        .iter()
        .zip(["middle of a line", "gzip stream ends early"])
    {
        let o = verdict(&["summary", &fixture(rel), "--json"]);
        assert_eq!(code(&o), 0, "{rel}");
        let run = &json(&o)["runs"][0];
        assert_eq!(run["partial"], true, "{rel}");
        let why = run["partial_reason"].as_str().unwrap_or("");
        assert!(why.contains(words), "{rel}: {why}");
        let n = run["requests"].as_u64().unwrap_or(0);
        assert!(n > 0 && n < whole, "{rel}: {n} of {whole}");
        let text = stdout(&verdict(&["summary", &fixture(rel)]));
        assert!(
            text.contains(&format!("PARTIAL: computed from the {n} requests read")),
            "{text}"
        );
    }
}

#[test]
fn all_pass_on_partial_data_exits_2_and_every_output_says_so() {
    let sla = generous_sla();
    for rel in CUT {
        let f = fixture(rel);
        let o = verdict(&["check", &f, "--sla", &sla, "--json"]);
        assert_eq!(code(&o), 2, "{rel}: {}", stdout(&o));
        let doc = json(&o);
        assert_eq!(doc["partial"], true);
        assert_eq!(doc["fail"], 0);
        assert_eq!(doc["inconclusive"], 0);
        for v in doc["verdicts"].as_array().cloned().unwrap_or_default() {
            assert_eq!(v["verdict"], "pass", "{v}");
            assert_eq!(v["partial"], true, "{v}");
            assert!(v["partial_reason"].as_str().is_some_and(|r| !r.is_empty()));
        }
        let o = verdict(&["check", &f, "--sla", &sla]);
        assert_eq!(code(&o), 2);
        let text = stdout(&o);
        assert!(text.contains("PASS on partial data"), "{text}");
        assert!(text.contains("PARTIAL DATA"), "{text}");
        let o = verdict(&["check", &f, "--sla", &sla, "--markdown"]);
        assert_eq!(code(&o), 2);
        assert!(
            stdout(&o).contains("⚠️ PASS on partial data"),
            "{}",
            stdout(&o)
        );
        let junit =
            std::env::temp_dir().join(format!("verdict-partial-{}.xml", std::process::id()));
        let junit_arg = junit.display().to_string();
        let o = verdict(&["check", &f, "--sla", &sla, "--junit", &junit_arg]);
        assert_eq!(code(&o), 2);
        let xml = std::fs::read_to_string(&junit).unwrap_or_default();
        assert!(
            xml.contains("skipped=\"2\"")
                && xml.contains("<skipped message=\"PASS on partial data"),
            "{xml}"
        );
        let o = verdict(&["report", &f, "--sla", &sla, "--markdown"]);
        assert_eq!(code(&o), 2);
        let md = stdout(&o);
        assert!(
            md.contains("Not shown: every rule check passes on the requests read"),
            "{md}"
        );
        assert!(!md.contains("computed from every request"), "{md}");
        let o = verdict(&["report", &f, "--sla", &sla]);
        assert_eq!(code(&o), 2);
        let html = stdout(&o);
        assert!(
            html.contains("PASS on partial data") && html.contains("PARTIAL: computed from the"),
            "{rel}"
        );
        assert!(!html.contains("computed here from every request"));
    }
}

#[test]
fn partial_input_with_no_applicable_rule_still_does_not_exit_0() {
    let path =
        std::env::temp_dir().join(format!("verdict-partial-opt-{}.toml", std::process::id()));
    std::fs::write(
        &path,
        "[[rules]]\nendpoint = \"GET /nowhere\"\nstatistic = \"p95\"\nop = \"<\"\nlimit = \"10s\"\noptional = true\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let sla = path.display().to_string();
    let o = verdict(&["check", &fixture(WHOLE), "--sla", &sla, "--json"]);
    assert_eq!(code(&o), 0, "{}", stdout(&o));
    assert_eq!(json(&o)["verdicts"].as_array().map(Vec::len), Some(0));
    for rel in CUT {
        let o = verdict(&["check", &fixture(rel), "--sla", &sla, "--json"]);
        assert_eq!(code(&o), 2, "{rel}: {}", stdout(&o));
        assert_eq!(json(&o)["partial"], true, "{rel}");
    }
}

#[test]
fn the_count_of_passes_says_partial_data() {
    let sla = generous_sla();
    let o = verdict(&["check", &fixture(CUT[0]), "--sla", &sla]);
    let text = stdout(&o);
    assert!(
        text.contains("0 FAIL, 0 INCONCLUSIVE, 2 PASS on partial data"),
        "{text}"
    );
    let o = verdict(&["check", &fixture(WHOLE), "--sla", &sla]);
    let text = stdout(&o);
    assert!(text.contains("0 FAIL, 0 INCONCLUSIVE, 2 PASS\n"), "{text}");
}

#[test]
fn a_comparison_with_a_cut_run_says_partial_on_its_verdict() {
    let whole = fixture(WHOLE);
    let o = verdict(&["compare", &whole, &whole, "--json"]);
    let doc = json(&o);
    assert_eq!(doc["candidate"]["partial"], false);
    assert!(!stdout(&verdict(&["compare", &whole, &whole])).contains("partial"));
    for rel in CUT {
        let cut = fixture(rel);
        let doc = json(&verdict(&["compare", &whole, &cut, "--json"]));
        assert_eq!(doc["baseline"]["partial"], false, "{rel}");
        assert_eq!(doc["candidate"]["partial"], true, "{rel}");
        assert!(
            doc["candidate"]["partial_reason"]
                .as_str()
                .is_some_and(|r| !r.is_empty()),
            "{rel}"
        );
        for args in [vec![], vec!["--markdown"]] {
            let mut a = vec!["compare", whole.as_str(), cut.as_str()];
            a.extend(args);
            let text = stdout(&verdict(&a));
            let verdict_line = text
                .lines()
                .find(|l| l.contains("verdict: "))
                .unwrap_or_default();
            assert!(verdict_line.contains("on partial data"), "{rel}: {text}");
            assert!(text.contains("PARTIAL: "), "{rel}: {text}");
        }
    }
}
