//! Files saved as UTF-16 with a byte-order mark (Windows PowerShell's `>`
//! and `Out-File` write that) read exactly as their UTF-8 originals, in
//! chunks of any size, plain or gzipped.

mod fixture_reading;

use std::io::Write;

use fixture_reading::{fixture, summary_everywhere};
use verdict_core::IngestOptions;

/// Real tools' text outputs, as a user would have redirected them.
const TEXT_FIXTURES: [&str; 7] = [
    "jmeter/real/results.jtl",
    "jmeter/public/unicode.jtl",
    "hey/c10/run.csv",
    "hey_text/c10_text/stdout.txt",
    "locust/real/run_stats.csv",
    "artillery/real/report.json",
    "k6/constant_vus/vus_010/summary.json",
];

fn utf16(text: &str, little_endian: bool) -> Vec<u8> {
    let mut out = if little_endian {
        vec![0xFF, 0xFE]
    } else {
        vec![0xFE, 0xFF]
    };
    for unit in text.encode_utf16() {
        out.extend(if little_endian {
            unit.to_le_bytes()
        } else {
            unit.to_be_bytes()
        });
    }
    out
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(bytes).expect("gzip in memory");
    gz.finish().expect("gzip in memory")
}

#[test]
fn a_utf16_file_reads_as_its_utf8_original() {
    let options = IngestOptions::default();
    for name in TEXT_FIXTURES {
        let bytes = fixture(name);
        let text = String::from_utf8(bytes.clone()).expect("fixture is UTF-8");
        let want = summary_everywhere(name, &bytes, &options);
        for little_endian in [true, false] {
            let encoded = utf16(&text, little_endian);
            for (how, input) in [("plain", encoded.clone()), ("gzipped", gzip(&encoded))] {
                let mut got = summary_everywhere(name, &input, &options);
                got.source.clone_from(&want.source);
                assert!(
                    got == want,
                    "{name} as UTF-16 ({}, {how}) reads differently",
                    if little_endian { "LE" } else { "BE" }
                );
            }
        }
    }
}

#[test]
fn a_file_of_one_byte_is_not_taken_for_utf16() {
    // One byte cannot hold a BOM: it reaches detection untouched (and fails there).
    let err = fixture_reading::read("x", &[0xFF], &IngestOptions::default(), 1)
        .expect_err("one byte is no run");
    assert!(!err.to_string().is_empty());
}
