//! The Universal Scalability Law, X(N) = λN / (1 + σ(N−1) + κN(N−1))
//! (statistics.md §1.1), and the inverses the latency model needs.
//!
//! The inverses here keep κ, unlike the Amdahl-only formulas in usl4j / usl-rs
//! / Go usl (statistics.md §1.3): the concurrency at a throughput is the
//! ascending root of κX·N² + (σX − κX − λ)N + X(1 − σ) = 0.

use serde::{Deserialize, Serialize};

/// Contention σ, coherency κ and single-unit throughput λ.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct UslParams {
    /// Contention σ.
    pub sigma: f64,
    /// Coherency κ.
    pub kappa: f64,
    /// Throughput λ of a single unit of load.
    pub lambda: f64,
}

impl UslParams {
    /// The denominator 1 + σ(N−1) + κN(N−1).
    pub fn denominator(&self, n: f64) -> f64 {
        1.0 + self.sigma * (n - 1.0) + self.kappa * n * (n - 1.0)
    }

    /// Throughput at load `n`.
    pub fn throughput(&self, n: f64) -> f64 {
        self.lambda * n / self.denominator(n)
    }

    /// ∂X/∂(σ, κ, λ) at load `n`.
    pub fn gradient(&self, n: f64) -> [f64; 3] {
        let d = self.denominator(n);
        let d2 = d * d;
        [
            -self.lambda * n * (n - 1.0) / d2,
            -self.lambda * n * n * (n - 1.0) / d2,
            n / d,
        ]
    }

    /// dX/dN at load `n`: λ(1 − σ − κN²)/D².
    pub fn slope(&self, n: f64) -> f64 {
        let d = self.denominator(n);
        self.lambda * (1.0 - self.sigma - self.kappa * n * n) / (d * d)
    }

    /// Mean time per unit of work, n / X(n) = D(n)/λ (Little's law, seconds when X is per second).
    pub fn latency(&self, n: f64) -> f64 {
        self.denominator(n) / self.lambda
    }

    /// The load of peak throughput N* = √((1−σ)/κ); `None` when κ = 0 (no finite peak).
    pub fn peak(&self) -> Option<f64> {
        (self.kappa > 0.0 && self.sigma <= 1.0).then(|| ((1.0 - self.sigma) / self.kappa).sqrt())
    }

    /// The load at which the mean time per unit reaches `r` (the inverse of
    /// [`latency`](Self::latency) on n ≥ 1, where it increases). `None` when
    /// `r` is never reached (σ = κ = 0) or is below the single-unit time 1/λ.
    pub fn load_at_latency(&self, r: f64) -> Option<f64> {
        let (s, k) = (self.sigma, self.kappa);
        // κn² + (σ − κ)n + (1 − σ − λr) = 0
        let c = 1.0 - s - self.lambda * r;
        let n = if k > 0.0 {
            let b = s - k;
            let disc = b * b - 4.0 * k * c;
            if disc < 0.0 {
                return None;
            }
            (-b + disc.sqrt()) / (2.0 * k)
        } else if s > 0.0 {
            -c / s
        } else {
            return None;
        };
        (n.is_finite() && n > 0.0).then_some(n)
    }

    /// The load on the ascending branch at which throughput reaches `x`;
    /// `None` when `x` exceeds the peak throughput.
    pub fn load_at_throughput(&self, x: f64) -> Option<f64> {
        let (s, k, l) = (self.sigma, self.kappa, self.lambda);
        if x.is_nan() || x <= 0.0 {
            return None;
        }
        // κx·n² + (σx − κx − λ)n + x(1 − σ) = 0; the smaller positive root ascends.
        let a = k * x;
        let b = s * x - k * x - l;
        let c = x * (1.0 - s);
        let n = if a > 0.0 {
            let disc = b * b - 4.0 * a * c;
            if disc < 0.0 {
                return None;
            }
            // Numerically stable smaller root.
            2.0 * c / (-b + disc.sqrt())
        } else if b < 0.0 {
            -c / b
        } else {
            return None;
        };
        (n.is_finite() && n > 0.0).then_some(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The Cisco model quoted in statistics.md §1.3 is not published here with
    /// its parameters, so check the inverses against the forward model instead.
    #[test]
    fn inverses_round_trip() -> Result<(), &'static str> {
        let m = UslParams {
            sigma: 0.0288,
            kappa: 4.23e-4,
            lambda: 20.01,
        };
        for n in [0.5, 1.0, 5.0, 20.0, 40.0] {
            let x = m.throughput(n);
            let back = m.load_at_throughput(x).ok_or("no root")?;
            assert!((back - n).abs() < 1e-9 * n.max(1.0), "{n} -> {back}");
        }
        for n in [1.0, 5.0, 20.0, 100.0] {
            let r = m.latency(n);
            let back = m.load_at_latency(r).ok_or("no root")?;
            assert!((back - n).abs() < 1e-9 * n, "{n} -> {back}");
        }
        let peak = m.peak().ok_or("no peak")?;
        assert!(m.slope(peak).abs() < 1e-12);
        assert!(m.load_at_throughput(m.throughput(peak) * 1.01).is_none());
        Ok(())
    }

    #[test]
    fn gradient_matches_finite_differences() {
        let m = UslParams {
            sigma: 0.05,
            kappa: 1e-3,
            lambda: 90.0,
        };
        let g = m.gradient(30.0);
        let h = [1e-7, 1e-9, 1e-5];
        for (i, hi) in h.iter().enumerate() {
            let mut p = [m.sigma, m.kappa, m.lambda];
            p[i] += hi;
            let up = UslParams {
                sigma: p[0],
                kappa: p[1],
                lambda: p[2],
            }
            .throughput(30.0);
            p[i] -= 2.0 * hi;
            let down = UslParams {
                sigma: p[0],
                kappa: p[1],
                lambda: p[2],
            }
            .throughput(30.0);
            let fd = (up - down) / (2.0 * hi);
            assert!(
                (fd - g[i]).abs() < 1e-5 * g[i].abs(),
                "{i}: {fd} vs {}",
                g[i]
            );
        }
    }
}
