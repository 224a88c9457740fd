//! 02包括テーブル and 03-1背反テーブル1 read from their published layout
//! (../shared/specs/tensuhyo-02-03-1-layout.md, from 医科電子点数表の活用手引き R06 §5 (2)(3),
//! denshi-tensuhyo-guide-ika-R06.txt:3093-3240): rows built here as CP932 bytes, and the
//! recovered real rows of ../shared/oracles/tensuhyo-r6-fragments/. santei does not hold these
//! two tables; the R6 01補助マスターテーブル it does hold is ../shared/tensuhyo/ika/.

use chrono::NaiveDate;
use masters::dataset::{FileKind, NamedFile};
use masters::{
    BundleUnit, Code, Dataset, ExclusionKind, ExclusionScope, LoadError, TableKind, Tables,
};

fn shared(path: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared")
        .join(path)
}

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// Rows as the published files write them: every field quoted, CRLF, CP932.
fn csv(rows: &[Vec<&str>]) -> Vec<u8> {
    let mut text = String::new();
    for r in rows {
        let q: Vec<String> = r.iter().map(|c| format!("\"{c}\"")).collect();
        text.push_str(&q.join(","));
        text.push_str("\r\n");
    }
    let (bytes, _, bad) = encoding_rs::SHIFT_JIS.encode(&text);
    assert!(!bad, "test rows must be encodable");
    bytes.into_owned()
}

fn official_01() -> Vec<u8> {
    std::fs::read(shared("tensuhyo/ika/01補助マスターテーブル.csv")).unwrap()
}

/// The guide's example (§3 (2), denshi-tensuhyo-guide-ika-R06.txt:1498-1530): group D324001 of
/// 血管内視鏡検査 (01 row 160171310, 包括単位① 3 同時 in santei's 01 copy) includes these five.
fn guide_02_rows() -> Vec<Vec<&'static str>> {
    vec![
        vec![
            "0",
            "D324001",
            "160027710",
            "血液ガス分析",
            "0",
            "20100401",
            "99999999",
        ],
        vec![
            "0",
            "D324001",
            "160067410",
            "心拍出量測定",
            "0",
            "20100401",
            "99999999",
        ],
        vec![
            "0",
            "D324001",
            "160067570",
            "心拍出量測定加算",
            "0",
            "20100401",
            "99999999",
        ],
        vec![
            "0",
            "D324001",
            "160073510",
            "呼吸心拍監視",
            "0",
            "20100401",
            "99999999",
        ],
        vec![
            "0",
            "D324001",
            "160073650",
            "新生児心拍・呼吸監視",
            "0",
            "20100401",
            "99999999",
        ],
    ]
}

#[test]
fn file_names_are_recognised_incl_the_spaced_variant() {
    for (name, kind) in [
        ("02包括テーブル.csv", TableKind::Bundle),
        ("03-1背反テーブル1.csv", TableKind::ExclusionSameDay),
        ("03-1 背反テーブル1.csv", TableKind::ExclusionSameDay),
        ("03-1背反テーブル１.csv", TableKind::ExclusionSameDay),
        ("03-2背反テーブル2.csv", TableKind::ExclusionSameMonth),
        ("03-3 背反テーブル3.csv", TableKind::ExclusionSameTime),
    ] {
        assert_eq!(TableKind::from_file_name(name), Some(kind), "{name}");
        assert_eq!(
            FileKind::from_name(name),
            Some(FileKind::Table { table: kind }),
            "{name}"
        );
    }
    assert_eq!(TableKind::from_file_name("02包括テーブル.zip"), None);
    assert_eq!(
        TableKind::ExclusionSameDay.exclusion_scope(),
        Some(ExclusionScope::SameDay)
    );
}

