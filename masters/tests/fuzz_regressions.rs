//! Inputs the fuzzers found (fuzz/run): each file in tests/fuzz_regressions/ goes through
//! every loader and must produce a value or an error, never a panic.

use masters::{Schedule, TableKind, Tables};

#[test]
fn fuzz_regressions_do_not_panic() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz_regressions");
    let mut n = 0;
    for e in std::fs::read_dir(&dir).unwrap() {
        let p = e.unwrap().path();
        let bytes = std::fs::read(&p).unwrap();
        let mut s = Schedule::new();
        let _ = s.apply_full("s_ALL20240531.csv", &bytes);
        let _ = s.apply_update("s_20250307.csv", &bytes);
        let mut t = Tables::default();
        let _ = t.load(TableKind::Frequency, "05算定回数テーブル.csv", &bytes);
        let _ = masters::drugs::load_drugs("y_ALL.csv", &bytes);
        n += 1;
    }
    assert!(n >= 1);
}

#[test]
fn text_after_a_quote_is_an_error_naming_the_line() {
    let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fuzz_regressions/text-after-quote-multibyte.csv");
    let e = Schedule::new()
        .apply_full("s_ALL.csv", &std::fs::read(p).unwrap())
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("s_ALL.csv:1") && e.contains("text after the closing quote of field 2"),
        "{e}"
    );
}
