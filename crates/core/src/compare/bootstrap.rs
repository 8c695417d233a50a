//! Bootstrap intervals for the ratio of a quantile between two runs
//! (statistics.md §5, "Magnitude").
//!
//! - **Block bootstrap**: resample a run's time blocks with replacement,
//!   add their histograms, read the quantiles. It keeps the dependence
//!   between requests of the same seconds.
//! - **Independent (iid) bootstrap**, the special case where every request is
//!   its own block, used when a population has no time blocks (an endpoint:
//!   the run keeps time windows for all requests only). Resampling n requests
//!   from a histogram is a multinomial draw of its bucket counts; the
//!   resampled nearest-rank quantile is ≤ bucket j exactly when at least r of
//!   the n draws fall at or below it, a binomial tail. So we draw the
//!   quantile straight from that exact distribution instead of drawing n
//!   samples. Dependence enters through an effective sample size n / D.
//!
//! - **Block permutation test**: deal the time blocks of both runs at random
//!   into two groups of the runs' sizes, and see how often the quantile
//!   ratio of such a split is as far from 1 as the observed one. If the
//!   two runs' blocks are alike (exchangeable), this is exact, whatever the
//!   dependence inside a block, and it tests the very percentile shown.
//!
//! A fixed seed makes every interval and p-value reproducible, in the CLI
//! and in the browser.

use super::sparse::{nearest_rank, Axis, Sparse};
use super::stats::{binomial_at_least, normal_sf, Interval};

/// SplitMix64: tiny, fast, and the same sequence on every platform.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator started from `seed`.
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    /// The next number of the sequence.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in [0, n) (Lemire's multiply-shift; the bias is below 2⁻³²
    /// for the block counts we draw from).
    pub fn below(&mut self, n: usize) -> usize {
        ((u128::from(self.next_u64()) * n as u128) >> 64) as usize
    }

    /// Uniform in (0, 1).
    pub fn unit(&mut self) -> f64 {
        ((self.next_u64() >> 11) as f64 + 0.5) / (1u64 << 53) as f64
    }
}

/// How one run's quantiles are resampled.
#[derive(Debug, Clone)]
pub enum Resampler {
    #[allow(dead_code)] // Not called by the crate at present.
    Blocks {
        axis: Axis,
        blocks: Vec<Vec<(u32, u64)>>,
        totals: Vec<u64>,
    },
    /// For each quantile: bucket values and P(resampled quantile ≤ value).
    Independent {
        per_quantile: Vec<(Vec<u64>, Vec<f64>)>,
    },
}

impl Resampler {
    /// Block resampling over `blocks` (non-empty histograms).
    #[allow(dead_code)] // Not called by the crate at present.
    pub fn blocks(blocks: &[&Sparse]) -> Resampler {
        let axis = Axis::new(blocks.iter().copied());
        Resampler::Blocks {
            blocks: blocks.iter().map(|b| axis.place(b)).collect(),
            totals: blocks.iter().map(|b| b.total).collect(),
            axis,
        }
    }

    /// Independent resampling of `hist` for the quantiles `qs`, each with an
    /// effective sample size of `total / design_effect`.
    pub fn independent(hist: &Sparse, qs: &[f64], design_effects: &[f64]) -> Resampler {
        let n = hist.total as f64;
        let per_quantile = qs
            .iter()
            .zip(design_effects.iter().chain(std::iter::repeat(&1.0)))
            .map(|(&q, &design_effect)| {
                let n_eff = (n / design_effect.max(1.0)).max(1.0);
                let rank = if design_effect <= 1.0 {
                    nearest_rank(q, hist.total) as f64
                } else {
                    (q * n_eff).ceil().max(1.0)
                };
                let mut running = 0u64;
                let cdf = hist
                    .counts
                    .iter()
                    .map(|c| {
                        running += c;
                        if running >= hist.total {
                            1.0
                        } else {
                            binomial_at_least(rank, n_eff, running as f64 / n)
                        }
                    })
                    .collect();
                (hist.values.clone(), cdf)
            })
            .collect();
        Resampler::Independent { per_quantile }
    }

