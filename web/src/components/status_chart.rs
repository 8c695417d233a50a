//! Status codes as horizontal bars, with exact counts and shares.

use std::collections::BTreeMap;

use yew::prelude::*;

use crate::display;

#[derive(Properties, PartialEq)]
pub struct StatusChartProps {
    pub codes: BTreeMap<String, u64>,
    /// Requests in the run (the denominator of the shares).
    pub total: u64,
    pub width: f64,
}

const ROW: f64 = 28.0;
const LABEL: f64 = 56.0;
const VALUE: f64 = 120.0;

fn class_of(code: &str) -> &'static str {
    match code.as_bytes().first() {
        Some(b'1') | Some(b'2') => "s2xx",
        Some(b'3') => "s3xx",
        Some(b'4') => "s4xx",
        Some(b'5') => "s5xx",
        _ => "sother",
    }
}

#[component]
pub fn StatusChart(props: &StatusChartProps) -> Html {
    let heading = html! { <h3>{"Status codes"}</h3> };
    if props.codes.is_empty() {
        return html! {
            <figure class="chart status">
                <figcaption>{heading}</figcaption>
                <p class="muted">{"This file records no status codes."}</p>
            </figure>
        };
    }
    let w = props.width;
    let h = props.codes.len() as f64 * ROW + 8.0;
    let max = props.codes.values().copied().max().unwrap_or(1).max(1) as f64;
    let total = props.total.max(1) as f64;
    let bar_span = (w - LABEL - VALUE).max(40.0);
    let label = props
        .codes
        .iter()
        .map(|(code, n)| {
            format!(
                "{} {}: {}",
                if code.is_empty() { "no status" } else { code },
                "",
                display::count(*n)
            )
        })
        .collect::<Vec<_>>()
        .join(", ");

    html! {
        <figure class="chart status">
            <figcaption>{heading}</figcaption>
            <svg viewBox={format!("0 0 {w} {h}")} width="100%" role="img" aria-label={format!("Status codes: {label}")}>
                for (i, (code, n)) in props.codes.iter().enumerate() {
                    <g class={classes!("status-row", class_of(code))} data-status={code.clone()} data-value={n.to_string()}>
                        <title>{format!("{}: {} requests ({})", if code.is_empty() { "no status" } else { code.as_str() }, display::count(*n), display::percent(*n as f64 / total))}</title>
                        <rect class="row-bg" x="0" y={format!("{:.1}", i as f64 * ROW + 2.0)} width={w.to_string()} height={(ROW - 4.0).to_string()} />
                        <text class="axis-label code" x={(LABEL - 10.0).to_string()} y={format!("{:.1}", i as f64 * ROW + 19.0)} text-anchor="end">{if code.is_empty() { "–" } else { code.as_str() }}</text>
                        <rect class="bar" x={LABEL.to_string()} y={format!("{:.1}", i as f64 * ROW + 6.0)}
                              width={format!("{:.1}", (*n as f64 / max * bar_span).max(2.0))} height={(ROW - 12.0).to_string()} rx="2" />
                        <text class="axis-label value" x={format!("{:.1}", LABEL + (*n as f64 / max * bar_span).max(2.0) + 8.0)} y={format!("{:.1}", i as f64 * ROW + 19.0)}>
                            {format!("{} · {}", display::count(*n), display::percent(*n as f64 / total))}
                        </text>
                    </g>
                }
            </svg>
            if props.codes.contains_key("0") {
                <p class="chart-note">{"0 means no response: the request failed before a status came back (a timeout, a refused or reset connection)."}</p>
            }
        </figure>
    }
}
