//! Baseline against candidate: for the whole run and each endpoint present
//! in both, p50/p95/p99, error rate and throughput, with the change, an
//! interval for its size, and a verdict read off that interval.
//!
//! Method (statistics.md §5, dependence as in §4.3; docs/compare.md):
//! - **Dependence first.** Requests of the same seconds are alike: a GC pause
//!   or a queue build-up slows all of them. Tests that take requests as
//!   independent then find two halves of one run "significantly" different
//!   far more often than their level says (Fisher's exact test at the pooled
//!   p95 did so in 72–98% of random splits of the 50-, 100- and 200-VU k6
//!   runs). Each run's time blocks (its timeline windows) give a design
//!   effect D per statistic ([`blocks`]).
//! - **One procedure per statistic** ([`inference`]): its p-value and its
//!   interval at any level come from the same distribution, so "significant
//!   at level γ" and "the interval at 1 − γ leaves out no change" are the
//!   same statement.
//!   - Whole-run percentiles, both runs with at least
//!     [`MIN_BLOCKS_FOR_BOOTSTRAP`] blocks: a permutation test that deals
//!     the time blocks of both runs at random into two groups (blocks are
//!     the independent units; exact when they are exchangeable, with any
//!     number of requests), its interval the log-ratio shifts it does not
//!     reject.
//!   - Endpoint percentiles (the run keeps no per-endpoint time blocks) and
//!     runs with few blocks: each run's percentile resampled at its full
//!     size, its spread around the estimate widened by √D; the p-value is
//!     the share of ratio replicates beyond ×1, the interval their
//!     percentiles. A large change decides with few requests, a small one
//!     needs many; "insufficient data" only when a run has too few requests
//!     for the percentile to lie below its maximum ([`defined_from`]), or
//!     for an endpoint's p99 too few effective requests above it
//!     ([`EXTREME_QUANTILE`]), with the count that would do.
//!   - Error rates: the difference of proportions with each run's counts
//!     shrunk by its design effect, Agresti–Caffo variances, a t reference
//!     on the blocks' degrees of freedom; interval d ± t·se.
//! - **Many tests, one adjustment** (all statistics of a comparison are one
//!   family): Holm (default) or Benjamini–Hochberg decide which tests
//!   reject, and each interval is shown at the level its test was held to
//!   ([`inference::levels`]): Holm's step-down level, or the
//!   false-coverage-rate level R·α/m of Benjamini & Yekutieli for BH. The
//!   verdict is then read off the interval: a regression's interval lies
//!   above ×1, "no significant change" holds it.
//! - **Verdicts**: "equivalent" needs the whole interval within ±δ; a
//!   p-value above the level alone never claims "no regression".
//! - **Load**: runs at different concurrency (or, when that is unknown,
//!   throughput) are not like for like: [`Comparison::headline`] is then
//!   [`NOT_COMPARABLE`] whatever the rows say, and the rows stay.
//!
//! ```
//! use verdict_core::compare::{compare, CompareOptions, Verdict};
//! use verdict_core::{IngestOptions, Session};
//!
//! let run = |t0: u32| {
//!     let mut text = String::new();
//!     for i in 0..400u32 {
//!         let (s, ms) = (i / 20, 10.0 + f64::from(i % 7) + if t0 > 0 { 15.0 } else { 0.0 });
//!         text.push_str(&format!(
//!             "{{\"metric\":\"http_req_duration\",\"type\":\"Point\",\"data\":{{\"time\":\"2026-01-01T00:{:02}:{:02}Z\",\"value\":{ms},\"tags\":{{\"name\":\"GET /\",\"method\":\"GET\",\"status\":\"200\"}}}}}}\n",
//!             t0 + s / 60, s % 60
//!         ));
//!     }
//!     Session::read_all("run.json", IngestOptions::default(), text.as_bytes()).expect("reads")
//! };
//! let (base, cand) = (run(0), run(1));
//! let c = compare(&base, &cand, &CompareOptions::default()).expect("compares");
//! let p50 = &c.overall.latency[0];
//! let iv = p50.ratio_interval.expect("tested");
//! // +15 ms on 10–16 ms: a regression, and its interval lies above ×1.
//! assert_eq!(p50.verdict, Verdict::Regression);
//! assert!(iv.low > 1.0);
//! ```

pub(crate) mod blocks;
pub(crate) mod bootstrap;
pub(crate) mod inference;
pub(crate) mod model;
pub(crate) mod sparse;
pub(crate) mod stats;

use std::collections::HashMap;

use hdrhistogram::Histogram;
use thiserror::Error;

use crate::run::Run;
use crate::snapshot::SnapshotRun;
use crate::summary::RunSummary;

