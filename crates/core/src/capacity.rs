//! Capacity: "how many VUs keep p95 under 200 ms?"
//!
//! Load levels come from several runs (one per level), from one staged run cut
//! into plateaus, or from a table of numbers. Throughput against load is fitted
//! with the Universal Scalability Law; the answer comes from monotone
//! interpolation of the percentile between measured levels, and beyond them
//! only from a server-side USL + Little's-law model, labelled extrapolated.
//! The method is statistics.md §1 and §3 of the design notes.
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
//! # Ok::<(), String>(())
//! ```

pub mod answer;
pub mod band;
pub mod from_run;
pub mod level;
pub mod linalg;
pub mod model;
pub mod pchip;
pub mod plateau;
pub mod quantile_interval;
pub mod report;
pub mod scalability;
pub mod table;
pub mod target;
pub mod usl;
pub mod usl_fit;
pub mod what_if;

pub use answer::{Answer, Reason};
pub use from_run::levels_from_runs;
pub use level::{ExcludedSpan, ExclusionReason, Level, LevelOrigin, LevelSet};
pub use model::ServerModel;
pub use plateau::PlateauOptions;
pub use quantile_interval::Percentile;
pub use report::{analyse, curve, CapacityOptions, CapacityReport, CurvePoint};
pub use scalability::{fit_usl, PeakStatus, UslReport};
pub use table::levels_from_table;
pub use target::{parse_target, Target};
pub use usl::UslParams;
pub use what_if::{Scenario, WhatIf};
