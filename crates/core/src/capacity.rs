//! Capacity: "how many VUs keep p95 under 200 ms?"
//!
//! Load levels come from several runs (one per level), from one staged run cut
//! into plateaus, or from a table of numbers. Throughput against load is fitted
//! with the Universal Scalability Law; the answer comes from monotone
//! interpolation of the percentile between measured levels, and beyond them
//! only from a server-side USL + Little's-law model, labelled extrapolated.
//! The method is statistics.md §1 and §3 of the design notes.
//!
//! The band carries more than each run's own sampling error (§3.6, module
//! [`band`]): the scatter between runs (τ, from repeats at one load, from
//! dips between neighbouring levels and from residuals around a smooth fit
//! when they exceed what the levels' intervals explain) widens every level's
//! bounds, and without a
//! server model whose pXX follows every level the crossing can lie anywhere
//! between the last level known to pass and the first known to fail, so that
//! bracket is the band. `band_source` says which of `gap`, `scatter` or
//! `sampling` set it, and `narrow_at` names the loads whose runs would
//! narrow it. Only a model that fits is drawn. Runs at one load are pooled
//! into one level with each run listed (module [`repeats`]).
//!
//! Open-model runs (an arrival rate, not VUs) go on a req/s axis
//! ([`LoadUnit`]; the report's `load`): an Artillery report's 10 s periods
//! with Artillery's own percentiles (module [`periods`]), and k6
//! arrival-rate runs cut where their offered rate holds (iterations started
//! plus dropped, [`PlateauOptions::load`]). There is no USL or server model
//! on that axis, so the band is the bracket, widened by scatter.
//!
//! ```
//! use verdict_core::capacity::{analyse, levels_from_table, parse_target, CapacityOptions, Scenario};
//!
//! let table = "vus,throughput,mean_ms,p95_ms\n10,18.18,49.92,110.62\n25,45.28,51.95,116.16\n\
//!              50,89.85,56.22,125.40\n100,175.57,68.67,155.09\n200,288.63,192.33,428.24\n";
//! let levels = levels_from_table("levels.csv", table).map_err(|e| e.to_string())?;
//! let options = CapacityOptions { target: parse_target("p95<200ms")?, scenario: Scenario::default() };
//! let report = analyse(levels, &options);
//! assert_eq!(report.answer.value, Some(134));
//! // The model follows every level here, so it narrows the 100–200 gap.
//! let (low, high) = (report.answer.low.unwrap_or(0), report.answer.high.unwrap_or(0));
//! assert!(100 <= low && low <= 134 && 134 <= high && high < 200);
//!
//! // Two typed numbers and no model: the band is the whole gap between them.
//! let typed = "vus,throughput,p95_ms\n200,1083,69.23\n500,1083,362.14\n";
//! let levels = levels_from_table("report.csv", typed).map_err(|e| e.to_string())?;
//! let a = analyse(levels, &options).answer;
//! assert_eq!((a.low, a.high), (Some(200), Some(499)));
//! assert_eq!(a.band_source.as_deref(), Some("gap"));
//! assert!(a.message.contains("between 200 and 499 on this evidence"));
//! # Ok::<(), String>(())
//! ```

pub(crate) mod answer;
pub(crate) mod band;
pub(crate) mod from_run;
pub(crate) mod level;
pub(crate) mod linalg;
pub(crate) mod model;
pub(crate) mod pchip;
pub(crate) mod periods;
pub(crate) mod plateau;
pub(crate) mod quantile_interval;
pub(crate) mod repeats;
pub(crate) mod report;
pub(crate) mod scalability;
pub(crate) mod table;
pub(crate) mod target;
pub(crate) mod usl;
pub(crate) mod usl_fit;
pub(crate) mod what_if;

pub use answer::{Answer, Reason};
pub use band::bracket;
pub use from_run::levels_from_runs;
pub use level::{ExcludedSpan, ExclusionReason, Level, LevelOrigin, LevelSet, LoadUnit, Repeat};
pub use model::ServerModel;
pub use pchip::Pchip;
pub use plateau::PlateauOptions;
pub use quantile_interval::Percentile;
pub use report::{analyse, curve, CapacityOptions, CapacityReport, CurvePoint};
pub use scalability::{fit_usl, PeakStatus, UslReport};
pub use table::levels_from_table;
pub use target::{parse_duration_ms, parse_target, quantile_key, Target};
pub use usl::UslParams;
pub use usl_fit::{fit as usl_least_squares, Optimum};
pub use what_if::{Outcome, Scenario, WhatIf};
