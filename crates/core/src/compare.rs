//! Baseline against candidate: for the whole run and each endpoint present
//! in both, p50/p95/p99, error rate and throughput, with the change, whether
//! it is significant, an interval for its size, and a verdict.
//!
//! Method (statistics.md §5, with the dependence of §4.3 taken seriously):
//! - **Dependence first.** Requests of the same seconds are alike: a GC pause
//!   or a queue build-up slows all of them. Tests that take requests as
//!   independent then find two halves of one run "significantly" different
//!   far more often than their level says: on the k6 fixtures of 50, 100
//!   and 200 VUs, Fisher's exact test at the pooled p95 calls two halves of
//!   one run (one-second blocks dealt at random) different at the 5% level
//!   in 72–98% of splits. Each run's time blocks (its timeline windows)
//!   give a design effect per statistic ([`blocks`]).
//! - **Whole-run percentiles**, when both runs have at least
//!   [`MIN_BLOCKS_FOR_BOOTSTRAP`] blocks: a permutation test that deals the
//!   blocks of both runs at random into two groups (blocks are the
//!   independent units; exact when blocks are exchangeable), and a
//!   percentile interval of candidate/baseline from a block bootstrap, both
//!   with a fixed seed.
//! - **Endpoint percentiles** (the run keeps no per-endpoint time blocks):
//!   pool both histograms, take T = the pooled percentile, and compare the
//!   shares of requests above T (Mood's median test generalised), each
//!   run's variance inflated by the largest design effect its run shows;
//!   the interval comes from the independent bootstrap with the sample size
//!   shrunk by the same factor ([`bootstrap`]).
//! - **Error rates**: the same proportion test on failed requests, and
//!   Newcombe's hybrid-score interval (Wilson limits) for the difference.
//! - **Runs without timestamps** can only be taken as independent: Fisher's
//!   exact test, as statistics.md §5 states it, with a note.
//! - **Many tests**: all p-values of a comparison form one family, adjusted
//!   by Holm (default) or Benjamini–Hochberg.
//! - **Verdicts**: "equivalent" needs the whole interval within ±δ; a
//!   p-value above the level alone never claims "no regression".
//! - **Load**: runs at different concurrency (or, when that is unknown,
//!   throughput) are flagged: such a comparison is not like for like.

pub mod blocks;
pub mod bootstrap;
pub mod model;
pub mod sparse;
pub mod stats;

use std::collections::HashMap;

use hdrhistogram::Histogram;
use thiserror::Error;

use crate::run::Run;
use crate::snapshot::SnapshotRun;
use crate::summary::RunSummary;

pub use model::{
    BlockPermutationTest, Change, CompareOptions, Comparison, ErrorRateComparison, IntervalMethod,
    LoadCheck, QuantileComparison, RowComparison, RunInfo, SignificanceTest, TestCounts,
    TestMethod, Verdict,
};
pub use stats::{Adjustment, Interval};

use blocks::{blocks_of, design_effect, Block, DesignEffect};
use bootstrap::{ratio_intervals, Resampler};
use sparse::Sparse;

