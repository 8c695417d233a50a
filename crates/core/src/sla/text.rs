//! The one-line rule syntax, and k6 threshold expressions.
//!
//! ```text
//! rule      = [selector] condition {option}
//! selector  = "overall"
//!           | "endpoint" STRING                          one endpoint, exact name
//!           | "endpoints" (STRING | /REGEX/) [TAGS] ["except" /REGEX/] ["merged"]
//!                                                        each match (STRING is a glob: * ?)
//!           | [METRIC] TAGS                              k6 sub-metric: the matching requests as one population
//!           | METRIC [":"]                               a k6 metric (http_req_duration, http_req_failed, …)
//! TAGS      = "{" key ":" value {"," key ":" value} "}"   keys name, url, method, group, scenario, …
//! condition = STAT OP LIMIT
//! STAT      = pNN | p(NN) | med | median | mean | avg | min | max | error_rate | rate | checks
//!           | rps | throughput | requests | count | apdex(T)
//! OP        = < | <= | > | >= | == | === | != | =
//! LIMIT     = number [ms | s | us | % | /s | /min]        bare numbers: ms for latency (as in k6),
//!                                                        fractions for rates, per second for rps
//! option    = "every" DURATION ["window"] | "warm-up" DURATION | "after" DURATION "warm-up"
//!           | "at" N% "confidence" | "confidence" N%
//!           | "optional"                                  no verdict when no endpoint matches
//! ```
//!
//! So `p(95)<200`, `http_req_failed: rate<0.01`,
//! `http_req_duration{name:GET /api/search} p(95)<45`,
//! `endpoints "GET /api/items*" p95 < 200ms every 1-minute window warm-up 30s`
//! and `error_rate < 0.1% at 99% confidence` are all rules.

use std::fmt;

use super::model::{
    EndpointFilter, Limit, NameMatch, Op, Quantity, Rule, Span, Statistic, Target, Unit,
};

/// A rule text that could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    /// 1-based character column where the problem starts.
    pub column: usize,
    /// What is wrong there.
    pub message: String,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "column {}: {}", self.column, self.message)
    }
}

impl std::error::Error for ParseError {}

/// Parses one rule.
pub fn parse_rule(text: &str) -> Result<Rule, ParseError> {
    let mut p = Parser { s: text, i: 0 };
    let (target, metric) = p.selector()?;
    let (statistic, op, limit) = p.condition(metric.as_deref())?;
    let mut rule = Rule::new(target, statistic, op, limit);
    p.options(&mut rule)?;
    Ok(rule)
}

/// Parses `STAT OP LIMIT` for a known k6 metric (or none), as in a k6
/// `thresholds` entry: `parse_condition(Some("http_req_failed"), "rate<0.01")`.
pub fn parse_condition(
    metric: Option<&str>,
    text: &str,
) -> Result<(Statistic, Op, Limit), ParseError> {
    let mut p = Parser { s: text, i: 0 };
    let c = p.condition(metric)?;
    p.ws();
    if !p.at_end() {
        return Err(p.err("unexpected text after the limit"));
    }
    Ok(c)
}

/// Parses a duration: `30s`, `1m`, `1m30s`, `500ms`, `1-minute`, `2 minutes`, `minute`.
pub fn parse_span(text: &str) -> Result<Span, ParseError> {
    let mut p = Parser { s: text, i: 0 };
    p.ws();
    let span = p.span()?;
    p.ws();
    if !p.at_end() {
        return Err(p.err("unexpected text after the duration"));
    }
    Ok(span)
}

/// Parses a confidence level: `95%` or `0.95`.
pub fn parse_confidence(text: &str) -> Result<f64, ParseError> {
    let mut p = Parser { s: text, i: 0 };
    p.ws();
    let c = p.confidence()?;
    p.ws();
    if !p.at_end() {
        return Err(p.err("unexpected text after the confidence level"));
    }
    Ok(c)
}

/// Parses a limit for a statistic: `200ms`, `0.1%`, `500/s`.
pub fn parse_limit(statistic: &Statistic, text: &str) -> Result<Limit, ParseError> {
    let mut p = Parser { s: text, i: 0 };
    p.ws();
    let l = p.limit(statistic)?;
    p.ws();
    if !p.at_end() {
        return Err(p.err("unexpected text after the limit"));
    }
    Ok(l)
}

