//! The plain-data result of a comparison: what `verdict compare --json`
//! prints and what the UI renders. Field names are a stable contract: later
//! versions add fields, never rename them. Latencies are in milliseconds.

use serde::{Deserialize, Serialize};

use super::stats::{Adjustment, Interval};

/// Settings of a comparison (all have defaults; they are echoed in the result).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct CompareOptions {
    /// Significance level of each family of tests (after adjustment), and
    /// 1 − the confidence level of the intervals.
    pub alpha: f64,
    /// Multiplicity adjustment across all endpoints and statistics.
    pub adjustment: Adjustment,
    /// δ for latency: a change within a factor of 1 + δ either way is
    /// practically equal. 0.10 = 10%.
    pub latency_tolerance: f64,
    /// δ for error rates, as an absolute difference of proportions
    /// (0.005 = half a percentage point).
    pub error_tolerance: f64,
    /// Relative difference in concurrency (or throughput, when concurrency
    /// is unknown) beyond which two runs are not at the same load.
    pub load_tolerance: f64,
    /// Bootstrap replicates per interval, and permutations per block test.
    pub bootstrap_replicates: u32,
    /// Seed of the bootstrap: the same inputs always give the same intervals.
    pub seed: u64,
}

impl Default for CompareOptions {
    fn default() -> Self {
        CompareOptions {
            alpha: 0.05,
            adjustment: Adjustment::Holm,
            latency_tolerance: 0.10,
            error_tolerance: 0.005,
            load_tolerance: 0.10,
            bootstrap_replicates: 2000,
            seed: 0x5eed_c0de,
        }
    }
}

/// What a comparison of one statistic concludes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    /// Too few samples for the statistic (see the row's `note`).
    InsufficientData,
    /// Not significant, and the interval does not rule out a change beyond δ.
    NoSignificantChange,
    /// The whole interval lies within ±δ: equal for practical purposes
    /// (even if a tiny change is statistically detectable).
    Equivalent,
    /// Significantly better, beyond what ±δ can hold.
    Improvement,
    /// Significantly worse, beyond what ±δ can hold.
    Regression,
}

impl Verdict {
    /// The verdict as words: "no significant change", "regression", ….
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::InsufficientData => "insufficient data",
            Verdict::NoSignificantChange => "no significant change",
            Verdict::Equivalent => "equivalent",
            Verdict::Improvement => "improvement",
            Verdict::Regression => "regression",
        }
    }
}

/// What a whole comparison concludes: the worst verdict of its rows when
/// the runs were driven at the same load, otherwise "not comparable" (a
/// server is slower at 200 VUs than at 100 without anything having
/// regressed). Same names as [`Verdict`] in JSON, plus `not-comparable`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Conclusion {
    /// Too few requests (or no failures recorded) to test.
    InsufficientData,
    /// No change that the test can tell apart from noise.
    NoSignificantChange,
    /// Equivalent to the baseline within ±δ.
    Equivalent,
    /// Significantly better, beyond what ±δ can hold.
    Improvement,
    /// Significantly worse, beyond what ±δ can hold.
    Regression,
    /// The loads differ beyond the tolerance: the rows keep their verdicts,
    /// the comparison as a whole gives none.
    NotComparable,
}

impl Conclusion {
    /// The rows' worst verdict, or "not comparable" when the loads differ.
    pub fn of(rows: Verdict, comparable: bool) -> Conclusion {
        if !comparable {
            return Conclusion::NotComparable;
        }
        match rows {
            Verdict::InsufficientData => Conclusion::InsufficientData,
            Verdict::NoSignificantChange => Conclusion::NoSignificantChange,
            Verdict::Equivalent => Conclusion::Equivalent,
            Verdict::Improvement => Conclusion::Improvement,
            Verdict::Regression => Conclusion::Regression,
        }
    }

    /// The conclusion as words: "not comparable", "regression", ….
    pub fn as_str(self) -> &'static str {
        match self {
            Conclusion::InsufficientData => Verdict::InsufficientData.as_str(),
            Conclusion::NoSignificantChange => Verdict::NoSignificantChange.as_str(),
            Conclusion::Equivalent => Verdict::Equivalent.as_str(),
            Conclusion::Improvement => Verdict::Improvement.as_str(),
            Conclusion::Regression => Verdict::Regression.as_str(),
            Conclusion::NotComparable => "not comparable",
        }
    }
}

