//! Numbers and units as people read them: milliseconds and seconds,
//! ratios, percentages, and the scales and ticks of charts. The CLI's
//! tables, the HTML/Markdown report and the page all write their figures
//! through these functions, so one definition holds wherever a number is
//! shown. Pure: numbers in, `String` or `f64` out. Depends on nothing else
//! in the crate.
//!
//! Where two places write the same quantity differently on purpose (a CLI
//! table keeps columns narrow, a verdict shows one digit more), the
//! difference is a named variant of one function, not a second function:
//!
//! | function | variant | definition | examples |
//! | --- | --- | --- | --- |
//! | [`millis`] | [`Millis::Table`] | 2/1/0 decimals below 10/100/1000 ms, then seconds with 2 decimals and no space; `-` when not finite | `0.85`, `19.6`, `243`, `1.23s` |
//! | | [`Millis::Column`] | the same decimals, never seconds | `0.85`, `1234` |
//! | | [`Millis::Page`] | as `Table`, chosen by magnitude (negative values too), seconds after a space | `0.74`, `-524`, `2.65 s` |
//! | | [`Millis::PageUnit`] | `Page` with ` ms` below 1000 ms | `69.9 ms`, `2.65 s` |
//! | | [`Millis::Verdict`] | one digit more: 3/2/1 decimals with ` ms`, seconds with 3 decimals; `—` when not finite | `0.854 ms`, `141.4 ms`, `2.650 s` |
//! | [`significant`] | [`Significant::Ratio`] | three significant digits for `0` and 0.001 ≤ v < 1000 (`0` as `0.00`), else `2.00e3` | `1.23`, `0.0123`, `1.61e3` |
//! | | [`Significant::Any`] | three significant digits for 0.001 ≤ \|v\| < 10⁶, else `7.31e-6`; `0` as `0` | `1.86`, `370`, `7.31e-6` |
//! | [`percent`] | [`Percent::Table`] | two decimals | `0.79%` |
//! | | [`Percent::Page`] | two decimals below 10%, one above, `1.0e-3%` below 0.01% | `0.35%`, `12.5%` |
//! | | [`Percent::Verdict`] | four decimals below 0.1%, two below 10%, one above | `0.0012%`, `0.35%`, `12.5%` |
//! | [`percent_number`] | | a fraction as its percentage, shortest text, rounded to 4 decimals | `95`, `97.5`, `99.99` |
//! | [`log_seconds`] | | µs as seconds with whole milliseconds, rounded down (HdrHistogram logs) | `12.345` |
//! | [`axis_seconds`] | | a time-axis label: `s`, `min` from 600 s, `h:mm h` from an hour | `42 s`, `15 min`, `1:05 h` |
//! | [`axis_label`] | [`Axis::Report`] | `0`, thousands as `k`, no decimals from 10, one from 1, two below | `2k`, `250`, `2.5`, `0.25` |
//! | | [`Axis::Plain`] | the value without float dust (6 decimals at most) | `0.6`, `250` |
//! | | [`Axis::PageMs`] | `Plain`, in seconds from 1000 ms | `250`, `1.5 s` |
//! | [`ticks`] | [`Steps::Report`] | the smallest 1, 2, 2.5, 5, 10 × 10ᵏ step giving at most `n` parts | `0, 20, …, 100` |
//! | | [`Steps::Page`] | the 1, 2, 5, 10 × 10ᵏ step giving the number of parts closest to `n` | `0, 20, …, 100` |
//! | [`Linear`] | [`Empty::Centre`], [`Empty::Above`] | how an empty domain is widened | |
//!
//! Decimals are chosen by comparing the value itself with 10, 100 and 1000
//! (so `99.96` is written `100.0`, never re-chosen after rounding); rounding
//! is Rust's `{:.N}` (round half to even on the binary value).

/// How a duration in milliseconds is written; see the module table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Millis {
    /// CLI tables: `0.85`, `19.6`, `243`, `1.23s`; `-` when not finite.
    Table,
    /// CLI capacity columns, which compare levels side by side: never seconds.
    Column,
    /// The page: `0.74`, `69.9`, `524`, `2.65 s`, by magnitude.
    Page,
    /// The page with the unit: `69.9 ms`, `2.65 s`.
    PageUnit,
    /// Verdicts (SLA text, JUnit, the report): `141.4 ms`, `2.650 s`; `—`
    /// when not finite.
    Verdict,
}

