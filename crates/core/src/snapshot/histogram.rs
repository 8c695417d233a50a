//! Latency histograms in a snapshot: our own sparse bucket list at the full
//! precision of the run's histograms (3 significant digits), so percentiles
//! read from a decoded snapshot are the very numbers of the analysis.
//!
//! Layout: the number of non-empty buckets, then for each the count of
//! empty buckets skipped since the previous one and its count, both
//! varints. Bucket positions follow HdrHistogram's own layout, walked with
//! `next_non_equivalent`, so no bucket arithmetic of ours can drift from it.
//! A typical endpoint takes a few hundred bytes before compression.

use hdrhistogram::Histogram;

use super::wire::{Reader, WireError, Writer};
use crate::series::{new_histogram, MAX_LATENCY_US, SIGNIFICANT_DIGITS};

/// A histogram covering every latency a run can hold, to walk buckets with.
pub fn template() -> Histogram<u64> {
    Histogram::new_with_max(MAX_LATENCY_US, SIGNIFICANT_DIGITS).unwrap_or_else(|_| new_histogram())
}

/// Writes `h`; fails only on latencies beyond the run limit (an hour),
/// which a run never holds.
pub fn write(w: &mut Writer, h: &Histogram<u64>, walk: &Histogram<u64>) -> Result<(), String> {
    let buckets: Vec<(u64, u64)> = h
        .iter_recorded()
        .map(|v| {
            (
                h.lowest_equivalent(v.value_iterated_to()),
                v.count_at_value(),
            )
        })
        .collect();
    w.varint(buckets.len() as u64);
    let mut next = 0u64;
    for (low, count) in buckets {
        if low > MAX_LATENCY_US {
            return Err(format!("a latency of {low} µs is beyond the run limit"));
        }
        let mut gap = 0u64;
        while next < low {
            next = walk.next_non_equivalent(next);
            gap += 1;
        }
        w.varint(gap);
        w.varint(count);
        next = walk.next_non_equivalent(low);
    }
    Ok(())
}

/// Reads a histogram written by [`write`].
pub fn read(r: &mut Reader<'_>, walk: &Histogram<u64>) -> Result<Histogram<u64>, WireError> {
    let n = r.count(2)?;
    let mut h = new_histogram::<u64>();
    let mut value = 0u64;
    let mut total = 0u64;
    for i in 0..n {
        let gap = r.varint()?;
        let count = r.varint()?;
        if count == 0 {
            return Err(r.error("an empty bucket is listed"));
        }
        // Each step moves to the next bucket; past an hour nothing is valid,
        // which also bounds the walk.
        for _ in 0..gap {
            value = walk.next_non_equivalent(value);
            if value > MAX_LATENCY_US {
                return Err(r.error("a latency beyond an hour"));
            }
        }
        if value > MAX_LATENCY_US {
            return Err(r.error("a latency beyond an hour"));
        }
        total = total
            .checked_add(count)
            .ok_or_else(|| r.error("counts overflow"))?;
        h.record_n(value, count)
            .map_err(|e| r.error(format!("cannot hold a latency: {e:?}")))?;
        if i + 1 < n {
            value = walk.next_non_equivalent(value);
        }
    }
    Ok(h)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_exactly() -> Result<(), WireError> {
        let walk = template();
        let mut h = new_histogram::<u64>();
        for i in 0..20_000u64 {
            assert!(h.record((i * i * 7919) % 3_000_000_000 + i % 3).is_ok());
        }
        assert!(h.record_n(0, 5).is_ok());
        assert!(h.record(MAX_LATENCY_US).is_ok());
        let mut w = Writer::default();
        assert!(write(&mut w, &h, &walk).is_ok());
        let back = read(&mut Reader::new(&w.bytes), &walk)?;
        assert_eq!(back, h);
        for q in [0.0, 0.5, 0.95, 0.99, 0.999, 1.0] {
            assert_eq!(back.value_at_quantile(q), h.value_at_quantile(q));
        }
        let empty = new_histogram::<u64>();
        let mut w = Writer::default();
        assert!(write(&mut w, &empty, &walk).is_ok());
        assert_eq!(read(&mut Reader::new(&w.bytes), &walk)?.len(), 0);
        Ok(())
    }

    #[test]
    fn refuses_values_past_the_limit() {
        let walk = template();
        // One bucket, after a gap of a billion buckets.
        let mut w = Writer::default();
        w.varint(1);
        w.varint(1_000_000_000);
        w.varint(1);
        assert!(read(&mut Reader::new(&w.bytes), &walk).is_err());
    }
}
