#![no_main]
//! `cargo +nightly fuzz run import_yaml_js`: see fuzz/README.md.

use libfuzzer_sys::fuzz_target;

#[allow(dead_code)]
#[path = "../harness.rs"]
mod harness;

fuzz_target!(|data: &[u8]| harness::import_yaml_js(data));