/// A duration in milliseconds for people.
///
/// ```
/// use verdict_core::units::{millis, Millis};
/// assert_eq!(millis(19.63, Millis::Table), "19.6");
/// assert_eq!(millis(1234.0, Millis::Table), "1.23s");
/// assert_eq!(millis(1234.0, Millis::Column), "1234");
/// assert_eq!(millis(2653.29, Millis::Page), "2.65 s");
/// assert_eq!(millis(23.9, Millis::PageUnit), "23.9 ms");
/// assert_eq!(millis(141.43, Millis::Verdict), "141.4 ms");
/// assert_eq!(millis(f64::NAN, Millis::Table), "-");
/// ```
pub fn millis(v: f64, style: Millis) -> String {
    // (significant digits, separator before `s` or no seconds, unit after
    // milliseconds, chosen by magnitude, text when not finite)
    let (digits, seconds, unit, by_magnitude, not_finite): (usize, _, _, _, _) = match style {
        Millis::Table => (3, Some(""), "", false, Some("-")),
        Millis::Column => (3, None, "", false, None),
        Millis::Page => (3, Some(" "), "", true, None),
        Millis::PageUnit => (3, Some(" "), " ms", true, None),
        Millis::Verdict => (4, Some(" "), " ms", false, Some("—")),
    };
    if let Some(text) = not_finite {
        if !v.is_finite() {
            return text.into();
        }
    }
    let a = if by_magnitude { v.abs() } else { v };
    if let Some(sep) = seconds {
        if a >= 1000.0 {
            return format!("{:.*}{sep}s", digits - 1, v / 1000.0);
        }
    }
    let decimals = if a >= 100.0 {
        digits - 3
    } else if a >= 10.0 {
        digits - 2
    } else {
        digits - 1
    };
    format!("{v:.decimals$}{unit}")
}

/// Which values [`significant`] writes with fixed decimals.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Significant {
    /// Ratios (candidate ÷ baseline): `0` and 0.001 ≤ v < 1000, `0` as `0.00`.
    Ratio,
    /// Any magnitude (fit parameters): 0.001 ≤ |v| < 10⁶, `0` as `0`.
    Any,
}

/// Three significant digits, in scientific notation outside the fixed range.
///
/// ```
/// use verdict_core::units::{significant, Significant};
/// assert_eq!(significant(1.2345, Significant::Ratio), "1.23");
/// assert_eq!(significant(0.0123, Significant::Ratio), "0.0123");
/// assert_eq!(significant(1606.8, Significant::Ratio), "1.61e3");
/// assert_eq!(significant(369.9, Significant::Any), "370");
/// assert_eq!(significant(7.307285480131384e-6, Significant::Any), "7.31e-6");
/// ```
pub fn significant(v: f64, kind: Significant) -> String {
    match kind {
        Significant::Ratio => {
            if v == 0.0 {
                "0.00".into()
            } else if (0.001..1000.0).contains(&v) {
                let decimals = if v >= 100.0 {
                    0
                } else if v >= 10.0 {
                    1
                } else if v >= 1.0 {
                    2
                } else {
                    (2 - v.log10().floor() as i32).clamp(2, 5) as usize
                };
                format!("{v:.decimals$}")
            } else {
                format!("{v:.2e}")
            }
        }
        Significant::Any => {
            if v == 0.0 || !v.is_finite() {
                axis_label(v, Axis::Plain)
            } else if (1e-3..1e6).contains(&v.abs()) {
                let decimals = (2 - v.abs().log10().floor() as i32).max(0) as usize;
                format!("{v:.decimals$}")
            } else {
                format!("{v:.2e}")
            }
        }
    }
}

/// How a fraction is written as a percentage; see the module table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Percent {
    /// CLI tables: `0.79%`.
    Table,
    /// The page: tiny non-zero rates keep a digit (`1.0e-3%`), never `0.00%`.
    Page,
    /// Verdicts: `0%`, `0.0012%`, `0.35%`, `12.5%`.
    Verdict,
}

