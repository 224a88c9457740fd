//! The fuzz targets' boundary seeds (fuzz/seeds/<target>/: huge, negative and fractional stated
//! points, i64::MAX counts, meals/visits bounds, dates at the limits, a BOM, empty official
//! files) through their target's parsers: each must give a value or an error, never a panic.
//!
//! Before issue 18's checked arithmetic, `claim_input/points-near-decimal-max-count-2.json` and
//! `claim_input/points-decimal-max-summed.json` panicked in the engine ("Multiplication
//! overflowed", "Addition overflowed") on main at b232bb0.

#[test]
fn every_seed_through_its_target() {
    let root = santei_tests::workspace_root().join("fuzz/seeds");
    let mut n = 0;
    let mut panicked = Vec::new();
    for (target, body) in [
        ("claim_input", santei_tests::fuzz::claim_input as fn(&[u8])),
        ("receipt_input", santei_tests::fuzz::receipt_input),
        ("profile_input", santei_tests::fuzz::profile_input),
        ("master_csv", santei_tests::fuzz::master_csv),
        ("tensuhyo_tables", santei_tests::fuzz::tensuhyo_tables),
    ] {
        let mut files: Vec<_> = std::fs::read_dir(root.join(target))
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        files.sort();
        for p in files {
            let data = std::fs::read(&p).unwrap();
            if std::panic::catch_unwind(|| body(&data)).is_err() {
                panicked.push(p.display().to_string());
            }
            n += 1;
        }
    }
    assert!(n >= 20, "{n} seeds");
    assert!(panicked.is_empty(), "these seeds panic: {panicked:#?}");
}
