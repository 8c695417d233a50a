//! The capacity question as the page asks it: the knobs the user sets, the
//! levels the workers sent combined into one set, and the report. Pure data,
//! tested natively; the fit and the answer are the core's.

use std::rc::Rc;

use verdict_core::capacity::{
    analyse, curve, CapacityOptions, CapacityReport, CurvePoint, LevelSet, Scenario, Target,
};

/// Statistics the worker computes for every level (the core's standard ones
/// plus `verdict_rpc`'s extras), offered as targets.
pub const STATISTICS: [(f64, &str); 6] = [
    (0.5, "p50"),
    (0.75, "p75"),
    (0.9, "p90"),
    (0.95, "p95"),
    (0.99, "p99"),
    (0.999, "p99.9"),
];

/// Points along the fitted curves in the chart.
pub const CURVE_STEPS: usize = 80;

/// What the user asked.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Question {
    pub quantile: f64,
    pub limit_ms: f64,
    /// Seconds; `None`: as tested.
    pub think_time_s: Option<f64>,
    pub instances: u32,
    /// Requests per second; `None`: no open-model question.
    pub arrival_rate: Option<f64>,
}

impl Default for Question {
    fn default() -> Self {
        Question {
            quantile: 0.95,
            limit_ms: 200.0,
            think_time_s: None,
            instances: 1,
            arrival_rate: None,
        }
    }
}

impl Question {
    pub fn options(&self) -> CapacityOptions {
        CapacityOptions {
            target: Target {
                quantile: self.quantile,
                limit_ms: self.limit_ms,
            },
            scenario: Scenario {
                think_time_s: self.think_time_s,
                instances: self.instances.max(1),
                arrival_rate: self.arrival_rate,
            },
        }
    }
}

/// The levels of several files as one set; files without levels become notes.
pub fn combine(runs: &[(String, Rc<Result<LevelSet, String>>)]) -> LevelSet {
    let mut all = LevelSet::default();
    for (name, levels) in runs {
        match levels.as_ref() {
            Ok(set) => {
                all.levels.extend(set.levels.iter().cloned());
                all.excluded.extend(set.excluded.iter().cloned());
                all.notes.extend(set.notes.iter().cloned());
            }
            Err(why) => all.notes.push(format!("{name} left out: {why}")),
        }
    }
    all
}

/// The report and the curves for the chart.
pub fn compute(set: LevelSet, question: &Question) -> (CapacityReport, Vec<CurvePoint>) {
    let options = question.options();
    let report = analyse(set, &options);
    let points = curve(&report, &options.scenario, CURVE_STEPS);
    (report, points)
}

/// Reads an optional positive number typed by the user ("" → `None`).
pub fn optional_number(text: &str) -> Result<Option<f64>, String> {
    let t = text.trim();
    if t.is_empty() {
        return Ok(None);
    }
    match t.parse::<f64>() {
        Ok(v) if v.is_finite() && v >= 0.0 => Ok(Some(v)),
        _ => Err(format!("\"{t}\" is not a number ≥ 0")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use verdict_core::capacity::levels_from_table;

    #[test]
    fn combined_levels_answer_like_the_core() -> Result<(), String> {
        // The documented example of `verdict_core::capacity` (k6 constant-VU runs as a table).
        let rows = [
            "10,18.18,49.92,110.62",
            "25,45.28,51.95,116.16",
            "50,89.85,56.22,125.40",
            "100,175.57,68.67,155.09",
            "200,288.63,192.33,428.24",
        ];
        let header = "vus,throughput,mean_ms,p95_ms\n";
        let whole = levels_from_table("l.csv", &format!("{header}{}\n", rows.join("\n")))?;
        let expected = analyse(whole, &Question::default().options());
        let split = |r: &[&str]| levels_from_table("l.csv", &format!("{header}{}\n", r.join("\n")));
        let runs = vec![
            ("a".to_string(), Rc::new(split(&rows[..2]))),
            ("b".to_string(), Rc::new(split(&rows[2..]))),
            ("c".to_string(), Rc::new(Err("no concurrency".to_string()))),
        ];
        let (report, points) = compute(combine(&runs), &Question::default());
        assert_eq!(report.answer, expected.answer);
        assert_eq!(expected.answer.value, Some(134));
        assert_eq!(points.len(), CURVE_STEPS);
        assert!(report.notes.iter().any(|n| n.contains("c left out")));
        assert_eq!(optional_number(" "), Ok(None));
        assert_eq!(optional_number("1.5"), Ok(Some(1.5)));
        assert!(optional_number("x").is_err());
        Ok(())
    }
}
