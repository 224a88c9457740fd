//! The receipt rules (rules/data/receipt) against the official R6 医科診療行為マスター and 電子点数表
//! tables in ../shared: every explicit code exists on the set's dates, every 告示区分 pattern
//! takes at least one code, and the まるめ sets taken by the master's 包括対象検査 are exactly the
//! 告示57 item ranges they stand for.

use calc::line_facts as facts;
use masters::value::OutpatientMgmt;
use masters::{Code, ProcedureRecord};
use rules::receipt::{LineFacts, ReceiptRules};
use santei_tests::{date, official};

/// The last date of the R6 period the official files describe (s_20250901 is the newest update).
const R6_DAYS: [&str; 3] = ["2024-06-01", "2024-12-01", "2025-09-01"];

#[test]
fn explicit_codes_exist_in_the_official_master() {
    let ds = official();
    let r = ReceiptRules::embedded().unwrap();
    let mut checked = 0;
    for s in &r.sets {
        for c in &s.codes {
            let code = Code(c.parse().unwrap());
            // The first R6 day the set is in force on and the master has the code.
            let ok = R6_DAYS
                .iter()
                .map(|d| date(d))
                .filter(|d| s.from <= *d && s.to.is_none_or(|t| *d <= t))
                .any(|d| ds.schedule.lookup(code, d).is_ok());
            assert!(
                ok,
                "set {}: {c} is not in the official master on any of {R6_DAYS:?}",
                s.id
            );
            checked += 1;
        }
    }
    assert!(checked > 300, "{checked}");
}

#[test]
fn every_kubun_pattern_takes_a_code() {
    let ds = official();
    let r = ReceiptRules::embedded().unwrap();
    let day = date("2025-09-01");
    let records: Vec<&ProcedureRecord> = ds
        .schedule
        .codes()
        .into_iter()
        .filter_map(|c| ds.schedule.lookup(c, day).ok())
        .map(|e| e.record())
        .collect();
    for s in r.sets.iter().filter(|s| s.from <= day) {
        for k in &s.kubun {
            let p = rules::receipt::KubunPattern::parse(k).unwrap();
            let n = records.iter().filter(|rec| p.matches(&facts(rec))).count();
            // Patterns of the R8 lists name 区分 that may be new; R6 sets must all match.
            if s.to.is_some() || s.from < date("2026-06-01") {
                assert!(
                    n > 0,
                    "set {}: kubun {k} takes no code of the R6 master",
                    s.id
                );
            }
        }
    }
}

/// 包括対象検査 (項番16) as the まるめ sets read it, against the 告示57 ranges
/// (r6-2024/ika-tensuhyo-kokuji57.txt): Ｄ００７ 注 「１から８まで」 (8747), Ｄ００８ 注 「12から51まで」
/// (8822), Ｄ００９ 注２ 「２から36まで」 (8873), Ｄ００６ 注 「13から32まで」 (8551), Ｄ０１３ 注 「３から14
/// まで」 (9030), Ｄ０１４ 注１ 「10から16まで、18、19、23及び37」 (9094), Ｄ０１２ 11 (8936), Ｄ０１２ 44
/// (8980), Ｄ０１５ 13 (9115), Ｄ２８７ (10030). The master also marks the 「その他」 items of Ｄ００１
/// 21 and Ｄ００４ 18, priced 「Ｄ００７…の例により」 with 「当該区分の注についても同様に準用する」
/// (8407-8412, 8458-8465): those may be members beyond the range, nothing else may.
#[test]
fn marume_sets_are_the_kokuji_ranges() {
    let ds = official();
    let r = ReceiptRules::embedded().unwrap();
    let cases: &[(&str, &[&str])] = &[
        ("marume_seika1", &["D007:1-8"]),
        ("marume_naibunpitsu", &["D008:12-51"]),
        ("marume_tumor_marker", &["D009:2-36"]),
        ("marume_coagulation", &["D006:13-32"]),
        ("marume_hepatitis", &["D013:3-14"]),
        (
            "marume_autoantibody",
            &["D014:10-16", "D014:18-19", "D014:23", "D014:37"],
        ),
        ("virus_antibody", &["D012:11"]),
        ("globulin_class_antibody", &["D012:44"]),
        ("specific_ige", &["D015:13"]),
        ("endocrine_load", &["D287"]),
    ];
    let mut extras = 0;
    for day in ["2024-06-01", "2025-09-01"].map(date) {
        for c in ds.schedule.codes() {
            let Ok(e) = ds.schedule.lookup(c, day) else {
                continue;
            };
            let rec = e.record();
            // Base items only: the 注加算 of a 区分 (e.g. 入院時初回加算, Ｄ００７ 項番66) are not tests.
            if rec.notice_class2 == 7 {
                continue;
            }
            let f = facts(rec);
            for (set, ranges) in cases {
                let by_master = r.contains(set, &f, day);
                let by_kokuji = ranges
                    .iter()
                    .any(|k| rules::receipt::KubunPattern::parse(k).unwrap().matches(&f));
                let jun_yo = ["D001:21", "D004:18"]
                    .iter()
                    .any(|k| rules::receipt::KubunPattern::parse(k).unwrap().matches(&f));
                if jun_yo && by_master {
                    extras += 1;
                    continue;
                }
                assert_eq!(by_master, by_kokuji, "{day} {set}: {} {}", c.0, rec.name);
            }
        }
    }
    assert!(extras > 0, "the 準用 items are marked");
}

