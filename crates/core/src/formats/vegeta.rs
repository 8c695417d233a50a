//! Vegeta's results, in each encoding it writes: gob (the default output of
//! `vegeta attack`), and `vegeta encode --to json` / `--to csv`.
//!
//! [`result`] is what the three share: one `vegeta.Result` and how it
//! becomes a request. May depend on the decoder contract, the run model and
//! [`super::shared`] (the gob stream reader lives there).

pub(crate) mod csv;
pub(crate) mod gob;
pub(crate) mod json;
pub(crate) mod result;
