//! SLA rules and their verdicts.

pub mod file;
pub mod model;
pub mod stats;
pub mod text;

pub use file::{load_sla, save_json, save_toml, SlaFileError};
pub use model::{EndpointFilter, Limit, NameMatch, Op, Rule, Sla, Span, Statistic, Target, Unit};
pub use text::{parse_rule, ParseError};
