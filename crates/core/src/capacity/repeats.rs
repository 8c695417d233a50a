//! Repeats: several runs (or plateaus) at one load are one level measured
//! more than once, not neighbouring levels.
//!
//! Levels at the same VU count, or at offered rates within
//! [`REPEAT_RATE_TOLERANCE`] of each other, are pooled into one level:
//! counts and durations add up, percentiles come from the merged histogram
//! (never an average of percentiles), and where the repeats carry no
//! samples (a tool's own numbers, typed rows) the level takes the median
//! repeat's pXX (the higher of two) with the lowest and highest as its
//! bounds, as Artillery's periods at one rate do. Each repeat stays listed
//! with its own numbers; how far they spread around each other is the
//! between-run scatter that [`super::band::scatter`] reads from them.

use hdrhistogram::Histogram;

use super::level::{Level, LevelOrigin, LoadUnit, Repeat};
use super::quantile_interval::{percentile_from_histogram, Percentile};
use crate::series::new_histogram;

/// Offered rates this close (relative; at least 1 req/s) are one level.
pub const REPEAT_RATE_TOLERANCE: f64 = 0.05;

/// Whether two levels sit at the same load.
pub fn same_load(a: f64, b: f64, unit: LoadUnit) -> bool {
    match unit {
        LoadUnit::Vus => a == b,
        LoadUnit::RequestsPerSecond => {
            (a - b).abs() <= (REPEAT_RATE_TOLERANCE * a.abs().max(b.abs())).max(1.0)
        }
    }
}

/// Pools levels (sorted by load) that sit at one load; others pass unchanged.
pub fn pool_repeats(levels: Vec<Level>, unit: LoadUnit) -> Vec<Level> {
    let mut groups: Vec<Vec<Level>> = Vec::new();
    for l in levels {
        match groups.last_mut() {
            Some(g) if same_load(g[0].concurrency, l.concurrency, unit) => g.push(l),
            _ => groups.push(vec![l]),
        }
    }
    groups
        .into_iter()
        .map(|mut g| {
            if g.len() == 1 {
                g.remove(0)
            } else {
                pooled(g, unit)
            }
        })
        .collect()
}

fn repeat_of(l: &Level) -> Repeat {
    Repeat {
        label: l.label.clone(),
        concurrency: l.concurrency,
        throughput: l.throughput,
        requests: l.requests,
        error_rate: l.error_rate,
        mean_ms: l.mean_ms,
        percentiles: l.percentiles.clone(),
    }
}

/// `p95` → 0.95, `p99.9` → 0.999.
fn quantile_of(key: &str) -> Option<f64> {
    let q = key.strip_prefix('p')?.parse::<f64>().ok()? / 100.0;
    (q > 0.0 && q < 1.0).then_some(q)
}

fn sum<T: std::iter::Sum<T>>(g: &[Level], f: impl Fn(&Level) -> Option<T>) -> Option<T> {
    g.iter()
        .map(f)
        .collect::<Option<Vec<T>>>()
        .map(|v| v.into_iter().sum())
}

fn pooled(g: Vec<Level>, unit: LoadUnit) -> Level {
    let k = g.len();
    let requests = sum(&g, |l| l.requests);
    let duration = sum(&g, |l| l.duration_s).filter(|d| *d > 0.0);
    // A mean over time: each repeat's rate weighted by how long it ran.
    let weight = |l: &Level| match duration {
        Some(_) => l.duration_s.unwrap_or(0.0),
        None => 1.0,
    };
    let total_w: f64 = g.iter().map(weight).sum::<f64>().max(f64::MIN_POSITIVE);
    let throughput = g.iter().map(|l| l.throughput * weight(l)).sum::<f64>() / total_w;
    let load = match unit {
        LoadUnit::Vus => g[0].concurrency,
        LoadUnit::RequestsPerSecond => {
            let x = g.iter().map(|l| l.concurrency * weight(l)).sum::<f64>() / total_w;
            (x * 10.0).round() / 10.0
        }
    };
    let origin = if g.iter().all(|l| l.origin == g[0].origin) {
        g[0].origin
    } else {
        LevelOrigin::Table
    };
    let label = format!("{k} repeats at {load} {}", unit.label());
    let mut level = Level::new(label, origin, load, throughput);
    if let Some(n) = requests {
        level.set_counts(n, sum(&g, |l| l.errors));
    }
    level.duration_s = duration;
    level.dropped = sum(&g, |l| l.dropped);
    level.iterations = sum(&g, |l| l.iterations);
    // The mean is additive over requests (unlike a percentile).
    level.mean_ms = match requests {
        Some(n) if n > 0 => {
            sum(&g, |l| Some(l.mean_ms? * l.requests? as f64)).map(|s| s / n as f64)
        }
        _ => None,
    };
    let merged: Option<Histogram<u64>> = g.iter().try_fold(new_histogram(), |mut h, l| {
        h.add(l.histogram.as_ref()?).ok()?;
        Some(h)
    });
    for key in g[0].percentiles.keys() {
        let values: Option<Vec<&Percentile>> = g.iter().map(|l| l.percentiles.get(key)).collect();
        let Some(values) = values else { continue };
        let from_samples = merged
            .as_ref()
            .zip(quantile_of(key))
            .and_then(|(h, q)| percentile_from_histogram(h, q));
        let p = from_samples.unwrap_or_else(|| {
            let mut v: Vec<f64> = values.iter().map(|p| p.value_ms).collect();
            v.sort_by(f64::total_cmp);
            let lows = values.iter().map(|p| p.lower_ms.unwrap_or(p.value_ms));
            let highs = values.iter().map(|p| p.upper_ms.unwrap_or(p.value_ms));
            Percentile {
                value_ms: v[v.len() / 2],
                lower_ms: Some(lows.fold(f64::INFINITY, f64::min)),
                upper_ms: Some(highs.fold(f64::NEG_INFINITY, f64::max)),
            }
        });
        level.percentiles.insert(key.clone(), p);
    }
    level.notes.push(format!(
        "{k} runs at this load are repeats of one level ({}): {}; their own numbers are listed, and their spread around each other is between-run scatter that widens the band",
        g.iter().map(|l| l.label.as_str()).collect::<Vec<_>>().join(", "),
        if merged.is_some() {
            "counts add up and the percentiles come from their merged samples"
        } else {
            "counts add up; without samples to merge, the percentiles are the median repeat's, with the lowest and highest as bounds"
        }
    ));
    level.repeats = g.iter().map(repeat_of).collect();
    level.histogram = merged;
    level.update_think_time();
    level
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantile_keys_read_back() {
        assert_eq!(quantile_of("p95"), Some(0.95));
        assert_eq!(
            quantile_of("p99.9").map(|q| (q * 1e4).round()),
            Some(9990.0)
        );
        assert_eq!(quantile_of("mean"), None);
    }

    #[test]
    fn rates_within_tolerance_are_one_level() {
        assert!(same_load(100.0, 104.0, LoadUnit::RequestsPerSecond));
        assert!(!same_load(100.0, 110.0, LoadUnit::RequestsPerSecond));
        assert!(!same_load(8.0, 9.0, LoadUnit::Vus));
    }
}
