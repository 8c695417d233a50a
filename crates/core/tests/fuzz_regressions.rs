//! Replays, on stable Rust, what the fuzz targets found (`fuzz/regressions/
//! <target>/`: minimised crashers and a slice of each corpus) and runs every
//! target over the small fixtures, its seed corpus. A target must return
//! normally on any input; a panic here is a bug the fuzzers found once.

#[allow(dead_code)]
#[path = "../../../fuzz/harness.rs"]
mod harness;

use std::path::{Path, PathBuf};

fn repo(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(rel)
}

fn files_under(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            files_under(&p, out);
        } else {
            out.push(p);
        }
    }
}

#[test]
fn every_saved_input_runs_without_panic() {
    let mut replayed = 0;
    for (name, target) in harness::TARGETS {
        let mut files = Vec::new();
        files_under(&repo(&format!("fuzz/regressions/{name}")), &mut files);
        files.sort();
        for f in files
            .iter()
            .filter(|f| f.file_name().is_some_and(|n| n != "README.md"))
        {
            let bytes = std::fs::read(f).unwrap_or_else(|e| panic!("{}: {e}", f.display()));
            target(&bytes);
            replayed += 1;
        }
    }
    eprintln!("replayed {replayed} saved fuzz inputs");
}

#[test]
fn every_target_reads_every_small_fixture() {
    let mut files = Vec::new();
    files_under(&repo("tests/fixtures"), &mut files);
    files.retain(|f| std::fs::metadata(f).is_ok_and(|m| m.len() <= 64 * 1024));
    files.sort();
    assert!(files.len() > 50, "the fixtures are the seed corpus");
    for f in &files {
        let bytes = std::fs::read(f).unwrap_or_else(|e| panic!("{}: {e}", f.display()));
        for (_, target) in harness::TARGETS {
            target(&bytes);
        }
    }
}

/// Found by fuzzing (the gzip target, 2 GB from 1.2 KB): an ApacheBench TSV
/// row whose time ends near `i64::MAX` µs stretched the time series until
/// their arithmetic wrapped and a bucket vector was sized from garbage. Such
/// a time is now left out, counted and said; the request still counts.
#[test]
fn a_timestamp_beyond_any_calendar_stays_out_of_the_timeline() {
    let text = "starttime\tseconds\tctime\tdtime\tttime\twait\n\
                Thu Jan 01 00:00:01 1970\t1550046280\t1\t2\t3\t1\n\
                Thu Jan 01 00:00:01 1970\t1550046280\t1\t2\t9200000000000000000\t1\n";
    let mut s = verdict_core::Session::new("ab.tsv", verdict_core::IngestOptions::default());
    s.feed(text.as_bytes()).unwrap_or_else(|e| panic!("{e}"));
    let summary = s.finish().unwrap_or_else(|e| panic!("{e}")).summary();
    assert_eq!(summary.requests, Some(2));
    assert!(summary.timeline.points.len() <= verdict_core::MAX_BUCKETS);
    assert!(
        summary
            .warnings
            .iter()
            .any(|w| w.starts_with("1 timestamps lay more than 3,000 years from 1970")),
        "{:?}",
        summary.warnings
    );
}
