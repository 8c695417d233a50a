//! Analysis files (`.verdict`) of real runs: they read back as the run they
//! were saved from (summaries, histograms, time blocks, per-endpoint
//! windows), merge like the raw files, are detected from their content, and
//! damaged or foreign bytes are refused with an error, never a panic.

mod fixture_reading;

use fixture_reading::fixture;
use verdict_core::saved::{self, SavedError};
use verdict_core::snapshot::SnapshotRun;
use verdict_core::{Format, IngestOptions, Run, Session};

fn read(rel: &str) -> Run {
    let name = rel.rsplit('/').next().unwrap_or(rel);
    Session::read_all(name, IngestOptions::default(), &fixture(rel)).expect("reads")
}

/// Runs from several tools: per-request samples, a tool's own summary,
/// histogram logs, files without failures or with relative times.
const FIXTURES: &[&str] = &[
    "k6/constant_vus/vus_010/run.json.gz",
    "k6/ramping/run.json.gz",
    "k6/ramping/run.csv.gz",
    "k6/thresholds/run.json.gz",
    "k6/constant_vus/vus_010/summary.json",
    "jmeter/public/standard-errors.jtl.gz",
    // Transaction Controller samples, and a cut file: both survive saving.
    "jmeter/real_tx/tx.jtl",
    "jmeter/real_tx/tx.xml",
    "k6/cut/mid_line.json.gz",
    "artillery/real/report.json",
    "hdrhistogram/HdrHistogram__HdrHistogram__jHiccup-2.0.7S.logV2.hlog",
];

/// Endpoint, start, width, requests, errors and latency buckets of a window.
type Window = (String, i64, i64, u64, u64, Vec<(u64, u64)>);

fn windows(run: &Run) -> Vec<Window> {
    let mut out = Vec::new();
    for e in &run.endpoints {
        e.windows.visit(|w| {
            out.push((
                e.name.to_string(),
                w.start_us,
                w.width_us,
                w.requests,
                w.errors,
                w.hist
                    .iter_recorded()
                    .map(|v| (v.value_iterated_to(), v.count_at_value().into()))
                    .collect(),
            ))
        });
    }
    out
}

/// Through bytes and back, as a command would read the file.
fn through_file(run: &Run, name: &str) -> Run {
    let bytes = saved::save(run).expect("saves");
    assert!(saved::is_analysis(&bytes));
    let mut s = Session::new(name, IngestOptions::default());
    for c in bytes.chunks(1000) {
        s.feed(c).expect("feeds");
    }
    s.finish().expect("reads back")
}

#[test]
fn a_saved_run_reads_back_as_the_same_run() {
    for rel in FIXTURES {
        let run = read(rel);
        // Named like any result file: the content decides.
        let back = through_file(&run, "results.json");
        assert_eq!(back.summary(), run.summary(), "{rel}");
        assert_eq!(back.format, run.format, "{rel}");
        assert_eq!(back.source, run.source, "{rel}");
        let (a, b) = (
            SnapshotRun::of(&run).expect("snapshot"),
            SnapshotRun::of(&back).expect("snapshot"),
        );
        assert_eq!(a, b, "{rel}: histograms and time blocks");
        assert_eq!(windows(&back), windows(&run), "{rel}: endpoint windows");
    }
}

#[test]
fn labels_and_sources_travel_and_merge() {
    let mut a = read("k6/constant_vus/vus_010/run.json.gz");
    a.meta.labels.insert("build".into(), "41".into());
    a.meta.labels.insert("env".into(), "staging".into());
    let mut b = read("k6/constant_vus/vus_025/run.json.gz");
    b.meta.labels.insert("build".into(), "42".into());
    b.meta.labels.insert("env".into(), "staging".into());
    let (_, meta) = saved::load(&saved::save(&a).expect("saves")).expect("loads");
    assert_eq!(meta.labels, a.meta.labels);
    assert_eq!(meta.tool, "k6-ndjson");
    assert_eq!(meta.start, a.summary().start);
    assert_eq!(meta.sources, vec!["run.json.gz".to_string()]);
    let mut merged = through_file(&a, "a.verdict");
    merged.merge(&through_file(&b, "b.verdict"));
    assert_eq!(merged.sources(), vec!["run.json.gz", "run.json.gz"]);
    // The builds differ, the environment is shared.
    assert_eq!(
        merged.meta.labels.get("env").map(String::as_str),
        Some("staging")
    );
    assert!(!merged.meta.labels.contains_key("build"));
    let mut raw = read("k6/constant_vus/vus_010/run.json.gz");
    raw.merge(&read("k6/constant_vus/vus_025/run.json.gz"));
    assert_eq!(merged.summary(), raw.summary());
    assert_eq!(windows(&merged), windows(&raw));
}

#[test]
fn the_format_is_detected_from_content_and_forcible() {
    let bytes = saved::save(&read("k6/constant_vus/vus_010/run.json.gz")).expect("saves");
    assert_eq!(
        verdict_core::detect("whatever.bin", &bytes, true),
        Ok(Format::Verdict)
    );
    let forced = IngestOptions {
        format: Some(Format::Verdict),
        ..IngestOptions::default()
    };
    assert!(Session::read_all("x", forced.clone(), &bytes).is_ok());
    // A result file forced as an analysis file is refused, not misread.
    let raw = fixture("k6/constant_vus/vus_010/run.json.gz");
    assert!(Session::read_all("x", forced, &raw).is_err());
}

#[test]
fn damaged_or_foreign_bytes_are_refused_without_panic() {
    let bytes = saved::save(&read("k6/thresholds/run.json.gz")).expect("saves");
    assert_eq!(saved::load(b"hello").err(), Some(SavedError::NotAnAnalysis));
    let mut newer = bytes.clone();
    newer[saved::MAGIC.len()] = saved::VERSION + 1;
    assert!(matches!(
        saved::load(&newer),
        Err(SavedError::TooNew { .. })
    ));
    // Every cut refuses (zlib's checksum and our counts catch it).
    for cut in (0..bytes.len()).step_by(97) {
        assert!(saved::load(&bytes[..cut]).is_err(), "cut at {cut}");
        let mut s = Session::new("cut.verdict", IngestOptions::default());
        let fed = s.feed(&bytes[..cut]);
        assert!(fed.is_err() || s.finish().is_err(), "cut at {cut}");
    }
    // Damage to the compressed bytes: refused, never a panic.
    for i in (saved::MAGIC.len() + 1..bytes.len()).step_by(53) {
        let mut bad = bytes.clone();
        bad[i] ^= 0x5a;
        assert!(saved::load(&bad).is_err(), "byte {i} flipped");
    }
    // Valid zlib around nonsense: checked field by field.
    for junk in [
        vec![0u8; 40],
        vec![9, 2, 7, 4, b'm', b'e', b't', b'a', 9, 0],
        (0..=255).collect(),
    ] {
        use std::io::Write;
        let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::fast());
        z.write_all(&junk).expect("compresses");
        let mut file = saved::MAGIC.to_vec();
        file.push(saved::VERSION);
        file.extend(z.finish().expect("compresses"));
        assert!(saved::load(&file).is_err());
    }
}
