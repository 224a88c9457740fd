//! The condition language and the rule files: tier rules, add-on rules, co-payment tables.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let _ = rules::tier::TierRules::from_sources(&[("fuzz.rules", text)]);
    let _ = rules::addons::AddonRules::from_sources(&[("fuzz.toml", text)]);
    let _ = masters::pack::load_packs(&[("fuzz-pack.toml", text)]);
    if let Ok(t) = rules::copay::CopayTables::embedded() {
        let _ = t.with_local_programmes("local.toml", text);
    }
});
