//! The official master files load and answer dated questions as the acceptance criteria state
//! (values checked against the files in ../shared/masters/ika by hand: see each comment).

use masters::{Code, Schedule};
use rust_decimal::Decimal;
use santei_tests::{date, ika_dir, official};

fn code(s: &str) -> Code {
    Code::parse(s).unwrap()
}

fn points(ds: &Schedule, c: &str, d: &str) -> Decimal {
    ds.lookup(code(c), date(d)).unwrap().record().points
}

#[test]
fn dx_codes_on_their_dates() {
    let s = &official().schedule;
    // s_20240306.csv: 111703370 新規 8.00 from 20240601.
    let e = s.lookup(code("111703370"), date("2024-06-01")).unwrap();
    assert_eq!(e.record().points, Decimal::from(8));
    assert_eq!(e.record().name, "医療ＤＸ推進体制整備加算（初診）");
    // s_20240823/s_20240902: renamed 加算３ from 2024-10-01.
    assert_eq!(
        s.lookup(code("111703370"), date("2024-10-01"))
            .unwrap()
            .record()
            .name,
        "医療ＤＸ推進体制整備加算３（初診）"
    );
    // s_20250307.csv: renamed 加算６ from 2025-04-01, still 8.
    let e = s.lookup(code("111703370"), date("2025-04-01")).unwrap();
    assert_eq!(e.record().name, "医療ＤＸ推進体制整備加算６（初診）");
    assert_eq!(e.record().points, Decimal::from(8));
    // 111703470: new from 2024-10-01 at 11; 10 from 2025-04-01 (s_20250307.csv).
    let err = s.lookup(code("111703470"), date("2024-09-30")).unwrap_err();
    assert!(err.to_string().contains("2024-10-01"), "{err}");
    assert_eq!(points(s, "111703470", "2024-10-01"), Decimal::from(11));
    assert_eq!(points(s, "111703470", "2025-04-01"), Decimal::from(10));
    // 111015970: s_20220912 4.00 from 20221001; s_20230201 6.00 from 20230401;
    // s_20231220 4.00 from 20240101; s_20240306 廃止 20240531.
    assert_eq!(points(s, "111015970", "2022-10-01"), Decimal::from(4));
    assert_eq!(points(s, "111015970", "2023-06-15"), Decimal::from(6));
    assert_eq!(points(s, "111015970", "2024-02-01"), Decimal::from(4));
    let err = s.lookup(code("111015970"), date("2024-06-01")).unwrap_err();
    assert!(err.to_string().contains("to 2024-05-31"), "{err}");
}

#[test]
fn load_report_lists_files_in_order() {
    let ds = official();
    let names: Vec<&str> = ds.files.iter().map(|f| f.file.as_str()).collect();
    assert_eq!(names[0], "s_ALL20220218.csv");
    let i2024 = names
        .iter()
        .position(|n| *n == "s_ALL20240531.csv")
        .unwrap();
    let i0530 = names.iter().position(|n| *n == "s_20240530.csv").unwrap();
    let i0621 = names.iter().position(|n| *n == "s_20240621.csv").unwrap();
    assert!(i0530 < i2024 && i2024 < i0621);
    assert!(ika_dir().join("s_20250901.csv").exists());
    assert_eq!(names.iter().filter(|n| n.starts_with("s_2")).count(), 78);
}