pub use bootstrap::Rng;
pub use model::{
    combine, BlockPermutationTest, Change, CompareOptions, Comparison, Conclusion,
    ErrorRateComparison, IntervalMethod, LoadCheck, QuantileComparison, RowComparison, RunInfo,
    SignificanceTest, TestCounts, TestMethod, Verdict, NOT_COMPARABLE,
};
pub use stats::{binomial_at_least, Adjustment, Interval};

use blocks::{blocks_of, design_effect, Block, DesignEffect};
use bootstrap::{log_replicates, Resampler};
use inference::{levels, Evidence, Spread};
use sparse::Sparse;

/// The percentiles compared.
pub const QUANTILES: [(f64, &str); 3] = [(0.50, "p50"), (0.95, "p95"), (0.99, "p99")];
/// The fewest requests for which the nearest-rank percentile `q` exists
/// below a run's maximum: 1/(1 − q) (2 for p50, 20 for p95, 100 for p99).
/// With fewer it is the maximum itself, and resampling cannot say how far
/// it would move; past it, whether the data decides is up to the interval.
pub fn defined_from(q: f64) -> f64 {
    (1.0 / (1.0 - q)).round()
}
/// From this percentile on, an endpoint's resampled percentile (spread
/// widened by √D) needs [`MIN_EFFECTIVE_ABOVE`] effective requests above
/// it: with fewer, random halves of one run were called different far more
/// often than the level.
pub const EXTREME_QUANTILE: f64 = 0.99;
/// Effective requests (requests ÷ design effect) above an endpoint's
/// extreme percentile before the √D-widened bootstrap is calibrated.
pub const MIN_EFFECTIVE_ABOVE: f64 = 5.0;
/// Runs with fewer time blocks get the independent bootstrap.
pub const MIN_BLOCKS_FOR_BOOTSTRAP: usize = 10;
/// Name of the whole-run row.
pub const OVERALL: &str = "ALL";

/// Why two runs cannot be compared.
#[derive(Debug, Error, Clone, PartialEq)]
#[non_exhaustive]
pub enum CompareError {
    /// Only the tool's aggregates are known: nothing to test.
    #[error("{source_name} ({format}) holds only the tool's summary, not one record per request; comparing needs per-request samples (e.g. k6 --out json)")]
    NoSamples {
        /// The run's source file.
        source_name: String,
        /// The format it was read as.
        format: &'static str,
    },
    /// An option is out of range.
    #[error("invalid comparison option: {0}")]
    InvalidOptions(String),
    /// A run's parts do not agree (e.g. an endpoint without its histogram).
    #[error("cannot compare: {0}")]
    InvalidInput(String),
}

fn validate(o: &CompareOptions) -> Result<(), CompareError> {
    let bad = |m: &str| Err(CompareError::InvalidOptions(m.into()));
    if !(o.alpha > 0.0 && o.alpha <= 0.5) {
        return bad("alpha must be in (0, 0.5]");
    }
    for (v, name) in [
        (o.latency_tolerance, "latency tolerance"),
        (o.error_tolerance, "error-rate tolerance"),
        (o.load_tolerance, "load tolerance"),
    ] {
        if !(v.is_finite() && v >= 0.0) {
            return Err(CompareError::InvalidOptions(format!(
                "{name} must be a finite number ≥ 0"
            )));
        }
    }
    if !(1..=100_000).contains(&o.bootstrap_replicates) {
        return bad("bootstrap replicates must be between 1 and 100000");
    }
    Ok(())
}

/// The latencies and counts of one population in one run.
#[derive(Clone, Copy)]
struct Counts<'a> {
    hist: &'a Histogram<u64>,
    requests: u64,
    errors: u64,
}

/// One population (the whole run or one endpoint) of both runs.
struct Population<'a> {
    name: String,
    method: Option<String>,
    series: [Counts<'a>; 2],
    /// Share of each run's requests that this population holds.
    share: [f64; 2],
    /// Whether the runs' time blocks describe this population itself.
    whole_run: bool,
}

/// What every row's estimates draw on.
struct Context<'a> {
    blocks: [&'a [Block]; 2],
    /// Per quantile, each run's design effect at the whole run's pooled percentile.
    latency_effects: Vec<[DesignEffect; 2]>,
    error_effects: [DesignEffect; 2],
    /// Each run's largest design effect of latency: what endpoints' latency
    /// tests assume (their error tests take the run's error effect).
    endpoint_effects: [DesignEffect; 2],
    /// Whether the design effects were measured (enough time blocks), and
    /// the degrees of freedom of tests on blocks.
    dependence_known: bool,
    degrees_of_freedom: f64,
    /// Both runs record which requests failed.
    errors_known: bool,
    durations: [Option<f64>; 2],
    /// Both runs have enough time blocks to resample them.
    use_blocks: bool,
    /// Each run's mean block size: the design effect when every request of
    /// a block is alike, what a whole run with too few blocks to permute
    /// is resampled with.
    whole_blocks: [f64; 2],
    options: &'a CompareOptions,
}

