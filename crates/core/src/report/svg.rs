//! Small inline SVG charts for the report: no scripts, no external files.

use std::fmt::Write;

use super::markup::esc;
use crate::units::{self, axis_label, Axis, Empty, Linear, Steps};

/// A scale whose empty domain is widened upwards, so a single value sits
/// at the start of the axis.
fn scale(d0: f64, d1: f64, r0: f64, r1: f64) -> Linear {
    Linear::widened(d0, d1, r0, r1, Empty::Above)
}

/// About `n` round tick values covering `lo..=hi` ([`Steps::Report`]).
pub fn ticks(lo: f64, hi: f64, n: usize) -> Vec<f64> {
    units::ticks(lo, hi, n, Steps::Report)
}

/// A short label for a tick value ([`Axis::Report`]).
pub fn tick_label(x: f64) -> String {
    axis_label(x, Axis::Report)
}

/// One series of a line chart.
pub struct Line<'a> {
    pub label: &'a str,
    pub class: &'a str,
    pub points: Vec<(f64, f64)>,
}

/// A time chart: lines on the left axis, an optional step line on the right
/// axis (concurrency), and optional bars along the bottom (errors).
pub struct TimeChart<'a> {
    pub title: &'a str,
    pub y_label: &'a str,
    pub lines: Vec<Line<'a>>,
    pub right: Option<(&'a str, Vec<(f64, f64)>)>,
    pub bars: Option<(&'a str, Vec<(f64, f64)>)>,
    /// A horizontal limit line on the left axis.
    pub limit: Option<(f64, String)>,
}

const W: f64 = 720.0;
const H: f64 = 250.0;
const PAD_L: f64 = 52.0;
const PAD_R: f64 = 52.0;
const PAD_T: f64 = 28.0;
const PAD_B: f64 = 34.0;

fn path(points: &[(f64, f64)], x: &Linear, y: &Linear) -> String {
    let mut d = String::new();
    let mut pen_up = true;
    for &(a, b) in points {
        if !a.is_finite() || !b.is_finite() {
            pen_up = true;
            continue;
        }
        let _ = write!(
            d,
            "{}{:.1},{:.1} ",
            if pen_up { "M" } else { "L" },
            x.map(a),
            y.map(b)
        );
        pen_up = false;
    }
    d
}

/// The top of a latency axis: the highest value, room above a limit line,
/// 5 % headroom, and 1 where there is nothing to show.
fn y_top(max: f64, limit: Option<f64>) -> f64 {
    let y1 = limit.map_or(max, |l| max.max(l * 1.1));
    if y1 <= 0.0 {
        1.0
    } else {
        y1 * 1.05
    }
}

/// The opening tag of a full-size chart, titled for screen readers.
fn open_chart(title: &str) -> String {
    let mut s = String::new();
    let _ = write!(
        s,
        "<svg class=\"chart\" viewBox=\"0 0 {W} {H}\" role=\"img\" aria-label=\"{}\"><title>{}</title>",
        esc(title),
        esc(title)
    );
    s
}

/// Horizontal grid lines with their labels on the left axis.
fn y_grid(s: &mut String, y: &Linear, y1: f64, n: usize) {
    for t in ticks(0.0, y1, n) {
        let _ = write!(
            s,
            "<line class=\"grid\" x1=\"{PAD_L}\" x2=\"{:.1}\" y1=\"{:.1}\" y2=\"{:.1}\"/><text class=\"tick\" x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>",
            W - PAD_R,
            y.map(t),
            y.map(t),
            PAD_L - 6.0,
            y.map(t) + 4.0,
            tick_label(t)
        );
    }
}

/// The titles of the bottom axis (`x`, already markup) and the left axis.
fn axis_titles(s: &mut String, x: &str, y: &str) {
    let _ = write!(
        s,
        "<text class=\"axis\" x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{x}</text><text class=\"axis\" x=\"12\" y=\"{:.1}\" transform=\"rotate(-90 12 {:.1})\" text-anchor=\"middle\">{}</text>",
        (PAD_L + W - PAD_R) / 2.0,
        H - 4.0,
        (PAD_T + H - PAD_B) / 2.0,
        (PAD_T + H - PAD_B) / 2.0,
        esc(y)
    );
}

/// A labelled horizontal limit line across the plot.
fn limit_line(s: &mut String, y: &Linear, limit: f64, label: &str) {
    let _ = write!(
        s,
        "<line class=\"limit\" x1=\"{PAD_L}\" x2=\"{:.1}\" y1=\"{:.1}\" y2=\"{:.1}\"/><text class=\"limit-label\" x=\"{:.1}\" y=\"{:.1}\">{}</text>",
        W - PAD_R,
        y.map(limit),
        y.map(limit),
        PAD_L + 4.0,
        y.map(limit) - 4.0,
        esc(label)
    );
}

/// Renders a [`TimeChart`].
pub fn time_chart(c: &TimeChart<'_>) -> String {
    let xs = c.lines.iter().flat_map(|l| l.points.iter().map(|p| p.0));
    let (mut x0, mut x1) = (f64::INFINITY, f64::NEG_INFINITY);
    for x in xs.chain(c.right.iter().flat_map(|r| r.1.iter().map(|p| p.0))) {
        x0 = x0.min(x);
        x1 = x1.max(x);
    }
    if !x0.is_finite() {
        return String::new();
    }
    let x0 = x0.min(0.0);
    let top = c
        .lines
        .iter()
        .flat_map(|l| l.points.iter().map(|p| p.1))
        .filter(|v| v.is_finite())
        .fold(0.0, f64::max);
    let y1 = y_top(top, c.limit.as_ref().map(|l| l.0));
    let x = scale(x0, x1, PAD_L, W - PAD_R);
    let y = scale(0.0, y1, H - PAD_B, PAD_T);
    let mut s = open_chart(c.title);
    y_grid(&mut s, &y, y1, 5);
    for t in ticks(x0, x1, 8) {
        let _ = write!(
            s,
            "<text class=\"tick\" x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>",
            x.map(t),
            H - PAD_B + 16.0,
            tick_label(t)
        );
    }
    axis_titles(&mut s, "seconds since start", c.y_label);
    if let Some((label, bars)) = &c.bars {
        let max = bars.iter().map(|b| b.1).fold(0.0, f64::max);
        if max > 0.0 {
            let bar_y = scale(0.0, max.max(5.0), H - PAD_B, H - PAD_B - 24.0);
            let width = if bars.len() > 1 {
                ((x.map(bars[1].0) - x.map(bars[0].0)) * 0.8).max(1.0)
            } else {
                4.0
            };
            for &(t, v) in bars.iter().filter(|b| b.1 > 0.0) {
                let _ = write!(
                    s,
                    "<rect class=\"errbar\" x=\"{:.1}\" y=\"{:.1}\" width=\"{width:.1}\" height=\"{:.1}\"><title>{} {v} at {t:.0} s</title></rect>",
                    x.map(t),
                    bar_y.map(v),
                    (H - PAD_B) - bar_y.map(v),
                    esc(label)
                );
            }
        }
    }
    if let Some((label, points)) = &c.right {
        let max = points.iter().map(|p| p.1).fold(0.0, f64::max);
        if max > 0.0 {
            let r = scale(0.0, max * 1.1, H - PAD_B, PAD_T);
            let mut d = String::new();
            for (i, &(t, v)) in points.iter().enumerate() {
                if i == 0 {
                    let _ = write!(d, "M{:.1},{:.1} ", x.map(t), r.map(v));
                } else {
                    let _ = write!(d, "H{:.1} V{:.1} ", x.map(t), r.map(v));
                }
            }
            let _ = write!(s, "<path class=\"conc\" d=\"{d}\"/>");
            for t in ticks(0.0, max * 1.1, 4) {
                let _ = write!(
                    s,
                    "<text class=\"tick conc-tick\" x=\"{:.1}\" y=\"{:.1}\">{}</text>",
                    W - PAD_R + 6.0,
                    r.map(t) + 4.0,
                    tick_label(t)
                );
            }
            let _ = write!(
                s,
                "<text class=\"axis conc-tick\" x=\"{:.1}\" y=\"{:.1}\" transform=\"rotate(90 {:.1} {:.1})\" text-anchor=\"middle\">{}</text>",
                W - 8.0,
                (PAD_T + H - PAD_B) / 2.0,
                W - 8.0,
                (PAD_T + H - PAD_B) / 2.0,
                esc(label)
            );
        }
    }
    if let Some((limit, label)) = &c.limit {
        limit_line(&mut s, &y, *limit, label);
    }
    for l in &c.lines {
        let _ = write!(
            s,
            "<path class=\"line {}\" d=\"{}\"><title>{}</title></path>",
            l.class,
            path(&l.points, &x, &y),
            esc(l.label)
        );
    }
    // Legend.
    let mut lx = PAD_L;
    let mut legend: Vec<(&str, &str)> = c.lines.iter().map(|l| (l.label, l.class)).collect();
    if let Some((label, _)) = &c.right {
        legend.push((label, "conc"));
    }
    if let Some((label, bars)) = &c.bars {
        if bars.iter().any(|b| b.1 > 0.0) {
            legend.push((label, "errbar"));
        }
    }
    for (label, class) in legend {
        let _ = write!(
            s,
            "<rect class=\"key {class}\" x=\"{lx:.1}\" y=\"8\" width=\"14\" height=\"4\"/><text class=\"legend\" x=\"{:.1}\" y=\"14\">{}</text>",
            lx + 18.0,
            esc(label)
        );
        lx += 26.0 + label.chars().count() as f64 * 6.6;
    }
    s.push_str("</svg>");
    s
}

/// An HDR-style percentile plot: x is 1/(1−p) on a log axis.
pub fn distribution_chart(
    title: &str,
    points: &[(f64, f64)],
    limit: Option<(f64, String)>,
) -> String {
    let pts: Vec<(f64, f64)> = points
        .iter()
        .filter(|(p, _)| *p < 100.0)
        .map(|&(p, v)| ((1.0 / (1.0 - p / 100.0)).log10(), v))
        .collect();
    if pts.len() < 2 {
        return String::new();
    }
    let x1 = pts.iter().map(|p| p.0).fold(0.0, f64::max).max(2.0).ceil();
    let top = pts.iter().map(|p| p.1).fold(0.0, f64::max);
    let y1 = y_top(top, limit.as_ref().map(|l| l.0));
    let x = scale(0.0, x1, PAD_L, W - PAD_R);
    let y = scale(0.0, y1, H - PAD_B, PAD_T);
    let mut s = open_chart(title);
    y_grid(&mut s, &y, y1, 5);
    let labels = ["0%", "90%", "99%", "99.9%", "99.99%", "99.999%", "99.9999%"];
    for (k, label) in labels.iter().enumerate().take((x1 as usize) + 1) {
        let at = x.map(k as f64);
        let _ = write!(
            s,
            "<line class=\"grid\" x1=\"{at:.1}\" x2=\"{at:.1}\" y1=\"{PAD_T}\" y2=\"{:.1}\"/><text class=\"tick\" x=\"{at:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>",
            H - PAD_B,
            H - PAD_B + 16.0,
            label
        );
    }
    axis_titles(&mut s, "percentile (log scale of 1/(1−p))", "latency (ms)");
    if let Some((l, label)) = &limit {
        limit_line(&mut s, &y, *l, label);
    }
    let _ = write!(s, "<path class=\"line p95\" d=\"{}\"/>", path(&pts, &x, &y));
    s.push_str("</svg>");
    s
}

/// A one-line picture of a verdict: the bounds as a bar, the estimate as a
/// dot, the limit as a dashed line. `None` bounds run off the edge.
pub fn interval_strip(
    low: Option<f64>,
    high: Option<f64>,
    estimate: Option<f64>,
    limit: f64,
    class: &str,
    log: bool,
) -> String {
    const SW: f64 = 200.0;
    const SH: f64 = 22.0;
    let vals: Vec<f64> = [low, high, estimate, Some(limit)]
        .iter()
        .flatten()
        .copied()
        .filter(|v| v.is_finite())
        .collect();
    let lo = vals.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = vals.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    if !lo.is_finite() {
        return String::new();
    }
    let f = |v: f64| if log { v.max(1e-9).ln() } else { v };
    let (a, b) = (f(lo), f(hi));
    let pad = ((b - a).abs() * 0.15).max(if log { 0.1 } else { hi.abs() * 0.05 + 1e-9 });
    let x = scale(a - pad, b + pad, 6.0, SW - 6.0);
    let px = |v: f64| x.map(f(v));
    let (x0, x1) = (low.map_or(2.0, px), high.map_or(SW - 2.0, px));
    let mut s = format!("<svg class=\"strip\" viewBox=\"0 0 {SW} {SH}\" width=\"{SW}\" height=\"{SH}\" aria-hidden=\"true\">");
    let _ = write!(
        s,
        "<line class=\"strip-axis\" x1=\"2\" x2=\"{:.1}\" y1=\"11\" y2=\"11\"/>",
        SW - 2.0
    );
    let _ = write!(
        s,
        "<rect class=\"bar {class}\" x=\"{:.1}\" y=\"6\" width=\"{:.1}\" height=\"10\" rx=\"2\"/>",
        x0.min(x1),
        (x1 - x0).abs().max(4.0)
    );
    if low.is_none() {
        let _ = write!(s, "<path class=\"arrow {class}\" d=\"M2,11 l6,-5 v10 z\"/>");
    }
    if high.is_none() {
        let _ = write!(
            s,
            "<path class=\"arrow {class}\" d=\"M{:.1},11 l-6,-5 v10 z\"/>",
            SW - 2.0
        );
    }
    if let Some(e) = estimate {
        let _ = write!(
            s,
            "<circle class=\"est\" cx=\"{:.1}\" cy=\"11\" r=\"2.5\"/>",
            px(e)
        );
    }
    let _ = write!(
        s,
        "<line class=\"limit\" x1=\"{0:.1}\" x2=\"{0:.1}\" y1=\"1\" y2=\"21\"/>",
        px(limit)
    );
    s.push_str("</svg>");
    s
}

/// Per-window estimates as bars against the limit (where a rule broke).
pub fn windows_chart(
    title: &str,
    windows: &[(f64, f64, f64, &str)],
    limit: f64,
    unit_label: &str,
) -> String {
    if windows.is_empty() {
        return String::new();
    }
    const CH: f64 = 150.0;
    let x1 = windows.iter().map(|w| w.1).fold(0.0, f64::max);
    let y1 = windows.iter().map(|w| w.2).fold(limit, f64::max) * 1.1;
    let x = scale(0.0, x1.max(1.0), PAD_L, W - PAD_R);
    let y = scale(0.0, if y1 > 0.0 { y1 } else { 1.0 }, CH - 26.0, 18.0);
    let mut s = format!(
        "<svg class=\"chart\" viewBox=\"0 0 {W} {CH}\" role=\"img\" aria-label=\"{0}\"><title>{0}</title><text class=\"axis\" x=\"{PAD_L}\" y=\"11\">{0}</text>",
        esc(title)
    );
    y_grid(&mut s, &y, y1, 3);
    for t in ticks(0.0, x1, 8) {
        let _ = write!(
            s,
            "<text class=\"tick\" x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>",
            x.map(t),
            CH - 10.0,
            tick_label(t)
        );
    }
    for &(a, b, v, class) in windows {
        let (xa, xb) = (x.map(a), x.map(b));
        let _ = write!(
            s,
            "<rect class=\"wbar {class}\" x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{:.1}\"><title>{a:.0}–{b:.0} s: {v:.3} {}</title></rect>",
            xa + 0.5,
            y.map(v),
            (xb - xa - 1.0).max(1.0),
            (CH - 26.0) - y.map(v),
            esc(unit_label)
        );
    }
    let _ = write!(
        s,
        "<line class=\"limit\" x1=\"{PAD_L}\" x2=\"{:.1}\" y1=\"{:.1}\" y2=\"{:.1}\"/>",
        W - PAD_R,
        y.map(limit),
        y.map(limit)
    );
    s.push_str("</svg>");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_are_round() {
        assert_eq!(
            ticks(0.0, 100.0, 5),
            vec![0.0, 20.0, 40.0, 60.0, 80.0, 100.0]
        );
        assert_eq!(ticks(0.0, 0.9, 3), vec![0.0, 0.5]);
    }
}
