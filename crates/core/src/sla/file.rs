//! SLA files: TOML (JSON accepted too), loaded and saved so that
//! `load(save(sla)) == sla`.
//!
//! ```toml
//! title = "Checkout API readiness"
//!
//! [[rules]]
//! name = "search stays fast"
//! endpoint = "GET /api/search"       # or endpoints = "GET /api/*" (glob), endpoints_regex = "…"
//! statistic = "p95"                  # p99.9, mean, max, error_rate, rps, requests, apdex(500ms), checks
//! op = "<"
//! limit = "250ms"                    # 0.1%, 500/s; bare numbers as in k6 (ms, fractions)
//! window = "1m"                      # optional: every 1-minute window must comply
//! warmup = "30s"                     # optional: left out at the start
//! confidence = "95%"                 # optional (default 95%)
//!
//! [[rules]]
//! rule = "error_rate < 0.1%"         # or the whole rule as one line of rule text
//! ```
//!
//! `optional = true`: no verdict (rather than INCONCLUSIVE) when no endpoint matches.
//!
//! Other selector keys: `method`, `group`, `scenario`, `tags = { status = "500" }`,
//! `exclude` (a regex on names to leave out), `merged = true` (all matching
//! requests as one population, as a k6 sub-metric), and `metric` (a k6
//! metric name, to read `statistic` as a k6 aggregation such as `rate`).

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use super::model::{
    EndpointFilter, K6Source, NameMatch, Rule, Sla, Statistic, Target, DEFAULT_CONFIDENCE,
};
use super::text::{
    filter_from_tags, parse_confidence, parse_limit, parse_op, parse_rule, parse_span,
    parse_statistic, ParseError,
};

/// An SLA file that could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{source_name}: {position}: {message}")]
pub struct SlaFileError {
    /// The file name.
    pub source_name: String,
    /// Where, as a line and column, a rule's field, or a part of the file.
    pub at: SlaPosition,
    /// `at` as messages print it: `line 3, column 5`, `rule 2 ("b"), limit`.
    pub position: String,
    /// What is wrong there.
    pub message: String,
}

impl SlaFileError {
    /// The error at `at` (whose printed form it keeps in `position`).
    pub fn new(source_name: impl Into<String>, at: SlaPosition, message: String) -> SlaFileError {
        SlaFileError {
            source_name: source_name.into(),
            position: at.to_string(),
            at,
            message,
        }
    }
}

/// Where in an SLA (or threshold) file a problem is.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SlaPosition {
    /// A 1-based line and column of the text (`line 3, column 5`).
    Text {
        /// The 1-based line.
        line: u32,
        /// The 1-based column.
        column: u32,
    },
    /// A field of the 1-based `rule`-th rule, with the rule's name if it has
    /// one (`rule 2 ("b"), limit`).
    Rule {
        /// The 1-based rule number.
        rule: u32,
        /// The rule's name, when it has one.
        name: Option<String>,
        /// The rule's field.
        field: &'static str,
    },
    /// A part of the file with no line (`confidence`, `script`, `YAML`).
    Part {
        /// The part's name.
        part: &'static str,
    },
}

impl SlaPosition {
    /// A line and column, from numbers of any width (saturating).
    pub fn text(line: usize, column: usize) -> SlaPosition {
        let n = |v: usize| u32::try_from(v).unwrap_or(u32::MAX);
        SlaPosition::Text {
            line: n(line),
            column: n(column),
        }
    }
}

impl fmt::Display for SlaPosition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SlaPosition::Text { line, column } => write!(f, "line {line}, column {column}"),
            SlaPosition::Rule {
                rule,
                name: Some(name),
                field,
            } => write!(f, "rule {rule} (\"{name}\"), {field}"),
            SlaPosition::Rule {
                rule,
                name: None,
                field,
            } => write!(f, "rule {rule}, {field}"),
            SlaPosition::Part { part } => f.write_str(part),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
enum NumberOrText {
    Number(f64),
    Text(String),
}

impl NumberOrText {
    fn text(&self) -> String {
        match self {
            NumberOrText::Number(n) => super::model::number(*n),
            NumberOrText::Text(t) => t.clone(),
        }
    }
}

