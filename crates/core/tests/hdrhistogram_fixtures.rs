//! HdrHistogram `.hgrm` spectra and `.hlog` interval logs from public
//! repositories (tests/fixtures/hdrhistogram/README.md). Expected numbers come
//! from the files themselves, from HdrHistogram's own
//! `src/test/java/org/HdrHistogram/HistogramLogReaderWriterTest.java`, or from
//! decoding the V2 logs independently with the `hdrhistogram` crate.

mod fixture_reading;

use std::collections::BTreeMap;

use base64::Engine as _;
use fixture_reading::{close, error_everywhere, fixture, summary_everywhere};
use hdrhistogram::serialization::interval_log::{IntervalLogIterator, LogEntry};
use hdrhistogram::serialization::Deserializer;
use hdrhistogram::Histogram;
use verdict_core::summary::{ReportedBy, RunSummary};
use verdict_core::time::DurationUnit;
use verdict_core::{Format, IngestOptions};

fn read(file: &str) -> RunSummary {
    summary_everywhere(
        file,
        &fixture(&format!("hdrhistogram/{file}")),
        &IngestOptions::default(),
    )
}

// ---------------------------------------------------------------- .hgrm

#[test]
fn hgrm_12krps_reproduces_the_printed_spectrum() {
    for (file, count, mean, max, p50, p90, p95, min) in [
        (
            "HdrHistogram__HdrHistogram__12Krps",
            3_477_000,
            4.881,
            64.736,
            4.919,
            6.591,
            7.067,
            0.189,
        ),
        (
            "HdrHistogram__HdrHistogram__12Krps_CO",
            3_477_000,
            2.497,
            63.456,
            2.233,
            4.431,
            4.927,
            0.031,
        ),
    ] {
        let s = read(file);
        assert_eq!(s.format, Format::Hgrm);
        assert_eq!(s.reported_by, ReportedBy::Tool);
        assert_eq!(s.requests, Some(count));
        let l = s.latency_ms;
        assert_eq!(
            (l.min, l.mean, l.p50, l.p90, l.p95, l.max),
            (
                Some(min),
                Some(mean),
                Some(p50),
                Some(p90),
                Some(p95),
                Some(max)
            )
        );
        assert_eq!(
            (l.p99, l.p999),
            (None, None),
            "no row sits at exactly 99% or 99.9%"
        );
        assert!(
            s.warnings.iter().any(|w| w.contains("milliseconds")),
            "{:?}",
            s.warnings
        );
        let first = s.distribution.first().expect("rows");
        assert_eq!(
            (first.percentile, first.value_ms, first.count),
            (0.0, min, 1)
        );
        let last = s.distribution.last().expect("rows");
        assert_eq!((last.percentile, last.count), (100.0, count));
        assert!(s.distribution.windows(2).all(|w| w[0].count <= w[1].count));
    }
}

#[test]
fn hgrm_with_indented_footer() {
    let s = read("HdrHistogram__HdrHistogram__example1.txt");
    assert_eq!(s.requests, Some(475_109));
    assert_eq!(
        (s.latency_ms.mean, s.latency_ms.max, s.latency_ms.p50),
        (Some(25.048), Some(9420.8), Some(11.167))
    );
    assert_eq!(s.skipped_lines, 0);
}

#[test]
fn hgrm_without_footer_takes_the_last_row() {
    let s = read("HdrHistogram__HdrHistogram__example2.txt");
    assert_eq!(s.requests, Some(1_104_769));
    assert_eq!(
        (s.latency_ms.mean, s.latency_ms.max),
        (None, Some(1511.423))
    );
    assert_eq!(s.latency_ms.min, Some(0.017));
    assert_eq!(s.latency_ms.p50, Some(1418.239));
    assert_eq!(s.distribution.first().map(|p| p.count), Some(7));
}

