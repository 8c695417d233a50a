//! One latency population (an endpoint, or a whole run): an HDR histogram of
//! request durations plus the exact counters that a histogram cannot give.

use hdrhistogram::Histogram;

/// Latencies are recorded as whole microseconds.
pub const SIGNIFICANT_DIGITS: u8 = 3;
/// Anything longer than an hour is clamped (and counted) rather than dropped.
pub const MAX_LATENCY_US: u64 = 3_600_000_000;

/// A new auto-resizing histogram: memory grows with the largest latency seen,
/// not with the number of samples, and `add` between two of them never fails.
pub fn new_histogram<T: hdrhistogram::Counter>() -> Histogram<T> {
    // Only sigfig > 5 is rejected; ours is a constant 3.
    Histogram::new(SIGNIFICANT_DIGITS).expect("3 significant digits is a valid HDR precision")
}

/// Converts milliseconds to whole microseconds, clamped to the histogram range.
/// Returns the value and whether it had to be clamped.
pub fn ms_to_us(ms: f64) -> (u64, bool) {
    if !ms.is_finite() || ms <= 0.0 {
        return (0, ms.is_nan() || ms < 0.0);
    }
    let us = (ms * 1000.0).round();
    if us >= MAX_LATENCY_US as f64 {
        (MAX_LATENCY_US, true)
    } else {
        (us as u64, false)
    }
}

/// The quantile (0..=1) of a percentage as the summary uses it: `99.9` →
/// exactly `0.999`. Plain `99.9 / 100.0` is `0.9990000000000001`, which moves
/// the nearest rank up by one whenever 0.999·n is a whole number, so an SLA
/// rule's p99.9 would differ from the table's.
pub fn quantile_of_percent(p: f64) -> f64 {
    (p * 1e6).round() / 1e8
}

/// Keeps `value_ms` inside the exact `[min_ms, max_ms]` of its population,
/// when both are known (finite and in order).
pub fn clamp_to_range(value_ms: f64, min_ms: f64, max_ms: f64) -> f64 {
    if min_ms.is_finite() && max_ms.is_finite() && min_ms <= max_ms {
        value_ms.clamp(min_ms, max_ms)
    } else {
        value_ms
    }
}

/// The `q` quantile (0..=1) of `h` in ms: nearest rank (the sample of rank
/// ⌈q·n⌉) read off the histogram, clamped to the exact `[min_ms, max_ms]`.
/// The histogram alone reports its bucket's upper edge, up to 0.1% above the
/// sample: left unclamped, p99.9 could read 292 ms beside a max of 291 ms,
/// and one request of 765 ms would give p50 = 765.439. Every percentile
/// Verdict reports from samples goes through here, so the tables, the JSON,
/// the SLA estimates and the timeline agree. `None` for an empty histogram.
pub fn percentile_ms<T: hdrhistogram::Counter>(
    h: &Histogram<T>,
    q: f64,
    min_ms: f64,
    max_ms: f64,
) -> Option<f64> {
    if h.is_empty() {
        return None;
    }
    Some(clamp_to_range(
        h.value_at_quantile(q) as f64 / 1000.0,
        min_ms,
        max_ms,
    ))
}

/// Counters and a histogram for one population of requests.
#[derive(Debug, Clone)]
pub struct Series {
    /// Durations in microseconds.
    pub hist: Histogram<u64>,
    /// Requests seen (with or without a usable duration).
    pub requests: u64,
    /// Requests the tool counted as failed.
    pub errors: u64,
    /// Sum of durations in whole nanoseconds: integer, so that merging runs
    /// gives the same mean to the last bit whatever the order.
    pub sum_ns: i128,
    /// Exact smallest duration in ms.
    pub min_ms: f64,
    /// Exact largest duration in ms.
    pub max_ms: f64,
    /// Response status (as the tool wrote it) → count.
    pub statuses: Vec<(Box<str>, u64)>,
}

impl Default for Series {
    fn default() -> Self {
        Series {
            hist: new_histogram(),
            requests: 0,
            errors: 0,
            sum_ns: 0,
            min_ms: f64::INFINITY,
            max_ms: f64::NEG_INFINITY,
            statuses: Vec::new(),
        }
    }
}

impl Series {
    /// Records one request. `duration_us` must come from [`ms_to_us`].
    pub fn record(&mut self, duration_ms: f64, duration_us: u64, failed: bool, status: &str) {
        self.record_n(duration_ms, duration_us, failed, status, 1);
    }

