//! Real files cut short or damaged are read as far as they go and marked
//! `partial` with the reason; the same files whole are not. Each case cuts a
//! real tool's output in memory, as a copy stopped mid-write would be.

mod fixture_reading;

use std::io::Read;

use fixture_reading::{fixture, read, CHUNKINGS};
use verdict_core::{IngestOptions, RunSummary};

/// Real outputs with one record per request.
const FILES: &[&str] = &[
    "k6/constant_vus/vus_010/run.json.gz",
    "jmeter/public/BatchTestLocal.jtl",
    "jmeter/public/resource_tc.jtl",
    "jmeter/public/kpi1.jtl",
    "gatling/gatling-3-000.simulation.log",
    "vegeta/tomelia-results.bin",
];

/// The file's bytes, decompressed when gzipped (so a cut is a cut of the text).
fn plain(relative: &str) -> Vec<u8> {
    let bytes = fixture(relative);
    if !relative.ends_with(".gz") {
        return bytes;
    }
    let mut out = Vec::new();
    flate2::read::MultiGzDecoder::new(&bytes[..])
        .read_to_end(&mut out)
        .unwrap_or_else(|e| panic!("{relative}: {e}"));
    out
}

fn summary(name: &str, bytes: &[u8], chunk: usize) -> RunSummary {
    match read(name, bytes, &IngestOptions::default(), chunk) {
        Ok(run) => run.summary(),
        Err(e) => panic!("{name}: {e}"),
    }
}

#[test]
fn whole_files_are_not_partial() {
    for rel in FILES {
        let s = summary(rel, &fixture(rel), usize::MAX);
        assert!(!s.partial, "{rel}: {:?}", s.partial_reason);
        assert_eq!(s.partial_reason, None, "{rel}");
    }
}

#[test]
fn a_file_cut_mid_record_is_partial_with_the_reason() {
    for rel in FILES {
        let whole = plain(rel);
        let n_whole = summary(rel, &whole, usize::MAX).requests.unwrap_or(0);
        // Five bytes into the first line after half-way: the record's first
        // field is cut. (A cut that leaves a last CSV row that still reads
        // as a whole row cannot be told from a whole file: see
        // docs/partial-input.md.)
        let mid = whole.len() / 2;
        let cut = whole[mid..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(mid, |p| mid + p + 1 + 5)
            .min(whole.len() - 1);
        for chunk in CHUNKINGS {
            let s = summary(rel, &whole[..cut], chunk);
            assert!(s.partial, "{rel} cut at {cut} (chunks of {chunk})");
            let why = s.partial_reason.clone().unwrap_or_default();
            assert!(!why.is_empty(), "{rel}");
            let n = s.requests.unwrap_or(0);
            assert!(n > 0 && n < n_whole, "{rel}: {n} of {n_whole}");
        }
    }
}

#[test]
fn a_gzip_stream_cut_short_is_partial() {
    let gz = fixture("k6/constant_vus/vus_010/run.json.gz");
    for cut in [gz.len() / 4, gz.len() / 2, gz.len() - 9] {
        let s = summary("run.json.gz", &gz[..cut], 4096);
        assert!(s.partial, "cut at {cut}");
        assert!(
            s.partial_reason
                .as_deref()
                .is_some_and(|w| w.contains("gzip")),
            "{:?}",
            s.partial_reason
        );
    }
}

#[test]
fn an_unreadable_line_inside_the_file_makes_it_partial() {
    let mut text = plain("k6/constant_vus/vus_010/run.json.gz");
    // Garble one request's line in the middle (its opening brace).
    let mid = text.len() / 2;
    let start = mid
        + text[mid..]
            .iter()
            .position(|&b| b == b'\n')
            .unwrap_or_else(|| panic!("no newline after the middle"))
        + 1;
    text[start] = b'#';
    let s = summary("run.json", &text, 4096);
    assert!(s.partial);
    let why = s.partial_reason.unwrap_or_default();
    assert!(why.contains("1 line could not be read"), "{why}");
    assert_eq!(s.skipped_lines, 1);
}

#[test]
fn a_k6_file_cut_inside_a_line_of_a_metric_it_ignores_is_partial() {
    let text = plain("k6/constant_vus/vus_010/run.json.gz");
    let mid = text.len() / 2;
    let needle = b"{\"metric\":\"http_req_waiting\"";
    let at = text[mid..]
        .windows(needle.len())
        .position(|w| w == needle)
        .unwrap_or_else(|| panic!("no http_req_waiting line after the middle"));
    let cut = mid + at + needle.len() + 10;
    let s = summary("run.json", &text[..cut], 4096);
    assert!(s.partial);
    let why = s.partial_reason.unwrap_or_default();
    assert!(why.contains("ends in the middle of a line"), "{why}");
}

#[test]
fn a_merge_with_a_cut_file_is_partial_and_names_that_file() {
    let whole = fixture("k6/constant_vus/vus_010/run.json.gz");
    let cut = fixture("k6/cut/mid_line.json.gz");
    let read_run = |name: &str, bytes: &[u8]| {
        read(name, bytes, &IngestOptions::default(), 4096).unwrap_or_else(|e| panic!("{name}: {e}"))
    };
    let mut merged = read_run("whole.json.gz", &whole);
    merged.merge(&read_run("whole-again.json.gz", &whole));
    assert!(!merged.summary().partial);
    merged.merge(&read_run("cut.json.gz", &cut));
    let s = merged.summary();
    assert!(s.partial);
    let why = s.partial_reason.unwrap_or_default();
    assert!(why.starts_with("cut.json.gz: "), "{why}");
    assert!(!why.contains("whole"), "{why}");
}

/// Two public JMeter XML results that end without `</testResults>` (JMeter
/// stopped before it closed them) are partial, with JMeter's cut named.
#[test]
fn public_jmeter_xml_files_that_stop_before_their_end_are_partial() {
    for rel in [
        "jmeter/public/error-bug1.jtl.gz",
        "jmeter/public/standard-errors.jtl.gz",
    ] {
        let s = summary(rel, &fixture(rel), 4096);
        assert!(s.partial, "{rel}");
        let why = s.partial_reason.unwrap_or_default();
        assert!(why.contains("before </testResults>"), "{rel}: {why}");
    }
}
