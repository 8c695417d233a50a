//! Share-link snapshots of real runs: they round-trip to the same numbers,
//! redaction leaves no name behind, and damaged, too-new or hostile texts
//! are refused with a clear error, never a panic.

mod fixture_reading;

use fixture_reading::fixture;
use std::io::Write;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hdrhistogram::Histogram;
use verdict_core::compare::Rng;
use verdict_core::compare::{compare, CompareOptions, Comparison};
use verdict_core::snapshot::{
    decode, describe, encode, encode_link, encode_with, EncodeOptions, Snapshot, SnapshotError,
    LINK_BUDGET,
};
use verdict_core::{IngestOptions, Run, Session};

fn read(rel: &str) -> Run {
    let name = rel.rsplit('/').next().unwrap_or(rel);
    Session::read_all(name, IngestOptions::default(), &fixture(rel)).expect("reads")
}

/// Runs from several tools, sample-based and tool-reported.
const FIXTURES: &[&str] = &[
    "k6/constant_vus/vus_010/run.json.gz",
    "k6/constant_vus/vus_200/run.json.gz",
    "k6/thresholds/run.json.gz",
    "k6/constant_vus/vus_010/summary.json",
    "jmeter/public/standard-errors.jtl.gz",
    "artillery/real/report.json",
    "hdrhistogram/HdrHistogram__HdrHistogram__jHiccup-2.0.7S.logV2.hlog",
];

fn buckets(h: &Histogram<u64>) -> Vec<(u64, u64)> {
    h.iter_recorded()
        .map(|v| (v.value_iterated_to(), v.count_at_value()))
        .collect()
}

fn assert_same_histogram(a: &Histogram<u64>, b: &Histogram<u64>, what: &str) {
    assert_eq!(buckets(a), buckets(b), "{what}");
    for q in [0.5, 0.9, 0.95, 0.99, 0.999] {
        assert_eq!(
            a.value_at_quantile(q),
            b.value_at_quantile(q),
            "{what} q{q}"
        );
    }
}

#[test]
fn real_runs_round_trip_to_the_same_numbers() -> Result<(), SnapshotError> {
    for rel in FIXTURES {
        let run = read(rel);
        let snapshot = Snapshot::of_runs([&run])?;
        let text = encode_with(&snapshot, EncodeOptions::default())?;
        assert!(text.starts_with("vd1."), "{rel}");
        let back = decode(&text)?;
        let (a, b) = (&snapshot.runs[0], &back.runs[0]);
        // Every number of the summary, to the bit (f64 fields compare exactly),
        // the percentile distribution included although it is recomputed.
        assert_eq!(a.summary, b.summary, "{rel}");
        match (&a.overall, &b.overall) {
            (Some(x), Some(y)) => assert_same_histogram(x, y, rel),
            (None, None) => {}
            _ => panic!("{rel}: histogram presence differs"),
        }
        assert_eq!(a.endpoints.len(), b.endpoints.len(), "{rel}");
        for (x, y) in a.endpoints.iter().zip(&b.endpoints) {
            assert_same_histogram(x, y, rel);
        }
        eprintln!("{rel}: {} characters", text.len());
    }
    Ok(())
}

/// A share link keeps every number the shared page shows: counts and
/// percentiles of each run and endpoint exactly, the distribution at every
/// other point, the timeline at its own windows when it fits.
#[test]
fn links_keep_every_number_the_shared_page_shows() -> Result<(), SnapshotError> {
    for rel in FIXTURES {
        let run = read(rel);
        let snapshot = Snapshot::of_runs([&run])?;
        let link = encode_link(&snapshot)?;
        assert!(link.text.starts_with("vd2."), "{rel}");
        assert!(link.within_budget, "{rel}: {} characters", link.text.len());
        let (a, b) = (
            &snapshot.runs[0].summary,
            &decode(&link.text)?.runs[0].summary,
        );
        let without = |s: &verdict_core::RunSummary| {
            let mut s = s.clone();
            s.distribution.clear();
            s
        };
        assert_eq!(without(a), without(b), "{rel}");
        if !link.thinned_distributions {
            assert_eq!(a, b, "{rel}: a link that fits keeps every number");
        }
        assert!(
            b.distribution.iter().all(|p| a.distribution.contains(p)),
            "{rel}: a distribution point that is not the analysis's"
        );
        assert_eq!(b.distribution.last(), a.distribution.last(), "{rel}");
        assert!(b.distribution.len() * 2 >= a.distribution.len(), "{rel}");
        eprintln!("{rel}: link {} characters", link.text.len());
    }
    Ok(())
}

