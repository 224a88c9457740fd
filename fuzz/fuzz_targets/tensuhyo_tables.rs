//! 医科電子点数表 table loaders (every table kind).
#![no_main]
use libfuzzer_sys::fuzz_target;
use masters::{TableKind, Tables};

fuzz_target!(|data: &[u8]| {
    let mut t = Tables::default();
    for k in [
        TableKind::Auxiliary,
        TableKind::Bundle,
        TableKind::ExclusionSameDay,
        TableKind::ExclusionSameMonth,
        TableKind::InpatientBasic,
        TableKind::Frequency,
    ] {
        let _ = t.load(k, "table.csv", data);
    }
});
