//! One file per command: its arguments, parsing them, and running it (read
//! the files, call the core, print through [`crate::render`], return an
//! exit status from [`crate::exit`]).

pub mod capacity;
pub mod check;
pub mod compare;
pub mod export;
pub mod save;
pub mod share;
pub mod summary;
pub mod trend;
