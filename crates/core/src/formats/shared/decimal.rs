//! Numbers exactly as a tool printed them, rescaled without rounding noise.
//!
//! Tools print latencies in seconds (`0.0268 secs`), microseconds (`706.00us`)
//! or minutes (`1.02m`); we show milliseconds. Multiplying the parsed `f64`
//! by 1000 would turn `0.0268` into `26.799999999999997`, and a tool-reported
//! figure must be shown as the tool printed it. So the decimal text is kept as
//! digits × 10^exp, rescaled in integers, and converted to `f64` once.

/// A decimal number: `mantissa × 10^exp`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Decimal {
    mantissa: i128,
    exp: i32,
}

/// Mantissas are kept below this, so one multiplication by a unit factor
/// (at most 3.6e12 ns per hour) cannot overflow an `i128`.
const MAX_MANTISSA: i128 = 10i128.pow(24);

impl Decimal {
    /// Parses `[+-]digits[.digits][(e|E)[+-]digits]`. Digits beyond 24
    /// significant ones are dropped (they are below `f64` precision anyway).
    pub fn parse(text: &str) -> Option<Decimal> {
        let s = text.trim();
        let (negative, s) = match s.as_bytes().first()? {
            b'-' => (true, &s[1..]),
            b'+' => (false, &s[1..]),
            _ => (false, s),
        };
        let (number, exponent) = match s.find(['e', 'E']) {
            Some(i) => (&s[..i], s[i + 1..].parse::<i32>().ok()?),
            None => (s, 0),
        };
        let (int_part, frac_part) = number.split_once('.').unwrap_or((number, ""));
        if int_part.is_empty() && frac_part.is_empty() {
            return None;
        }
        let mut mantissa: i128 = 0;
        let mut exp = exponent;
        for (i, c) in int_part.bytes().chain(frac_part.bytes()).enumerate() {
            if !c.is_ascii_digit() {
                return None;
            }
            let is_fraction = i >= int_part.len();
            if mantissa < MAX_MANTISSA {
                mantissa = mantissa * 10 + i128::from(c - b'0');
                if is_fraction {
                    exp = exp.checked_sub(1)?;
                }
            } else if !is_fraction {
                // An integer digit we cannot keep still scales the value.
                exp = exp.checked_add(1)?;
            }
        }
        Some(Decimal {
            mantissa: if negative { -mantissa } else { mantissa },
            exp,
        })
    }

    /// Multiplies by a power of ten.
    pub fn shift(self, pow10: i32) -> Decimal {
        Decimal {
            mantissa: self.mantissa,
            exp: self.exp.saturating_add(pow10),
        }
    }

    /// Multiplies by an integer factor (e.g. 60 000 ms per minute).
    pub fn times(self, factor: i64) -> Option<Decimal> {
        Some(Decimal {
            mantissa: self.mantissa.checked_mul(i128::from(factor))?,
            exp: self.exp,
        })
    }

    /// The nearest `f64`.
    pub fn to_f64(self) -> f64 {
        format!("{}e{}", self.mantissa, self.exp)
            .parse()
            .unwrap_or(f64::NAN)
    }
}

/// Parses printed decimal `text` and multiplies it by `10^pow10`, exactly.
pub fn parse_scaled(text: &str, pow10: i32) -> Option<f64> {
    Decimal::parse(text).map(|d| d.shift(pow10).to_f64())
}

/// Rescales a number a JSON document held (written as its shortest
/// round-trip decimal, as serde_json and JavaScript do) by `10^pow10`.
pub fn rescale_f64(value: f64, pow10: i32) -> Option<f64> {
    if !value.is_finite() {
        return None;
    }
    // `Display` for f64 prints the shortest text that reads back as `value`.
    parse_scaled(&value.to_string(), pow10)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rescales_without_float_noise() {
        assert_eq!(parse_scaled("0.0268", 3), Some(26.8));
        assert_eq!(parse_scaled("706.00", -3), Some(0.706));
        assert_eq!(parse_scaled("1.02", 3), Some(1020.0));
        assert_eq!(
            Decimal::parse("1.02")
                .and_then(|d| d.times(60_000))
                .map(Decimal::to_f64),
            Some(61_200.0)
        );
        assert_eq!(parse_scaled("-1.5e2", 0), Some(-150.0));
        assert_eq!(parse_scaled(".5", 0), Some(0.5));
        assert_eq!(rescale_f64(0.029952542, 3), Some(29.952542));
        assert_eq!(rescale_f64(f64::NAN, 3), None);
    }

    #[test]
    fn rejects_what_is_not_a_number() {
        for bad in ["", "-", ".", "1.2.3", "12ms", "inf", "NaN", "1e", "0x10"] {
            assert_eq!(Decimal::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn keeps_long_numbers_in_range() {
        let long = "123456789012345678901234567890.5";
        let v = parse_scaled(long, 0).expect("parses");
        assert!((v / 1.2345678901234568e29 - 1.0).abs() < 1e-12, "{v}");
    }
}
