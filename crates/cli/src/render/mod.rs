//! What each command prints for people: tables, Markdown, sentences. Pure
//! functions of what the core computed; no reading, no exit codes.

pub mod capacity;
pub mod comparison;
pub mod numbers;
pub mod summary;
pub mod trend;