#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct SlaDoc {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    title: Option<String>,
    /// Default confidence for rules that give none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    confidence: Option<NumberOrText>,
    #[serde(default, alias = "rule")]
    rules: Vec<RuleDoc>,
}

#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleDoc {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    rule: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    endpoint: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    endpoints: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    endpoints_regex: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    exclude: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    method: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    group: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    scenario: Option<String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    tags: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    merged: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    metric: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    expect: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    statistic: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    op: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    limit: Option<NumberOrText>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    window: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    warmup: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    confidence: Option<NumberOrText>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    k6: Option<K6Doc>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    optional: bool,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct K6Doc {
    metric: String,
    threshold: String,
}

/// Reads an SLA file; JSON when it starts with `{`, TOML otherwise.
pub fn load_sla(source_name: &str, text: &str) -> Result<Sla, SlaFileError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let err = |at: SlaPosition, message: String| SlaFileError::new(source_name, at, message);
    let doc: SlaDoc = if text.trim_start().starts_with('{') {
        serde_json::from_str(text)
            .map_err(|e| err(SlaPosition::text(e.line(), e.column()), e.to_string()))?
    } else {
        toml::from_str(text).map_err(|e| {
            let position = e.span().map_or(SlaPosition::Part { part: "TOML" }, |s| {
                line_col(text, s.start)
            });
            err(position, e.message().to_string())
        })?
    };
    let default_confidence = match &doc.confidence {
        None => DEFAULT_CONFIDENCE,
        Some(c) => parse_confidence(&c.text())
            .map_err(|e| err(SlaPosition::Part { part: "confidence" }, e.message))?,
    };
    let mut rules = Vec::with_capacity(doc.rules.len());
    for (i, r) in doc.rules.into_iter().enumerate() {
        let at = |field: &'static str| SlaPosition::Rule {
            rule: u32::try_from(i + 1).unwrap_or(u32::MAX),
            name: r.name.clone(),
            field,
        };
        rules.push(rule_from_doc(&r, default_confidence).map_err(|(field, e)| err(at(field), e))?);
    }
    Ok(Sla {
        title: doc.title,
        rules,
    })
}

fn line_col(text: &str, offset: usize) -> SlaPosition {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    SlaPosition::text(line, column)
}

