//! Comparing real k6 runs: a saturated level against a lighter one, a run
//! against itself, and the false-alarm rate over many random splits of one
//! run into two halves.

mod fixture_reading;

use fixture_reading::fixture;
use std::collections::BTreeMap;
use std::io::Read;

use serde_json::Value;
use verdict_core::compare::binomial_at_least;
use verdict_core::compare::Rng;
use verdict_core::compare::{compare, CompareOptions, Comparison, Conclusion, Verdict};
use verdict_core::time::parse_rfc3339;
use verdict_core::{IngestOptions, Run, Session};

fn gunzip(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    flate2::read::MultiGzDecoder::new(bytes)
        .read_to_end(&mut out)
        .expect("valid gzip");
    out
}

fn read(name: &str, bytes: &[u8]) -> Run {
    Session::read_all(name, IngestOptions::default(), bytes).expect("reads")
}

fn level(vus: &str) -> Run {
    read(
        "input",
        &fixture(&format!("k6/constant_vus/vus_{vus}/run.json.gz")),
    )
}

fn truth_p95(vus: &str) -> f64 {
    let t: Value =
        serde_json::from_slice(&fixture(&format!("k6/constant_vus/vus_{vus}/truth.json")))
            .expect("truth.json");
    t["overall"]["percentiles_inverted_cdf"]["p95"]
        .as_f64()
        .expect("p95")
}

fn p95(c: &Comparison) -> &verdict_core::compare::QuantileComparison {
    c.overall
        .latency
        .iter()
        .find(|q| q.statistic == "p95")
        .expect("p95 row")
}

#[test]
fn saturated_level_is_a_regression_at_a_different_load() {
    let (base, cand) = (level("100"), level("200"));
    let c = compare(&base, &cand, &CompareOptions::default()).expect("compares");
    // At a different load the comparison gives no verdict of its own; its
    // rows keep theirs.
    assert_eq!(c.verdict, Conclusion::NotComparable);
    assert_eq!(c.rows_verdict, Verdict::Regression);
    assert_eq!(c.overall.verdict, Verdict::Regression);
    let q = p95(&c);
    assert_eq!(q.verdict, Verdict::Regression);
    let test = q.test.expect("tested");
    assert!(test.significant, "{test:?}");
    // The exact p95 of every raw sample (truth.json) changed by a ratio our
    // interval must hold, and the interval must lie clearly above 1.
    let truth_ratio = truth_p95("200") / truth_p95("100");
    let iv = q.ratio_interval.expect("interval");
    assert!(
        iv.low > 1.0 + c.options.latency_tolerance,
        "{iv:?} (truth ratio {truth_ratio})"
    );
    assert!(
        iv.low <= truth_ratio && truth_ratio <= iv.high,
        "{iv:?} vs {truth_ratio}"
    );
    assert!((q.change.baseline / truth_p95("100") - 1.0).abs() < 0.001);
    assert!((q.change.candidate / truth_p95("200") - 1.0).abs() < 0.001);
    // 100 VUs against 200: not like for like, and said so.
    assert!(!c.load.same_load);
    assert!(
        c.load.notes.iter().any(|n| n.contains("loads differ")),
        "{:?}",
        c.load.notes
    );
    assert_eq!(c.endpoints.len(), 6);
    assert!(c.only_in_baseline.is_empty() && c.only_in_candidate.is_empty());
    // The other way round, the same evidence reads as an improvement.
    let back = compare(&cand, &base, &CompareOptions::default()).expect("compares");
    assert_eq!(p95(&back).verdict, Verdict::Improvement);
    assert_eq!(back.regressions, 0);
}

/// A comparison stored before `comparable` and `headline` existed (an older
/// share link) still reads "not comparable" when its loads differed.
#[test]
fn an_older_comparison_without_a_headline_takes_it_from_its_load() {
    let o = CompareOptions::default();
    for (base, cand, comparable) in [("100", "200", false), ("100", "100", true)] {
        let c = compare(&level(base), &level(cand), &o).expect("compares");
        let mut v = serde_json::to_value(&c).expect("serialises");
        let doc = v.as_object_mut().expect("an object");
        doc.remove("comparable");
        doc.remove("headline");
        // Before `rows_verdict`, `verdict` was the rows' worst whatever the load.
        doc.remove("rows_verdict");
        doc.insert(
            "verdict".into(),
            serde_json::to_value(c.rows_verdict).expect("a verdict"),
        );
        let old = Comparison::from_json(v).expect("reads");
        assert_eq!(old.comparable, comparable, "{base} vs {cand}");
        assert_eq!(old.headline, c.headline, "{base} vs {cand}");
        assert_eq!(old, c);
    }
}