/// Compares a candidate run with a baseline.
pub fn compare(
    baseline: &Run,
    candidate: &Run,
    options: &CompareOptions,
) -> Result<Comparison, CompareError> {
    let view = |r: &Run| SnapshotRun::of(r).map_err(|e| CompareError::InvalidInput(e.to_string()));
    compare_snapshots(&view(baseline)?, &view(candidate)?, options)
}

/// Compares two runs as analyses keep them (summaries, histograms and time
/// blocks: what a stored analysis holds, with no raw sample).
pub fn compare_snapshots(
    baseline: &SnapshotRun,
    candidate: &SnapshotRun,
    options: &CompareOptions,
) -> Result<Comparison, CompareError> {
    validate(options)?;
    fn overall(r: &SnapshotRun) -> Result<&Histogram<u64>, CompareError> {
        r.overall.as_ref().ok_or_else(|| CompareError::NoSamples {
            source_name: r.summary.source.clone(),
            format: r.summary.format.as_str(),
        })
    }
    let overalls = [overall(baseline)?, overall(candidate)?];
    for r in [baseline, candidate] {
        if r.endpoints.len() != r.summary.endpoints.len() {
            return Err(CompareError::InvalidInput(format!(
                "{}: {} endpoint histograms for {} endpoints",
                r.summary.source,
                r.endpoints.len(),
                r.summary.endpoints.len()
            )));
        }
    }
    let blocks = [blocks_of(baseline), blocks_of(candidate)];
    let summaries = [&baseline.summary, &candidate.summary];
    let (populations, only_in_baseline, only_in_candidate) =
        populations([baseline, candidate], overalls);

    // Dependence, measured on each whole run at the pooled percentiles and
    // for errors. A run with a few blocks gets the worst case; one with none
    // (no timestamps) can only be taken as independent.
    let pooled = pooled_histogram(overalls[0], overalls[1]);
    let measure = |blocks: &[Block], count: &dyn Fn(&Block) -> (u64, u64)| {
        design_effect(blocks, count).unwrap_or_else(|| DesignEffect::worst_case(blocks, count))
    };
    let latency_effects: Vec<[DesignEffect; 2]> = QUANTILES
        .iter()
        .map(|(q, _)| {
            let t = pooled.value_at_quantile(*q);
            let above = |b: &Block| (b.latencies.count_above(t), b.latencies.total);
            [measure(&blocks[0], &above), measure(&blocks[1], &above)]
        })
        .collect();
    let errors = |b: &Block| (b.errors, b.requests);
    let error_effects = [measure(&blocks[0], &errors), measure(&blocks[1], &errors)];
    let timed = blocks.iter().all(|b| !b.is_empty());
    let use_blocks = blocks.iter().all(|b| b.len() >= MIN_BLOCKS_FOR_BOOTSTRAP);
    let mut notes = method_notes(&blocks, use_blocks);
    // HdrHistogram logs hold latencies only: their error rate is unknown, not 0.
    let errors_known = summaries.iter().all(|s| s.errors.is_some());
    if !errors_known {
        notes.push(
            "a run does not record which requests failed: error rates are not compared".into(),
        );
    }
    let largest = |k: usize| DesignEffect::largest(latency_effects.iter().map(|d| d[k]));
    let context = Context {
        blocks: [&blocks[0], &blocks[1]],
        endpoint_effects: [largest(0), largest(1)],
        latency_effects,
        error_effects,
        dependence_known: timed,
        errors_known,
        degrees_of_freedom: blocks.iter().map(Vec::len).min().unwrap_or(1).max(2) as f64 - 1.0,
        durations: [summaries[0].duration_s, summaries[1].duration_s],
        use_blocks,
        whole_blocks: [0, 1]
            .map(|k| DesignEffect::worst_case(&blocks[k], |b: &Block| (0, b.requests)).factor),
        options,
    };

    let mut rows: Vec<Estimated> = populations
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let seed = options
                .seed
                .wrapping_add((i as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15));
            estimate(p, &context, seed)
        })
        .collect();
    adjust_and_decide(&mut rows, options);
    let mut rows: Vec<RowComparison> = rows.into_iter().map(|r| r.row).collect();
    let overall = rows.remove(0);
    let statistics: Vec<Verdict> = std::iter::once(&overall)
        .chain(&rows)
        .flat_map(|r| {
            r.latency
                .iter()
                .map(|q| q.verdict)
                .chain(r.error_rate.as_ref().map(|e| e.verdict))
        })
        .collect();
    let count = |v: Verdict| statistics.iter().filter(|s| **s == v).count();
    let tests = statistics.len() - count(Verdict::InsufficientData);
    notes.push(match options.adjustment {
        Adjustment::Holm => format!(
            "Holm over {tests} tests: each interval is at the level its test was held to (from {:.2}% for the smallest p-value), so a verdict and its interval always agree",
            (1.0 - options.alpha / tests.max(1) as f64) * 100.0
        ),
        Adjustment::BenjaminiHochberg => format!(
            "Benjamini–Hochberg over {tests} tests: every interval at the false-coverage-adjusted level (Benjamini–Yekutieli), so a verdict and its interval always agree"
        ),
    });
    let load = load_check(summaries[0], summaries[1], options.load_tolerance);
    let verdict = combine(&statistics);
    let starts = summaries.map(|s| {
        s.start
            .as_deref()
            .and_then(|t| crate::time::parse_rfc3339(t.as_bytes()))
    });
    let baseline_started_later = matches!(starts, [Some(a), Some(b)] if a > b);
    if baseline_started_later {
        notes.push(
            "the baseline started after the candidate: usually the older run is the baseline"
                .into(),
        );
    }

    Ok(Comparison {
        baseline: run_info(summaries[0], overalls[0], blocks[0].len()),
        candidate: run_info(summaries[1], overalls[1], blocks[1].len()),
        options: *options,
        comparable: load.same_load,
        headline: if load.same_load {
            verdict.as_str().into()
        } else {
            NOT_COMPARABLE.into()
        },
        verdict: Conclusion::of(verdict, load.same_load),
        rows_verdict: verdict,
        baseline_started_later,
        load,
        regressions: count(Verdict::Regression),
        improvements: count(Verdict::Improvement),
        overall,
        endpoints: rows,
        only_in_baseline,
        only_in_candidate,
        notes,
    })
}

