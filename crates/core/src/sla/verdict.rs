//! The outcome of a rule on a run: plain data, serialised as the stable JSON
//! of `verdict check --json` (fields are added over time, never renamed).

use serde::{Deserialize, Serialize};

/// PASS only when the interval lies inside the limit, FAIL when it lies
/// beyond, INCONCLUSIVE otherwise (including "no data").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    /// The interval lies inside the limit.
    Pass,
    /// Neither pass nor fail can be told (including "no data").
    Inconclusive,
    /// The interval lies beyond the limit.
    Fail,
}

impl Outcome {
    /// `pass`, `fail` or `inconclusive`.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Pass => "pass",
            Outcome::Fail => "fail",
            Outcome::Inconclusive => "inconclusive",
        }
    }

    /// `PASS`, `FAIL` or `INCONCLUSIVE`.
    pub fn upper(self) -> &'static str {
        match self {
            Outcome::Pass => "PASS",
            Outcome::Fail => "FAIL",
            Outcome::Inconclusive => "INCONCLUSIVE",
        }
    }
}

/// What the verdict rests on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Basis {
    /// A confidence interval computed from per-request samples.
    Interval,
    /// A fact of this run with no sampling interval (max, min, counts, req/s).
    Observed,
    /// The tool's own summary number: a point verdict, no interval.
    ToolReported,
    /// Nothing to evaluate (no data, or a selector Verdict cannot evaluate).
    NoData,
}

/// One time window of a rule's evaluation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WindowVerdict {
    /// Window start and end, seconds since the run start.
    pub start_s: f64,
    /// Window end, seconds since the run start.
    pub end_s: f64,
    /// Requests (or checks) in the window.
    pub n: u64,
    /// The statistic in the window.
    pub estimate: Option<f64>,
    /// Lower end of the statistic's interval.
    pub ci_low: Option<f64>,
    /// Upper end of the statistic's interval.
    pub ci_high: Option<f64>,
    /// For a windowed rule, this window's verdict at the (Bonferroni-adjusted)
    /// level; for a whole-run rule, whether the window's point estimate
    /// complies (to show where a failing rule broke).
    pub verdict: Outcome,
}

/// One rule on one population of one run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Verdict {
    /// The rule as text (the canonical rule syntax).
    pub rule: String,
    /// The rule's name, when it has one.
    pub rule_name: Option<String>,
    /// Position of the rule in its SLA (0-based).
    pub rule_index: usize,
    /// The run's source file.
    pub run: String,
    /// `*overall*`, an endpoint name, or the selector of a merged set.
    pub endpoint: String,
    /// `p95`, `mean`, `error_rate`, `rps`, …
    pub statistic: String,
    /// The comparison operator: `<`, `<=`, ….
    pub op: String,
    /// The limit in ms, for latency statistics.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit_ms: Option<f64>,
    /// The limit for other statistics (a fraction for rates, per second for rps).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<f64>,
    /// The limit as written (`200ms`, `0.1%`).
    pub limit_text: String,
    /// Unit of `estimate`, `ci_low`, `ci_high`: `ms`, `fraction`, `per_s`, `count`.
    pub unit: String,
    /// The statistic, in `unit`.
    pub estimate: Option<f64>,
    /// Lower end of the statistic's interval, at `confidence`.
    pub ci_low: Option<f64>,
    /// Upper end of the statistic's interval, at `confidence`.
    pub ci_high: Option<f64>,
    /// Requests (or checks) the estimate rests on.
    pub n: Option<u64>,
    /// The rule's outcome.
    pub verdict: Outcome,
    /// The k6-compatible point verdict: the statistic as k6 computes it,
    /// compared with the limit, with no interval.
    pub point_verdict: Option<Outcome>,
    /// The statistic as k6 computes it (or the tool's own number).
    pub point_estimate: Option<f64>,
    /// The verdict the tool itself recorded for this rule (k6 thresholds).
    pub tool_verdict: Option<Outcome>,
    /// For INCONCLUSIVE: about how many requests would decide it, if the
    /// observed rate of slow (or failed) requests stays the same.
    pub needed_n: Option<u64>,
    /// How much more the outcomes vary over time than independent requests
    /// would (statistics.md §4.3); the bounds use n / factor samples when it
    /// exceeds 1.5 (then 1.0 means checked, nothing found). `None`: not checked.
    pub dependence_factor: Option<f64>,
    /// The confidence level of the verdict.
    pub confidence: f64,
    /// What the verdict rests on.
    pub basis: Basis,
    /// How the estimate and interval were computed.
    pub method: String,
    /// Why there is no verdict, when there is none.
    pub reason: Option<String>,
    /// Caveats (dependence detected, approximations, windows widened…).
    pub notes: Vec<String>,
    /// Per-window results (windowed rules, or where a whole-run rule broke).
    pub windows: Vec<WindowVerdict>,
    /// The run was read from a cut or damaged file (see the summary's
    /// `partial`): the verdict rests on the requests read before the cut.
    #[serde(default)]
    pub partial: bool,
    /// Why, as in the summary's `partial_reason`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub partial_reason: Option<String>,
}

impl Verdict {
    /// `PASS`, `FAIL`, `INCONCLUSIVE`, followed by ` on partial data` when
    /// the run was read from a cut or damaged file: the verdict text itself
    /// says so, wherever it is shown.
    pub fn label(&self) -> String {
        if self.partial {
            format!("{} on partial data", self.verdict.upper())
        } else {
            self.verdict.upper().to_string()
        }
    }
}
