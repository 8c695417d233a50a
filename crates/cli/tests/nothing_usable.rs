//! A file that holds nothing usable (a k6 summary with no request metrics)
//! exits 65 in every command that reads files, with the file named.

mod common;

use common::{fixture, level, verdict};

#[test]
fn every_command_exits_65_on_nothing_usable() {
    let empty = fixture("k6/no_requests/summary.json");
    let other = level("010");
    let out_dir = std::env::temp_dir().join(format!("verdict-nothing-{}", std::process::id()));
    std::fs::create_dir_all(&out_dir).expect("temp dir");
    let saved = out_dir.join("x.verdict");
    let hlog = out_dir.join("x.hlog");
    let report = out_dir.join("r.html");
    let commands: Vec<Vec<&str>> = vec![
        vec!["summary", &empty],
        vec!["summary", "--json", &empty],
        vec!["check", &empty],
        vec!["report", &empty, "--out", report.to_str().expect("utf-8")],
        vec!["compare", &other, &empty],
        vec!["trend", &other, &empty],
        vec!["share", &empty],
        vec!["save", &empty, "-o", saved.to_str().expect("utf-8")],
        vec!["export", &empty, "--hlog", hlog.to_str().expect("utf-8")],
        vec!["capacity", &empty, &other, "--target", "p95<200ms"],
    ];
    for args in commands {
        let out = verdict(&args);
        let said = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(65), "{args:?}: {said}");
        assert!(said.contains("summary.json"), "{args:?}: {said}");
    }
    let _ = std::fs::remove_dir_all(&out_dir);
}

#[test]
fn a_browser_tests_summary_is_read_and_labelled() {
    let out = verdict(&["summary", &fixture("k6/browser/handle_summary.json")]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("k6 browser test"), "{text}");
}
