//! Text rendering of a capacity report.

use std::fmt::Write;

use verdict_core::capacity::quantile_key;
use verdict_core::capacity::Outcome;
use verdict_core::capacity::{CapacityReport, ExclusionReason, Level, Repeat, UslReport};

use crate::render::numbers::{ms_digits as ms, opt_percent};

fn opt_ms(v: Option<f64>) -> String {
    v.map_or("-".into(), ms)
}

fn sci(v: f64) -> String {
    if v == 0.0 {
        "0".into()
    } else if v.abs() >= 0.01 && v.abs() < 1e5 {
        format!("{v:.4}")
    } else {
        format!("{v:.3e}")
    }
}

fn table(rows: &[Vec<String>]) -> String {
    let cols = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..cols)
        .map(|i| {
            rows.iter()
                .filter_map(|r| r.get(i))
                .map(|c| c.chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    for row in rows {
        let cells: Vec<String> = row
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let pad = widths[i].saturating_sub(c.chars().count());
                if i == 0 {
                    format!("{c}{}", " ".repeat(pad))
                } else {
                    format!("{}{c}", " ".repeat(pad))
                }
            })
            .collect();
        let _ = writeln!(out, "  {}", cells.join("  ").trim_end());
    }
    out
}

fn level_row(l: &Level, q: f64) -> Vec<String> {
    let p = l.percentile(q);
    let interval = match p {
        Some(p) if p.lower_ms.is_some() || p.upper_ms.is_some() => {
            format!("[{}, {}]", opt_ms(p.lower_ms), opt_ms(p.upper_ms))
        }
        _ => "-".into(),
    };
    vec![
        l.label.clone(),
        format!("{}", l.concurrency),
        format!("{:.1}", l.throughput),
        l.requests.map_or("-".into(), |n| n.to_string()),
        opt_percent(l.error_rate),
        opt_ms(l.mean_ms),
        opt_ms(p.map(|p| p.value_ms)),
        interval,
        l.think_time_s.map_or("-".into(), |z| format!("{z:.3}")),
        match l.generator_kept_up {
            _ if l.saturated => "saturated".into(),
            Some(true) => "yes".into(),
            Some(false) => "NO".into(),
            None => "-".into(),
        },
    ]
}

fn repeat_row(x: &Repeat, q: f64, open: bool) -> Vec<String> {
    let p = x.percentiles.get(&quantile_key(q));
    let interval = match p {
        Some(p) if p.lower_ms.is_some() || p.upper_ms.is_some() => {
            format!("[{}, {}]", opt_ms(p.lower_ms), opt_ms(p.upper_ms))
        }
        _ => "-".into(),
    };
    vec![
        format!("  repeat: {}", x.label),
        if open {
            format!("{:.1}", x.concurrency)
        } else {
            format!("{}", x.concurrency)
        },
        format!("{:.1}", x.throughput),
        x.requests.map_or("-".into(), |n| n.to_string()),
        opt_percent(x.error_rate),
        opt_ms(x.mean_ms),
        opt_ms(p.map(|p| p.value_ms)),
        interval,
        "-".into(),
        "-".into(),
    ]
}

fn usl_block(out: &mut String, title: &str, u: &UslReport, unit: &str) {
    let pm = |se: Option<f64>| se.map_or(" (at bound)".into(), |s| format!(" ± {}", sci(s)));
    let _ = writeln!(
        out,
        "{title} ({} levels, {} df):",
        u.levels, u.degrees_of_freedom
    );
    let _ = writeln!(
        out,
        "  σ = {}{}   κ = {}{}   λ = {}{} {unit}   (± one standard error)",
        sci(u.sigma),
        pm(u.se.sigma),
        sci(u.kappa),
        pm(u.se.kappa),
        sci(u.lambda),
        pm(u.se.lambda)
    );
    match (u.n_star, u.x_max) {
        (Some(n), Some(x)) => {
            let ci = |c: Option<[f64; 2]>| {
                c.map_or(String::new(), |[a, b]| format!(" [{a:.1}, {b:.1}]"))
            };
            let _ = writeln!(
                out,
                "  peak: N* = {n:.1}{} {}, X_max = {x:.1}{} req/s",
                ci(u.n_star_ci95),
                u.load,
                ci(u.x_max_ci95)
            );
        }
        _ => {
            let _ = writeln!(out, "  peak: none reported");
        }
    }
    for n in &u.notes {
        let _ = writeln!(out, "  · {n}");
    }
}