type FieldError = (&'static str, String);

fn at(field: &'static str) -> impl Fn(ParseError) -> FieldError {
    move |e| (field, format!("{e}"))
}

fn rule_from_doc(r: &RuleDoc, default_confidence: f64) -> Result<Rule, FieldError> {
    let selector_given = r.endpoint.is_some()
        || r.endpoints.is_some()
        || r.endpoints_regex.is_some()
        || r.exclude.is_some()
        || r.method.is_some()
        || r.group.is_some()
        || r.scenario.is_some()
        || !r.tags.is_empty()
        || r.merged;
    let condition_given = r.expect.is_some()
        || r.statistic.is_some()
        || r.op.is_some()
        || r.limit.is_some()
        || r.metric.is_some();
    let mut rule = if let Some(text) = &r.rule {
        if selector_given || condition_given || r.window.is_some() || r.warmup.is_some() {
            return Err((
                "rule",
                "give either `rule` text or the separate keys, not both".into(),
            ));
        }
        let mut rule = parse_rule(text).map_err(at("rule"))?;
        if r.confidence.is_none() && !text.contains("confidence") {
            rule.confidence = default_confidence;
        }
        rule
    } else {
        let metric = r.metric.as_deref();
        let (statistic, op, limit) = if let Some(expect) = &r.expect {
            if r.statistic.is_some() || r.op.is_some() || r.limit.is_some() {
                return Err((
                    "expect",
                    "give either `expect` or `statistic`, `op` and `limit`".into(),
                ));
            }
            super::text::parse_condition(metric, expect).map_err(at("expect"))?
        } else {
            let statistic = r
                .statistic
                .as_deref()
                .ok_or(("statistic", "missing (e.g. \"p95\")".to_string()))?;
            let statistic = parse_statistic(metric, statistic).map_err(at("statistic"))?;
            let op = parse_op(
                r.op.as_deref()
                    .ok_or(("op", "missing (e.g. \"<\")".to_string()))?,
            )
            .map_err(at("op"))?;
            let limit = r
                .limit
                .as_ref()
                .ok_or(("limit", "missing (e.g. \"200ms\")".to_string()))?;
            let limit = parse_limit(&statistic, &limit.text()).map_err(at("limit"))?;
            (statistic, op, limit)
        };
        let target = target_from_doc(r)?;
        let mut rule = Rule::new(target, statistic, op, limit);
        rule.window = r
            .window
            .as_deref()
            .map(parse_span)
            .transpose()
            .map_err(at("window"))?;
        rule.warmup = r
            .warmup
            .as_deref()
            .map(parse_span)
            .transpose()
            .map_err(at("warmup"))?;
        rule.confidence = default_confidence;
        rule
    };
    if let Some(c) = &r.confidence {
        rule.confidence = parse_confidence(&c.text()).map_err(at("confidence"))?;
    }
    rule.name = r.name.clone();
    rule.optional |= r.optional;
    rule.k6 = r.k6.as_ref().map(|k| K6Source {
        metric: k.metric.clone(),
        expression: k.threshold.clone(),
    });
    Ok(rule)
}

fn target_from_doc(r: &RuleDoc) -> Result<Target, FieldError> {
    let names = [
        r.endpoint.is_some(),
        r.endpoints.is_some(),
        r.endpoints_regex.is_some(),
    ];
    if names.iter().filter(|b| **b).count() > 1 {
        return Err((
            "endpoint",
            "give only one of `endpoint`, `endpoints`, `endpoints_regex`".into(),
        ));
    }
    let tags: Vec<(String, String)> = r.tags.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
    let mut filter = filter_from_tags(&tags);
    if filter.name != NameMatch::Any {
        return Err(("tags", "give the name with `endpoint`, not as a tag".into()));
    }
    let check_regex = |field: &'static str, re: &str| {
        regex_lite::Regex::new(re)
            .map(|_| ())
            .map_err(|e| (field, format!("bad regex: {e}")))
    };
    filter.name = if let Some(n) = &r.endpoint {
        NameMatch::Exact(n.clone())
    } else if let Some(g) = &r.endpoints {
        if g == "*" {
            NameMatch::Any
        } else {
            NameMatch::Glob(g.clone())
        }
    } else if let Some(re) = &r.endpoints_regex {
        check_regex("endpoints_regex", re)?;
        NameMatch::Regex(re.clone())
    } else {
        NameMatch::Any
    };
    if let Some(x) = &r.exclude {
        check_regex("exclude", x)?;
        filter.exclude = Some(x.clone());
    }
    filter.method = r.method.clone().or(filter.method);
    filter.group = r.group.clone().or(filter.group);
    filter.scenario = r.scenario.clone().or(filter.scenario);
    if filter == EndpointFilter::default() && !r.merged && r.endpoints.is_none() {
        return Ok(Target::Overall);
    }
    Ok(Target::Endpoints {
        filter,
        merged: r.merged,
    })
}

fn rule_to_doc(rule: &Rule) -> RuleDoc {
    let mut d = RuleDoc {
        name: rule.name.clone(),
        ..RuleDoc::default()
    };
    if let Target::Endpoints { filter, merged } = &rule.target {
        match &filter.name {
            NameMatch::Any => d.endpoints = Some("*".into()),
            NameMatch::Exact(n) => d.endpoint = Some(n.clone()),
            NameMatch::Glob(g) => d.endpoints = Some(g.clone()),
            NameMatch::Regex(re) => d.endpoints_regex = Some(re.clone()),
        }
        d.exclude = filter.exclude.clone();
        d.method = filter.method.clone();
        d.group = filter.group.clone();
        d.scenario = filter.scenario.clone();
        d.tags = filter.other_tags.iter().cloned().collect();
        d.merged = *merged;
    }
    match &rule.statistic {
        Statistic::Unsupported {
            metric,
            aggregation,
        } => {
            d.metric = Some(metric.clone());
            d.statistic = Some(aggregation.clone());
        }
        s => d.statistic = Some(s.to_string()),
    }
    d.op = Some(rule.op.as_str().to_string());
    d.limit = Some(NumberOrText::Text(rule.limit.to_string()));
    d.window = rule.window.map(|w| w.to_string());
    d.warmup = rule.warmup.map(|w| w.to_string());
    if rule.confidence != DEFAULT_CONFIDENCE {
        d.confidence = Some(NumberOrText::Text(format!(
            "{}%",
            super::model::number((rule.confidence * 1e6).round() / 1e4)
        )));
    }
    d.optional = rule.optional;
    d.k6 = rule.k6.as_ref().map(|k| K6Doc {
        metric: k.metric.clone(),
        threshold: k.expression.clone(),
    });
    d
}

