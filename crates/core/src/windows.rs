//! Per-endpoint time windows: requests, errors and a latency histogram per
//! window, so that an SLA rule on one endpoint can be checked "every minute",
//! with a warm-up cut off, and so that a failing rule can point at the
//! windows that broke it.
//!
//! Memory is the constraint: a dense HDR histogram is tens of KB, and a run
//! can have hundreds of endpoints. So closed windows are kept *packed* (the
//! HdrHistogram V2 encoding, typically 1–3 KB), new samples wait in a small
//! buffer and are folded in a batch at a time, and the whole set shrinks by
//! doubling the window width whenever it outgrows its budget:
//!
//! - windows start 7.5 s wide and double (15 s, 30 s, 60 s, …), aligned to
//!   multiples of the width in absolute time, so that one-minute windows stay
//!   exact up to a width of 60 s and two runs' windows merge exactly;
//! - an endpoint keeps at most [`MAX_WINDOWS`] windows;
//! - [`Run`](crate::run::Run) keeps the packed bytes of all endpoints under
//!   [`WINDOW_BUDGET_BYTES`] by widening the windows of the endpoint that grew.

use hdrhistogram::serialization::{Deserializer, Serializer, V2Serializer};
use hdrhistogram::Histogram;

use crate::series::new_histogram;
use crate::time::Micros;

/// Width of the finest per-endpoint window.
pub const BASE_WIDTH_US: i64 = 7_500_000;
/// Windows kept per endpoint before they are widened.
pub const MAX_WINDOWS: usize = 256;
/// Packed bytes kept for all endpoints of a run together.
pub const WINDOW_BUDGET_BYTES: usize = 24 << 20;
/// Samples buffered per endpoint before they are folded into their windows.
const PENDING_LIMIT: usize = 512;

/// 16 bytes: durations are clamped to an hour, which fits in µs in a u32.
#[derive(Debug, Clone, Copy)]
struct Pending {
    end_us: Micros,
    duration_us: u32,
    failed: bool,
}

/// One closed window.
#[derive(Debug, Clone, Default)]
struct Packed {
    requests: u64,
    errors: u64,
    /// V2-encoded `Histogram<u32>`; empty when the window holds nothing.
    hist: Vec<u8>,
}

/// The contents of one window, unpacked.
#[derive(Debug, Clone)]
pub struct WindowData {
    pub start_us: Micros,
    pub width_us: i64,
    pub requests: u64,
    pub errors: u64,
    /// Durations in µs.
    pub hist: Histogram<u32>,
}

/// The time windows of one endpoint.
#[derive(Debug, Clone)]
pub struct EndpointWindows {
    width_us: i64,
    origin_us: Micros,
    windows: Vec<Packed>,
    pending: Vec<Pending>,
    packed_bytes: usize,
}

impl Default for EndpointWindows {
    fn default() -> Self {
        EndpointWindows {
            width_us: BASE_WIDTH_US,
            origin_us: 0,
            windows: Vec::new(),
            pending: Vec::new(),
            packed_bytes: 0,
        }
    }
}

fn pack(h: &Histogram<u32>) -> Vec<u8> {
    let mut out = Vec::new();
    if h.is_empty() {
        return out;
    }
    // Writing into a Vec cannot fail; a failure would only lose this window's
    // latencies (its counts stay), never the run.
    if V2Serializer::new().serialize(h, &mut out).is_err() {
        out.clear();
    }
    out.shrink_to_fit();
    out
}

fn unpack(bytes: &[u8]) -> Histogram<u32> {
    let mut h = new_histogram::<u32>();
    if bytes.is_empty() {
        return h;
    }
    let mut reader = bytes;
    if let Ok(stored) = Deserializer::new().deserialize::<u32, _>(&mut reader) {
        // The decoded histogram has a fixed range; ours auto-resizes.
        let _ = h.add(&stored);
    }
    h
}

