//! Co-payment receipts as JSON and TOML.
#![no_main]
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

fn engine() -> &'static calc::Engine {
    static E: OnceLock<calc::Engine> = OnceLock::new();
    E.get_or_init(|| calc::Engine::embedded().expect("embedded engine"))
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let _ = calc::api::copay(engine(), "fuzz.json", text);
    let _ = calc::api::copay(engine(), "fuzz.toml", text);
});
