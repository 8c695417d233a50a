//! A file read in parts (one per thread in the CLI) merges into exactly the
//! run one pass gives: over many split points on real files, with skipped
//! lines named by their true line number, and quoted fields that span lines.

use std::io::Read;
use std::path::Path;

use verdict_core::options::{CsvColumn, CsvMapping, TimestampMarks};
use verdict_core::split::{SplitError, SplitPlan, PLAN_PREFIX};
use verdict_core::time::DurationUnit;
use verdict_core::{Format, IngestOptions, Run, Session};

fn fixture(rel: &str) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures")
        .join(rel);
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    if rel.ends_with(".gz") {
        let mut out = Vec::new();
        flate2::read::MultiGzDecoder::new(&bytes[..])
            .read_to_end(&mut out)
            .expect("gzip fixture");
        out
    } else {
        bytes
    }
}

/// The first `n` lines of `bytes` (the fixtures' own rows, fewer of them).
fn first_lines(bytes: &[u8], n: usize) -> Vec<u8> {
    let end = memchr::memchr_iter(b'\n', bytes)
        .nth(n - 1)
        .map_or(bytes.len(), |i| i + 1);
    bytes[..end].to_vec()
}

/// A small deterministic generator (xorshift64*), so failures reproduce.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

fn plan(name: &str, options: &IngestOptions, bytes: &[u8]) -> SplitPlan {
    let prefix = &bytes[..bytes.len().min(PLAN_PREFIX)];
    SplitPlan::new(name, options, prefix, prefix.len() == bytes.len())
        .unwrap_or_else(|| panic!("{name} should be splittable"))
}

/// Reads `bytes` as parts starting at `starts` (0 first), each fed in
/// chunks of random sizes.
fn read_parts(
    plan: &SplitPlan,
    bytes: &[u8],
    starts: &[usize],
    rng: &mut Rng,
) -> Result<Run, SplitError> {
    let mut parts = Vec::new();
    for (i, &from) in starts.iter().enumerate() {
        let to = starts.get(i + 1).copied().unwrap_or(bytes.len());
        let mut part = plan.part(from == 0);
        let mut at = from;
        while at < to {
            let n = (1 + rng.below(70_000)).min(to - at);
            part.feed(&bytes[at..at + n]);
            at += n;
        }
        parts.push(part.finish());
    }
    plan.merge(parts)
}

/// Line starts (offsets just after a newline) inside `bytes`.
fn line_starts(bytes: &[u8]) -> Vec<usize> {
    memchr::memchr_iter(b'\n', bytes)
        .map(|i| i + 1)
        .filter(|&i| i < bytes.len())
        .collect()
}

fn json(run: &Run) -> String {
    serde_json::to_string_pretty(&run.summary()).expect("summary serialises")
}

/// Many random sets of split points: every merge equals one pass.
fn same_as_one_pass(
    name: &str,
    options: IngestOptions,
    bytes: &[u8],
    format: Format,
    rounds: usize,
) {
    let one = Session::read_all(name, options.clone(), bytes).expect("one pass reads it");
    let want = json(&one);
    let plan = plan(name, &options, bytes);
    assert_eq!(plan.format(), format, "{name}");
    let starts = line_starts(bytes);
    assert!(starts.len() > 2, "{name}: too few lines to split");
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15 ^ bytes.len() as u64);
    for round in 0..rounds {
        let k = 1 + rng.below(7.min(starts.len()));
        let mut cut: Vec<usize> = (0..k).map(|_| starts[rng.below(starts.len())]).collect();
        cut.sort_unstable();
        cut.dedup();
        let mut all = vec![0];
        all.extend(cut);
        let got = read_parts(&plan, bytes, &all, &mut rng)
            .unwrap_or_else(|e| panic!("{name} round {round} split at {all:?}: {e}"));
        assert_eq!(json(&got), want, "{name} round {round} split at {all:?}");
    }
}

fn mapping() -> IngestOptions {
    IngestOptions {
        csv_mapping: Some(CsvMapping {
            latency: CsvColumn::Name("elapsed".into()),
            latency_unit: DurationUnit::Millis,
            timestamp: Some(CsvColumn::Name("timeStamp".into())),
            timestamp_unit: None,
            timestamp_marks: TimestampMarks::Start,
            label: Some(CsvColumn::Name("label".into())),
            status: Some(CsvColumn::Name("responseCode".into())),
            success: Some(CsvColumn::Name("success".into())),
        }),
        ..IngestOptions::default()
    }
}

#[test]
fn k6_ndjson_parts_merge_exactly() {
    let bytes = first_lines(&fixture("k6/constant_vus/vus_010/run.json.gz"), 3000);
    same_as_one_pass(
        "run.json",
        IngestOptions::default(),
        &bytes,
        Format::K6Ndjson,
        40,
    );
}

#[test]
fn jmeter_csv_parts_merge_exactly() {
    let bytes = first_lines(&fixture("jmeter/real/results.jtl"), 2500);
    same_as_one_pass(
        "results.jtl",
        IngestOptions::default(),
        &bytes,
        Format::JmeterCsv,
        40,
    );
}

#[test]
fn hey_csv_parts_merge_exactly() {
    let bytes = fixture("hey/c10/run.csv");
    same_as_one_pass(
        "run.csv",
        IngestOptions::default(),
        &bytes,
        Format::HeyCsv,
        40,
    );
}

