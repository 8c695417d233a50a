//! The verdict table: each rule × endpoint with its verdict and a sentence
//! saying it plainly; the estimate, bounds, limit, n and the k6-style point
//! verdict behind "details"; below a failing or undecided row, why — with
//! the time windows that broke it.
//!
//! Hooks: each row is `tr[data-rule][data-rule-index][data-endpoint]
//! [data-verdict][data-point-verdict]`, each number `[data-metric]` with the
//! `verdict check --json` key and `data-value`, the unrounded number
//! (absent when the CLI has `null`).

use std::rc::Rc;

use verdict_core::sla::render;
use verdict_core::sla::{Basis, Outcome, Verdict, WindowVerdict};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct SlaTableProps {
    pub verdicts: Rc<Vec<Verdict>>,
    /// Shows an endpoint's row in the endpoint table, when there is one.
    #[prop_or_default]
    pub on_endpoint: Option<Callback<String>>,
    /// The endpoint names that have a row to go to.
    #[prop_or_default]
    pub endpoints: Rc<Vec<String>>,
}

fn number(metric: &'static str, value: Option<f64>, text: String) -> Html {
    html! {
        <span data-metric={metric} data-value={value.map(|v| v.to_string())}>{text}</span>
    }
}

fn count(metric: &'static str, value: Option<u64>) -> Html {
    html! {
        <span data-metric={metric} data-value={value.map(|v| v.to_string())}>
            {value.map_or("—".to_string(), crate::display::count)}
        </span>
    }
}

fn outcome_class(o: Outcome) -> &'static str {
    o.as_str()
}

/// The windows a rule broke in, as `12–22 s`.
fn broken_windows(windows: &[WindowVerdict], unit: &str) -> Vec<String> {
    windows
        .iter()
        .filter(|w| w.verdict == Outcome::Fail)
        .map(|w| {
            let estimate = w
                .estimate
                .map_or(String::new(), |e| format!(": {}", render::value(unit, e)));
            format!("{:.1}–{:.1} s{estimate} (n {})", w.start_s, w.end_s, w.n)
        })
        .collect()
}

/// What the verdict rests on, said beside it when it is not an interval.
fn basis_label(v: &Verdict) -> Option<&'static str> {
    match v.basis {
        Basis::Interval => None,
        Basis::Observed => Some("observed fact, no sampling interval"),
        Basis::ToolReported => Some("point verdict on the tool's own summary, no interval"),
        Basis::NoData => Some("no data"),
    }
}

