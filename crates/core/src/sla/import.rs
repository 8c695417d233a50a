//! Rules from other tools' pass/fail criteria: k6 thresholds (script,
//! JSON config, or the thresholds recorded in its outputs), Artillery
//! `ensure`, Taurus `passfail`.
//!
//! Grammars: `shared/design/peers-and-formats.md` §d. Each import keeps what
//! maps onto Verdict's data and says, in `warnings`, what it left out or
//! approximated; nothing is dropped silently.

use serde_json::Value;

use super::file::{load_sla, SlaFileError, SlaPosition};
use super::js::{find_identifier, strip_comments, JsValue, Reader};
use super::model::{
    EndpointFilter, K6Source, Limit, NameMatch, Op, Rule, Sla, Span, Statistic, Target, Unit,
};
use super::text::{filter_from_tags, parse_condition, parse_span, split_k6_metric};
use crate::summary::ToolThreshold;

/// Rules read from another tool's configuration.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Imported {
    /// The rules read.
    pub sla: Sla,
    /// What was left out or approximated, for the user.
    pub warnings: Vec<String>,
}

/// One k6 threshold (`metric` may carry a `{tag:value}` selector).
pub fn k6_rule(metric: &str, expression: &str) -> Result<Rule, String> {
    let (name, tags) = split_k6_metric(metric)?;
    let (statistic, op, limit) = parse_condition(Some(&name), expression)
        .map_err(|e| format!("`{metric}`: `{expression}`: {e}"))?;
    let target = if tags.is_empty() {
        Target::Overall
    } else {
        Target::Endpoints {
            filter: filter_from_tags(&tags),
            merged: true,
        }
    };
    let mut rule = Rule::new(target, statistic, op, limit);
    rule.k6 = Some(K6Source {
        metric: metric.to_string(),
        expression: expression.to_string(),
    });
    Ok(rule)
}

/// Rules from (metric, expression) pairs, skipping bad ones with a warning.
pub fn from_k6_pairs(pairs: impl IntoIterator<Item = (String, String)>, title: &str) -> Imported {
    let mut out = titled(title.to_string());
    for (metric, expression) in pairs {
        match k6_rule(&metric, &expression) {
            Ok(r) => {
                if let Statistic::Unsupported { metric: m, .. } = &r.statistic {
                    out.warnings.push(format!(
                        "k6 threshold `{metric}: {expression}`: Verdict does not aggregate `{m}`; the rule is kept and will be inconclusive"
                    ));
                }
                if !out.sla.rules.iter().any(|x| x.k6 == r.k6) {
                    out.sla.rules.push(r);
                }
            }
            Err(e) => out.warnings.push(format!("k6 threshold skipped: {e}")),
        }
    }
    out
}

/// The thresholds a k6 output recorded (summary-export, handleSummary, NDJSON
/// Metric lines), as collected in [`crate::Run::thresholds`].
pub fn from_run_thresholds(thresholds: &[ToolThreshold]) -> Imported {
    from_k6_pairs(
        thresholds
            .iter()
            .map(|t| (t.metric.clone(), t.expression.clone())),
        "k6 thresholds recorded in the run",
    )
}

/// Entries of a k6 `thresholds` object value.
fn threshold_entries(
    metric: &str,
    value: &JsValue,
    out: &mut Vec<(String, String)>,
    warnings: &mut Vec<String>,
) {
    let mut one = |v: &JsValue| match v {
        JsValue::Str(s) => out.push((metric.to_string(), s.clone())),
        JsValue::Object(fields) => {
            match fields.iter().find(|(k, _)| k.as_deref() == Ok("threshold")).map(|(_, v)| v) {
                Some(JsValue::Str(s)) => out.push((metric.to_string(), s.clone())),
                _ => warnings.push(format!("k6 threshold on `{metric}`: an entry without a literal `threshold` string was skipped")),
            }
        }
        JsValue::Other(src) => warnings.push(format!(
            "k6 threshold on `{metric}`: `{src}` is computed by the script and was skipped"
        )),
        JsValue::Array(_) => {
            warnings.push(format!("k6 threshold on `{metric}`: nested array skipped"))
        }
    };
    match value {
        JsValue::Array(items) => items.iter().for_each(&mut one),
        other => one(other),
    }
}

fn object_entries(obj: &JsValue, out: &mut Vec<(String, String)>, warnings: &mut Vec<String>) {
    let JsValue::Object(entries) = obj else {
        return;
    };
    for (key, value) in entries {
        match key {
            Ok(k) => threshold_entries(k, value, out, warnings),
            Err(src) => warnings.push(format!(
                "k6 threshold key {src} is computed by the script (it depends on variables): skipped; write the metric name out to import it"
            )),
        }
    }
}

