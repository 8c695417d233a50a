//! Artillery: `report.json` in its 2.x metrics shape ([`report`]) and its
//! 1.x legacy shape ([`v1`], detected through `report`), and the console
//! summary report ([`text`], read by the same rules as `report`).
//!
//! [`values`] is how Artillery writes its figures in both report shapes.
//! May depend on the decoder contract, the run model and [`super::shared`].

pub(crate) mod report;
pub(crate) mod text;
pub(crate) mod v1;
pub(crate) mod values;