/// Parses an operator.
pub fn parse_op(text: &str) -> Result<Op, ParseError> {
    let mut p = Parser {
        s: text.trim(),
        i: 0,
    };
    let op = p.op()?;
    if !p.at_end() {
        return Err(p.err("expected one of < <= > >= == !="));
    }
    Ok(op)
}

/// Parses a statistic on its own (`p95`, `apdex(500ms)`, `error_rate`), or a
/// k6 aggregation of `metric` (`p(95)`, `rate`, `count`).
pub fn parse_statistic(metric: Option<&str>, text: &str) -> Result<Statistic, ParseError> {
    let mut p = Parser { s: text, i: 0 };
    p.ws();
    let s = p.statistic(metric)?;
    p.ws();
    if !p.at_end() {
        return Err(p.err("unexpected text after the statistic"));
    }
    Ok(s)
}

/// Splits a k6 metric key `name{tag:value,…}` the way k6 does: the `{` at its
/// first occurrence, the `}` at its last, which must end the key.
pub fn split_k6_metric(key: &str) -> Result<(String, Vec<(String, String)>), String> {
    let key = key.trim();
    let Some(open) = key.find('{') else {
        return Ok((key.to_string(), Vec::new()));
    };
    if !key.ends_with('}') {
        return Err(format!("`{key}`: a sub-metric selector must end with `}}`"));
    }
    let name = key[..open].trim().to_string();
    let inner = &key[open + 1..key.len() - 1];
    Ok((name, split_tags(inner)?))
}

fn trim_quotes(s: &str) -> &str {
    s.trim().trim_matches(|c| c == '"' || c == '\'')
}

fn split_tags(inner: &str) -> Result<Vec<(String, String)>, String> {
    let mut out = Vec::new();
    for part in inner.split(',') {
        let Some((k, v)) = part.split_once(':') else {
            return Err(format!(
                "tag `{}` has no `:` between key and value",
                part.trim()
            ));
        };
        let (k, v) = (trim_quotes(k), trim_quotes(v));
        if k.is_empty() || v.is_empty() {
            return Err(format!("tag `{}` needs a key and a value", part.trim()));
        }
        out.push((k.to_string(), v.to_string()));
    }
    Ok(out)
}

/// Builds an endpoint filter from k6-style tags.
pub fn filter_from_tags(tags: &[(String, String)]) -> EndpointFilter {
    let mut f = EndpointFilter::default();
    for (k, v) in tags {
        match k.as_str() {
            // k6 sets `url` to the `name` tag when a name is given, and `name`
            // to the URL otherwise: for our endpoints the two are the same.
            "name" | "url" => f.name = NameMatch::Exact(v.clone()),
            "method" => f.method = Some(v.clone()),
            "group" => f.group = Some(v.clone()),
            "scenario" => f.scenario = Some(v.clone()),
            _ => f.other_tags.push((k.clone(), v.clone())),
        }
    }
    f
}

