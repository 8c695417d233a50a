//! The answer first: the verdict for the runs in view (PASS / FAIL /
//! INCONCLUSIVE counts and one plain sentence), then each run's headline
//! figures, each linking to its run's panel below.

use std::rc::Rc;

use verdict_core::report;
use verdict_core::sla::render::counts;
use verdict_core::sla::{Outcome, Verdict};
use verdict_core::RunSummary;
use yew::prelude::*;

use crate::display;

/// The id of a precomputed row whose run the page has not yet opened.
pub const NO_ENTRY: u32 = u32::MAX;

/// One run as the answer shows it.
#[derive(Clone, PartialEq)]
pub struct AnswerRun {
    pub id: u32,
    pub name: String,
    pub summary: Rc<RunSummary>,
    /// The current SLA verdicts, once evaluated.
    pub verdicts: Option<Rc<Vec<Verdict>>>,
    pub demo: bool,
    /// Computed when the page was built (the demo, see [`crate::boot`]),
    /// shown until the page has read it: no data attributes, so tests and
    /// scrapers wait for the page's own answer.
    pub precomputed: bool,
}

#[derive(Properties, PartialEq)]
pub struct AnswerProps {
    pub runs: Vec<AnswerRun>,
    /// Files still being read.
    pub reading: usize,
    /// How many SLA rules there are.
    pub rules: usize,
    /// A file (the demo, or one kept from a visit before) is on its way but
    /// not yet counted as reading: the answer keeps its place for it.
    #[prop_or_default]
    pub expecting: bool,
}

/// A run's own verdict: FAIL if any rule fails, else INCONCLUSIVE if any is
/// undecided, else PASS (`None` before evaluation or with no verdicts).
pub fn run_outcome(verdicts: &[Verdict]) -> Option<Outcome> {
    verdicts.iter().map(|v| v.verdict).max()
}

/// The sentence over several runs.
fn sentence(runs: &[AnswerRun], rules: usize) -> String {
    if rules == 0 {
        return "No SLA rules yet: open “SLA rules” below to say what “good enough” is, and every run gets a verdict.".into();
    }
    let evaluated: Vec<&[Verdict]> = runs
        .iter()
        .filter_map(|r| r.verdicts.as_deref().map(Vec::as_slice))
        .collect();
    if evaluated.is_empty() {
        return "Checking the runs against the rules…".into();
    }
    if let [only] = evaluated[..] {
        if runs.len() == 1 {
            return report::bottom_line(only);
        }
    }
    let outcome = |o| {
        evaluated
            .iter()
            .filter(|v| run_outcome(v) == Some(o))
            .count()
    };
    let (pass, fail, undecided) = (
        outcome(Outcome::Pass),
        outcome(Outcome::Fail),
        outcome(Outcome::Inconclusive),
    );
    let n = evaluated.len();
    let runs_word = |k: usize| if k == 1 { "run" } else { "runs" };
    if fail > 0 {
        let mut s = format!("{fail} of {n} {} fail at least one rule", runs_word(n));
        if undecided > 0 {
            s.push_str(&format!("; {undecided} cannot be decided from their data"));
        }
        s.push_str(&format!("; {pass} pass every rule."));
        s
    } else if undecided > 0 {
        format!("No run fails a rule, but {undecided} of {n} {} cannot be decided from their data: more requests, or longer runs, would decide them.", runs_word(n))
    } else {
        format!(
            "All {n} {} pass every rule at the stated confidence.",
            runs_word(n)
        )
    }
}

