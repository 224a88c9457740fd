//! The oracle files of `../shared/oracles/` read, checked and written back.
//!
//! - `receiptisan-uke/input/RECEIPTC_GAIRAI_SAMPLE.UKE` (yokenzan/receiptisan, MIT): 75 outpatient
//!   receipts of 2021-10; receiptisan's `expected-output-c987c3c/gairai_cost_list.txt` states
//!   each receipt's 請求点数 and that it equals the sum of its lines.
//! - `uke-older/9rece_v1/RECEIPTC.UKE` and `RECEIPTC_bad.UKE` (homma509/9rece_v1): 18 receipts of
//!   2020-04 in a per-receipt layout (an IR before every RE, 返戻/再請求 records, no GO, an EOF
//!   mark); `_bad` has `IR,BAD,…` on line 1.
//! - `uke-older/uke-parser/*.csv` (sosuke-hirayama/uke-parser): ORCA exports of 2018-11 to
//!   2019-01, converted to UTF-8 with LF line ends, dates in 和暦; `shika_shaho.csv` is 歯科.

mod common;
use common::*;
use uke::{DateStyle, Encoding, Item, ReadOptions};

const RECEIPTISAN: &str = "receiptisan-uke/input/RECEIPTC_GAIRAI_SAMPLE.UKE";

#[test]
fn receiptisan_every_receipt_reads_and_sums_to_its_totals() {
    let bytes = oracle(RECEIPTISAN);
    let items = items(&bytes, "RECEIPTC_GAIRAI_SAMPLE.UKE");
    assert!(errors(&items).is_empty(), "{:?}", errors(&items));
    let rs = receipts(&items);
    // The oracle README: 75 receipts.
    assert_eq!(rs.len(), 75);
    for r in &rs {
        assert!(
            r.errors.is_empty(),
            "receipt at line {}: {:?}",
            r.line,
            r.errors
        );
        let t = uke::check(&r.receipt);
        assert!(t.equal, "receipt at line {}: {t:?}", r.line);
        // Every payer record the receipt has is checked.
        assert_eq!(
            t.payers.len(),
            usize::from(r.receipt.ho.is_some()) + r.receipt.ko.len(),
            "line {}",
            r.line
        );
    }
    // Receipt 1 (lines 2–28 of the file), worked out by hand from its lines: 負担区分 2 (医保・
    // 公費1) lines 288 (111000110) + 73 + 50 + 1×2 (620098801, 回数 2) + 1 + 11 + 10 + 82 + 112 + 48
    // = 677 = KO 合計点数; 負担区分 1 (医保 only) lines 12100 (150253010) + 865 (620000402) = 12965;
    // HO = 677 + 12965 = 13642 = HO 合計点数.
    let t = uke::check(&rs[0].receipt);
    assert_eq!(t.payers[0].payer, "HO");
    assert_eq!(
        (t.payers[0].stated, t.payers[0].summed),
        (Some(13642), 13642)
    );
    assert_eq!(t.payers[1].payer, "KO1");
    assert_eq!((t.payers[1].stated, t.payers[1].summed), (Some(677), 677));
    // Receipt 4 (line 53, 公費単独 1212): KO 431 = 293 (111000110 with 111014070 in one unit)
    // + 73 + 65.
    let r4 = rs.iter().find(|r| r.receipt.re.number == 4).unwrap();
    assert!(r4.receipt.ho.is_none());
    assert_eq!(uke::check(&r4.receipt).payers[0].summed, 431);
    // The GO (last line): GO,140,86392,99 — 69 receipts with an HO count 1 + their KO (65 KO),
    // the six 公費単独 receipts their one KO: 69 + 65 + 6 = 140; Σ HO 合計点数 (81,880) + the KO of
    // the six 公費単独 receipts (431 + 343 + 569 + 2,010 + 617 + 542 = 4,512) = 86,392.
    let Some(Item::Go { line, go }) = items.last() else {
        panic!("no GO")
    };
    assert_eq!(*line, 636);
    assert_eq!((go.total_count, go.total_points), (140, 86392));
    let mut totals = uke::GoTotals::default();
    rs.iter().for_each(|r| totals.add(&r.receipt));
    assert!(uke::GoCheck::new(go, &totals).equal);
    assert_eq!((totals.count(), totals.points()), (140, 86392));
}

