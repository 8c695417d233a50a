//! Result files in a legacy encoding (Windows-1251, GBK: what JMeter and
//! Locust write on a Windows machine with such a locale) keep every row:
//! counts and percentiles equal the UTF-8 file's, names that differ stay
//! distinct, and one warning says so.

mod fixture_reading;

use fixture_reading::{fixture, summary_everywhere};
use verdict_core::IngestOptions;

const PAIRS: [(&str, &str); 3] = [
    (
        "legacy_encoding/jmeter_cp1251.jtl",
        "legacy_encoding/jmeter_cp1251.utf8.jtl",
    ),
    (
        "legacy_encoding/jmeter_gbk.jtl",
        "legacy_encoding/jmeter_gbk.utf8.jtl",
    ),
    (
        "legacy_encoding/locust_cp1251_stats.csv",
        "legacy_encoding/locust_cp1251_stats.utf8.csv",
    ),
];

#[test]
fn every_row_is_kept_and_names_stay_distinct() {
    let options = IngestOptions::default();
    for (legacy, utf8) in PAIRS {
        let want = summary_everywhere(utf8, &fixture(utf8), &options);
        let got = summary_everywhere(legacy, &fixture(legacy), &options);
        assert_eq!(got.format, want.format, "{legacy}");
        assert_eq!(got.requests, want.requests, "{legacy}");
        assert_eq!(got.errors, want.errors, "{legacy}");
        assert_eq!(got.latency_ms, want.latency_ms, "{legacy}");
        assert_eq!(got.skipped_lines, 0, "{legacy}");
        assert_eq!(
            got.endpoints.len(),
            want.endpoints.len(),
            "{legacy}: names merged"
        );
        // Endpoint by endpoint (names differ: the legacy bytes are escaped).
        let mut g: Vec<_> = got
            .endpoints
            .iter()
            .map(|e| (e.requests, e.latency_ms))
            .collect();
        let mut w: Vec<_> = want
            .endpoints
            .iter()
            .map(|e| (e.requests, e.latency_ms))
            .collect();
        let key = |x: &(Option<u64>, verdict_core::summary::LatencyMs)| {
            (x.0, x.1.p50.map(|v| (v * 1000.0) as i64))
        };
        g.sort_by_key(key);
        w.sort_by_key(key);
        assert_eq!(g, w, "{legacy}");
        let escaped = got
            .endpoints
            .iter()
            .filter(|e| e.name.contains("\\x"))
            .count();
        assert!(escaped >= 1, "{legacy}: no escaped name");
        let warnings: Vec<&String> = got
            .warnings
            .iter()
            .filter(|w| w.contains("not valid UTF-8"))
            .collect();
        assert_eq!(warnings.len(), 1, "{legacy}: {:?}", got.warnings);
        assert!(want.warnings.iter().all(|w| !w.contains("UTF-8")), "{utf8}");
    }
}