/// The percentiles compared.
pub const QUANTILES: [(f64, &str); 3] = [(0.50, "p50"), (0.95, "p95"), (0.99, "p99")];
/// A percentile is tested only if each run expects at least this many
/// requests above it: fewer carry no information about the tail.
pub const MIN_EXPECTED_ABOVE: f64 = 5.0;
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
        source_name: String,
        format: &'static str,
    },
    #[error("invalid comparison option: {0}")]
    InvalidOptions(String),
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
        options,
    };

    let mut rows: Vec<RowComparison> = populations
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let seed = options
                .seed
                .wrapping_add((i as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15));
            estimate(p, &context, seed)
        })
        .collect();
    adjust_all(&mut rows, options);
    let mut rows: Vec<RowComparison> = rows.into_iter().map(|r| finish_row(r, options)).collect();
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
    notes.push(format!(
        "p-values adjusted by {} over {} tests; intervals at {:.0}% are not adjusted",
        match options.adjustment {
            Adjustment::Holm => "Holm",
            Adjustment::BenjaminiHochberg => "Benjamini–Hochberg",
        },
        statistics.len() - count(Verdict::InsufficientData),
        (1.0 - options.alpha) * 100.0
    ));

    Ok(Comparison {
        baseline: run_info(summaries[0], overalls[0], blocks[0].len()),
        candidate: run_info(summaries[1], overalls[1], blocks[1].len()),
        options: *options,
        load: load_check(summaries[0], summaries[1], options.load_tolerance),
        regressions: count(Verdict::Regression),
        improvements: count(Verdict::Improvement),
        verdict: combine(&statistics),
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
            "a run has no timestamps: requests are taken as independent (Fisher's exact test), so tests may be too eager and intervals too narrow if latencies are autocorrelated".into(),
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
            "whole-run percentiles: permutation test and bootstrap interval over the {} + {} time blocks (blocks, not requests, are the independent units)",
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

fn ms(us: u64) -> f64 {
    us as f64 / 1000.0
}

/// Compares two proportions: Fisher's exact test when requests are taken as
/// independent (`effects` unknown), else a cluster-robust t test.
fn proportion_test(
    threshold_ms: Option<f64>,
    [(x1, n1), (x2, n2)]: [(u64, u64); 2],
    effects: Option<[f64; 2]>,
    degrees_of_freedom: f64,
) -> SignificanceTest {
    let [d1, d2] = effects.unwrap_or([1.0, 1.0]);
    let counts = Some(TestCounts {
        threshold_ms,
        baseline_count: x1,
        baseline_n: n1,
        candidate_count: x2,
        candidate_n: n2,
        baseline_design_effect: d1,
        candidate_design_effect: d2,
    });
    if effects.is_none() {
        let f = stats::fisher_exact(stats::Table { x1, n1, x2, n2 });
        return SignificanceTest {
            counts,
            ..SignificanceTest::new(TestMethod::Fisher, f.greater, f.less)
        };
    }
    let t = stats::robust_difference_t(
        (x1 as f64 / d1, n1 as f64 / d1),
        (x2 as f64 / d2, n2 as f64 / d2),
    );
    SignificanceTest {
        counts,
        degrees_of_freedom: Some(degrees_of_freedom),
        ..SignificanceTest::new(
            TestMethod::ClusterRobust,
            stats::student_t_sf(t, degrees_of_freedom),
            stats::student_t_sf(-t, degrees_of_freedom),
        )
    }
}

/// Block permutation tests of the quantiles `qs` of the whole runs.
fn block_permutation_tests(
    qs: &[f64],
    [a, b]: [&[Block]; 2],
    permutations: u32,
    seed: u64,
) -> Vec<SignificanceTest> {
    fn refs(blocks: &[Block]) -> Vec<&Sparse> {
        blocks.iter().map(|b| &b.latencies).collect()
    }
    bootstrap::permutation_tests(&refs(a), &refs(b), qs, permutations, seed)
        .into_iter()
        .map(|t| SignificanceTest {
            blocks: Some(BlockPermutationTest {
                baseline_blocks: a.len(),
                candidate_blocks: b.len(),
                permutations,
                log_ratio: t.log_ratio,
            }),
            ..SignificanceTest::new(TestMethod::BlockPermutation, t.p_worse, t.p_better)
        })
        .collect()
}

fn rps(n: u64, duration_s: Option<f64>) -> Option<f64> {
    duration_s.filter(|d| *d > 0.0).map(|d| n as f64 / d)
}

/// Everything about one population before the multiplicity adjustment.
fn estimate(p: &Population<'_>, cx: &Context<'_>, seed: u64) -> RowComparison {
    let o = cx.options;
    let [sa, sb] = p.series;
    let hists = [
        Sparse::from_histogram(sa.hist),
        Sparse::from_histogram(sb.hist),
    ];
    let pooled = pooled_histogram(sa.hist, sb.hist);
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
    let test = |threshold_ms, counts, effects| {
        proportion_test(
            threshold_ms,
            counts,
            cx.dependence_known.then_some(effects),
            cx.degrees_of_freedom,
        )
    };
    let by_blocks = p.whole_run && cx.use_blocks;

    let mut latency: Vec<QuantileComparison> = Vec::new();
    let mut tested: Vec<(usize, [f64; 2])> = Vec::new();
    for (i, (&(q, label), d)) in QUANTILES.iter().zip(&cx.latency_effects).enumerate() {
        let value = |h: &Histogram<u64>| (!h.is_empty()).then(|| ms(h.value_at_quantile(q)));
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
            test: None,
            verdict: Verdict::InsufficientData,
            note: None,
        };
        let needed = (MIN_EXPECTED_ABOVE / (1.0 - q)).ceil();
        let effects = effects_of(d, &cx.endpoint_effects);
        // Blocks carry the dependence themselves; otherwise dependent
        // requests count for fewer independent ones.
        let sizes: Vec<f64> = (0..2)
            .map(|k| {
                let n = hists[k].total as f64;
                if by_blocks {
                    n
                } else {
                    n / effects[k].max(1.0)
                }
            })
            .collect();
        if sizes.iter().any(|n| *n < needed) {
            let shown = |n: f64| format!("{}", n.floor());
            row.note = Some(format!(
                "{label} is tested with at least {needed} latencies in each run{} ({} and {} here)",
                if by_blocks {
                    ""
                } else {
                    ", counted as independent ones (n / design effect)"
                },
                shown(sizes[0]),
                shown(sizes[1])
            ));
        } else {
            let t = pooled.value_at_quantile(q);
            row.test = Some(test(
                Some(ms(t)),
                [
                    (hists[0].count_above(t), hists[0].total),
                    (hists[1].count_above(t), hists[1].total),
                ],
                effects,
            ));
            row.verdict = Verdict::NoSignificantChange;
            tested.push((i, effects));
        }
        latency.push(row);
    }

    if !tested.is_empty() {
        let qs: Vec<f64> = tested.iter().map(|(i, _)| QUANTILES[*i].0).collect();
        let (resamplers, method) = if by_blocks {
            let of = |b: &[Block]| {
                let refs: Vec<&Sparse> = b.iter().map(|b| &b.latencies).collect();
                Resampler::blocks(&refs)
            };
            (
                [of(cx.blocks[0]), of(cx.blocks[1])],
                IntervalMethod::BlockBootstrap,
            )
        } else {
            let of = |k: usize| {
                let effects: Vec<f64> = tested.iter().map(|(_, e)| e[k]).collect();
                Resampler::independent(&hists[k], &qs, &effects)
            };
            ([of(0), of(1)], IntervalMethod::IidBootstrap)
        };
        let stats = ratio_intervals(
            &resamplers[0],
            &resamplers[1],
            &qs,
            o.bootstrap_replicates,
            o.alpha,
            seed,
        );
        for ((i, _), st) in tested.iter().zip(stats) {
            let row = &mut latency[*i];
            row.interval_method = Some(method);
            match st {
                None => row.note = Some("a percentile of 0 ms: no ratio".into()),
                Some(st) => row.ratio_interval = Some(st.interval),
            }
        }
        if by_blocks {
            let tests =
                block_permutation_tests(&qs, cx.blocks, o.bootstrap_replicates, seed ^ 0x7e57);
            for ((i, _), t) in tested.iter().zip(tests) {
                latency[*i].test = Some(t);
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
    let [da, db] = effects_of(&cx.error_effects, &cx.error_effects);
    let error_rate = cx.errors_known.then(|| ErrorRateComparison {
        change: Change::new(rate(&sa), rate(&sb)),
        difference_interval: stats::newcombe(
            sa.errors as f64 / da,
            sa.requests as f64 / da,
            sb.errors as f64 / db,
            sb.requests as f64 / db,
            o.alpha,
        ),
        test: test(
            None,
            [(sa.errors, sa.requests), (sb.errors, sb.requests)],
            [da, db],
        ),
        verdict: Verdict::NoSignificantChange,
    });
    let rps = match (
        rps(sa.requests, cx.durations[0]),
        rps(sb.requests, cx.durations[1]),
    ) {
        (Some(x), Some(y)) => Some(Change::new(x, y)),
        _ => None,
    };
    RowComparison {
        name: p.name.clone(),
        method: p.method.clone(),
        requests: Change::new(sa.requests as f64, sb.requests as f64),
        rps,
        latency,
        error_rate,
        verdict: Verdict::NoSignificantChange,
    }
}

/// Adjusts every p-value of the comparison as one family.
fn adjust_all(rows: &mut [RowComparison], o: &CompareOptions) {
    let mut tests: Vec<&mut SignificanceTest> = rows
        .iter_mut()
        .flat_map(|row| {
            row.latency
                .iter_mut()
                .filter_map(|q| q.test.as_mut())
                .chain(row.error_rate.as_mut().map(|e| &mut e.test))
        })
        .collect();
    let raw: Vec<f64> = tests.iter().map(|t| t.p_value).collect();
    let adjusted = stats::adjust(&raw, o.adjustment);
    for (t, p) in tests.iter_mut().zip(adjusted) {
        t.p_adjusted = p;
        t.significant = p <= o.alpha;
    }
}

fn verdict_for(test: &SignificanceTest, equivalent: bool) -> Verdict {
    match (test.significant, equivalent) {
        (_, true) => Verdict::Equivalent,
        (true, false) if test.worse() => Verdict::Regression,
        (true, false) => Verdict::Improvement,
        (false, false) => Verdict::NoSignificantChange,
    }
}

fn finish_row(mut row: RowComparison, o: &CompareOptions) -> RowComparison {
    let (lo, hi) = (1.0 / (1.0 + o.latency_tolerance), 1.0 + o.latency_tolerance);
    for q in &mut row.latency {
        if let Some(t) = &q.test {
            let equivalent = q
                .ratio_interval
                .is_some_and(|iv| iv.low >= lo && iv.high <= hi);
            q.verdict = verdict_for(t, equivalent);
            // Counts above the pooled percentile can, rarely, lean the other
            // way than the percentiles themselves: claim nothing then.
            let moved_up = q.change.candidate > q.change.baseline;
            let moved_down = q.change.candidate < q.change.baseline;
            if (q.verdict == Verdict::Regression && !moved_up)
                || (q.verdict == Verdict::Improvement && !moved_down)
            {
                q.verdict = Verdict::NoSignificantChange;
                q.note =
                    Some("the test and the change in the percentile point different ways".into());
            }
        }
    }
    if let Some(e) = &mut row.error_rate {
        let iv = e.difference_interval;
        e.verdict = verdict_for(
            &e.test,
            iv.low >= -o.error_tolerance && iv.high <= o.error_tolerance,
        );
    }
    let all: Vec<Verdict> = row
        .latency
        .iter()
        .map(|q| q.verdict)
        .chain(row.error_rate.as_ref().map(|e| e.verdict))
        .collect();
    row.verdict = combine(&all);
    row
}

/// The verdict of several statistics: any regression wins, then any
/// improvement; "equivalent" only when every tested statistic is.
pub fn combine(verdicts: &[Verdict]) -> Verdict {
    let any = |v: Verdict| verdicts.contains(&v);
    if any(Verdict::Regression) {
        Verdict::Regression
    } else if any(Verdict::Improvement) {
        Verdict::Improvement
    } else if any(Verdict::NoSignificantChange) {
        Verdict::NoSignificantChange
    } else if any(Verdict::Equivalent) {
        Verdict::Equivalent
    } else {
        Verdict::InsufficientData
    }
}

fn run_info(s: &RunSummary, overall: &Histogram<u64>, blocks: usize) -> RunInfo {
    RunInfo {
        source: s.source.clone(),
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
