//! Two runs on one chart: the baseline and the candidate, either as
//! latency-by-percentile curves (HDR percentile plot, log `1/(1-p)` axis) or
//! as p95 over time since each run's start.

use verdict_core::RunSummary;
use yew::prelude::*;

use crate::charts::{nice_max, nice_ticks, nines, nines_ticks, Linear};
use crate::display;

/// Which picture.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Overlay {
    Percentiles,
    Timeline,
}

#[derive(Properties, PartialEq)]
pub struct OverlayChartProps {
    pub kind: Overlay,
    pub baseline: RunSummary,
    pub candidate: RunSummary,
    pub width: f64,
}

const LEFT: f64 = 52.0;
const RIGHT: f64 = 16.0;
const TOP: f64 = 14.0;
const BOTTOM: f64 = 36.0;

/// (x, y) points of one run.
fn series(kind: Overlay, s: &RunSummary) -> Vec<(f64, f64)> {
    match kind {
        Overlay::Percentiles => s
            .distribution
            .iter()
            .map(|p| (nines(p.percentile), p.value_ms))
            .collect(),
        Overlay::Timeline => s
            .timeline
            .points
            .iter()
            .filter_map(|p| p.p95_ms.map(|v| (p.t_s.max(0.0), v)))
            .collect(),
    }
}

#[component]
pub fn OverlayChart(props: &OverlayChartProps) -> Html {
    let (title, note) = match props.kind {
        Overlay::Percentiles => (
            "Latency by percentile, both runs",
            "Each step right is ten times rarer: 90%, 99%, 99.9%…",
        ),
        Overlay::Timeline => (
            "p95 over time, both runs",
            "Seconds since each run's start; one point per time window.",
        ),
    };
    let a = series(props.kind, &props.baseline);
    let b = series(props.kind, &props.candidate);
    if a.is_empty() || b.is_empty() {
        return html! {
            <figure class={classes!("chart", "overlay")}>
                <figcaption><h3>{title}</h3></figcaption>
                <p class="muted">{"One of the runs has no per-request samples over time, so there is nothing to draw."}</p>
            </figure>
        };
    }
    let w = props.width;
    let plot_h = if w < 500.0 { 170.0 } else { 200.0 };
    let h = TOP + plot_h + BOTTOM;
    let (x0, x1) = (LEFT, w - RIGHT);
    let finite_x = a
        .iter()
        .chain(&b)
        .map(|p| p.0)
        .filter(|v| v.is_finite())
        .fold(0.0, f64::max);
    // On the percentile axis 100% has no finite place: one decade past the rest.
    let x_end = match props.kind {
        Overlay::Percentiles => finite_x.floor() + 1.0,
        Overlay::Timeline => finite_x.max(1.0),
    };
    let x = Linear::new(0.0, x_end, x0, x1);
    let y_top = nice_max(a.iter().chain(&b).map(|p| p.1).fold(0.0, f64::max));
    let y = Linear::new(0.0, y_top, TOP + plot_h, TOP);
    let path = |points: &[(f64, f64)]| {
        points
            .iter()
            .enumerate()
            .map(|(i, (px, py))| {
                format!(
                    "{}{:.1},{:.1}",
                    if i == 0 { "M" } else { "L" },
                    x.map(px.min(x_end)),
                    y.map(*py)
                )
            })
            .collect::<String>()
    };
    let x_ticks: Vec<(f64, String)> = match props.kind {
        Overlay::Percentiles => {
            let mut t = nines_ticks(x_end - 1.0);
            t.push((x_end, "max".into()));
            t
        }
        Overlay::Timeline => nice_ticks(0.0, x_end, 6)
            .into_iter()
            .map(|v| (v, format!("{}s", display::plain(v))))
            .collect(),
    };
    let label = format!(
        "{title}: baseline {} against candidate {}.",
        props.baseline.source, props.candidate.source
    );
    html! {
        <figure class={classes!("chart", "overlay")} data-overlay={format!("{:?}", props.kind).to_lowercase()}>
            <figcaption>
                <h3>{title}</h3>
                <p class="chart-note">
                    <span class="key baseline">{"baseline"}</span>{" "}
                    <span class="key candidate">{"candidate"}</span>{" · "}{note}
                </p>
            </figcaption>
            <svg viewBox={format!("0 0 {w} {h}")} width="100%" role="img" aria-label={label}>
                <g class="grid">
                    for t in nice_ticks(0.0, y_top, 4).iter().copied() {
                        <line x1={x0.to_string()} x2={x1.to_string()} y1={format!("{:.1}", y.map(t))} y2={format!("{:.1}", y.map(t))} />
                        <text class="axis-label left" x={(x0 - 6.0).to_string()} y={format!("{:.1}", y.map(t) + 4.0)}>{display::axis_ms(t)}</text>
                    }
                    for (v, text) in x_ticks.iter().cloned() {
                        <line class="vertical" x1={format!("{:.1}", x.map(v))} x2={format!("{:.1}", x.map(v))} y1={TOP.to_string()} y2={(TOP + plot_h).to_string()} />
                        <text class="axis-label" x={format!("{:.1}", x.map(v))} y={(TOP + plot_h + 16.0).to_string()} text-anchor="middle">{text}</text>
                    }
                    <text class="axis-title" x="4" y={(TOP - 3.0).to_string()}>{"ms"}</text>
                </g>
                <path class="line baseline" d={path(&a)} />
                <path class="line candidate" d={path(&b)} />
            </svg>
        </figure>
    }
}