#[component]
pub fn Answer(props: &AnswerProps) -> Html {
    if props.runs.is_empty() && (props.reading > 0 || props.expecting) {
        return pending(props);
    }
    if props.runs.is_empty() {
        return html! {
            <section class="answer empty" id="answer" aria-labelledby="answer-title">
                <h2 id="answer-title">{"The answer"}</h2>
                <p class="answer-sentence">{if props.reading > 0 { "Reading your files…" } else { "Open or drop load-test result files: the verdict and each run's headline figures appear here." }}</p>
            </section>
        };
    }
    let all: Vec<Verdict> = props
        .runs
        .iter()
        .filter_map(|r| r.verdicts.as_deref())
        .flatten()
        .cloned()
        .collect();
    let (pass, fail, inconclusive) = counts(&all);
    let evaluated = props.runs.iter().any(|r| r.verdicts.is_some());
    let overall = if evaluated { run_outcome(&all) } else { None };
    let precomputed = props.runs.iter().any(|r| r.precomputed);
    let count = |n: usize| (!precomputed).then(|| n.to_string());
    html! {
        <section class={classes!("answer", overall.map(Outcome::as_str))} id="answer" aria-labelledby="answer-title"
            data-pass={count(pass)} data-fail={count(fail)} data-inconclusive={count(inconclusive)}>
            <h2 id="answer-title">{"The answer"}</h2>
            <div class="answer-verdict">
                if props.rules > 0 && evaluated {
                    <p class="answer-counts">
                        <span class="pill fail">{format!("{fail} FAIL")}</span>
                        <span class="pill inconclusive">{format!("{inconclusive} INCONCLUSIVE")}</span>
                        <span class="pill pass">{format!("{pass} PASS")}</span>
                    </p>
                } else if props.rules > 0 {
                    {placeholder_counts()}
                }
                <p class="answer-sentence">{sentence(&props.runs, props.rules)}</p>
            </div>
            <ul class="answer-runs">
                for r in props.runs.iter() { {run_row(r)} }
            </ul>
            if props.reading > 0 && !precomputed {
                <p class="muted">{format!("Still reading {} file{}…", props.reading, if props.reading == 1 { "" } else { "s" })}</p>
            }
        </section>
    }
}

/// The counts' place, kept while the verdicts are computed, so that the
/// answer does not grow (and push the page down) when they arrive.
fn placeholder_counts() -> Html {
    html! {
        <p class="answer-counts placeholder" aria-hidden="true">
            <span class="pill fail">{"0 FAIL"}</span>
            <span class="pill inconclusive">{"0 INCONCLUSIVE"}</span>
            <span class="pill pass">{"0 PASS"}</span>
        </p>
    }
}

/// The answer while its first run is read: the same shape as a one-run
/// answer, with dashes for the figures, so nothing moves when they arrive.
fn pending(props: &AnswerProps) -> Html {
    let dash = |label: &str| {
        html! {
            <span class="answer-figure"><span class="label">{label.to_string()}</span>{" "}<strong>{"–"}</strong></span>
        }
    };
    html! {
        <section class="answer pending" id="answer" aria-labelledby="answer-title" aria-busy="true">
            <h2 id="answer-title">{"The answer"}</h2>
            <div class="answer-verdict">
                if props.rules > 0 { {placeholder_counts()} }
                <p class="answer-sentence">{"Reading the results: the verdict for each rule, and each run's headline figures, appear here as soon as they are read."}</p>
            </div>
            <ul class="answer-runs">
                <li class="answer-run placeholder">
                    <div class="answer-run-head"><span class="muted">{"Reading…"}</span></div>
                    <div class="answer-figures">
                        {dash("p95")}{dash("p99")}{dash("errors")}{dash("req/s")}{dash("requests")}
                    </div>
                </li>
            </ul>
        </section>
    }
}

fn run_row(r: &AnswerRun) -> Html {
    let s = &*r.summary;
    let outcome = r.verdicts.as_deref().and_then(|v| run_outcome(v));
    // data-metric / data-value as on the run's own panel, for tests and scrapers.
    let live = !r.precomputed;
    let figure = |label: &str, metric: &str, value: Option<f64>, shown: fn(f64) -> String| {
        html! {
            <span class="answer-figure" data-metric={live.then(|| metric.to_string())} data-value={value.filter(|_| live).map(|v| v.to_string())}>
                <span class="label">{label.to_string()}</span>{" "}<strong>{value.map_or("–".into(), shown)}</strong>
            </span>
        }
    };
    html! {
        <li class="answer-run" data-entry={live.then(|| r.id.to_string())} data-run-name={live.then(|| r.name.clone())}
            data-verdict={outcome.filter(|_| live).map(Outcome::as_str)}>
            <div class="answer-run-head">
                if let Some(o) = outcome { <span class={classes!("tag", o.as_str())}>{o.upper()}</span> }
                <a class="run-link" href={if r.id == NO_ENTRY { "#main".to_string() } else { format!("#entry-{}", r.id) }}>{r.name.clone()}</a>
                if r.demo { <span class="badge demo">{"demo"}</span> }
            </div>
            <div class="answer-figures">
                {figure("p95", "p95", s.latency_ms.p95, display::ms_unit)}
                {figure("p99", "p99", s.latency_ms.p99, display::ms_unit)}
                {figure("errors", "error_rate", s.error_rate, display::percent)}
                {figure("req/s", "rps", s.rps, display::per_second)}
                {figure("requests", "requests", s.requests.map(|n| n as f64), |n| display::count(n as u64))}
            </div>
        </li>
    }
}
