//! Monotone piecewise-cubic Hermite interpolation (Fritsch–Butland slopes),
//! specified in statistics.md §3.3 step 4 to match
//! `scipy.interpolate.PchipInterpolator`: no overshoot, and monotone data
//! give a monotone curve, so a percentile never dips between two levels.

/// A PCHIP interpolant through strictly increasing `x`.
#[derive(Debug, Clone, PartialEq)]
pub struct Pchip {
    x: Vec<f64>,
    y: Vec<f64>,
    d: Vec<f64>,
}

fn sign(v: f64) -> f64 {
    if v > 0.0 {
        1.0
    } else if v < 0.0 {
        -1.0
    } else {
        0.0
    }
}

/// The one-sided three-point end slope, kept shape-preserving.
fn end_slope(h0: f64, h1: f64, m0: f64, m1: f64) -> f64 {
    let d = ((2.0 * h0 + h1) * m0 - h0 * m1) / (h0 + h1);
    if sign(d) != sign(m0) {
        0.0
    } else if sign(m0) != sign(m1) && d.abs() > 3.0 * m0.abs() {
        3.0 * m0
    } else {
        d
    }
}

impl Pchip {
    /// `None` unless there are ≥ 2 points, `x` strictly increases and all values are finite.
    pub fn new(x: &[f64], y: &[f64]) -> Option<Pchip> {
        let n = x.len();
        if n < 2
            || y.len() != n
            || x.iter().chain(y).any(|v| !v.is_finite())
            || x.windows(2).any(|w| w[1] <= w[0])
        {
            return None;
        }
        let h: Vec<f64> = x.windows(2).map(|w| w[1] - w[0]).collect();
        let m: Vec<f64> = (0..n - 1).map(|k| (y[k + 1] - y[k]) / h[k]).collect();
        let mut d = vec![0.0; n];
        if n == 2 {
            d[0] = m[0];
            d[1] = m[0];
        } else {
            for k in 1..n - 1 {
                if m[k - 1] * m[k] > 0.0 {
                    let w1 = 2.0 * h[k] + h[k - 1];
                    let w2 = h[k] + 2.0 * h[k - 1];
                    d[k] = (w1 + w2) / (w1 / m[k - 1] + w2 / m[k]);
                }
            }
            d[0] = end_slope(h[0], h[1], m[0], m[1]);
            d[n - 1] = end_slope(h[n - 2], h[n - 3], m[n - 2], m[n - 3]);
        }
        Some(Pchip {
            x: x.to_vec(),
            y: y.to_vec(),
            d,
        })
    }

    fn segment(&self, k: usize, v: f64) -> f64 {
        let h = self.x[k + 1] - self.x[k];
        let t = (v - self.x[k]) / h;
        let (t2, t3) = (t * t, t * t * t);
        let h00 = 2.0 * t3 - 3.0 * t2 + 1.0;
        let h10 = t3 - 2.0 * t2 + t;
        let h01 = -2.0 * t3 + 3.0 * t2;
        let h11 = t3 - t2;
        h00 * self.y[k] + h10 * h * self.d[k] + h01 * self.y[k + 1] + h11 * h * self.d[k + 1]
    }

    /// The value at `v` (clamped to the data's range).
    pub fn eval(&self, v: f64) -> f64 {
        let last = self.x.len() - 1;
        if v <= self.x[0] {
            return self.y[0];
        }
        if v >= self.x[last] {
            return self.y[last];
        }
        let k = self
            .x
            .partition_point(|&xi| xi <= v)
            .saturating_sub(1)
            .min(last - 1);
        self.segment(k, v)
    }

    /// The first `x` where the curve rises through `level`: the root on the
    /// first segment with y_k ≤ level < y_{k+1}. `None` if it never does.
    pub fn first_crossing(&self, level: f64) -> Option<f64> {
        let k = (0..self.x.len() - 1).find(|&k| self.y[k] <= level && level < self.y[k + 1])?;
        let (mut lo, mut hi) = (self.x[k], self.x[k + 1]);
        // Monotone on the segment (the slopes preserve shape), so bisection is exact.
        for _ in 0..200 {
            let mid = 0.5 * (lo + hi);
            if self.segment(k, mid) <= level {
                lo = mid;
            } else {
                hi = mid;
            }
            if hi - lo <= 1e-13 * hi.abs().max(1.0) {
                break;
            }
        }
        Some(0.5 * (lo + hi))
    }
}

/// The first `x` where straight-line interpolation rises through `level`.
pub fn linear_first_crossing(x: &[f64], y: &[f64], level: f64) -> Option<f64> {
    (0..x.len().min(y.len()).saturating_sub(1))
        .find(|&k| y[k] <= level && level < y[k + 1])
        .map(|k| x[k] + (level - y[k]) / (y[k + 1] - y[k]) * (x[k + 1] - x[k]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_scipy() -> Result<(), &'static str> {
        // scipy.interpolate.PchipInterpolator([1, 2, 4, 7, 8], [1, 3, 3.5, 9, 20]):
        // values at 1.5, 3, 5.5, 7.5 as computed by scipy 1.17.
        let p = Pchip::new(&[1.0, 2.0, 4.0, 7.0, 8.0], &[1.0, 3.0, 3.5, 9.0, 20.0])
            .ok_or("bad input")?;
        for (x, want) in [
            (1.5, 2.262105855855856),
            (3.0, 3.2669261901495403),
            (5.5, 5.069205309370283),
            (7.5, 13.284487612612613),
        ] {
            assert!(
                (p.eval(x) - want).abs() < 1e-10,
                "{x}: {} vs {want}",
                p.eval(x)
            );
        }
        let c = p.first_crossing(5.0).ok_or("no crossing")?;
        assert!((p.eval(c) - 5.0).abs() < 1e-10);
        assert!(p.first_crossing(25.0).is_none());
        assert_eq!(
            linear_first_crossing(&[0.0, 10.0], &[0.0, 1.0], 0.25),
            Some(2.5)
        );
        assert!(Pchip::new(&[1.0, 1.0], &[0.0, 1.0]).is_none());
        Ok(())
    }
}
