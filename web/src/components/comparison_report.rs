//! A comparison as the page shows it, verdict first: the overall verdict
//! and the load check, then overlaid charts, then every statistic of every
//! row with its change, interval, adjusted p-value and verdict. Each figure
//! carries its exact value in `data-value`, as the JSON of `verdict compare`.

use std::rc::Rc;

use verdict_core::compare::{
    Change, Comparison, ErrorRateComparison, QuantileComparison, RowComparison, Verdict,
};
use verdict_core::units::{significant, Significant};
use verdict_core::RunSummary;
use yew::prelude::*;

use crate::components::chart_width;
use crate::components::overlay_chart::{Overlay, OverlayChart};
use crate::display;

#[derive(Properties, PartialEq)]
pub struct ComparisonReportProps {
    pub comparison: Rc<Comparison>,
    /// The two runs' summaries, for the overlaid charts (none in a link that
    /// does not carry them).
    pub runs: Option<(Rc<RunSummary>, Rc<RunSummary>)>,
    pub width: f64,
}

/// A verdict's stable key, as in the JSON of `verdict compare`.
pub fn verdict_key(v: Verdict) -> &'static str {
    match v {
        Verdict::Regression => "regression",
        Verdict::Improvement => "improvement",
        Verdict::Equivalent => "equivalent",
        Verdict::NoSignificantChange => "no-significant-change",
        Verdict::InsufficientData => "insufficient-data",
    }
}

/// The badge of a verdict.
pub fn verdict_badge(v: Verdict) -> Html {
    let key = verdict_key(v);
    html! { <span class={classes!("verdict", key)}>{v.as_str()}</span> }
}

fn value_cell(v: f64, text: String) -> Html {
    if v.is_finite() {
        html! { <td class="num" data-value={display::exact(v)}>{text}</td> }
    } else {
        html! { <td class="num">{"–"}</td> }
    }
}

fn relative(c: &Change) -> String {
    c.relative
        .map_or("–".into(), |r| format!("{:+.1}%", r * 100.0))
}

/// A ratio with three significant digits, however small or large
/// ([`Significant::Ratio`]): `×1.23`.
fn ratio(v: f64) -> String {
    format!("×{}", significant(v, Significant::Ratio))
}

fn p_cell(p: Option<f64>) -> Html {
    match p {
        Some(p) => html! {
            <td class="num" data-metric="p_adjusted" data-value={display::exact(p)}>
                {if p < 0.0001 { "<0.0001".to_string() } else { format!("{p:.4}") }}
            </td>
        },
        None => html! { <td class="num">{"–"}</td> },
    }
}

fn latency_row(row: &RowComparison, q: &QuantileComparison, first: bool) -> Html {
    let interval = match q.ratio_interval {
        Some(iv) => html! {
            <td class="num" data-low={display::exact(iv.low)} data-high={display::exact(iv.high)}>
                {format!("{}–{}", ratio(iv.low), ratio(iv.high))}
            </td>
        },
        None => html! { <td class="num">{"–"}</td> },
    };
    html! {
        <tr data-endpoint={row.name.clone()} data-statistic={q.statistic.clone()} data-verdict={verdict_key(q.verdict)} title={q.note.clone().unwrap_or_default()}>
            <th scope="row">{if first { row.name.clone() } else { String::new() }}</th>
            <td>{q.statistic.clone()}</td>
            {value_cell(q.change.baseline, display::ms_unit(q.change.baseline))}
            {value_cell(q.change.candidate, display::ms_unit(q.change.candidate))}
            <td class="num">{relative(&q.change)}</td>
            {interval}
            {p_cell(q.test.map(|t| t.p_adjusted))}
            <td>{verdict_badge(q.verdict)}</td>
        </tr>
    }
}

fn error_row(row: &RowComparison, e: &ErrorRateComparison) -> Html {
    let iv = e.difference_interval;
    html! {
        <tr data-endpoint={row.name.clone()} data-statistic="errors" data-verdict={verdict_key(e.verdict)}>
            <th scope="row"></th>
            <td>{"error rate"}</td>
            {value_cell(e.change.baseline, display::percent(e.change.baseline))}
            {value_cell(e.change.candidate, display::percent(e.change.candidate))}
            <td class="num">{format!("{:+.2} pp", e.change.absolute * 100.0)}</td>
            <td class="num" data-low={display::exact(iv.low)} data-high={display::exact(iv.high)}>
                {format!("{:+.2}–{:+.2} pp", iv.low * 100.0, iv.high * 100.0)}
            </td>
            {p_cell(Some(e.test.p_adjusted))}
            <td>{verdict_badge(e.verdict)}</td>
        </tr>
    }
}