fn method_notes(blocks: &[Vec<Block>; 2], use_blocks: bool) -> Vec<String> {
    let mut notes = Vec::new();
    let fewest = blocks.iter().map(Vec::len).min().unwrap_or(0);
    if fewest == 0 {
        notes.push(
            "a run has no timestamps: requests are taken as independent (bootstrap and error-rate test without a design effect), so tests may be too eager and intervals too narrow if latencies are autocorrelated".into(),
        );
    } else {
        notes.push(
            "requests of the same time block are alike (a slow second slows them all): each run's uncertainty is inflated by the design effect measured on its time blocks; endpoints take their run's largest for latency and its error effect for errors".into(),
        );
        if fewest < blocks::MIN_BLOCKS_FOR_DEPENDENCE {
            notes.push(format!(
                "a run has fewer than {} time blocks, too few to measure dependence: each of its blocks counts as a single observation",
                blocks::MIN_BLOCKS_FOR_DEPENDENCE
            ));
        }
    }
    if use_blocks {
        notes.push(format!(
            "whole-run percentiles: permutation test over the {} + {} time blocks (blocks, not requests, are the independent units), its interval the ratios that test does not reject",
            blocks[0].len(),
            blocks[1].len()
        ));
    }
    notes
}

fn pooled_histogram(a: &Histogram<u64>, b: &Histogram<u64>) -> Histogram<u64> {
    let mut pooled = a.clone();
    // Both auto-resize: adding cannot fail on range.
    let _ = pooled.add(b);
    pooled
}

/// How endpoints are matched between runs: the name without the method
/// prefix a summary adds when a name has several methods, and the method.
fn endpoint_key(e: &crate::summary::EndpointSummary) -> (String, String) {
    let method = e.method.clone().unwrap_or_default();
    let name = e
        .name
        .strip_prefix(&format!("{method} "))
        .filter(|_| !method.is_empty())
        .unwrap_or(&e.name);
    (name.to_string(), method)
}

