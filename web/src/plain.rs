//! Verdicts said as sentences for people who do not read statistics:
//! "p95 of GET /api/items is 257 ms, above the 200 ms limit, with 95%
//! confidence". The numbers behind them stay in the table's details.

use verdict_core::sla::pct;
use verdict_core::sla::render::{needed_is_per_window, value};
use verdict_core::sla::OVERALL;
use verdict_core::sla::{Basis, Outcome, Verdict};

/// The statistic as people say it.
fn statistic(s: &str) -> String {
    match s {
        "p50" => "the median (p50)".into(),
        "mean" => "the mean".into(),
        "max" => "the slowest request".into(),
        "min" => "the fastest request".into(),
        "error_rate" => "the error rate".into(),
        "rps" => "throughput".into(),
        "requests" | "count" => "the request count".into(),
        other => other.to_string(),
    }
}

/// Which requests the verdict is about.
fn requests(endpoint: &str) -> String {
    if endpoint == OVERALL {
        "all requests".into()
    } else {
        endpoint.to_string()
    }
}

/// How the estimate stands to the limit: "above", "below", …
fn side(v: &Verdict, limit: f64) -> &'static str {
    let Some(e) = v.estimate else { return "at" };
    if e > limit {
        "above"
    } else if e < limit {
        "below"
    } else {
        "at"
    }
}

/// The limit as a value in the verdict's unit (falls back to the text as
/// written). A limit is a number someone chose: "10 s", not "10.000 s".
fn limit_shown(v: &Verdict) -> String {
    match v.limit_ms.or(v.limit) {
        Some(l) => without_trailing_zeros(&value(&v.unit, l)),
        None => v.limit_text.clone(),
    }
}

/// `10.000 s` → `10 s`, `0.500%` → `0.5%`, `141.2 ms` unchanged.
fn without_trailing_zeros(shown: &str) -> String {
    let end = shown
        .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '-'))
        .unwrap_or(shown.len());
    let (number, rest) = shown.split_at(end);
    if !number.contains('.') {
        return shown.to_string();
    }
    let number = number.trim_end_matches('0').trim_end_matches('.');
    format!("{number}{rest}")
}

/// One sentence for a verdict.
pub fn sentence(v: &Verdict) -> String {
    let what = format!("{} of {}", statistic(&v.statistic), requests(&v.endpoint));
    let what = capitalise(&what);
    if v.basis == Basis::NoData || v.estimate.is_none() {
        return match &v.reason {
            Some(r) => format!("{what}: no verdict ({r})."),
            None => format!("{what}: no data to judge."),
        };
    }
    let estimate = v.estimate.map_or("—".into(), |e| value(&v.unit, e));
    let limit = limit_shown(v);
    let at = v.limit_ms.or(v.limit).map_or("at", |l| side(v, l));
    // A windowed rule reads `… every 1m` in the canonical rule text.
    let windowed = v.rule.contains(" every ");
    let confidence = pct(v.confidence);
    match (v.verdict, v.basis) {
        (Outcome::Inconclusive, _) => {
            let range = match (v.ci_low, v.ci_high) {
                (Some(a), Some(b)) => format!(
                    " (it could be anywhere from {} to {})",
                    value(&v.unit, a),
                    value(&v.unit, b)
                ),
                _ => String::new(),
            };
            let decide = match (v.needed_n, v.n) {
                (Some(need), _) if needed_is_per_window(v) => format!(
                    " About {} requests in each window would decide it.",
                    crate::display::count(need)
                ),
                (Some(need), Some(n)) if n > 0 => format!(
                    " {} would decide it, if the share of slow or failed requests stays the same.",
                    more_requests(need, n)
                ),
                (Some(need), _) => format!(
                    " About {} requests would decide it.",
                    crate::display::count(need)
                ),
                (None, _) => {
                    " It sits on the limit: more requests will not decide it; the limit or the system has to move."
                        .into()
                }
            };
            format!("{what} is {estimate}, too close to the {limit} limit to call with {confidence}% confidence{range}.{decide}")
        }
        (o, Basis::Interval) => {
            let verb = if o == Outcome::Pass {
                "within"
            } else {
                "breaking"
            };
            if windowed && o == Outcome::Fail {
                let broke = v
                    .windows
                    .iter()
                    .filter(|w| w.verdict == Outcome::Fail)
                    .count();
                format!("{what} is {estimate}, but it breaks the {limit} limit in {broke} of {} time windows, with {confidence}% confidence.", v.windows.len())
            } else {
                format!("{what} is {estimate}, {at} the {limit} limit ({verb} it), with {confidence}% confidence.")
            }
        }
        (_, Basis::Observed) => {
            format!("{what} was {estimate}, {at} the {limit} limit (as observed in this run).")
        }
        (_, Basis::ToolReported) => format!(
            "{what} is {estimate} by the tool's own summary, {at} the {limit} limit (no interval: the tool reports one number)."
        ),
        (_, Basis::NoData) => format!("{what}: no data to judge."),
    }
}

