//! When requests were in flight, as a short list of busy intervals: enough
//! to tell one run from several runs appended to one file (JMeter's `-l`
//! reused hours or months later), whose idle gaps would otherwise make the
//! span, and so every rate, meaningless.

use crate::time::Micros;

/// Idle time shorter than this is part of a run (think times, ramp pauses).
pub const MIN_GAP_US: i64 = 60_000_000;
/// Busy intervals kept; beyond this the two closest are joined.
pub(crate) const MAX_INTERVALS: usize = 4096;

/// Busy intervals, sorted and disjoint, any two at least [`MIN_GAP_US`] apart.
#[derive(Debug, Clone, Default)]
pub struct Activity {
    busy: Vec<(Micros, Micros)>,
}

/// Runs found in one file: the busy stretches between idle gaps.
#[derive(Debug, Clone, PartialEq)]
pub struct Split {
    /// Number of runs (gaps + 1).
    pub runs: usize,
    /// Sum of the idle gaps between runs.
    pub idle_us: i64,
    /// The longest gap and where it starts.
    pub longest_us: i64,
    pub longest_at_us: Micros,
    /// First start to last end.
    pub span_us: i64,
}

impl Activity {
    /// Notes that a request was in flight from `start` to `end`.
    pub fn add(&mut self, start: Micros, end: Micros) {
        let (start, end) = (start.min(end), start.max(end));
        // Rows come nearly in order: the last interval usually takes it.
        if let Some(last) = self.busy.last_mut() {
            if start >= last.0 && start <= last.1.saturating_add(MIN_GAP_US) {
                last.1 = last.1.max(end);
                return;
            }
        }
        let i = self
            .busy
            .partition_point(|&(_, e)| e.saturating_add(MIN_GAP_US) < start);
        let mut j = i;
        let (mut s, mut e) = (start, end);
        while j < self.busy.len() && self.busy[j].0 <= end.saturating_add(MIN_GAP_US) {
            s = s.min(self.busy[j].0);
            e = e.max(self.busy[j].1);
            j += 1;
        }
        self.busy.splice(i..j, [(s, e)]);
        if self.busy.len() > MAX_INTERVALS {
            self.join_closest();
        }
    }

    fn join_closest(&mut self) {
        let Some(k) = (1..self.busy.len()).min_by_key(|&k| self.busy[k].0 - self.busy[k - 1].1)
        else {
            return;
        };
        self.busy[k - 1].1 = self.busy[k - 1].1.max(self.busy[k].1);
        self.busy.remove(k);
    }

    /// Busy intervals kept.
    pub(crate) fn intervals(&self) -> usize {
        self.busy.len()
    }

    pub fn merge(&mut self, other: &Activity) {
        for &(s, e) in &other.busy {
            self.add(s, e);
        }
    }

    /// The runs, when idle gaps of at least [`MIN_GAP_US`] make up most of
    /// the span (one gap or several); `None` for one run.
    pub fn split(&self) -> Option<Split> {
        let (first, last) = (self.busy.first()?, self.busy.last()?);
        let span_us = last.1 - first.0;
        let gaps = self.busy.windows(2).map(|w| (w[1].0 - w[0].1, w[0].1));
        let idle_us: i64 = gaps.clone().map(|(g, _)| g).sum();
        let (longest_us, longest_at_us) = gaps.max_by_key(|&(g, _)| g)?;
        (idle_us * 2 > span_us).then_some(Split {
            runs: self.busy.len(),
            idle_us,
            longest_us,
            longest_at_us,
            span_us,
        })
    }
}

/// `us` for people: "95.3 s", "12 min 5 s", "3 h 20 min", "61 days 4 h".
pub fn human_duration(us: i64) -> String {
    let s = us.max(0) as f64 / 1e6;
    let whole = s as u64;
    match whole {
        0..=59 => format!("{s:.1} s"),
        60..=3599 => format!("{} min {} s", whole / 60, whole % 60),
        3600..=86_399 => format!("{} h {} min", whole / 3600, whole % 3600 / 60),
        _ => format!("{} days {} h", whole / 86_400, whole % 86_400 / 3600),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const S: i64 = 1_000_000;

    #[test]
    fn short_pauses_stay_one_run() {
        let mut a = Activity::default();
        a.add(0, 10 * S);
        a.add(50 * S, 60 * S);
        a.add(5 * S, 7 * S);
        assert_eq!(a.busy, [(0, 60 * S)]);
        assert_eq!(a.split(), None);
    }

    #[test]
    fn out_of_order_intervals_join_their_neighbours() {
        let mut a = Activity::default();
        a.add(2000 * S, 2010 * S);
        a.add(0, 10 * S);
        a.add(500 * S, 510 * S);
        assert_eq!(a.busy.len(), 3);
        a.add(9 * S, 499 * S);
        assert_eq!(a.busy, [(0, 510 * S), (2000 * S, 2010 * S)]);
        let split = a.split().expect("two runs");
        assert_eq!(split.runs, 2);
        assert_eq!(split.idle_us, 1490 * S);
        assert_eq!(split.longest_at_us, 510 * S);
    }

    #[test]
    fn a_gap_that_is_not_most_of_the_span_is_no_split() {
        let mut a = Activity::default();
        a.add(0, 100 * S);
        a.add(190 * S, 300 * S);
        assert_eq!(a.busy.len(), 2);
        assert_eq!(a.split(), None);
    }

    #[test]
    fn intervals_stay_bounded() {
        let mut a = Activity::default();
        for i in 0..(MAX_INTERVALS as i64 * 2) {
            a.add(i * 100 * S, i * 100 * S + S);
        }
        assert!(a.busy.len() <= MAX_INTERVALS);
    }
}
