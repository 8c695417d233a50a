//! Redaction before sharing: endpoint names, run sources, groups, scenarios
//! and hosts become stable placeholders (`endpoint-1`, `run-1`, `group-1`,
//! `scenario-1`, `host-1`): the same name gets the same placeholder
//! everywhere in one snapshot, so the numbers still line up.
//!
//! Works on JSON values, so it covers every text of a run summary and of
//! the opaque slots alike: a whole string equal to a known name is
//! replaced; known names inside longer texts (warnings, threshold
//! selectors) are replaced in place; what looks like a host (a URL's
//! authority, a dotted name ending in letters, an IPv4 address,
//! `localhost`) is replaced wherever it appears.

use std::collections::BTreeMap;

use serde_json::Value;

/// The placeholders of one snapshot.
#[derive(Debug, Default)]
pub struct Redactor {
    /// Known names (endpoints, sources, groups, scenarios) → placeholder.
    names: BTreeMap<String, String>,
    /// Known names, longest first, for replacement inside texts.
    by_length: Vec<(String, String)>,
    hosts: BTreeMap<String, String>,
}

impl Redactor {
    /// `kinds` gives, per placeholder prefix, the names in a stable order.
    pub fn new<'a>(kinds: impl IntoIterator<Item = (&'a str, Vec<String>)>) -> Redactor {
        let mut r = Redactor::default();
        for (prefix, names) in kinds {
            let mut n = 0;
            for name in names {
                if name.is_empty() || r.names.contains_key(&name) {
                    continue;
                }
                n += 1;
                r.names.insert(name, format!("{prefix}-{n}"));
            }
        }
        r.by_length = r
            .names
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        r.by_length
            .sort_by(|a, b| b.0.len().cmp(&a.0.len()).then(a.0.cmp(&b.0)));
        r
    }

    /// The placeholder of a known name.
    #[allow(dead_code)] // Not called by the crate at present.
    pub fn name(&self, s: &str) -> Option<&str> {
        self.names.get(s).map(String::as_str)
    }

    /// A text with known names and hosts replaced.
    pub fn text(&mut self, s: &str) -> String {
        if let Some(p) = self.names.get(s) {
            return p.clone();
        }
        let mut out = s.to_string();
        for (name, placeholder) in &self.by_length {
            if out.contains(name.as_str()) {
                out = out.replace(name.as_str(), placeholder);
            }
        }
        self.hosts_in(&out)
    }

    /// Every string (and object key) of `v`, redacted as [`Redactor::text`].
    pub fn value(&mut self, v: &mut Value) {
        match v {
            Value::String(s) => *s = self.text(s),
            Value::Array(items) => items.iter_mut().for_each(|i| self.value(i)),
            Value::Object(map) => {
                let old = std::mem::take(map);
                for (k, mut item) in old {
                    self.value(&mut item);
                    map.insert(self.text(&k), item);
                }
            }
            _ => {}
        }
    }

    /// A run summary as a JSON value: every text redacted, but field names
    /// and enumerations kept so that it still reads as a summary; only the
    /// keys of status maps are data.
    pub fn summary(&mut self, v: &mut Value) {
        match v {
            Value::Object(map) => {
                for (k, item) in map.iter_mut() {
                    match k.as_str() {
                        "format" | "reported_by" => {}
                        "status_codes" => self.value(item),
                        _ => self.summary(item),
                    }
                }
            }
            Value::Array(items) => items.iter_mut().for_each(|i| self.summary(i)),
            other => self.value(other),
        }
    }

    fn host(&mut self, h: &str) -> String {
        let n = self.hosts.len() + 1;
        self.hosts
            .entry(h.to_ascii_lowercase())
            .or_insert_with(|| format!("host-{n}"))
            .clone()
    }

    /// Replaces URL authorities and host-like tokens.
    fn hosts_in(&mut self, s: &str) -> String {
        let mut out = String::with_capacity(s.len());
        let mut rest = s;
        // URL authorities: scheme://user@host:port → scheme://host-N
        while let Some(i) = rest.find("://") {
            let (before, after) = rest.split_at(i + 3);
            out.push_str(&self.tokens(before));
            let end = after
                .find(|c: char| matches!(c, '/' | '?' | '#') || c.is_whitespace() || c == '"')
                .unwrap_or(after.len());
            if end > 0 {
                let authority = &after[..end];
                let host_part = authority.rsplit('@').next().unwrap_or(authority);
                let host = match host_part.rfind(':') {
                    Some(p) if !host_part.ends_with(']') => &host_part[..p],
                    _ => host_part,
                };
                out.push_str(&self.host(host));
            }
            rest = &after[end..];
        }
        out.push_str(&self.tokens(rest));
        out
    }

    /// Host-like words: dotted names ending in letters, IPv4, `localhost`.
    fn tokens(&mut self, s: &str) -> String {
        let mut out = String::with_capacity(s.len());
        let mut word = String::new();
        let is_word = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_');
        for c in s.chars().chain(std::iter::once('\u{0}')) {
            if c != '\u{0}' && is_word(c) {
                word.push(c);
                continue;
            }
            if !word.is_empty() {
                let trimmed = word.trim_end_matches('.');
                if looks_like_host(trimmed) {
                    let replaced = self.host(trimmed);
                    out.push_str(&replaced);
                    out.push_str(&word[trimmed.len()..]);
                } else {
                    out.push_str(&word);
                }
                word.clear();
            }
            if c != '\u{0}' {
                out.push(c);
            }
        }
        out
    }
}