/// `options.thresholds` of a k6 script (JavaScript), read without running it.
pub fn from_k6_script(source_name: &str, script: &str) -> Result<Imported, SlaFileError> {
    let err = |message: String| {
        SlaFileError::new(source_name, SlaPosition::Part { part: "script" }, message)
    };
    let src = strip_comments(script);
    let mut pairs = Vec::new();
    let mut warnings = Vec::new();
    let mut found = false;
    for at in find_identifier(&src, "thresholds") {
        let mut r = Reader::new(&src, at + "thresholds".len());
        let rest = src[r.i..].trim_start();
        if !rest.starts_with(':') {
            continue;
        }
        r.i = src.len() - rest.len() + 1;
        let line = r.line();
        // A value that does not read is placed where reading stopped.
        let value = r.value().map_err(|e| {
            SlaFileError::new(source_name, SlaPosition::text(r.line(), r.column()), e)
        })?;
        found = true;
        match &value {
            JsValue::Object(_) => object_entries(&value, &mut pairs, &mut warnings),
            JsValue::Other(name) if name.chars().all(|c| c.is_alphanumeric() || c == '_' || c == '$') => {
                variable_thresholds(&src, name, &mut pairs, &mut warnings).map_err(err)?;
            }
            JsValue::Other(src) => warnings.push(format!(
                "line {line}: `thresholds: {src}` is computed by the script; only literal objects can be imported"
            )),
            _ => warnings.push(format!("line {line}: `thresholds` is not an object")),
        }
    }
    if !found {
        return Err(err("no `thresholds:` in the script's options".into()));
    }
    let mut imported = from_k6_pairs(pairs, &format!("k6 thresholds from {source_name}"));
    warnings.append(&mut imported.warnings);
    imported.warnings = warnings;
    Ok(imported)
}

/// `const name = {…}` and later `name['key'] = [...]` / `name.key = [...]`.
fn variable_thresholds(
    src: &str,
    name: &str,
    pairs: &mut Vec<(String, String)>,
    warnings: &mut Vec<String>,
) -> Result<(), String> {
    let mut declared = false;
    for at in find_identifier(src, name) {
        let after = &src[at + name.len()..];
        let before = src[..at].trim_end();
        let trimmed = after.trim_start();
        let offset = at + name.len() + (after.len() - trimmed.len());
        if (before.ends_with("const") || before.ends_with("let") || before.ends_with("var"))
            && trimmed.starts_with('=')
        {
            let mut r = Reader::new(src, offset + 1);
            let line = r.line();
            let v = r.value().map_err(|e| format!("line {line}: {e}"))?;
            if matches!(v, JsValue::Object(_)) {
                object_entries(&v, pairs, warnings);
                declared = true;
            }
        } else if let Some(idx) = trimmed.strip_prefix('[') {
            // name['key'] = [...]
            let mut r = Reader::new(src, src.len() - idx.len());
            let line = r.line();
            let key = r.value().map_err(|e| format!("line {line}: {e}"))?;
            let rest = src[r.i..].trim_start();
            let Some(rest) = rest.strip_prefix(']') else {
                continue;
            };
            let rest2 = rest.trim_start();
            if !rest2.starts_with('=') || rest2.starts_with("==") {
                continue;
            }
            let mut rv = Reader::new(src, src.len() - rest2.len() + 1);
            let value = rv.value().map_err(|e| format!("line {line}: {e}"))?;
            match key {
                JsValue::Str(k) => threshold_entries(&k, &value, pairs, warnings),
                JsValue::Other(k) => warnings.push(format!(
                    "line {line}: threshold key {k} is computed by the script (it depends on variables): skipped; write the metric name out to import it"
                )),
                _ => {}
            }
        } else if let Some(prop) = trimmed.strip_prefix('.') {
            let key: String = prop
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            let rest = prop[key.len()..].trim_start();
            if key.is_empty() || !rest.starts_with('=') || rest.starts_with("==") {
                continue;
            }
            let mut rv = Reader::new(src, src.len() - rest.len() + 1);
            let value = rv.value()?;
            threshold_entries(&key, &value, pairs, warnings);
        }
    }
    if !declared {
        warnings.push(format!(
            "`thresholds: {name}`: no `const {name} = {{…}}` literal found in this file"
        ));
    }
    Ok(())
}

/// A k6 JSON config (`k6 run --config`): `{"thresholds": {…}}`, also under `options`.
pub fn from_k6_json(source_name: &str, doc: &Value) -> Result<Imported, SlaFileError> {
    let th = doc
        .get("thresholds")
        .or_else(|| doc.pointer("/options/thresholds"))
        .and_then(Value::as_object)
        .ok_or_else(|| {
            SlaFileError::new(
                source_name,
                SlaPosition::Part { part: "top level" },
                "no \"thresholds\" object".into(),
            )
        })?;
    let mut pairs = Vec::new();
    let mut warnings = Vec::new();
    for (metric, v) in th {
        let items: Vec<&Value> = match v {
            Value::Array(a) => a.iter().collect(),
            other => vec![other],
        };
        for item in items {
            match item {
                Value::String(s) => pairs.push((metric.clone(), s.clone())),
                Value::Object(o) => match o.get("threshold").and_then(Value::as_str) {
                    Some(s) => pairs.push((metric.clone(), s.to_string())),
                    None => warnings.push(format!(
                        "k6 threshold on `{metric}` without a `threshold` string skipped"
                    )),
                },
                other => warnings.push(format!("k6 threshold on `{metric}`: `{other}` skipped")),
            }
        }
    }
    let mut imported = from_k6_pairs(pairs, &format!("k6 thresholds from {source_name}"));
    warnings.append(&mut imported.warnings);
    imported.warnings = warnings;
    Ok(imported)
}

