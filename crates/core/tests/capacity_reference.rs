//! The USL fit against the two published reference sets (statistics.md §2;
//! data and coefficients from the R package usl, smoeding/usl), and recovery
//! of known parameters from synthetic data.

mod fixture_reading;

use std::error::Error;

use verdict_core::capacity::usl_least_squares as fit;
use verdict_core::capacity::{fit_usl, levels_from_table, PeakStatus, UslParams, UslReport};

type TestResult = Result<(), Box<dyn Error>>;

/// A levels table (`tests/fixtures/capacity/<name>`).
fn table(name: &str) -> Result<String, Box<dyn Error>> {
    Ok(fixture_reading::text(&format!("capacity/{name}")))
}

fn fit_file(name: &str) -> Result<UslReport, Box<dyn Error>> {
    let set = levels_from_table(name, &table(name)?)?;
    let points: Vec<(f64, f64)> = set
        .levels
        .iter()
        .map(|l| (l.concurrency, l.throughput))
        .collect();
    Ok(fit_usl(&points, "load")?)
}

/// `value` printed with `decimals` decimals equals `printed`.
fn prints_as(value: f64, decimals: i32, printed: f64) -> bool {
    let scale = 10f64.powi(decimals);
    (value * scale).round() == (printed * scale).round()
}

#[test]
fn specsdm91_matches_r_usl() -> TestResult {
    // R usl summary: alpha 0.0277285 (SE 0.0091217), beta 0.0001044 (SE 0.0000199),
    // gamma 89.995233 (SE 14.2134894); residual standard error 82.85 on 4 df;
    // peak.scalability 96.51956, throughput there 1884.
    let u = fit_file("specsdm91.csv")?;
    assert!(prints_as(u.sigma, 7, 0.0277285), "sigma {}", u.sigma);
    assert!(prints_as(u.kappa, 7, 0.0001044), "kappa {}", u.kappa);
    assert!(prints_as(u.lambda, 6, 89.995233), "lambda {}", u.lambda);
    let se = u.se;
    assert!(prints_as(se.sigma.ok_or("no se")?, 7, 0.0091217));
    assert!(prints_as(se.kappa.ok_or("no se")?, 7, 0.0000199));
    assert!(prints_as(se.lambda.ok_or("no se")?, 7, 14.2134894));
    assert_eq!(u.degrees_of_freedom, 4);
    assert!(prints_as(u.residual_sd, 2, 82.85));
    assert_eq!(u.peak, PeakStatus::Found);
    assert!(prints_as(u.n_star.ok_or("no peak")?, 5, 96.51956));
    assert!(prints_as(u.x_max.ok_or("no peak")?, 0, 1884.0));
    // statistics.md §1.2: N* 95% CI [71.6, 121.5] (delta method, t₄ = 2.776).
    let [lo, hi] = u.n_star_ci95.ok_or("no interval")?;
    assert!(
        prints_as(lo, 1, 71.6) && prints_as(hi, 1, 121.5),
        "[{lo}, {hi}]"
    );
    Ok(())
}

#[test]
fn raytracer_lands_on_the_kappa_bound() -> TestResult {
    // R usl (tests/confint.Rout.save): alpha 0.0578, beta 0.0000, gamma 21.8488.
    // An unconstrained fit returns κ < 0 here (statistics.md §1.4).
    let u = fit_file("raytracer.csv")?;
    assert!(prints_as(u.sigma, 4, 0.0578), "sigma {}", u.sigma);
    assert!(prints_as(u.kappa, 4, 0.0));
    assert_eq!(u.kappa, 0.0);
    assert!(prints_as(u.lambda, 4, 21.8488), "lambda {}", u.lambda);
    assert_eq!(u.at_bound, vec!["kappa = 0".to_string()]);
    assert_eq!(
        u.se.kappa, None,
        "no standard error for a parameter at its bound"
    );
    assert_eq!(u.peak, PeakStatus::NoEvidence);
    assert_eq!(u.n_star, None);
    // statistics.md §1.4: bounded RSS 697.2.
    assert!(prints_as(u.rss, 1, 697.2));
    Ok(())
}

#[test]
fn refuses_fewer_than_four_levels() {
    let e = fit_usl(&[(1.0, 10.0), (2.0, 19.0), (4.0, 35.0)], "VUs");
    assert!(e.is_err_and(|m| m.contains("at least 4")));
}

/// Deterministic ±noise (a fixed pattern, so the test is reproducible).
const NOISE: [f64; 8] = [0.011, -0.007, 0.004, -0.012, 0.009, -0.003, 0.006, -0.008];

#[test]
fn recovers_known_parameters() -> TestResult {
    for truth in [
        UslParams {
            sigma: 0.05,
            kappa: 2e-4,
            lambda: 95.0,
        },
        UslParams {
            sigma: 0.02,
            kappa: 0.0,
            lambda: 40.0,
        },
        UslParams {
            sigma: 0.3,
            kappa: 0.01,
            lambda: 1200.0,
        },
    ] {
        let loads = [1.0, 4.0, 8.0, 16.0, 32.0, 48.0, 64.0, 96.0];
        let exact: Vec<(f64, f64)> = loads.iter().map(|&n| (n, truth.throughput(n))).collect();
        let best = fit(&exact).ok_or("no fit")?;
        assert!(
            (best.params.sigma - truth.sigma).abs() < 1e-8,
            "{truth:?} -> {best:?}"
        );
        assert!(
            (best.params.kappa - truth.kappa).abs() < 1e-10,
            "{truth:?} -> {best:?}"
        );
        assert!(
            (best.params.lambda - truth.lambda).abs() < 1e-6 * truth.lambda,
            "{truth:?} -> {best:?}"
        );
        // With 1% noise the truth lies inside the reported 95% intervals.
        let noisy: Vec<(f64, f64)> = exact
            .iter()
            .zip(NOISE)
            .map(|(&(n, x), e)| (n, x * (1.0 + e)))
            .collect();
        let u = fit_usl(&noisy, "VUs")?;
        let inside = |ci: Option<[f64; 2]>, v: f64| ci.is_none_or(|[lo, hi]| lo <= v && v <= hi);
        assert!(inside(u.ci95.sigma, truth.sigma), "{truth:?}: {:?}", u.ci95);
        assert!(
            inside(u.ci95.lambda, truth.lambda),
            "{truth:?}: {:?}",
            u.ci95
        );
        assert!(
            inside(u.ci95.kappa, truth.kappa) || (truth.kappa == 0.0 && u.kappa == 0.0),
            "{truth:?}: {:?}",
            u.ci95
        );
        if truth.kappa > 0.0 && u.peak == PeakStatus::Found {
            let [lo, hi] = u.n_star_ci95.ok_or("no interval")?;
            let n_star = truth.peak().ok_or("no peak")?;
            assert!(
                lo <= n_star && n_star <= hi,
                "N* {n_star} outside [{lo}, {hi}]"
            );
        }
    }
    Ok(())
}
