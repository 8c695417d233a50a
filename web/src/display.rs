//! Numbers as people read them. Every figure on the page also carries its
//! exact value in `data-value` ([`exact`]); these functions only round for
//! the eye. The definitions live in [`verdict_core::units`], shared with the
//! CLI and the report.

use verdict_core::units::{self, axis_label, millis, Axis, Millis, Percent, Significant};

/// The exact value for `data-value`: Rust's shortest representation that
/// reads back to the same `f64` (what `JSON.parse` gives for the CLI's JSON).
pub fn exact(v: f64) -> String {
    format!("{v}")
}

/// Milliseconds with about three significant digits, switching to seconds
/// at 1000 ms ([`Millis::Page`]): `0.74`, `69.9`, `524`, `2.65 s`.
pub fn ms(v: f64) -> String {
    millis(v, Millis::Page)
}

/// Milliseconds with the unit ([`Millis::PageUnit`]): `69.9 ms`, `2.65 s`.
pub fn ms_unit(v: f64) -> String {
    millis(v, Millis::PageUnit)
}

/// A tick label for a millisecond axis ([`Axis::PageMs`]): no decimals it
/// does not need (`0`, `0.5`, `250`), whole seconds past 1000 ms (`2 s`, `1.5 s`).
pub fn axis_ms(v: f64) -> String {
    axis_label(v, Axis::PageMs)
}

/// Three significant digits for any magnitude ([`Significant::Any`]): `0`,
/// `1.86`, `7.31e-6`.
pub fn significant(v: f64) -> String {
    units::significant(v, Significant::Any)
}

/// A tick value without float dust ([`Axis::Plain`]): `0.6000000000000001` → `0.6`.
pub fn plain(v: f64) -> String {
    axis_label(v, Axis::Plain)
}

/// A speed in MB/s with two significant digits at least: `0.22`, `4.5`, `95`.
pub fn mb_per_s(v: f64) -> String {
    if v >= 10.0 {
        format!("{v:.0} MB/s")
    } else if v >= 1.0 {
        format!("{v:.1} MB/s")
    } else {
        format!("{v:.2} MB/s")
    }
}

/// A count with thousands separators: `14,577`.
pub fn count(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A fraction as a percentage ([`Percent::Page`]): `0.0035` → `0.35%`, tiny
/// non-zero rates keep a significant digit (`0.004%`) so they never read as zero.
pub fn percent(fraction: f64) -> String {
    units::percent(fraction, Percent::Page)
}

/// A rate per second: `116.6`, `0.25`.
pub fn per_second(v: f64) -> String {
    if v.abs() >= 100.0 {
        format!("{v:.1}")
    } else {
        format!("{v:.2}")
    }
}

/// A byte count in decimal units: `892 kB`, `312.4 MB`.
pub fn bytes(n: f64) -> String {
    if n >= 1e9 {
        format!("{:.2} GB", n / 1e9)
    } else if n >= 1e6 {
        format!("{:.1} MB", n / 1e6)
    } else if n >= 1e3 {
        format!("{:.0} kB", n / 1e3)
    } else {
        format!("{n:.0} B")
    }
}

/// A duration: `48.3 s`, `2 min 05 s`, `1 h 02 min`.
pub fn duration(seconds: f64) -> String {
    if seconds < 60.0 {
        return format!("{seconds:.1} s");
    }
    let total = seconds.round() as u64;
    let (h, m, s) = (total / 3600, (total % 3600) / 60, total % 60);
    if h > 0 {
        format!("{h} h {m:02} min")
    } else {
        format!("{m} min {s:02} s")
    }
}

/// A concurrency figure (VUs, threads): whole numbers without decimals.
pub fn concurrency(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        count(v as u64)
    } else {
        format!("{v:.1}")
    }
}

/// A percentile label: `50` → `p50`, `99.9` → `p99.9`, `99.99` → `p99.99`.
pub fn percentile_label(p: f64) -> String {
    let mut s = format!("{p:.4}");
    while s.ends_with('0') {
        s.pop();
    }
    if s.ends_with('.') {
        s.pop();
    }
    format!("p{s}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_reads_back_to_the_same_number() {
        for v in [
            10.650305312635219,
            0.1 + 0.2,
            1e-7,
            2653.293022,
            14577.0,
            0.0,
        ] {
            assert_eq!(exact(v).parse::<f64>(), Ok(v));
        }
        assert_eq!(exact(14577.0), "14577");
    }

    #[test]
    fn significant_digits_for_fit_parameters() {
        assert_eq!(significant(0.0), "0");
        assert_eq!(significant(1.8645323653492627), "1.86");
        assert_eq!(significant(7.307285480131384e-6), "7.31e-6");
        assert_eq!(significant(0.0123), "0.0123");
        assert_eq!(significant(369.9), "370");
    }

    #[test]
    fn rounding_for_the_eye() {
        assert_eq!(ms(0.736), "0.74");
        assert_eq!(ms(69.85), "69.8");
        assert_eq!(ms(523.7), "524");
        assert_eq!(ms(2653.29), "2.65 s");
        assert_eq!(ms_unit(23.9), "23.9 ms");
        assert_eq!(ms_unit(2653.29), "2.65 s");
        assert_eq!(count(14577), "14,577");
        assert_eq!(count(999), "999");
        assert_eq!(count(1_000_000), "1,000,000");
        assert_eq!(percent(0.003498), "0.35%");
        assert_eq!(percent(0.0), "0%");
        assert_eq!(percent(0.00004), "4.0e-3%");
        assert_eq!(percent(0.25), "25.0%");
        assert_eq!(bytes(892_012.0), "892 kB");
        assert_eq!(bytes(312_400_000.0), "312.4 MB");
        assert_eq!(duration(48.31), "48.3 s");
        assert_eq!(duration(125.1), "2 min 05 s");
        assert_eq!(duration(3725.0), "1 h 02 min");
        assert_eq!(concurrency(150.0), "150");
        assert_eq!(percentile_label(99.9), "p99.9");
        assert_eq!(percentile_label(50.0), "p50");
        assert_eq!(percentile_label(99.99), "p99.99");
        assert_eq!(axis_ms(0.0), "0");
        assert_eq!(axis_ms(0.6000000000000001), "0.6");
        assert_eq!(axis_ms(250.0), "250");
        assert_eq!(axis_ms(2000.0), "2 s");
        assert_eq!(axis_ms(1500.0), "1.5 s");
        assert_eq!(mb_per_s(0.2231), "0.22 MB/s");
        assert_eq!(mb_per_s(95.4), "95 MB/s");
    }
}
