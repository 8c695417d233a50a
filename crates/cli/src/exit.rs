//! Every exit status `verdict` uses, in one place (the README and `--help`
//! list the same).

/// A write to stdout or a file failed, or output could not be encoded.
pub const OUTPUT: u8 = 1;
/// `compare` / `trend --fail-on-regression` found a regression.
pub const REGRESSION: u8 = 1;
/// `check` / `report`: some rule FAILs.
pub const FAIL: u8 = 1;
/// `check` / `report`: no FAIL, but some rule INCONCLUSIVE, or every PASS on partial data.
pub const INCONCLUSIVE: u8 = 2;
/// `capacity`: the analysis ran but there is not enough evidence for an answer.
pub const NO_ANSWER: u8 = 2;
/// `compare --fail-on-regression`: the loads differ beyond the tolerance, so
/// the gate can say neither "regressed" nor "passed".
pub const NOT_COMPARABLE: u8 = 3;
/// Usage error (EX_USAGE).
pub const USAGE: u8 = 64;
/// Nothing usable in an input, or a damaged link (EX_DATAERR).
pub const DATA: u8 = 65;
/// A file not found or unreadable (EX_NOINPUT).
pub const NO_INPUT: u8 = 66;