fn looks_like_host(w: &str) -> bool {
    if w.eq_ignore_ascii_case("localhost") {
        return true;
    }
    let labels: Vec<&str> = w.split('.').collect();
    if labels.len() < 2 || labels.iter().any(|l| l.is_empty()) {
        return false;
    }
    let ipv4 = labels.len() == 4
        && labels
            .iter()
            .all(|l| l.len() <= 3 && l.parse::<u16>().is_ok_and(|n| n <= 255));
    let last = labels[labels.len() - 1];
    let named = last.len() >= 2 && last.chars().all(|c| c.is_ascii_alphabetic());
    ipv4 || named
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn names_and_hosts_become_placeholders() {
        let mut r = Redactor::new([
            ("endpoint", vec!["GET /api/search".to_string(), "/a".into()]),
            ("run", vec!["prod-eu.json".into()]),
        ]);
        assert_eq!(r.text("GET /api/search"), "endpoint-1");
        assert_eq!(
            r.text("http_req_duration{name:GET /api/search}"),
            "http_req_duration{name:endpoint-1}"
        );
        assert_eq!(
            r.text("GET https://user@api.shop.example.com:8443/x?y=1 failed"),
            "GET https://host-1/x?y=1 failed"
        );
        assert_eq!(
            r.text("java.net.UnknownHostException: db.internal."),
            "host-2: host-3."
        );
        assert_eq!(
            r.text("10.0.0.12:5432 and localhost"),
            "host-4:5432 and host-5"
        );
        // Numbers and times are not hosts.
        assert_eq!(
            r.text("p99.9 at 2026-11-22T01:35:58.820Z, 0.5%"),
            "p99.9 at 2026-11-22T01:35:58.820Z, 0.5%"
        );
        // The same host keeps its placeholder.
        assert_eq!(r.text("api.shop.example.com"), "host-1");
        let mut v = json!({"name": "/a", "Non HTTP: db.internal": 3, "list": ["prod-eu.json"]});
        r.value(&mut v);
        assert_eq!(
            v,
            json!({"name": "endpoint-2", "Non HTTP: host-3": 3, "list": ["run-1"]})
        );
        // In a summary, field names and enumerations stay.
        let mut r = Redactor::new([("endpoint", vec!["samples".to_string(), "name".into()])]);
        let mut s =
            json!({"name": "name", "reported_by": "samples", "status_codes": {"x.example.org": 1}});
        r.summary(&mut s);
        assert_eq!(
            s,
            json!({"name": "endpoint-2", "reported_by": "samples", "status_codes": {"host-1": 1}})
        );
    }
}
