//! The analysis of one run: headline, notes, charts, per-endpoint table.

use std::rc::Rc;

use verdict_core::RunSummary;
use yew::prelude::*;

use crate::components::chart_width;
use crate::components::distribution_chart::DistributionChart;
use crate::components::endpoint_table::EndpointTable;
use crate::components::headline::Headline;
use crate::components::status_chart::StatusChart;
use crate::components::timeline_chart::TimelineChart;
use crate::display;

#[derive(Properties, PartialEq)]
pub struct RunViewProps {
    pub summary: Rc<RunSummary>,
    pub width: f64,
    pub elapsed_ms: f64,
    pub size: u64,
    /// Windows in which an SLA rule failed (seconds since the run start).
    #[prop_or_default]
    pub broken: Vec<(f64, f64)>,
}

#[component]
pub fn RunView(props: &RunViewProps) -> Html {
    let s = &*props.summary;
    let width = chart_width(props.width);
    // Two charts side by side when there is room.
    let half = if width >= 900.0 {
        ((width - 24.0) / 2.0).floor()
    } else {
        width
    };

    // "every request in the file" only when it is true (see `RunSummary::provenance`).
    let origin = s.provenance();
    let mut provenance = vec![s.format.as_str().to_string(), origin];
    if let Some(start) = &s.start {
        provenance.push(format!(
            "started {}",
            start.replace('T', " ").replace('Z', " UTC")
        ));
    }
    if props.elapsed_ms > 0.0 {
        let seconds = props.elapsed_ms / 1000.0;
        let took = if seconds < 1.0 {
            format!("{:.0} ms", props.elapsed_ms)
        } else {
            format!("{seconds:.1} s")
        };
        // A speed means little for a file read in a blink.
        if props.size >= 1_000_000 {
            provenance.push(format!(
                "read in {took} ({})",
                display::mb_per_s(props.size as f64 / 1e6 / seconds)
            ));
        } else {
            provenance.push(format!("read in {took}"));
        }
    }

    let notes: Vec<Html> = s
        .warnings
        .iter()
        .map(|w| html! { <li class="warning">{w.clone()}</li> })
        .collect();
    let checks = s.checks.map(|c| {
        html! {
            <p class="checks">
                {format!("Checks: {} passed, {} failed.", display::count(c.passes), display::count(c.fails))}
            </p>
        }
    });
    let thresholds = (!s.thresholds.is_empty()).then(|| {
        html! {
            <details class="thresholds">
                <summary>{format!("Thresholds declared in the test ({})", s.thresholds.len())}</summary>
                <ul>
                    for t in s.thresholds.iter() {
                        <li>
                            <code>{format!("{} {}", t.metric, t.expression)}</code>
                            {match t.passed {
                                Some(true) => " — passed (the tool's own outcome)",
                                Some(false) => " — FAILED (the tool's own outcome)",
                                None => " — outcome not recorded in this file",
                            }}
                        </li>
                    }
                </ul>
            </details>
        }
    });

    let total = s.requests.unwrap_or_else(|| s.status_codes.values().sum());

    html! {
        <div class="run" data-elapsed-ms={props.elapsed_ms.to_string()}>
            <p class="provenance">{provenance.join(" · ")}</p>
            <Headline summary={props.summary.clone()} />
            if !notes.is_empty() {
                <ul class="notes" data-skipped-lines={s.skipped_lines.to_string()}>{for notes}</ul>
            }
            if s.timeline.points.is_empty() && s.distribution.is_empty() && s.status_codes.is_empty() {
                <p class="muted tool-only">
                    {"This file holds the tool's own end-of-test aggregates, not one record per request: there is no timeline, distribution or status-code breakdown to draw. The numbers are the tool's, unchanged."}
                </p>
            } else {
                <div class="charts">
                    <TimelineChart timeline={s.timeline.clone()} errors_known={s.errors.is_some()} width={width} broken={props.broken.clone()} />
                    <div class="chart-pair">
                        <DistributionChart points={s.distribution.clone()} width={half} />
                        <StatusChart codes={s.status_codes.clone()} total={total} width={half} />
                    </div>
                </div>
            }
            <EndpointTable summary={props.summary.clone()} />
            {checks}
            {thresholds}
        </div>
    }
}