/// The whole run, then endpoints present in both runs (matched by
/// [`endpoint_key`]), sorted by name; plus the names present in one run only.
fn populations<'a>(
    runs: [&'a SnapshotRun; 2],
    overalls: [&'a Histogram<u64>; 2],
) -> (Vec<Population<'a>>, Vec<String>, Vec<String>) {
    let counts = |r: &SnapshotRun, h: &'a Histogram<u64>| Counts {
        hist: h,
        requests: r.summary.requests.unwrap_or(h.len()),
        errors: r.summary.errors.unwrap_or(0),
    };
    let whole = [counts(runs[0], overalls[0]), counts(runs[1], overalls[1])];
    let totals = [
        whole[0].requests.max(1) as f64,
        whole[1].requests.max(1) as f64,
    ];
    let mut list = vec![Population {
        name: OVERALL.into(),
        method: None,
        series: whole,
        share: [1.0, 1.0],
        whole_run: true,
    }];
    let endpoint = |r: &'a SnapshotRun, i: usize| {
        let e = &r.summary.endpoints[i];
        let h = &r.endpoints[i];
        Counts {
            hist: h,
            requests: e.requests.unwrap_or(h.len()),
            errors: e.errors.unwrap_or(0),
        }
    };
    let index = |r: &SnapshotRun| -> HashMap<(String, String), usize> {
        r.summary
            .endpoints
            .iter()
            .enumerate()
            .map(|(i, e)| (endpoint_key(e), i))
            .collect()
    };
    let (in_a, in_b) = (index(runs[0]), index(runs[1]));
    let mut matched = Vec::new();
    let mut only_a = Vec::new();
    for (i, e) in runs[0].summary.endpoints.iter().enumerate() {
        match in_b.get(&endpoint_key(e)) {
            Some(&j) => {
                let (x, y) = (endpoint(runs[0], i), endpoint(runs[1], j));
                matched.push(Population {
                    name: e.name.clone(),
                    method: e.method.clone(),
                    series: [x, y],
                    share: [x.requests as f64 / totals[0], y.requests as f64 / totals[1]],
                    whole_run: false,
                });
            }
            None => only_a.push(e.name.clone()),
        }
    }
    let mut only_b: Vec<String> = runs[1]
        .summary
        .endpoints
        .iter()
        .filter(|e| !in_a.contains_key(&endpoint_key(e)))
        .map(|e| e.name.clone())
        .collect();
    matched.sort_by(|x, y| x.name.cmp(&y.name));
    only_a.sort();
    only_b.sort();
    list.extend(matched);
    (list, only_a, only_b)
}

/// The counts and effective sizes behind an error-rate test: a difference of
/// proportions whose variance allows for each run's design effect (or none,
/// when requests must be taken as independent).
fn error_evidence(
    [(x1, n1), (x2, n2)]: [(u64, u64); 2],
    effects: Option<[f64; 2]>,
    degrees_of_freedom: f64,
) -> (SignificanceTest, Evidence) {
    let [d1, d2] = effects.unwrap_or([1.0, 1.0]);
    let counts = Some(TestCounts {
        threshold_ms: None,
        baseline_count: x1,
        baseline_n: n1,
        candidate_count: x2,
        candidate_n: n2,
        baseline_design_effect: d1,
        candidate_design_effect: d2,
    });
    let (d, se) = stats::robust_difference(
        (x1 as f64 / d1, n1 as f64 / d1),
        (x2 as f64 / d2, n2 as f64 / d2),
    );
    let df = effects.is_some().then_some(degrees_of_freedom);
    let evidence = Evidence::Difference { d, se, df };
    let (worse, better) = evidence.p_sides();
    let method = if effects.is_some() {
        TestMethod::ClusterRobust
    } else {
        TestMethod::Wald
    };
    let test = SignificanceTest {
        counts,
        degrees_of_freedom: df,
        ..SignificanceTest::new(method, worse, better)
    };
    (test, evidence)
}

/// Block permutation tests of the quantiles `qs` of two populations'
/// time blocks.
fn block_permutation_tests(
    qs: &[f64],
    [a, b]: [&[Block]; 2],
    permutations: u32,
    seed: u64,
) -> Vec<Option<(SignificanceTest, Evidence)>> {
    fn refs(blocks: &[Block]) -> Vec<&Sparse> {
        blocks.iter().map(|b| &b.latencies).collect()
    }
    bootstrap::permutation_tests(&refs(a), &refs(b), qs, permutations, seed)
        .into_iter()
        .map(|t| {
            let evidence = Evidence::Permutation {
                observed: t.log_ratio,
                null: Spread::new(t.deals)?,
            };
            let (worse, better) = evidence.p_sides();
            let test = SignificanceTest {
                blocks: Some(BlockPermutationTest {
                    baseline_blocks: a.len(),
                    candidate_blocks: b.len(),
                    permutations,
                    log_ratio: t.log_ratio,
                }),
                ..SignificanceTest::new(TestMethod::BlockPermutation, worse, better)
            };
            Some((test, evidence))
        })
        .collect()
}

fn rps(n: u64, duration_s: Option<f64>) -> Option<f64> {
    duration_s.filter(|d| *d > 0.0).map(|d| n as f64 / d)
}

/// Where a statistic sits in its row.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Slot {
    Latency(usize),
    Errors,
}

/// A row before the multiplicity adjustment, with the evidence of each
/// tested statistic.
struct Estimated {
    row: RowComparison,
    evidence: Vec<(Slot, Evidence)>,
}

/// The note of a percentile a run holds too few requests to estimate, and
/// what would let the data decide.
fn too_few_note(label: &str, q: f64, n: [u64; 2]) -> String {
    let needed = defined_from(q);
    let short: Vec<String> = [(0, "baseline"), (1, "candidate")]
        .into_iter()
        .filter(|(k, _)| (n[*k] as f64) < needed)
        .map(|(k, which)| {
            format!(
                "about {} more requests in the {which}",
                (needed - n[k] as f64).max(0.0)
            )
        })
        .collect();
    format!(
        "{label} of fewer than {needed} requests is the run's maximum, which no resampling can place ({} and {} requests here); {} would let the data decide",
        n[0],
        n[1],
        short.join(" and ")
    )
}