impl EndpointWindows {
    /// Windows read back from an analysis file: `windows[i]` starts at
    /// `origin_us + i·width_us` and holds (requests, errors, latencies).
    /// `None` unless the width is the base times a power of two and the
    /// origin a multiple of it, which exact merging relies on.
    pub(crate) fn from_stored(
        width_us: i64,
        origin_us: Micros,
        windows: Vec<(u64, u64, Histogram<u32>)>,
    ) -> Option<EndpointWindows> {
        let ok = width_us >= BASE_WIDTH_US
            && width_us % BASE_WIDTH_US == 0
            && ((width_us / BASE_WIDTH_US) as u64).is_power_of_two()
            && origin_us.rem_euclid(width_us) == 0
            && windows.len() <= MAX_WINDOWS;
        if !ok {
            return None;
        }
        let windows: Vec<Packed> = windows
            .into_iter()
            .map(|(requests, errors, hist)| Packed {
                requests,
                errors,
                hist: pack(&hist),
            })
            .collect();
        Some(EndpointWindows {
            width_us,
            origin_us,
            packed_bytes: windows.iter().map(|w| w.hist.len()).sum(),
            windows,
            pending: Vec::new(),
        })
    }

    /// Stored window `i` as (requests, errors, latencies), empty ones
    /// included (buffered samples are not: read from [`flushed`](Self::flushed)).
    pub(crate) fn stored(&self, i: usize) -> Option<(u64, u64, Histogram<u32>)> {
        self.windows
            .get(i)
            .map(|w| (w.requests, w.errors, unpack(&w.hist)))
    }

    /// Window width now in use (µs).
    pub fn width_us(&self) -> i64 {
        self.width_us
    }

    /// Bytes held by packed windows (what the run's budget counts).
    pub fn packed_bytes(&self) -> usize {
        self.packed_bytes
    }

    /// Start of the first stored window.
    pub fn origin_us(&self) -> Micros {
        self.origin_us
    }

    /// A copy with every buffered sample folded in, for reading.
    pub fn flushed(&self) -> EndpointWindows {
        let mut view = self.clone();
        view.flush();
        view
    }

    /// Stored window `i` (buffered samples are not included: read from
    /// [`flushed`](Self::flushed)); `None` when out of range or empty.
    pub fn window(&self, i: usize) -> Option<WindowData> {
        let w = self.windows.get(i)?;
        (w.requests > 0).then(|| WindowData {
            start_us: self.origin_us + i as i64 * self.width_us,
            width_us: self.width_us,
            requests: w.requests,
            errors: w.errors,
            hist: unpack(&w.hist),
        })
    }

    /// Windows currently stored (buffered samples not folded in).
    pub fn stored_windows(&self) -> usize {
        self.windows.len()
    }

    /// Records one request; returns how much the packed size grew (bytes,
    /// may be negative) when the buffer was folded in.
    pub fn record(&mut self, end_us: Micros, duration_us: u64, failed: bool) -> isize {
        // Durations are clamped to an hour upstream, so this never saturates.
        let duration_us = u32::try_from(duration_us).unwrap_or(u32::MAX);
        self.pending.push(Pending {
            end_us,
            duration_us,
            failed,
        });
        if self.pending.len() >= PENDING_LIMIT {
            self.flush()
        } else {
            0
        }
    }

    fn index_of(&self, t: Micros) -> i64 {
        (t.div_euclid(self.width_us) * self.width_us - self.origin_us) / self.width_us
    }

    /// Folds buffered samples into their windows.
    pub fn flush(&mut self) -> isize {
        if self.pending.is_empty() {
            return 0;
        }
        let before = self.packed_bytes as isize;
        let mut pending = std::mem::take(&mut self.pending);
        let (lo, hi) = pending
            .iter()
            .fold((Micros::MAX, Micros::MIN), |(lo, hi), p| {
                (lo.min(p.end_us), hi.max(p.end_us))
            });
        self.cover(lo, hi);
        pending.sort_unstable_by_key(|p| p.end_us);
        let (width, origin) = (self.width_us, self.origin_us);
        let index_of = |t: Micros| ((t.div_euclid(width) * width - origin) / width) as usize;
        let mut i = 0;
        while i < pending.len() {
            let idx = index_of(pending[i].end_us);
            let w = &mut self.windows[idx];
            let mut hist = unpack(&w.hist);
            while i < pending.len() && index_of(pending[i].end_us) == idx {
                let p = pending[i];
                w.requests += 1;
                w.errors += u64::from(p.failed);
                if hist.record(u64::from(p.duration_us)).is_err() {
                    hist.saturating_record(u64::from(p.duration_us));
                }
                i += 1;
            }
            let old = w.hist.len();
            w.hist = pack(&hist);
            self.packed_bytes = self.packed_bytes + w.hist.len() - old;
        }
        pending.clear();
        self.pending = pending;
        self.packed_bytes as isize - before
    }

