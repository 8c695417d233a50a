//! Latency percentiles over time (p50/p95/p99 lines), with concurrency (VUs)
//! as a shaded step area on a right-hand axis and errors as bars in a strip
//! below. Hover (or the arrow keys) shows the exact numbers of one window.

use verdict_core::summary::TimelineSummary;
use yew::prelude::*;

use crate::charts::{nearest, nice_max, nice_ticks, polyline, Linear};
use crate::components::{key_step, pointer_x, tooltip};
use crate::display;
use verdict_core::units::axis_seconds as seconds_label;

#[derive(Properties, PartialEq)]
pub struct TimelineChartProps {
    pub timeline: TimelineSummary,
    /// Whether the file records failures at all (else the strip says so
    /// instead of claiming there were none).
    pub errors_known: bool,
    pub width: f64,
    /// Time windows (seconds since the run start) in which an SLA rule
    /// failed, shaded so the eye finds them.
    #[prop_or_default]
    pub broken: Vec<(f64, f64)>,
}

const LEFT: f64 = 52.0;
const RIGHT: f64 = 48.0;
const TOP: f64 = 14.0;
const STRIP: f64 = 34.0;
const GAP: f64 = 10.0;
const BOTTOM: f64 = 24.0;

#[component]
pub fn TimelineChart(props: &TimelineChartProps) -> Html {
    let hover = use_state(|| None::<usize>);
    let points = &props.timeline.points;
    let bucket = props.timeline.bucket_s.max(1e-3);

    let heading = html! { <h3>{"Latency over time"}</h3> };
    if points.is_empty() {
        return html! {
            <figure class="chart timeline">
                <figcaption>{heading}</figcaption>
                <p class="muted">{"This file has no per-request timestamps, so there is no timeline."}</p>
            </figure>
        };
    }

    let w = props.width;
    let plot_h = if w < 500.0 { 170.0 } else { 220.0 };
    let h = TOP + plot_h + GAP + STRIP + BOTTOM;
    let (x0, x1) = (LEFT, w - RIGHT);
    let t0 = points.first().map_or(0.0, |p| p.t_s);
    let t1 = points.last().map_or(1.0, |p| p.t_s + bucket);
    let x = Linear::new(t0, t1, x0, x1);
    let max_ms = points
        .iter()
        .filter_map(|p| p.p99_ms.or(p.p95_ms).or(p.p50_ms))
        .fold(0.0, f64::max);
    let y_top = nice_max(max_ms);
    let y = Linear::new(0.0, y_top, TOP + plot_h, TOP);
    let max_vus = points
        .iter()
        .filter_map(|p| p.concurrency)
        .fold(0.0, f64::max);
    let has_vus = max_vus > 0.0;
    let vus_top = nice_max(max_vus);
    let yv = Linear::new(0.0, vus_top, TOP + plot_h, TOP);
    let max_errors = points.iter().map(|p| p.errors).max().unwrap_or(0);
    let strip_top = TOP + plot_h + GAP;
    let strip_bottom = strip_top + STRIP;

    let centers: Vec<f64> = points.iter().map(|p| p.t_s + bucket / 2.0).collect();
    let line = |pick: fn(&verdict_core::summary::TimelinePoint) -> Option<f64>| {
        polyline(
            points
                .iter()
                .zip(&centers)
                .map(|(p, c)| (x.map(*c), pick(p).map(|v| y.map(v)))),
        )
    };

    // Concurrency as a step area: flat over each window.
    let vus_area = if has_vus {
        let mut d = String::new();
        let mut open = false;
        for p in points {
            match p.concurrency {
                Some(c) => {
                    let (a, b, yy) = (x.map(p.t_s), x.map(p.t_s + bucket), yv.map(c));
                    if !open {
                        d.push_str(&format!("M{a:.1},{:.1}", yv.map(0.0)));
                        open = true;
                    }
                    d.push_str(&format!("L{a:.1},{yy:.1}L{b:.1},{yy:.1}"));
                }
                None if open => {
                    d.push_str(&format!("L{:.1},{:.1}Z", x.map(p.t_s), yv.map(0.0)));
                    open = false;
                }
                None => {}
            }
        }
        if open {
            d.push_str(&format!("L{:.1},{:.1}Z", x.map(t1), yv.map(0.0)));
        }
        d
    } else {
        String::new()
    };

    let bar_w = ((x1 - x0) / points.len() as f64 - 1.0).max(1.0);
    let error_bars: Html = if max_errors == 0 {
        html! { <text class="strip-note" x={(x0 + 6.0).to_string()} y={(strip_top + STRIP / 2.0 + 4.0).to_string()}>{if props.errors_known { "no errors" } else { "this file does not record failures" }}</text> }
    } else {
        points
            .iter()
            .filter(|p| p.errors > 0)
            .map(|p| {
                let bh = (p.errors as f64 / max_errors as f64 * (STRIP - 2.0)).max(2.0);
                html! {
                    <rect class="error-bar" x={format!("{:.1}", x.map(p.t_s))} y={format!("{:.1}", strip_bottom - bh)}
                          width={format!("{bar_w:.1}")} height={format!("{bh:.1}")} />
                }
            })
            .collect()
    };

    let y_ticks = nice_ticks(0.0, y_top, if plot_h < 200.0 { 4 } else { 5 });
    let x_ticks = nice_ticks(
        t0.max(0.0),
        t1,
        ((x1 - x0) / 90.0).floor().max(2.0) as usize,
    );

    let on_move = {
        let (hover, centers) = (hover.clone(), centers.clone());
        Callback::from(move |e: PointerEvent| {
            if let Some(px) = pointer_x(&e, w) {
                hover.set(nearest(&centers, x.invert(px)));
            }
        })
    };
    let on_leave = {
        let hover = hover.clone();
        Callback::from(move |_: PointerEvent| hover.set(None))
    };
    let on_key = {
        let (hover, len) = (hover.clone(), points.len());
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

    let tooltip = hover.and_then(|i| points.get(i).map(|p| (i, p))).map(|(i, p)| {
        let cx = x.map(centers[i]);
        let title = format!("{} – {}", seconds_label(p.t_s), seconds_label(p.t_s + bucket));
        let mut rows: Vec<(String, String)> = [("p99", p.p99_ms), ("p95", p.p95_ms), ("p50", p.p50_ms)]
            .into_iter()
            .map(|(label, v)| (label.to_string(), v.map_or("–".into(), display::ms_unit)))
            .collect();
        if let Some(c) = p.concurrency {
            rows.push(("VUs".into(), display::concurrency(c)));
        }
        rows.push(("requests".into(), display::count(p.requests)));
        let errors = if props.errors_known { display::count(p.errors) } else { "–".into() };
        rows.push(("errors".into(), errors));
        let dots: Html = [("p99", p.p99_ms), ("p95", p.p95_ms), ("p50", p.p50_ms)]
            .into_iter()
            .filter_map(|(class, v)| v.map(|v| (class, v)))
            .map(|(class, v)| html! { <circle class={classes!("dot", class)} cx={format!("{cx:.1}")} cy={format!("{:.1}", y.map(v))} r="3.5" /> })
            .collect();
        html! {
            <g class="hover" aria-hidden="true">
                <line class="crosshair" x1={format!("{cx:.1}")} x2={format!("{cx:.1}")} y1={TOP.to_string()} y2={strip_bottom.to_string()} />
                {dots}
                {tooltip(title, rows, cx, TOP + 4.0, w, 140.0)}
            </g>
        }
    });

    let worst = points
        .iter()
        .filter_map(|p| p.p99_ms.map(|v| (p.t_s, v)))
        .fold(None::<(f64, f64)>, |acc, (t, v)| match acc {
            Some((_, best)) if best >= v => acc,
            _ => Some((t, v)),
        });
    let label = format!(
        "Latency percentiles p50, p95 and p99 per {} window over {}{}{}. Use the arrow keys to read each window.",
        display::duration(bucket),
        display::duration(t1 - t0),
        worst.map_or(String::new(), |(t, v)| format!("; p99 peaks at {} around {}", display::ms_unit(v), seconds_label(t))),
        if has_vus { format!("; up to {} VUs", display::concurrency(max_vus)) } else { String::new() },
    );

    html! {
        <figure class="chart timeline">
            <figcaption>
                {heading}
                <ul class="legend">
                    <li><span class="swatch p50" />{"p50"}</li>
                    <li><span class="swatch p95" />{"p95"}</li>
                    <li><span class="swatch p99" />{"p99"}</li>
                    if has_vus { <li><span class="swatch vus" />{"VUs (right axis)"}</li> }
                    <li><span class="swatch errors" />{"errors"}</li>
                    if !props.broken.is_empty() { <li><span class="swatch broken" />{"SLA rule broken"}</li> }
                </ul>
            </figcaption>
            <svg viewBox={format!("0 0 {w} {h}")} width="100%" role="img" aria-label={label} tabindex="0"
                 onpointerdown={on_move.clone()} onpointermove={on_move} onpointerleave={on_leave} onkeydown={on_key} onblur={on_blur}>
                <g class="grid">
                    for t in y_ticks.iter().copied() {
                        <line x1={x0.to_string()} x2={x1.to_string()} y1={format!("{:.1}", y.map(t))} y2={format!("{:.1}", y.map(t))} />
                        <text class="axis-label left" x={(x0 - 6.0).to_string()} y={format!("{:.1}", y.map(t) + 4.0)}>{display::axis_ms(t)}</text>
                    }
                    <text class="axis-title" x="4" y={(TOP - 3.0).to_string()}>{"ms"}</text>
                </g>
                if has_vus {
                    <path class="vus-area" d={vus_area} />
                    <g class="grid vus-axis">
                        for t in nice_ticks(0.0, vus_top, if plot_h < 200.0 { 4 } else { 5 }).iter().copied() {
                            <text class="axis-label right" x={(x1 + 6.0).to_string()} y={format!("{:.1}", yv.map(t) + 4.0)}>{display::concurrency(t)}</text>
                        }
                        <text class="axis-title" x={(w - 4.0).to_string()} y={(TOP - 3.0).to_string()} text-anchor="end">{"VUs"}</text>
                    </g>
                }
                <path class="line p50" d={line(|p| p.p50_ms)} />
                <path class="line p95" d={line(|p| p.p95_ms)} />
                <path class="line p99" d={line(|p| p.p99_ms)} />
                // A lane along the top edge, not a full-height shade: a rule
                // broken all run long would otherwise grey out the chart.
                for &(a, b) in props.broken.iter() {
                    if x.map(b.min(t1)) > x.map(a.max(t0)) {
                        <rect class="broken-window" x={format!("{:.1}", x.map(a.max(t0)))} y={(TOP - 6.0).to_string()}
                              width={format!("{:.1}", x.map(b.min(t1)) - x.map(a.max(t0)))} height="5">
                            <title>{format!("SLA rule broken {} – {}", seconds_label(a), seconds_label(b))}</title>
                        </rect>
                    }
                }
                <g class="strip">
                    <line class="baseline" x1={x0.to_string()} x2={x1.to_string()} y1={strip_bottom.to_string()} y2={strip_bottom.to_string()} />
                    <text class="axis-title" x="4" y={(strip_top + 12.0).to_string()}>{"errors"}</text>
                    if max_errors > 0 {
                        <text class="axis-label" x="4" y={(strip_top + 26.0).to_string()}>{format!("max {}", display::count(max_errors))}</text>
                    }
                    {error_bars}
                </g>
                <g class="x-axis">
                    for t in x_ticks.iter().copied() {
                        <text class="axis-label" x={format!("{:.1}", x.map(t))} y={(h - 6.0).to_string()} text-anchor="middle">{seconds_label(t)}</text>
                    }
                </g>
                <rect class="hit" x={x0.to_string()} y="0" width={(x1 - x0).max(0.0).to_string()} height={h.to_string()} />
                {tooltip}
            </svg>
        </figure>
    }
}
