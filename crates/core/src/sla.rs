//! SLA rules and their verdicts.

pub mod stats;
