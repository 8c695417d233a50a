//! Runs a worker keeps after reading them, so that SLA rules can be
//! evaluated on the exact histograms and time windows, as the CLI does.

use std::collections::VecDeque;

use serde::{Deserialize, Serialize};
use verdict_core::sla::{evaluate, load_sla, SlaFileError, SlaPosition, Verdict};
use verdict_core::Run;

/// Why [`crate::Request::Save`] gave no analysis file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum HeldError {
    /// The run was dropped to make room for newer ones, or never held here.
    #[error("run {run} is no longer held by this worker (it keeps the {MAX_HELD_RUNS} most recent runs); re-open the file")]
    Forgotten {
        /// The run asked for.
        run: u32,
    },
    /// The core could not write the analysis file.
    #[error("cannot save the analysis: {0}")]
    Save(String),
}

/// Runs one worker holds at most. A run holds its histograms per endpoint
/// and per time window; a few are plenty for one person's session, and the
/// bound keeps a long session's memory flat.
pub const MAX_HELD_RUNS: usize = 4;

/// Why [`crate::Request::Evaluate`] gave no verdicts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum EvaluateError {
    /// The run was dropped to make room for newer ones, or never held here.
    #[error("run {run} is no longer held by this worker (it keeps the {MAX_HELD_RUNS} most recent runs); re-open the file to evaluate")]
    Forgotten {
        /// The run asked for.
        run: u32,
    },
    /// The rule text does not read as a Verdict SLA.
    #[error("{position}: {message}")]
    Rules {
        /// 1-based line of the text where the problem is, when known.
        line: Option<u32>,
        /// Where, as the SLA reader says it (`line 3, column 5`, `rule 2, limit`).
        position: String,
        /// What is wrong and what was expected.
        message: String,
    },
}

impl EvaluateError {
    /// The reader's error on `text`, with the line it points at.
    pub fn rules(error: SlaFileError, text: &str) -> EvaluateError {
        EvaluateError::Rules {
            line: line_of(&error.at, text),
            position: error.position,
            message: error.message,
        }
    }
}

/// The line a reader position points at: a line and column directly; a
/// rule's field as the line of that field in the rule's `[[rules]]` table
/// (or of the table's header).
fn line_of(at: &SlaPosition, text: &str) -> Option<u32> {
    let (rule, field) = match at {
        SlaPosition::Text { line, .. } => return Some(*line),
        SlaPosition::Rule { rule, field, .. } => (*rule, *field),
        _ => return None,
    };
    let index = usize::try_from(rule).ok()?;
    let lines: Vec<&str> = text.lines().collect();
    let is_header = |l: &str| {
        let t = l.trim_start();
        t.starts_with("[[rules]]") || t.starts_with("[[rule]]")
    };
    let header = lines
        .iter()
        .enumerate()
        .filter(|(_, l)| is_header(l))
        .nth(index.checked_sub(1)?)
        .map(|(i, _)| i)?;
    let field_line = lines[header + 1..]
        .iter()
        .take_while(|l| !is_header(l))
        .position(|l| {
            l.trim_start()
                .strip_prefix(field)
                .is_some_and(|r| r.trim_start().starts_with('='))
        })
        .map(|k| header + 1 + k);
    u32::try_from(field_line.unwrap_or(header) + 1).ok()
}

/// `run` as a `.verdict` analysis file, as `verdict save` writes it.
pub fn save_run(run: &Run) -> Result<Vec<u8>, HeldError> {
    verdict_core::saved::save(run).map_err(|e| HeldError::Save(e.to_string()))
}

/// The runs a worker holds, oldest first.
#[derive(Default)]
pub struct HeldRuns {
    runs: VecDeque<(u32, Run)>,
    next_id: u32,
}

impl HeldRuns {
    /// Keeps `run`, dropping the oldest beyond [`MAX_HELD_RUNS`]; returns its
    /// id and the runs let go, each with its id.
    pub fn hold(&mut self, run: Run) -> (u32, Vec<(u32, Run)>) {
        self.next_id = self.next_id.wrapping_add(1);
        let id = self.next_id;
        self.runs.push_back((id, run));
        let mut released = Vec::new();
        while self.runs.len() > MAX_HELD_RUNS {
            released.extend(self.runs.pop_front());
        }
        (id, released)
    }

    /// Lets go of a run; unknown ids are ignored.
    pub fn forget(&mut self, id: u32) {
        self.runs.retain(|(held, _)| *held != id);
    }

    /// The ids held, oldest first.
    pub fn ids(&self) -> Vec<u32> {
        self.runs.iter().map(|(id, _)| *id).collect()
    }

    /// Run `id`, if held.
    pub fn get(&self, id: u32) -> Option<&Run> {
        self.runs
            .iter()
            .find(|(held, _)| *held == id)
            .map(|(_, run)| run)
    }

    /// Run `id` as a `.verdict` analysis file, as `verdict save` writes it.
    pub fn save(&self, id: u32) -> Result<Vec<u8>, HeldError> {
        save_run(self.get(id).ok_or(HeldError::Forgotten { run: id })?)
    }

    /// The verdicts of `sla_text` on run `id`, as `verdict check` gives them.
    pub fn evaluate(&self, id: u32, sla_text: &str) -> Result<Vec<Verdict>, EvaluateError> {
        let (_, run) = self
            .runs
            .iter()
            .find(|(held, _)| *held == id)
            .ok_or(EvaluateError::Forgotten { run: id })?;
        let sla = load_sla("rules", sla_text).map_err(|e| EvaluateError::rules(e, sla_text))?;
        Ok(evaluate(&sla, run))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_point_at_lines() {
        let text = "title = \"x\"\n\n[[rules]]\nrule = \"p95 < 1s\"\n\n[[rules]]\nname = \"b\"\nstatistic = \"p95\"\nlimit = \"fast\"\n";
        let rule = |rule: u32, field: &'static str| SlaPosition::Rule {
            rule,
            name: None,
            field,
        };
        assert_eq!(line_of(&SlaPosition::text(4, 2), text), Some(4));
        assert_eq!(line_of(&rule(2, "limit"), text), Some(9));
        assert_eq!(line_of(&rule(1, "op"), text), Some(3));
        assert_eq!(line_of(&rule(7, "op"), text), None);
        assert_eq!(line_of(&rule(0, "op"), text), None);
        let confidence = SlaPosition::Part { part: "confidence" };
        assert_eq!(line_of(&confidence, text), None);
    }
}