/// The thresholds (and k6's outcomes) in a `--summary-export` or
/// `handleSummary` JSON: `metrics.<name>.thresholds`.
pub fn k6_summary_thresholds(doc: &Value) -> Vec<ToolThreshold> {
    let mut out = Vec::new();
    let Some(metrics) = doc.get("metrics").and_then(Value::as_object) else {
        return out;
    };
    for (metric, m) in metrics {
        let Some(th) = m.get("thresholds").and_then(Value::as_object) else {
            continue;
        };
        for (expression, v) in th {
            // Legacy export: true means FAILED; handleSummary: {"ok": bool}.
            let passed = v
                .as_bool()
                .map(|failed| !failed)
                .or_else(|| v.get("ok").and_then(Value::as_bool));
            out.push(ToolThreshold {
                metric: metric.clone(),
                expression: expression.clone(),
                passed,
            });
        }
    }
    out
}

// ---------------------------------------------------------------- Artillery

const ARTILLERY_ENDPOINT_PREFIX: &str = "plugins.metrics-by-endpoint.response_time.";

/// An Artillery metric (`http.response_time.p95`) as a target and statistic.
fn artillery_metric(name: &str) -> Result<(Target, Statistic), String> {
    let name = name.trim().trim_matches(|c| c == '\'' || c == '"');
    let aggregation = |agg: &str| -> Option<Statistic> {
        Some(match agg {
            "min" => Statistic::Min,
            "max" => Statistic::Max,
            "mean" => Statistic::Mean,
            "median" | "p50" => Statistic::Percentile(50.0),
            "p75" => Statistic::Percentile(75.0),
            "p90" => Statistic::Percentile(90.0),
            "p95" => Statistic::Percentile(95.0),
            "p99" => Statistic::Percentile(99.0),
            "p999" => Statistic::Percentile(99.9),
            "count" => Statistic::Requests,
            _ => return None,
        })
    };
    if let Some(rest) = name.strip_prefix(ARTILLERY_ENDPOINT_PREFIX) {
        if let Some((endpoint, agg)) = rest.rsplit_once('.') {
            if let Some(s) = aggregation(agg) {
                let filter = EndpointFilter {
                    name: NameMatch::Exact(endpoint.to_string()),
                    ..EndpointFilter::default()
                };
                return Ok((
                    Target::Endpoints {
                        filter,
                        merged: false,
                    },
                    s,
                ));
            }
        }
    }
    if let Some(agg) = name.strip_prefix("http.response_time.") {
        if let Some(s) = aggregation(agg) {
            return Ok((Target::Overall, s));
        }
    }
    match name {
        "http.request_rate" => Ok((Target::Overall, Statistic::Throughput)),
        "http.requests" => Ok((Target::Overall, Statistic::Requests)),
        _ => Err(format!(
            "Artillery metric `{name}` has no counterpart in Verdict's data"
        )),
    }
}

fn artillery_rule(metric: &str, op: Op, value: f64, origin: &str) -> Result<Rule, String> {
    let (target, statistic) = artillery_metric(metric)?;
    let unit = match statistic {
        Statistic::Throughput => Unit::PerSecond,
        Statistic::Requests => Unit::Plain,
        _ => Unit::Millis,
    };
    let mut rule = Rule::new(
        target,
        statistic,
        op,
        Limit {
            amount: value,
            unit,
        },
    );
    rule.name = Some(format!("Artillery ensure: {origin}"));
    Ok(rule)
}

/// An empty import under `title`, for the rules to be added to.
fn titled(title: String) -> Imported {
    Imported {
        sla: Sla {
            title: Some(title),
            rules: Vec::new(),
        },
        warnings: Vec::new(),
    }
}

/// Parses a tool's YAML config; a syntax error names its line and column.
fn yaml_doc(source_name: &str, yaml: &str) -> Result<yaml_serde::Value, SlaFileError> {
    yaml_serde::from_str(yaml).map_err(|e| {
        let at = e
            .location()
            .map_or(SlaPosition::Part { part: "YAML" }, |l| {
                SlaPosition::text(l.line(), l.column())
            });
        SlaFileError::new(source_name, at, e.to_string())
    })
}

