//! Every input a fuzzer found (fuzz/run saves them in tests/fuzz_regressions/, and
//! masters/tests/fuzz_regressions/ holds the loaders' older ones) goes through every fuzz
//! target's parsers: each must give a value or an error, never a panic.

#[test]
fn every_saved_fuzz_input_through_every_parser() {
    let root = santei_tests::workspace_root();
    let mut n = 0;
    for dir in ["tests/fuzz_regressions", "masters/tests/fuzz_regressions"] {
        let Ok(list) = std::fs::read_dir(root.join(dir)) else {
            continue;
        };
        for e in list {
            let p = e.unwrap().path();
            if p.is_file() && p.file_name().is_some_and(|n| n != "README.md") {
                santei_tests::fuzz::every_target(&std::fs::read(&p).unwrap());
                n += 1;
            }
        }
    }
    assert!(n >= 3, "{n} saved inputs");
}
