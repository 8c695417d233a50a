//! Bounded least-squares fit of the USL (statistics.md §1.2): minimise
//! Σ(Xᵢ − X(Nᵢ))² with σ ∈ [0, 1], κ ≥ 0, λ > 0.
//!
//! With three parameters the box-constrained optimum can be found exactly:
//! run Levenberg–Marquardt on every face of the box (free; κ = 0; σ = 0;
//! σ = κ = 0; and the σ = 1 faces) from several starts, and keep the feasible
//! candidate with the least squared error. An unconstrained fit (usl4j,
//! usl-rs) returns κ < 0 on the raytracer set; this one lands on κ = 0.

use super::linalg::solve;
use super::usl::UslParams;

/// Fewest distinct load levels for a fit with any residual degrees of freedom.
pub const MIN_LEVELS: usize = 4;
/// Below this many levels the fit is reported with a warning (R usl, usl4j).
pub const RECOMMENDED_LEVELS: usize = 6;

const MAX_ITERATIONS: usize = 1000;

/// Which parameters are held at a bound.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Face {
    Free,
    KappaZero,
    SigmaZero,
    SigmaKappaZero,
    SigmaOne,
    SigmaOneKappaZero,
}

impl Face {
    const ALL: [Face; 6] = [
        Face::Free,
        Face::KappaZero,
        Face::SigmaZero,
        Face::SigmaKappaZero,
        Face::SigmaOne,
        Face::SigmaOneKappaZero,
    ];

    /// Which of (σ, κ, λ) move on this face.
    pub fn free(self) -> [bool; 3] {
        match self {
            Face::Free => [true, true, true],
            Face::KappaZero => [true, false, true],
            Face::SigmaZero | Face::SigmaOne => [false, true, true],
            Face::SigmaKappaZero | Face::SigmaOneKappaZero => [false, false, true],
        }
    }

    fn pin(self, p: [f64; 3]) -> [f64; 3] {
        match self {
            Face::Free => p,
            Face::KappaZero => [p[0], 0.0, p[2]],
            Face::SigmaZero => [0.0, p[1], p[2]],
            Face::SigmaKappaZero => [0.0, 0.0, p[2]],
            Face::SigmaOne => [1.0, p[1], p[2]],
            Face::SigmaOneKappaZero => [1.0, 0.0, p[2]],
        }
    }
}

/// The least-squares optimum.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Optimum {
    /// The fitted parameters.
    pub params: UslParams,
    /// Residual sum of squares at the optimum.
    pub rss: f64,
    /// Which parameters are held at a bound.
    pub face: Face,
}

fn params(p: [f64; 3]) -> UslParams {
    UslParams {
        sigma: p[0],
        kappa: p[1],
        lambda: p[2],
    }
}

fn rss(p: [f64; 3], points: &[(f64, f64)]) -> Option<f64> {
    let m = params(p);
    let mut s = 0.0;
    for &(n, x) in points {
        let d = m.denominator(n);
        if d.is_nan() || d <= 0.0 {
            return None;
        }
        let r = x - m.throughput(n);
        s += r * r;
    }
    s.is_finite().then_some(s)
}

/// Levenberg–Marquardt on the free parameters of one face, with Marquardt
/// scaling (μ on diag(JᵀJ)): λ ~ 10³ and κ ~ 10⁻⁴ make plain damping useless.
fn levenberg_marquardt(
    points: &[(f64, f64)],
    start: [f64; 3],
    face: Face,
) -> Option<([f64; 3], f64)> {
    let free = face.free();
    let idx: Vec<usize> = (0..3).filter(|&i| free[i]).collect();
    let mut theta = face.pin(start);
    let mut cost = rss(theta, points)?;
    let mut mu = 1e-3;
    for _ in 0..MAX_ITERATIONS {
        if cost == 0.0 {
            break;
        }
        let m = params(theta);
        let mut jtj = [[0.0; 3]; 3];
        let mut jtr = [0.0; 3];
        for &(n, x) in points {
            let g = m.gradient(n);
            let r = x - m.throughput(n);
            for (a, &i) in idx.iter().enumerate() {
                jtr[a] += g[i] * r;
                for (b, &j) in idx.iter().enumerate() {
                    jtj[a][b] += g[i] * g[j];
                }
            }
        }
        let k = idx.len();
        let mut accepted = false;
        let mut converged = false;
        while mu < 1e30 {
            let step = damped_step(&jtj, &jtr, k, mu)?;
            let mut trial = theta;
            for (a, &i) in idx.iter().enumerate() {
                trial[i] += step[a];
            }
            let trial_cost = if trial[2] > 0.0 {
                rss(trial, points)
            } else {
                None
            };
            match trial_cost {
                Some(c) if c < cost => {
                    let rel_change = (cost - c) / cost;
                    let small_step = idx
                        .iter()
                        .enumerate()
                        .all(|(a, &i)| step[a].abs() < 1e-12 * (theta[i].abs() + 1e-12));
                    theta = trial;
                    cost = c;
                    mu = (mu * 0.1).max(1e-15);
                    accepted = true;
                    converged = rel_change < 1e-15 || small_step;
                    break;
                }
                _ => mu *= 10.0,
            }
        }
        if !accepted || converged {
            break;
        }
    }
    Some((theta, cost))
}