fn yaml_number(v: &yaml_serde::Value) -> Option<f64> {
    match v {
        yaml_serde::Value::Number(n) => n.as_f64(),
        yaml_serde::Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// `config.ensure` (or `config.plugins.ensure`) of an Artillery script.
pub fn from_artillery(source_name: &str, yaml: &str) -> Result<Imported, SlaFileError> {
    let err = |part: &'static str, message: String| {
        SlaFileError::new(source_name, SlaPosition::Part { part }, message)
    };
    let doc = yaml_doc(source_name, yaml)?;
    let ensure = doc
        .get("config")
        .and_then(|c| {
            c.get("ensure")
                .or_else(|| c.get("plugins").and_then(|p| p.get("ensure")))
        })
        .ok_or_else(|| {
            err(
                "config",
                "no `ensure` section (config.ensure or config.plugins.ensure)".into(),
            )
        })?;
    let mut out = titled(format!("Artillery ensure from {source_name}"));
    if let Some(items) = ensure.get("thresholds").and_then(|t| t.as_sequence()) {
        for item in items {
            let Some(map) = item.as_mapping() else {
                continue;
            };
            for (k, v) in map {
                let (Some(metric), Some(value)) = (k.as_str(), yaml_number(v)) else {
                    continue;
                };
                // Artillery: a threshold means "metric < value", strictly.
                match artillery_rule(metric, Op::Lt, value, &format!("{metric} < {value}")) {
                    Ok(r) => out.sla.rules.push(r),
                    Err(e) => out.warnings.push(format!("threshold skipped: {e}")),
                }
            }
        }
    }
    if let Some(items) = ensure.get("conditions").and_then(|t| t.as_sequence()) {
        for item in items {
            let Some(expr) = item.get("expression").and_then(|e| e.as_str()) else {
                continue;
            };
            let strict = item.get("strict").and_then(|s| s.as_bool()).unwrap_or(true);
            match filtrex_conjunction(expr) {
                Ok(parts) => {
                    for (metric, op, value) in parts {
                        match artillery_rule(&metric, op, value, expr) {
                            Ok(mut r) => {
                                if !strict {
                                    r.name = Some(format!("Artillery ensure (optional): {expr}"));
                                }
                                out.sla.rules.push(r);
                            }
                            Err(e) => out.warnings.push(format!("condition `{expr}`: {e}")),
                        }
                    }
                }
                Err(e) => out
                    .warnings
                    .push(format!("condition `{expr}` skipped: {e}")),
            }
        }
    }
    for (key, agg) in [
        ("p95", "p95"),
        ("p99", "p99"),
        ("min", "min"),
        ("max", "max"),
        ("median", "median"),
    ] {
        if let Some(v) = ensure.get(key).and_then(yaml_number) {
            let metric = format!("http.response_time.{agg}");
            if let Ok(r) = artillery_rule(&metric, Op::Lt, v, &format!("{key}: {v}")) {
                out.sla.rules.push(r);
            }
        }
    }
    if let Some(v) = ensure.get("maxErrorRate").and_then(yaml_number) {
        let mut r = Rule::new(
            Target::Overall,
            Statistic::ErrorRate,
            Op::Le,
            Limit {
                amount: v,
                unit: Unit::Percent,
            },
        );
        r.name = Some(format!("Artillery ensure: maxErrorRate {v}"));
        out.sla.rules.push(r);
        out.warnings.push(
            "maxErrorRate: Artillery counts failed virtual users; Verdict checks the share of failed requests".into(),
        );
    }
    if out.sla.rules.is_empty() && out.warnings.is_empty() {
        out.warnings
            .push("the `ensure` section holds no thresholds or conditions".into());
    }
    Ok(out)
}

/// `a < 1 and b >= 2` → [(a, <, 1), (b, >=, 2)]; anything else is refused.
fn filtrex_conjunction(expr: &str) -> Result<Vec<(String, Op, f64)>, String> {
    let lowered = format!(" {} ", expr.to_ascii_lowercase());
    for bad in [" or ", " not ", "?", "(", "~="] {
        if lowered.contains(bad) {
            return Err(format!(
                "only `metric <op> number` parts joined by `and` can be imported (found `{}`)",
                bad.trim()
            ));
        }
    }
    let mut out = Vec::new();
    for part in expr.split(" and ") {
        let part = part.trim();
        let ops = [
            ("<=", Op::Le),
            (">=", Op::Ge),
            ("==", Op::Eq),
            ("!=", Op::Ne),
            ("<", Op::Lt),
            (">", Op::Gt),
        ];
        let Some((pos, text, op)) = ops
            .iter()
            .filter_map(|(t, o)| part.find(t).map(|p| (p, *t, *o)))
            .min_by_key(|x| x.0)
        else {
            return Err(format!("`{part}` has no comparison"));
        };
        let (lhs, rhs) = (part[..pos].trim(), part[pos + text.len()..].trim());
        match (rhs.parse::<f64>(), lhs.parse::<f64>()) {
            (Ok(v), _) => out.push((lhs.to_string(), op, v)),
            // `100 > metric` reads as `metric < 100`.
            (_, Ok(v)) => out.push((rhs.to_string(), mirror(op), v)),
            _ => return Err(format!("`{part}` does not compare a metric with a number")),
        }
    }
    Ok(out)
}

fn mirror(op: Op) -> Op {
    match op {
        Op::Lt => Op::Gt,
        Op::Le => Op::Ge,
        Op::Gt => Op::Lt,
        Op::Ge => Op::Le,
        o => o,
    }
}

// ------------------------------------------------------------------ Taurus

/// Taurus time values: `150ms`, `2s500ms`, `1m`; bare numbers are seconds.
fn taurus_time_ms(text: &str) -> Option<f64> {
    let t = text.trim();
    if let Ok(seconds) = t.parse::<f64>() {
        return Some(seconds * 1000.0);
    }
    parse_span(t).ok().map(|s| s.0 as f64 / 1000.0)
}

fn taurus_op(text: &str) -> Option<Op> {
    Some(match text {
        "<" => Op::Lt,
        "<=" => Op::Le,
        ">" => Op::Gt,
        ">=" => Op::Ge,
        "=" | "==" => Op::Eq,
        _ => return None,
    })
}

/// One criterion (fail-when): subject, label, condition, threshold, timeframe.
fn taurus_rule(
    subject: &str,
    label: Option<&str>,
    cond: &str,
    threshold: &str,
    timeframe: Option<&str>,
    origin: &str,
) -> Result<Rule, String> {
    let fail_op = taurus_op(cond).ok_or_else(|| format!("unknown condition `{cond}`"))?;
    // Taurus criteria say when to FAIL; a rule says what must hold.
    let holds = fail_op.negate();
    let percent = threshold
        .trim()
        .strip_suffix('%')
        .and_then(|p| p.trim().parse::<f64>().ok());
    let subject_l = subject.to_ascii_lowercase();
    let (statistic, op, limit) = match subject_l.as_str() {
        "avg-rt" => (
            Statistic::Mean,
            holds,
            Limit {
                amount: time(threshold)?,
                unit: Unit::Millis,
            },
        ),
        s if s.starts_with('p') && s[1..].parse::<f64>().is_ok() => {
            let p: f64 = s[1..]
                .parse()
                .map_err(|_| format!("bad percentile `{subject}`"))?;
            if !(p > 0.0 && p < 100.0) {
                return Err(format!("percentile `{subject}` out of range"));
            }
            (
                Statistic::Percentile(p),
                holds,
                Limit {
                    amount: time(threshold)?,
                    unit: Unit::Millis,
                },
            )
        }
        "fail" | "failures" => match percent {
            Some(p) => (
                Statistic::ErrorRate,
                holds,
                Limit {
                    amount: p,
                    unit: Unit::Percent,
                },
            ),
            None => {
                return Err(
                    "failure counts (without %) have no counterpart; use a percentage".into(),
                )
            }
        },
        "succ" | "success" => match percent {
            // success op p%  ⇔  error_rate mirror(op) (100 − p)%
            Some(p) => (
                Statistic::ErrorRate,
                mirror(holds),
                Limit {
                    amount: 100.0 - p,
                    unit: Unit::Percent,
                },
            ),
            None => {
                return Err(
                    "success counts (without %) have no counterpart; use a percentage".into(),
                )
            }
        },
        "hits" => {
            let n: f64 = threshold
                .trim()
                .parse()
                .map_err(|_| format!("bad count `{threshold}`"))?;
            (
                Statistic::Requests,
                holds,
                Limit {
                    amount: n,
                    unit: Unit::Plain,
                },
            )
        }
        _ => {
            let statistic = Statistic::Unsupported {
                metric: "taurus".into(),
                aggregation: subject.to_string(),
            };
            let t = threshold.trim();
            let limit = if let Some(p) = percent {
                Limit {
                    amount: p,
                    unit: Unit::Percent,
                }
            } else if let Ok(n) = t.parse::<f64>() {
                Limit {
                    amount: n,
                    unit: Unit::Plain,
                }
            } else {
                Limit {
                    amount: time(t)?,
                    unit: Unit::Millis,
                }
            };
            (statistic, holds, limit)
        }
    };
    let target = match label.map(str::trim).filter(|l| !l.is_empty()) {
        None => Target::Overall,
        Some(l) => Target::Endpoints {
            filter: EndpointFilter {
                name: NameMatch::Exact(l.to_string()),
                ..EndpointFilter::default()
            },
            merged: false,
        },
    };
    let mut rule = Rule::new(target, statistic, op, limit);
    if let Some(tf) = timeframe {
        let ms = taurus_time_ms(tf).ok_or_else(|| format!("bad timeframe `{tf}`"))?;
        rule.window = Some(Span((ms * 1000.0).round() as i64));
    }
    rule.name = Some(format!("Taurus passfail: {origin}"));
    Ok(rule)
}

fn time(threshold: &str) -> Result<f64, String> {
    taurus_time_ms(threshold).ok_or_else(|| format!("bad time `{threshold}`"))
}

/// Parses `[message:] subject[ of label]cond threshold[ for|within|over timeframe][, stop|continue[ as failed|non-failed]]`.
fn taurus_criterion(text: &str) -> Result<(Rule, Option<String>), String> {
    let (message, body) = match text.split_once(':') {
        Some((m, b)) if !m.contains(['<', '>', '=']) => (Some(m.trim().to_string()), b.trim()),
        _ => (None, text.trim()),
    };
    let (body, action) = match body.split_once(',') {
        Some((b, a)) => (b.trim(), Some(a.trim().to_ascii_lowercase())),
        None => (body, None),
    };
    if action.as_deref().is_some_and(|a| a.contains("non-failed")) {
        return Err("marks the test non-failed, so it is not a requirement".into());
    }
    let cond_at = body.find(['<', '>', '=']).ok_or("no condition (<, >, =)")?;
    let cond_end = cond_at
        + body[cond_at..]
            .chars()
            .take_while(|c| matches!(c, '<' | '>' | '='))
            .count();
    let (left, cond, right) = (
        body[..cond_at].trim(),
        &body[cond_at..cond_end],
        body[cond_end..].trim(),
    );
    let (subject, label) = match left.split_once(" of ") {
        Some((s, l)) => (s.trim(), Some(l.trim())),
        None => (left, None),
    };
    let mut words = right.split_whitespace();
    let threshold = words.next().ok_or("no threshold")?;
    let timeframe = match (words.next(), words.next()) {
        (Some("for" | "within" | "over"), Some(tf)) => Some(tf),
        (None, _) => None,
        (Some(w), _) => return Err(format!("unexpected `{w}`")),
    };
    let mut note = None;
    if let Some(tf) = timeframe {
        note = Some(format!(
            "`{text}`: Taurus judges a sliding {tf} timeframe; Verdict checks every {tf} window"
        ));
    }
    let mut rule = taurus_rule(subject, label, cond, threshold, timeframe, text)?;
    if let Some(m) = message {
        rule.name = Some(m);
    }
    Ok((rule, note))
}

/// The `passfail` criteria of a Taurus config (`reporting:` or `services:`).
pub fn from_taurus(source_name: &str, yaml: &str) -> Result<Imported, SlaFileError> {
    let err = |part: &'static str, message: String| {
        SlaFileError::new(source_name, SlaPosition::Part { part }, message)
    };
    let doc = yaml_doc(source_name, yaml)?;
    let mut out = titled(format!("Taurus passfail from {source_name}"));
    let mut found = false;
    for section in ["reporting", "services"] {
        let Some(items) = doc.get(section).and_then(|s| s.as_sequence()) else {
            continue;
        };
        for item in items {
            if item.get("module").and_then(|m| m.as_str()) != Some("passfail") {
                continue;
            }
            found = true;
            let Some(criteria) = item.get("criteria") else {
                continue;
            };
            let mut texts: Vec<(Option<String>, Result<String, &yaml_serde::Value>)> = Vec::new();
            if let Some(seq) = criteria.as_sequence() {
                for c in seq {
                    // `- Message: criterion` reads as a one-entry mapping.
                    let message_form = c.as_mapping().filter(|m| m.len() == 1).and_then(|m| {
                        let (k, v) = m.iter().next()?;
                        let k = k.as_str()?;
                        let known = [
                            "subject",
                            "label",
                            "condition",
                            "threshold",
                            "timeframe",
                            "logic",
                            "class",
                        ];
                        let v = v.as_str()?;
                        (!known.contains(&k)).then(|| (k.to_string(), v.to_string()))
                    });
                    match (c.as_str(), message_form) {
                        (Some(s), _) => texts.push((None, Ok(s.to_string()))),
                        (None, Some((m, s))) => texts.push((Some(m), Ok(s))),
                        (None, None) => texts.push((None, Err(c))),
                    }
                }
            } else if let Some(map) = criteria.as_mapping() {
                for (k, v) in map {
                    let message = k.as_str().map(str::to_string);
                    match v.as_str() {
                        Some(s) => texts.push((message, Ok(s.to_string()))),
                        None => texts.push((message, Err(v))),
                    }
                }
            }
            for (message, c) in texts {
                let parsed = match c {
                    Ok(text) => taurus_criterion(&text)
                        .map_err(|e| format!("criterion `{text}` skipped: {e}")),
                    Err(dict) => taurus_dict(dict),
                };
                match parsed {
                    Ok((mut rule, note)) => {
                        if let Some(m) = message {
                            rule.name = Some(m);
                        }
                        if let Statistic::Unsupported { aggregation, .. } = &rule.statistic {
                            out.warnings.push(format!(
                                "Taurus subject `{aggregation}` has no counterpart in Verdict's data; the rule is kept and will be inconclusive"
                            ));
                        }
                        out.warnings.extend(note);
                        out.sla.rules.push(rule);
                    }
                    Err(e) => out.warnings.push(e),
                }
            }
        }
    }
    if !found {
        return Err(err(
            "top level",
            "no `passfail` module under `reporting` or `services`".into(),
        ));
    }
    Ok(out)
}

