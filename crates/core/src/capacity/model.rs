//! The server-side model used beyond the measured range and for what-ifs
//! (statistics.md §3.3 step 6): a USL fitted to in-flight concurrency
//! n = X·R̄ (Little's law), closed by the load generator's think time Z:
//! N VUs settle where N = n + Z·X(n). Mean latency is then n/X(n), and a
//! percentile is ρ·R̄ with ρ = pXX/mean measured at a nearby level.
//!
//! k identical instances behind a perfect balancer serve X_k(n) = k·X(n/k);
//! that ignores any shared bottleneck (a database), so it is optimistic.

use serde::{Deserialize, Serialize};

use super::level::Level;
use super::scalability::{fit_usl, UslReport};
use super::usl::UslParams;

/// The model is trusted up to this multiple of the largest measured load.
pub const EXTRAPOLATION_LIMIT: f64 = 2.0;

/// A fitted server model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ServerModel {
    /// USL of throughput against in-flight requests.
    pub usl: UslReport,
    /// Median over levels of Z_eff = N/X − R̄, in seconds.
    pub think_time_s: f64,
    /// Largest measured in-flight concurrency X·R̄.
    pub max_in_flight: f64,
    /// Largest tested concurrency (VUs).
    pub max_vus: f64,
}

/// Where the closed loop settles.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct OperatingPoint {
    pub vus: f64,
    /// Requests in flight at the servers (all instances).
    pub in_flight: f64,
    /// Requests per second (all instances).
    pub throughput: f64,
    pub mean_ms: f64,
}

/// Why the model gives no number.
#[derive(Debug, Clone, PartialEq)]
pub enum ModelLimit {
    /// The latency asked for is below what the model gives at no load.
    BelowNoLoad,
    /// The model's latency never grows (σ = κ = 0).
    NeverReached,
    /// Past the throughput peak the closed loop has several operating points.
    Retrograde { in_flight: f64 },
    /// Further out than the model is trusted.
    BeyondRange {
        vus: f64,
        in_flight: f64,
        limit_vus: Option<f64>,
        limit_in_flight: f64,
    },
    /// The level has no mean latency (or no percentile), so ρ = pXX/mean is unknown.
    NoRatio,
    /// More requests per second than the modelled peak.
    AboveCapacity { rate: f64, x_max: f64 },
}

impl ModelLimit {
    /// A sentence for the user.
    pub fn explain(&self) -> String {
        match self {
            ModelLimit::BelowNoLoad => "the target is below the model's latency at no load".into(),
            ModelLimit::NeverReached => "the fitted model's latency does not grow with load (σ = κ = 0)".into(),
            ModelLimit::Retrograde { in_flight } => format!(
                "the crossing ({in_flight:.1} requests in flight) lies past the throughput peak, where the closed loop has several operating points"
            ),
            ModelLimit::BeyondRange { vus, in_flight, limit_vus, limit_in_flight } => {
                let vu_part = match limit_vus {
                    Some(l) if vus > l => format!("{vus:.0} VUs, past 2× the largest tested level ({:.0})", l / EXTRAPOLATION_LIMIT),
                    _ => format!("{vus:.0} VUs"),
                };
                if *in_flight > *limit_in_flight {
                    format!(
                        "the model's crossing is at {vu_part} with {in_flight:.1} requests in flight, {:.1}× the largest measured ({:.1}); extrapolation stops at 2×",
                        in_flight / (limit_in_flight / EXTRAPOLATION_LIMIT),
                        limit_in_flight / EXTRAPOLATION_LIMIT
                    )
                } else {
                    format!("the model's crossing is at {vu_part}; extrapolation stops at 2× the largest tested level")
                }
            }
            ModelLimit::NoRatio => "the level has no mean latency, so the ratio ρ = percentile/mean is unknown".into(),
            ModelLimit::AboveCapacity { rate, x_max } => {
                format!("{rate:.1} req/s is above the modelled peak throughput ({x_max:.1} req/s)")
            }
        }
    }
}

/// The median; `None` for no values.
pub(super) fn median(mut v: Vec<f64>) -> Option<f64> {
    if v.is_empty() {
        return None;
    }
    v.sort_by(f64::total_cmp);
    let m = v.len() / 2;
    Some(if v.len() % 2 == 1 {
        v[m]
    } else {
        0.5 * (v[m - 1] + v[m])
    })
}

impl ServerModel {
    /// Fits the model to levels that have a mean latency.
    pub fn fit(levels: &[Level]) -> Result<ServerModel, String> {
        let with_mean: Vec<&Level> = levels
            .iter()
            .filter(|l| l.mean_ms.is_some_and(|m| m > 0.0))
            .collect();
        if with_mean.len() < levels.len() && with_mean.len() < super::usl_fit::MIN_LEVELS {
            return Err(format!(
                "the server model needs the mean latency at each level (Little's law: in flight = throughput × mean); {} of {} levels have it",
                with_mean.len(),
                levels.len()
            ));
        }
        let points: Vec<(f64, f64)> = with_mean
            .iter()
            .map(|l| {
                (
                    l.throughput * l.mean_ms.unwrap_or(0.0) / 1000.0,
                    l.throughput,
                )
            })
            .collect();
        let usl = fit_usl(&points, "in-flight requests")?;
        let think = median(with_mean.iter().filter_map(|l| l.think_time_s).collect())
            .unwrap_or(0.0)
            .max(0.0);
        Ok(ServerModel {
            usl,
            think_time_s: think,
            max_in_flight: points.iter().map(|p| p.0).fold(0.0, f64::max),
            max_vus: levels.iter().map(|l| l.concurrency).fold(0.0, f64::max),
        })
    }