/// A fraction (0.0079) as a percentage (`0.79%`).
///
/// ```
/// use verdict_core::units::{percent, Percent};
/// assert_eq!(percent(0.0079, Percent::Table), "0.79%");
/// assert_eq!(percent(0.003498, Percent::Page), "0.35%");
/// assert_eq!(percent(0.00001, Percent::Page), "1.0e-3%");
/// assert_eq!(percent(0.0000123, Percent::Verdict), "0.0012%");
/// assert_eq!(percent(0.125, Percent::Verdict), "12.5%");
/// ```
pub fn percent(fraction: f64, style: Percent) -> String {
    let p = fraction * 100.0;
    match style {
        Percent::Table => format!("{p:.2}%"),
        Percent::Page => {
            if p == 0.0 {
                "0%".into()
            } else if p.abs() < 0.01 {
                format!("{p:.1e}%")
            } else if p.abs() < 10.0 {
                format!("{p:.2}%")
            } else {
                format!("{p:.1}%")
            }
        }
        Percent::Verdict => {
            if p == 0.0 {
                "0%".into()
            } else if p >= 10.0 {
                format!("{p:.1}%")
            } else if p >= 0.1 {
                format!("{p:.2}%")
            } else {
                format!("{p:.4}%")
            }
        }
    }
}

/// A fraction as its percentage, the shortest text after rounding to four
/// decimals, no `%`: how percentile levels are named (`p95`, `p99.9`).
///
/// ```
/// assert_eq!(verdict_core::units::percent_number(0.95), "95");
/// assert_eq!(verdict_core::units::percent_number(0.975), "97.5");
/// ```
pub fn percent_number(fraction: f64) -> String {
    format!("{}", (fraction * 1e6).round() / 1e4)
}

/// Microseconds as seconds with whole milliseconds, rounded down (towards
/// minus infinity), as HdrHistogram's log writers print timestamps.
///
/// ```
/// assert_eq!(verdict_core::units::log_seconds(12_345_678), "12.345");
/// ```
pub fn log_seconds(us: i64) -> String {
    let ms = us.div_euclid(1000);
    format!("{}.{:03}", ms.div_euclid(1000), ms.rem_euclid(1000))
}

/// A label on a time axis in seconds: `42 s`, `15 min` from 600 s, `1:05 h`
/// from an hour (hours and minutes cut, not rounded).
///
/// ```
/// use verdict_core::units::axis_seconds;
/// assert_eq!(axis_seconds(42.4), "42 s");
/// assert_eq!(axis_seconds(900.0), "15 min");
/// assert_eq!(axis_seconds(3930.0), "1:05 h");
/// ```
pub fn axis_seconds(t: f64) -> String {
    if t.abs() >= 3600.0 {
        format!(
            "{:.0}:{:02.0} h",
            (t / 3600.0).trunc(),
            (t % 3600.0 / 60.0).trunc()
        )
    } else if t.abs() >= 600.0 {
        format!("{:.0} min", t / 60.0)
    } else {
        format!("{t:.0} s")
    }
}

/// Microseconds as milliseconds.
pub fn us_to_ms(us: u64) -> f64 {
    us as f64 / 1000.0
}

/// How a tick value is labelled; see the module table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Axis {
    /// The report's SVG charts: `0`, `2k`, `250`, `2.5`, `0.25`.
    Report,
    /// The value without float dust: `0.6000000000000001` → `0.6`.
    Plain,
    /// A millisecond axis on the page: `Plain`, whole seconds from 1000 ms (`1.5 s`).
    PageMs,
}

/// A tick label.
///
/// ```
/// use verdict_core::units::{axis_label, Axis};
/// assert_eq!(axis_label(2000.0, Axis::Report), "2k");
/// assert_eq!(axis_label(0.25, Axis::Report), "0.25");
/// assert_eq!(axis_label(0.6000000000000001, Axis::Plain), "0.6");
/// assert_eq!(axis_label(1500.0, Axis::PageMs), "1.5 s");
/// ```
pub fn axis_label(x: f64, axis: Axis) -> String {
    match axis {
        Axis::Report => {
            if x == 0.0 {
                "0".into()
            } else if x.abs() >= 1000.0 && (x / 1000.0).fract() == 0.0 {
                format!("{}k", x / 1000.0)
            } else if x.abs() >= 10.0 || x.fract() == 0.0 {
                format!("{x:.0}")
            } else if x.abs() >= 1.0 {
                format!("{x:.1}")
            } else {
                format!("{x:.2}")
            }
        }
        Axis::Plain => {
            let rounded = (x * 1e6).round() / 1e6;
            format!("{}", if rounded == 0.0 { 0.0 } else { rounded })
        }
        Axis::PageMs => {
            if x.abs() >= 1000.0 {
                format!("{} s", axis_label(x / 1000.0, Axis::Plain))
            } else {
                axis_label(x, Axis::Plain)
            }
        }
    }
}

