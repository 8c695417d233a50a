//! End-of-run summaries that single-binary HTTP benchmarkers print: ab's,
//! hey's, oha's and wrk's console text, and the JSON that oha (`-j`) and
//! autocannon (`--json`) print instead. Console readers of tools that have a
//! folder of their own (k6, JMeter, Locust, Artillery) live in that folder.
//!
//! May depend on the decoder contract, the run model, [`super::shared`]
//! (the console line driver and exact decimals) and, for wrk2's latency
//! spectrum, [`super::hdrhistogram::hgrm`].

pub(crate) mod ab_text;
pub(crate) mod autocannon_json;
pub(crate) mod hey_text;
pub(crate) mod oha_json;
pub(crate) mod oha_text;
pub(crate) mod wrk;
