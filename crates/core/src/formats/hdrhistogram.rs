//! HdrHistogram's files: interval logs (`.hlog`, with [`payload`] decoding
//! their base64 histograms) and percentile distributions (`.hgrm`, which
//! wrk2's console reader also uses for its spectrum).
//!
//! May depend on the decoder contract, the run model and [`super::shared`].

pub(crate) mod hgrm;
pub(crate) mod hlog;
pub(crate) mod payload;