/// receiptisan's own per-receipt figures (`gairai_cost_list.txt`): for each receipt the カルテ
/// 番号, the main payer's number and its 請求点数 (HO, or the KO of a 公費単独 receipt), all
/// flagged `請求点数と算出合計点数一致？ true`. Ours must agree receipt by receipt.
#[test]
fn receiptisan_cost_list_cross_check() {
    let list = String::from_utf8(oracle(
        "receiptisan-uke/expected-output-c987c3c/gairai_cost_list.txt",
    ))
    .unwrap();
    let mut theirs = Vec::new();
    let mut chart = None;
    for l in list.lines() {
        if let Some(rest) = l.strip_prefix("####") {
            chart = Some(rest.split(" - ").next().unwrap().trim().to_string());
        } else if let Some(rest) = l.strip_prefix("## 保険者番号 ") {
            let mut w = rest.split_whitespace();
            let payer = w.next().unwrap().to_string();
            assert_eq!(w.next(), Some("請求点数"));
            let points: u64 = w.next().unwrap().trim_end_matches('点').parse().unwrap();
            assert!(l.ends_with("一致？ true"), "{l}");
            theirs.push((chart.take().unwrap(), payer, points));
        }
    }
    assert_eq!(theirs.len(), 75);
    let bytes = oracle(RECEIPTISAN);
    let items = items(&bytes, "x");
    let ours: Vec<(String, String, u64)> = receipts(&items)
        .iter()
        .map(|r| {
            let rc = &r.receipt;
            let chart = rc.re.chart_number.clone().unwrap();
            let chart = chart.trim_start_matches('0').to_string();
            let t = uke::check(rc);
            let main = &t.payers[0];
            assert!(main.equal);
            let payer = match &rc.ho {
                Some(h) => h.insurer_number.clone().unwrap(),
                None => rc.ko[0].payer_number.clone().unwrap(),
            };
            (chart, payer, main.summed)
        })
        .collect();
    assert_eq!(ours, theirs);
}

/// Read → write → identical bytes: the file is canonical (CRLF, IR, the records in the layout's
/// order, numbers without leading zeros, the GO as the writer computes it).
#[test]
fn receiptisan_round_trip_is_byte_identical() {
    let bytes = oracle(RECEIPTISAN);
    let items = items(&bytes, "x");
    let rs = receipts(&items);
    let written =
        uke::write_file(rs.iter().map(|r| (r.ir.as_deref().unwrap(), &r.receipt))).unwrap();
    assert!(written == bytes, "written file differs from the original");
    let again = common::items(&written, "y");
    let back = receipts(&again);
    assert_eq!(back.len(), rs.len());
    for (a, b) in rs.iter().zip(&back) {
        assert_eq!(a.receipt, b.receipt);
        assert_eq!(a.ir, b.ir);
    }
}

#[test]
fn nine_rece_reads_with_its_known_differences() {
    let bytes = oracle("uke-older/9rece_v1/RECEIPTC.UKE");
    let mut reader = uke::read_bytes(
        &bytes,
        ReadOptions {
            file: Some("RECEIPTC.UKE".into()),
            ..Default::default()
        },
    );
    let items: Vec<Item> = reader.by_ref().collect();
    let st = reader.stats().clone();
    // 1,001 CRLF-ended lines (`wc -l`) and the EOF mark alone after them; no GO; every receipt
    // has its own IR.
    assert_eq!(st.lines, 1002);
    assert!(st.eof_mark);
    assert_eq!(st.lf_only_lines, 0);
    assert!(!items.iter().any(|i| matches!(i, Item::Go { .. })));
    assert_eq!(
        items
            .iter()
            .filter(|i| matches!(i, Item::Ir { .. }))
            .count(),
        18
    );
    let rs = receipts(&items);
    assert_eq!(rs.len(), 18);
    assert!(errors(&items).is_empty());
    // DPC (GR), 臓器提供 (TI/TR/TS) and 返戻 records (JY, EX, RC, MN) are kept as text.
    let others: usize = rs.iter().map(|r| r.receipt.other.len()).sum();
    // GR 6, TI/TR/TS 1 each, JY 3, EX 37, RC 36, MN 17 (counted with `cut -d, -f1 | uniq -c`).
    assert_eq!(others, 6 + 3 + 3 + 37 + 36 + 17);
    // Receipt 17 (RE line 541) repeats HO and KO after its 摘要 (lines 606–607: the 返戻 file's
    // second HO/KO pair, not part of the 医科 claim layout): both are reported, not read.
    let bad: Vec<(u64, u64, &str)> = rs
        .iter()
        .flat_map(|r| {
            r.errors
                .iter()
                .map(move |e| (r.line, e.line, e.record.as_deref().unwrap()))
        })
        .collect();
    assert_eq!(bad, [(541, 606, "HO"), (541, 607, "KO")]);
    // Totals: every receipt's lines sum to its HO/KO 合計点数 except receipt 20 (RE line 734),
    // a 臓器提供 receipt whose donor's SY/IY/SI/TO records follow its TR record (lines 741–748):
    // the reader keeps them in the receipt, so the lines sum to the donor's 66,450 (150225910)
    // + 16×4 (610406393) + 40 (738890000) on top of the recipient's 66,658.
    for r in &rs {
        let t = uke::check(&r.receipt);
        if r.receipt.re.number == 20 {
            assert_eq!(t.payers[0].stated, Some(66658));
            assert_eq!(t.payers[0].summed, 66658 + 66450 + 16 * 4 + 40);
        } else {
            assert!(
                t.equal,
                "receipt {} at line {}: {t:?}",
                r.receipt.re.number, r.line
            );
        }
    }
    // Receipt 9 (line 2): HO 82,255; its 食事 lines (診療識別 97) are not points and are left out.
    assert_eq!(rs[0].receipt.re.number, 9);
    assert_eq!(uke::check(&rs[0].receipt).payers[0].summed, 82255);
}

