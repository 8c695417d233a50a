//! Requests, errors, latency and concurrency over time.
//!
//! Buckets start one second wide. When a run grows past [`MAX_BUCKETS`] we
//! double the width and fold neighbours together, so memory stays bounded
//! whatever the run length. Bucket edges are aligned to multiples of the width
//! in absolute time, which is what lets two runs' timelines merge exactly.

use std::collections::VecDeque;

use hdrhistogram::Histogram;

use crate::series::new_histogram;
use crate::time::Micros;

/// The most buckets a timeline keeps before it coarsens.
pub const MAX_BUCKETS: usize = 512;
const INITIAL_WIDTH_US: i64 = 1_000_000;

/// One time window.
#[derive(Debug, Clone)]
pub struct Bucket {
    /// Requests that ended in this window.
    pub requests: u64,
    /// Failed requests that ended in this window.
    pub errors: u64,
    /// Their durations in µs (u32 counters: one window never holds 4e9 requests).
    pub hist: Histogram<u32>,
    /// Largest concurrency (VUs, threads, users) reported in the window.
    pub concurrency: Option<f64>,
}

impl Default for Bucket {
    fn default() -> Self {
        Bucket {
            requests: 0,
            errors: 0,
            hist: new_histogram(),
            concurrency: None,
        }
    }
}

impl Bucket {
    /// Folds a neighbouring window of the same run in (concurrency: the max).
    fn absorb(&mut self, other: &Bucket) {
        self.requests += other.requests;
        self.errors += other.errors;
        let _ = self.hist.add(&other.hist);
        self.concurrency = max_opt(self.concurrency, other.concurrency);
    }

    /// Adds the same window of a run that ran side by side (concurrency: the sum).
    fn add_parallel(&mut self, other: &Bucket) {
        let c = match (self.concurrency, other.concurrency) {
            (Some(a), Some(b)) => Some(a + b),
            (a, b) => a.or(b),
        };
        self.absorb(other);
        self.concurrency = c;
    }
}

fn max_opt(a: Option<f64>, b: Option<f64>) -> Option<f64> {
    match (a, b) {
        (Some(x), Some(y)) => Some(x.max(y)),
        (x, None) => x,
        (None, y) => y,
    }
}

/// A bounded series of time buckets.
#[derive(Debug, Clone)]
pub struct Timeline {
    origin_us: Micros,
    width_us: i64,
    buckets: VecDeque<Bucket>,
}

impl Default for Timeline {
    fn default() -> Self {
        Timeline {
            origin_us: 0,
            width_us: INITIAL_WIDTH_US,
            buckets: VecDeque::new(),
        }
    }
}

impl Timeline {
    /// Bucket width in microseconds.
    pub fn width_us(&self) -> i64 {
        self.width_us
    }

    /// Start of the first bucket.
    pub fn origin_us(&self) -> Micros {
        self.origin_us
    }

    /// A timeline read back from an analysis file. The width must be a
    /// second times a power of two and the origin a multiple of it, as every
    /// timeline keeps them, so that it still merges exactly.
    pub(crate) fn from_parts(
        origin_us: Micros,
        width_us: i64,
        buckets: Vec<Bucket>,
    ) -> Option<Timeline> {
        let power_of_two_seconds = width_us >= INITIAL_WIDTH_US
            && width_us % INITIAL_WIDTH_US == 0
            && ((width_us / INITIAL_WIDTH_US) as u64).is_power_of_two();
        (power_of_two_seconds
            && origin_us.rem_euclid(width_us) == 0
            && buckets.len() <= MAX_BUCKETS)
            .then(|| Timeline {
                origin_us,
                width_us,
                buckets: buckets.into(),
            })
    }

    /// The buckets, oldest first.
    pub fn buckets(&self) -> impl ExactSizeIterator<Item = &Bucket> {
        self.buckets.iter()
    }

    fn bucket_at(&mut self, t: Micros) -> &mut Bucket {
        if self.buckets.is_empty() {
            self.origin_us = t.div_euclid(self.width_us) * self.width_us;
        }
        // Widen first if `t` lies so far out that the span would exceed the
        // bound: a stray timestamp must not allocate a bucket per second in between.
        let end = self.origin_us + self.buckets.len() as i64 * self.width_us;
        let lo = self.origin_us.min(t);
        let hi = end.max(t.saturating_add(1));
        let mut width = self.width_us;
        while (hi.div_euclid(width) - lo.div_euclid(width) + 1) as u128 > MAX_BUCKETS as u128 {
            width = width.saturating_mul(2);
        }
        self.set_width(width);
        let start = t.div_euclid(self.width_us) * self.width_us;
        while start < self.origin_us {
            self.buckets.push_front(Bucket::default());
            self.origin_us -= self.width_us;
        }
        let idx = ((start - self.origin_us) / self.width_us) as usize;
        if idx >= self.buckets.len() {
            self.buckets.resize_with(idx + 1, Bucket::default);
        }
        &mut self.buckets[idx]
    }