#[component]
pub fn ComparisonReport(props: &ComparisonReportProps) -> Html {
    let c = &*props.comparison;
    let width = chart_width(props.width);
    let half = if width >= 900.0 {
        ((width - 24.0) / 2.0).floor()
    } else {
        width
    };
    let headline = format!(
        "{}{} statistic{} regressed, {} improved (α = {}, differences within ±{:.0}% latency or ±{:.2} points of error rate count as equal)",
        if c.comparable {
            ""
        } else {
            "the runs were not driven at the same load, so no overall verdict; in the rows below "
        },
        c.regressions,
        if c.regressions == 1 { "" } else { "s" },
        c.improvements,
        c.options.alpha,
        c.options.latency_tolerance * 100.0,
        c.options.error_tolerance * 100.0
    );
    let run_line = |label: &str, r: &verdict_core::compare::RunInfo| {
        let mut parts = vec![format!("{} requests", display::count(r.requests))];
        if let Some(x) = r.rps {
            parts.push(format!("{} req/s", display::per_second(x)));
        }
        if let Some(c) = r.peak_concurrency {
            parts.push(format!("peak {} VUs", display::concurrency(c)));
        }
        if r.partial {
            parts.push(format!(
                "PARTIAL: {}",
                r.partial_reason
                    .as_deref()
                    .unwrap_or("the file was cut or damaged")
            ));
        }
        html! { <li><strong>{label}</strong>{format!(" {} — {}", r.source, parts.join(", "))}</li> }
    };
    html! {
        // `data-verdict` is the rows' worst verdict (as `rows_verdict` in
        // `verdict compare --json`); `data-comparable` says whether it is the
        // comparison's own.
        <div class="comparison-report" data-verdict={verdict_key(c.rows_verdict)} data-comparable={c.comparable.to_string()}>
            if c.comparable {
                <p class="verdict-line">{verdict_badge(c.rows_verdict)}
                    // A run read from a cut file is said on the verdict itself.
                    if let Some(line) = c.partial_line() {
                        {" "}<span class="partial" data-partial="true">{line}</span>
                    }
                    {" "}{headline}</p>
            } else {
                <p class="verdict-line" data-headline={c.headline.clone()}>
                    <span class="verdict not-comparable">{c.headline.clone()}</span>
                    if let Some(line) = c.partial_line() {
                        {" "}<span class="partial" data-partial="true">{line}</span>
                    }
                    {" — "}{headline}
                </p>
            }
            <ul class="compared-runs">
                {run_line("Baseline", &c.baseline)}
                {run_line("Candidate", &c.candidate)}
            </ul>
            for note in c.load.notes.iter() {
                if c.load.same_load {
                    <p class="muted load-note">{note.clone()}</p>
                } else {
                    <p class="load-warning" role="alert" data-same-load="false">{note.clone()}</p>
                }
            }
            if let Some((a, b)) = &props.runs {
                <div class="chart-pair">
                    <OverlayChart kind={Overlay::Percentiles} baseline={(**a).clone()} candidate={(**b).clone()} width={half} />
                    <OverlayChart kind={Overlay::Timeline} baseline={(**a).clone()} candidate={(**b).clone()} width={half} />
                </div>
            }
            <div class="table-wrap" role="region" aria-label="Every statistic compared" tabindex="0">
                <table class="endpoints comparison-table">
                    <thead>
                        <tr>
                            <th scope="col">{"Endpoint"}</th>
                            <th scope="col">{"Statistic"}</th>
                            <th scope="col" class="num">{"Baseline"}</th>
                            <th scope="col" class="num">{"Candidate"}</th>
                            <th scope="col" class="num">{"Change"}</th>
                            <th scope="col" class="num" title="Interval of candidate/baseline (latency) or of the difference (error rate), at the level its test was held to after the adjustment: a verdict never contradicts it">{"Interval"}</th>
                            <th scope="col" class="num" title="p-value adjusted over every test of the comparison">{"p (adj.)"}</th>
                            <th scope="col">{"Verdict"}</th>
                        </tr>
                    </thead>
                    <tbody>
                        for row in c.rows() {
                            for (i, q) in row.latency.iter().enumerate() {
                                {latency_row(row, q, i == 0)}
                            }
                            if let Some(e) = &row.error_rate {
                                {error_row(row, e)}
                            }
                        }
                    </tbody>
                </table>
            </div>
            if !c.only_in_baseline.is_empty() || !c.only_in_candidate.is_empty() {
                <p class="muted">
                    {format!("Only in the baseline: {}. Only in the candidate: {}.",
                        if c.only_in_baseline.is_empty() { "none".to_string() } else { c.only_in_baseline.join(", ") },
                        if c.only_in_candidate.is_empty() { "none".to_string() } else { c.only_in_candidate.join(", ") })}
                </p>
            }
            <details class="method">
                <summary>{"How these numbers were obtained"}</summary>
                <ul>
                    for note in c.notes.iter() {
                        <li>{note.clone()}</li>
                    }
                </ul>
            </details>
        </div>
    }
}
