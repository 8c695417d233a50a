//! Dense solves for the tiny (≤ 3×3) systems of the USL fit.

// Index loops read like the textbook elimination they implement.
#![allow(clippy::needless_range_loop)]

/// Solves `a · x = b` for a k×k system (k ≤ 3) by Gaussian elimination with
/// partial pivoting. Returns `None` when the matrix is singular to working precision.
pub fn solve<const K: usize>(mut a: [[f64; K]; K], mut b: [f64; K]) -> Option<[f64; K]> {
    let scale = a.iter().flatten().fold(0.0f64, |m, v| m.max(v.abs()));
    if !(scale > 0.0 && scale.is_finite()) {
        return None;
    }
    for col in 0..K {
        let pivot = (col..K).max_by(|&i, &j| a[i][col].abs().total_cmp(&a[j][col].abs()))?;
        if a[pivot][col].abs() <= 1e-14 * scale {
            return None;
        }
        a.swap(col, pivot);
        b.swap(col, pivot);
        for row in col + 1..K {
            let f = a[row][col] / a[col][col];
            for c in col..K {
                a[row][c] -= f * a[col][c];
            }
            b[row] -= f * b[col];
        }
    }
    let mut x = [0.0; K];
    for row in (0..K).rev() {
        let mut s = b[row];
        for c in row + 1..K {
            s -= a[row][c] * x[c];
        }
        x[row] = s / a[row][row];
    }
    x.iter().all(|v| v.is_finite()).then_some(x)
}

/// Inverse of a symmetric positive-definite k×k matrix, by solving for each
/// unit vector after scaling to unit diagonal (the USL's columns differ by ten
/// orders of magnitude, so unscaled elimination would lose everything).
pub fn inverse_spd<const K: usize>(a: [[f64; K]; K]) -> Option<[[f64; K]; K]> {
    let mut d = [0.0; K];
    for i in 0..K {
        if a[i][i].is_nan() || a[i][i] <= 0.0 {
            return None;
        }
        d[i] = a[i][i].sqrt();
    }
    let mut scaled = a;
    for i in 0..K {
        for j in 0..K {
            scaled[i][j] = a[i][j] / (d[i] * d[j]);
        }
    }
    let mut inv = [[0.0; K]; K];
    for j in 0..K {
        let mut e = [0.0; K];
        e[j] = 1.0;
        let col = solve(scaled, e)?;
        for i in 0..K {
            inv[i][j] = col[i] / (d[i] * d[j]);
        }
    }
    Some(inv)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn solves_and_inverts() -> Result<(), &'static str> {
        let a = [[4.0, 1.0, 0.5], [1.0, 3.0, 0.2], [0.5, 0.2, 2.0]];
        let x = solve(a, [1.0, 2.0, 3.0]).ok_or("singular")?;
        for (row, want) in a.iter().zip([1.0, 2.0, 3.0]) {
            let got: f64 = row.iter().zip(&x).map(|(a, x)| a * x).sum();
            assert!((got - want).abs() < 1e-12);
        }
        let inv = inverse_spd(a).ok_or("singular")?;
        for i in 0..3 {
            for j in 0..3 {
                let v: f64 = (0..3).map(|k| a[i][k] * inv[k][j]).sum();
                assert!((v - if i == j { 1.0 } else { 0.0 }).abs() < 1e-12);
            }
        }
        assert!(solve([[1.0, 2.0], [2.0, 4.0]], [1.0, 1.0]).is_none());
        Ok(())
    }
}