/// Maps a k6 metric and aggregation (or one of our statistic names) to a statistic.
pub fn statistic_for(
    metric: Option<&str>,
    name: &str,
    arg: Option<&str>,
) -> Result<Statistic, String> {
    let lower = name.to_ascii_lowercase();
    let latency = |name: &str, arg: Option<&str>| -> Result<Option<Statistic>, String> {
        Ok(Some(match (name, arg) {
            ("p" | "percentile", Some(a)) => Statistic::Percentile(percentile_arg(a)?),
            ("med" | "median", None) => Statistic::Percentile(50.0),
            ("avg" | "mean" | "average", None) => Statistic::Mean,
            ("min", None) => Statistic::Min,
            ("max", None) => Statistic::Max,
            ("apdex", Some(a)) => {
                let a = a.trim();
                let a = a
                    .strip_prefix("T=")
                    .or_else(|| a.strip_prefix("t="))
                    .unwrap_or(a);
                let limit = parse_limit(&Statistic::Mean, a)
                    .map_err(|e| format!("apdex T: {}", e.message))?;
                Statistic::Apdex {
                    t_ms: limit.value(),
                }
            }
            (n, None) if n.len() > 1 && n.starts_with('p') => match n[1..].parse::<f64>() {
                Ok(_) => Statistic::Percentile(percentile_arg(&n[1..])?),
                Err(_) => return Ok(None),
            },
            _ => return Ok(None),
        }))
    };
    let unsupported = |metric: &str| {
        let aggregation = match arg {
            Some(a) => format!("{name}({a})"),
            None => name.to_string(),
        };
        Ok(Statistic::Unsupported {
            metric: metric.to_string(),
            aggregation,
        })
    };
    match metric {
        None => {
            if let Some(s) = latency(&lower, arg)? {
                return Ok(s);
            }
            match (lower.as_str(), arg) {
                ("error_rate" | "errors" | "error-rate" | "rate", None) => Ok(Statistic::ErrorRate),
                ("rps" | "throughput" | "req/s" | "requests_per_second", None) => Ok(Statistic::Throughput),
                ("requests" | "count", None) => Ok(Statistic::Requests),
                ("checks", None) => Ok(Statistic::CheckPassRate),
                _ => Err(format!(
                    "unknown statistic `{name}`; expected pNN, p(NN), med, mean/avg, min, max, error_rate, rps, requests, checks or apdex(T)"
                )),
            }
        }
        Some("http_req_duration") => match latency(&lower, arg)? {
            Some(s) => Ok(s),
            None => Err(format!(
                "`{name}` is not an aggregation of a k6 trend; expected avg, min, max, med or p(N)"
            )),
        },
        Some("http_req_failed") => match lower.as_str() {
            "rate" | "error_rate" => Ok(Statistic::ErrorRate),
            _ => Err(format!(
                "`{name}` is not an aggregation of a k6 rate metric; expected rate"
            )),
        },
        Some("http_reqs") => match lower.as_str() {
            "count" => Ok(Statistic::Requests),
            "rate" => Ok(Statistic::Throughput),
            _ => Err(format!(
                "`{name}` is not an aggregation of a k6 counter; expected count or rate"
            )),
        },
        Some("checks") => match lower.as_str() {
            "rate" => Ok(Statistic::CheckPassRate),
            _ => Err(format!(
                "`{name}` is not an aggregation of a k6 rate metric; expected rate"
            )),
        },
        Some(m) => unsupported(m),
    }
}

fn percentile_arg(a: &str) -> Result<f64, String> {
    match a.trim().parse::<f64>() {
        Ok(p) if p > 0.0 && p < 100.0 => Ok(p),
        Ok(100.0) => Err("p(100) is the maximum: write `max`".into()),
        _ => Err(format!(
            "percentile `{a}` must be a number between 0 and 100"
        )),
    }
}

struct Parser<'a> {
    s: &'a str,
    i: usize,
}

fn is_ident_start(c: char) -> bool {
    c.is_ascii_alphabetic() || c == '_'
}

fn is_ident(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '-'
}

