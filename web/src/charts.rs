//! Scales and ticks for the SVG charts. Pure arithmetic, tested natively.

pub use verdict_core::units::{nice_max, nice_step, Linear};
use verdict_core::units::{ticks, Steps};

/// "Nice" tick values covering `[lo, hi]`, about `n` of them ([`Steps::Page`]).
pub fn nice_ticks(lo: f64, hi: f64, n: usize) -> Vec<f64> {
    ticks(lo, hi, n, Steps::Page)
}

/// The HdrHistogram plotter's x position for percentile `p` (0..100):
/// `log10(1 / (1 - p/100))`, so 90% is 1, 99% is 2, 99.9% is 3.
pub fn nines(p: f64) -> f64 {
    let tail = 1.0 - p / 100.0;
    if tail <= 0.0 {
        f64::INFINITY
    } else {
        -tail.log10()
    }
}

/// Labels for the decades of the percentile axis, up to `max_nines`:
/// `(0, "0%")`, `(1, "90%")`, `(2, "99%")`, `(3, "99.9%")`, ...
pub fn nines_ticks(max_nines: f64) -> Vec<(f64, String)> {
    let top = max_nines.ceil().max(1.0) as u32;
    (0..=top)
        .map(|k| {
            let label = match k {
                0 => "0%".to_string(),
                1 => "90%".to_string(),
                _ => format!("99.{}%", "9".repeat(k as usize - 2)).replace(".%", "%"),
            };
            (f64::from(k), label)
        })
        .collect()
}

/// Index of the point whose x is nearest to `x` (points sorted by x).
pub fn nearest(xs: &[f64], x: f64) -> Option<usize> {
    if xs.is_empty() {
        return None;
    }
    let i = xs.partition_point(|&v| v < x);
    if i == 0 {
        return Some(0);
    }
    if i >= xs.len() {
        return Some(xs.len() - 1);
    }
    Some(if (xs[i] - x).abs() < (x - xs[i - 1]).abs() {
        i
    } else {
        i - 1
    })
}

/// An SVG path through the points, breaking the line where a value is missing.
pub fn polyline(points: impl IntoIterator<Item = (f64, Option<f64>)>) -> String {
    let mut d = String::new();
    let mut pen_down = false;
    for (x, y) in points {
        match y {
            Some(y) if y.is_finite() => {
                d.push_str(if pen_down { "L" } else { "M" });
                d.push_str(&format!("{x:.1},{y:.1}"));
                pen_down = true;
            }
            _ => pen_down = false,
        }
    }
    d
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn linear_maps_and_inverts() {
        let s = Linear::new(0.0, 10.0, 100.0, 200.0);
        assert_eq!(s.map(5.0), 150.0);
        assert_eq!(s.invert(150.0), 5.0);
        let flat = Linear::new(3.0, 3.0, 0.0, 10.0);
        assert_eq!(flat.map(3.0), 5.0);
    }

    #[test]
    fn ticks_are_round_numbers() {
        assert_eq!(
            nice_ticks(0.0, 100.0, 5),
            vec![0.0, 20.0, 40.0, 60.0, 80.0, 100.0]
        );
        assert_eq!(nice_ticks(0.0, 0.9, 3), vec![0.0, 0.5]);
        assert_eq!(
            nice_ticks(-0.43, 125.0, 5),
            vec![0.0, 20.0, 40.0, 60.0, 80.0, 100.0, 120.0]
        );
        assert_eq!(nice_max(138.0), 140.0);
        assert_eq!(nice_max(2653.0), 3000.0);
        assert_eq!(nice_max(0.0), 1.0);
    }

    #[test]
    fn percentile_axis_is_log_of_the_tail() {
        assert!((nines(90.0) - 1.0).abs() < 1e-12);
        assert!((nines(99.9) - 3.0).abs() < 1e-9);
        assert_eq!(nines(0.0), 0.0);
        assert!(nines(100.0).is_infinite());
        let labels: Vec<String> = nines_ticks(3.2).into_iter().map(|(_, l)| l).collect();
        assert_eq!(labels, ["0%", "90%", "99%", "99.9%", "99.99%"]);
    }

    #[test]
    fn nearest_point_and_broken_lines() {
        let xs = [0.0, 1.0, 2.0, 10.0];
        assert_eq!(nearest(&xs, -5.0), Some(0));
        assert_eq!(nearest(&xs, 1.4), Some(1));
        assert_eq!(nearest(&xs, 7.0), Some(3));
        assert_eq!(nearest(&xs, 99.0), Some(3));
        assert_eq!(nearest(&[], 1.0), None);
        assert_eq!(
            polyline([
                (0.0, Some(1.0)),
                (1.0, None),
                (2.0, Some(3.0)),
                (3.0, Some(4.0))
            ]),
            "M0.0,1.0M2.0,3.0L3.0,4.0"
        );
    }
}