    /// Makes windows exist for every time in `lo..=hi`, widening first if
    /// that would take more than [`MAX_WINDOWS`].
    fn cover(&mut self, lo: Micros, hi: Micros) {
        if self.windows.is_empty() {
            self.origin_us = lo.div_euclid(self.width_us) * self.width_us;
        }
        loop {
            let first = self
                .origin_us
                .min(lo.div_euclid(self.width_us) * self.width_us);
            let end = (self.origin_us + self.windows.len() as i64 * self.width_us)
                .max(hi.div_euclid(self.width_us) * self.width_us + self.width_us);
            let needed = (end - first) / self.width_us;
            if needed as u128 <= MAX_WINDOWS as u128 || self.width_us > i64::MAX / 4 {
                while self.origin_us > first {
                    self.windows.insert(0, Packed::default());
                    self.origin_us -= self.width_us;
                }
                let len = ((end - self.origin_us) / self.width_us) as usize;
                if self.windows.len() < len {
                    self.windows.resize_with(len, Packed::default);
                }
                return;
            }
            self.widen();
        }
    }

    /// Doubles the window width, merging neighbours. Returns the change in
    /// packed bytes.
    pub fn widen(&mut self) -> isize {
        let before = self.packed_bytes as isize;
        let width = self.width_us.saturating_mul(2);
        let origin = self.origin_us.div_euclid(width) * width;
        let mut merged: Vec<Packed> = Vec::new();
        let mut current: Option<(usize, u64, u64, Histogram<u32>)> = None;
        let mut bytes = 0usize;
        let mut close = |c: (usize, u64, u64, Histogram<u32>), merged: &mut Vec<Packed>| {
            let (idx, requests, errors, hist) = c;
            if merged.len() <= idx {
                merged.resize_with(idx + 1, Packed::default);
            }
            let packed = pack(&hist);
            bytes += packed.len();
            merged[idx] = Packed {
                requests,
                errors,
                hist: packed,
            };
        };
        for (i, w) in std::mem::take(&mut self.windows).into_iter().enumerate() {
            let t = self.origin_us + i as i64 * self.width_us;
            let idx = ((t - origin) / width) as usize;
            match &mut current {
                Some((j, requests, errors, hist)) if *j == idx => {
                    *requests += w.requests;
                    *errors += w.errors;
                    let _ = hist.add(unpack(&w.hist));
                }
                _ => {
                    if let Some(c) = current.take() {
                        close(c, &mut merged);
                    }
                    current = Some((idx, w.requests, w.errors, unpack(&w.hist)));
                }
            }
        }
        if let Some(c) = current.take() {
            close(c, &mut merged);
        }
        self.windows = merged;
        self.origin_us = origin;
        self.width_us = width;
        self.packed_bytes = bytes;
        self.packed_bytes as isize - before
    }

    /// Widens until the width is at least `width_us` (a multiple of the
    /// current width, as all widths are the base times a power of two).
    pub fn widen_to(&mut self, width_us: i64) {
        while self.width_us < width_us {
            self.widen();
        }
    }

    /// Adds another endpoint's windows (e.g. the same endpoint in a run that
    /// ran side by side), exactly.
    pub fn merge(&mut self, other: &EndpointWindows) {
        self.flush();
        let mut other = other.clone();
        other.flush();
        if other.windows.is_empty() {
            return;
        }
        let width = self.width_us.max(other.width_us);
        self.widen_to(width);
        other.widen_to(width);
        let last = other.origin_us + (other.windows.len() as i64 - 1) * width;
        self.cover(other.origin_us, last);
        // Covering may have widened us further.
        other.widen_to(self.width_us);
        for (i, w) in other.windows.iter().enumerate() {
            if w.requests == 0 {
                continue;
            }
            let t = other.origin_us + i as i64 * other.width_us;
            let idx = self.index_of(t) as usize;
            let mine = &mut self.windows[idx];
            let mut hist = unpack(&mine.hist);
            let _ = hist.add(unpack(&w.hist));
            mine.requests += w.requests;
            mine.errors += w.errors;
            let old = mine.hist.len();
            mine.hist = pack(&hist);
            self.packed_bytes = self.packed_bytes + mine.hist.len() - old;
        }
    }