#[test]
fn nine_rece_bad_names_the_field_and_reads_the_rest() {
    let good = oracle("uke-older/9rece_v1/RECEIPTC.UKE");
    let bad = oracle("uke-older/9rece_v1/RECEIPTC_bad.UKE");
    let gi = items(&good, "RECEIPTC.UKE");
    let bi = items(&bad, "RECEIPTC_bad.UKE");
    let e = errors(&bi);
    assert_eq!(e.len(), 1);
    assert_eq!(
        e[0].to_string(),
        "RECEIPTC_bad.UKE line 1, IR field 2 (審査支払機関): \"BAD\" is not a code of 審査支払機関 (misc-codes.tsv)"
    );
    assert_eq!(e[0].value.as_deref(), Some("BAD"));
    assert_eq!(e[0].field.as_ref().unwrap().number, 2);
    // Every receipt still reads, identical to the good file's; only the first lacks its IR.
    let (g, b) = (receipts(&gi), receipts(&bi));
    assert_eq!(b.len(), 18);
    assert!(b[0].ir.is_none());
    for (x, y) in g.iter().zip(&b) {
        assert_eq!(x.receipt, y.receipt);
        assert_eq!(x.errors.len(), y.errors.len());
    }
    assert_eq!(
        g[1..].iter().map(|r| &r.ir).collect::<Vec<_>>(),
        b[1..].iter().map(|r| &r.ir).collect::<Vec<_>>()
    );
}

/// Read → write → read: the same receipts (the file itself is not canonical: one IR per
/// receipt, no GO, an EOF mark; the writer writes one IR and a GO).
#[test]
fn nine_rece_round_trip() {
    let bytes = oracle("uke-older/9rece_v1/RECEIPTC.UKE");
    let a = items(&bytes, "a");
    let ra = receipts(&a);
    // Receipt 17 has read errors (its second HO/KO); the writer is given the rest.
    let ok: Vec<_> = ra.iter().filter(|r| r.errors.is_empty()).collect();
    assert_eq!(ok.len(), 17);
    let written =
        uke::write_file(ok.iter().map(|r| (r.ir.as_deref().unwrap(), &r.receipt))).unwrap();
    let b = items(&written, "b");
    assert!(errors(&b).is_empty());
    let rb = receipts(&b);
    assert_eq!(rb.len(), 17);
    for (x, y) in ok.iter().zip(&rb) {
        assert_eq!(x.receipt, y.receipt);
        assert_eq!(x.ir, y.ir);
        assert!(y.errors.is_empty());
    }
    assert_eq!(b.iter().filter(|i| matches!(i, Item::Ir { .. })).count(), 1);
}

fn read_utf8(rel: &str) -> (Vec<Item>, uke::Stats) {
    let bytes = oracle(rel);
    let mut r = uke::read_bytes(
        &bytes,
        ReadOptions {
            file: Some(rel.into()),
            encoding: Encoding::Utf8,
        },
    );
    let items: Vec<Item> = r.by_ref().collect();
    (items, r.stats().clone())
}

const ORCA: [&str; 11] = [
    "01.csv",
    "02.csv",
    "03.csv",
    "04.csv",
    "05.csv",
    "kokuho_201811.csv",
    "kokuho_201812.csv",
    "kokuho_201901.csv",
    "shaho_201811.csv",
    "shaho_201812.csv",
    "shaho_201901.csv",
];