/// "about twice as many requests (≈ 12,000)".
fn more_requests(need: u64, now: u64) -> String {
    let ratio = need as f64 / now as f64;
    let how = if ratio < 1.15 {
        "A few more requests".to_string()
    } else if ratio < 1.75 {
        "About half as many requests again".to_string()
    } else if ratio < 2.5 {
        "About twice as many requests".to_string()
    } else if ratio < 100.0 {
        format!("About {} times as many requests", ratio.round())
    } else {
        "More than a hundred times as many requests".to_string()
    };
    format!("{how} (≈ {} in all)", crate::display::count(need))
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// When the k6-style number differs from the estimate: which is which.
pub fn two_definitions(v: &Verdict) -> Option<String> {
    let (point, estimate) = (v.point_estimate?, v.estimate?);
    if v.basis != Basis::Interval || (point - estimate).abs() <= 1e-9 * estimate.abs().max(1.0) {
        return None;
    }
    Some(format!(
        "Two definitions: the {} shown is the nearest-rank value of the recorded requests; k6 interpolates between ranks and gets {}{}. The verdict uses the interval around the former.",
        v.statistic,
        value(&v.unit, point),
        match v.point_verdict {
            Some(p) if p != v.verdict => format!(", which alone would say {}", p.upper()),
            _ => String::new(),
        }
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;
    use verdict_core::sla::{evaluate, parse_rule, Sla};
    use verdict_core::{IngestOptions, Session};

    fn verdicts(rules: &[&str]) -> Vec<Verdict> {
        let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../tests/fixtures/k6/thresholds/run.json.gz");
        let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let mut s = Session::new("run.json.gz", IngestOptions::default());
        s.feed(&bytes).unwrap_or_else(|e| panic!("{e}"));
        let run = s.finish().unwrap_or_else(|e| panic!("{e}"));
        let sla = Sla {
            title: None,
            rules: rules
                .iter()
                .map(|r| parse_rule(r).unwrap_or_else(|e| panic!("{r}: {e:?}")))
                .collect(),
        };
        evaluate(&sla, &run)
    }

    #[test]
    fn a_limit_reads_as_it_was_chosen() {
        assert_eq!(without_trailing_zeros("10.000 s"), "10 s");
        assert_eq!(without_trailing_zeros("1.000 ms"), "1 ms");
        assert_eq!(without_trailing_zeros("0.500%"), "0.5%");
        assert_eq!(without_trailing_zeros("141.2 ms"), "141.2 ms");
        assert_eq!(without_trailing_zeros("200 ms"), "200 ms");
        assert_eq!(without_trailing_zeros("75.0/s"), "75/s");
    }

    #[test]
    fn each_outcome_reads_as_a_sentence_with_its_endpoint_limit_and_confidence() {
        // Limits far on either side of the real run, and one set at its own estimate.
        let found = verdicts(&["endpoint \"GET /api/search\" p95 < 10s"]);
        let at = found[0].estimate.unwrap_or_default();
        let all = verdicts(&[
            "endpoint \"GET /api/search\" p95 < 10s",
            "endpoint \"GET /api/search\" p95 < 1ms",
            &format!("endpoint \"GET /api/search\" p95 < {at}ms"),
        ]);
        let by = |o| all.iter().find(|v| v.verdict == o).map(sentence);
        let pass = by(Outcome::Pass).unwrap_or_default();
        assert!(pass.starts_with("P95 of GET /api/search is "), "{pass}");
        assert!(
            pass.contains("below the 10 s limit") && pass.contains("with 95% confidence"),
            "{pass}"
        );
        let fail = by(Outcome::Fail).unwrap_or_default();
        assert!(
            fail.contains("above the 1 ms limit (breaking it)"),
            "{fail}"
        );
        let undecided = by(Outcome::Inconclusive).unwrap_or_default();
        assert!(
            undecided.contains("too close to the") && undecided.contains("could be anywhere from"),
            "{undecided}"
        );
        assert!(undecided.contains("decide"), "{undecided}");
    }

    #[test]
    fn more_requests_says_how_many_in_words() {
        assert!(more_requests(2000, 1000).starts_with("About twice as many"));
        assert!(more_requests(1500, 1000).starts_with("About half as many requests again"));
        assert!(more_requests(5000, 1000).starts_with("About 5 times"));
        assert!(more_requests(5000, 1000).contains("≈ 5,000"));
        assert!(more_requests(5927, 381).starts_with("About 16 times"));
        assert!(more_requests(500_000, 381).starts_with("More than a hundred"));
    }
}