#[test]
fn the_guide_example_is_included_in_its_parent() {
    let mut t = Tables::default();
    t.load(
        TableKind::Auxiliary,
        "01補助マスターテーブル.csv",
        &official_01(),
    )
    .unwrap();
    let n = t
        .load(
            TableKind::Bundle,
            "02包括テーブル.csv",
            &csv(&guide_02_rows()),
        )
        .unwrap();
    assert_eq!(n, 5);
    assert!(t.has(TableKind::Bundle));
    let groups = t.included_in(Code(160171310), d("2024-06-01"));
    assert_eq!(groups.len(), 1);
    assert_eq!(
        groups[0].unit,
        BundleUnit::SameTime,
        "01: 包括単位① = 3 (同時)"
    );
    assert_eq!(groups[0].group, "D324001");
    let children: Vec<u32> = groups[0].children.iter().map(|b| b.code.0).collect();
    assert_eq!(
        children,
        vec![160027710, 160067410, 160067570, 160073510, 160073650]
    );
    assert_eq!(groups[0].children[0].source.line, 1);
    // The other way round.
    let parents = t.including(Code(160067410), d("2024-06-01"));
    assert_eq!(parents.len(), 1);
    assert_eq!(
        (parents[0].parent, parents[0].unit, parents[0].group),
        (Code(160171310), BundleUnit::SameTime, "D324001")
    );
    // A code with no group includes nothing; before the rows' 新設 nothing is in force.
    assert!(t
        .included_in(Code(111000110), d("2024-06-01"))
        .iter()
        .all(|g| g.children.is_empty()));
    assert!(t.included_in(Code(160171310), d("2010-03-31")).is_empty());
}

#[test]
fn rows_are_dated() {
    let mut rows = guide_02_rows();
    rows[0][6] = "20240531"; // 血液ガス分析 abolished from 2024-06-01
    rows[1][5] = "20240601"; // 心拍出量測定 new from 2024-06-01
    let mut t = Tables::default();
    t.load(TableKind::Auxiliary, "01.csv", &official_01())
        .unwrap();
    t.load(TableKind::Bundle, "02包括テーブル.csv", &csv(&rows))
        .unwrap();
    let codes = |date: &str| -> Vec<u32> {
        t.included_in(Code(160171310), d(date))[0]
            .children
            .iter()
            .map(|b| b.code.0)
            .collect()
    };
    assert!(codes("2024-05-31").contains(&160027710) && !codes("2024-05-31").contains(&160067410));
    assert!(!codes("2024-06-01").contains(&160027710) && codes("2024-06-01").contains(&160067410));
}

fn load_err(kind: TableKind, name: &str, rows: &[Vec<&str>]) -> LoadError {
    Tables::default().load(kind, name, &csv(rows)).unwrap_err()
}

/// Every bad value is refused with the file, the line, the field (number and name) and the value.
#[test]
fn bad_02_rows_name_file_line_field_and_value() {
    let good = guide_02_rows();
    let with = |line: usize, field: usize, value: &'static str| {
        let mut rows = good.clone();
        rows[line][field] = value;
        load_err(TableKind::Bundle, "02包括テーブル.csv", &rows).to_string()
    };
    let e = with(2, 1, "D3240012");
    assert!(
        e.contains("02包括テーブル.csv:3")
            && e.contains("field 2 (グループ番号)")
            && e.contains("D3240012"),
        "{e}"
    );
    let e = with(0, 1, "");
    assert!(e.contains("field 2 (グループ番号)"), "{e}");
    let e = with(0, 1, "Ｄ324001");
    assert!(e.contains("グループ番号"), "{e}");
    let e = with(1, 2, "16006741");
    assert!(
        e.contains(":2") && e.contains("field 3 (診療行為コード)") && e.contains("16006741"),
        "{e}"
    );
    let e = with(0, 4, "2");
    assert!(
        e.contains("field 5 (特例条件)") && e.contains("\"2\""),
        "{e}"
    );
    let e = with(0, 6, "20100331");
    assert!(
        e.contains("field 7 (廃止年月日)") && e.contains("before"),
        "{e}"
    );
    let e = with(0, 5, "20101301");
    assert!(e.contains("field 6 (新設年月日)"), "{e}");
    let e = with(0, 0, "2");
    assert!(e.contains("field 1 (変更区分)"), "{e}");
    // 33 full-width characters = 66 bytes in Shift_JIS, over the 64 of the layout.
    let long = "あ".repeat(33);
    let mut rows = good.clone();
    rows[0][3] = &long;
    let e = load_err(TableKind::Bundle, "02包括テーブル.csv", &rows).to_string();
    assert!(
        e.contains("field 4 (診療行為省略名称)") && e.contains("66 bytes"),
        "{e}"
    );
    let ok32 = "あ".repeat(32);
    rows[0][3] = &ok32;
    assert!(
        Tables::default()
            .load(TableKind::Bundle, "02.csv", &csv(&rows))
            .is_ok(),
        "32 characters = 64 bytes is allowed"
    );
    // Field count.
    let mut rows = good.clone();
    rows[4].pop();
    let e = load_err(TableKind::Bundle, "02包括テーブル.csv", &rows).to_string();
    assert!(
        e.contains(":5") && e.contains("6 fields, expected 7"),
        "{e}"
    );
}

