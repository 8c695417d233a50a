//! Numbers as the CLI prints them: milliseconds to three significant digits
//! or so, ratios, percentages, rates. Every table of every command uses
//! these, so one value reads the same wherever it appears. The definitions
//! live in [`verdict_core::units`], shared with the report and the page.

use verdict_core::units::{millis, percent, significant, Millis, Percent, Significant};

/// Milliseconds ([`Millis::Table`]): `0.85`, `19.6`, `243`, `1.23s`; `-`
/// when not finite.
pub fn ms(v: f64) -> String {
    millis(v, Millis::Table)
}

/// A ratio with three significant digits, however small or large
/// ([`Significant::Ratio`]); `-` when not finite.
pub fn ratio(v: f64) -> String {
    if v.is_finite() {
        significant(v, Significant::Ratio)
    } else {
        "-".into()
    }
}

/// Milliseconds that never switch to seconds ([`Millis::Column`]), for
/// capacity tables, whose columns compare levels side by side: `0.85`,
/// `19.6`, `1234`.
pub fn ms_digits(v: f64) -> String {
    millis(v, Millis::Column)
}

/// [`ms`] of a value that may be missing (`-`).
pub fn opt_ms(v: Option<f64>) -> String {
    v.map_or("-".into(), ms)
}

/// A proportion as a percentage with two decimals: `0.79%`.
pub fn opt_percent(v: Option<f64>) -> String {
    v.map_or("-".into(), |v| percent(v, Percent::Table))
}

/// A rate (req/s) with one decimal.
pub fn opt_rate(v: Option<f64>) -> String {
    v.map_or("-".into(), |v| format!("{v:.1}"))
}

/// A count, or `-`.
pub fn opt_count(v: Option<u64>) -> String {
    v.map_or("-".into(), |v| v.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ratios_keep_three_digits() {
        assert_eq!(ratio(1.2345), "1.23");
        assert_eq!(ratio(0.0123), "0.0123");
        assert_eq!(ratio(1606.8), "1.61e3");
        assert_eq!(ratio(0.00002), "2.00e-5");
        assert_eq!(ratio(15.04), "15.0");
    }

    #[test]
    fn milliseconds_keep_about_three_digits() {
        assert_eq!(ms(0.854), "0.85");
        assert_eq!(ms(19.63), "19.6");
        assert_eq!(ms(243.2), "243");
        assert_eq!(ms(1234.0), "1.23s");
        assert_eq!(ms(f64::NAN), "-");
        assert_eq!(ms_digits(1234.0), "1234");
        assert_eq!(opt_ms(None), "-");
    }
}