#[test]
fn hgrm_unit_can_be_given() {
    let bytes = fixture("hdrhistogram/HdrHistogram__HdrHistogram__12Krps");
    let options = IngestOptions {
        hdr_unit: Some(DurationUnit::Seconds),
        ..IngestOptions::default()
    };
    let s = summary_everywhere("12Krps", &bytes, &options);
    assert_eq!(s.latency_ms.p50, Some(4919.0));
    assert!(s.warnings.iter().any(|w| w.contains("as requested")));
}

// ---------------------------------------------------------------- .hlog

/// The largest `Interval_Max` of a log, times `to_ms` (the writer's column unit in ms).
fn interval_max_column(file: &str, to_ms: f64) -> f64 {
    let text = String::from_utf8(fixture(&format!("hdrhistogram/{file}"))).expect("utf-8");
    text.lines()
        .filter(|l| l.contains(",HIST"))
        .map(|l| {
            let l = if l.starts_with("Tag=") {
                l.split_once(',').map_or(l, |(_, rest)| rest)
            } else {
                l
            };
            l.split(',')
                .nth(2)
                .and_then(|f| f.parse::<f64>().ok())
                .expect("Interval_Max")
        })
        .fold(0.0, f64::max)
        * to_ms
}

/// Our histograms count whole microseconds (a value recorded in nanoseconds
/// lands in the microsecond below it) with 3 significant digits; the
/// reference keeps nanoseconds at 3 digits. They agree to 1 µs plus the
/// width of a 3-digit bucket on either side.
fn same_to_the_microsecond(ours_ms: f64, reference_ms: f64) -> bool {
    (reference_ms - ours_ms).abs() <= 0.001 + 0.002 * reference_ms.abs()
}

fn timeline_total(s: &RunSummary) -> u64 {
    s.timeline.points.iter().map(|p| p.requests).sum()
}

fn common_hlog_checks(file: &str, s: &RunSummary, column_to_ms: f64, source_digits: u32) {
    assert_eq!(s.format, Format::Hlog);
    assert_eq!(s.reported_by, ReportedBy::Samples);
    assert_eq!(s.skipped_lines, 0, "{file}: {:?}", s.skipped_examples);
    assert_eq!(
        (s.errors, s.error_rate),
        (None, None),
        "histograms hold no failures"
    );
    assert_eq!(
        timeline_total(s),
        s.requests.unwrap_or(0),
        "{file}: every histogram is in the timeline"
    );
    // The writer's own Interval_Max column bounds our max within the source's precision.
    let column = interval_max_column(file, column_to_ms);
    let max = s.latency_ms.max.expect("max");
    let rel = 10f64.powi(-(source_digits as i32)) * 1.5;
    assert!(
        close(max, column, rel),
        "{file}: max {max} ms vs Interval_Max column {column} ms"
    );
}

/// HistogramLogReaderWriterTest.java: jHiccupV0Log, jHiccupV1Log and ycsbLog
/// assert the total count, p99.9 and max of the accumulated histogram (in the
/// recorded unit: ns for jHiccup, µs for YCSB).
#[test]
fn hlog_v0_v1_and_ycsb_match_hdrhistogram_s_own_test() {
    for (file, count, p999_ms, max_ms, digits) in [
        (
            "HdrHistogram__HdrHistogram__jHiccup-2.0.1.logV0.hlog",
            61_256,
            1_510_998_015.0 / 1e6,
            1_569_718_271.0 / 1e6,
            2,
        ),
        (
            "HdrHistogram__HdrHistogram__jHiccup-2.0.6.logV1.hlog",
            65_964,
            1_829_765_119.0 / 1e6,
            1_888_485_375.0 / 1e6,
            2,
        ),
        (
            "HdrHistogram__HdrHistogram__ycsb.logV1.hlog",
            300_056,
            1_214_463.0 / 1e3,
            1_546_239.0 / 1e3,
            3,
        ),
    ] {
        let s = read(file);
        assert_eq!(s.requests, Some(count), "{file}");
        let (p999, max) = (
            s.latency_ms.p999.expect("p999"),
            s.latency_ms.max.expect("max"),
        );
        // ns → whole µs costs at most 0.1% on top of the 3-digit buckets.
        assert!(
            close(p999, p999_ms, 0.002),
            "{file}: p99.9 {p999} vs {p999_ms}"
        );
        assert!(close(max, max_ms, 0.002), "{file}: max {max} vs {max_ms}");
        let column_to_ms = if file.contains("ycsb") { 1000.0 } else { 1.0 };
        common_hlog_checks(file, &s, column_to_ms, digits);
    }
    // YCSB records µs at 3 digits, exactly our histograms: no rounding at all.
    let ycsb = read("HdrHistogram__HdrHistogram__ycsb.logV1.hlog");
    assert_eq!(
        (ycsb.latency_ms.p999, ycsb.latency_ms.max),
        (Some(1214.463), Some(1546.239))
    );
    assert_eq!(
        ycsb.endpoints
            .iter()
            .map(|e| e.name.as_str())
            .collect::<Vec<_>>(),
        ["READ"]
    );
    assert!(ycsb
        .warnings
        .iter()
        .any(|w| w.contains("YCSB records microseconds")));
    assert_eq!(ycsb.start.as_deref(), Some("2015-08-03T14:52:59.290Z"));
}