/// Everything about one population before the multiplicity adjustment.
fn estimate(p: &Population<'_>, cx: &Context<'_>, seed: u64) -> Estimated {
    let o = cx.options;
    let [sa, sb] = p.series;
    let hists = [
        Sparse::from_histogram(sa.hist),
        Sparse::from_histogram(sb.hist),
    ];
    // The whole run measures its own dependence; an endpoint's latency is
    // assumed to be as dependent as the worst its run shows, its errors as
    // the run's errors.
    let effects_of = |d: &[DesignEffect; 2], assumed: &[DesignEffect; 2]| {
        let pick = |k: usize| {
            if p.whole_run {
                d[k].factor
            } else {
                assumed[k].for_share(p.share[k]).factor
            }
        };
        [pick(0), pick(1)]
    };
    let by_blocks = p.whole_run && cx.use_blocks;
    let mut evidence = Vec::new();

    let mut latency: Vec<QuantileComparison> = Vec::new();
    let mut tested: Vec<(usize, [f64; 2])> = Vec::new();
    for (i, (&(q, label), d)) in QUANTILES.iter().zip(&cx.latency_effects).enumerate() {
        let value = |h: &Histogram<u64>| {
            (!h.is_empty()).then(|| crate::units::us_to_ms(h.value_at_quantile(q)))
        };
        let change = Change::new(
            value(sa.hist).unwrap_or(f64::NAN),
            value(sb.hist).unwrap_or(f64::NAN),
        );
        let mut row = QuantileComparison {
            statistic: label.into(),
            quantile: q,
            change,
            ratio_interval: None,
            interval_method: None,
            confidence: None,
            test: None,
            verdict: Verdict::InsufficientData,
            note: None,
        };
        // Blocks carry the dependence themselves; otherwise dependent
        // requests widen the bootstrap by the square root of the design
        // effect (variance × D).
        let effects = if by_blocks {
            [1.0, 1.0]
        } else if p.whole_run && cx.dependence_known {
            cx.whole_blocks
        } else if cx.dependence_known {
            effects_of(d, &cx.endpoint_effects)
        } else {
            [1.0, 1.0]
        };
        // The permutation test is exact with any number of requests. A
        // resampled percentile needs only to exist below the maximum: with
        // fewer than 1/(1 − q) requests a run's nearest-rank percentile is
        // its maximum, whose resampling says nothing. Past that, the
        // interval decides, however few the requests.
        let extreme_needed = (MIN_EFFECTIVE_ABOVE / (1.0 - q)).round();
        if hists.iter().any(|h| h.total == 0) {
            row.note = Some(format!("{label}: a run has no latencies here"));
        } else if !by_blocks && hists.iter().any(|h| (h.total as f64) < defined_from(q)) {
            row.note = Some(too_few_note(label, q, [hists[0].total, hists[1].total]));
        } else if !p.whole_run
            && q >= EXTREME_QUANTILE
            && (0..2).any(|k| hists[k].total as f64 / effects[k].max(1.0) < extreme_needed)
        {
            // An endpoint's extreme tail can come from one slow second:
            // resampled with fewer effective requests above it, it called
            // halves of one 100-VU run different in 29% of random splits.
            row.note = Some(format!(
                "{label} of an endpoint is tested only with at least {MIN_EFFECTIVE_ABOVE} requests above it once dependence is allowed for, i.e. {extreme_needed} effective requests (requests ÷ design effect: {:.0} and {:.0} here); about {:.0} requests in each run would let the data decide",
                (hists[0].total as f64 / effects[0].max(1.0)).floor(),
                (hists[1].total as f64 / effects[1].max(1.0)).floor(),
                (extreme_needed * effects[0].max(effects[1]).max(1.0)).ceil()
            ));
        } else if p.whole_run
            && !by_blocks
            && (0..2).any(|k| hists[k].total as f64 / effects[k].max(1.0) < defined_from(q))
        {
            // Too few blocks to permute, each counted as one observation:
            // that few cannot place the percentile below their maximum.
            row.note = Some(format!(
                "{label}: a run has fewer than {MIN_BLOCKS_FOR_BOOTSTRAP} time blocks, each counted as one observation, and that few cannot place {label}; a run of at least {MIN_BLOCKS_FOR_BOOTSTRAP} s would let the data decide"
            ));
        } else {
            tested.push((i, effects));
        }
        latency.push(row);
    }

    if !tested.is_empty() {
        let qs: Vec<f64> = tested.iter().map(|(i, _)| QUANTILES[*i].0).collect();
        if by_blocks {
            let tests = block_permutation_tests(&qs, cx.blocks, o.bootstrap_replicates, seed);
            for ((i, _), t) in tested.iter().zip(tests) {
                let row = &mut latency[*i];
                match t {
                    None => row.note = Some("the permutations gave no usable ratio".into()),
                    Some((test, e)) => {
                        row.test = Some(test);
                        row.interval_method = Some(IntervalMethod::BlockPermutation);
                        evidence.push((Slot::Latency(*i), e));
                    }
                }
            }
        } else {
            // Each run's percentiles resampled request by request at its
            // full size (no small-sample bias of an extreme order
            // statistic), their spread around the estimate then widened by
            // √D for the dependence the run's time blocks show.
            let logs = [0, 1].map(|k| {
                let r = Resampler::independent(&hists[k], &qs, &vec![1.0; qs.len()]);
                log_replicates(
                    &r,
                    &qs,
                    o.bootstrap_replicates,
                    seed ^ (k as u64 + 1).wrapping_mul(0xb5ad_4ece_da1c_e2a9),
                )
            });
            for (t, ((i, effects), q)) in tested.iter().zip(&qs).enumerate() {
                let row = &mut latency[*i];
                let point = |k: usize| {
                    let v = hists[k].quantile(*q);
                    (v > 0).then(|| (v as f64).ln())
                };
                let scaled = match (point(0), point(1), &logs[0][t], &logs[1][t]) {
                    (Some(a), Some(b), Some(ra), Some(rb)) => {
                        let (sa, sb) = (effects[0].max(1.0).sqrt(), effects[1].max(1.0).sqrt());
                        Spread::new(
                            ra.iter()
                                .zip(rb)
                                .map(|(ya, yb)| (b + sb * (yb - b)) - (a + sa * (ya - a)))
                                .collect(),
                        )
                    }
                    _ => None,
                };
                match scaled {
                    None => row.note = Some("a percentile of 0 ms: no ratio".into()),
                    Some(spread) => {
                        let e = Evidence::Bootstrap { spread };
                        let (worse, better) = e.p_sides();
                        let n = |k: usize| hists[k].total as f64 / effects[k].max(1.0);
                        row.test = Some(SignificanceTest {
                            effective_n: Some([n(0), n(1)]),
                            ..SignificanceTest::new(TestMethod::Bootstrap, worse, better)
                        });
                        row.interval_method = Some(IntervalMethod::IidBootstrap);
                        evidence.push((Slot::Latency(*i), e));
                    }
                }
            }
        }
    }

    let rate = |s: &Counts<'_>| {
        if s.requests > 0 {
            s.errors as f64 / s.requests as f64
        } else {
            0.0
        }
    };
    let error_rate = cx.errors_known.then(|| {
        let (test, e) = error_evidence(
            [(sa.errors, sa.requests), (sb.errors, sb.requests)],
            cx.dependence_known
                .then(|| effects_of(&cx.error_effects, &cx.error_effects)),
            cx.degrees_of_freedom,
        );
        evidence.push((Slot::Errors, e));
        ErrorRateComparison {
            change: Change::new(rate(&sa), rate(&sb)),
            difference_interval: Interval {
                low: -1.0,
                high: 1.0,
            },
            confidence: None,
            test,
            verdict: Verdict::NoSignificantChange,
        }
    });
    let rps = match (
        rps(sa.requests, cx.durations[0]),
        rps(sb.requests, cx.durations[1]),
    ) {
        (Some(x), Some(y)) => Some(Change::new(x, y)),
        _ => None,
    };
    Estimated {
        row: RowComparison {
            name: p.name.clone(),
            method: p.method.clone(),
            requests: Change::new(sa.requests as f64, sb.requests as f64),
            rps,
            latency,
            error_rate,
            verdict: Verdict::NoSignificantChange,
        },
        evidence,
    }
}