/// Five runs of ten endpoints each (real k6 runs at five VU levels), with
/// the capacity answer: one link under the budget a chat message takes.
#[test]
fn five_runs_of_ten_endpoints_share_in_one_short_link() -> Result<(), SnapshotError> {
    use verdict_core::capacity::{
        analyse, levels_from_runs, parse_target, CapacityOptions, PlateauOptions, Scenario,
    };
    let runs: Vec<Run> = ["vus_005", "vus_010", "vus_020", "vus_040", "vus_080"]
        .iter()
        .map(|d| read(&format!("k6/ten_endpoints/{d}/run.json.gz")))
        .collect();
    assert!(runs.iter().all(|r| r.summary().endpoints.len() == 10));
    let levels = levels_from_runs(&runs, &PlateauOptions::default(), &[]).expect("levels");
    let report = analyse(
        levels,
        &CapacityOptions {
            target: parse_target("p95<100ms").expect("target"),
            scenario: Scenario::default(),
        },
    );
    let mut snapshot = Snapshot::of_runs(&runs)?;
    for (i, r) in snapshot.runs.iter_mut().enumerate() {
        r.summary.source = format!(
            "run.json.gz · {} VUs · 15:2{i}",
            r.summary.peak_concurrency.unwrap_or(0.0)
        );
    }
    snapshot.capacity = Some(serde_json::json!({
        "target": report.target.to_string(),
        "load": report.load.label(),
        "answer": report.answer,
    }));
    let link = encode_link(&snapshot)?;
    assert!(
        link.text.len() <= LINK_BUDGET,
        "{} characters (budget {LINK_BUDGET})",
        link.text.len()
    );
    let back = decode(&link.text)?;
    assert_eq!(back.capacity, snapshot.capacity);
    for (a, b) in snapshot.runs.iter().zip(&back.runs) {
        assert_eq!(a.summary.source, b.summary.source);
        assert_eq!(a.summary.endpoints, b.summary.endpoints);
        assert_eq!(a.summary.latency_ms, b.summary.latency_ms);
    }
    eprintln!(
        "5 runs x 10 endpoints: {} characters, timeline in at most {} windows",
        link.text.len(),
        link.timeline_windows
    );
    Ok(())
}

/// Runs too many for the budget at their own resolution get their timelines
/// merged into wider windows, exactly: counts add up, and each window's
/// percentiles lie within the run's range.
#[test]
fn a_timeline_merged_for_a_link_adds_up() -> Result<(), SnapshotError> {
    let runs: Vec<Run> = [
        "jmeter/public/BatchTestLocal.jtl",
        "k6/ramping/run.csv.gz",
        "k6/constant_vus/vus_200/run.json.gz",
    ]
    .iter()
    .map(|rel| read(rel))
    .collect();
    let full = Snapshot::of_runs(&runs)?;
    let link = encode_link(&full)?;
    assert!(link.merged_timelines > 0, "{} characters", link.text.len());
    let back = decode(&link.text)?;
    for (a, b) in full.runs.iter().zip(&back.runs) {
        let (ta, tb) = (&a.summary.timeline, &b.summary.timeline);
        assert!(tb.points.len() <= ta.points.len().max(link.timeline_windows));
        let sum = |t: &verdict_core::summary::TimelineSummary| -> (u64, u64) {
            t.points
                .iter()
                .fold((0, 0), |(n, e), p| (n + p.requests, e + p.errors))
        };
        assert_eq!(sum(ta), sum(tb), "{}", a.summary.source);
        let (min, max) = (
            a.summary.latency_ms.min.unwrap_or(0.0),
            a.summary.latency_ms.max.unwrap_or(f64::INFINITY),
        );
        for p in &tb.points {
            for v in [p.p50_ms, p.p95_ms, p.p99_ms].into_iter().flatten() {
                assert!(v >= min && v <= max, "{}: {v}", a.summary.source);
            }
        }
    }
    eprintln!(
        "merged into at most {} windows: {} characters",
        link.timeline_windows,
        link.text.len()
    );
    Ok(())
}

