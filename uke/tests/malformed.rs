//! Malformed input: each error names the line, the record type, the field (number and
//! Japanese name) and the value; the receipt holding the record is marked, every other receipt
//! reads exactly as from the clean file, and nothing panics.
//!
//! The inputs are the receiptisan sample (`../shared/oracles/receiptisan-uke/input/
//! RECEIPTC_GAIRAI_SAMPLE.UKE`, 75 receipts) with one line changed. Its receipt 1 is lines 2–31,
//! receipt 2 starts on line 32; line 8 is `SI,11,2,111000110,,288,1,…` (初診料), line 6
//! `SY,0000999,20210909,1,,テスト,,`.

mod common;
use common::*;
use uke::{Item, ReadError};

/// The sample with line `n` (1-based) replaced by `text`, as CP932.
fn with_line(n: usize, text: &str) -> Vec<u8> {
    let mut lines = receiptisan_lines();
    lines[n - 1] = text.to_string();
    cp932(&lines.iter().map(String::as_str).collect::<Vec<_>>())
}

fn clean() -> Vec<Item> {
    items(
        &cp932(
            &receiptisan_lines()
                .iter()
                .map(String::as_str)
                .collect::<Vec<_>>(),
        ),
        "S.UKE",
    )
}

/// The one error of receipt `number` (all others clean and equal to the clean read).
fn only_error_in(items: &[Item], number: u32) -> ReadError {
    let c = clean();
    let clean = receipts(&c);
    let rs = receipts(items);
    assert_eq!(rs.len(), 75, "every receipt still reads");
    assert!(errors(items).is_empty(), "{:?}", errors(items));
    let mut found = None;
    for (r, c) in rs.iter().zip(&clean) {
        if r.receipt.re.number == number {
            assert_eq!(r.errors.len(), 1, "{:?}", r.errors);
            found = Some(r.errors[0].clone());
        } else {
            assert!(r.errors.is_empty());
            assert_eq!(
                r.receipt, c.receipt,
                "receipt {} unchanged",
                c.receipt.re.number
            );
        }
    }
    found.expect("the receipt")
}

fn field(e: &ReadError) -> (u16, &str) {
    let f = e.field.as_ref().expect("field");
    (f.number, f.name.as_str())
}

#[test]
fn bad_date() {
    // 2021-09-31 does not exist.
    let items = items(&with_line(6, "SY,0000999,20210931,1,,テスト,,"), "S.UKE");
    let e = only_error_in(&items, 1);
    assert_eq!(e.line, 6);
    assert_eq!(e.record.as_deref(), Some("SY"));
    assert_eq!(field(&e), (3, "診療開始日"));
    assert_eq!(e.value.as_deref(), Some("20210931"));
    assert_eq!(
        e.to_string(),
        "S.UKE line 6, SY field 3 (診療開始日): \"20210931\" is not a calendar date (2021-09-31)"
    );
    // The SY is left out; the receipt's two other SY remain.
    let r = receipts(&items)[0];
    assert_eq!(r.receipt.sy.len(), 2);
}

#[test]
fn non_numeric_points() {
    let line = "SI,11,2,111000110,,28八,1,,,,,,,1,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,";
    let items = items(&with_line(8, line), "S.UKE");
    let e = only_error_in(&items, 1);
    assert_eq!((e.line, e.record.as_deref()), (8, Some("SI")));
    assert_eq!(field(&e), (6, "点数"));
    assert_eq!(e.value.as_deref(), Some("28八"));
    assert!(e.reason.contains("not a number"), "{e}");
    // The line is left out of the receipt: its totals no longer agree (288 points missing).
    let r = receipts(&items)[0];
    let t = uke::check(&r.receipt);
    assert_eq!(t.payers[0].summed, 13642 - 288);
    assert!(!t.equal);
}

#[test]
fn unknown_record_type() {
    let items = items(&with_line(9, "ZZ,12,2,112007410"), "S.UKE");
    let e = only_error_in(&items, 1);
    assert_eq!((e.line, e.record.as_deref()), (9, Some("ZZ")));
    assert_eq!(field(&e), (1, "レコード識別情報"));
    assert_eq!(e.value.as_deref(), Some("ZZ"));
    assert!(e.reason.contains("not a record type"), "{e}");
}

#[test]
fn truncated_record() {
    // An SI cut after its 10th field (the layout has 44).
    let items = items(&with_line(9, "SI,12,2,112007410,,73,1,,,"), "S.UKE");
    let e = only_error_in(&items, 1);
    assert_eq!((e.line, e.record.as_deref()), (9, Some("SI")));
    assert_eq!(field(&e), (11, "文字データ2"));
    assert_eq!(e.value, None);
    assert_eq!(
        e.reason,
        "missing: the record is truncated (10 fields, the layout has 44)"
    );
}

#[test]
fn one_field_too_many() {
    let items = items(
        &with_line(4, "KO,83136019,1111111,,1,677,1354,,,,,,X"),
        "S.UKE",
    );
    let e = only_error_in(&items, 1);
    assert_eq!((e.line, e.record.as_deref()), (4, Some("KO")));
    assert_eq!(field(&e), (13, "?"));
    assert_eq!(e.value.as_deref(), Some("X"));
}