/// A number in both runs and how it changed.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Change {
    /// The value in the baseline run.
    pub baseline: f64,
    /// The value in the candidate run.
    pub candidate: f64,
    /// candidate − baseline
    pub absolute: f64,
    /// candidate / baseline − 1; `None` when the baseline is 0.
    pub relative: Option<f64>,
}

impl Change {
    /// The change from `baseline` to `candidate`.
    pub fn new(baseline: f64, candidate: f64) -> Change {
        Change {
            baseline,
            candidate,
            absolute: candidate - baseline,
            relative: (baseline != 0.0).then(|| candidate / baseline - 1.0),
        }
    }
}

/// How a p-value was obtained.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TestMethod {
    /// Fisher's exact test on a 2×2 table (requests above the pooled
    /// percentile, i.e. Mood's median test generalised, or failed requests).
    /// Used when the runs have no time blocks, so requests are taken as
    /// independent.
    Fisher,
    /// The same proportions compared with each run's variance inflated by its
    /// design effect (Agresti–Caffo adjusted, Welch-type t with the time
    /// blocks' degrees of freedom): a run whose slow requests come in bursts
    /// carries its own, larger uncertainty.
    ClusterRobust,
    /// A permutation test over time blocks: the blocks of both runs dealt at
    /// random into two groups, the percentile ratio of each deal against the
    /// observed one. Blocks, not requests, are the independent units. Used
    /// for the whole run when both runs have enough blocks.
    BlockPermutation,
    /// The bootstrap distribution of the percentile ratio (requests
    /// resampled with the sample size shrunk by the design effect): the
    /// share of replicates on the far side of ×1 is the p-value, the same
    /// distribution's percentiles the interval. Endpoints, and whole runs
    /// with few time blocks.
    Bootstrap,
    /// Agresti–Caffo adjusted Wald test of a difference of proportions with
    /// requests taken as independent (runs without timestamps).
    Wald,
}

/// The counts behind a proportion test.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct TestCounts {
    /// The pooled percentile the requests are counted above (latency tests).
    pub threshold_ms: Option<f64>,
    /// Baseline requests counted (above the threshold, or failed).
    pub baseline_count: u64,
    /// Baseline requests in all.
    pub baseline_n: u64,
    /// Candidate requests counted (above the threshold, or failed).
    pub candidate_count: u64,
    /// Candidate requests in all.
    pub candidate_n: u64,
    /// Variance inflation from dependence between requests of the same time
    /// block (1 = independent), each run its own.
    pub baseline_design_effect: f64,
    /// The candidate's design effect (see `baseline_design_effect`).
    pub candidate_design_effect: f64,
}

/// The numbers behind a block permutation test.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct BlockPermutationTest {
    /// Time blocks of the baseline run.
    pub baseline_blocks: usize,
    /// Time blocks of the candidate run.
    pub candidate_blocks: usize,
    /// Random deals of the blocks drawn.
    pub permutations: u32,
    /// ln(candidate/baseline) of the percentile (values + 1 µs).
    pub log_ratio: f64,
}

/// Whether a change is significant.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct SignificanceTest {
    /// How the p-values were obtained.
    pub method: TestMethod,
    /// One-sided p-value against "the candidate is worse".
    pub p_worse: f64,
    /// One-sided p-value against "the candidate is better".
    pub p_better: f64,
    /// Two-sided p-value: 2 · min(p_worse, p_better), at most 1.
    pub p_value: f64,
    /// `p_value` adjusted across every test of the comparison.
    pub p_adjusted: f64,
    /// `p_adjusted` ≤ alpha.
    pub significant: bool,
    /// Degrees of freedom of the t reference distribution (cluster-robust
    /// tests: the fewer time blocks of the two runs, minus one).
    pub degrees_of_freedom: Option<f64>,
    /// The counts behind a proportion test.
    pub counts: Option<TestCounts>,
    /// The numbers behind a block permutation test.
    pub blocks: Option<BlockPermutationTest>,
    /// Requests each run counts for once dependence is allowed for
    /// (requests / design effect), for tests that resample requests.
    #[serde(default)]
    pub effective_n: Option<[f64; 2]>,
}