    /// Re-buckets to a wider width (a multiple of the current one).
    fn set_width(&mut self, width: i64) {
        if width <= self.width_us {
            return;
        }
        if self.buckets.is_empty() {
            self.origin_us = self.origin_us.div_euclid(width) * width;
            self.width_us = width;
            return;
        }
        let new_origin = self.origin_us.div_euclid(width) * width;
        let mut out: VecDeque<Bucket> = VecDeque::new();
        for (i, b) in self.buckets.drain(..).enumerate() {
            let t = self.origin_us + i as i64 * self.width_us;
            let idx = ((t - new_origin) / width) as usize;
            if idx >= out.len() {
                out.resize_with(idx + 1, Bucket::default);
            }
            out[idx].absorb(&b);
        }
        self.origin_us = new_origin;
        self.width_us = width;
        self.buckets = out;
    }

    /// Records a finished request.
    pub fn request(&mut self, end: Micros, duration_us: u64, failed: bool) {
        let b = self.bucket_at(end);
        b.requests += 1;
        if failed {
            b.errors += 1;
        }
        if b.hist.record(duration_us).is_err() {
            b.hist.saturating_record(duration_us);
        }
    }

    /// Records a histogram of durations (µs, 3 significant digits) of requests
    /// that ended in the window holding `t`.
    pub fn histogram(&mut self, t: Micros, durations_us: &Histogram<u64>) {
        if durations_us.is_empty() {
            return;
        }
        let b = self.bucket_at(t);
        b.requests += durations_us.len();
        for v in durations_us.iter_recorded() {
            // Same precision on both sides: each bucket lands in its twin.
            let count = u32::try_from(v.count_at_value()).unwrap_or(u32::MAX);
            if b.hist.record_n(v.value_iterated_to(), count).is_err() {
                b.hist.saturating_record_n(v.value_iterated_to(), count);
            }
        }
    }

    /// Counts requests that ended at `t` whose durations are not known per
    /// second (a tool's per-second counters): the window gets no latency.
    pub fn count(&mut self, t: Micros, requests: u64, errors: u64) {
        let b = self.bucket_at(t);
        b.requests += requests;
        b.errors += errors;
    }

    /// Records a concurrency reading (the window keeps its maximum).
    pub fn concurrency(&mut self, t: Micros, value: f64) {
        let b = self.bucket_at(t);
        b.concurrency = max_opt(b.concurrency, Some(value));
    }

    /// Adds the timeline of a run that ran side by side with this one (e.g.
    /// another load-generator instance), exactly: both are aligned to absolute
    /// multiples of their widths, and widths are a second times a power of two.
    /// Concurrency adds up per window.
    pub fn merge_sum_concurrency(&mut self, other: &Timeline) {
        self.merge_with(other, Bucket::add_parallel);
    }

    /// Adds the timeline of another stretch of the same run (a part of one
    /// file read on another thread), exactly: concurrency is the max per
    /// window, as one pass over the whole file keeps it.
    pub fn merge_same_run(&mut self, other: &Timeline) {
        self.merge_with(other, Bucket::absorb);
    }

    /// Both timelines at the wider width, `other`'s windows added into this
    /// one's by `add`.
    fn merge_with(&mut self, other: &Timeline, add: impl Fn(&mut Bucket, &Bucket)) {
        if other.buckets.is_empty() {
            return;
        }
        if self.buckets.is_empty() {
            *self = other.clone();
            return;
        }
        let width = self.width_us.max(other.width_us);
        self.set_width(width);
        let mut other = other.clone();
        other.set_width(width);
        for (i, b) in other.buckets.iter().enumerate() {
            let t = other.origin_us + i as i64 * width;
            add(self.bucket_at(t), b);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stays_bounded_and_keeps_every_request() {
        let mut tl = Timeline::default();
        let n = 10_000i64;
        for i in 0..n {
            tl.request(i * 3_000_000 + 17, 1000, i % 10 == 0);
        }
        assert!(tl.buckets().len() <= MAX_BUCKETS);
        let total: u64 = tl.buckets().map(|b| b.requests).sum();
        let errors: u64 = tl.buckets().map(|b| b.errors).sum();
        assert_eq!(total, n as u64);
        assert_eq!(errors, (n / 10) as u64);
    }

    #[test]
    fn stray_timestamps_do_not_explode() {
        let mut tl = Timeline::default();
        tl.request(1_700_000_000_000_000, 1, false);
        tl.request(0, 1, false);
        tl.request(-5, 1, false);
        assert!(tl.buckets().len() <= MAX_BUCKETS);
        assert_eq!(tl.buckets().map(|b| b.requests).sum::<u64>(), 3);
    }

    #[test]
    fn out_of_order_and_merge() {
        let mut a = Timeline::default();
        let mut b = Timeline::default();
        let mut all = Timeline::default();
        for i in (0..2000i64).rev() {
            let t = 1_700_000_000_000_000 + i * 700_000;
            let target = if i % 2 == 0 { &mut a } else { &mut b };
            target.request(t, 5, false);
            all.request(t, 5, false);
        }
        a.merge_sum_concurrency(&b);
        let counts = |t: &Timeline| t.buckets().map(|b| b.requests).collect::<Vec<_>>();
        assert_eq!(a.width_us(), all.width_us());
        assert_eq!(a.origin_us(), all.origin_us());
        assert_eq!(counts(&a), counts(&all));
    }
}
