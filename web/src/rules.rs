//! The SLA rules the user edits: Verdict SLA TOML, read with the core's
//! SLA reader (so the page and `verdict check` agree on every rule), kept in
//! this browser's `localStorage` so that a reload keeps them.

use std::rc::Rc;

use verdict_core::sla::{load_sla, preset, save_toml, Sla, SlaFileError};

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

/// Reads the editor's text.
pub fn parse(text: &str) -> Parsed {
    if text.trim().is_empty() {
        return Parsed::Empty;
    }
    match load_sla("rules", text) {
        Ok(sla) if sla.rules.is_empty() => Parsed::Empty,
        Ok(sla) => Parsed::Rules(Rc::new(sla)),
        Err(e) => Parsed::Invalid(e),
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
}