/// The ORCA 医科 exports: 和暦 dates, LF line ends, UTF-8; every receipt reads, sums to its
/// totals, and each file's GO equals the GO rule applied to its receipts.
#[test]
fn orca_exports_read() {
    let mut total = 0;
    for f in ORCA {
        let rel = format!("uke-older/uke-parser/{f}");
        let (items, st) = read_utf8(&rel);
        assert!(errors(&items).is_empty(), "{f}: {:?}", errors(&items));
        assert_eq!(st.lf_only_lines, st.lines, "{f}: LF line ends throughout");
        let Some(Item::Ir { ir, .. }) = items.first() else {
            panic!("{f}: no IR first")
        };
        assert_eq!(ir.date_style, DateStyle::Wareki);
        let rs = receipts(&items);
        let mut go_totals = uke::GoTotals::default();
        for r in &rs {
            assert!(r.errors.is_empty(), "{f}: {:?}", r.errors);
            assert!(uke::check(&r.receipt).equal, "{f} line {}", r.line);
            go_totals.add(&r.receipt);
        }
        let Some(Item::Go { go, .. }) = items.last() else {
            panic!("{f}: no GO last")
        };
        assert!(uke::GoCheck::new(go, &go_totals).equal, "{f}: {go:?}");
        total += rs.len();
    }
    assert_eq!(total, 7 + 10 + 7 + 10 + 7 + 7 + 4 + 9 + 27 + 20 + 26);
    // 01.csv line 1: IR 請求年月 43101 = 平成31年1月; line 2: RE 生年月日 4070208 = 平成7年2月8日.
    let (items, _) = read_utf8("uke-older/uke-parser/01.csv");
    let Item::Ir { ir, .. } = &items[0] else {
        panic!()
    };
    assert_eq!(ir.billing_month.to_string(), "2019-01");
    let r = receipts(&items)[0];
    assert_eq!(r.receipt.re.birth_date.to_string(), "1995-02-08");
    assert_eq!(r.receipt.re.service_month.to_string(), "2019-01");
    // HO 保険者番号 "  133066": a 6-digit 国保 number padded to 8 with spaces, kept as written.
    assert_eq!(
        r.receipt.ho.as_ref().unwrap().insurer_number.as_deref(),
        Some("  133066")
    );
}

/// ORCA round trip: written in CP932/CRLF with 和暦 dates, the files are the originals
/// converted (UTF-8 → CP932, LF → CRLF) — except kokuho_201811.csv, whose RE 氏名 on line 9 holds
/// U+2212 MINUS SIGN (a JIS-style conversion of 0x817C, which CP932 decodes as U+FF0D): the
/// writer refuses to write it rather than change the character.
#[test]
fn orca_round_trip() {
    for f in ORCA {
        let rel = format!("uke-older/uke-parser/{f}");
        let (items, _) = read_utf8(&rel);
        let rs = receipts(&items);
        let res = uke::write_file(rs.iter().map(|r| (r.ir.as_deref().unwrap(), &r.receipt)));
        if f == "kokuho_201811.csv" {
            let e = res.unwrap_err().to_string();
            assert_eq!(
                e,
                "receipt 2 (RE レセプト番号 2): RE field 5 (氏名): \"ＱＡ２０１８１１０６−４\" holds '−' (U+2212), which CP932 cannot write exactly"
            );
            continue;
        }
        let written = res.unwrap();
        let original = String::from_utf8(oracle(&rel))
            .unwrap()
            .replace('\n', "\r\n");
        let (want, _, bad) = encoding_rs::SHIFT_JIS.encode(&original);
        assert!(!bad);
        assert!(written == want.as_ref(), "{f}: written file differs");
        let back = common::items(&written, "b");
        let rb = receipts(&back);
        assert_eq!(rb.len(), rs.len());
        for (x, y) in rs.iter().zip(&rb) {
            assert_eq!(x.receipt, y.receipt, "{f}");
            assert_eq!(x.ir, y.ir, "{f}");
        }
    }
}

/// The 歯科 export: each of its three IRs names 点数表 3 — one error each, the rest skipped.
#[test]
fn orca_dental_is_refused_clearly() {
    let (items, st) = read_utf8("uke-older/uke-parser/shika_shaho.csv");
    assert!(receipts(&items).is_empty());
    let e: Vec<String> = errors(&items).iter().map(|e| e.to_string()).collect();
    assert_eq!(e.len(), 4, "{e:#?}");
    // Line 1 is the dental UK record, unknown to the 医科 layout.
    assert!(
        e[0].starts_with(
            "uke-older/uke-parser/shika_shaho.csv line 1, UK field 1 (レコード識別情報): \"UK\""
        ),
        "{}",
        e[0]
    );
    assert!(e[1].contains("line 2, IR field 4 (点数表): \"3\" is 点数表 歯科: this reader knows the 医科 layout only"), "{}", e[1]);
    assert!(
        e[1].ends_with("7 following line(s) skipped (3–9)"),
        "{}",
        e[1]
    );
    assert_eq!(st.skipped_lines, 7 + 9 + 8);
}