#[test]
fn vegeta_k6_csv_and_ab_parts_merge_exactly() {
    let vegeta = fixture("vegeta/taurus-vegeta_kpi.csv");
    same_as_one_pass(
        "kpi.csv",
        IngestOptions::default(),
        &vegeta,
        Format::VegetaCsv,
        20,
    );
    let k6 = fixture("k6/public/Blazemeter__taurus__k6_kpi.csv");
    same_as_one_pass("kpi.csv", IngestOptions::default(), &k6, Format::K6Csv, 20);
    let ab = fixture("ab/taurus-ab.tsv");
    same_as_one_pass(
        "ab.tsv",
        IngestOptions::default(),
        &ab,
        Format::AbGnuplot,
        20,
    );
}

#[test]
fn generic_csv_parts_merge_exactly() {
    let bytes = first_lines(&fixture("generic_csv/jmeter/results.jtl"), 2500);
    same_as_one_pass("results.csv", mapping(), &bytes, Format::GenericCsv, 40);
}

/// A broken row in the second part is named by its line in the file.
#[test]
fn a_skipped_line_in_a_later_part_keeps_its_line_number() {
    let real = first_lines(&fixture("jmeter/real/results.jtl"), 1200);
    let mut lines: Vec<&[u8]> = real.split_inclusive(|&b| b == b'\n').collect();
    // Line 900 (1-based) loses its elapsed value: one pass skips it.
    let broken =
        b"1795311676454,not-a-number,GET /api/items,200,OK,users 1-2,text,true,,1433,4,4,135,88\n";
    lines[899] = broken;
    let bytes: Vec<u8> = lines.concat();
    let one = Session::read_all("results.jtl", IngestOptions::default(), &bytes).expect("reads");
    assert_eq!(one.diagnostics.examples.first().map(|e| e.line), Some(900));
    let plan = plan("results.jtl", &IngestOptions::default(), &bytes);
    let starts = line_starts(&bytes);
    // Parts start at lines 301 and 601 and 1001: line 900 lies in the third.
    let all = [0, starts[299], starts[599], starts[999]];
    let merged = read_parts(&plan, &bytes, &all, &mut Rng(7)).expect("merges");
    assert_eq!(merged.diagnostics.skipped_lines, 1);
    assert_eq!(
        merged.diagnostics.examples.first().map(|e| e.line),
        Some(900)
    );
    assert_eq!(json(&merged), json(&one));
}

/// A quoted label holding a newline: a split inside it is refused (the file
/// is read again in one pass); splits elsewhere merge exactly.
#[test]
fn a_quoted_field_across_lines_is_never_split() {
    let real = first_lines(&fixture("jmeter/real/results.jtl"), 400);
    let mut lines: Vec<Vec<u8>> = real
        .split_inclusive(|&b| b == b'\n')
        .map(<[u8]>::to_vec)
        .collect();
    lines[200] = b"1795311676454,135,\"GET /api/items\nsecond line of the label\",200,OK,users 1-2,text,true,,1433,4,4,135,88\n".to_vec();
    let bytes = lines.concat();
    let one = Session::read_all("results.jtl", IngestOptions::default(), &bytes).expect("reads");
    assert!(one.endpoints.iter().any(|e| e.name.contains('\n')));
    let plan = plan("results.jtl", &IngestOptions::default(), &bytes);
    let starts = line_starts(&bytes);
    // starts[199] is line 201, the record's first line; starts[200] is its second.
    let inside = [0, starts[200]];
    assert!(matches!(
        read_parts(&plan, &bytes, &inside, &mut Rng(3)),
        Err(SplitError::ReadAgain(_))
    ));
    for at in [starts[199], starts[201], starts[50], starts[350]] {
        let merged = read_parts(&plan, &bytes, &[0, at], &mut Rng(5)).expect("merges");
        assert_eq!(json(&merged), json(&one));
    }
}

/// Files that need one pass are not split.
#[test]
fn headerless_jmeter_and_documents_stay_whole() {
    let real = fixture("jmeter/real/results.jtl");
    let headerless = &real[memchr::memchr(b'\n', &real).expect("header") + 1..];
    let prefix = &headerless[..PLAN_PREFIX];
    assert!(SplitPlan::new("results.jtl", &IngestOptions::default(), prefix, false).is_none());
}

/// A file cut mid-line: only the last part is cut, and the merge says so
/// with the line and byte one pass names.
#[test]
fn a_file_cut_mid_line_merges_like_one_pass() {
    let k6 = first_lines(&fixture("k6/constant_vus/vus_010/run.json.gz"), 3000);
    let cut = &k6[..k6.len() - 40];
    same_as_one_pass(
        "run.json",
        IngestOptions::default(),
        cut,
        Format::K6Ndjson,
        20,
    );
    let one = Session::read_all("run.json", IngestOptions::default(), cut).expect("reads");
    assert!(
        !one.diagnostics.cut.is_empty(),
        "the fixture should read as cut"
    );
    let jtl = first_lines(&fixture("jmeter/real/results.jtl"), 2500);
    let cut = &jtl[..jtl.len() - 30];
    same_as_one_pass(
        "results.jtl",
        IngestOptions::default(),
        cut,
        Format::JmeterCsv,
        20,
    );
}

/// A JMeter file in a legacy encoding: one pass warns once, naming the
/// first line that is not UTF-8; so does the merge, wherever it splits.
#[test]
fn the_not_utf8_warning_is_said_once_with_the_first_line() {
    let bytes = fixture("legacy_encoding/jmeter_cp1251.jtl");
    let one =
        Session::read_all("jmeter_cp1251.jtl", IngestOptions::default(), &bytes).expect("reads");
    assert_eq!(
        one.diagnostics
            .warnings
            .iter()
            .filter(|w| w.contains("not valid UTF-8"))
            .count(),
        1
    );
    same_as_one_pass(
        "jmeter_cp1251.jtl",
        IngestOptions::default(),
        &bytes,
        Format::JmeterCsv,
        40,
    );
}
