//! Timestamps as signed microseconds since the Unix epoch, and the two
//! conversions the formats need: RFC 3339 text in, RFC 3339 text out.
//!
//! We keep our own small civil-calendar code (Howard Hinnant's
//! `days_from_civil`) because the core must stay free of clocks and time zones,
//! and every format we read states its offset explicitly.

use serde::{Deserialize, Serialize};

/// Microseconds since 1970-01-01T00:00:00Z.
pub type Micros = i64;

/// Days since the epoch for a proleptic Gregorian date.
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

fn digits(b: &[u8]) -> Option<i64> {
    if b.is_empty() {
        return None;
    }
    let mut v: i64 = 0;
    for &c in b {
        if !c.is_ascii_digit() {
            return None;
        }
        v = v * 10 + i64::from(c - b'0');
    }
    Some(v)
}

/// Parses `2026-11-22T01:35:58.832031449Z` (any number of fraction digits,
/// `Z` or `±hh:mm`, `T` or a space between date and time).
pub fn parse_rfc3339(s: &[u8]) -> Option<Micros> {
    if s.len() < 19 || s[4] != b'-' || s[7] != b'-' || s[13] != b':' || s[16] != b':' {
        return None;
    }
    if s[10] != b'T' && s[10] != b't' && s[10] != b' ' {
        return None;
    }
    let year = digits(&s[0..4])?;
    let month = digits(&s[5..7])? as u32;
    let day = digits(&s[8..10])? as u32;
    let hour = digits(&s[11..13])?;
    let min = digits(&s[14..16])?;
    let sec = digits(&s[17..19])?;
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) || hour > 23 || min > 59 || sec > 60 {
        return None;
    }
    let mut i = 19;
    let mut micros: i64 = 0;
    if i < s.len() && s[i] == b'.' {
        i += 1;
        let start = i;
        while i < s.len() && s[i].is_ascii_digit() {
            if i - start < 6 {
                micros = micros * 10 + i64::from(s[i] - b'0');
            }
            i += 1;
        }
        let n = i - start;
        if n == 0 {
            return None;
        }
        for _ in n..6 {
            micros *= 10;
        }
    }
    let offset_s: i64 = match s.get(i) {
        Some(b'Z') | Some(b'z') if i + 1 == s.len() => 0,
        Some(&sign @ (b'+' | b'-')) if s.len() == i + 6 && s[i + 3] == b':' => {
            let oh = digits(&s[i + 1..i + 3])?;
            let om = digits(&s[i + 4..i + 6])?;
            let v = oh * 3600 + om * 60;
            if sign == b'-' {
                -v
            } else {
                v
            }
        }
        _ => return None,
    };
    let days = days_from_civil(year, month, day);
    let secs = days * 86_400 + hour * 3600 + min * 60 + sec - offset_s;
    Some(secs * 1_000_000 + micros)
}

/// Formats as `2026-11-22T01:35:58.832Z` (millisecond precision, UTC).
pub fn format_rfc3339(t: Micros) -> String {
    let secs = t.div_euclid(1_000_000);
    let millis = t.rem_euclid(1_000_000) / 1000;
    let days = secs.div_euclid(86_400);
    let sod = secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{millis:03}Z",
        sod / 3600,
        (sod / 60) % 60,
        sod % 60
    )
}

/// The unit of a duration, for inputs that do not state theirs (HdrHistogram
/// files, a user-mapped CSV). Serde names: `s`, `ms`, `us`, `ns`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum DurationUnit {
    /// Seconds.
    #[serde(rename = "s")]
    Seconds,
    /// Milliseconds.
    #[serde(rename = "ms")]
    Millis,
    /// Microseconds.
    #[serde(rename = "us", alias = "µs")]
    Micros,
    /// Nanoseconds.
    #[serde(rename = "ns")]
    Nanos,
}

impl DurationUnit {
    /// Every unit, largest first.
    pub const ALL: [DurationUnit; 4] = [
        DurationUnit::Seconds,
        DurationUnit::Millis,
        DurationUnit::Micros,
        DurationUnit::Nanos,
    ];

    /// Reads `s`, `ms`, `us` (or `µs`), `ns`.
    pub fn from_name(name: &str) -> Option<DurationUnit> {
        match name {
            "s" => Some(DurationUnit::Seconds),
            "ms" => Some(DurationUnit::Millis),
            "us" | "µs" => Some(DurationUnit::Micros),
            "ns" => Some(DurationUnit::Nanos),
            _ => None,
        }
    }

    /// The short name (`ms`).
    pub fn as_str(self) -> &'static str {
        match self {
            DurationUnit::Seconds => "s",
            DurationUnit::Millis => "ms",
            DurationUnit::Micros => "us",
            DurationUnit::Nanos => "ns",
        }
    }

    /// The unit spelled out, for messages.
    pub fn long_name(self) -> &'static str {
        match self {
            DurationUnit::Seconds => "seconds",
            DurationUnit::Millis => "milliseconds",
            DurationUnit::Micros => "microseconds",
            DurationUnit::Nanos => "nanoseconds",
        }
    }

    /// The power of ten that turns a value in this unit into milliseconds.
    pub fn pow10_to_ms(self) -> i32 {
        match self {
            DurationUnit::Seconds => 3,
            DurationUnit::Millis => 0,
            DurationUnit::Micros => -3,
            DurationUnit::Nanos => -6,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_k6_timestamps() {
        let t = parse_rfc3339(b"2026-11-22T01:35:58.832031449Z").expect("valid");
        assert_eq!(t % 1_000_000, 832_031);
        assert_eq!(format_rfc3339(t), "2026-11-22T01:35:58.832Z");
    }

    #[test]
    fn offsets_and_epoch() {
        assert_eq!(parse_rfc3339(b"1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(parse_rfc3339(b"1970-01-01T01:00:00+01:00"), Some(0));
        assert_eq!(parse_rfc3339(b"1969-12-31T23:59:59.5Z"), Some(-500_000));
        assert_eq!(format_rfc3339(-500_000), "1969-12-31T23:59:59.500Z");
    }

    #[test]
    fn rejects_garbage() {
        for bad in [
            &b""[..],
            b"2026-13-01T00:00:00Z",
            b"2026-11-22T01:35:58",
            b"x026-11-22T01:35:58Z",
            b"2026-11-22T01:35:58.Z",
        ] {
            assert_eq!(
                parse_rfc3339(bad),
                None,
                "{:?}",
                String::from_utf8_lossy(bad)
            );
        }
    }
}