    /// Records `n` requests of the same duration (a tool's histogram bucket).
    pub fn record_n(
        &mut self,
        duration_ms: f64,
        duration_us: u64,
        failed: bool,
        status: &str,
        n: u64,
    ) {
        if n == 0 {
            return;
        }
        self.requests += n;
        if failed {
            self.errors += n;
        }
        if self.hist.record_n(duration_us, n).is_err() {
            self.hist.saturating_record_n(duration_us, n);
        }
        self.sum_ns += (duration_ms * 1e6).round() as i128 * i128::from(n);
        if duration_ms < self.min_ms {
            self.min_ms = duration_ms;
        }
        if duration_ms > self.max_ms {
            self.max_ms = duration_ms;
        }
        self.count_status(status, n);
    }

    /// Adds a whole histogram of durations (µs, from [`new_histogram`]), as an
    /// HdrHistogram interval log holds them. The counters follow from the
    /// histogram: min and max are its bucket edges, and the sum counts each
    /// bucket at its middle value, as HdrHistogram's own mean does.
    pub fn record_histogram(&mut self, durations_us: &Histogram<u64>) {
        let n = durations_us.len();
        if n == 0 {
            return;
        }
        self.requests += n;
        // Both histograms auto-resize, so `add` cannot fail on range.
        let _ = self.hist.add(durations_us);
        for v in durations_us.iter_recorded() {
            let middle_us = durations_us.median_equivalent(v.value_iterated_to());
            self.sum_ns += i128::from(middle_us) * 1000 * i128::from(v.count_at_value());
        }
        self.min_ms = self.min_ms.min(durations_us.min() as f64 / 1000.0);
        self.max_ms = self.max_ms.max(durations_us.max() as f64 / 1000.0);
    }

    fn count_status(&mut self, status: &str, n: u64) {
        // Formats without statuses (Locust's buckets) pass "": nothing to count.
        if status.is_empty() {
            return;
        }
        // Few distinct statuses per series: a linear scan beats hashing.
        match self.statuses.iter_mut().find(|(s, _)| &**s == status) {
            Some((_, c)) => *c += n,
            None => self.statuses.push((status.into(), n)),
        }
    }

    /// Adds another series into this one, exactly.
    pub fn merge(&mut self, other: &Series) {
        self.requests += other.requests;
        self.errors += other.errors;
        // Both histograms auto-resize, so `add` cannot fail on range.
        let _ = self.hist.add(&other.hist);
        self.sum_ns += other.sum_ns;
        self.min_ms = self.min_ms.min(other.min_ms);
        self.max_ms = self.max_ms.max(other.max_ms);
        for (s, n) in &other.statuses {
            self.count_status(s, *n);
        }
    }

    /// Latency statistics in milliseconds; `None` when nothing was recorded.
    pub fn latency(&self) -> crate::summary::LatencyMs {
        let n = self.hist.len();
        if n == 0 {
            return crate::summary::LatencyMs::default();
        }
        let q = |p: f64| percentile_ms(&self.hist, p, self.min_ms, self.max_ms);
        crate::summary::LatencyMs {
            min: Some(self.min_ms),
            mean: Some(self.sum_ns as f64 / 1e6 / n as f64),
            p50: q(0.50),
            p90: q(0.90),
            p95: q(0.95),
            p99: q(0.99),
            p999: q(0.999),
            max: Some(self.max_ms),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clamps_and_converts() {
        assert_eq!(ms_to_us(1.2344), (1234, false));
        assert_eq!(ms_to_us(-1.0), (0, true));
        assert_eq!(ms_to_us(f64::NAN), (0, true));
        assert_eq!(ms_to_us(1e12), (MAX_LATENCY_US, true));
    }

    #[test]
    fn merge_equals_recording_everything_once() {
        let mut a = Series::default();
        let mut b = Series::default();
        let mut all = Series::default();
        for i in 1..=1000u32 {
            let ms = f64::from(i) * 0.37;
            let (us, _) = ms_to_us(ms);
            let failed = i % 17 == 0;
            let target = if i % 3 == 0 { &mut a } else { &mut b };
            target.record(ms, us, failed, if failed { "500" } else { "200" });
            all.record(ms, us, failed, if failed { "500" } else { "200" });
        }
        a.merge(&b);
        assert_eq!(a.requests, all.requests);
        assert_eq!(a.errors, all.errors);
        assert_eq!(a.hist, all.hist);
        assert_eq!(a.latency().p95, all.latency().p95);
    }
}
