//! "Trend": three or more runs in start-time order, p50/p95/p99, error rate
//! and req/s per run (overall or one endpoint), one small chart per
//! statistic, and each step from one run to the next tested as compare
//! tests two runs. Computed in a worker by `verdict_core::trend::trend`, the
//! numbers `verdict trend --json` gives for the same files.

use std::rc::Rc;

use verdict_core::compare::Verdict;
use verdict_core::export::OVERALL;
use verdict_core::trend::{Trend, TrendRow};
use web_sys::HtmlSelectElement;
use yew::prelude::*;

use crate::charts::{nice_max, polyline, Linear};
use crate::components::chart_width;
use crate::display;
use crate::pool::Pool;
use crate::state::EntryId;

/// Runs needed before the view shows.
pub const MIN_RUNS: usize = 3;

#[derive(Properties, PartialEq)]
pub struct TrendViewProps {
    /// Runs held by workers: (entry, name on the page).
    pub runs: Vec<(EntryId, String)>,
    pub pool: Pool,
    pub width: f64,
}

/// The statistics charted: (key, title, tested).
const STATISTICS: [(&str, &str, bool); 5] = [
    ("p50", "p50", true),
    ("p95", "p95", true),
    ("p99", "p99", true),
    ("error_rate", "Error rate", true),
    ("rps", "Requests/s", false),
];

fn value(row: &TrendRow, key: &str) -> Option<f64> {
    match key {
        "rps" => row.rps,
        k => row.value(k),
    }
}

fn shown(key: &str, v: f64) -> String {
    match key {
        "error_rate" => display::percent(v),
        "rps" => display::per_second(v),
        _ => display::ms_unit(v),
    }
}

/// The verdict as `--json` spells it (`no-significant-change`).
fn kebab(v: Verdict) -> String {
    v.as_str().replace(' ', "-")
}

type Answer = Option<(Vec<(EntryId, String)>, Result<Rc<Trend>, String>)>;

#[component]
pub fn TrendView(props: &TrendViewProps) -> Html {
    let answer = use_state(|| None as Answer);
    let endpoint = use_state(|| OVERALL.to_string());
    {
        let (pool, answer) = (props.pool.clone(), answer.clone());
        use_effect_with(props.runs.clone(), move |runs| {
            if runs.len() >= MIN_RUNS {
                let (runs, trend_pool) = (runs.clone(), pool.clone());
                let names: Vec<String> = runs.iter().map(|r| r.1.clone()).collect();
                let fail = {
                    let (answer, runs) = (answer.clone(), runs.clone());
                    move |e: String| answer.set(Some((runs.clone(), Err(e))))
                };
                let asked = runs.clone();
                pool.analysis_files(
                    &asked,
                    Callback::from(move |files: Result<Vec<Vec<u8>>, String>| match files {
                        Ok(files) => {
                            let (answer, runs) = (answer.clone(), runs.clone());
                            trend_pool.trend(
                                names.iter().cloned().zip(files).collect(),
                                Callback::from(move |t| answer.set(Some((runs.clone(), t)))),
                            );
                        }
                        Err(e) => fail(e),
                    }),
                );
            }
        });
    }
    if props.runs.len() < MIN_RUNS {
        return html! {};
    }
    let current = answer
        .as_ref()
        .filter(|(runs, _)| *runs == props.runs)
        .map(|(_, t)| t.clone());
    let body = match current {
        None => html! { <p class="muted" role="status">{"Testing each step…"}</p> },
        Some(Err(e)) => {
            html! { <p class="error" role="alert">{format!("No trend across these runs: {e}")}</p> }
        }
        Some(Ok(t)) => trend_body(&t, &endpoint, props.width),
    };
    html! {
        <section class="trend" aria-labelledby="trend-title">
            <h2 id="trend-title">{"Trend across runs"}</h2>
            <p class="muted">{"The runs in start-time order. Each step from one run to the next is tested as Compare tests two runs (same tests, same rules), as "}<code>{"verdict trend"}</code>{" does; requests per second follow the load and are shown, not tested."}</p>
            {body}
        </section>
    }
}