#[test]
fn a_comparison_travels_with_its_runs() -> Result<(), SnapshotError> {
    let (a, b) = (
        read("k6/constant_vus/vus_100/run.json.gz"),
        read("k6/constant_vus/vus_200/run.json.gz"),
    );
    let c = compare(&a, &b, &CompareOptions::default()).expect("compares");
    let mut snapshot = Snapshot::of_runs([&a, &b])?;
    snapshot.comparison = Some(serde_json::to_value(&c).expect("serialises"));
    snapshot.sla_rules = Some(serde_json::json!({"rules": ["p95 < 300ms"]}));
    let back = decode(&encode(&snapshot)?)?;
    let c2: Comparison =
        serde_json::from_value(back.comparison.clone().expect("comparison")).expect("reads");
    assert_eq!(c2, c);
    assert_eq!(back.sla_rules, snapshot.sla_rules);
    assert_eq!(back.runs.len(), 2);
    Ok(())
}

#[test]
fn redaction_leaves_no_name_or_host_and_keeps_the_numbers() -> Result<(), SnapshotError> {
    let (a, b) = (
        read("k6/constant_vus/vus_100/run.json.gz"),
        read("k6/constant_vus/vus_200/run.json.gz"),
    );
    let c = compare(&a, &b, &CompareOptions::default()).expect("compares");
    let mut snapshot = Snapshot::of_runs([&a, &b])?;
    snapshot.comparison = Some(serde_json::to_value(&c).expect("serialises"));
    snapshot.verdicts = Some(
        serde_json::json!({"GET /api/search": "fail", "note": "see https://grafana.internal.example.com/d/x"}),
    );
    let text = encode(&snapshot.redacted()?)?;
    let back = decode(&text)?;
    assert!(back.redacted);
    let shown = describe(&back).to_string();
    let names: Vec<String> = a
        .summary()
        .endpoints
        .iter()
        .map(|e| e.name.clone())
        .collect();
    for name in names.iter().chain([&a.source]) {
        assert!(!shown.contains(name.as_str()), "{name} survived redaction");
    }
    assert!(!shown.contains("grafana"), "a host survived redaction");
    assert!(shown.contains("endpoint-1") && shown.contains("run-1") && shown.contains("host-1"));
    // The same endpoint has the same placeholder in both runs and the comparison.
    let placeholder = |s: &verdict_core::RunSummary, i: usize| s.endpoints[i].name.clone();
    assert_eq!(
        placeholder(&back.runs[0].summary, 0),
        placeholder(&back.runs[1].summary, 0)
    );
    let c2: Comparison =
        serde_json::from_value(back.comparison.expect("comparison")).expect("reads");
    assert!(c2
        .endpoints
        .iter()
        .any(|r| r.name == placeholder(&back.runs[0].summary, 0)));
    // Numbers are untouched.
    let (orig, red) = (&snapshot.runs[1].summary, &back.runs[1].summary);
    assert_eq!(orig.latency_ms, red.latency_ms);
    assert_eq!(orig.requests, red.requests);
    for (x, y) in orig.endpoints.iter().zip(&red.endpoints) {
        assert_eq!(x.latency_ms, y.latency_ms);
    }
    Ok(())
}

fn small_text() -> String {
    let run = read("k6/constant_vus/vus_010/run.json.gz");
    encode(&Snapshot::of_runs([&run]).expect("snapshot")).expect("encodes")
}

/// Wraps raw payload bytes the way `encode` does, so hostile payloads get
/// past the checksum and reach the parser.
fn wrap(payload: &[u8], version: &str) -> String {
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::fast());
    z.write_all(payload).expect("compresses");
    format!(
        "vd{version}.{}",
        URL_SAFE_NO_PAD.encode(z.finish().expect("compresses"))
    )
}

fn payload(text: &str) -> Vec<u8> {
    use std::io::Read;
    let body = text.split_once('.').map_or("", |(_, b)| b);
    let zipped = URL_SAFE_NO_PAD.decode(body).expect("base64");
    let mut out = Vec::new();
    flate2::read::ZlibDecoder::new(&zipped[..])
        .read_to_end(&mut out)
        .expect("inflates");
    out
}

