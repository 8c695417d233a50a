//! JMeter result files as people keep them: a run killed mid-write,
//! Transaction Controllers, several runs appended to one JTL. Real files
//! from JMeter 2.13 (`tests/fixtures/jmeter/real_tx/`, see the README there).

mod support;

use support::{csv_records, read_everywhere, text};
use verdict_core::{Format, IngestOptions, Session};

/// Complete data rows of a CSV JTL (header dropped; a last line without a
/// line end dropped too).
fn complete_rows(raw: &str) -> Vec<Vec<String>> {
    let complete = match raw.ends_with('\n') {
        true => raw,
        false => &raw[..raw.rfind('\n').map_or(0, |i| i + 1)],
    };
    csv_records(complete, ',').into_iter().skip(1).collect()
}

#[test]
fn killed_run_skips_the_row_cut_mid_write_and_says_so() {
    // JMeter killed with SIGKILL: the file ends inside a row, at the end of
    // a write buffer.
    let raw = text("jmeter/real_tx/killed.jtl.gz");
    assert!(!raw.ends_with('\n'), "fixture must end mid-row");
    let rows = complete_rows(&raw);
    let s = read_everywhere("jmeter/real_tx/killed.jtl.gz", Format::JmeterCsv);
    assert_eq!(s.skipped_lines, 1);
    let last_line = raw.lines().count() as u64;
    assert_eq!(s.skipped_examples[0].line, last_line);
    assert!(
        s.warnings
            .iter()
            .any(|w| w.contains("cut while being written")),
        "{:?}",
        s.warnings
    );
    // The only rows without a code are the complete ones JMeter wrote so.
    let no_code = rows.iter().filter(|r| r[3].is_empty()).count() as u64;
    assert_eq!(s.status_codes.get("-").copied().unwrap_or(0), no_code);
    assert_eq!(s.requests, Some(rows.len() as u64));
}

#[test]
fn any_cut_inside_the_last_row_drops_only_that_row() {
    let raw = text("jmeter/real_tx/tx.jtl");
    let body = raw.trim_end_matches('\n');
    let last_start = body.rfind('\n').expect("rows") + 1;
    let whole = Session::read_all("tx.jtl", IngestOptions::default(), raw.as_bytes())
        .expect("reads")
        .summary();
    for cut in last_start + 1..body.len() {
        let piece = &raw.as_bytes()[..cut];
        let s = Session::read_all("tx.jtl", IngestOptions::default(), piece)
            .expect("reads")
            .summary();
        let fields = csv_records(&body[last_start..cut], ',')[0].len();
        if fields < 12 {
            assert_eq!(s.skipped_lines, 1, "cut at {cut}");
            assert_eq!(s.requests.map(|r| r + 1), whole.requests, "cut at {cut}");
        }
        assert_eq!(
            s.status_codes.get("-"),
            whole.status_codes.get("-"),
            "cut at {cut}"
        );
    }
}