#[component]
pub fn SlaTable(props: &SlaTableProps) -> Html {
    let mut sorted: Vec<&Verdict> = props.verdicts.iter().collect();
    sorted.sort_by_key(|v| (std::cmp::Reverse(v.verdict), v.rule_index));
    let several_runs = props
        .verdicts
        .iter()
        .any(|v| v.run != props.verdicts[0].run);

    let row = |v: &Verdict| {
        let class = outcome_class(v.verdict);
        let goto = props
            .on_endpoint
            .clone()
            .filter(|_| v.verdict != Outcome::Pass && props.endpoints.contains(&v.endpoint));
        let endpoint = match goto {
            Some(on) => {
                let name = v.endpoint.clone();
                let onclick = Callback::from(move |_: MouseEvent| on.emit(name.clone()));
                html! {
                    <button type="button" class="link goto-endpoint" title="Show this endpoint's row in the table below" {onclick}>
                        {v.endpoint.clone()}
                    </button>
                }
            }
            None if v.endpoint == verdict_core::sla::OVERALL => {
                html! { {"all requests"} }
            }
            None => html! { {v.endpoint.clone()} },
        };
        let (limit_key, limit_value) = match (v.limit_ms, v.limit) {
            (Some(ms), _) => ("limit_ms", Some(ms)),
            (None, l) => ("limit", l),
        };
        let point = match (v.point_verdict, v.point_estimate) {
            (Some(p), e) => format!(
                "{}{}",
                p.upper(),
                e.map_or(String::new(), |e| format!(
                    " at {}",
                    render::value(&v.unit, e)
                ))
            ),
            (None, _) => "—".into(),
        };
        // The sentence says why a verdict is undecided; a reason is said once, here.
        let broken = broken_windows(&v.windows, &v.unit);
        let detail = !broken.is_empty() || v.reason.is_some();
        html! {
            <>
                <tr class={classes!("verdict-row", class)}
                    data-rule={v.rule.clone()}
                    data-rule-index={v.rule_index.to_string()}
                    data-run={v.run.clone()}
                    data-endpoint={v.endpoint.clone()}
                    data-verdict={v.verdict.as_str()}
                    data-point-verdict={v.point_verdict.map(Outcome::as_str)}>
                    <td data-label="Verdict">
                        // The verdict text itself says when the file was cut.
                        <span class={classes!("tag", class, v.partial.then_some("partial"))}
                              data-partial={v.partial.then_some("true")}
                              title={v.partial_reason.clone()}>{v.label()}</span>
                        if let Some(label) = basis_label(v) { <span class="basis">{label}</span> }
                        if v.verdict == Outcome::Inconclusive && v.needed_n.is_some() {
                            <span class="needed">{"decided at ≈ "}{count("needed_n", v.needed_n)}{if render::needed_is_per_window(v) { " requests per window" } else { " requests" }}</span>
                        }
                    </td>
                    <td data-label="Finding" class="finding">
                        <p class="plain">{crate::plain::sentence(v)}</p>
                        <span class="rule-line">
                            if let Some(name) = &v.rule_name {
                                // A named rule's text (often long patterns) folds away.
                                <span class="rule-name">{name.clone()}</span>
                                <details class="rule-text"><summary>{"rule text"}</summary><code>{v.rule.clone()}</code></details>
                            } else {
                                <code>{v.rule.clone()}</code>
                            }
                            <span class="endpoint">{" · "}{endpoint}</span>
                            if several_runs { <span class="muted run-name">{v.run.clone()}</span> }
                        </span>
                    </td>
                    <td data-label="Numbers" class="numbers">
                        <details class="verdict-numbers">
                            <summary>{"details"}</summary>
                            <dl>
                                <dt>{"Estimate"}</dt><dd>{number("estimate", v.estimate, render::estimate(v))}</dd>
                                <dt>{format!("Bounds ({}%)", verdict_core::sla::pct(v.confidence))}</dt>
                                <dd class="bounds">{render::interval(v)}
                                    <span hidden=true>{number("ci_low", v.ci_low, String::new())}{number("ci_high", v.ci_high, String::new())}</span>
                                </dd>
                                <dt>{"Limit"}</dt><dd>{number(limit_key, limit_value, render::limit(v))}</dd>
                                <dt>{"Requests (n)"}</dt><dd>{count("n", v.n)}</dd>
                                <dt title="The statistic as k6 computes it, against the limit, with no interval">{"k6-style point"}</dt>
                                <dd class="point">{point}
                                    <span hidden=true>{number("point_estimate", v.point_estimate, String::new())}</span>
                                </dd>
                            </dl>
                            if let Some(two) = crate::plain::two_definitions(v) { <p class="two-definitions">{two}</p> }
                            <p class="method">{v.method.clone()}</p>
                        </details>
                    </td>
                </tr>
                if detail {
                    <tr class={classes!("verdict-detail", class)}>
                        <td colspan="3">
                            if let Some(r) = v.reason.as_ref().filter(|_| v.basis != Basis::NoData) { <p>{r.clone()}</p> }
                            if !broken.is_empty() {
                                <p class="windows-title">{format!("Broke in {} of {} time windows:", broken.len(), v.windows.len())}</p>
                                <ul class="windows">
                                    for w in broken.iter().take(12) { <li>{w.clone()}</li> }
                                    if broken.len() > 12 { <li>{format!("and {} more", broken.len() - 12)}</li> }
                                </ul>
                            }
                        </td>
                    </tr>
                }
            </>
        }
    };

    html! {
        <table class="sla-table">
            <thead>
                <tr>
                    <th scope="col">{"Verdict"}</th>
                    <th scope="col">{"What was found"}</th>
                    <th scope="col">{"Numbers"}</th>
                </tr>
            </thead>
            <tbody>
                for v in sorted { {row(v)} }
            </tbody>
        </table>
    }
}
