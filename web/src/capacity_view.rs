//! The capacity question as the page asks it: the knobs the user sets, the
//! levels the workers sent combined into one set, and the report. Pure data,
//! tested natively; the fit and the answer are the core's.

use std::rc::Rc;

use verdict_core::capacity::{
    analyse, curve, levels_from_table, CapacityOptions, CapacityReport, CurvePoint, LevelSet,
    LoadUnit, Scenario, Target,
};

use crate::display;

/// Where the capacity panel takes its levels from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LevelsFrom {
    /// The open runs (what the workers sent).
    Runs,
    /// A table the user typed or pasted.
    Typed,
}

impl LevelsFrom {
    /// For `data-capacity-from`.
    pub fn as_str(self) -> &'static str {
        match self {
            LevelsFrom::Runs => "runs",
            LevelsFrom::Typed => "typed",
        }
    }
}

/// How typed levels are named in labels and messages ("typed numbers line 3").
pub const TYPED_SOURCE: &str = "typed numbers";

/// The typed table read by the core's table reader (`verdict capacity
/// --levels`); `Ok(None)` while nothing is typed.
pub fn read_typed(text: &str) -> Result<Option<LevelSet>, String> {
    if text.trim().is_empty() {
        return Ok(None);
    }
    levels_from_table(TYPED_SOURCE, text).map(Some)
}

/// The panel folded to one line: the answer, or why there is none.
pub fn summary_line(from: LevelsFrom, report: Option<&CapacityReport>, target: &Target) -> String {
    let Some(r) = report else {
        return match from {
            LevelsFrom::Runs => "Needs load levels: runs at two or more VU counts, or one staged run held at several plateaus. Or type the numbers from a report.".into(),
            LevelsFrom::Typed => "Type or paste a table of levels below.".into(),
        };
    };
    let unit = r.load.label();
    match (r.answer.value, r.answer.low, r.answer.high) {
        (Some(v), Some(lo), Some(hi)) => format!(
            "Up to {} {unit} (band {}–{}) keep {target}.",
            display::count(v),
            display::count(lo),
            display::count(hi)
        ),
        (Some(v), _, _) => format!("Up to {} {unit} keep {target}.", display::count(v)),
        (None, _, _) => format!(
            "Not enough evidence for {target} from {} load level{}.",
            r.levels.len(),
            if r.levels.len() == 1 { "" } else { "s" }
        ),
    }
}

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

/// One finished run's capacity readings, as its worker sent them.
#[derive(Debug, Clone, PartialEq)]
pub struct RunLevels {
    /// The run's name.
    pub name: String,
    /// Its levels on its own load axis (VUs, or req/s for Artillery), or why it has none.
    pub own: Rc<Result<LevelSet, String>>,
    /// Its levels cut by the request rate it held, when its own axis is VUs
    /// (`verdict capacity --load req/s`).
    pub by_rate: Option<Rc<Result<LevelSet, String>>>,
}

impl RunLevels {
    /// The reading on `axis`: the run's own when it is on that axis (or has
    /// no other), else the request-rate cut.
    fn on(&self, axis: LoadUnit) -> Rc<Result<LevelSet, String>> {
        let own_axis = self.own.as_ref().as_ref().ok().map(|s| s.load);
        match (&self.by_rate, axis) {
            (Some(by_rate), LoadUnit::RequestsPerSecond)
                if own_axis != Some(LoadUnit::RequestsPerSecond) =>
            {
                by_rate.clone()
            }
            _ => self.own.clone(),
        }
    }

    fn has_levels_on(&self, axis: LoadUnit) -> bool {
        self.on(axis)
            .as_ref()
            .as_ref()
            .is_ok_and(|s| s.load == axis && !s.levels.is_empty())
    }
}

/// The load axis a capacity question is asked on: the user's choice, else
/// VUs when any run has VU levels, else requests per second when any run
/// has levels there (a k6 arrival-rate run, refused on VUs), else VUs.
pub fn load_axis(runs: &[RunLevels], chosen: Option<LoadUnit>) -> LoadUnit {
    chosen.unwrap_or_else(|| {
        if runs.iter().any(|r| r.has_levels_on(LoadUnit::Vus)) {
            LoadUnit::Vus
        } else if runs
            .iter()
            .any(|r| r.has_levels_on(LoadUnit::RequestsPerSecond))
        {
            LoadUnit::RequestsPerSecond
        } else {
            LoadUnit::Vus
        }
    })
}

/// Whether the user can choose the axis: some run reads on both.
pub fn axis_choice(runs: &[RunLevels]) -> bool {
    runs.iter().any(|r| {
        r.by_rate
            .as_ref()
            .is_some_and(|b| b.as_ref().as_ref().is_ok_and(|s| !s.levels.is_empty()))
    })
}

/// Each run's reading on `axis`, for [`combine`].
pub fn readings_on(
    runs: &[RunLevels],
    axis: LoadUnit,
) -> Vec<(String, Rc<Result<LevelSet, String>>)> {
    runs.iter().map(|r| (r.name.clone(), r.on(axis))).collect()
}