/// How an empty domain (`d0 == d1`) is widened so a scale still maps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Empty {
    /// The page: half a unit each side, so a single value lands in the middle.
    Centre,
    /// The report: one unit above, so a single value sits at the start.
    Above,
}

/// Maps a data interval `[d0, d1]` onto a pixel interval `[r0, r1]`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Linear {
    /// Start of the data domain.
    pub d0: f64,
    /// End of the data domain.
    pub d1: f64,
    /// Pixel position of `d0`.
    pub r0: f64,
    /// Pixel position of `d1`.
    pub r1: f64,
}

impl Linear {
    /// A scale whose empty domain is widened around its value ([`Empty::Centre`]).
    pub fn new(d0: f64, d1: f64, r0: f64, r1: f64) -> Linear {
        Linear::widened(d0, d1, r0, r1, Empty::Centre)
    }

    /// A scale whose empty domain (closer than 2⁻⁵² for `Centre`, 10⁻¹² for
    /// `Above`) is widened as `empty` says.
    ///
    /// ```
    /// use verdict_core::units::{Empty, Linear};
    /// assert_eq!(Linear::widened(5.0, 5.0, 0.0, 100.0, Empty::Centre).map(5.0), 50.0);
    /// assert_eq!(Linear::widened(5.0, 5.0, 0.0, 100.0, Empty::Above).map(5.0), 0.0);
    /// ```
    pub fn widened(d0: f64, d1: f64, r0: f64, r1: f64, empty: Empty) -> Linear {
        let (d0, d1) = match empty {
            Empty::Centre if (d1 - d0).abs() < f64::EPSILON => (d0 - 0.5, d1 + 0.5),
            Empty::Above if (d1 - d0).abs() < 1e-12 => (d0, d0 + 1.0),
            _ => (d0, d1),
        };
        Linear { d0, d1, r0, r1 }
    }

    /// Pixel position of `v`.
    pub fn map(&self, v: f64) -> f64 {
        self.r0 + (v - self.d0) / (self.d1 - self.d0) * (self.r1 - self.r0)
    }

    /// Data value at pixel `px`.
    pub fn invert(&self, px: f64) -> f64 {
        self.d0 + (px - self.r0) / (self.r1 - self.r0) * (self.d1 - self.d0)
    }
}

/// How [`ticks`] chooses its step; see the module table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Steps {
    /// The report: the smallest 1, 2, 2.5, 5, 10 × 10ᵏ step that cuts the
    /// range into at most `n` parts.
    Report,
    /// The page: the 1, 2, 5, 10 × 10ᵏ step whose number of parts is
    /// closest to `n`.
    Page,
}

/// The page's tick step for `[lo, hi]` cut into about `n` parts
/// ([`Steps::Page`]); `1` for an empty or non-finite range.
pub fn nice_step(lo: f64, hi: f64, n: usize) -> f64 {
    let n = n.max(1) as f64;
    let raw = (hi - lo) / n;
    if !(raw.is_finite() && raw > 0.0) {
        return 1.0;
    }
    let magnitude = 10f64.powf(raw.log10().floor());
    let parts = |step: f64| ((hi - lo) / step - n).abs();
    [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * magnitude)
        .fold(magnitude, |best, step| {
            if parts(step) < parts(best) {
                step
            } else {
                best
            }
        })
}

