//! What the format readers share, and nothing that names one format: the
//! row pipeline ([`rows`]), record and value readers for CSV, XML, Go gob and
//! streamed JSON, whole-document buffering, exact decimals, the console
//! line driver, and timelines a tool reported itself.
//!
//! May depend on the decoder contract, the run model and the layers below
//! them; never on a format family (those depend on this module).

pub mod console;
pub mod csv;
pub mod decimal;
pub mod delimited;
pub mod document;
pub mod gob;
pub mod json_pieces;
pub mod rows;
pub mod tool_timeline;
pub mod xml;
