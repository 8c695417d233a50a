//! SLA rules and their verdicts.

pub(crate) mod eval;
pub(crate) mod file;
pub mod import;
pub(crate) mod js;
pub(crate) mod measure;
pub(crate) mod model;
pub(crate) mod population;
pub(crate) mod presets;
pub mod render;
pub(crate) mod text;
pub(crate) mod verdict;

pub use crate::stats::{quantile_ranks, Ranks};
pub use eval::{evaluate, evaluate_rule};
pub use file::{load_sla, save_json, save_toml, SlaFileError, SlaPosition};
pub use measure::pct;
pub use model::DEFAULT_CONFIDENCE;
pub use model::{EndpointFilter, Limit, NameMatch, Op, Rule, Sla, Span, Statistic, Target, Unit};
pub use population::OVERALL;
pub use presets::{preset, PRESETS};
pub use text::{parse_limit, parse_rule, parse_span, parse_statistic, split_k6_metric, ParseError};
pub use verdict::{Basis, Outcome, Verdict, WindowVerdict};