#[test]
fn damaged_texts_are_refused() {
    let text = small_text();
    assert!(decode(&text).is_ok());
    assert!(
        decode(&format!("  #{text}\n")).is_ok(),
        "a fragment's # is fine"
    );
    // Every truncation.
    for cut in (0..text.len()).step_by(37) {
        assert!(decode(&text[..cut]).is_err(), "cut at {cut}");
    }
    // Every single-character change of the body.
    let original = decode(&text).expect("decodes");
    let mut unnoticed = 0;
    let body_start = 4;
    let alphabet = b"AZaz09-_";
    for (i, pos) in (body_start..text.len()).enumerate() {
        let mut bytes = text.clone().into_bytes();
        let c = alphabet[i % alphabet.len()];
        if bytes[pos] == c {
            continue;
        }
        bytes[pos] = c;
        let changed = String::from_utf8(bytes).expect("ascii");
        match decode(&changed) {
            Err(e) => assert!(matches!(e.code(), "damaged" | "invalid"), "{pos}: {e}"),
            // Only bits that carry no content may change unnoticed (the
            // zlib header's compression-level hint): then nothing changed.
            Ok(s) => {
                assert!(
                    s == original,
                    "position {pos}: a changed link decoded to other numbers"
                );
                unnoticed += 1;
            }
        }
    }
    assert!(unnoticed <= 2, "{unnoticed} harmless changes");
    // Characters outside base64url, and bytes after the stream.
    assert_eq!(
        decode(&format!("{text}*")).map_err(|e| e.code()),
        Err("damaged")
    );
    let mut trailing = payload(&text);
    trailing.push(0);
    assert!(decode(&wrap(&trailing, "1")).is_err());
}

#[test]
fn wrong_or_newer_versions_are_named() {
    let text = small_text();
    let body = &text[4..];
    for (t, code) in [
        (format!("vd3.{body}"), "too-new"),
        (format!("vd999999.{body}"), "too-new"),
        (format!("vd0.{body}"), "not-a-snapshot"),
        (format!("vdx.{body}"), "not-a-snapshot"),
        (format!("vd9999999999999999999999.{body}"), "not-a-snapshot"),
        (body.to_string(), "not-a-snapshot"),
        (String::new(), "not-a-snapshot"),
        ("<script>alert(1)</script>".to_string(), "not-a-snapshot"),
    ] {
        let e = decode(&t).expect_err("refused");
        assert_eq!(e.code(), code, "{t:.40}: {e}");
        assert!(!e.to_string().contains('<'), "messages never echo input");
    }
    // The inner version is checked too.
    let mut p = payload(&text);
    p[4] = 7;
    assert_eq!(decode(&wrap(&p, "1")).map_err(|e| e.code()), Err("too-new"));
}

#[test]
fn a_zip_bomb_is_refused_without_expanding_it() {
    // 64 MB of zeros compress to about 64 KB.
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    let zeros = vec![0u8; 1 << 20];
    for _ in 0..64 {
        z.write_all(&zeros).expect("compresses");
    }
    let text = format!(
        "vd1.{}",
        URL_SAFE_NO_PAD.encode(z.finish().expect("compresses"))
    );
    let started = std::time::Instant::now();
    let e = decode(&text).expect_err("refused");
    assert_eq!(e.code(), "too-large", "{e}");
    assert!(started.elapsed().as_secs() < 5);
    // An over-long text is refused before any decoding.
    let long = format!("vd1.{}", "A".repeat(3 << 20));
    assert_eq!(decode(&long).map_err(|e| e.code()), Err("too-large"));
}

#[test]
fn hostile_payloads_are_refused() {
    let text = small_text();
    let good = payload(&text);
    let header = b"VRDS\x01".to_vec();
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("empty", Vec::new()),
        ("magic only", b"VRDS".to_vec()),
        ("not an object", [header.clone(), vec![8, 0]].concat()),
        // {"runs": [1e9 items claimed]}
        (
            "huge claimed list",
            [
                header.clone(),
                vec![9, 1, 4],
                b"runs".to_vec(),
                vec![8, 0xff, 0xff, 0xff, 0x7f],
            ]
            .concat(),
        ),
        // {"runs": ["x"]}: a run that is not a summary
        (
            "bad run",
            [
                header.clone(),
                vec![9, 1, 4],
                b"runs".to_vec(),
                vec![8, 1, 7, 1, b'x'],
            ]
            .concat(),
        ),
    ];
    for (what, p) in cases {
        let e = decode(&wrap(&p, "1")).expect_err(what);
        assert!(matches!(e.code(), "damaged" | "invalid"), "{what}: {e}");
    }
    // A histogram that disagrees with the summary's request count.
    let mut tampered = good.clone();
    let last = tampered.len() - 1;
    tampered[last] = tampered[last].wrapping_add(1).max(1) & 0x7f;
    let e = decode(&wrap(&tampered, "1")).expect_err("count mismatch");
    assert!(matches!(e.code(), "damaged" | "invalid"), "{e}");
}