/// The levels of several files as one set; files without levels become notes.
pub fn combine(runs: &[(String, Rc<Result<LevelSet, String>>)]) -> LevelSet {
    let mut all = LevelSet::default();
    let mut first = true;
    for (name, levels) in runs {
        match levels.as_ref() {
            // One question has one load axis: the first run's sets it.
            Ok(set) if !first && set.load != all.load => all.notes.push(format!(
                "{name} left out: its load is in {}, the other runs' in {}",
                set.load.label(),
                all.load.label()
            )),
            Ok(set) => {
                if first {
                    all.load = set.load;
                    first = false;
                }
                all.levels.extend(set.levels.iter().cloned());
                all.excluded.extend(set.excluded.iter().cloned());
                all.notes.extend(set.notes.iter().cloned());
            }
            Err(why) => all.notes.push(format!("{name} left out: {why}")),
        }
    }
    all
}

/// A run's levels under its run name: their labels start with the file's
/// name ("run.json.gz", "run.csv.gz @ 60–120 s"), which several runs share.
pub fn relabel(set: &LevelSet, file: &str, run_name: &str) -> LevelSet {
    let mut set = set.clone();
    for l in &mut set.levels {
        if let Some(rest) = l.label.strip_prefix(file) {
            l.label = format!("{run_name}{rest}");
        }
    }
    set
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

    fn read(rel: &str) -> verdict_core::Run {
        let path = format!("{}/../tests/fixtures/{rel}", env!("CARGO_MANIFEST_DIR"));
        let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
        verdict_core::Session::read_all(
            "run.json.gz",
            verdict_core::IngestOptions::default(),
            &bytes,
        )
        .expect("reads")
    }

    fn levels_of(run: &verdict_core::Run, load: Option<LoadUnit>) -> Rc<Result<LevelSet, String>> {
        let options = verdict_core::capacity::PlateauOptions {
            load,
            ..Default::default()
        };
        Rc::new(verdict_core::capacity::levels_from_runs(
            std::slice::from_ref(run),
            &options,
            &[],
        ))
    }

    fn as_worker_sends(name: &str, rel: &str) -> RunLevels {
        let run = read(rel);
        RunLevels {
            name: name.into(),
            own: levels_of(&run, None),
            by_rate: Some(levels_of(&run, Some(LoadUnit::RequestsPerSecond))),
        }
    }

    #[test]
    fn arrival_rate_runs_are_asked_on_the_request_rate_axis_unless_the_user_says_otherwise() {
        let runs: Vec<RunLevels> = ["rate_050", "rate_150", "rate_250", "rate_350"]
            .iter()
            .map(|d| as_worker_sends(d, &format!("k6/arrival_rate/{d}/run.json.gz")))
            .collect();
        // Their busy-VU counts are no load level: refused on VUs.
        assert!(runs.iter().all(|r| r.own.is_err()));
        assert!(axis_choice(&runs));
        assert_eq!(load_axis(&runs, None), LoadUnit::RequestsPerSecond);
        let set = combine(&readings_on(&runs, LoadUnit::RequestsPerSecond));
        assert_eq!(set.load, LoadUnit::RequestsPerSecond);
        assert_eq!(set.levels.len(), 4);
        // The user's choice wins: on VUs every run is left out, with its reason.
        let on_vus = combine(&readings_on(&runs, load_axis(&runs, Some(LoadUnit::Vus))));
        assert!(on_vus.levels.is_empty());
        assert_eq!(on_vus.notes.len(), 4);
    }

    #[test]
    fn constant_vu_runs_stay_on_the_vu_axis() {
        let runs: Vec<RunLevels> = ["vus_010", "vus_025"]
            .iter()
            .map(|d| as_worker_sends(d, &format!("k6/constant_vus/{d}/run.json.gz")))
            .collect();
        assert_eq!(load_axis(&runs, None), LoadUnit::Vus);
        assert_eq!(combine(&readings_on(&runs, LoadUnit::Vus)).levels.len(), 2);
    }

    #[test]
    fn levels_take_their_runs_name_in_place_of_the_file_name() -> Result<(), String> {
        let set = levels_from_table("run.json.gz", "vus,throughput,mean_ms\n10,18.18,49.92\n")?;
        let named = relabel(&set, "run.json.gz", "run.json.gz · 10 VUs · 01:35");
        assert_eq!(named.levels[0].label, "run.json.gz · 10 VUs · 01:35 line 2");
        // A label of another file stays as it was.
        assert_eq!(
            relabel(&set, "other.json", "x").levels[0].label,
            set.levels[0].label
        );
        Ok(())
    }

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
        // The same table typed in the panel: the same answer, labelled as typed.
        let typed = read_typed(&format!("{header}{}\n", rows.join("\n")))?.ok_or("no levels")?;
        assert_eq!(typed.levels[0].label, "typed numbers line 2");
        let (from_typed, _) = compute(typed, &Question::default());
        assert_eq!(from_typed.answer, expected.answer);
        assert_eq!(read_typed("  \n"), Ok(None));
        assert!(read_typed("vus,p95_ms\n10,5\n").is_err_and(|e| e.contains("line 1")));
        let line = summary_line(LevelsFrom::Typed, Some(&from_typed), &from_typed.target);
        assert!(line.starts_with("Up to 134 VUs"), "{line}");
        assert_eq!(optional_number(" "), Ok(None));
        assert_eq!(optional_number("1.5"), Ok(Some(1.5)));
        assert!(optional_number("x").is_err());
        Ok(())
    }
}