    /// Number of windows (empty ones included), buffered samples folded in.
    pub fn len(&self) -> usize {
        let mut view = self.clone();
        view.flush();
        view.windows.len()
    }

    /// Whether nothing was recorded.
    pub fn is_empty(&self) -> bool {
        self.windows.is_empty() && self.pending.is_empty()
    }

    /// Every non-empty window in time order, unpacked one at a time, with
    /// buffered samples included.
    pub fn visit(&self, mut f: impl FnMut(WindowData)) {
        let mut view = self.clone();
        view.flush();
        for (i, w) in view.windows.iter().enumerate() {
            if w.requests == 0 {
                continue;
            }
            f(WindowData {
                start_us: view.origin_us + i as i64 * view.width_us,
                width_us: view.width_us,
                requests: w.requests,
                errors: w.errors,
                hist: unpack(&w.hist),
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const T0: Micros = 1_790_000_000_000_000;

    fn totals(w: &EndpointWindows) -> (u64, u64, u64) {
        let (mut r, mut e, mut h) = (0, 0, 0);
        w.visit(|d| {
            r += d.requests;
            e += d.errors;
            h += d.hist.len();
        });
        (r, e, h)
    }

    #[test]
    fn keeps_every_request_out_of_order_and_bounded() {
        let mut w = EndpointWindows::default();
        let n = 20_000i64;
        for i in 0..n {
            // Two interleaved streams 3 s apart, like VUs flushing late.
            let t = T0 + (i / 2) * 500_000 + if i % 2 == 0 { 0 } else { -3_000_000 };
            w.record(t, (i % 977) as u64 * 100 + 50, i % 50 == 0);
        }
        assert_eq!(totals(&w), (n as u64, (n / 50) as u64, n as u64));
        assert!(w.len() <= MAX_WINDOWS);
        assert_eq!(w.width_us() % BASE_WIDTH_US, 0);
    }

    #[test]
    fn long_runs_widen_instead_of_growing() {
        let mut w = EndpointWindows::default();
        for i in 0..10_000i64 {
            w.record(T0 + i * 10_000_000, 1_000, false);
        }
        w.flush();
        assert!(w.len() <= MAX_WINDOWS);
        assert!(w.width_us() >= 10_000 * 10_000_000 / MAX_WINDOWS as i64);
        assert_eq!(totals(&w).0, 10_000);
    }

    #[test]
    fn merge_equals_recording_everything_once() {
        let (mut a, mut b, mut all) = (
            EndpointWindows::default(),
            EndpointWindows::default(),
            EndpointWindows::default(),
        );
        for i in 0..5_000i64 {
            let t = T0 + i * 37_000;
            let target = if i % 3 == 0 { &mut a } else { &mut b };
            target.record(t, (i * 7 % 1000) as u64 + 1, i % 9 == 0);
            all.record(t, (i * 7 % 1000) as u64 + 1, i % 9 == 0);
        }
        a.merge(&b);
        let mut got = Vec::new();
        a.visit(|d| {
            got.push((
                d.start_us,
                d.requests,
                d.errors,
                d.hist.value_at_quantile(0.95),
            ))
        });
        let mut want = Vec::new();
        all.visit(|d| {
            want.push((
                d.start_us,
                d.requests,
                d.errors,
                d.hist.value_at_quantile(0.95),
            ))
        });
        assert_eq!(got, want);
    }

    #[test]
    fn windows_are_aligned_to_the_width() {
        let mut w = EndpointWindows::default();
        w.record(T0 + 1, 10, false);
        w.visit(|d| assert_eq!(d.start_us % BASE_WIDTH_US, 0));
    }
}
