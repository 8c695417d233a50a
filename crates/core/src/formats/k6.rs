//! k6: its raw metric streams (`--out json`, `--out csv`), its JSON
//! end-of-test summaries (`--summary-export`, `handleSummary`) and the summary
//! it prints on the console.
//!
//! May depend on the decoder contract, the run model and [`super::shared`];
//! `csv` reuses `ndjson`'s metric names. Nothing outside this folder but the
//! registry names these modules.

pub(crate) mod csv;
pub(crate) mod ndjson;
pub(crate) mod summary;
pub(crate) mod text;