#[test]
fn a_run_compared_with_itself_shows_no_change() {
    for vus in ["010", "100", "200"] {
        let run = level(vus);
        let c = compare(&run, &run, &CompareOptions::default()).expect("compares");
        assert_eq!(c.regressions + c.improvements, 0, "vus {vus}");
        assert!(c.load.same_load);
        for row in c.rows() {
            for q in &row.latency {
                if let Some(t) = q.test {
                    // Fisher and cluster-robust tests give exactly 1; a
                    // permutation test puts the run at the centre of its
                    // permutations.
                    assert!(t.p_value > 0.5, "{} {}: {t:?}", row.name, q.statistic);
                    if let Some(n) = t.counts {
                        assert_eq!(n.baseline_count, n.candidate_count);
                    }
                }
                assert!(
                    matches!(
                        q.verdict,
                        Verdict::Equivalent
                            | Verdict::NoSignificantChange
                            | Verdict::InsufficientData
                    ),
                    "{} {}: {:?}",
                    row.name,
                    q.statistic,
                    q.verdict
                );
            }
        }
    }
}

#[test]
fn the_same_inputs_give_the_same_intervals() {
    let (a, b) = (level("050"), level("100"));
    let x = compare(&a, &b, &CompareOptions::default()).expect("compares");
    let y = compare(&a, &b, &CompareOptions::default()).expect("compares");
    assert_eq!(x, y);
}

/// The lines of a k6 NDJSON file that matter here, with the time block of
/// each request (None: a line both halves keep).
struct Lines {
    lines: Vec<(Option<i64>, Vec<u8>)>,
}

impl Lines {
    fn of(vus: &str) -> Lines {
        let text = gunzip(&fixture(&format!("k6/constant_vus/vus_{vus}/run.json.gz")));
        let mut lines = Vec::new();
        for line in text.split(|&b| b == b'\n') {
            let is = |m: &str| line.starts_with(format!("{{\"metric\":\"{m}\"").as_bytes());
            if is("http_req_duration") {
                let key = b"\"time\":\"";
                let at = line
                    .windows(key.len())
                    .position(|w| w == key)
                    .expect("time")
                    + key.len();
                let end = at + line[at..].iter().position(|&b| b == b'"').expect("end");
                let t = parse_rfc3339(&line[at..end]).expect("rfc3339");
                lines.push((Some(t), line.to_vec()));
            } else if line.starts_with(b"{\"type\":\"Metric\"")
                || is("vus")
                || is("iteration_duration")
            {
                lines.push((None, line.to_vec()));
            }
        }
        Lines { lines }
    }

    /// Two halves: each request goes to the half its `unit` (a time block
    /// or the request itself) drew.
    fn split(&self, rng: &mut Rng, block_us: Option<i64>) -> (Run, Run) {
        let mut halves = (Vec::new(), Vec::new());
        let mut coins = std::collections::HashMap::new();
        for (t, line) in &self.lines {
            let side = match (t, block_us) {
                (None, _) => None,
                (Some(t), Some(w)) => Some(
                    *coins
                        .entry(t.div_euclid(w))
                        .or_insert_with(|| rng.below(2) == 0),
                ),
                (Some(_), None) => Some(rng.below(2) == 0),
            };
            for (keep, half) in [
                (side != Some(false), &mut halves.0),
                (side != Some(true), &mut halves.1),
            ] {
                if keep {
                    half.extend_from_slice(line);
                    half.push(b'\n');
                }
            }
        }
        (read("a", &halves.0), read("b", &halves.1))
    }
}

