//! 医科診療行為マスター loaders: full file, then the same bytes as an update file; 医薬品, 特定器材.
//! The body is `santei_tests::fuzz::master_csv`, which `cargo test` also runs on every saved
//! regression input (tests/tests/fuzz_regressions.rs).
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| santei_tests::fuzz::master_csv(data));