/// Solves (A + μ·diag(A)) δ = g on the first `k` rows and columns.
fn damped_step(a: &[[f64; 3]; 3], g: &[f64; 3], k: usize, mu: f64) -> Option<[f64; 3]> {
    let d = |i: usize| if a[i][i] > 0.0 { a[i][i] } else { 1e-300 };
    match k {
        1 => Some([g[0] / (a[0][0] + mu * d(0)), 0.0, 0.0]),
        2 => {
            let m = [
                [a[0][0] + mu * d(0), a[0][1]],
                [a[1][0], a[1][1] + mu * d(1)],
            ];
            let s = scaled_solve(m, [g[0], g[1]])?;
            Some([s[0], s[1], 0.0])
        }
        _ => {
            let mut m = *a;
            for (i, row) in m.iter_mut().enumerate() {
                row[i] += mu * d(i);
            }
            scaled_solve(m, *g)
        }
    }
}

/// Solves after scaling rows and columns to unit diagonal.
fn scaled_solve<const K: usize>(a: [[f64; K]; K], b: [f64; K]) -> Option<[f64; K]> {
    let mut s = [1.0; K];
    for i in 0..K {
        s[i] = if a[i][i] > 0.0 { a[i][i].sqrt() } else { 1.0 };
    }
    let mut m = a;
    let mut rhs = b;
    for i in 0..K {
        for j in 0..K {
            m[i][j] /= s[i] * s[j];
        }
        rhs[i] /= s[i];
    }
    let y = solve(m, rhs)?;
    let mut x = [0.0; K];
    for i in 0..K {
        x[i] = y[i] / s[i];
    }
    Some(x)
}

/// Start values from ordinary least squares of N/X on [1, N, N²]:
/// N/X = a + bN + cN² gives λ = 1/(a+b+c), κ = cλ, σ = (b+c)λ.
fn quadratic_start(points: &[(f64, f64)]) -> Option<[f64; 3]> {
    let mut ata = [[0.0; 3]; 3];
    let mut aty = [0.0; 3];
    for &(n, x) in points {
        let row = [1.0, n, n * n];
        let y = n / x;
        for i in 0..3 {
            aty[i] += row[i] * y;
            for j in 0..3 {
                ata[i][j] += row[i] * row[j];
            }
        }
    }
    let [a, b, c] = scaled_solve(ata, aty)?;
    let lambda = 1.0 / (a + b + c);
    if !(lambda > 0.0 && lambda.is_finite()) {
        return None;
    }
    Some([
        ((b + c) * lambda).clamp(0.0, 1.0),
        (c * lambda).max(0.0),
        lambda,
    ])
}

fn feasible(p: [f64; 3]) -> bool {
    (0.0..=1.0).contains(&p[0]) && p[1] >= 0.0 && p[2] > 0.0 && p.iter().all(|v| v.is_finite())
}

/// The bounded least-squares optimum over `(load, throughput)` points.
/// The caller checks the data (≥ 4 distinct loads, all values positive).
pub fn fit(points: &[(f64, f64)]) -> Option<Optimum> {
    let max_ratio = points.iter().map(|&(n, x)| x / n).fold(0.0f64, f64::max);
    let mut starts = vec![[0.01, 1e-4, max_ratio], [0.1, 0.01, max_ratio]];
    if let Some(s) = quadratic_start(points) {
        starts.insert(0, s);
    }
    let mut best: Option<Optimum> = None;
    let mut consider = |p: [f64; 3], cost: f64, face: Face| {
        if feasible(p) && best.is_none_or(|b| cost < b.rss) {
            best = Some(Optimum {
                params: params(p),
                rss: cost,
                face,
            });
        }
    };
    // σ = κ = 0 has a closed form: λ = ΣNX / ΣN².
    let (nx, nn) = points
        .iter()
        .fold((0.0, 0.0), |(a, b), &(n, x)| (a + n * x, b + n * n));
    if nn > 0.0 {
        let p = [0.0, 0.0, nx / nn];
        if let Some(c) = rss(p, points) {
            consider(p, c, Face::SigmaKappaZero);
        }
    }
    for start in &starts {
        for face in Face::ALL {
            if face == Face::SigmaKappaZero {
                continue;
            }
            if let Some((p, c)) = levenberg_marquardt(points, *start, face) {
                consider(p, c, face);
            }
        }
    }
    // A free optimum that sits on a bound is reported as that face, so that
    // no standard error is claimed for a parameter pinned at its limit.
    best.map(|mut b| {
        if b.face == Face::Free && b.params.kappa == 0.0 {
            b.face = Face::KappaZero;
        }
        b
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recovers_exact_parameters() -> Result<(), &'static str> {
        let truth = UslParams {
            sigma: 0.04,
            kappa: 5e-4,
            lambda: 120.0,
        };
        let points: Vec<(f64, f64)> = [1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0]
            .iter()
            .map(|&n| (n, truth.throughput(n)))
            .collect();
        let fit = fit(&points).ok_or("no fit")?;
        assert!((fit.params.sigma - truth.sigma).abs() < 1e-9);
        assert!((fit.params.kappa - truth.kappa).abs() < 1e-11);
        assert!((fit.params.lambda - truth.lambda).abs() < 1e-7);
        assert_eq!(fit.face, Face::Free);
        Ok(())
    }
}