fn taurus_dict(v: &yaml_serde::Value) -> Result<(Rule, Option<String>), String> {
    let s = |k: &str| {
        v.get(k).and_then(|x| {
            x.as_str()
                .map(str::to_string)
                .or_else(|| yaml_number(x).map(|n| n.to_string()))
        })
    };
    if v.get("class").is_some() {
        return Err(
            "monitoring criteria (`class:`) are about the servers, not the requests: skipped"
                .into(),
        );
    }
    if v.get("fail").and_then(|f| f.as_bool()) == Some(false) {
        return Err("a criterion with `fail: false` is not a requirement: skipped".into());
    }
    let subject = s("subject").ok_or("criterion without `subject` skipped")?;
    let cond = s("condition").ok_or("criterion without `condition` skipped")?;
    let threshold = s("threshold").ok_or("criterion without `threshold` skipped")?;
    let timeframe = s("timeframe");
    let origin = format!("{subject} {cond} {threshold}");
    let mut rule = taurus_rule(
        &subject,
        s("label").as_deref(),
        &cond,
        &threshold,
        timeframe.as_deref(),
        &origin,
    )?;
    if let Some(m) = s("message") {
        rule.name = Some(m);
    }
    Ok((rule, None))
}

// ---------------------------------------------------------------- detection

