//! SLA rules and their verdicts.

pub mod eval;
pub mod file;
pub mod import;
pub mod js;
pub mod measure;
pub mod model;
pub mod population;
pub mod presets;
pub mod render;
pub mod text;
pub mod verdict;

pub use eval::{evaluate, evaluate_rule};
pub use file::{load_sla, save_json, save_toml, SlaFileError, SlaPosition};
pub use model::{EndpointFilter, Limit, NameMatch, Op, Rule, Sla, Span, Statistic, Target, Unit};
pub use presets::{preset, PRESETS};
pub use text::{parse_rule, ParseError};
pub use verdict::{Basis, Outcome, Verdict, WindowVerdict};