#[test]
fn invalid_cp932_bytes() {
    // Line 33 (receipt 2's HO): 被保険者証の記号 "６４４４０７１８" gets a lone lead byte 0x81
    // followed by a comma (0x81 0x2C is not CP932).
    let mut lines = receiptisan_lines();
    lines[32] = "HO,01130012,@@,７,1,276,,,,,,,,,".into();
    let mut bytes = cp932(&lines.iter().map(String::as_str).collect::<Vec<_>>());
    let at = bytes.windows(2).position(|w| w == b"@@").unwrap();
    bytes[at] = 0x81;
    bytes[at + 1] = 0xFF;
    let items = items(&bytes, "S.UKE");
    let e = only_error_in(&items, 2);
    assert_eq!((e.line, e.record.as_deref()), (33, Some("HO")));
    assert_eq!(field(&e), (3, "被保険者証（手帳）等の記号"));
    assert_eq!(e.value.as_deref(), Some("<81><FF>"));
    assert_eq!(
        e.to_string(),
        "S.UKE line 33, HO field 3 (被保険者証（手帳）等の記号): \"<81><FF>\" holds bytes that are not CP932 (at byte 1 of the field)"
    );
    assert_eq!(
        e.reason,
        "holds bytes that are not CP932 (at byte 1 of the field)"
    );
    assert!(receipts(&items)[1].receipt.ho.is_none());
}

#[test]
fn code_not_in_a_closed_table() {
    // 負担区分 A is not in futan-kubun.tsv; 診療識別 15 not in shinryo-shikibetsu.tsv.
    let items1 = items(
        &with_line(
            8,
            "SI,11,A,111000110,,288,1,,,,,,,1,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,",
        ),
        "S.UKE",
    );
    let e = only_error_in(&items1, 1);
    assert_eq!(field(&e), (3, "負担区分"));
    assert_eq!(e.reason, "is not a code of 負担区分 (futan-kubun.tsv)");
    let items2 = items(
        &with_line(
            8,
            "SI,15,2,111000110,,288,1,,,,,,,1,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,",
        ),
        "S.UKE",
    );
    let e = only_error_in(&items2, 1);
    assert_eq!(field(&e), (2, "診療識別"));
    assert_eq!(e.value.as_deref(), Some("15"));
}

#[test]
fn malformed_re_skips_its_receipt_only() {
    // Receipt 2's RE with 生年月日 19910132.
    let items = items(
        &with_line(
            32,
            "RE,2,1112,202110,カキクケコ,1,19910132,,,,,,,00698,,,,,,,,,,,,,,,,,,,,,,,カキクケコ,",
        ),
        "S.UKE",
    );
    let e = errors(&items);
    assert_eq!(e.len(), 1);
    assert_eq!((e[0].line, e[0].record.as_deref()), (32, Some("RE")));
    assert_eq!(field(e[0]), (7, "生年月日"));
    assert_eq!(
        e[0].reason,
        "is not a calendar date (1991-01-32); the receipt cannot be read without its RE; 6 following line(s) skipped (33–38)"
    );
    let rs = receipts(&items);
    assert_eq!(rs.len(), 74);
    assert!(rs
        .iter()
        .all(|r| r.errors.is_empty() && r.receipt.re.number != 2));
}

#[test]
fn too_long_line() {
    let long = format!("CO,,2,810000001,{}", "あ".repeat(9000));
    let items = items(&with_line(11, &long), "S.UKE");
    let e = only_error_in(&items, 1);
    assert_eq!((e.line, e.record.as_deref()), (11, Some("CO")));
    assert_eq!(
        e.reason,
        "the line is 18016 bytes long, more than the 16384-byte limit; not read"
    );
}

#[test]
fn records_outside_a_receipt() {
    let mut lines = receiptisan_lines();
    lines.insert(1, "HO,01010016,１,１,1,13642,,,,,,,,,".into());
    let items = items(
        &cp932(&lines.iter().map(String::as_str).collect::<Vec<_>>()),
        "S.UKE",
    );
    let e = errors(&items);
    assert_eq!(e.len(), 1);
    assert_eq!((e[0].line, e[0].record.as_deref()), (2, Some("HO")));
    assert_eq!(e[0].reason, "record outside a receipt (no RE before it)");
    assert_eq!(receipts(&items).len(), 75);
}

#[test]
fn first_tekiyo_without_shinryo_shikibetsu() {
    let items = items(
        &with_line(
            8,
            "SI,,2,111000110,,288,1,,,,,,,1,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,",
        ),
        "S.UKE",
    );
    let e = only_error_in(&items, 1);
    assert_eq!((e.line, e.record.as_deref()), (8, Some("SI")));
    assert_eq!(field(&e), (2, "診療識別"));
    // The record itself is read; it has no 診療識別 in effect.
    let r = receipts(&items)[0];
    assert_eq!(r.receipt.details[0].effective_category(), None);
    assert_eq!(r.receipt.details[1].effective_category(), Some("12"));
}

