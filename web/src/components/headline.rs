//! The headline figures of a run, scrapeable: each carries `data-metric` (the
//! CLI JSON key) and `data-value` (the exact number), inside
//! `data-endpoint="*overall*"`.

use std::rc::Rc;

use verdict_core::RunSummary;
use yew::prelude::*;

use crate::display;

#[derive(Properties, PartialEq)]
pub struct HeadlineProps {
    pub summary: Rc<RunSummary>,
}

struct Figure {
    metric: &'static str,
    label: &'static str,
    value: Option<f64>,
    shown: String,
    note: Option<Html>,
}

#[component]
pub fn Headline(props: &HeadlineProps) -> Html {
    let s = &*props.summary;
    let l = &s.latency_ms;
    let latency = |metric, label, v: Option<f64>| Figure {
        metric,
        label,
        value: v,
        shown: v.map_or("–".into(), display::ms_unit),
        note: None,
    };
    let errors_note = s.errors.map(|n| {
        html! {
            <span class="figure-note" data-metric="errors" data-value={n.to_string()}>
                {format!("{} error{}", display::count(n), if n == 1 { "" } else { "s" })}
            </span>
        }
    });
    let figures = [
        Figure {
            metric: "requests",
            label: "Requests",
            value: s.requests.map(|n| n as f64),
            shown: s.requests.map_or("–".into(), display::count),
            note: None,
        },
        Figure {
            metric: "duration_s",
            label: "Duration",
            value: s.duration_s,
            shown: s.duration_s.map_or("–".into(), display::duration),
            note: None,
        },
        Figure {
            metric: "rps",
            label: "Requests/s",
            value: s.rps,
            shown: s.rps.map_or("–".into(), display::per_second),
            note: None,
        },
        Figure {
            metric: "error_rate",
            label: "Error rate",
            value: s.error_rate,
            shown: s.error_rate.map_or("–".into(), display::percent),
            note: errors_note,
        },
        latency("p50", "p50 latency", l.p50),
        latency("p95", "p95 latency", l.p95),
        latency("p99", "p99 latency", l.p99),
        Figure {
            metric: "peak_concurrency",
            label: "Peak VUs",
            value: s.peak_concurrency,
            shown: s.peak_concurrency.map_or("–".into(), display::concurrency),
            note: None,
        },
    ];

    // A cut or damaged file is said in the headline, not only in a note below.
    let partial = s.partial.then(|| {
        html! {
            <p class="partial-banner" data-partial="true">{s.provenance()}</p>
        }
    });
    html! {
        <>
        {partial}
        <dl class="headline" data-endpoint="*overall*">
            for f in figures {
                <div class={classes!("figure", (f.metric == "error_rate" && s.errors.unwrap_or(0) > 0).then_some("bad"))}
                     data-metric={f.metric} data-value={f.value.map(display::exact)}>
                    <dt>{f.label}</dt>
                    <dd>{f.shown}{f.note}</dd>
                </div>
            }
        </dl>
        </>
    }
}