impl SignificanceTest {
    /// A test with these one-sided p-values, not yet adjusted or judged.
    pub fn new(method: TestMethod, p_worse: f64, p_better: f64) -> SignificanceTest {
        SignificanceTest {
            method,
            p_worse,
            p_better,
            p_value: (2.0 * p_worse.min(p_better)).min(1.0),
            p_adjusted: 1.0,
            significant: false,
            degrees_of_freedom: None,
            counts: None,
            blocks: None,
            effective_n: None,
        }
    }

    /// Worse rather than better (the direction of a significant change).
    pub fn worse(&self) -> bool {
        self.p_worse < self.p_better
    }
}

/// How the interval of a latency ratio was obtained.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum IntervalMethod {
    /// Resampling whole time blocks of each run.
    BlockBootstrap,
    /// Resampling requests independently, with the sample size shrunk by
    /// the run's design effect.
    IidBootstrap,
    /// Inverting the block permutation test: the ratios r for which
    /// "candidate = r × baseline" is not rejected at the interval's level.
    BlockPermutation,
}

/// One latency percentile in both runs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QuantileComparison {
    /// "p50", "p95", "p99".
    pub statistic: String,
    /// 0.5, 0.95, 0.99.
    pub quantile: f64,
    /// Milliseconds, read from each run's histogram.
    pub change: Change,
    /// Interval of candidate/baseline at level `confidence`, from the same
    /// procedure as the test: it excludes ×1 exactly when the statistic is
    /// significant after the multiplicity adjustment.
    pub ratio_interval: Option<Interval>,
    /// How `ratio_interval` was obtained.
    pub interval_method: Option<IntervalMethod>,
    /// Confidence level of `ratio_interval` (1 − the level its test was
    /// held to after the adjustment, e.g. 0.9983 = 1 − 0.05/30).
    #[serde(default)]
    pub confidence: Option<f64>,
    /// The test of the change, when there were enough requests.
    pub test: Option<SignificanceTest>,
    /// What the change means: regression, improvement, equivalent, ….
    pub verdict: Verdict,
    /// Why there is no test or interval, when there is none.
    pub note: Option<String>,
}

/// The error rate in both runs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ErrorRateComparison {
    /// Proportions (0.01 = 1%).
    pub change: Change,
    /// Interval of candidate − baseline at level `confidence`, inverting the
    /// row's test: it excludes 0 exactly when the change is significant.
    pub difference_interval: Interval,
    /// Confidence level of `difference_interval` after the adjustment.
    #[serde(default)]
    pub confidence: Option<f64>,
    /// The test of the change in error rate.
    pub test: SignificanceTest,
    /// What the change means: regression, improvement, equivalent, ….
    pub verdict: Verdict,
}

/// One endpoint (or the whole run) in both runs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RowComparison {
    /// Endpoint display name (`ALL` for the whole run).
    pub name: String,
    /// The HTTP method, when the format records one.
    pub method: Option<String>,
    /// Requests in each run.
    pub requests: Change,
    /// Requests per second over each run's duration.
    pub rps: Option<Change>,
    /// The compared percentiles (p50, p95, p99).
    pub latency: Vec<QuantileComparison>,
    /// `None` when a run does not record failures (latency-only inputs).
    pub error_rate: Option<ErrorRateComparison>,
    /// The worst verdict of the row's statistics.
    pub verdict: Verdict,
}

/// The facts about one run that a comparison needs to be read right.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunInfo {
    /// The file the run was read from.
    pub source: String,
    /// RFC 3339 start of the run, when known.
    #[serde(default)]
    pub start: Option<String>,
    /// Requests in the run.
    pub requests: u64,
    /// How long the run lasted, in seconds.
    pub duration_s: Option<f64>,
    /// Requests per second.
    pub rps: Option<f64>,
    /// The most virtual users or connections at once.
    pub peak_concurrency: Option<f64>,
    /// Time blocks the dependence estimate and block bootstrap used.
    pub time_blocks: usize,
    /// The run was read from a cut or damaged file (as in its summary): the
    /// comparison rests on the part that was read.
    #[serde(default)]
    pub partial: bool,
    /// Why the run is partial, when it is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub partial_reason: Option<String>,
}