#[test]
fn bad_03_1_rows_name_file_line_field_and_value() {
    let good = vec![
        vec![
            "0",
            "111000110",
            "初診料",
            "113001810",
            "特定疾患療養管理料（診療所）",
            "1",
            "0",
            "0",
            "20100401",
            "99999999",
        ],
        vec![
            "0",
            "113001810",
            "特定疾患療養管理料（診療所）",
            "111000110",
            "初診料",
            "2",
            "0",
            "0",
            "20100401",
            "99999999",
        ],
    ];
    let with = |line: usize, field: usize, value: &'static str| {
        let mut rows = good.clone();
        rows[line][field] = value;
        load_err(TableKind::ExclusionSameDay, "03-1背反テーブル1.csv", &rows).to_string()
    };
    let e = with(0, 5, "4");
    assert!(
        e.contains("03-1背反テーブル1.csv:1")
            && e.contains("field 6 (背反区分)")
            && e.contains("\"4\""),
        "{e}"
    );
    let e = with(1, 6, "2");
    assert!(e.contains(":2") && e.contains("field 7 (特例条件)"), "{e}");
    let e = with(1, 7, "1");
    assert!(e.contains("field 8 (予備)"), "{e}");
    let e = with(0, 3, "11300181X");
    assert!(e.contains("field 4 (診療行為コード②)"), "{e}");
    let mut t = Tables::default();
    t.load(
        TableKind::ExclusionSameDay,
        "03-1 背反テーブル1.csv",
        &csv(&good),
    )
    .unwrap();
    let r: Vec<_> = t
        .exclusions_between(Code(113001810), Code(111000110), d("2024-06-01"))
        .collect();
    assert_eq!(r.len(), 2, "both rows, indexed under either code");
    assert!(r.iter().all(|x| x.scope == ExclusionScope::SameDay));
}

/// A failed load leaves the table loaded before untouched (all or nothing).
#[test]
fn a_failed_load_keeps_the_previous_table() {
    let mut t = Tables::default();
    t.load(TableKind::Auxiliary, "01.csv", &official_01())
        .unwrap();
    t.load(
        TableKind::Bundle,
        "02包括テーブル.csv",
        &csv(&guide_02_rows()),
    )
    .unwrap();
    let mut bad = guide_02_rows();
    bad[3][4] = "9";
    assert!(t.load(TableKind::Bundle, "02new.csv", &csv(&bad)).is_err());
    assert_eq!(
        t.included_in(Code(160171310), d("2024-06-01"))[0]
            .children
            .len(),
        5
    );
    assert!(t
        .loaded
        .iter()
        .any(|(k, f)| *k == TableKind::Bundle && f == "02包括テーブル.csv"));
}

