//! The condition language and the rule files: tier rules, add-on rules, packs, local programmes, co-payment tables.
//! The body is `santei_tests::fuzz::rule_language`, which `cargo test` also runs on every saved
//! regression input (tests/tests/fuzz_regressions.rs).
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| santei_tests::fuzz::rule_language(data));
