//! Histograms as short sorted lists of (bucket value, count), for the
//! resampling loops: adding a few hundred pairs is much cheaper than adding
//! two dense HDR count arrays of tens of thousands of slots.
//!
//! Values are each bucket's highest equivalent value, and quantiles use the
//! same nearest-rank rule as HdrHistogram's `value_at_quantile`, so a
//! quantile read here is the very number the summary prints.

use hdrhistogram::{Counter, Histogram};

/// Non-empty buckets of one histogram, in ascending value order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Sparse {
    pub values: Vec<u64>,
    pub counts: Vec<u64>,
    pub total: u64,
}

impl Sparse {
    pub fn from_histogram<T: Counter>(h: &Histogram<T>) -> Sparse {
        let mut s = Sparse::default();
        for v in h.iter_recorded() {
            let c = v.count_at_value().as_u64();
            s.values.push(v.value_iterated_to());
            s.counts.push(c);
            s.total += c;
        }
        s
    }

    /// The value at quantile `q` (HdrHistogram's nearest rank); 0 when empty.
    pub fn quantile(&self, q: f64) -> u64 {
        let rank = nearest_rank(q, self.total);
        let mut running = 0;
        for (v, c) in self.values.iter().zip(&self.counts) {
            running += c;
            if running >= rank {
                return *v;
            }
        }
        self.values.last().copied().unwrap_or(0)
    }

    /// Samples in buckets above `threshold` (a bucket's highest equivalent value).
    pub fn count_above(&self, threshold: u64) -> u64 {
        let start = self.values.partition_point(|&v| v <= threshold);
        self.counts[start..].iter().sum()
    }
}

/// The rank HdrHistogram reads for quantile `q` of `total` samples.
pub fn nearest_rank(q: f64, total: u64) -> u64 {
    ((q.min(1.0) * total as f64).ceil() as u64).max(1)
}

/// A common, sorted axis of bucket values, so that several histograms can be
/// added as plain count vectors.
#[derive(Debug, Clone, Default)]
pub struct Axis {
    values: Vec<u64>,
}

impl Axis {
    pub fn new<'a>(parts: impl IntoIterator<Item = &'a Sparse>) -> Axis {
        let mut values: Vec<u64> = parts
            .into_iter()
            .flat_map(|s| s.values.iter().copied())
            .collect();
        values.sort_unstable();
        values.dedup();
        Axis { values }
    }

    pub fn len(&self) -> usize {
        self.values.len()
    }

    #[allow(dead_code)] // Not called by the crate at present.
    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    #[allow(dead_code)] // Not called by the crate at present.
    pub fn value(&self, i: usize) -> u64 {
        self.values[i]
    }

    /// `s` as (axis position, count) pairs; every value of `s` must be on the axis.
    pub fn place(&self, s: &Sparse) -> Vec<(u32, u64)> {
        s.values
            .iter()
            .zip(&s.counts)
            .filter_map(|(v, c)| self.values.binary_search(v).ok().map(|i| (i as u32, *c)))
            .collect()
    }

    /// Values at several ascending quantiles of a count vector on this axis.
    pub fn quantiles(&self, counts: &[u64], total: u64, qs: &[f64], out: &mut [u64]) {
        let mut k = 0;
        let mut running = 0u64;
        let mut target = nearest_rank(qs.first().copied().unwrap_or(1.0), total);
        for (i, c) in counts.iter().enumerate() {
            running += c;
            while k < qs.len() && running >= target {
                out[k] = self.values[i];
                k += 1;
                if let Some(q) = qs.get(k) {
                    target = nearest_rank(*q, total);
                }
            }
            if k == qs.len() {
                return;
            }
        }
        for o in &mut out[k..] {
            *o = self.values.last().copied().unwrap_or(0);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::series::new_histogram;

    #[test]
    fn quantiles_match_hdrhistogram() {
        let mut h = new_histogram::<u64>();
        for i in 1..=5000u64 {
            assert!(h.record(i * i % 100_003 + i).is_ok());
        }
        let s = Sparse::from_histogram(&h);
        let axis = Axis::new([&s]);
        let placed = axis.place(&s);
        let mut counts = vec![0u64; axis.len()];
        for (i, c) in placed {
            counts[i as usize] += c;
        }
        let qs = [0.0, 0.5, 0.9, 0.95, 0.99, 0.999, 1.0];
        let mut out = [0u64; 7];
        axis.quantiles(&counts, s.total, &qs, &mut out);
        for (q, v) in qs.iter().zip(out) {
            if *q > 0.0 {
                assert_eq!(v, h.value_at_quantile(*q), "q={q}");
            }
        }
        for q in [0.5, 0.95, 0.999] {
            assert_eq!(s.quantile(q), h.value_at_quantile(q));
        }
        let t = h.value_at_quantile(0.95);
        assert_eq!(s.count_above(t), h.len() - h.count_between(0, t));
    }
}
