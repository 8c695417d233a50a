//! The SLA rules the user edits: Verdict SLA TOML, or one rule per line
//! (`p(95)<200` as k6 writes it), read with the core's SLA and rule-text
//! readers (so the page and `verdict check` agree on every rule), kept in
//! this browser's `localStorage` so that a reload keeps them. Also the rule
//! form's model: a rule as fields a person picks, and back.

use std::rc::Rc;

use verdict_core::sla::{
    load_sla, parse_rule, preset, save_toml, EndpointFilter, NameMatch, Op, Rule, Sla,
    SlaFileError, SlaPosition, Statistic, Target,
};
use verdict_core::sla::{parse_limit, parse_span, parse_statistic};

/// Where the rule text is kept.
pub const STORAGE_KEY: &str = "verdict.sla-rules";
/// The rules a first visit starts from: k6's documented thresholds apply to
/// any run, whatever its endpoints are called, and say plainly what they are.
pub const FIRST_VISIT_PRESET: &str = "k6-defaults";

/// What the editor's text says.
#[derive(Debug, Clone, PartialEq)]
pub enum Parsed {
    /// No rules (an empty text, or a title alone).
    Empty,
    Rules(Rc<Sla>),
    Invalid(SlaFileError),
}

/// Reads the editor's text: Verdict SLA TOML (or JSON), or else one rule
/// per line in the rule syntax (`p(95)<200`, `error_rate < 1%`; `#` starts
/// a comment line).
pub fn parse(text: &str) -> Parsed {
    if text.trim().is_empty() {
        return Parsed::Empty;
    }
    match load_sla("rules", text) {
        Ok(sla) if sla.rules.is_empty() => Parsed::Empty,
        Ok(sla) => Parsed::Rules(Rc::new(sla)),
        Err(e) => match rule_lines(text) {
            Some(Ok(sla)) => Parsed::Rules(Rc::new(sla)),
            // Lines that look like rules get the rule reader's error.
            Some(Err(line_error)) => Parsed::Invalid(line_error),
            None => Parsed::Invalid(e),
        },
    }
}

/// The text as rule lines, or `None` when it looks like TOML (a `[` or a
/// `key =` line), so TOML mistakes keep the TOML reader's message.
fn rule_lines(text: &str) -> Option<Result<Sla, SlaFileError>> {
    let lines: Vec<(usize, &str)> = text
        .lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l.trim()))
        .filter(|(_, l)| !l.is_empty() && !l.starts_with('#'))
        .collect();
    let tomlish = |l: &str| {
        l.starts_with('[')
            || l.split_once('=').is_some_and(|(k, _)| {
                let k = k.trim();
                !k.is_empty() && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
            })
    };
    if lines.is_empty() || lines.iter().any(|(_, l)| tomlish(l)) {
        return None;
    }
    let mut rules = Vec::with_capacity(lines.len());
    for (line, l) in lines {
        match parse_rule(l) {
            Ok(rule) => rules.push(rule),
            Err(e) => {
                return Some(Err(SlaFileError::new(
                    "rules",
                    SlaPosition::text(line, e.column),
                    e.message,
                )))
            }
        }
    }
    Some(Ok(Sla { title: None, rules }))
}

/// The rules as the TOML the workers are sent (and "edit as text" shows
/// after a form change): one spelling per set of rules.
pub fn canonical(parsed: &Parsed) -> Option<String> {
    match parsed {
        Parsed::Rules(sla) => Some(save_toml(sla)),
        _ => None,
    }
}

/// Which requests a form rule is about.
#[derive(Debug, Clone, PartialEq)]
pub enum EndpointChoice {
    /// All requests of the run together.
    Overall,
    /// Every endpoint on its own.
    Each,
    /// One endpoint by its exact name.
    Exact(String),
    /// Endpoints whose names match a glob (`GET /api/*`).
    Pattern(String),
}

/// A rule as the form shows it. Rules the form cannot show (regexes, tags,
/// merged sets, warm-up, confidence, k6 sources) are edited as text.
#[derive(Debug, Clone, PartialEq)]
pub struct RuleForm {
    /// `p95`, `p99`, `mean`, `max`, `error_rate`, `rps`, …
    pub statistic: String,
    /// `<`, `<=`, `>`, `>=`
    pub op: String,
    /// The limit's number as typed.
    pub amount: String,
    /// `ms`, `s`, `%`, `/s`, or empty for a plain number.
    pub unit: String,
    pub endpoint: EndpointChoice,
    /// Empty, or a duration (`1m`): every window of that length must comply.
    pub window: String,
    /// The rule's name, kept as it was (the form does not show it).
    pub name: Option<String>,
}

/// The statistics the form offers, with people's names.
pub const FORM_STATISTICS: &[(&str, &str)] = &[
    ("p50", "median (p50)"),
    ("p90", "p90"),
    ("p95", "p95"),
    ("p99", "p99"),
    ("mean", "mean"),
    ("max", "max"),
    ("error_rate", "error rate"),
    ("rps", "requests per second"),
];

