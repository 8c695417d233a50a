//! Small helpers for the values of delimiter-separated text (JMeter JTL,
//! Vegeta CSV). Records themselves are read by [`crate::formats::shared::rows`].

/// Whether `s` is a plain non-negative or negative integer.
pub fn is_integer(s: &str) -> bool {
    let digits = s.strip_prefix('-').unwrap_or(s);
    !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers() {
        assert!(is_integer("123") && is_integer("-4"));
        assert!(!is_integer("") && !is_integer("-") && !is_integer("1.5") && !is_integer("a1"));
    }
}
