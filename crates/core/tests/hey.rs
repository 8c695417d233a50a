//! hey `-o csv` fixtures against their truth.json.

mod fixture_reading;

use fixture_reading::{check_truth, read_everywhere};
use verdict_core::formats::HEY_ENDPOINT as ENDPOINT;
use verdict_core::Format;

#[test]
fn hey_runs_match_truth() {
    for run in ["c10", "c50"] {
        let s = read_everywhere(&format!("hey/{run}/run.csv"), Format::HeyCsv);
        // The CSV does not name the URL; truth.json calls it "GET /api/items".
        check_truth(&s, &format!("hey/{run}/truth.json"), |_| {
            ENDPOINT.to_string()
        });
        assert_eq!(s.start, None, "hey times are relative to the test start");
        assert!(s.warnings.is_empty(), "{:?}", s.warnings);
        // truth's span_s runs from the test start (offset 0); ours from
        // the first request's start, a few milliseconds later.
        let truth: serde_json::Value =
            serde_json::from_str(&fixture_reading::text(&format!("hey/{run}/truth.json")))
                .expect("truth");
        let span = truth["overall"]["span_s"].as_f64().expect("span_s");
        let d = s.duration_s.expect("duration");
        assert!(d <= span && d > span - 0.05, "{d} vs {span}");
    }
}
