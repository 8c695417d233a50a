//! Time blocks of a run and the dependence they reveal.
//!
//! Latencies in a load test are not independent: a GC pause or a queue
//! build-up slows every request of the same few seconds. A test that treats
//! samples as independent then finds "significant" differences between two
//! halves of one run far more often than its level says. We measure how much
//! more the per-block counts (requests above a threshold, errors) vary than a
//! binomial would, and shrink the sample sizes by that design effect
//! (statistics.md §4.3: n_eff = n / VIF).

use crate::run::Run;

use super::sparse::Sparse;

/// Fewer blocks than this per run give no usable estimate of the dependence.
pub const MIN_BLOCKS_FOR_DEPENDENCE: usize = 5;

/// One time window of a run (a timeline bucket with requests in it).
#[derive(Debug, Clone)]
pub struct Block {
    pub latencies: Sparse,
    pub requests: u64,
    pub errors: u64,
}

/// The non-empty timeline windows of a run, oldest first.
pub fn blocks_of(run: &Run) -> Vec<Block> {
    run.timeline
        .buckets()
        .filter(|b| b.requests > 0)
        .map(|b| Block {
            latencies: Sparse::from_histogram(&b.hist),
            requests: b.requests,
            errors: b.errors,
        })
        .collect()
}

/// Sums for the ratio-of-sums dispersion estimate of one run.
#[derive(Debug, Clone, Copy, Default)]
struct Dispersion {
    /// Σ (x_b − m_b p̂)²
    observed: f64,
    /// p̂(1 − p̂) Σ m_b (1 − m_b / M): the same sum's expectation if the
    /// samples were independent.
    expected: f64,
    /// Σ m_b², Σ m_b: for the size-weighted mean block size.
    m2: f64,
    m: f64,
}

fn dispersion(counts: impl Iterator<Item = (u64, u64)> + Clone) -> Dispersion {
    let (x, m) = counts
        .clone()
        .fold((0u64, 0u64), |(x, m), (xb, mb)| (x + xb, m + mb));
    if m == 0 {
        return Dispersion::default();
    }
    let total = m as f64;
    let p = x as f64 / total;
    let mut d = Dispersion::default();
    for (xb, mb) in counts {
        let mb = mb as f64;
        d.observed += (xb as f64 - mb * p).powi(2);
        d.expected += mb * (1.0 - mb / total);
        d.m2 += mb * mb;
        d.m += mb;
    }
    d.expected *= p * (1.0 - p);
    d
}

/// The variance inflation of a count in one run, with the intra-block
/// correlation it implies. Each run gets its own: a run with bursts of slow
/// seconds must not lend its uncertainty to a steady one.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DesignEffect {
    /// Variance of the run's total over its binomial variance (≥ 1).
    pub factor: f64,
    /// Intra-block correlation ρ, from factor = 1 + ρ (m̄ − 1).
    pub rho: f64,
    /// Size-weighted mean block size m̄ = Σm²/Σm.
    pub mean_block: f64,
}

impl DesignEffect {
    pub const NONE: DesignEffect = DesignEffect {
        factor: 1.0,
        rho: 0.0,
        mean_block: 1.0,
    };

    /// The design effect assumed for a sub-population holding `share` of
    /// each block (an endpoint, whose requests are not kept per block), when
    /// `self` is the largest effect measured on the whole run: that one,
    /// capped at the sub-population's mean block size (the effect when all
    /// its requests of a block are alike).
    ///
    /// Neither scaled down by the share nor taken at the same percentile:
    /// slow requests come in bursts that hit every endpoint, so a fast
    /// endpoint's own tail is almost all burst. On the k6 fixtures an
    /// endpoint's own design effect reached 3× the run's at the same
    /// percentile (and 5× the share-scaled value), but never the run's
    /// largest.
    pub fn for_share(&self, share: f64) -> DesignEffect {
        let mean_block = self.mean_block * share.clamp(0.0, 1.0);
        DesignEffect {
            factor: self.factor.min(mean_block).max(1.0),
            rho: self.rho,
            mean_block,
        }
    }

    /// The effect assumed when a run has too few blocks to measure it: each
    /// block counts as one observation (all its requests alike).
    pub fn worst_case(blocks: &[Block], count: impl Fn(&Block) -> (u64, u64)) -> DesignEffect {
        let (m2, m) = blocks.iter().fold((0.0, 0.0), |(m2, m), b| {
            let mb = count(b).1 as f64;
            (m2 + mb * mb, m + mb)
        });
        let mean_block = if m > 0.0 { m2 / m } else { 1.0 };
        DesignEffect {
            factor: mean_block.max(1.0),
            rho: 1.0,
            mean_block,
        }
    }

    /// The largest of several effects (`NONE` for none).
    pub fn largest(effects: impl IntoIterator<Item = DesignEffect>) -> DesignEffect {
        effects.into_iter().fold(
            DesignEffect::NONE,
            |a, b| if b.factor > a.factor { b } else { a },
        )
    }
}

/// Estimates the design effect of a per-block count in one run's blocks;
/// `count` gives (x_b, m_b) for a block. `None` when the run has too few
/// blocks to tell.
pub fn design_effect(
    blocks: &[Block],
    count: impl Fn(&Block) -> (u64, u64),
) -> Option<DesignEffect> {
    if blocks.len() < MIN_BLOCKS_FOR_DEPENDENCE {
        return None;
    }
    let d = dispersion(blocks.iter().map(&count));
    let mean_block = d.m2 / d.m.max(1.0);
    if d.expected <= 0.0 {
        // No variation possible (no exceedances at all): nothing to inflate.
        return Some(DesignEffect {
            mean_block,
            ..DesignEffect::NONE
        });
    }
    let factor = (d.observed / d.expected).max(1.0);
    let rho = if mean_block > 1.0 {
        ((factor - 1.0) / (mean_block - 1.0)).clamp(0.0, 1.0)
    } else {
        0.0
    };
    Some(DesignEffect {
        factor,
        rho,
        mean_block,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn block(x: u64, m: u64) -> Block {
        Block {
            latencies: Sparse::default(),
            requests: m,
            errors: x,
        }
    }

    #[test]
    fn binomial_looking_blocks_give_no_inflation() {
        // Counts close to their expectation: no more spread than binomial.
        let a: Vec<Block> = (0..20).map(|i| block(10 + (i % 2), 200)).collect();
        let d = design_effect(&a, |b| (b.errors, b.requests)).map(|d| d.factor);
        assert_eq!(d, Some(1.0));
    }

    #[test]
    fn clustered_blocks_inflate() {
        // Errors all in a few blocks: far more spread than binomial.
        let a: Vec<Block> = (0..20)
            .map(|i| block(if i % 5 == 0 { 50 } else { 0 }, 200))
            .collect();
        let d = design_effect(&a, |b| (b.errors, b.requests));
        let factor = d.map_or(0.0, |d| d.factor);
        assert!(factor > 10.0, "{d:?}");
        // A part of the run keeps the run's effect, up to its block size.
        let part = |share: f64| d.map_or(0.0, |d| d.for_share(share).factor);
        assert_eq!(part(0.5), factor);
        assert_eq!(part(0.01), 2.0);
        assert!(design_effect(&a[..3], |b| (b.errors, b.requests)).is_none());
    }
}
