//! Every fixture of the HdrHistogram, wrk, hey-text, oha, autocannon and
//! generic-csv readers, cut short at many points and garbled, read with the
//! format forced: the reader must return a result or an error, never panic.

mod fixture_reading;

use fixture_reading::{fixture, read};
use verdict_core::formats::generic_csv::{CsvColumn, CsvMapping, TimestampMarks};
use verdict_core::time::DurationUnit;
use verdict_core::{Format, IngestOptions};

const FILES: &[(&str, Format)] = &[
    (
        "hdrhistogram/HdrHistogram__HdrHistogram__12Krps",
        Format::Hgrm,
    ),
    (
        "hdrhistogram/HdrHistogram__HdrHistogram__example2.txt",
        Format::Hgrm,
    ),
    (
        "hdrhistogram/HdrHistogram__HdrHistogram__jHiccup-2.0.1.logV0.hlog",
        Format::Hlog,
    ),
    (
        "hdrhistogram/HdrHistogram__HdrHistogram__jHiccup-2.0.6.logV1.hlog",
        Format::Hlog,
    ),
    (
        "hdrhistogram/HdrHistogram__HdrHistogram__jHiccup-2.0.7S.logV2.hlog",
        Format::Hlog,
    ),
    (
        "hdrhistogram/HdrHistogram__HdrHistogram_py__raphael.hlog",
        Format::Hlog,
    ),
    ("wrk/c10_plain/stdout.txt", Format::Wrk),
    (
        "wrk2/polis-mail-ru__2020-highload-dht__allocGet.md",
        Format::Wrk,
    ),
    ("hey_text/c10_text/stdout.txt", Format::HeyText),
    ("k6_text/v1_color_s/stdout.txt", Format::K6Text),
    ("k6_text/legacy/stdout.txt", Format::K6Text),
    ("jmeter_text/jmeter.log", Format::JmeterSummariser),
    ("artillery/overload/stdout.txt", Format::ArtilleryText),
    ("locust_text/stderr.txt", Format::LocustText),
    ("ab_text/stdout.txt", Format::AbText),
    ("generic_csv/jmeter/results.jtl", Format::GenericCsv),
];

fn options(format: Format) -> IngestOptions {
    let csv_mapping = (format == Format::GenericCsv).then(|| CsvMapping {
        latency: CsvColumn::Name("elapsed".into()),
        latency_unit: DurationUnit::Millis,
        timestamp: Some(CsvColumn::Position(1)),
        timestamp_unit: None,
        timestamp_marks: TimestampMarks::Start,
        label: Some(CsvColumn::Name("label".into())),
        status: Some(CsvColumn::Name("responseCode".into())),
        success: None,
    });
    IngestOptions {
        format: Some(format),
        csv_mapping,
        ..IngestOptions::default()
    }
}

#[test]
fn cut_and_garbled_inputs_never_panic() {
    for (file, format) in FILES {
        let bytes = fixture(file);
        let options = options(*format);
        let step = (bytes.len() / 40).max(1);
        for cut in (0..bytes.len()).step_by(step) {
            let _ = read("input", &bytes[..cut], &options, 4096);
            // Flip one byte in the middle of what is left.
            let mut garbled = bytes[..cut].to_vec();
            if let Some(b) = garbled.get_mut(cut / 2) {
                *b ^= 0x5a;
            }
            let _ = read("input", &garbled, &options, 7);
        }
    }
}

#[test]
fn any_reader_given_the_wrong_file_fails_or_warns_but_never_panics() {
    let forced = [
        Format::Hgrm,
        Format::Hlog,
        Format::Wrk,
        Format::HeyText,
        Format::K6Text,
        Format::JmeterSummariser,
        Format::ArtilleryText,
        Format::LocustText,
        Format::AbText,
        Format::OhaJson,
        Format::AutocannonJson,
        Format::GenericCsv,
    ];
    for (file, _) in FILES {
        let bytes = fixture(file);
        for format in forced {
            let _ = read("input", &bytes, &options(format), 4096);
        }
    }
}