/// Share of splits with any significant finding (after adjustment), and of
/// single tests with an unadjusted p-value ≤ alpha, per test method and
/// statistic.
struct Alarms {
    splits: u32,
    flagged: u32,
    per_test: BTreeMap<String, (u32, u32)>,
}

/// Splits one run into two halves many times at random and compares them.
fn false_alarms(vus: &str, block_us: Option<i64>, splits: u32) -> Alarms {
    let lines = Lines::of(vus);
    let options = CompareOptions {
        // Monte Carlo p-values are valid with any number of permutations;
        // fewer keep the loop quick.
        bootstrap_replicates: 500,
        ..CompareOptions::default()
    };
    let mut rng = Rng::new(0xfa15e);
    let mut alarms = Alarms {
        splits,
        flagged: 0,
        per_test: BTreeMap::new(),
    };
    for _ in 0..splits {
        let (a, b) = lines.split(&mut rng, block_us);
        let c = compare(&a, &b, &options).expect("compares");
        let mut flagged = false;
        for row in c.rows() {
            let tests = row
                .latency
                .iter()
                .filter_map(|q| q.test.map(|t| (q.statistic.as_str(), t)))
                .chain(row.error_rate.as_ref().map(|e| ("errors", e.test)));
            for (statistic, t) in tests {
                let key = format!("{:?} {statistic}", t.method);
                let entry = alarms.per_test.entry(key).or_default();
                entry.0 += u32::from(t.p_value <= options.alpha);
                entry.1 += 1;
                flagged |= t.significant;
            }
        }
        alarms.flagged += u32::from(flagged);
    }
    alarms
}

/// Over many random splits of one run into two halves (by one-second time
/// blocks, which keeps the dependence between requests, or request by
/// request), the share of splits with any "significant" finding must stay
/// within the stated level. Each kind of test's unadjusted rate must not be
/// credibly above it either: a test calibrated exactly at alpha lands
/// above alpha about half the time, so that check only fails on counts that
/// Bin(n, alpha) reaches with probability below 0.1%.
#[test]
fn false_alarms_stay_within_the_level() {
    let alpha = CompareOptions::default().alpha;
    for (vus, block, splits) in [
        ("200", Some(1_000_000), 200),
        ("100", Some(1_000_000), 300),
        ("050", Some(1_000_000), 100),
        ("100", None, 100),
    ] {
        let a = false_alarms(vus, block, splits);
        let family = f64::from(a.flagged) / f64::from(a.splits);
        eprintln!(
            "vus {vus}, split by {block:?}: any significant in {family:.3} of {splits} splits"
        );
        for (test, (hits, n)) in &a.per_test {
            let rate = f64::from(*hits) / f64::from(*n);
            let chance = binomial_at_least(f64::from(*hits), f64::from(*n), alpha);
            eprintln!(
                "  {test}: p ≤ {alpha} in {hits} of {n} ({rate:.3}; P(as many at rate {alpha}) = {chance:.3})"
            );
            assert!(
                chance > 0.001,
                "vus {vus}, blocks {block:?}, {test}: {rate}"
            );
        }
        assert!(family <= alpha, "vus {vus}, blocks {block:?}: {family}");
    }
}

/// HdrHistogram logs hold latencies only: their error rates are unknown, so
/// they are not compared (rather than shown as 0% against 0%).
#[test]
fn latency_only_inputs_compare_no_error_rates() {
    let dir = "hdrhistogram/HdrHistogram__HdrHistogram__";
    let a = read(
        "a.hlog",
        &fixture(&format!("{dir}jHiccup-2.0.7S.logV2.hlog")),
    );
    let b = read(
        "b.hlog",
        &fixture(&format!("{dir}jHiccup-2.0.6.logV1.hlog")),
    );
    let c = compare(&a, &b, &CompareOptions::default()).expect("compares");
    assert!(c.rows().all(|r| r.error_rate.is_none()));
    assert!(c
        .notes
        .iter()
        .any(|n| n.contains("error rates are not compared")));
    assert!(c.overall.latency.iter().any(|q| q.test.is_some()));
    // A significant verdict never contradicts the direction of the change.
    for q in c.overall.latency.iter() {
        match q.verdict {
            Verdict::Regression => assert!(q.change.candidate > q.change.baseline),
            Verdict::Improvement => assert!(q.change.candidate < q.change.baseline),
            _ => {}
        }
    }
}