/// Whether the two runs were driven at the same load.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LoadCheck {
    /// False when the loads differ beyond the tolerance: the comparison is
    /// then not like for like.
    pub same_load: bool,
    /// Peak concurrency in both runs.
    pub concurrency: Option<Change>,
    /// Requests per second in both runs.
    pub rps: Option<Change>,
    /// Human-readable findings (empty when the loads match).
    pub notes: Vec<String>,
}

/// Baseline against candidate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Comparison {
    /// The first run, compared against.
    pub baseline: RunInfo,
    /// The second run, judged against the baseline.
    pub candidate: RunInfo,
    /// The options the comparison ran with.
    pub options: CompareOptions,
    /// Whether both runs were driven at the same load.
    pub load: LoadCheck,
    /// All requests of each run.
    pub overall: RowComparison,
    /// Endpoints present in both runs, by name.
    pub endpoints: Vec<RowComparison>,
    /// Endpoints only the baseline has.
    pub only_in_baseline: Vec<String>,
    /// Endpoints only the candidate has.
    pub only_in_candidate: Vec<String>,
    /// The comparison's conclusion: [`Conclusion::NotComparable`] when the
    /// loads differ beyond the tolerance, otherwise `rows_verdict`.
    pub verdict: Conclusion,
    /// The worst verdict of any row, whatever the load (the rows keep their
    /// own verdicts when the comparison as a whole is not comparable).
    #[serde(default = "no_rows_verdict")]
    pub rows_verdict: Verdict,
    /// False when the loads differ beyond the tolerance: the headline and
    /// `verdict` are then "not comparable", not the rows' verdict.
    #[serde(default = "yes")]
    pub comparable: bool,
    /// The one-line conclusion: "not comparable: the load differs", or the
    /// text of `verdict`.
    #[serde(default)]
    pub headline: String,
    /// The baseline started after the candidate (both start times known).
    #[serde(default)]
    pub baseline_started_later: bool,
    /// Statistics (over all rows) judged a regression.
    pub regressions: usize,
    /// Statistics (over all rows) judged an improvement.
    pub improvements: usize,
    /// How the numbers were obtained and what limits them.
    pub notes: Vec<String>,
}

fn yes() -> bool {
    true
}

fn no_rows_verdict() -> Verdict {
    Verdict::InsufficientData
}

/// The headline when the loads differ beyond the tolerance.
pub const NOT_COMPARABLE: &str = "not comparable: the load differs";

impl Comparison {
    /// Reads a comparison from its JSON (a share link's). One written before
    /// `comparable` and `headline` existed takes them from its load check,
    /// so a link of runs at different loads still reads "not comparable";
    /// one written before `rows_verdict` existed (its `verdict` was the
    /// rows' worst, whatever the load) takes both from its rows.
    pub fn from_json(v: serde_json::Value) -> Result<Self, serde_json::Error> {
        let mut c: Self = serde_json::from_value(v)?;
        if c.headline.is_empty() {
            c.comparable = c.load.same_load;
        }
        let statistics: Vec<Verdict> = c
            .rows()
            .flat_map(|r| {
                r.latency
                    .iter()
                    .map(|q| q.verdict)
                    .chain(r.error_rate.as_ref().map(|e| e.verdict))
            })
            .collect();
        c.rows_verdict = combine(&statistics);
        c.verdict = Conclusion::of(c.rows_verdict, c.comparable);
        if c.headline.is_empty() {
            c.headline = if c.comparable {
                c.verdict.as_str().into()
            } else {
                NOT_COMPARABLE.into()
            };
        }
        Ok(c)
    }

    /// All rows, the whole run first.
    pub fn rows(&self) -> impl Iterator<Item = &RowComparison> {
        std::iter::once(&self.overall).chain(&self.endpoints)
    }

    /// `on partial data (candidate x.json.gz: the file …)` when a run was read
    /// from a cut or damaged file: the verdict line says so, not only a note.
    pub fn partial_line(&self) -> Option<String> {
        let runs: Vec<String> = [("baseline", &self.baseline), ("candidate", &self.candidate)]
            .iter()
            .filter(|(_, r)| r.partial)
            .map(|(label, r)| {
                format!(
                    "{label} {}: {}",
                    r.source,
                    r.partial_reason
                        .as_deref()
                        .unwrap_or("the file was cut or damaged")
                )
            })
            .collect();
        (!runs.is_empty()).then(|| format!("on partial data ({})", runs.join("; ")))
    }
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