#[test]
fn empty_line_and_control_characters() {
    let items1 = items(&with_line(9, ""), "S.UKE");
    let e = only_error_in(&items1, 1);
    assert_eq!((e.line, e.reason.as_str()), (9, "empty line (no record)"));
    let items2 = items(&with_line(6, "SY,0000999,20210909,1,,テ\tスト,,"), "S.UKE");
    let e = only_error_in(&items2, 1);
    assert_eq!(field(&e), (6, "傷病名称"));
    assert_eq!(e.reason, "holds a control character (U+0009)");
    assert_eq!(
        e.to_string(),
        "S.UKE line 6, SY field 6 (傷病名称): \"テ\\u{0009}スト\" holds a control character (U+0009)"
    );
}

/// LF line ends and a missing last line end are accepted (and counted); the receipts are the
/// same as from the CRLF file.
#[test]
fn lf_line_ends_and_no_final_line_end() {
    let crlf = oracle("receiptisan-uke/input/RECEIPTC_GAIRAI_SAMPLE.UKE");
    let mut lf: Vec<u8> = Vec::new();
    for w in crlf.split(|&b| b == b'\n') {
        lf.extend_from_slice(w.strip_suffix(b"\r").unwrap_or(w));
        lf.push(b'\n');
    }
    lf.truncate(lf.len() - 2); // no line end after the GO
    let mut r = uke::read_bytes(&lf, Default::default());
    let a: Vec<Item> = r.by_ref().collect();
    assert_eq!(r.stats().lf_only_lines, 635);
    assert_eq!(r.stats().lines, 636);
    assert!(errors(&a).is_empty());
    let b = items(&crlf, "x");
    assert_eq!(a.len(), b.len());
    for (x, y) in receipts(&a).iter().zip(receipts(&b)) {
        assert_eq!(x.receipt, y.receipt);
    }
    assert!(matches!(a.last(), Some(Item::Go { line: 636, .. })));
}

/// The streaming reader over a `BufRead` (in small chunks) yields exactly what the slice reader
/// yields, including the too-long line.
#[test]
fn buf_reader_equals_slice_reader() {
    let long = format!("CO,,2,810000001,{}", "い".repeat(9000));
    let bytes = with_line(11, &long);
    let a: Vec<Item> = uke::read_bytes(&bytes, Default::default()).collect();
    let b: Vec<Item> = uke::read_buf(
        std::io::BufReader::with_capacity(7, &bytes[..]),
        Default::default(),
    )
    .collect();
    assert_eq!(a, b);
}

/// Nothing panics on arbitrary bytes, and every line is either in a receipt, an item, or an error.
#[test]
fn garbage_does_not_panic() {
    let mut bytes = oracle("receiptisan-uke/input/RECEIPTC_GAIRAI_SAMPLE.UKE");
    let mut x: u32 = 12345;
    for _ in 0..2000 {
        x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
        let i = (x as usize >> 3) % bytes.len();
        bytes[i] = (x >> 16) as u8;
        let _ = uke::read_bytes(&bytes, Default::default()).count();
    }
}

/// An RE whose bytes do not decode still ends the receipt before it: its own records are
/// skipped, not added to the previous receipt.
#[test]
fn undecodable_re_skips_its_receipt_only() {
    let mut lines = receiptisan_lines();
    lines[31] = lines[31].replace("カキクケコ,1,", "@@,1,");
    let mut bytes = cp932(&lines.iter().map(String::as_str).collect::<Vec<_>>());
    let at = bytes.windows(2).position(|w| w == b"@@").unwrap();
    bytes[at] = 0xEF;
    bytes[at + 1] = 0x2F;
    let items = items(&bytes, "S.UKE");
    let e = errors(&items);
    assert_eq!(e.len(), 1);
    assert_eq!((e[0].line, e[0].record.as_deref()), (32, Some("RE")));
    assert_eq!(field(e[0]), (5, "氏名"));
    assert!(
        e[0].reason.ends_with(
            "the receipt cannot be read without its RE; 6 following line(s) skipped (33–38)"
        ),
        "{}",
        e[0]
    );
    let rs = receipts(&items);
    assert_eq!(rs.len(), 74);
    let c = clean();
    assert_eq!(
        rs[0].receipt,
        receipts(&c)[0].receipt,
        "receipt 1 gets none of receipt 2's records"
    );
    assert!(rs.iter().all(|r| r.errors.is_empty()));
}

/// A malformed GO is reported; the receipts before it are complete.
#[test]
fn malformed_go() {
    let lines = receiptisan_lines();
    let n = lines.len();
    let items = items(&with_line(n, "GO,140,8６392,99"), "S.UKE");
    let e = errors(&items);
    assert_eq!(e.len(), 1);
    assert_eq!((e[0].line, e[0].record.as_deref()), (636, Some("GO")));
    assert_eq!(field(e[0]), (3, "総合計点数"));
    assert_eq!(receipts(&items).len(), 75);
    assert!(receipts(&items).iter().all(|r| r.errors.is_empty()));
    assert!(!items.iter().any(|i| matches!(i, Item::Go { .. })));
}
