//! 医科電子点数表 table loaders (every table kind).
//! The body is `santei_tests::fuzz::tensuhyo_tables`, which `cargo test` also runs on every saved
//! regression input (tests/tests/fuzz_regressions.rs).
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| santei_tests::fuzz::tensuhyo_tables(data));
