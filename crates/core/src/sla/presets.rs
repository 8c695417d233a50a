//! Ready-made SLAs.
//!
//! - `tiered-api`: the tiered API SLA common in readiness reports — p95 of
//!   list endpoints 200 ms, reads 150 ms, writes 250 ms, analytics 300 ms,
//!   search 250 ms, and an error rate under 0.1%. Endpoints are sorted into
//!   tiers by their names and methods (patterns below); health checks are
//!   left out of the list tier.
//! - `k6-defaults`: the thresholds k6's documentation starts from,
//!   `http_req_failed: rate<0.01` and `http_req_duration: p(95)<200`.

use super::model::{EndpointFilter, Limit, NameMatch, Op, Rule, Sla, Statistic, Target, Unit};

/// Names accepted by [`preset`].
pub const PRESETS: &[(&str, &str)] = &[
    ("tiered-api", "p95 per endpoint tier: list 200 ms, read 150 ms, write 250 ms, analytics 300 ms, search 250 ms; errors < 0.1%"),
    ("k6-defaults", "k6's documented starting point: error rate < 1%, p95 < 200 ms"),
];

const SEARCH: &str = r"(?i)search|query|find|lookup";
const ANALYTICS: &str = r"(?i)analytic|report|stats|dashboard|aggregat|insight";
/// A path parameter: `{id}`, `:id`, a number, or a long hex/uuid segment.
const PATH_PARAM: &str =
    r"\{[^}/]+\}|/:[A-Za-z_][A-Za-z0-9_]*|/[0-9]+(/|\?|$)|/[0-9a-fA-F-]{16,}(/|\?|$)";
const HEALTH: &str = r"(?i)health|ping|ready|live|status$|metrics$";
const WRITE_METHODS: &str = "POST|PUT|PATCH|DELETE";

fn p95(name: &str, filter: EndpointFilter, ms: f64) -> Rule {
    let mut r = Rule::new(
        Target::Endpoints {
            filter,
            merged: false,
        },
        Statistic::Percentile(95.0),
        Op::Lt,
        Limit {
            amount: ms,
            unit: Unit::Millis,
        },
    );
    r.name = Some(name.to_string());
    r.optional = true;
    r
}

fn tiered_api() -> Sla {
    let regex = |r: &str| NameMatch::Regex(r.to_string());
    let any_of = |parts: &[&str]| Some(parts.join("|"));
    let mut errors = Rule::new(
        Target::Overall,
        Statistic::ErrorRate,
        Op::Lt,
        Limit {
            amount: 0.1,
            unit: Unit::Percent,
        },
    );
    errors.name = Some("error rate".into());
    Sla {
        title: Some("Tiered API SLA".into()),
        rules: vec![
            p95(
                "list endpoints",
                EndpointFilter {
                    method: Some("GET".into()),
                    exclude: any_of(&[PATH_PARAM, SEARCH, ANALYTICS, HEALTH]),
                    ..EndpointFilter::default()
                },
                200.0,
            ),
            p95(
                "read endpoints",
                EndpointFilter {
                    name: regex(PATH_PARAM),
                    method: Some("GET".into()),
                    exclude: any_of(&[SEARCH, ANALYTICS]),
                    ..EndpointFilter::default()
                },
                150.0,
            ),
            p95(
                "write endpoints",
                EndpointFilter {
                    method: Some(WRITE_METHODS.into()),
                    exclude: any_of(&[SEARCH, ANALYTICS]),
                    ..EndpointFilter::default()
                },
                250.0,
            ),
            p95(
                "analytics endpoints",
                EndpointFilter {
                    name: regex(ANALYTICS),
                    ..EndpointFilter::default()
                },
                300.0,
            ),
            p95(
                "search endpoints",
                EndpointFilter {
                    name: regex(SEARCH),
                    ..EndpointFilter::default()
                },
                250.0,
            ),
            errors,
        ],
    }
}

fn k6_defaults() -> Sla {
    let mut errors = Rule::new(
        Target::Overall,
        Statistic::ErrorRate,
        Op::Lt,
        Limit {
            amount: 0.01,
            unit: Unit::Plain,
        },
    );
    errors.name = Some("http_req_failed: rate<0.01".into());
    let mut latency = Rule::new(
        Target::Overall,
        Statistic::Percentile(95.0),
        Op::Lt,
        Limit {
            amount: 200.0,
            unit: Unit::Millis,
        },
    );
    latency.name = Some("http_req_duration: p(95)<200".into());
    Sla {
        title: Some("k6 defaults".into()),
        rules: vec![errors, latency],
    }
}

/// A preset by name (`tiered-api`, `k6-defaults`).
pub fn preset(name: &str) -> Option<Sla> {
    match name {
        "tiered-api" | "tiered" => Some(tiered_api()),
        "k6-defaults" | "k6" => Some(k6_defaults()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sla::file::{load_sla, save_toml};

    #[test]
    fn presets_round_trip_through_toml() {
        for (name, _) in PRESETS {
            let sla = preset(name).expect("listed presets exist");
            assert_eq!(
                load_sla(name, &save_toml(&sla)).expect("own output loads"),
                sla
            );
        }
    }

    #[test]
    fn patterns_compile() {
        for r in [SEARCH, ANALYTICS, PATH_PARAM, HEALTH] {
            assert!(regex_lite::Regex::new(r).is_ok(), "{r}");
        }
    }
}
