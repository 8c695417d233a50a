//! Tables of one row per request that belong to no tool family: any CSV read
//! through a column mapping the user gives ([`csv`]), ab's `-g` gnuplot TSV
//! and hey's `-o csv`.
//!
//! May depend on the decoder contract, the run model, the reading options
//! (the column mapping) and [`super::shared`].

pub(crate) mod ab_tsv;
pub(crate) mod csv;
pub(crate) mod hey_csv;