    /// One bootstrap replicate of the quantiles `qs` (as given at construction
    /// for the independent case); `scratch` is reused between calls.
    fn replicate(&self, qs: &[f64], rng: &mut Rng, scratch: &mut Vec<u64>, out: &mut [u64]) {
        match self {
            Resampler::Blocks {
                axis,
                blocks,
                totals,
            } => {
                scratch.clear();
                scratch.resize(axis.len(), 0);
                let mut total = 0u64;
                for _ in 0..blocks.len() {
                    let i = rng.below(blocks.len());
                    for &(pos, c) in &blocks[i] {
                        scratch[pos as usize] += c;
                    }
                    total += totals[i];
                }
                axis.quantiles(scratch, total, qs, out);
            }
            Resampler::Independent { per_quantile } => {
                for ((values, cdf), o) in per_quantile.iter().zip(out.iter_mut()) {
                    let u = rng.unit();
                    let j = cdf
                        .partition_point(|&g| g < u)
                        .min(values.len().saturating_sub(1));
                    *o = values.get(j).copied().unwrap_or(0);
                }
            }
        }
    }
}

/// The bootstrap distribution of candidate/baseline for one quantile.
#[derive(Debug, Clone, Copy, PartialEq)]
#[allow(dead_code)] // Not called by the crate at present.
pub struct RatioStats {
    /// Percentile interval at level 1 − alpha.
    pub interval: Interval,
}

/// Bootstrap replicates of ln(candidate/baseline) for each quantile in
/// `qs`; `None` where a replicate is 0 µs (no ratio).
#[allow(dead_code)] // Not called by the crate at present.
pub fn log_ratio_replicates(
    baseline: &Resampler,
    candidate: &Resampler,
    qs: &[f64],
    replicates: u32,
    seed: u64,
) -> Vec<Option<Vec<f64>>> {
    let mut rng = Rng::new(seed);
    let mut scratch = Vec::new();
    let (mut a, mut b) = (vec![0u64; qs.len()], vec![0u64; qs.len()]);
    let mut ratios: Vec<Vec<f64>> = vec![Vec::with_capacity(replicates as usize); qs.len()];
    let mut undefined = vec![false; qs.len()];
    for _ in 0..replicates.max(2) {
        baseline.replicate(qs, &mut rng, &mut scratch, &mut a);
        candidate.replicate(qs, &mut rng, &mut scratch, &mut b);
        for k in 0..qs.len() {
            if a[k] == 0 || b[k] == 0 {
                undefined[k] = true;
            } else {
                ratios[k].push((b[k] as f64 / a[k] as f64).ln());
            }
        }
    }
    ratios
        .into_iter()
        .zip(undefined)
        .map(|(r, undefined)| (!undefined && r.len() >= 2).then_some(r))
        .collect()
}

/// Bootstrap replicates of ln(quantile) of one run for each quantile in
/// `qs`; `None` where a replicate is 0 µs (no logarithm).
pub fn log_replicates(
    resampler: &Resampler,
    qs: &[f64],
    replicates: u32,
    seed: u64,
) -> Vec<Option<Vec<f64>>> {
    let mut rng = Rng::new(seed);
    let mut scratch = Vec::new();
    let mut out = vec![0u64; qs.len()];
    let mut logs: Vec<Option<Vec<f64>>> =
        vec![Some(Vec::with_capacity(replicates as usize)); qs.len()];
    for _ in 0..replicates.max(2) {
        resampler.replicate(qs, &mut rng, &mut scratch, &mut out);
        for (k, v) in out.iter().enumerate() {
            if *v == 0 {
                logs[k] = None;
            } else if let Some(l) = &mut logs[k] {
                l.push((*v as f64).ln());
            }
        }
    }
    logs
}

/// The percentile interval of candidate/baseline at level 1 − alpha for
/// each quantile in `qs`; `None` where a replicate is 0 µs (no ratio).
#[allow(dead_code)] // Not called by the crate at present.
pub fn ratio_intervals(
    baseline: &Resampler,
    candidate: &Resampler,
    qs: &[f64],
    replicates: u32,
    alpha: f64,
    seed: u64,
) -> Vec<Option<RatioStats>> {
    log_ratio_replicates(baseline, candidate, qs, replicates, seed)
        .into_iter()
        .map(|r| {
            let mut r = r?;
            r.sort_by(f64::total_cmp);
            let tail = ((alpha / 2.0) * r.len() as f64).floor() as usize;
            let tail = tail.min((r.len() - 1) / 2);
            Some(RatioStats {
                interval: Interval {
                    low: r[tail].exp(),
                    high: r[r.len() - 1 - tail].exp(),
                },
            })
        })
        .collect()
}

