//! The embedded code tables (`uke/data/*.tsv`) are byte-for-byte copies of
//! `../shared/specs/uke/*.tsv`: a change there must be copied here (and reviewed).

mod common;

#[test]
fn code_tables_equal_their_source() {
    let src = common::shared().join("specs").join("uke");
    let here = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
    let names = [
        "futan-kubun.tsv",
        "misc-codes.tsv",
        "receipt-shubetsu-ika.tsv",
        "shinryo-shikibetsu.tsv",
        "tensuhyo.tsv",
        "todofuken.tsv",
        "tokki-jiko.tsv",
    ];
    for n in names {
        let a = std::fs::read(src.join(n)).unwrap();
        let b = std::fs::read(here.join(n)).unwrap();
        assert!(a == b, "uke/data/{n} differs from ../shared/specs/uke/{n}");
    }
    // Every .tsv of the source folder is embedded.
    let mut all: Vec<String> = std::fs::read_dir(&src)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tsv"))
        .collect();
    all.sort();
    assert_eq!(all, names);
}
