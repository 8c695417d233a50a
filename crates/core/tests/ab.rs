//! ApacheBench `-g` fixtures against their rows and ab's own summary.

mod fixture_reading;

use fixture_reading::{check_reference, read_everywhere, text, Sample};
use verdict_core::formats::AB_ENDPOINT as ENDPOINT;
use verdict_core::Format;

fn reference(rel: &str) -> Vec<Sample> {
    text(rel)
        .lines()
        .skip(1)
        .map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            Sample {
                name: ENDPOINT.into(),
                ms: f[4].parse().expect("ttime"),
                failed: false,
            }
        })
        .collect()
}

#[test]
fn local_run_matches_rows_and_abs_summary() {
    let rel = "ab/local/run.tsv";
    let s = read_everywhere(rel, Format::AbGnuplot);
    check_reference(&s, &reference(rel));
    // ab's stdout: "Complete requests: 300" and "100% 29 (longest request)".
    let stdout = text("ab/local/stdout.txt");
    let number_after = |key: &str| -> f64 {
        let line = stdout
            .lines()
            .find(|l| l.trim_start().starts_with(key))
            .expect(key);
        line.trim_start()[key.len()..]
            .split_whitespace()
            .next()
            .expect("value")
            .parse()
            .expect("number")
    };
    assert_eq!(s.requests, Some(number_after("Complete requests:") as u64));
    assert_eq!(s.latency_ms.max, Some(number_after("100%")));
}

#[test]
fn taurus_file_matches_rows() {
    let rel = "ab/taurus-ab.tsv";
    let s = read_everywhere(rel, Format::AbGnuplot);
    check_reference(&s, &reference(rel));
    assert_eq!(s.start.as_deref(), Some("2016-03-01T10:13:23.000Z"));
}
