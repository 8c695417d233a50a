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