/// Renders the report as text.
pub fn render(r: &CapacityReport) -> String {
    let mut out = String::new();
    let q = r.target.quantile;
    let stat = &r.statistic;
    let _ = writeln!(out, "Capacity for {}\n", r.target);
    // On an open-model axis the load is the offered rate; the next column is what came back.
    let (load, rate) = if r.load.is_open() {
        ("offered req/s", "done req/s")
    } else {
        ("VUs", "req/s")
    };
    let mut rows = vec![[
        "level",
        load,
        rate,
        "requests",
        "errors",
        "mean",
        stat.as_str(),
        "90% interval",
        "idle/req s",
        "kept up",
    ]
    .map(String::from)
    .to_vec()];
    for l in &r.levels {
        rows.push(level_row(l, q));
        // Repeats of one level: each run's own numbers under the pooled row.
        rows.extend(l.repeats.iter().map(|x| repeat_row(x, q, r.load.is_open())));
    }
    out.push_str(&table(&rows));
    for l in &r.levels {
        for n in &l.notes {
            let _ = writeln!(out, "  · {}: {n}", l.label);
        }
    }
    if !r.excluded.is_empty() {
        let _ = writeln!(out, "\nExcluded from every level:");
        let mut rows = vec![[
            "source",
            "from s",
            "to s",
            "requests",
            r.load.label(),
            "why",
        ]
        .map(String::from)
        .to_vec()];
        for e in &r.excluded {
            rows.push(vec![
                e.source.clone(),
                format!("{:.1}", e.start_s),
                format!("{:.1}", e.end_s),
                e.requests.to_string(),
                e.concurrency.map_or("-".into(), |c| {
                    if r.load.is_open() {
                        format!("{c:.1}")
                    } else {
                        c.to_string()
                    }
                }),
                match e.reason {
                    ExclusionReason::Ramp => "ramp",
                    ExclusionReason::WarmUp => "warm-up",
                    ExclusionReason::Edge => "edge of a hold",
                    ExclusionReason::NoConcurrency if r.load.is_open() => "no arrivals",
                    ExclusionReason::NoConcurrency => "no VU readings",
                }
                .into(),
            ]);
        }
        out.push_str(&table(&rows));
    }
    out.push('\n');
    match (&r.usl, &r.usl_refusal) {
        (Some(u), _) => usl_block(
            &mut out,
            "Scalability: USL of throughput against VUs",
            u,
            "req/s",
        ),
        (None, Some(why)) => {
            let _ = writeln!(out, "Scalability: no USL fit: {why}");
        }
        _ => {}
    }
    match (&r.model, &r.model_refusal) {
        (Some(m), _) => {
            usl_block(
                &mut out,
                "Server model: USL of throughput against requests in flight",
                &m.usl,
                "req/s",
            );
            let _ = writeln!(
                out,
                "  think time (median N/X − mean): {:.3} s",
                m.think_time_s
            );
        }
        (None, Some(why)) => {
            let _ = writeln!(out, "Server model: none: {why}");
        }
        _ => {}
    }
    let _ = writeln!(out, "\nAnswer: {}", r.answer.message);
    for n in r.answer.notes.iter().chain(&r.notes) {
        let _ = writeln!(out, "  · {n}");
    }
    if let Some(w) = &r.what_if {
        let _ = writeln!(
            out,
            "\nWhat-if (model; think time {:.3} s, {} instance(s), ρ from the level at {}):",
            w.think_time_s, w.instances, w.rho_level
        );
        match (&w.max_vus, &w.max_vus_reason) {
            (Some(m), _) => {
                let band = match (m.low, m.high) {
                    (Some(l), Some(h)) => format!(" (band {l}–{h})"),
                    _ => String::new(),
                };
                let _ = writeln!(
                    out,
                    "  max VUs with {} ≤ {} ms: {}{band}, about {:.1} req/s",
                    stat, r.target.limit_ms, m.value, m.throughput
                );
            }
            (None, Some(why)) => {
                let _ = writeln!(out, "  max VUs: {why}");
            }
            _ => {}
        }
        match (&w.arrival, &w.arrival_reason) {
            (Some(a), _) => {
                let _ = writeln!(
                    out,
                    "  at {:.1} req/s: {stat} ≈ {} ms [{}, {}], mean {} ms, {:.1} in flight, {:.0} VUs needed: {}",
                    a.rate,
                    ms(a.percentile_ms),
                    opt_ms(a.low_ms),
                    opt_ms(a.high_ms),
                    ms(a.mean_ms),
                    a.in_flight,
                    a.vus_needed,
                    match a.outcome {
                        Outcome::Meets => "meets the target",
                        Outcome::Misses => "misses the target",
                        Outcome::Uncertain => "uncertain (the interval straddles the target)",
                    }
                );
            }
            (None, Some(why)) => {
                let _ = writeln!(out, "  arrival rate: {why}");
            }
            _ => {}
        }
        for n in &w.notes {
            let _ = writeln!(out, "  · {n}");
        }
    } else if let Some(why) = &r.what_if_refusal {
        let _ = writeln!(out, "\nWhat-if: {why}");
    }
    out
}