/// The tables santei holds still load under the stricter row checks (予備, 特例条件, names,
/// 包括単位), and the rules find what a receipt hits: 外来管理加算 with 創傷処置 (外来管理加算区分 1).
#[test]
fn rules_of_official_lines() {
    let ds = official();
    assert!(ds.tables.has(masters::TableKind::Auxiliary));
    let r = ReceiptRules::embedded().unwrap();
    let day = date("2025-02-12");
    let rec = |c: u32| ds.schedule.lookup(Code(c), day).unwrap().record();
    let wound = rec(140000610); // 創傷処置（１００ｃｍ２未満）
    assert_eq!(wound.outpatient_mgmt, OutpatientMgmt::Blocks);
    assert!(r.contains("gairai_kanri_ng", &facts(wound), day));
    assert!(r.contains("a002_procedures", &facts(wound), day));
    assert!(
        !r.contains("a002_procedures", &facts(rec(140000810)), day),
        "500cm² and more is not included"
    );
    let hba1c = rec(160010010);
    assert!(
        !r.contains("a002_tests", &facts(hba1c), day),
        "ＨｂＡ１ｃ is excluded by 注６ ハ"
    );
    assert!(
        r.contains("a002_tests", &facts(rec(160008010)), day),
        "末梢血液一般検査"
    );
    // 外来迅速検体検査加算 (Ｄ０００ 項番0) stays billable with 外来診療料.
    assert!(!r.contains("a002_tests", &facts(rec(160177770)), day));
    // The 生体検査 逓減: ＥＣＧ１２ and ＥＣＧ（６誘導以上） share 包括逓減区分 34.
    let ecg12 = rec(160068410);
    let ecg6 = rec(160068510);
    assert_eq!((ecg12.bundled_tapering, ecg6.bundled_tapering), (34, 34));
    assert!(r.contains("seitai_circulation", &facts(ecg12), day));
}

/// A recovered real 03-1 row plugs into the engine's 1日 背反 (ExclusionScope::SameDay): 人格検査
/// (160085610) and 人格検査（極複雑） (160085810), 背反区分 3 (何れか一方), R6 03-1 as recovered in
/// ../shared/oracles/tensuhyo-r6-fragments/03-1-partial-rows-recovered.tsv. Without 03-1 the
/// engine says it did not check; with it, the second line is refused.
#[test]
fn a_loaded_03_1_refuses_a_same_day_pair() {
    use calc::Engine;
    let claim = serde_json::json!({
        "date": "2025-02-12",
        "patient": {"birth_date": "1980-04-01"},
        "facility": {"kind": "clinic"},
        "items": [{"code": "112007410"}, {"code": "160085610"}, {"code": "160085810"}],
        "history": [],
    });
    let c = api::parse::claim("c.json", &claim.to_string()).unwrap();
    let mut ds =
        masters::Dataset::load_dirs(&[santei_tests::ika_dir(), santei_tests::tensuhyo_dir()])
            .unwrap();
    let without =
        serde_json::to_value(Engine::with_data(ds.clone()).unwrap().calc(&c).unwrap()).unwrap();
    assert!(
        without["errors"].as_array().unwrap().is_empty(),
        "{without}"
    );
    assert!(
        without["warnings"].to_string().contains("03-1"),
        "the missing table is named: {}",
        without["warnings"]
    );
    let rows = "\"0\",\"160085610\",\"人格検査\",\"160085810\",\"人格検査（極複雑）\",\"3\",\"0\",\"0\",\"20100401\",\"99999999\"\r\n\"0\",\"160085810\",\"人格検査（極複雑）\",\"160085610\",\"人格検査\",\"3\",\"0\",\"0\",\"20100401\",\"99999999\"\r\n";
    let (bytes, _, _) = encoding_rs::SHIFT_JIS.encode(rows);
    ds.tables
        .load(
            masters::TableKind::ExclusionSameDay,
            "03-1 背反テーブル1.csv",
            &bytes,
        )
        .unwrap();
    let with = serde_json::to_value(Engine::with_data(ds).unwrap().calc(&c).unwrap()).unwrap();
    let errors = with["errors"].to_string();
    assert!(
        errors.contains("160085810") || errors.contains("160085610"),
        "{with}"
    );
}

/// `sets_of` (the indexed lookup the engine calls per line) equals asking every set in force,
/// for every code of the R6 master.
#[test]
fn indexed_lookup_equals_asking_every_set() {
    let ds = official();
    let r = ReceiptRules::embedded().unwrap();
    for day in ["2025-02-12", "2026-06-01"].map(date) {
        let master_day = date("2025-02-12");
        for c in ds.schedule.codes() {
            let Ok(e) = ds.schedule.lookup(c, master_day) else {
                continue;
            };
            for sk in [None, Some("21"), Some("32"), Some("60")] {
                let mut f = facts(e.record());
                f.shikibetsu = sk;
                let fast = r.sets_of(&f, day);
                let slow: Vec<usize> = (0..r.sets.len())
                    .filter(|&v| {
                        let s = &r.sets[v];
                        s.from <= day && s.to.is_none_or(|t| day <= t) && r.contains(&s.id, &f, day)
                    })
                    .collect();
                assert_eq!(fast, slow, "{day} {} {sk:?}", c.0);
            }
        }
        // A drug line in a 内服 剤 (no procedure-master fields).
        let drug = LineFacts {
            code: 612170710,
            shikibetsu: Some("21"),
            ..LineFacts::default()
        };
        let ids: Vec<&str> = r
            .sets_of(&drug, day)
            .iter()
            .map(|&v| r.sets[v].id.as_str())
            .collect();
        assert!(
            ids.contains(&"naifuku_drugs") && ids.contains(&"all_fees"),
            "{ids:?}"
        );
    }
}
