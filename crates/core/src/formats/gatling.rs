//! Gatling `simulation.log`, in its text (1.x to 3.12) and binary (3.13 and
//! later) formats.
//!
//! May depend on the decoder contract, the run model and [`super::shared`].

pub(crate) mod binary;
pub(crate) mod log;