/// 01 fields 4–9: the 包括単位 values of the layout, and a group only with a unit.
#[test]
fn bad_01_bundle_pairs_are_refused() {
    let row = |unit: &'static str, group: &'static str| {
        vec![
            "0",
            "160171310",
            "血管内視鏡検査",
            unit,
            group,
            "0",
            "0",
            "0",
            "0",
            "0",
            "0",
            "1",
            "0",
            "0",
            "0",
            "0",
            "",
            "0",
            "0",
            "000",
            "1",
            "0",
            "0",
            "0",
            "0",
            "20100401",
            "99999999",
        ]
    };
    assert!(Tables::default()
        .load(TableKind::Auxiliary, "01.csv", &csv(&[row("3", "D324001")]))
        .is_ok());
    assert!(
        Tables::default()
            .load(
                TableKind::Auxiliary,
                "01.csv",
                &csv(&[row("03", "D324001")])
            )
            .is_ok(),
        "zero-padded 03"
    );
    let e = load_err(
        TableKind::Auxiliary,
        "01補助マスターテーブル.csv",
        &[row("4", "D324001")],
    )
    .to_string();
    assert!(
        e.contains("field 4 (包括単位①)") && e.contains("\"4\""),
        "{e}"
    );
    let e = load_err(
        TableKind::Auxiliary,
        "01補助マスターテーブル.csv",
        &[row("0", "D324001")],
    )
    .to_string();
    assert!(e.contains("field 5 (グループ番号①)"), "{e}");
    let e = load_err(
        TableKind::Auxiliary,
        "01補助マスターテーブル.csv",
        &[row("2", "0D324001")],
    )
    .to_string();
    assert!(e.contains("field 5 (グループ番号①)"), "{e}");
}

/// The R6 01 table santei holds keeps every 包括 pair: 139 distinct groups (layout note), units
/// only of the layout's values.
#[test]
fn the_official_01_keeps_its_bundle_pairs() {
    let mut t = Tables::default();
    let n = t
        .load(
            TableKind::Auxiliary,
            "01補助マスターテーブル.csv",
            &official_01(),
        )
        .unwrap();
    assert_eq!(n, 10_178);
    let mut groups: Vec<&str> = t
        .auxiliary
        .values()
        .flatten()
        .flat_map(|a| a.bundles.iter().map(|l| l.group.as_str()))
        .collect();
    groups.sort_unstable();
    groups.dedup();
    assert_eq!(groups.len(), 139);
    let aux = &t.auxiliary[&Code(160171310)][0];
    assert_eq!(aux.bundles.len(), 1);
    assert_eq!(
        (aux.bundles[0].unit, aux.bundles[0].group.as_str()),
        (BundleUnit::SameTime, "D324001")
    );
}