/// The units that fit a statistic, the first being the usual one.
pub fn units_for(statistic: &str) -> &'static [&'static str] {
    match statistic {
        "error_rate" => &["%"],
        "rps" => &["/s"],
        "requests" => &[""],
        _ => &["ms", "s"],
    }
}

impl Default for RuleForm {
    fn default() -> Self {
        RuleForm {
            statistic: "p95".into(),
            op: "<".into(),
            amount: "200".into(),
            unit: "ms".into(),
            endpoint: EndpointChoice::Overall,
            window: String::new(),
            name: None,
        }
    }
}

impl RuleForm {
    /// The form for a rule, or `None` when the form cannot show all of it.
    pub fn from_rule(rule: &Rule) -> Option<RuleForm> {
        if rule.warmup.is_some()
            || rule.k6.is_some()
            || rule.optional
            || (rule.confidence - verdict_core::sla::DEFAULT_CONFIDENCE).abs() > 1e-12
        {
            return None;
        }
        let endpoint = match &rule.target {
            Target::Overall => EndpointChoice::Overall,
            Target::Endpoints {
                filter,
                merged: false,
            } if *filter
                == (EndpointFilter {
                    name: filter.name.clone(),
                    ..EndpointFilter::default()
                }) =>
            {
                match &filter.name {
                    NameMatch::Any => EndpointChoice::Each,
                    NameMatch::Exact(n) => EndpointChoice::Exact(n.clone()),
                    NameMatch::Glob(g) => EndpointChoice::Pattern(g.clone()),
                    NameMatch::Regex(_) => return None,
                }
            }
            Target::Endpoints { .. } => return None,
        };
        let statistic = match &rule.statistic {
            Statistic::Unsupported { .. } | Statistic::Apdex { .. } => return None,
            s => s.to_string(),
        };
        let limit = rule.limit.to_string();
        let at = limit
            .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '-' || c == 'e'))
            .unwrap_or(limit.len());
        let op = rule.op.as_str();
        if !matches!(op, "<" | "<=" | ">" | ">=") {
            return None;
        }
        Some(RuleForm {
            statistic,
            op: op.to_string(),
            amount: limit[..at].to_string(),
            unit: limit[at..].to_string(),
            endpoint,
            window: rule.window.map(|w| w.to_string()).unwrap_or_default(),
            name: rule.name.clone(),
        })
    }

    /// The rule the form describes, or what is wrong with it (which field, why).
    pub fn to_rule(&self) -> Result<Rule, String> {
        let statistic = parse_statistic(None, &self.statistic)
            .map_err(|e| format!("statistic: {}", e.message))?;
        let op = match self.op.as_str() {
            "<" => Op::Lt,
            "<=" => Op::Le,
            ">" => Op::Gt,
            ">=" => Op::Ge,
            other => return Err(format!("comparison: `{other}` is not one of < <= > >=")),
        };
        let amount = self.amount.trim();
        if amount.parse::<f64>().map_or(true, |a| !a.is_finite()) {
            return Err(format!("limit: `{amount}` is not a number"));
        }
        let limit = parse_limit(&statistic, &format!("{amount}{}", self.unit))
            .map_err(|e| format!("limit: {}", e.message))?;
        let name = |n: &str, what: &str| {
            let n = n.trim();
            if n.is_empty() {
                Err(format!("endpoint: give the {what}"))
            } else {
                Ok(n.to_string())
            }
        };
        let target = match &self.endpoint {
            EndpointChoice::Overall => Target::Overall,
            EndpointChoice::Each => Target::Endpoints {
                filter: EndpointFilter::default(),
                merged: false,
            },
            EndpointChoice::Exact(n) => Target::Endpoints {
                filter: EndpointFilter {
                    name: NameMatch::Exact(name(n, "endpoint's name")?),
                    ..EndpointFilter::default()
                },
                merged: false,
            },
            EndpointChoice::Pattern(g) => Target::Endpoints {
                filter: EndpointFilter {
                    name: NameMatch::Glob(name(g, "pattern")?),
                    ..EndpointFilter::default()
                },
                merged: false,
            },
        };
        let mut rule = Rule::new(target, statistic, op, limit);
        rule.name = self.name.clone().filter(|n| !n.trim().is_empty());
        let window = self.window.trim();
        if !window.is_empty() {
            rule.window = Some(parse_span(window).map_err(|e| format!("window: {}", e.message))?);
        }
        Ok(rule)
    }
}

/// The rules with rule `index` replaced (or, past the end, added), as TOML.
pub fn with_rule(sla: Option<&Sla>, index: usize, rule: Rule) -> String {
    let mut sla = sla.cloned().unwrap_or_default();
    if index < sla.rules.len() {
        sla.rules[index] = rule;
    } else {
        sla.rules.push(rule);
    }
    save_toml(&sla)
}