/// Reads rules from any supported file: a Verdict SLA (TOML or JSON), a k6
/// script or JSON config, a k6 summary (its recorded thresholds), an
/// Artillery script, or a Taurus config. The name's extension decides first,
/// then the content.
pub fn load_rules(source_name: &str, text: &str) -> Result<Imported, SlaFileError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let lower = source_name.to_ascii_lowercase();
    let ext = lower.rsplit('.').next().unwrap_or("");
    let trimmed = text.trim_start();
    match ext {
        "js" | "mjs" | "cjs" | "ts" => return from_k6_script(source_name, text),
        "yml" | "yaml" => return from_yaml(source_name, text),
        "toml" => {
            return load_sla(source_name, text).map(|sla| Imported {
                sla,
                warnings: Vec::new(),
            })
        }
        _ => {}
    }
    if trimmed.starts_with('{') {
        let doc: Value = serde_json::from_str(text).map_err(|e| {
            SlaFileError::new(
                source_name,
                SlaPosition::text(e.line(), e.column()),
                e.to_string(),
            )
        })?;
        if doc.get("rules").is_some() || doc.get("title").is_some() {
            return load_sla(source_name, text).map(|sla| Imported {
                sla,
                warnings: Vec::new(),
            });
        }
        if doc.get("metrics").is_some() {
            let th = k6_summary_thresholds(&doc);
            if th.is_empty() {
                return Err(SlaFileError::new(
                    source_name,
                    SlaPosition::Part { part: "metrics" },
                    "this k6 summary records no thresholds".into(),
                ));
            }
            let mut imported = from_run_thresholds(&th);
            imported.sla.title = Some(format!("k6 thresholds recorded in {source_name}"));
            return Ok(imported);
        }
        return from_k6_json(source_name, &doc);
    }
    if trimmed.contains("thresholds") && (trimmed.contains("export") || trimmed.contains("import "))
    {
        return from_k6_script(source_name, text);
    }
    if trimmed.starts_with("config:")
        || trimmed.contains("\nconfig:")
        || trimmed.contains("passfail")
    {
        return from_yaml(source_name, text);
    }
    load_sla(source_name, text).map(|sla| Imported {
        sla,
        warnings: Vec::new(),
    })
}