/// Every histogram of a V2 log decoded with the `hdrhistogram` crate's own
/// log iterator and deserializer, added per tag (values in ns).
fn crate_reference(file: &str) -> BTreeMap<String, Histogram<u64>> {
    let bytes = fixture(&format!("hdrhistogram/{file}"));
    let mut per_tag: BTreeMap<String, Histogram<u64>> = BTreeMap::new();
    for entry in IntervalLogIterator::new(&bytes) {
        let Ok(LogEntry::Interval(interval)) = entry else {
            continue;
        };
        let raw = base64::engine::general_purpose::STANDARD
            .decode(interval.encoded_histogram())
            .expect("base64");
        let h: Histogram<u64> = Deserializer::new()
            .deserialize(&mut &raw[..])
            .expect("V2 histogram");
        let tag = interval
            .tag()
            .map_or("(untagged)".to_string(), |t| t.as_str().to_string());
        per_tag
            .entry(tag)
            .or_insert_with(|| Histogram::new(3).expect("3 digits"))
            .add(&h)
            .expect("auto-resize");
    }
    per_tag
}

#[test]
fn hlog_v2_matches_an_independent_decoding() {
    for file in [
        "HdrHistogram__HdrHistogram__jHiccup-2.0.7S.logV2.hlog",
        "HdrHistogram__HdrHistogram__tagged-Log.logV2.hlog",
        "HdrHistogram__HdrHistogram__tagged-non-monotonic.hlog",
    ] {
        let s = read(file);
        let reference = crate_reference(file);
        let mut all: Histogram<u64> = Histogram::new(3).expect("3 digits");
        for (tag, h) in &reference {
            all.add(h).expect("auto-resize");
            let e = s
                .endpoints
                .iter()
                .find(|e| &e.name == tag)
                .unwrap_or_else(|| panic!("{file}: no endpoint {tag}"));
            assert_eq!(e.requests, Some(h.len()), "{file} {tag}");
            for (q, ours) in [
                (0.5, e.latency_ms.p50),
                (0.9, e.latency_ms.p90),
                (0.99, e.latency_ms.p99),
                (0.999, e.latency_ms.p999),
            ] {
                let theirs = h.value_at_quantile(q) as f64 / 1e6;
                let ours = ours.expect("percentile");
                assert!(
                    same_to_the_microsecond(ours, theirs),
                    "{file} {tag} q{q}: {ours} vs {theirs}"
                );
            }
        }
        assert_eq!(s.endpoints.len(), reference.len(), "{file}");
        assert_eq!(s.requests, Some(all.len()), "{file}");
        for (q, ours) in [
            (0.5, s.latency_ms.p50),
            (0.95, s.latency_ms.p95),
            (0.999, s.latency_ms.p999),
        ] {
            let theirs = all.value_at_quantile(q) as f64 / 1e6;
            let ours = ours.expect("percentile");
            assert!(
                same_to_the_microsecond(ours, theirs),
                "{file} overall q{q}: {ours} vs {theirs}"
            );
        }
        common_hlog_checks(file, &s, 1.0, 2);
    }
}