fn trend_body(t: &Trend, endpoint: &UseStateHandle<String>, width: f64) -> Html {
    let mut endpoints: Vec<String> = Vec::new();
    for row in t.runs.iter().flat_map(|r| r.rows.iter()) {
        if !endpoints.contains(&row.endpoint) {
            endpoints.push(row.endpoint.clone());
        }
    }
    let selected = if endpoints.contains(endpoint) {
        (**endpoint).clone()
    } else {
        OVERALL.to_string()
    };
    let on_pick = {
        let endpoint = endpoint.clone();
        Callback::from(move |e: Event| {
            if let Some(s) = e.target_dyn_into::<HtmlSelectElement>() {
                endpoint.set(s.value());
            }
        })
    };
    let label = |e: &str| {
        if e == OVERALL {
            "All requests".to_string()
        } else {
            e.to_string()
        }
    };
    let rows: Vec<Option<&TrendRow>> = t
        .runs
        .iter()
        .map(|r| r.rows.iter().find(|row| row.endpoint == selected))
        .collect();
    let changes: Vec<_> = t
        .changes
        .iter()
        .filter(|c| c.endpoint == selected)
        .collect();
    // The step into run `i`'s verdict on `key`, for marking the charts.
    let step_verdict = |i: usize, key: &str| {
        changes
            .iter()
            .find(|c| c.to == i && c.statistic == key)
            .map(|c| c.verdict)
    };
    let cw = chart_width(width);
    let cols = if cw >= 900.0 {
        3.0
    } else if cw >= 560.0 {
        2.0
    } else {
        1.0
    };
    let w = ((cw - 16.0 * (cols - 1.0)) / cols).floor();
    let h = 130.0;
    let (left, right, top, bottom) = (56.0, 12.0, 10.0, 22.0);
    let n = t.runs.len();
    let x = Linear::new(0.0, (n.max(2) - 1) as f64, left, w - right);
    let charts = STATISTICS.iter().map(|&(key, title, tested)| {
        let values: Vec<Option<f64>> = rows.iter().map(|r| r.and_then(|r| value(r, key))).collect();
        let max = values.iter().flatten().copied().fold(0.0_f64, f64::max);
        let top_value = nice_max(max);
        let y = Linear::new(0.0, if top_value > 0.0 { top_value } else { 1.0 }, h - bottom, top);
        let path = polyline(
            values
                .iter()
                .enumerate()
                .map(|(i, v)| (x.map(i as f64), v.map(|v| y.map(v)))),
        );
        let described = values
            .iter()
            .enumerate()
            .map(|(i, v)| format!("run {}: {}", i + 1, v.map_or("—".into(), |v| shown(key, v))))
            .collect::<Vec<_>>()
            .join(", ");
        html! {
            <figure class="chart trend-chart" data-statistic={key}>
                <figcaption><h3>{title}</h3></figcaption>
                <svg viewBox={format!("0 0 {w} {h}")} width={w.to_string()} height={h.to_string()} role="img" aria-label={format!("{title} per run: {described}")}>
                    <line class="axis" x1={left.to_string()} x2={(w - right).to_string()} y1={(h - bottom).to_string()} y2={(h - bottom).to_string()} />
                    <text class="tick" x={(left - 6.0).to_string()} y={(top + 4.0).to_string()} text-anchor="end">{shown(key, top_value)}</text>
                    <text class="tick" x={(left - 6.0).to_string()} y={(h - bottom + 4.0).to_string()} text-anchor="end">{"0"}</text>
                    <path class="line" d={path} />
                    for (i, v) in values.iter().enumerate() {
                        if let Some(v) = v {
                            <circle
                                class={classes!("point", tested.then(|| step_verdict(i, key)).flatten().map(kebab))}
                                cx={format!("{:.1}", x.map(i as f64))} cy={format!("{:.1}", y.map(*v))} r="4">
                                <title>{format!("run {}: {}{}", i + 1, shown(key, *v),
                                    tested.then(|| step_verdict(i, key)).flatten().map_or(String::new(), |v| format!(" ({} from run {i})", v.as_str())))}</title>
                            </circle>
                        }
                        <text class="tick" x={format!("{:.1}", x.map(i as f64))} y={(h - 6.0).to_string()} text-anchor="middle">{(i + 1).to_string()}</text>
                    }
                </svg>
            </figure>
        }
    });
    let cell = |row: Option<&TrendRow>, key: &str| match row.and_then(|r| value(r, key)) {
        Some(v) => {
            html! { <td data-metric={key.to_string()} data-value={v.to_string()}>{shown(key, v)}</td> }
        }
        None => html! { <td data-metric={key.to_string()}>{"—"}</td> },
    };
    html! {
        <>
            <label class="picker" for="trend-endpoint">
                <span>{"Endpoint"}</span>
                <select id="trend-endpoint" onchange={on_pick}>
                    for e in endpoints.iter() {
                        <option value={e.clone()} selected={*e == selected}>{label(e)}</option>
                    }
                </select>
            </label>
            <div class="trend-charts">{for charts}</div>
            <div class="table-scroll">
                <table class="trend-runs">
                    <caption class="visually-hidden">{format!("{} per run", label(&selected))}</caption>
                    <thead><tr>
                        <th scope="col">{"#"}</th><th scope="col">{"Run"}</th><th scope="col">{"Started"}</th>
                        <th scope="col">{"p50"}</th><th scope="col">{"p95"}</th><th scope="col">{"p99"}</th>
                        <th scope="col">{"Errors"}</th><th scope="col">{"Req/s"}</th>
                    </tr></thead>
                    <tbody>
                        for (i, (run, row)) in t.runs.iter().zip(rows.iter()).enumerate() {
                            <tr data-run={i.to_string()} data-endpoint={selected.clone()}>
                                <td>{(i + 1).to_string()}</td>
                                <th scope="row" class="run-name">{run.source.clone()}</th>
                                <td class="start">{run.start.clone().map_or("—".into(), |s| s.replace('T', " ").replace('Z', ""))}</td>
                                {cell(*row, "p50")}{cell(*row, "p95")}{cell(*row, "p99")}
                                {cell(*row, "error_rate")}{cell(*row, "rps")}
                            </tr>
                        }
                    </tbody>
                </table>
            </div>
            <div class="table-scroll">
                <table class="trend-steps">
                    <caption>{"Each step, tested"}</caption>
                    <thead><tr>
                        <th scope="col">{"Step"}</th><th scope="col">{"p50"}</th><th scope="col">{"p95"}</th>
                        <th scope="col">{"p99"}</th><th scope="col">{"Errors"}</th>
                    </tr></thead>
                    <tbody>
                        for s in t.steps.iter() {
                            <tr data-from={s.from.to_string()} data-to={s.to.to_string()} data-verdict={kebab(s.verdict)}>
                                <th scope="row">
                                    {format!("{} → {}", s.from + 1, s.to + 1)}
                                    if !s.same_load { <span class="badge load" title="The runs were not driven at the same load: a change may be the load's">{"load differs"}</span> }
                                </th>
                                for key in ["p50", "p95", "p99", "error_rate"] {
                                    {match changes.iter().find(|c| c.from == s.from && c.statistic == key) {
                                        Some(c) => html! {
                                            <td data-statistic={key} data-verdict={kebab(c.verdict)}
                                                data-endpoint={c.endpoint.clone()}>
                                                <span class={classes!("verdict", kebab(c.verdict))}>
                                                    {c.verdict.as_str()}
                                                    if let Some(r) = c.relative { {format!(" ({:+.1}%)", r * 100.0)} }
                                                </span>
                                            </td>
                                        },
                                        None => html! { <td data-statistic={key}>{"—"}</td> },
                                    }}
                                }
                            </tr>
                        }
                    </tbody>
                </table>
            </div>
            if !t.notes.is_empty() {
                <ul class="notes">
                    for note in t.notes.iter() { <li>{with_code(note)}</li> }
                </ul>
            }
        </>
    }
}

/// A note from the core, its `backticked` parts (commands) set as code.
fn with_code(note: &str) -> Html {
    note.split('`')
        .enumerate()
        .map(|(i, part)| {
            if i % 2 == 1 {
                html! { <code>{part}</code> }
            } else {
                html! { {part} }
            }
        })
        .collect()
}
