//! Capacity: "how many VUs keep p95 under 200 ms?"
//!
//! Load levels come from several runs (one per level), from one staged run cut
//! into plateaus, or from a table of numbers. Throughput against load is fitted
//! with the Universal Scalability Law; the answer comes from monotone
//! interpolation of the percentile between measured levels, and beyond them
//! only from a server-side USL + Little's-law model, labelled extrapolated.
//! The method is statistics.md §1 and §3 of the design notes.

pub mod from_run;
pub mod level;
pub mod linalg;
pub mod pchip;
pub mod plateau;
pub mod quantile_interval;
pub mod scalability;
pub mod stats;
pub mod table;
pub mod target;
pub mod usl;
pub mod usl_fit;

pub use quantile_interval::Percentile;
pub use scalability::{fit_usl, PeakStatus, UslReport};
pub use usl::UslParams;