/// The rules without rule `index`, as TOML.
pub fn without_rule(sla: &Sla, index: usize) -> String {
    let mut sla = sla.clone();
    if index < sla.rules.len() {
        sla.rules.remove(index);
    }
    save_toml(&sla)
}

impl Parsed {
    /// How many rules the text holds.
    pub fn rule_count(&self) -> usize {
        match self {
            Parsed::Rules(sla) => sla.rules.len(),
            _ => 0,
        }
    }
}

/// A preset's rules as editable TOML.
pub fn preset_text(name: &str) -> Option<String> {
    preset(name).map(|sla| save_toml(&sla))
}

/// People's names for the presets.
pub fn preset_label(name: &str) -> &str {
    match name {
        "tiered-api" => "Tiered API SLA",
        "k6-defaults" => "k6 defaults",
        other => other,
    }
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// The kept rule text, or the first-visit preset.
pub fn load() -> String {
    storage()
        .and_then(|s| s.get_item(STORAGE_KEY).ok().flatten())
        .or_else(|| preset_text(FIRST_VISIT_PRESET))
        .unwrap_or_default()
}

/// Keeps the rule text (an empty text too: the user cleared the rules).
pub fn save(text: &str) {
    if let Some(s) = storage() {
        // A full or disabled storage only costs the next reload its rules.
        let _ = s.set_item(STORAGE_KEY, text);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn presets_read_back_and_bad_text_says_where() {
        for (name, _) in verdict_core::sla::PRESETS {
            let text = preset_text(name).expect("preset");
            assert!(
                matches!(parse(&text), Parsed::Rules(s) if !s.rules.is_empty()),
                "{name}"
            );
        }
        assert_eq!(parse("  \n"), Parsed::Empty);
        assert_eq!(parse("title = \"x\"\n"), Parsed::Empty);
        match parse("[[rules]]\nrule = \"p(95) <\"\n") {
            Parsed::Invalid(e) => assert!(e.position.starts_with("rule 1"), "{e}"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn bare_rule_lines_are_rules_and_read_as_their_toml() {
        let Parsed::Rules(sla) = parse("p(95)<200\n# a comment\nerror_rate < 1%\n") else {
            panic!("bare rule lines did not read");
        };
        assert_eq!(sla.rules.len(), 2);
        let toml = canonical(&Parsed::Rules(sla.clone())).unwrap_or_default();
        assert_eq!(parse(&toml), Parsed::Rules(sla));
        // A bad line names its line; a TOML mistake keeps the TOML message.
        match parse("p(95)<200\np(95) <\n") {
            Parsed::Invalid(e) => assert!(e.position.starts_with("line 2"), "{e}"),
            other => panic!("{other:?}"),
        }
        match parse("[[rules]]\nrul = 1\n") {
            Parsed::Invalid(e) => assert!(e.message.contains("unknown field"), "{e}"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn the_form_and_the_text_say_the_same_rule() {
        let forms = [
            RuleForm::default(),
            RuleForm {
                statistic: "error_rate".into(),
                op: "<=".into(),
                amount: "0.5".into(),
                unit: "%".into(),
                endpoint: EndpointChoice::Pattern("GET /api/*".into()),
                window: "1m".into(),
                name: Some("errors on the API".into()),
            },
            RuleForm {
                statistic: "p99".into(),
                op: "<".into(),
                amount: "1.5".into(),
                unit: "s".into(),
                endpoint: EndpointChoice::Exact("GET /api/items".into()),
                window: String::new(),
                name: None,
            },
            RuleForm {
                statistic: "rps".into(),
                op: ">".into(),
                amount: "50".into(),
                unit: "/s".into(),
                endpoint: EndpointChoice::Each,
                window: "30s".into(),
                name: None,
            },
        ];
        let mut text = String::new();
        for (i, form) in forms.iter().enumerate() {
            let rule = form.to_rule().unwrap_or_else(|e| panic!("{e}"));
            let Parsed::Rules(before) = parse(&text) else {
                text = with_rule(None, i, rule);
                continue;
            };
            text = with_rule(Some(&before), i, rule);
        }
        let Parsed::Rules(sla) = parse(&text) else {
            panic!("{text}");
        };
        let back: Vec<RuleForm> = sla.rules.iter().filter_map(RuleForm::from_rule).collect();
        assert_eq!(back, forms, "{text}");
        assert_eq!(parse(&without_rule(&sla, 0)).rule_count(), 3);
        // The same rule typed as a k6 expression is the form's default.
        let Parsed::Rules(typed) = parse("p(95)<200") else {
            panic!("p(95)<200");
        };
        assert_eq!(
            RuleForm::from_rule(&typed.rules[0]),
            Some(RuleForm::default())
        );
        let bad = RuleForm {
            amount: "fast".into(),
            ..RuleForm::default()
        };
        assert!(bad.to_rule().is_err_and(|e| e.starts_with("limit")));
    }
}