fn from_yaml(source_name: &str, text: &str) -> Result<Imported, SlaFileError> {
    if text.contains("passfail") {
        from_taurus(source_name, text)
    } else {
        from_artillery(source_name, text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn k6_script_literal_and_variable_forms() {
        let script = r#"
import http from 'k6/http';
const th = {
  'http_req_failed': ['rate<0.05'],                  // errors
  http_req_duration: ['p(50)<300', { threshold: "p(99)<1500", abortOnFail: true }],
};
th[`http_req_duration{name:${NAMES.read}}`] = ['p(95)<250'];
th['http_req_duration{name:GET /api/search}'] = ['p(95)<45', 'avg<500'];
export const options = { vus: 10, thresholds: th };
"#;
        let imp = from_k6_script("t.js", script).unwrap_or_else(|e| panic!("{e}"));
        let got: Vec<String> = imp.sla.rules.iter().map(|r| r.to_string()).collect();
        assert_eq!(
            got,
            [
                "error_rate < 0.05",
                "p50 < 300ms",
                "p99 < 1500ms",
                "{name:GET /api/search} p95 < 45ms",
                "{name:GET /api/search} mean < 500ms"
            ]
        );
        assert!(
            imp.warnings.iter().any(|w| w.contains("computed")),
            "{:?}",
            imp.warnings
        );
        let direct = "export let options = { thresholds: { checks: ['rate>0.9'], 'iteration_duration': ['p(95)<2000'] } };";
        let imp = from_k6_script("d.js", direct).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(imp.sla.rules[0].statistic, Statistic::CheckPassRate);
        assert!(matches!(
            imp.sla.rules[1].statistic,
            Statistic::Unsupported { .. }
        ));
        assert!(from_k6_script("x.js", "export default function () {}").is_err());
        // A thresholds value that does not read is placed at line and column.
        let script =
            "export const options = {\n  thresholds: {\n    http_req_duration: [ ) ],\n  },\n};\n";
        let e = from_k6_script("x.js", script).err();
        assert_eq!(
            e.as_ref().map(|e| &e.at),
            Some(&SlaPosition::Text {
                line: 3,
                column: 26
            }),
            "{e:?}"
        );
    }

    #[test]
    fn k6_json_config_and_summary() {
        let cfg: Value = serde_json::from_str(
            r#"{"thresholds":{"http_req_duration{method:POST}":["p(90)<400"],"http_reqs":[{"threshold":"rate>10"}]}}"#,
        )
        .unwrap_or_default();
        let imp = from_k6_json("c.json", &cfg).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(imp.sla.rules.len(), 2);
        assert_eq!(imp.sla.rules[1].statistic, Statistic::Throughput);
        let summary: Value = serde_json::from_str(
            r#"{"metrics":{"http_req_duration":{"p(95)":1,"thresholds":{"p(95)<200":true}},"checks":{"thresholds":{"rate>0.9":{"ok":true}}}}}"#,
        )
        .unwrap_or_default();
        let th = k6_summary_thresholds(&summary);
        assert_eq!(th.len(), 2);
        assert!(th
            .iter()
            .any(|t| t.expression == "p(95)<200" && t.passed == Some(false)));
        assert!(th
            .iter()
            .any(|t| t.expression == "rate>0.9" && t.passed == Some(true)));
    }

    #[test]
    fn artillery_ensure() {
        let yaml = r#"
config:
  target: "http://localhost"
  ensure:
    thresholds:
      - http.response_time.p99: 100
      - "plugins.metrics-by-endpoint.response_time.GET /api/items (list).p95": 200
    conditions:
      - expression: "http.response_time.p95 < 250 and http.request_rate > 10"
        strict: false
      - expression: "vusers.failed == 0 or http.codes.500 < 5"
    p95: 300
    maxErrorRate: 1
"#;
        let imp = from_artillery("a.yml", yaml).unwrap_or_else(|e| panic!("{e}"));
        let got: Vec<String> = imp.sla.rules.iter().map(|r| r.to_string()).collect();
        assert_eq!(
            got,
            [
                "p99 < 100ms",
                "endpoint \"GET /api/items (list)\" p95 < 200ms",
                "p95 < 250ms",
                "rps > 10/s",
                "p95 < 300ms",
                "error_rate <= 1%"
            ]
        );
        assert_eq!(imp.warnings.len(), 2, "{:?}", imp.warnings);
    }

    #[test]
    fn taurus_passfail() {
        let yaml = r#"
reporting:
- module: final-stats
- module: passfail
  criteria:
  - avg-rt of IndexPage>150ms for 10s, stop as failed
  - fail>50% for 10s, continue as failed
  - p90>1s
  - succ<99%
  - Too slow: p99.9 of Checkout>2s500ms
  - hits<100, stop as non-failed
  - subject: avg-ct
    condition: '>'
    threshold: 100ms
"#;
        let imp = from_taurus("t.yml", yaml).unwrap_or_else(|e| panic!("{e}"));
        let got: Vec<String> = imp.sla.rules.iter().map(|r| r.to_string()).collect();
        assert_eq!(
            got,
            [
                "endpoint \"IndexPage\" mean <= 150ms every 10s",
                "error_rate <= 50% every 10s",
                "p90 <= 1000ms",
                "error_rate <= 1%",
                "endpoint \"Checkout\" p99.9 <= 2500ms",
                "taurus avg-ct <= 100ms"
            ]
        );
        assert_eq!(imp.sla.rules[4].name.as_deref(), Some("Too slow"));
        assert!(imp.warnings.iter().any(|w| w.contains("non-failed")));
    }

    #[test]
    fn detects_what_it_is_given() {
        assert!(load_rules("sla.toml", "[[rules]]\nrule = \"p95 < 1s\"\n").is_ok());
        assert!(load_rules("x.json", "{\"rules\":[{\"rule\":\"p95 < 1s\"}]}").is_ok());
        assert_eq!(
            load_rules(
                "cfg.json",
                "{\"thresholds\":{\"http_req_failed\":[\"rate<0.01\"]}}"
            )
            .map(|i| i.sla.rules.len()),
            Ok(1)
        );
        assert!(load_rules(
            "s.js",
            "export const options = { thresholds: { http_req_failed: ['rate<0.01'] } }"
        )
        .is_ok());
    }
}
