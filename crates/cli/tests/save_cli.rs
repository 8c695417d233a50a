//! `verdict save`, end to end: a real k6 run split into three generators'
//! files, each saved where it lies, merges back through the `.verdict`
//! files to exactly what merging the raw files gives, and to the whole run.

mod common;

use common::{fixture, json, level, verdict};

use std::io::Read;
use std::path::{Path, PathBuf};

use serde_json::Value;

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("verdict-save-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

fn gunzip(path: &str) -> String {
    let raw = std::fs::read(path).expect("fixture");
    let mut out = String::new();
    flate2::read::MultiGzDecoder::new(&raw[..])
        .read_to_string(&mut out)
        .expect("gzip text");
    out
}

/// Splits a k6 NDJSON output as three generators would have written it:
/// every file declares the metrics; the points of one request (they share a
/// timestamp) go to one generator; one generator reports the VUs.
fn split_into_generators(text: &str, dir: &Path) -> (PathBuf, Vec<PathBuf>) {
    let mut parts = [String::new(), String::new(), String::new()];
    for line in text.lines() {
        let v: Value = serde_json::from_str(line).expect("k6 writes JSON lines");
        let line = format!("{line}\n");
        if v["type"] != "Point" {
            parts.iter_mut().for_each(|p| p.push_str(&line));
            continue;
        }
        let i = if matches!(v["metric"].as_str(), Some("vus" | "vus_max")) {
            0
        } else {
            let t = v["data"]["time"].as_str().unwrap_or("");
            t.bytes()
                .fold(0usize, |h, b| h.wrapping_mul(31) + b as usize)
                % parts.len()
        };
        parts[i].push_str(&line);
    }
    let whole = dir.join("whole.json");
    std::fs::write(&whole, text).expect("writes");
    let files = parts
        .iter()
        .enumerate()
        .map(|(i, p)| {
            assert!(p.contains("\"Point\""), "generator {i} got requests");
            let f = dir.join(format!("generator-{i}.json"));
            std::fs::write(&f, p).expect("writes");
            f
        })
        .collect();
    (whole, files)
}

fn s(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

fn summary(files: &[&str], merge: bool) -> Value {
    let mut args = vec!["summary", "--json"];
    if merge {
        args.push("--merge");
    }
    args.extend_from_slice(files);
    let out = verdict(&args);
    assert_eq!(out.status.code(), Some(0), "{args:?}");
    json(&out)
}

#[test]
fn generators_saved_apart_merge_back_exactly() {
    let dir = scratch("generators");
    let (whole, raw) = split_into_generators(&gunzip(&level("050")), &dir);
    let mut saved = Vec::new();
    for (i, f) in raw.iter().enumerate() {
        let out_path = dir.join(format!("generator-{i}.verdict"));
        let out = verdict(&["save", s(f), "-o", s(&out_path), "--label", "run=nightly"]);
        assert_eq!(out.status.code(), Some(0));
        let said = String::from_utf8_lossy(&out.stderr);
        assert!(said.contains("no raw samples"), "{said}");
        let (small, big) = (
            std::fs::metadata(&out_path).expect("saved").len(),
            std::fs::metadata(f).expect("raw").len(),
        );
        assert!(small * 100 < big, "{small} bytes saved for {big} raw");
        saved.push(out_path);
    }
    let raw: Vec<&str> = raw.iter().map(|p| s(p)).collect();
    let saved: Vec<&str> = saved.iter().map(|p| s(p)).collect();
    let from_raw = summary(&raw, true);
    let from_saved = summary(&saved, true);
    // Byte for byte: every number, the timeline, warnings, the source names.
    assert_eq!(from_saved, from_raw);
    // And the merge is the run the single file holds, but for its name.
    let mut from_whole = summary(&[s(&whole)], false);
    from_whole["runs"][0]["source"] = from_raw["runs"][0]["source"].clone();
    assert_eq!(from_whole, from_raw);
    // Saved files and raw files mix in one merge.
    assert_eq!(summary(&[saved[0], raw[1], saved[2]], true), from_raw);
    // A merged save of the saved parts is the whole run too.
    let merged = dir.join("merged.verdict");
    let out = verdict(&["save", saved[0], saved[1], saved[2], "-o", s(&merged)]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(summary(&[s(&merged)], false), from_raw);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn every_command_reads_a_saved_run_like_the_raw_file() {
    let dir = scratch("commands");
    let raw = fixture("k6/thresholds/run.json.gz");
    let file = dir.join("thresholds.verdict");
    assert_eq!(
        verdict(&["save", &raw, "-o", s(&file)]).status.code(),
        Some(0)
    );
    // Windowed rules use the per-endpoint windows the file keeps.
    let sla = dir.join("sla.toml");
    std::fs::write(
        &sla,
        "[[rules]]\nendpoints = \"*\"\nstatistic = \"p95\"\nop = \"<\"\nlimit = \"60ms\"\nwindow = \"15s\"\n",
    )
    .expect("writes");
    for args in [
        vec!["check", "--json"],
        vec!["check", "--json", "--sla", s(&sla)],
        vec!["capacity", "--json", "--target", "p95<200ms"],
    ] {
        let with = |f: &str| {
            let mut a = args.clone();
            a.push(f);
            let out = verdict(&a);
            // Runs are labelled by the path given: the only difference allowed.
            let text = serde_json::to_string(&json(&out))
                .expect("JSON")
                .replace(f, "FILE");
            (out.status.code(), text)
        };
        assert_eq!(with(s(&file)), with(&raw), "{args:?}");
    }
    let cmp = |a: &str, b: &str| {
        let mut v = json(&verdict(&["compare", "--json", a, b]));
        for side in ["baseline", "candidate"] {
            v[side]["source"] = Value::Null;
        }
        v
    };
    let other = level("010");
    let other_saved = dir.join("other.verdict");
    assert_eq!(
        verdict(&["save", &other, "-o", s(&other_saved)])
            .status
            .code(),
        Some(0)
    );
    assert_eq!(cmp(s(&other_saved), s(&file)), cmp(&other, &raw));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn save_refuses_what_it_cannot_keep() {
    let dir = scratch("refuse");
    let out = dir.join("x.verdict");
    // A tool's summaries of two runs cannot be merged into one.
    let a = fixture("k6/constant_vus/vus_010/summary.json");
    let b = fixture("k6/constant_vus/vus_025/summary.json");
    assert_eq!(
        verdict(&["save", &a, &b, "-o", s(&out)]).status.code(),
        Some(65)
    );
    assert_eq!(
        verdict(&["save", "no-such-file", "-o", s(&out)])
            .status
            .code(),
        Some(66)
    );
    assert_eq!(verdict(&["save", &a]).status.code(), Some(64));
    // One tool summary is kept as it is.
    assert_eq!(verdict(&["save", &a, "-o", s(&out)]).status.code(), Some(0));
    assert_eq!(summary(&[s(&out)], false)["runs"][0]["reported_by"], "tool");
    let _ = std::fs::remove_dir_all(&dir);
}