/// Random texts and random mutations of a real payload (re-wrapped so they
/// pass the checksum and reach the parser): decoding returns, never panics,
/// and whatever it accepts encodes again.
#[test]
fn fuzzed_inputs_never_panic() {
    let text = small_text();
    let good = payload(&text);
    let mut rng = Rng::new(0xf022);
    let mut accepted = 0;
    for round in 0..3000 {
        let input = match round % 3 {
            0 => {
                let n = rng.below(200);
                let bytes: Vec<u8> = (0..n).map(|_| rng.next_u64() as u8).collect();
                if round % 2 == 0 {
                    wrap(&bytes, "1")
                } else {
                    String::from_utf8_lossy(&bytes).into_owned()
                }
            }
            _ => {
                let mut p = good.clone();
                for _ in 0..1 + rng.below(4) {
                    match rng.below(4) {
                        0 => {
                            let i = rng.below(p.len());
                            p[i] ^= 1 << rng.below(8);
                        }
                        1 => {
                            let i = rng.below(p.len());
                            p[i] = rng.next_u64() as u8;
                        }
                        2 => {
                            let i = rng.below(p.len());
                            p.truncate(i);
                        }
                        _ => {
                            let i = rng.below(p.len() + 1);
                            p.insert(i, rng.next_u64() as u8);
                        }
                    }
                    if p.is_empty() {
                        break;
                    }
                }
                wrap(&p, "1")
            }
        };
        if let Ok(s) = decode(&input) {
            accepted += 1;
            assert!(encode(&s).is_ok(), "an accepted snapshot encodes again");
        }
    }
    eprintln!("{accepted} of 3000 fuzzed inputs decoded (mutations that stay valid)");
}

/// Terminal escapes in a run's texts are neutralised when the link is made,
/// so the link still opens (texts with control characters are refused).
#[test]
fn control_characters_are_replaced_when_encoding() -> Result<(), SnapshotError> {
    let mut run = read("k6/constant_vus/vus_010/run.json.gz");
    run.warn("\u{1b}[31mred\u{7}");
    let back = decode(&encode(&Snapshot::of_runs([&run])?)?)?;
    let warning = back.runs[0]
        .summary
        .warnings
        .iter()
        .find(|w| w.contains("red"))
        .cloned()
        .unwrap_or_default();
    assert_eq!(warning, "\u{fffd}[31mred\u{fffd}");
    Ok(())
}

/// A stored analysis (with its time blocks) compares exactly as the runs it
/// came from: the browser can compare runs it no longer holds.
#[test]
fn stored_analyses_compare_like_the_runs() -> Result<(), SnapshotError> {
    use verdict_core::compare::compare_snapshots;
    use verdict_core::snapshot::{encode_with, EncodeOptions};
    let (a, b) = (
        read("k6/constant_vus/vus_050/run.json.gz"),
        read("k6/constant_vus/vus_200/run.json.gz"),
    );
    let direct = compare(&a, &b, &CompareOptions::default()).expect("compares");
    let keep = EncodeOptions { time_blocks: true };
    let stored = |r: &Run| -> Result<_, SnapshotError> {
        let text = encode_with(&Snapshot::of_runs([r])?, keep)?;
        Ok(decode(&text)?.runs.remove(0))
    };
    let (sa, sb) = (stored(&a)?, stored(&b)?);
    assert_eq!(
        sa.blocks.len(),
        a.timeline.buckets().filter(|b| b.requests > 0).count()
    );
    let again = compare_snapshots(&sa, &sb, &CompareOptions::default()).expect("compares");
    assert_eq!(again, direct);
    // Share links leave the blocks out.
    let link = decode(&encode(&Snapshot::of_runs([&a])?)?)?;
    assert!(link.runs[0].blocks.is_empty());
    Ok(())
}
