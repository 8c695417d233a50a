//! `verdict`: the command-line face of verdict-core. This file is glue:
//! parse the arguments, run the command (`commands/`), exit with its status.

mod args;
mod commands;
mod exit;
mod inputs;
mod render;

use std::process::ExitCode;

use args::{Command, USAGE};
use commands::{capacity, check, compare, export, save, share, summary, trend};
use verdict_core::formats::listing;

fn main() -> ExitCode {
    match args::parse(std::env::args().skip(1)) {
        Err(msg) => {
            eprintln!("verdict: {msg}\n\n{USAGE}");
            ExitCode::from(exit::USAGE)
        }
        Ok(Command::Help) => {
            print!("{USAGE}");
            ExitCode::SUCCESS
        }
        Ok(Command::Formats) => {
            print!("{}", listing());
            ExitCode::SUCCESS
        }
        Ok(Command::Summary(a)) => summary::run(&a),
        Ok(Command::Compare(a)) => compare::run(&a),
        Ok(Command::Trend(a)) => trend::run(&a),
        Ok(Command::Share(a)) => share::run(&a),
        Ok(Command::Save(a)) => save::run(&a),
        Ok(Command::Export(a)) => export::run(&a),
        Ok(Command::Capacity(a)) => capacity::run(&a),
        Ok(Command::Check(a)) => check::check(&a),
        Ok(Command::Report(a)) => check::report(&a),
    }
}