    /// The USL parameters of the model (on in-flight requests).
    pub fn params(&self) -> UslParams {
        self.usl.params()
    }

    /// Throughput of `instances` instances at `in_flight` requests in total.
    pub fn throughput(&self, in_flight: f64, instances: u32) -> f64 {
        let k = f64::from(instances.max(1));
        k * self.params().throughput(in_flight / k)
    }

    fn point(&self, in_flight: f64, think_s: f64, instances: u32) -> OperatingPoint {
        let k = f64::from(instances.max(1));
        let x = self.throughput(in_flight, instances);
        OperatingPoint {
            vus: in_flight + think_s * x,
            in_flight,
            throughput: x,
            mean_ms: self.params().latency(in_flight / k) * 1000.0,
        }
    }

    /// Where `vus` VUs settle (the smallest in-flight root of N = n + Z·X(n)).
    pub fn at_vus(&self, vus: f64, think_s: f64, instances: u32) -> Option<OperatingPoint> {
        if vus.is_nan() || vus <= 0.0 {
            return None;
        }
        let f = |n: f64| n + think_s * self.throughput(n, instances) - vus;
        let (mut lo, mut hi) = (0.0, vus);
        if f(hi) < 0.0 {
            return None;
        }
        for _ in 0..200 {
            let mid = 0.5 * (lo + hi);
            if f(mid) < 0.0 {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        Some(self.point(0.5 * (lo + hi), think_s, instances))
    }

    fn check_range(
        &self,
        p: OperatingPoint,
        instances: u32,
        limit_vus: bool,
    ) -> Result<OperatingPoint, ModelLimit> {
        let per_instance = p.in_flight / f64::from(instances.max(1));
        let limit_in_flight = EXTRAPOLATION_LIMIT * self.max_in_flight;
        let limit_v = limit_vus.then_some(EXTRAPOLATION_LIMIT * self.max_vus);
        if per_instance > limit_in_flight || limit_v.is_some_and(|l| p.vus > l) {
            return Err(ModelLimit::BeyondRange {
                vus: p.vus,
                in_flight: per_instance,
                limit_vus: limit_v,
                limit_in_flight,
            });
        }
        Ok(p)
    }

    /// The most VUs whose mean latency stays at or below `mean_ms`. The
    /// 2× VU limit applies when `as_tested` (think time and instances unchanged).
    pub fn vus_at_mean(
        &self,
        mean_ms: f64,
        think_s: f64,
        instances: u32,
        as_tested: bool,
    ) -> Result<OperatingPoint, ModelLimit> {
        let p = self.params();
        let k = f64::from(instances.max(1));
        if p.sigma == 0.0 && p.kappa == 0.0 {
            return Err(ModelLimit::NeverReached);
        }
        let per = p
            .load_at_latency(mean_ms / 1000.0)
            .ok_or(ModelLimit::BelowNoLoad)?;
        let n = per * k;
        // N(n) = n + Z·X_k(n) must rise all the way to n, or some VU count below
        // the answer would settle past the crossing.
        let steps = 256;
        for i in 0..=steps {
            let m = per * i as f64 / steps as f64;
            if 1.0 + think_s * p.slope(m) <= 0.0 {
                return Err(ModelLimit::Retrograde { in_flight: n });
            }
        }
        self.check_range(self.point(n, think_s, instances), instances, as_tested)
    }

    /// The operating point when requests arrive at `rate` per second (open model).
    pub fn at_arrival_rate(
        &self,
        rate: f64,
        think_s: f64,
        instances: u32,
    ) -> Result<OperatingPoint, ModelLimit> {
        let p = self.params();
        let k = f64::from(instances.max(1));
        let per = p
            .load_at_throughput(rate / k)
            .ok_or_else(|| ModelLimit::AboveCapacity {
                rate,
                x_max: k * p
                    .peak()
                    .map_or(p.lambda / p.sigma.max(f64::MIN_POSITIVE), |n| {
                        p.throughput(n)
                    }),
            })?;
        let mean_ms = p.latency(per) * 1000.0;
        let point = OperatingPoint {
            vus: rate * (mean_ms / 1000.0 + think_s),
            in_flight: per * k,
            throughput: rate,
            mean_ms,
        };
        self.check_range(point, instances, false)
    }
}

/// Extrapolation leans on κ; refuse when the fit cannot pin it down.
pub fn kappa_unidentified(model: &ServerModel) -> Option<String> {
    match model.usl.ci95.kappa {
        Some([lo, _]) if lo > 0.0 => None,
        Some([lo, hi]) => Some(format!(
            "the server model's κ interval [{lo:.3e}, {hi:.3e}] includes 0, so it cannot say how fast latency grows past the tested range"
        )),
        None => Some("the server model's κ sits at 0 (its bound), so it cannot say how fast latency grows past the tested range".into()),
    }
}
