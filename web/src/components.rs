//! The page's components, one per file, plus the viewport hook they share.

pub mod answer;
pub mod capacity_panel;
pub mod compare_table;
pub mod compare_view;
pub mod comparison_report;
pub mod distribution_chart;
pub mod drop_zone;
pub mod endpoint_table;
pub mod entry_card;
pub mod file_drop;
pub mod headline;
pub mod mapping_form;
pub mod merge_view;
pub mod overlay_chart;
pub mod read_as;
pub mod run_view;
pub mod share_panel;
pub mod shared_view;
pub mod sla_panel;
pub mod sla_rules;
pub mod sla_table;
pub mod status_chart;
pub mod timeline_chart;
pub mod trend_view;
pub mod typed_levels;

use wasm_bindgen::prelude::*;
use yew::prelude::*;

/// The window's inner width in CSS pixels, updated on resize. Charts draw in
/// a viewBox of their real width so text stays readable on a phone.
#[hook]
pub fn use_viewport_width() -> f64 {
    let read = || {
        web_sys::window()
            .and_then(|w| w.inner_width().ok())
            .and_then(|v| v.as_f64())
            .unwrap_or(1024.0)
    };
    let width = use_state(read);
    {
        let width = width.setter();
        use_effect_with((), move |_| {
            let listener = Closure::<dyn Fn()>::new(move || width.set(read()));
            let window = web_sys::window();
            if let Some(w) = &window {
                let _ =
                    w.add_event_listener_with_callback("resize", listener.as_ref().unchecked_ref());
            }
            move || {
                if let Some(w) = &window {
                    let _ = w.remove_event_listener_with_callback(
                        "resize",
                        listener.as_ref().unchecked_ref(),
                    );
                }
            }
        });
    }
    *width
}

/// Width available to a chart inside a file panel at this viewport width.
pub fn chart_width(viewport: f64) -> f64 {
    // Page gutters and panel padding: see style.css (.wrap, .entry).
    let content = viewport.min(1180.0) - if viewport < 640.0 { 40.0 } else { 96.0 };
    content.max(260.0).round()
}

/// Where a pointer event falls inside an SVG, in viewBox units along x.
pub fn pointer_x(e: &PointerEvent, viewbox_width: f64) -> Option<f64> {
    let target: web_sys::Element = e.current_target()?.dyn_into().ok()?;
    let rect = target.get_bounding_client_rect();
    if rect.width() <= 0.0 {
        return None;
    }
    Some((f64::from(e.client_x()) - rect.left()) * viewbox_width / rect.width())
}

/// A chart tooltip: a title line, then label/value rows with the values
/// right-aligned, in a box placed beside `anchor_x` (flipped left near the
/// right edge) with its top at `top`.
pub fn tooltip(
    title: String,
    rows: Vec<(String, String)>,
    anchor_x: f64,
    top: f64,
    chart_width: f64,
    box_width: f64,
) -> Html {
    let height = (rows.len() + 1) as f64 * 16.0 + 12.0;
    let x = if anchor_x + 12.0 + box_width > chart_width - 4.0 {
        anchor_x - 12.0 - box_width
    } else {
        anchor_x + 12.0
    };
    let line_y = |k: usize| format!("{:.1}", top + 19.0 + k as f64 * 16.0);
    html! {
        <>
            <rect class="tooltip" x={format!("{x:.1}")} y={format!("{top:.1}")} width={box_width.to_string()} height={height.to_string()} rx="4" />
            <text class="tooltip-text strong" x={format!("{:.1}", x + 10.0)} y={line_y(0)}>{title}</text>
            { for rows.into_iter().enumerate().map(|(k, (label, value))| html! {
                <>
                    <text class="tooltip-text" x={format!("{:.1}", x + 10.0)} y={line_y(k + 1)}>{label}</text>
                    <text class="tooltip-text value" x={format!("{:.1}", x + box_width - 10.0)} y={line_y(k + 1)} text-anchor="end">{value}</text>
                </>
            }) }
        </>
    }
}

/// Moves a hover index with the keyboard (arrows, Home, End, Escape).
pub fn key_step(e: &KeyboardEvent, current: Option<usize>, len: usize) -> Option<Option<usize>> {
    if len == 0 {
        return None;
    }
    let last = len - 1;
    let page = (len / 10).max(1);
    let at = current.unwrap_or(0);
    let next = match e.key().as_str() {
        "ArrowRight" | "ArrowUp" => Some(if current.is_none() {
            0
        } else {
            (at + 1).min(last)
        }),
        "ArrowLeft" | "ArrowDown" => Some(at.saturating_sub(1)),
        "PageUp" => Some((at + page).min(last)),
        "PageDown" => Some(at.saturating_sub(page)),
        "Home" => Some(0),
        "End" => Some(last),
        "Escape" => return Some(None),
        _ => return None,
    };
    e.prevent_default();
    Some(next)
}