/// Every k6 run file of the project's fixtures and, when present, of the
/// shared real runs (the same file found twice is read once).
fn every_k6_run() -> Vec<(String, Run)> {
    fn walk(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        let mut entries: Vec<_> = entries.filter_map(Result::ok).map(|e| e.path()).collect();
        entries.sort();
        for p in entries {
            if p.is_dir() {
                walk(&p, out);
            } else if p
                .file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("run.") && n.ends_with(".gz"))
            {
                out.push(p);
            }
        }
    }
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut dirs = vec![root.join("tests/fixtures/k6")];
    if let Ok(d) = std::env::var("VERDICT_REAL_FIXTURES") {
        dirs.push(std::path::PathBuf::from(d).join("k6"));
    }
    dirs.push(root.join("../shared/fixtures/real/k6"));
    dirs.push(std::path::PathBuf::from("/work/shared/fixtures/real/k6"));
    let mut files = Vec::new();
    for d in dirs {
        walk(&d, &mut files);
    }
    let mut seen = std::collections::HashSet::new();
    let mut runs = Vec::new();
    for f in files {
        let bytes = std::fs::read(&f).unwrap_or_else(|e| panic!("{}: {e}", f.display()));
        if seen.insert(bytes.clone()) {
            let name = f.display().to_string();
            let raw = gunzip(&bytes);
            let file = name.trim_end_matches(".gz").to_string();
            runs.push((name, read(&file, &raw)));
        }
    }
    runs
}

/// Over every ordered pair of real k6 runs, each statistic's verdict is
/// what its own interval says: a regression's interval lies above "no
/// change", an improvement's below, "no significant change" holds it,
/// "equivalent" lies within the tolerance, and "insufficient data" shows no
/// interval. The headline says "not comparable" exactly when the loads differ.
#[test]
fn no_verdict_contradicts_its_interval_over_every_pair_of_fixtures() {
    let runs = every_k6_run();
    assert!(runs.len() >= 8, "{} runs", runs.len());
    let o = CompareOptions::default();
    let band = (1.0 / (1.0 + o.latency_tolerance), 1.0 + o.latency_tolerance);
    let mut decided = 0;
    for (i, (na, a)) in runs.iter().enumerate() {
        for (j, (nb, b)) in runs.iter().enumerate() {
            if i == j {
                continue;
            }
            let c = compare(a, b, &o).expect("compares");
            let pair = format!("{na} → {nb}");
            assert_eq!(c.comparable, c.load.same_load, "{pair}");
            if c.comparable {
                assert_eq!(c.headline, c.verdict.as_str(), "{pair}");
                assert_eq!(c.verdict, Conclusion::of(c.rows_verdict, true), "{pair}");
            } else {
                assert_eq!(c.headline, "not comparable: the load differs", "{pair}");
                assert_eq!(c.verdict, Conclusion::NotComparable, "{pair}");
            }
            for row in c.rows() {
                for q in &row.latency {
                    let at = format!("{pair}: {} {}", row.name, q.statistic);
                    let Some(iv) = q.ratio_interval else {
                        assert_eq!(q.verdict, Verdict::InsufficientData, "{at}");
                        assert!(q.note.is_some(), "{at}: no reason given");
                        continue;
                    };
                    assert!(iv.low <= iv.high, "{at}: {iv:?}");
                    let confidence = q.confidence.expect("level");
                    assert!(confidence >= 1.0 - o.alpha - 1e-12, "{at}: {confidence}");
                    match q.verdict {
                        Verdict::Regression => assert!(iv.low > 1.0, "{at}: {iv:?}"),
                        Verdict::Improvement => assert!(iv.high < 1.0, "{at}: {iv:?}"),
                        Verdict::NoSignificantChange => {
                            assert!(iv.low <= 1.0 && 1.0 <= iv.high, "{at}: {iv:?}")
                        }
                        Verdict::Equivalent => {
                            assert!(iv.low >= band.0 && iv.high <= band.1, "{at}: {iv:?}")
                        }
                        Verdict::InsufficientData => panic!("{at}: an interval but no verdict"),
                    }
                    let t = q.test.expect("a test beside the interval");
                    assert_eq!(t.significant, iv.low > 1.0 || iv.high < 1.0, "{at}");
                    decided += usize::from(t.significant);
                }
                if let Some(e) = &row.error_rate {
                    let at = format!("{pair}: {} errors", row.name);
                    let iv = e.difference_interval;
                    assert!(iv.low <= e.change.absolute + 1e-12, "{at}: {iv:?}");
                    assert!(e.change.absolute <= iv.high + 1e-12, "{at}: {iv:?}");
                    match e.verdict {
                        Verdict::Regression => assert!(iv.low > 0.0, "{at}: {iv:?}"),
                        Verdict::Improvement => assert!(iv.high < 0.0, "{at}: {iv:?}"),
                        Verdict::NoSignificantChange => {
                            assert!(iv.low <= 0.0 && 0.0 <= iv.high, "{at}: {iv:?}")
                        }
                        Verdict::Equivalent => assert!(
                            iv.low >= -o.error_tolerance && iv.high <= o.error_tolerance,
                            "{at}: {iv:?}"
                        ),
                        Verdict::InsufficientData => panic!("{at}: tested but undecided"),
                    }
                    assert_eq!(e.test.significant, iv.low > 0.0 || iv.high < 0.0, "{at}");
                }
            }
        }
    }
    // Runs from 10 to 200 VUs differ: the check must have met decisions.
    assert!(decided > 0);
}

