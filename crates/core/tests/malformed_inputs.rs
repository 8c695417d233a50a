//! Damaged inputs never panic: every fixture of these formats, cut at many
//! points and with bytes overwritten, read with its format forced, gives a
//! run or an error.

mod fixture_reading;

use verdict_core::{Format, IngestOptions, Session};

const FIXTURES: [(&str, Format); 10] = [
    ("jmeter/real/results.jtl", Format::JmeterCsv),
    ("jmeter/public/tabs.jtl", Format::JmeterCsv),
    ("jmeter/public/resource_tc.jtl", Format::JmeterXml),
    ("jmeter/public/nonstandard-unicode.jtl", Format::JmeterXml),
    ("gatling/gatling-302-000.simulation.log", Format::GatlingLog),
    (
        "gatling/gatling-8-314.simulation.log",
        Format::GatlingBinary,
    ),
    ("hey/c10/run.csv", Format::HeyCsv),
    ("vegeta/taurus-vegeta_kpi.csv", Format::VegetaCsv),
    ("vegeta/tomelia-results.bin", Format::VegetaGob),
    ("ab/taurus-ab.tsv", Format::AbGnuplot),
];

fn read(data: &[u8], format: Format) {
    let mut s = Session::new(
        "input",
        IngestOptions {
            format: Some(format),
            ..IngestOptions::default()
        },
    );
    for c in data.chunks(997) {
        if s.feed(c).is_err() {
            return;
        }
    }
    let _ = s.finish();
}

#[test]
fn cut_and_damaged_files_do_not_panic() {
    for (rel, format) in FIXTURES {
        let data = fixture_reading::fixture(rel);
        let data = &data[..data.len().min(64 * 1024)];
        let step = (data.len() / 40).max(1);
        for cut in (0..data.len()).step_by(step) {
            read(&data[..cut], format);
            let mut damaged = data.to_vec();
            for (i, b) in damaged.iter_mut().enumerate().skip(cut).step_by(97) {
                *b = (*b).wrapping_mul(31).wrapping_add(i as u8);
            }
            read(&damaged, format);
        }
        // Every other format's reader on this file, too.
        for other in Format::ALL {
            read(data, *other);
        }
    }
}
