//! Locust: the four `--csv` files (stats, stats history, failures,
//! exceptions), `--json` output, Taurus' per-worker reports and the console
//! statistics.
//!
//! [`csv`] is what the `--csv` readers share (header, column spellings,
//! rows); `workers` reads its stats entries through [`json`]. May depend on
//! the decoder contract, the run model and [`super::shared`].

pub mod csv;
pub mod failures;
pub mod history;
pub mod json;
pub mod stats;
pub mod text;
pub mod workers;