#[test]
fn hlog_times_follow_the_java_reader() {
    // StartTime + relative timestamps: the run starts at StartTime + first timestamp.
    let v0 = read("HdrHistogram__HdrHistogram__jHiccup-2.0.1.logV0.hlog");
    assert_eq!(v0.start.as_deref(), Some("2015-08-06T14:06:01.341Z"));
    // Legend 1.01 says EndTimestamp, but the column is a length: 50.046 + 5.000 − 0.042.
    let old = read("HdrHistogram__HdrHistogram__hiccup.140623.1028.10646.hlog");
    assert_eq!(old.duration_s, Some(55.004));
    common_hlog_checks(
        "HdrHistogram__HdrHistogram__hiccup.140623.1028.10646.hlog",
        &old,
        1.0,
        2,
    );
    // No StartTime and small timestamps: relative, no wall-clock start.
    let relative = read("HdrHistogram__HdrHistogram__tagged-non-monotonic.hlog");
    assert_eq!(relative.start, None);
    assert_eq!(
        relative.duration_s,
        Some(8.005),
        "first start 0.127, last end 7.133 + 0.999"
    );
    // Absolute StartTimestamp (no StartTime header used): one 63.182 s interval.
    let py = read("HdrHistogram__HdrHistogram_py__raphael.hlog");
    assert_eq!(py.start.as_deref(), Some("2021-08-20T08:16:58.475Z"));
    assert_eq!(py.duration_s, Some(63.182));
    assert_eq!(py.requests, Some(140_003));
    common_hlog_checks("HdrHistogram__HdrHistogram_py__raphael.hlog", &py, 1.0, 2);
}

#[test]
fn hlog_unit_can_be_given() {
    let file = "HdrHistogram__HdrHistogram__tagged-non-monotonic.hlog";
    let bytes = fixture(&format!("hdrhistogram/{file}"));
    let default = read(file);
    let options = IngestOptions {
        hdr_unit: Some(DurationUnit::Micros),
        ..IngestOptions::default()
    };
    let micros = summary_everywhere(file, &bytes, &options);
    let (ns_based, us_based) = (
        default.latency_ms.p50.expect("p50"),
        micros.latency_ms.p50.expect("p50"),
    );
    assert!(
        same_to_the_microsecond(ns_based, us_based / 1000.0),
        "{ns_based} ms read as ns vs {us_based} ms read as µs"
    );
    assert!(micros.warnings.iter().any(|w| w.contains("as requested")));
}

#[test]
fn hlog_bad_lines_are_counted_not_fatal() {
    let good = fixture("hdrhistogram/HdrHistogram__HdrHistogram__tagged-non-monotonic.hlog");
    let text = String::from_utf8(good).expect("utf-8");
    let mut lines: Vec<String> = text.lines().map(String::from).collect();
    // Cut one payload short and garble another line entirely.
    let cut = lines[2].len() - 20;
    lines[2].truncate(cut);
    lines[4] = "Tag=B,0.5,not-a-number,1.0,HISTFAAA".to_string();
    let broken = lines.join("\n");
    let s = summary_everywhere("broken.hlog", broken.as_bytes(), &IngestOptions::default());
    assert_eq!(s.skipped_lines, 2);
    assert_eq!(s.skipped_examples[0].line, 3);
    assert!(
        s.skipped_examples[0].reason.contains("histogram"),
        "{:?}",
        s.skipped_examples
    );
    assert_eq!(s.endpoints.len(), 3);
}

#[test]
fn hlog_without_histograms_fails_clearly() {
    let header = b"#[Histogram log format version 1.2]\n\"StartTimestamp\",\"Interval_Length\",\"Interval_Max\",\"Interval_Compressed_Histogram\"\n";
    let e = error_everywhere("empty.hlog", header, &IngestOptions::default());
    assert_eq!(e.code(), "empty");
    assert!(e.to_string().contains("no interval histograms"), "{e}");
}
