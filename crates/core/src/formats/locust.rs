//! Locust: the four `--csv` files (stats, stats history, failures,
//! exceptions), `--json` output, Taurus' per-worker reports and the console
//! statistics.
//!
//! [`csv`] is what the `--csv` readers share (header, column spellings,
//! rows); `workers` reads its stats entries through [`json`]. May depend on
//! the decoder contract, the run model and [`super::shared`].

pub(crate) mod csv;
pub(crate) mod failures;
pub(crate) mod history;
pub(crate) mod json;
pub(crate) mod stats;
pub(crate) mod text;
pub(crate) mod workers;