/// The verdict an interval gives against "no change" at `null` and the
/// practical-equality band [lo, hi]; `higher_is_worse` for both scales.
fn verdict_of(iv: Interval, null: f64, (lo, hi): (f64, f64)) -> Verdict {
    if iv.low >= lo && iv.high <= hi {
        Verdict::Equivalent
    } else if iv.low > null {
        Verdict::Regression
    } else if iv.high < null {
        Verdict::Improvement
    } else {
        Verdict::NoSignificantChange
    }
}

/// Adjusts every test of the comparison as one family, and gives each
/// statistic its interval at the level its test was held to: the verdict
/// is then read off that interval, so it cannot contradict it.
fn adjust_and_decide(rows: &mut [Estimated], o: &CompareOptions) {
    let ps: Vec<f64> = rows
        .iter()
        .flat_map(|r| r.evidence.iter())
        .map(|(_, e)| {
            let (w, b) = e.p_sides();
            (2.0 * w.min(b)).min(1.0)
        })
        .collect();
    let adjusted = stats::adjust(&ps, o.adjustment);
    let gammas = levels(&ps, o.alpha, o.adjustment);
    let latency_band = (1.0 / (1.0 + o.latency_tolerance), 1.0 + o.latency_tolerance);
    let error_band = (-o.error_tolerance, o.error_tolerance);
    let mut k = 0;
    for est in rows.iter_mut() {
        for (slot, e) in &est.evidence {
            let (gamma, p_adjusted) = (gammas[k], adjusted[k]);
            k += 1;
            let iv = e.interval(gamma);
            match *slot {
                Slot::Latency(i) => {
                    let q = &mut est.row.latency[i];
                    // The interval always holds the ratio shown.
                    let point = q.change.candidate / q.change.baseline;
                    let mut ratio = Interval {
                        low: iv.low.exp(),
                        high: iv.high.exp(),
                    };
                    if point.is_finite() {
                        ratio.low = ratio.low.min(point);
                        ratio.high = ratio.high.max(point);
                    }
                    q.ratio_interval = Some(ratio);
                    q.confidence = Some(1.0 - gamma);
                    q.verdict = verdict_of(ratio, 1.0, latency_band);
                    if let Some(t) = &mut q.test {
                        t.p_adjusted = p_adjusted;
                        t.significant = ratio.low > 1.0 || ratio.high < 1.0;
                    }
                }
                Slot::Errors => {
                    if let Some(r) = &mut est.row.error_rate {
                        r.difference_interval = iv;
                        r.confidence = Some(1.0 - gamma);
                        r.verdict = verdict_of(iv, 0.0, error_band);
                        r.test.p_adjusted = p_adjusted;
                        r.test.significant = iv.low > 0.0 || iv.high < 0.0;
                    }
                }
            }
        }
        let all: Vec<Verdict> = est
            .row
            .latency
            .iter()
            .map(|q| q.verdict)
            .chain(est.row.error_rate.as_ref().map(|e| e.verdict))
            .collect();
        est.row.verdict = combine(&all);
    }
}