/// The outcome of a block permutation test for one quantile.
#[derive(Debug, Clone, PartialEq)]
pub struct PermutationTest {
    /// ln(candidate/baseline) of the observed runs (values + 1 µs, so that a
    /// 0 µs percentile still has a logarithm).
    pub log_ratio: f64,
    /// One-sided p-values against "worse" and "better".
    pub p_worse: f64,
    pub p_better: f64,
    /// ln ratio of every deal: the distribution under "no difference".
    pub deals: Vec<f64>,
}

/// Block permutation tests of the quantiles `qs` between two runs' blocks.
///
/// The Monte Carlo p-value (1 + as extreme)/(1 + permutations) cannot go
/// below its resolution; when no permutation is as extreme, the tail is
/// taken from a normal fitted to the permutation distribution, capped at
/// that resolution, so that many tests can still be adjusted together.
pub fn permutation_tests(
    baseline: &[&Sparse],
    candidate: &[&Sparse],
    qs: &[f64],
    permutations: u32,
    seed: u64,
) -> Vec<PermutationTest> {
    let all: Vec<&Sparse> = baseline.iter().chain(candidate).copied().collect();
    let axis = Axis::new(all.iter().copied());
    let placed: Vec<Vec<(u32, u64)>> = all.iter().map(|b| axis.place(b)).collect();
    let mut total_counts = vec![0u64; axis.len()];
    for block in &placed {
        for &(pos, c) in block {
            total_counts[pos as usize] += c;
        }
    }
    let grand_total: u64 = all.iter().map(|b| b.total).sum();
    let mut counts_a = vec![0u64; axis.len()];
    let mut counts_b = vec![0u64; axis.len()];
    let (mut qa, mut qb) = (vec![0u64; qs.len()], vec![0u64; qs.len()]);
    // ln ratios per quantile for a split where `members` form the baseline.
    let mut split = |members: &[usize], out: &mut Vec<f64>| {
        counts_a.iter_mut().for_each(|c| *c = 0);
        let mut total_a = 0u64;
        for &i in members {
            for &(pos, c) in &placed[i] {
                counts_a[pos as usize] += c;
            }
            total_a += all[i].total;
        }
        for (b, (t, a)) in counts_b.iter_mut().zip(total_counts.iter().zip(&counts_a)) {
            *b = t - a;
        }
        axis.quantiles(&counts_a, total_a, qs, &mut qa);
        axis.quantiles(&counts_b, grand_total - total_a, qs, &mut qb);
        out.clear();
        out.extend(
            qa.iter()
                .zip(&qb)
                .map(|(a, b)| ((*b as f64 + 1.0) / (*a as f64 + 1.0)).ln()),
        );
    };
    let n_a = baseline.len();
    let mut observed = Vec::new();
    split(&(0..n_a).collect::<Vec<_>>(), &mut observed);
    let mut rng = Rng::new(seed);
    let mut order: Vec<usize> = (0..all.len()).collect();
    let mut ratios = Vec::new();
    let mut deals: Vec<Vec<f64>> = vec![Vec::with_capacity(permutations as usize); qs.len()];
    let (mut at_least, mut at_most) = (vec![0u32; qs.len()], vec![0u32; qs.len()]);
    let (mut sum, mut sum2) = (vec![0.0f64; qs.len()], vec![0.0f64; qs.len()]);
    let perms = permutations.max(1);
    for _ in 0..perms {
        // A uniform random subset of n_a blocks (partial Fisher–Yates).
        for i in 0..n_a.min(order.len()) {
            let j = i + rng.below(order.len() - i);
            order.swap(i, j);
        }
        split(&order[..n_a], &mut ratios);
        for k in 0..qs.len() {
            // A hair of tolerance: equal ratios computed two ways must tie.
            at_least[k] += u32::from(ratios[k] >= observed[k] - 1e-12);
            at_most[k] += u32::from(ratios[k] <= observed[k] + 1e-12);
            sum[k] += ratios[k];
            sum2[k] += ratios[k] * ratios[k];
            deals[k].push(ratios[k]);
        }
    }
    let resolution = 1.0 / (f64::from(perms) + 1.0);
    deals
        .into_iter()
        .enumerate()
        .map(|(k, deals)| {
            let n = f64::from(perms);
            let mean = sum[k] / n;
            let sd = ((sum2[k] / n - mean * mean).max(0.0)).sqrt();
            let tail = |count: u32, z: f64| {
                if count > 0 {
                    (f64::from(count) + 1.0) * resolution
                } else if sd > 0.0 {
                    normal_sf(z).min(resolution)
                } else {
                    resolution
                }
            };
            let z = if sd > 0.0 {
                (observed[k] - mean) / sd
            } else {
                0.0
            };
            PermutationTest {
                log_ratio: observed[k],
                p_worse: tail(at_least[k], z).min(1.0),
                p_better: tail(at_most[k], -z).min(1.0),
                deals,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::series::new_histogram;

    fn sparse(values: impl Iterator<Item = u64>) -> Sparse {
        let mut h = new_histogram::<u64>();
        for v in values {
            assert!(h.record(v).is_ok());
        }
        Sparse::from_histogram(&h)
    }

    #[test]
    fn same_population_interval_holds_one() {
        let s = sparse((0..4000u64).map(|i| 1000 + (i * 7919) % 50_000));
        let qs = [0.5, 0.95, 0.99];
        let r = Resampler::independent(&s, &qs, &[1.0; 3]);
        for iv in ratio_intervals(&r, &r, &qs, 2000, 0.05, 7)
            .into_iter()
            .flatten()
            .map(|s| s.interval)
        {
            assert!(iv.low < 1.0 && iv.high > 1.0, "{iv:?}");
        }
    }

    #[test]
    fn block_and_independent_agree_without_dependence() {
        // Blocks cut from one stream of independent draws: both methods see the same spread.
        let mut rng = Rng::new(3);
        let draws: Vec<u64> = (0..8000).map(|_| 1000 + rng.below(50_000) as u64).collect();
        let blocks: Vec<Sparse> = draws
            .chunks(200)
            .map(|c| sparse(c.iter().copied()))
            .collect();
        let all = sparse(draws.iter().copied());
        let refs: Vec<&Sparse> = blocks.iter().collect();
        let qs = [0.95];
        let by_blocks = ratio_intervals(
            &Resampler::blocks(&refs),
            &Resampler::blocks(&refs),
            &qs,
            2000,
            0.05,
            1,
        );
        let iid = Resampler::independent(&all, &qs, &[1.0]);
        let by_samples = ratio_intervals(&iid, &iid, &qs, 2000, 0.05, 1);
        let width =
            |v: &[Option<RatioStats>]| v[0].map_or(f64::NAN, |s| s.interval.high - s.interval.low);
        let (w1, w2) = (width(&by_blocks), width(&by_samples));
        assert!(w1 / w2 > 0.6 && w1 / w2 < 1.6, "{w1} vs {w2}");
    }

    #[test]
    fn permutations_see_a_shift_and_not_its_absence() {
        let mut rng = Rng::new(5);
        let mut blocks = |shift: u64| -> Vec<Sparse> {
            (0..20)
                .map(|_| sparse((0..100).map(|_| 1000 + shift + rng.below(5000) as u64)))
                .collect()
        };
        let (a, same, slower) = (blocks(0), blocks(0), blocks(2000));
        fn refs(v: &[Sparse]) -> Vec<&Sparse> {
            v.iter().collect()
        }
        let qs = [0.5, 0.95];
        let quiet = permutation_tests(&refs(&a), &refs(&same), &qs, 1000, 1);
        assert!(
            quiet.iter().all(|t| t.p_worse > 0.01 && t.p_better > 0.01),
            "{quiet:?}"
        );
        let shifted = permutation_tests(&refs(&a), &refs(&slower), &qs, 1000, 1);
        assert!(
            shifted
                .iter()
                .all(|t| t.p_worse < 0.001 && t.p_better > 0.99),
            "{shifted:?}"
        );
        // Identical runs: the observed split is the middle of the distribution.
        let itself = permutation_tests(&refs(&a), &refs(&a), &qs, 1000, 1);
        assert!(itself.iter().all(|t| t.log_ratio == 0.0 && t.p_worse > 0.3));
    }

    #[test]
    fn rng_is_uniform_enough() {
        let mut rng = Rng::new(42);
        let mut hits = [0u32; 10];
        for _ in 0..100_000 {
            hits[rng.below(10)] += 1;
        }
        assert!(
            hits.iter().all(|&h| (9_500..10_500).contains(&h)),
            "{hits:?}"
        );
    }
}