/// The 544 recovered real rows of the R6 03-1 (変更区分 lost: written back as 0): they load as
/// 03-1, each pair is found as a 1日 背反 with its 背反区分, the pairs stored both ways agree
/// (表裏: (1,2), (2,1) or (3,3)), and both codes of each row carry 01's 「１日につき」 flag.
#[test]
fn recovered_03_1_rows_load_and_agree_with_01() {
    let tsv = std::fs::read_to_string(shared(
        "oracles/tensuhyo-r6-fragments/03-1-partial-rows-recovered.tsv",
    ))
    .unwrap();
    let rows: Vec<Vec<String>> = tsv
        .lines()
        .skip(1)
        .map(|l| {
            std::iter::once("0".to_string())
                .chain(l.split('\t').map(str::to_string))
                .collect()
        })
        .collect();
    assert_eq!(rows.len(), 544);
    let refs: Vec<Vec<&str>> = rows
        .iter()
        .map(|r| r.iter().map(String::as_str).collect())
        .collect();
    let ds = Dataset::load_files(vec![
        NamedFile {
            name: "03-1 背反テーブル1.csv".into(),
            bytes: csv(&refs),
        },
        NamedFile {
            name: "01補助マスターテーブル.csv".into(),
            bytes: official_01(),
        },
    ])
    .unwrap();
    let t = &ds.tables;
    assert!(t.has(TableKind::ExclusionSameDay));
    let date = d("2024-10-01");
    let mut kinds = [0usize; 3];
    for r in &rows {
        let (a, b) = (Code(r[1].parse().unwrap()), Code(r[3].parse().unwrap()));
        let found: Vec<_> = t
            .exclusions_between(a, b, date)
            .filter(|x| x.first == a && x.second == b)
            .collect();
        assert_eq!(found.len(), 1, "{a:?} {b:?}");
        assert_eq!(found[0].scope, ExclusionScope::SameDay);
        let want = match r[5].as_str() {
            "1" => ExclusionKind::FirstMay,
            "2" => ExclusionKind::SecondMay,
            _ => ExclusionKind::Either,
        };
        assert_eq!(found[0].kind, want);
        kinds[r[5].parse::<usize>().unwrap() - 1] += 1;
        // Both way round: consistent when the other direction is among the rows.
        if let Some(back) = t
            .exclusions_between(a, b, date)
            .find(|x| x.first == b && x.second == a)
        {
            let pair = (found[0].kind, back.kind);
            assert!(
                matches!(
                    pair,
                    (ExclusionKind::FirstMay, ExclusionKind::SecondMay)
                        | (ExclusionKind::SecondMay, ExclusionKind::FirstMay)
                        | (ExclusionKind::Either, ExclusionKind::Either)
                ),
                "{a:?} {b:?} {pair:?}"
            );
        }
        for c in [a, b] {
            let aux = t.auxiliary[&c]
                .iter()
                .find(|x| x.period.contains(date))
                .unwrap();
            assert!(aux.exclusion_flags[0], "{c:?}: 01 「１日につき」 flag");
        }
    }
    // Counts stated in the layout note: 背反区分 278 / 138 / 128.
    assert_eq!(kinds, [278, 138, 128]);
    let special = rows.iter().filter(|r| r[6] == "1").count();
    assert_eq!(special, 6);
}

/// The 9,066 codes present in the R6 02 (group number lost): written as 02 rows of one
/// placeholder group, every one fits the layout (9-digit code, name within 64 bytes, 特例条件
/// 0/1, dates), and every code is in 01 with the same name.
#[test]
fn recovered_02_code_list_fits_the_layout() {
    let tsv = std::fs::read_to_string(shared(
        "oracles/tensuhyo-r6-fragments/02-codes-present-R6.tsv",
    ))
    .unwrap();
    let rows: Vec<Vec<String>> = tsv
        .lines()
        .skip(1)
        .map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            vec!["0", "X000001", f[0], f[1], f[2], f[3], f[4]]
                .into_iter()
                .map(str::to_string)
                .collect()
        })
        .collect();
    assert_eq!(rows.len(), 9066);
    let refs: Vec<Vec<&str>> = rows
        .iter()
        .map(|r| r.iter().map(String::as_str).collect())
        .collect();
    let mut t = Tables::default();
    t.load(TableKind::Auxiliary, "01.csv", &official_01())
        .unwrap();
    assert_eq!(
        t.load(TableKind::Bundle, "02包括テーブル.csv", &csv(&refs))
            .unwrap(),
        9066
    );
    assert_eq!(t.bundles.iter().filter(|b| b.special).count(), 25);
    for b in &t.bundles {
        let aux = &t.auxiliary[&b.code];
        assert!(
            aux.iter().any(|a| a.name == b.name),
            "{:?} {}",
            b.code,
            b.name
        );
    }
    // No 01 parent names the placeholder group, so nothing is included through it.
    assert!(t.including(Code(160027710), d("2024-06-01")).is_empty());
}