fn run_info(s: &RunSummary, overall: &Histogram<u64>, blocks: usize) -> RunInfo {
    RunInfo {
        source: s.source.clone(),
        start: s.start.clone(),
        requests: s.requests.unwrap_or(overall.len()),
        duration_s: s.duration_s,
        rps: s.rps,
        peak_concurrency: s.peak_concurrency,
        time_blocks: blocks,
        partial: s.partial,
        partial_reason: s.partial_reason.clone(),
    }
}

fn percent(c: &Change) -> String {
    c.relative
        .map_or("n/a".into(), |r| format!("{:+.0}%", r * 100.0))
}

/// Same load? Concurrency decides when both runs report it; otherwise the
/// achieved throughput stands in for the offered load.
fn load_check(
    a: &crate::summary::RunSummary,
    b: &crate::summary::RunSummary,
    tolerance: f64,
) -> LoadCheck {
    let pair = |x: Option<f64>, y: Option<f64>| match (x, y) {
        (Some(x), Some(y)) => Some(Change::new(x, y)),
        _ => None,
    };
    let concurrency = pair(a.peak_concurrency, b.peak_concurrency);
    let rps = pair(a.rps, b.rps);
    let beyond = |c: &Change| c.relative.is_none_or(|r| r.abs() > tolerance);
    let tol = format!("{:.0}%", tolerance * 100.0);
    let mut notes = Vec::new();
    let mut same_load = true;
    match (&concurrency, &rps) {
        (Some(c), _) if beyond(c) => {
            same_load = false;
            notes.push(format!(
                "the loads differ: peak concurrency {} vs {} ({}, beyond the {tol} tolerance); a comparison at different load is not like for like",
                c.baseline, c.candidate, percent(c)
            ));
        }
        (Some(_), Some(r)) if beyond(r) => notes.push(format!(
            "throughput {:.1} vs {:.1} req/s ({}) at the same concurrency: a closed-loop test slows down when latency rises; if the test drove a fixed arrival rate, the loads differ",
            r.baseline, r.candidate, percent(r)
        )),
        (None, Some(r)) if beyond(r) => {
            same_load = false;
            notes.push(format!(
                "the loads differ: throughput {:.1} vs {:.1} req/s ({}, beyond the {tol} tolerance; concurrency unknown); a comparison at different load is not like for like",
                r.baseline, r.candidate, percent(r)
            ));
        }
        (None, None) => notes.push(
            "neither concurrency nor throughput is known for both runs: the load cannot be checked"
                .into(),
        ),
        _ => {}
    }
    LoadCheck {
        same_load,
        concurrency,
        rps,
        notes,
    }
}