impl Parser<'_> {
    fn err(&self, message: impl Into<String>) -> ParseError {
        ParseError {
            column: self.s[..self.i].chars().count() + 1,
            message: message.into(),
        }
    }

    fn rest(&self) -> &str {
        &self.s[self.i..]
    }

    fn peek(&self) -> Option<char> {
        self.rest().chars().next()
    }

    fn at_end(&self) -> bool {
        self.i >= self.s.len()
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.i += c.len_utf8();
        Some(c)
    }

    fn ws(&mut self) {
        while self.peek().is_some_and(char::is_whitespace) {
            self.bump();
        }
    }

    /// Consumes `word` if it is next and not followed by an identifier character.
    fn keyword(&mut self, word: &str) -> bool {
        let r = self.rest();
        if r.len() >= word.len()
            && r.is_char_boundary(word.len())
            && r[..word.len()].eq_ignore_ascii_case(word)
            && !r[word.len()..].chars().next().is_some_and(is_ident)
        {
            self.i += word.len();
            true
        } else {
            false
        }
    }

    fn ident(&mut self) -> Option<&str> {
        let start = self.i;
        if !self.peek().is_some_and(is_ident_start) {
            return None;
        }
        while self
            .peek()
            .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_')
        {
            self.bump();
        }
        Some(&self.s[start..self.i])
    }

    fn string(&mut self) -> Result<String, ParseError> {
        let quote = match self.peek() {
            Some(q @ ('"' | '\'')) => q,
            _ => return Err(self.err("expected a quoted name")),
        };
        let start = self.i;
        self.bump();
        let mut out = String::new();
        loop {
            match self.bump() {
                None => {
                    self.i = start;
                    return Err(self.err("unterminated string"));
                }
                Some('\\') => match self.bump() {
                    Some(c) if c == quote || c == '\\' => out.push(c),
                    Some(c) => {
                        out.push('\\');
                        out.push(c);
                    }
                    None => return Err(self.err("unterminated string")),
                },
                Some(c) if c == quote => return Ok(out),
                Some(c) => out.push(c),
            }
        }
    }

    fn regex(&mut self) -> Result<String, ParseError> {
        let start = self.i;
        if self.bump() != Some('/') {
            self.i = start;
            return Err(self.err("expected /regex/"));
        }
        let mut out = String::new();
        loop {
            match self.bump() {
                None => {
                    self.i = start;
                    return Err(self.err("unterminated /regex/"));
                }
                Some('\\') => match self.bump() {
                    Some('/') => out.push('/'),
                    Some(c) => {
                        out.push('\\');
                        out.push(c);
                    }
                    None => return Err(self.err("unterminated /regex/")),
                },
                Some('/') => break,
                Some(c) => out.push(c),
            }
        }
        if let Err(e) = regex_lite::Regex::new(&out) {
            self.i = start;
            return Err(self.err(format!("bad regex: {e}")));
        }
        Ok(out)
    }

    fn tags(&mut self) -> Result<Vec<(String, String)>, ParseError> {
        let start = self.i;
        if self.bump() != Some('{') {
            self.i = start;
            return Err(self.err("expected {"));
        }
        let mut depth = 1;
        let inner_start = self.i;
        loop {
            match self.bump() {
                None => {
                    self.i = start;
                    return Err(self.err("unbalanced { in the tag selector"));
                }
                Some('{') => depth += 1,
                Some('}') => {
                    depth -= 1;
                    if depth == 0 {
                        break;
                    }
                }
                Some(_) => {}
            }
        }
        let inner = &self.s[inner_start..self.i - 1];
        split_tags(inner).map_err(|m| ParseError {
            column: self.s[..start].chars().count() + 1,
            message: m,
        })
    }

    fn selector(&mut self) -> Result<(Target, Option<String>), ParseError> {
        self.ws();
        if self.keyword("overall") {
            self.ws();
            self.colon();
            return Ok((Target::Overall, None));
        }
        if self.keyword("endpoint") {
            self.ws();
            let name = self.string()?;
            self.ws();
            self.colon();
            let filter = EndpointFilter {
                name: NameMatch::Exact(name),
                ..EndpointFilter::default()
            };
            return Ok((
                Target::Endpoints {
                    filter,
                    merged: false,
                },
                None,
            ));
        }
        if self.keyword("endpoints") {
            self.ws();
            let name = match self.peek() {
                Some('/') => NameMatch::Regex(self.regex()?),
                _ => {
                    let g = self.string()?;
                    if g == "*" {
                        NameMatch::Any
                    } else {
                        NameMatch::Glob(g)
                    }
                }
            };
            self.ws();
            let mut filter = if self.peek() == Some('{') {
                let tags = self.tags()?;
                filter_from_tags(&tags)
            } else {
                EndpointFilter::default()
            };
            if !matches!(filter.name, NameMatch::Any) {
                return Err(self.err("give the name in the pattern, not as a `name:` tag"));
            }
            filter.name = name;
            self.ws();
            if self.keyword("except") {
                self.ws();
                filter.exclude = Some(self.regex()?);
                self.ws();
            }
            let merged = self.keyword("merged");
            self.ws();
            self.colon();
            return Ok((Target::Endpoints { filter, merged }, None));
        }
        if self.peek() == Some('{') {
            let tags = self.tags()?;
            self.ws();
            self.colon();
            return Ok((
                Target::Endpoints {
                    filter: filter_from_tags(&tags),
                    merged: true,
                },
                None,
            ));
        }
        // A k6 metric name, if what follows it is not an operator or an argument list.
        let save = self.i;
        if let Some(id) = self.ident() {
            let id = id.to_string();
            if self.peek() == Some('{') {
                let tags = self.tags()?;
                self.ws();
                self.colon();
                let target = Target::Endpoints {
                    filter: filter_from_tags(&tags),
                    merged: true,
                };
                return Ok((target, Some(id)));
            }
            if self.peek() != Some('(') {
                self.ws();
                let had_colon = self.colon();
                self.ws();
                if had_colon || self.peek().is_some_and(is_ident_start) {
                    return Ok((Target::Overall, Some(id)));
                }
            }
        }
        self.i = save;
        Ok((Target::Overall, None))
    }

    fn colon(&mut self) -> bool {
        if self.peek() == Some(':') {
            self.bump();
            self.ws();
            true
        } else {
            false
        }
    }

    fn statistic(&mut self, metric: Option<&str>) -> Result<Statistic, ParseError> {
        let start = self.i;
        let Some(name) = self.ident() else {
            return Err(self.err("expected a statistic (p95, p(95), mean, error_rate, rps, …)"));
        };
        let mut name = name.to_string();
        // Hyphenated names (`error-rate`, Taurus `avg-ct`).
        while self.peek() == Some('-')
            && self.rest()[1..].starts_with(|c: char| c.is_ascii_alphabetic())
        {
            let from = self.i;
            self.bump();
            while self
                .peek()
                .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_')
            {
                self.bump();
            }
            name.push_str(&self.s[from..self.i]);
        }
        // The fraction of `p99.9`.
        if self.peek() == Some('.') && self.rest()[1..].starts_with(|c: char| c.is_ascii_digit()) {
            let from = self.i;
            self.bump();
            while self.peek().is_some_and(|c| c.is_ascii_digit()) {
                self.bump();
            }
            name.push_str(&self.s[from..self.i]);
        }
        let mut arg = None;
        if self.peek() == Some('(') {
            self.bump();
            let a = self.i;
            while self.peek().is_some_and(|c| c != ')') {
                self.bump();
            }
            if self.bump() != Some(')') {
                self.i = start;
                return Err(self.err("missing `)`"));
            }
            arg = Some(self.s[a..self.i - 1].to_string());
        } else if self.peek() == Some('/') && name.eq_ignore_ascii_case("req") {
            // "req/s"
            self.bump();
            if self.keyword("s") {
                return Ok(Statistic::Throughput);
            }
            self.i = start;
            return Err(self.err("expected req/s"));
        }
        statistic_for(metric, &name, arg.as_deref()).map_err(|m| {
            self.i = start;
            self.err(m)
        })
    }

    fn op(&mut self) -> Result<Op, ParseError> {
        for (text, op) in [
            ("<=", Op::Le),
            (">=", Op::Ge),
            ("===", Op::Eq),
            ("==", Op::Eq),
            ("!=", Op::Ne),
            ("<", Op::Lt),
            (">", Op::Gt),
            ("=", Op::Eq),
        ] {
            if self.rest().starts_with(text) {
                self.i += text.len();
                return Ok(op);
            }
        }
        Err(self.err("expected a comparison: < <= > >= == !="))
    }

    fn number(&mut self) -> Result<f64, ParseError> {
        let start = self.i;
        if matches!(self.peek(), Some('+' | '-')) {
            self.bump();
        }
        while self
            .peek()
            .is_some_and(|c| c.is_ascii_digit() || c == '.' || c == '_')
        {
            self.bump();
        }
        // Exponent, but not the "e" of a unit.
        if matches!(self.peek(), Some('e' | 'E')) {
            let save = self.i;
            self.bump();
            if matches!(self.peek(), Some('+' | '-')) {
                self.bump();
            }
            if self.peek().is_some_and(|c| c.is_ascii_digit()) {
                while self.peek().is_some_and(|c| c.is_ascii_digit()) {
                    self.bump();
                }
            } else {
                self.i = save;
            }
        }
        let text: String = self.s[start..self.i]
            .chars()
            .filter(|c| *c != '_')
            .collect();
        match text.parse::<f64>() {
            Ok(v) if v.is_finite() => Ok(v),
            _ => {
                self.i = start;
                Err(self.err("expected a number"))
            }
        }
    }

    fn limit(&mut self, statistic: &Statistic) -> Result<Limit, ParseError> {
        let start = self.i;
        let amount = self.number()?;
        let unit_start = self.i;
        let unit_text: String = {
            let r = self.rest();
            let end = r
                .char_indices()
                .find(|(_, c)| !(c.is_alphabetic() || matches!(c, '%' | '/' | 'µ')))
                .map_or(r.len(), |(i, _)| i);
            r[..end].to_string()
        };
        self.i += unit_text.len();
        let unit = match unit_text.to_ascii_lowercase().as_str() {
            "" => Unit::Plain,
            "ms" => Unit::Millis,
            "s" | "sec" => Unit::Seconds,
            "us" | "µs" => Unit::Micros,
            "%" => Unit::Percent,
            "/s" | "rps" | "req/s" | "/sec" => Unit::PerSecond,
            "/min" | "rpm" | "req/min" => Unit::PerMinute,
            other => {
                self.i = unit_start;
                return Err(self.err(format!(
                    "unknown unit `{other}`; expected ms, s, us, %, /s or /min"
                )));
            }
        };
        let q = statistic.quantity();
        let ok = match q {
            Quantity::Time => matches!(
                unit,
                Unit::Plain | Unit::Millis | Unit::Seconds | Unit::Micros
            ),
            Quantity::Fraction => matches!(unit, Unit::Plain | Unit::Percent),
            Quantity::Rate => matches!(unit, Unit::Plain | Unit::PerSecond | Unit::PerMinute),
            Quantity::Count => unit == Unit::Plain,
            Quantity::Other => true,
        };
        if !ok {
            self.i = start;
            let want = match q {
                Quantity::Time => "a time such as 200ms or 1.5s",
                Quantity::Fraction => "a fraction such as 0.001 or a percentage such as 0.1%",
                Quantity::Rate => "a rate such as 500/s",
                Quantity::Count => "a plain count",
                Quantity::Other => "a number",
            };
            return Err(self.err(format!(
                "`{statistic}` needs {want}, not `{}`",
                &self.s[start..unit_start + unit_text.len()]
            )));
        }
        // Bare latency numbers are milliseconds (k6), bare rates per second.
        let unit = match (q, unit) {
            (Quantity::Time, Unit::Plain) => Unit::Millis,
            (Quantity::Rate, Unit::Plain) => Unit::PerSecond,
            (_, u) => u,
        };
        let limit = Limit { amount, unit };
        if q == Quantity::Fraction && !(0.0..=1.0).contains(&limit.value()) {
            self.i = start;
            return Err(self.err(format!(
                "`{statistic}` is a fraction between 0 and 1 (or 0% to 100%)"
            )));
        }
        Ok(limit)
    }

    fn condition(&mut self, metric: Option<&str>) -> Result<(Statistic, Op, Limit), ParseError> {
        self.ws();
        let statistic = self.statistic(metric)?;
        self.ws();
        let op = self.op()?;
        self.ws();
        let limit = self.limit(&statistic)?;
        Ok((statistic, op, limit))
    }

    fn span(&mut self) -> Result<Span, ParseError> {
        let start = self.i;
        let mut total = 0f64;
        let mut any = false;
        loop {
            let has_number = self.peek().is_some_and(|c| c.is_ascii_digit() || c == '.');
            let n = if has_number { self.number()? } else { 1.0 };
            if has_number && matches!(self.peek(), Some('-' | ' ')) {
                let save = self.i;
                self.bump();
                if !self.peek().is_some_and(|c| c.is_ascii_alphabetic()) {
                    self.i = save;
                }
            }
            let unit_start = self.i;
            while self.peek().is_some_and(|c| c.is_ascii_alphabetic()) {
                self.bump();
            }
            let unit = self.s[unit_start..self.i].to_ascii_lowercase();
            let us = match unit.as_str() {
                "ms" | "millisecond" | "milliseconds" => 1e3,
                "s" | "sec" | "secs" | "second" | "seconds" => 1e6,
                "m" | "min" | "mins" | "minute" | "minutes" => 60e6,
                "h" | "hr" | "hour" | "hours" => 3600e6,
                "" if !any => {
                    self.i = start;
                    return Err(self.err("expected a duration such as 30s, 1m or 1-minute"));
                }
                "" => break,
                other => {
                    if any {
                        self.i = unit_start;
                        break;
                    }
                    self.i = unit_start;
                    return Err(self.err(format!(
                        "unknown time unit `{other}`; expected ms, s, m or h"
                    )));
                }
            };
            if !has_number && any {
                self.i = unit_start;
                break;
            }
            total += n * us;
            any = true;
            if !self.peek().is_some_and(|c| c.is_ascii_digit()) {
                break;
            }
        }
        if total <= 0.0 || total > 1e15 {
            self.i = start;
            return Err(self.err("a duration must be positive"));
        }
        Ok(Span(total.round() as i64))
    }

    fn confidence(&mut self) -> Result<f64, ParseError> {
        let start = self.i;
        let n = self.number()?;
        let c = if self.peek() == Some('%') {
            self.bump();
            n / 100.0
        } else {
            n
        };
        if !(c > 0.5 && c < 1.0) {
            self.i = start;
            return Err(self.err("confidence must be between 50% and 100% (e.g. 95%)"));
        }
        Ok(c)
    }

    fn options(&mut self, rule: &mut Rule) -> Result<(), ParseError> {
        loop {
            self.ws();
            if self.at_end() {
                return Ok(());
            }
            if self.keyword("every") || self.keyword("per") {
                self.ws();
                rule.window = Some(self.span()?);
                self.ws();
                let _ = self.keyword("window");
            } else if self.keyword("warm-up") || self.keyword("warmup") {
                self.ws();
                rule.warmup = Some(self.span()?);
            } else if self.keyword("after") || self.keyword("excluding") {
                self.ws();
                rule.warmup = Some(self.span()?);
                self.ws();
                if !(self.keyword("warm-up") || self.keyword("warmup")) {
                    return Err(self.err("expected `warm-up`"));
                }
            } else if self.keyword("at") {
                self.ws();
                rule.confidence = self.confidence()?;
                self.ws();
                if !self.keyword("confidence") {
                    return Err(self.err("expected `confidence`"));
                }
            } else if self.keyword("confidence") {
                self.ws();
                rule.confidence = self.confidence()?;
            } else if self.keyword("optional") {
                rule.optional = true;
            } else {
                return Err(self.err(
                    "unexpected text; expected `every <duration>`, `warm-up <duration>` or `at <N>% confidence`",
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(s: &str) -> Rule {
        match parse_rule(s) {
            Ok(r) => r,
            Err(e) => panic!("{s}: {e}"),
        }
    }

    #[test]
    fn k6_expressions_are_rules() {
        let r = rule("p(95)<200");
        assert_eq!(
            (r.statistic.clone(), r.op, r.limit.value()),
            (Statistic::Percentile(95.0), Op::Lt, 200.0)
        );
        assert_eq!(r.target, Target::Overall);
        assert_eq!(rule("rate<0.01").statistic, Statistic::ErrorRate);
        assert_eq!(rule("avg<500").statistic, Statistic::Mean);
        assert_eq!(rule("med<=100").statistic, Statistic::Percentile(50.0));
        assert_eq!(
            rule("http_req_failed: rate<0.01").statistic,
            Statistic::ErrorRate
        );
        assert_eq!(rule("checks rate>0.9").statistic, Statistic::CheckPassRate);
        assert_eq!(rule("http_reqs count>100").statistic, Statistic::Requests);
        assert_eq!(rule("http_reqs rate>=50").statistic, Statistic::Throughput);
        let r = rule("http_req_duration{name:GET /api/items/{id}} p(95)<250");
        let Target::Endpoints {
            filter,
            merged: true,
        } = &r.target
        else {
            panic!("{r:?}")
        };
        assert_eq!(filter.name, NameMatch::Exact("GET /api/items/{id}".into()));
        let r = rule("{name:GET /api/search, method:GET} avg<500");
        let Target::Endpoints { filter, .. } = &r.target else {
            panic!()
        };
        assert_eq!(filter.method.as_deref(), Some("GET"));
        assert_eq!(
            rule("iteration_duration p(95)<500").statistic,
            Statistic::Unsupported {
                metric: "iteration_duration".into(),
                aggregation: "p(95)".into()
            }
        );
    }

    #[test]
    fn units_windows_warmup_confidence() {
        let r = rule("endpoints \"GET /api/items*\" p99.9 <= 1.5s every 1-minute window warm-up 30s at 99% confidence");
        assert_eq!(r.limit.value(), 1500.0);
        assert_eq!(r.window, Some(Span(60_000_000)));
        assert_eq!(r.warmup, Some(Span(30_000_000)));
        assert!((r.confidence - 0.99).abs() < 1e-12);
        assert_eq!(rule("error_rate < 0.1%").limit.value(), 0.001);
        assert_eq!(rule("rps >= 500/s").limit.value(), 500.0);
        assert_eq!(rule("rps >= 600/min").limit.value(), 10.0);
        assert_eq!(
            rule("apdex(500ms) >= 0.9").statistic,
            Statistic::Apdex { t_ms: 500.0 }
        );
        assert_eq!(
            rule("apdex(T=0.5s) >= 0.9").statistic,
            Statistic::Apdex { t_ms: 500.0 }
        );
        assert_eq!(
            rule("p95 < 200ms every minute").window,
            Some(Span(60_000_000))
        );
        assert_eq!(
            rule("p95 < 200ms after 1m30s warm-up").warmup,
            Some(Span(90_000_000))
        );
    }

    #[test]
    fn text_round_trips() {
        for s in [
            "p95 < 200ms",
            "endpoint \"GET /api/items\" p99 <= 1.5s",
            "endpoints \"GET /api/*\" {method:GET} except /health/ mean < 100ms every 1m warm-up 30s",
            "endpoints /^(GET|POST) \\/api\\// merged error_rate < 0.1% at 99% confidence",
            "endpoints /search/ p95 < 250ms optional",
            "{name:GET /api/items/{id}} p95 < 250ms",
            "{method:POST,status:500} requests < 3",
            "rps >= 500/s every 2m",
            "apdex(500ms) >= 0.9",
            "checks > 0.9",
            "endpoint \"a \\\"quoted\\\" name\" max < 2s",
            "endpoints \"*\" p99.9 < 1s",
            "iteration_duration p(95) < 500",
        ] {
            let r = rule(s);
            let again = rule(&r.to_string());
            assert_eq!(r, again, "{s} -> {r}");
        }
    }

    #[test]
    fn errors_say_where_and_what() {
        let e = parse_rule("p95 < 200kg").expect_err("must be refused");
        assert_eq!(e.column, 10);
        assert!(e.message.contains("unknown unit"), "{e}");
        let e = parse_rule("error_rate < 200ms").expect_err("must be refused");
        assert!(e.message.contains("fraction"), "{e}");
        assert!(parse_rule("p95 200ms")
            .expect_err("must be refused")
            .message
            .contains("comparison"));
        assert!(parse_rule("p(101)<5")
            .expect_err("must be refused")
            .message
            .contains("between 0 and 100"));
        assert!(parse_rule("frob < 5")
            .expect_err("must be refused")
            .message
            .contains("unknown statistic"));
        assert!(parse_rule("p95 < 200ms every").is_err());
        assert!(parse_rule("endpoints /(/ p95 < 1")
            .expect_err("must be refused")
            .message
            .contains("bad regex"));
        assert!(parse_rule("error_rate < 2").is_err());
        assert!(parse_rule("p95 < 200ms at 120% confidence").is_err());
    }

    #[test]
    fn k6_metric_keys_split_like_k6() {
        let (m, tags) =
            split_k6_metric("http_req_duration{name:GET /api/items/{id}}").expect("valid");
        assert_eq!(m, "http_req_duration");
        assert_eq!(
            tags,
            vec![("name".to_string(), "GET /api/items/{id}".to_string())]
        );
        let (_, tags) =
            split_k6_metric("http_req_duration{ 'status' : \"200\" ,method:GET}").expect("valid");
        assert_eq!(tags[0], ("status".into(), "200".into()));
        assert!(split_k6_metric("x{a:1}y").is_err());
        assert!(split_k6_metric("x{a}").is_err());
    }
}