fn run_at(path: &str) -> Run {
    read("input", &fixture(&format!("k6/{path}/run.json.gz")))
}

fn endpoint_requests(path: &str, endpoint: &str) -> f64 {
    let t: Value =
        serde_json::from_slice(&fixture(&format!("k6/{path}/truth.json"))).expect("truth.json");
    t["endpoints"][endpoint]["count"].as_f64().expect("count")
}

/// A large change of an endpoint's p95 decides with fewer than a hundred
/// requests in the baseline: no fixed minimum holds it back, only the
/// interval, which lies wholly above ×1.
#[test]
fn a_large_endpoint_change_decides_with_few_requests() {
    let (a, b) = ("arrival_rate/rate_150", "arrival_rate/rate_350");
    let endpoint = "GET /api/analytics";
    let c = compare(&run_at(a), &run_at(b), &CompareOptions::default()).expect("compares");
    let row = c
        .endpoints
        .iter()
        .find(|r| r.name == endpoint)
        .expect("row");
    let q = row
        .latency
        .iter()
        .find(|q| q.statistic == "p95")
        .expect("p95");
    // Fewer than 100 requests: five above p95 would not have been there.
    assert!(endpoint_requests(a, endpoint) < 100.0);
    assert_eq!(row.requests.baseline, endpoint_requests(a, endpoint));
    assert_eq!(q.verdict, Verdict::Regression, "{q:?}");
    let iv = q.ratio_interval.expect("an interval");
    assert!(iv.low > 1.0, "{iv:?}");
}

/// Truly little data stays undecided, and says what would decide: thirteen
/// requests cannot place a p95 below their maximum.
#[test]
fn too_few_requests_stay_insufficient_and_say_what_would_decide() {
    let (a, b) = ("constant_vus/vus_010", "constant_vus/vus_025");
    let endpoint = "GET /api/analytics";
    let c = compare(&run_at(a), &run_at(b), &CompareOptions::default()).expect("compares");
    let row = c
        .endpoints
        .iter()
        .find(|r| r.name == endpoint)
        .expect("row");
    let q = row
        .latency
        .iter()
        .find(|q| q.statistic == "p95")
        .expect("p95");
    let n = endpoint_requests(a, endpoint);
    assert!(n < 20.0, "{n}");
    assert_eq!(q.verdict, Verdict::InsufficientData);
    assert!(q.ratio_interval.is_none());
    let note = q.note.as_deref().expect("a reason");
    let more = format!("about {} more requests in the baseline", 20.0 - n);
    assert!(note.contains(&more), "{note}");
    assert!(note.contains("would let the data decide"), "{note}");
}