fn sla_to_doc(sla: &Sla) -> SlaDoc {
    SlaDoc {
        title: sla.title.clone(),
        confidence: None,
        rules: sla.rules.iter().map(rule_to_doc).collect(),
    }
}

/// Writes an SLA as TOML.
pub fn save_toml(sla: &Sla) -> String {
    // Serialising plain strings and numbers into TOML cannot fail.
    toml::to_string_pretty(&sla_to_doc(sla)).unwrap_or_default()
}

/// Writes an SLA as JSON.
pub fn save_json(sla: &Sla) -> String {
    serde_json::to_string_pretty(&sla_to_doc(sla)).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sla::model::{Limit, Op, Span, Unit};

    const EXAMPLE: &str = r#"
title = "Checkout API"
confidence = "95%"

[[rules]]
name = "search"
endpoint = "GET /api/search"
statistic = "p95"
op = "<"
limit = "250ms"
window = "1m"
warmup = "30s"

[[rules]]
endpoints = "GET /api/items*"
method = "GET"
exclude = "health"
expect = "p(99) <= 1.5s"
confidence = 0.99

[[rules]]
rule = "error_rate < 0.1%"

[[rules]]
tags = { status = "500" }
merged = true
metric = "http_reqs"
statistic = "count"
op = "<"
limit = 3

[[rules]]
metric = "iteration_duration"
statistic = "p(95)"
op = "<"
limit = 500
k6 = { metric = "iteration_duration", threshold = "p(95)<500" }
"#;

    #[test]
    fn toml_and_json_round_trip() {
        let sla = load_sla("sla.toml", EXAMPLE).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(sla.rules.len(), 5);
        assert_eq!(sla.title.as_deref(), Some("Checkout API"));
        let r = &sla.rules[0];
        assert_eq!(r.statistic, Statistic::Percentile(95.0));
        assert_eq!(
            r.limit,
            Limit {
                amount: 250.0,
                unit: Unit::Millis
            }
        );
        assert_eq!(
            (r.window, r.warmup),
            (Some(Span(60_000_000)), Some(Span(30_000_000)))
        );
        assert_eq!(sla.rules[1].op, Op::Le);
        assert!((sla.rules[1].confidence - 0.99).abs() < 1e-12);
        assert_eq!(sla.rules[2].limit.value(), 0.001);
        assert_eq!(sla.rules[3].statistic, Statistic::Requests);
        let toml_text = save_toml(&sla);
        assert_eq!(
            load_sla("again.toml", &toml_text).unwrap_or_else(|e| panic!("{e}\n{toml_text}")),
            sla
        );
        let json_text = save_json(&sla);
        assert_eq!(
            load_sla("again.json", &json_text).unwrap_or_else(|e| panic!("{e}\n{json_text}")),
            sla
        );
        // And saving again is stable.
        assert_eq!(
            save_toml(&load_sla("x", &toml_text).unwrap_or_default()),
            toml_text
        );
    }

    #[test]
    fn errors_name_the_rule_and_field() {
        let e = load_sla(
            "s.toml",
            "[[rules]]\nstatistic = \"p95\"\nop = \"<\"\nlimit = \"5kg\"\n",
        )
        .expect_err("must be refused");
        assert_eq!(e.position, "rule 1, limit");
        assert!(e.message.contains("unknown unit"), "{e}");
        let e = load_sla("s.toml", "[[rules]]\nstatistc = \"p95\"\n").expect_err("must be refused");
        assert!(e.position.starts_with("line 2"), "{e}");
        let e = load_sla("s.json", "{\"rules\": [{\"rule\": \"p95 <\"}]}")
            .expect_err("must be refused");
        assert_eq!(e.position, "rule 1, rule");
        let e = load_sla(
            "s.toml",
            "[[rules]]\nname = \"x\"\nrule = \"p95<1\"\nlimit = 3\n",
        )
        .expect_err("must be refused");
        assert!(e.position.contains("\"x\""), "{e}");
    }
}
