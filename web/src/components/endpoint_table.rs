//! The per-endpoint table, sortable by any column. Each row carries
//! `data-endpoint`, each number cell `data-metric` and `data-value`.

use std::cmp::Ordering;
use std::rc::Rc;

use verdict_core::summary::{EndpointSummary, LatencyMs};
use verdict_core::RunSummary;
use yew::prelude::*;

use crate::display;

#[derive(Properties, PartialEq)]
pub struct EndpointTableProps {
    pub summary: Rc<RunSummary>,
}

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Count,
    Fraction,
    Rate,
    Ms,
}

/// The columns: CLI JSON key, header, kind.
const COLUMNS: [(&str, &str, Kind); 12] = [
    ("requests", "Requests", Kind::Count),
    ("errors", "Errors", Kind::Count),
    ("error_rate", "Error rate", Kind::Fraction),
    ("rps", "Req/s", Kind::Rate),
    ("min", "min", Kind::Ms),
    ("mean", "mean", Kind::Ms),
    ("p50", "p50", Kind::Ms),
    ("p90", "p90", Kind::Ms),
    ("p95", "p95", Kind::Ms),
    ("p99", "p99", Kind::Ms),
    ("p999", "p99.9", Kind::Ms),
    ("max", "max", Kind::Ms),
];

/// One row's numbers, whatever it describes (an endpoint or the whole run).
struct Row<'a> {
    name: &'a str,
    key: &'a str,
    requests: Option<u64>,
    errors: Option<u64>,
    error_rate: Option<f64>,
    rps: Option<f64>,
    latency: &'a LatencyMs,
}

impl Row<'_> {
    fn value(&self, metric: &str) -> Option<f64> {
        let l = self.latency;
        match metric {
            "requests" => self.requests.map(|n| n as f64),
            "errors" => self.errors.map(|n| n as f64),
            "error_rate" => self.error_rate,
            "rps" => self.rps,
            "min" => l.min,
            "mean" => l.mean,
            "p50" => l.p50,
            "p90" => l.p90,
            "p95" => l.p95,
            "p99" => l.p99,
            "p999" => l.p999,
            "max" => l.max,
            _ => None,
        }
    }
}

fn endpoint_row(e: &EndpointSummary) -> Row<'_> {
    Row {
        name: &e.name,
        key: &e.name,
        requests: e.requests,
        errors: e.errors,
        error_rate: e.error_rate,
        rps: e.rps,
        latency: &e.latency_ms,
    }
}

fn cell(row: &Row, metric: &'static str, kind: Kind) -> Html {
    let v = row.value(metric);
    let shown = match (v, kind) {
        (None, _) => "–".to_string(),
        (Some(v), Kind::Count) => display::count(v as u64),
        (Some(v), Kind::Fraction) => display::percent(v),
        (Some(v), Kind::Rate) => display::per_second(v),
        (Some(v), Kind::Ms) => display::ms(v),
    };
    let bad = metric == "errors" && v.unwrap_or(0.0) > 0.0;
    html! {
        <td class={classes!("num", bad.then_some("bad"))} data-metric={metric} data-value={v.map(display::exact)}>{shown}</td>
    }
}

#[component]
pub fn EndpointTable(props: &EndpointTableProps) -> Html {
    // (column, descending); `None` keeps the core's order (by name).
    let sort = use_state(|| None::<(&'static str, bool)>);
    let s = &*props.summary;

    let mut rows: Vec<Row> = s.endpoints.iter().map(endpoint_row).collect();
    match *sort {
        Some(("name", desc)) => {
            rows.sort_by(|a, b| {
                if desc {
                    b.name.cmp(a.name)
                } else {
                    a.name.cmp(b.name)
                }
            });
        }
        Some((metric, desc)) => rows.sort_by(|a, b| {
            // Missing values sort last either way.
            let ord = match (a.value(metric), b.value(metric)) {
                (Some(x), Some(y)) => x.partial_cmp(&y).unwrap_or(Ordering::Equal),
                (Some(_), None) => return Ordering::Less,
                (None, Some(_)) => return Ordering::Greater,
                (None, None) => Ordering::Equal,
            };
            if desc {
                ord.reverse()
            } else {
                ord
            }
        }),
        None => {}
    }
    let overall = Row {
        name: "All endpoints",
        key: "*overall*",
        requests: s.requests,
        errors: s.errors,
        error_rate: s.error_rate,
        rps: s.rps,
        latency: &s.latency_ms,
    };

    let caption = match s.reported_by {
        verdict_core::summary::ReportedBy::Samples => "Per endpoint · latency in milliseconds · click a column to sort",
        verdict_core::summary::ReportedBy::Tool => {
            "Per endpoint · latency in milliseconds, as the tool computed it (its own percentile definition) · click a column to sort"
        }
    };
    let header = |key: &'static str, label: &'static str, numeric: bool| {
        let current = *sort;
        let sorted = current.and_then(|(k, desc)| (k == key).then_some(desc));
        let aria = match sorted {
            Some(true) => "descending",
            Some(false) => "ascending",
            None => "none",
        };
        let onclick = {
            let sort = sort.clone();
            // Numbers sort largest first on the first click; names A→Z.
            Callback::from(move |_: MouseEvent| {
                sort.set(Some((
                    key,
                    match sorted {
                        Some(desc) => !desc,
                        None => numeric,
                    },
                )))
            })
        };
        let arrow = match sorted {
            Some(true) => "▼",
            Some(false) => "▲",
            None => "",
        };
        html! {
            <th scope="col" aria-sort={aria} class={classes!(numeric.then_some("num"))}>
                <button type="button" class="sort" onclick={onclick}>
                    {label}<span class="arrow" aria-hidden="true">{arrow}</span>
                </button>
            </th>
        }
    };

    let render_row = |row: &Row, footer: bool| {
        let name = if footer {
            html! { <th scope="row">{row.name}</th> }
        } else {
            html! { <th scope="row" class="endpoint-name">{row.name}</th> }
        };
        html! {
            <tr data-endpoint={row.key.to_string()} tabindex="-1">
                {name}
                for (metric, _, kind) in COLUMNS { {cell(row, metric, kind)} }
            </tr>
        }
    };

    html! {
        <div class="table-wrap" role="region" aria-label="Per-endpoint numbers" tabindex="0">
            <table class="endpoints">
                <caption>{caption}</caption>
                <thead>
                    <tr>
                        {header("name", "Endpoint", false)}
                        for (key, label, _) in COLUMNS { {header(key, label, true)} }
                    </tr>
                </thead>
                <tbody>
                    for row in rows.iter() { {render_row(row, false)} }
                </tbody>
                <tfoot>{render_row(&overall, true)}</tfoot>
            </table>
        </div>
    }
}
