//! The latency distribution as an HDR percentile plot: latency against
//! percentile on a log `1/(1-p)` axis, so the tail (99%, 99.9%, ...) gets as
//! much room as the body. Hover shows the exact value at each point.

use verdict_core::summary::PercentilePoint;
use yew::prelude::*;

use crate::charts::{nearest, nice_max, nice_ticks, nines, nines_ticks, Linear};
use crate::components::{key_step, pointer_x, tooltip};
use crate::display;

#[derive(Properties, PartialEq)]
pub struct DistributionChartProps {
    pub points: Vec<PercentilePoint>,
    pub width: f64,
}

const LEFT: f64 = 52.0;
const RIGHT: f64 = 16.0;
const TOP: f64 = 14.0;
const BOTTOM: f64 = 36.0;

#[component]
pub fn DistributionChart(props: &DistributionChartProps) -> Html {
    let hover = use_state(|| None::<usize>);
    let heading = html! { <h3>{"Latency by percentile"}</h3> };
    if props.points.is_empty() {
        return html! {
            <figure class="chart distribution">
                <figcaption>{heading}</figcaption>
                <p class="muted">{"No per-request samples in this file, so no distribution (the tool's own percentiles are in the table)."}</p>
            </figure>
        };
    }
    let w = props.width;
    let plot_h = if w < 500.0 { 170.0 } else { 200.0 };
    let h = TOP + plot_h + BOTTOM;
    let (x0, x1) = (LEFT, w - RIGHT);

    let finite_max = props
        .points
        .iter()
        .map(|p| nines(p.percentile))
        .filter(|v| v.is_finite())
        .fold(0.0, f64::max);
    // 100% has no finite position: it sits one decade past the last point.
    let x_end = finite_max.floor() + 1.0;
    let xs: Vec<f64> = props
        .points
        .iter()
        .map(|p| nines(p.percentile).min(x_end))
        .collect();
    let x = Linear::new(0.0, x_end, x0, x1);
    let y_top = nice_max(props.points.iter().map(|p| p.value_ms).fold(0.0, f64::max));
    let y = Linear::new(0.0, y_top, TOP + plot_h, TOP);
    let path = xs
        .iter()
        .zip(&props.points)
        .enumerate()
        .map(|(i, (px, p))| {
            format!(
                "{}{:.1},{:.1}",
                if i == 0 { "M" } else { "L" },
                x.map(*px),
                y.map(p.value_ms)
            )
        })
        .collect::<String>();
    let total = props.points.last().map_or(0, |p| p.count);

    let on_move = {
        let (hover, xs) = (hover.clone(), xs.clone());
        Callback::from(move |e: PointerEvent| {
            if let Some(px) = pointer_x(&e, w) {
                hover.set(nearest(&xs, x.invert(px)));
            }
        })
    };
    let on_leave = {
        let hover = hover.clone();
        Callback::from(move |_: PointerEvent| hover.set(None))
    };
    let on_key = {
        let (hover, len) = (hover.clone(), props.points.len());
        Callback::from(move |e: KeyboardEvent| {
            if let Some(next) = key_step(&e, *hover, len) {
                hover.set(next);
            }
        })
    };
    let on_blur = {
        let hover = hover.clone();
        Callback::from(move |_: FocusEvent| hover.set(None))
    };

    let tooltip = hover.and_then(|i| props.points.get(i).map(|p| (i, p))).map(|(i, p)| {
        let (cx, cy) = (x.map(xs[i]), y.map(p.value_ms));
        let name = if p.percentile >= 100.0 { "max".to_string() } else { display::percentile_label(p.percentile) };
        let title = format!("{name}: {}", display::ms_unit(p.value_ms));
        let mut rows = Vec::new();
        if p.percentile > 0.0 && p.percentile < 100.0 {
            let one_in = 1.0 / (1.0 - p.percentile / 100.0);
            rows.push(("slower".to_string(), format!("1 in {}", display::count(one_in.round() as u64))));
        }
        rows.push(("at or below".to_string(), format!("{} of {}", display::count(p.count), display::count(total))));
        let box_h = (rows.len() + 1) as f64 * 16.0 + 12.0;
        let by = (cy - box_h - 8.0).max(TOP);
        html! {
            <g class="hover" aria-hidden="true">
                <line class="crosshair" x1={format!("{cx:.1}")} x2={format!("{cx:.1}")} y1={TOP.to_string()} y2={(TOP + plot_h).to_string()} />
                <circle class="dot p99" cx={format!("{cx:.1}")} cy={format!("{cy:.1}")} r="4" />
                {tooltip(title, rows, cx, by, w, 200.0)}
            </g>
        }
    });

    let label = format!(
        "Latency by percentile over {} requests, on a logarithmic percentile axis up to the maximum of {}. Use the arrow keys to read each point.",
        display::count(total),
        props.points.last().map_or("–".into(), |p| display::ms_unit(p.value_ms))
    );
    let mut ticks = nines_ticks(x_end - 1.0);
    ticks.push((x_end, "max".into()));

    html! {
        <figure class="chart distribution">
            <figcaption>{heading}<p class="chart-note">{"Each step right is ten times rarer: 90%, 99%, 99.9%…"}</p></figcaption>
            <svg viewBox={format!("0 0 {w} {h}")} width="100%" role="img" aria-label={label} tabindex="0"
                 onpointerdown={on_move.clone()} onpointermove={on_move} onpointerleave={on_leave} onkeydown={on_key} onblur={on_blur}>
                <g class="grid">
                    for t in nice_ticks(0.0, y_top, 4).iter().copied() {
                        <line x1={x0.to_string()} x2={x1.to_string()} y1={format!("{:.1}", y.map(t))} y2={format!("{:.1}", y.map(t))} />
                        <text class="axis-label left" x={(x0 - 6.0).to_string()} y={format!("{:.1}", y.map(t) + 4.0)}>{display::axis_ms(t)}</text>
                    }
                    for (v, text) in ticks.iter().cloned() {
                        <line class="vertical" x1={format!("{:.1}", x.map(v))} x2={format!("{:.1}", x.map(v))} y1={TOP.to_string()} y2={(TOP + plot_h).to_string()} />
                        <text class="axis-label" x={format!("{:.1}", x.map(v))} y={(TOP + plot_h + 16.0).to_string()} text-anchor="middle">{text}</text>
                    }
                    <text class="axis-title" x="4" y={(TOP - 3.0).to_string()}>{"ms"}</text>
                    <text class="axis-title" x={format!("{:.1}", (x0 + x1) / 2.0)} y={(h - 4.0).to_string()} text-anchor="middle">{"percentile"}</text>
                </g>
                <path class="line p99" d={path} />
                <rect class="hit" x={x0.to_string()} y="0" width={(x1 - x0).max(0.0).to_string()} height={h.to_string()} />
                {tooltip}
            </svg>
        </figure>
    }
}
