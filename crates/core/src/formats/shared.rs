//! What the format readers share, and nothing that names one format: the
//! row pipeline ([`rows`]), record and value readers for CSV, XML, Go gob and
//! streamed JSON, whole-document buffering, exact decimals, the console
//! line driver, and timelines a tool reported itself.
//!
//! May depend on the decoder contract, the run model and the layers below
//! them; never on a format family (those depend on this module).

pub(crate) mod console;
pub(crate) mod csv;
pub(crate) mod decimal;
pub(crate) mod delimited;
pub(crate) mod document;
pub(crate) mod gob;
pub(crate) mod json_pieces;
pub(crate) mod rows;
pub(crate) mod tool_timeline;
pub(crate) mod xml;
