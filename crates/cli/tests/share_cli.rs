//! `verdict share`, end to end: a link made from real runs decodes to the
//! same numbers, redaction hides names, damaged links exit 65.

mod common;

use common::{json, level, stdout, verdict};

use std::io::Write;
use std::process::{Command, Stdio};

fn stdout_line(out: &std::process::Output) -> String {
    stdout(out).trim().to_string()
}

#[test]
fn a_link_decodes_to_the_summary_numbers() {
    let run = level("025");
    let made = verdict(&["share", &run]);
    assert_eq!(made.status.code(), Some(0));
    let text = stdout_line(&made);
    assert!(text.starts_with("vd2.") && !text.contains('\n'));
    assert!(String::from_utf8_lossy(&made.stderr).contains("no raw samples"));
    let decoded = json(&verdict(&["share", "--decode", &text, "--json"]));
    let summary = json(&verdict(&["summary", "--json", &run]));
    assert_eq!(decoded["runs"][0], summary["runs"][0]);
}

#[test]
fn redacted_comparison_link_hides_names_and_reads_from_stdin() {
    let (a, b) = (level("100"), level("200"));
    let made = verdict(&["share", &a, &b, "--compare", "--redact"]);
    assert_eq!(made.status.code(), Some(0));
    let text = stdout_line(&made);
    let mut child = Command::new(env!("CARGO_BIN_EXE_verdict"))
        .args(["share", "--decode", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("spawns");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(text.as_bytes())
        .expect("writes");
    let out = child.wait_with_output().expect("finishes");
    assert_eq!(out.status.code(), Some(0));
    let shown = stdout_line(&out);
    for name in ["/api/items", "/health", "vus_100", "run.json"] {
        assert!(!shown.contains(name), "{name} in {shown}");
    }
    assert!(shown.contains("endpoint-1") && shown.contains("run-2"));
    // 100 against 200 VUs: not like for like, the rows still shown.
    assert!(
        shown.contains("NOT COMPARABLE") && shown.contains("regression"),
        "the comparison is shown: {shown}"
    );
}

#[test]
fn damaged_or_foreign_links_exit_65() {
    let text = stdout_line(&verdict(&["share", &level("010")]));
    let cut = &text[..text.len() / 2];
    for bad in [cut, "vd9.AAAA", "https://example.com/#x", "vd1.!!!!"] {
        let out = verdict(&["share", "--decode", bad]);
        assert_eq!(out.status.code(), Some(65), "{bad}");
        assert!(String::from_utf8_lossy(&out.stderr).starts_with("verdict: "));
    }
    assert_eq!(verdict(&["share"]).status.code(), Some(64));
    assert_eq!(
        verdict(&["share", "/nonexistent.json"]).status.code(),
        Some(66)
    );
}