/// Round tick values covering `lo..=hi`, about `n` of them; `[lo]` alone
/// when the range is empty or not finite.
///
/// ```
/// use verdict_core::units::{ticks, Steps};
/// assert_eq!(ticks(0.0, 100.0, 5, Steps::Report), vec![0.0, 20.0, 40.0, 60.0, 80.0, 100.0]);
/// assert_eq!(ticks(0.0, 0.9, 3, Steps::Report), vec![0.0, 0.5]);
/// assert_eq!(ticks(0.0, 1.0, 4, Steps::Report), vec![0.0, 0.25, 0.5, 0.75, 1.0]);
/// assert_eq!(ticks(0.0, 1.0, 4, Steps::Page), vec![0.0, 0.2, 0.4, 0.6000000000000001, 0.8, 1.0]);
/// ```
pub fn ticks(lo: f64, hi: f64, n: usize, steps: Steps) -> Vec<f64> {
    if !(lo.is_finite() && hi.is_finite()) || hi <= lo {
        return vec![lo];
    }
    match steps {
        Steps::Report => {
            let raw = (hi - lo) / n.max(1) as f64;
            let mag = 10f64.powf(raw.log10().floor());
            let step = [1.0, 2.0, 2.5, 5.0, 10.0]
                .iter()
                .map(|m| m * mag)
                .find(|s| *s >= raw)
                .unwrap_or(mag * 10.0);
            let mut out = Vec::new();
            let mut t = (lo / step).ceil() * step;
            while t <= hi + step * 1e-9 {
                out.push(if t.abs() < step * 1e-9 { 0.0 } else { t });
                t += step;
            }
            out
        }
        Steps::Page => {
            let step = nice_step(lo, hi, n);
            let first = (lo / step).ceil() as i64;
            let last = (hi / step + 1e-9).floor() as i64;
            // Multiplying integers avoids accumulating float dust such as 0.30000000000000004.
            (first..=last).map(|k| k as f64 * step).collect()
        }
    }
}

/// The top of a value axis on the page: the smallest [`Steps::Page`] tick
/// at or above `max`, `1` when there is nothing to show.
///
/// ```
/// assert_eq!(verdict_core::units::nice_max(138.0), 140.0);
/// assert_eq!(verdict_core::units::nice_max(0.0), 1.0);
/// ```
pub fn nice_max(max: f64) -> f64 {
    if !(max.is_finite() && max > 0.0) {
        return 1.0;
    }
    let step = nice_step(0.0, max, 5);
    (max / step).ceil() * step
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn milliseconds_switch_to_seconds_at_1000() {
        assert_eq!(millis(999.4, Millis::Table), "999");
        assert_eq!(millis(1000.0, Millis::Table), "1.00s");
        assert_eq!(millis(0.854, Millis::Table), "0.85");
        assert_eq!(millis(99.96, Millis::Table), "100.0");
        assert_eq!(millis(-5000.0, Millis::Table), "-5000.00");
        assert_eq!(millis(-5000.0, Millis::Page), "-5.00 s");
        assert_eq!(millis(2653.29, Millis::PageUnit), "2.65 s");
        assert_eq!(millis(0.8541, Millis::Verdict), "0.854 ms");
        assert_eq!(millis(19.634, Millis::Verdict), "19.63 ms");
        assert_eq!(millis(2650.0, Millis::Verdict), "2.650 s");
        assert_eq!(millis(f64::INFINITY, Millis::Verdict), "—");
    }

    #[test]
    fn ratios_keep_three_digits() {
        assert_eq!(significant(0.0, Significant::Ratio), "0.00");
        assert_eq!(significant(15.04, Significant::Ratio), "15.0");
        assert_eq!(significant(0.00002, Significant::Ratio), "2.00e-5");
        assert_eq!(significant(0.0, Significant::Any), "0");
        assert_eq!(significant(0.0123, Significant::Any), "0.0123");
    }

    #[test]
    fn percentages() {
        assert_eq!(percent(0.0, Percent::Page), "0%");
        assert_eq!(percent(0.5, Percent::Table), "50.00%");
        assert_eq!(percent(0.0035, Percent::Verdict), "0.35%");
        assert_eq!(percent_number(0.9999), "99.99");
    }

    #[test]
    fn seconds() {
        assert_eq!(log_seconds(-1), "-1.999");
        assert_eq!(log_seconds(1_000_999), "1.000");
        assert_eq!(axis_seconds(7199.0), "1:59 h");
    }

    #[test]
    fn page_ticks_are_round_numbers() {
        assert_eq!(
            ticks(-0.43, 125.0, 5, Steps::Page),
            vec![0.0, 20.0, 40.0, 60.0, 80.0, 100.0, 120.0]
        );
        assert_eq!(ticks(0.0, 0.9, 3, Steps::Page), vec![0.0, 0.5]);
        assert_eq!(ticks(3.0, 3.0, 5, Steps::Page), vec![3.0]);
        assert_eq!(nice_max(2653.0), 3000.0);
    }
}
