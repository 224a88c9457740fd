//! Unit tests of `apply`, each at a boundary of a rule, citing its source passage. Paths of
//! 告示/通知 are relative to /work/shared/specs/ (`../shared/specs/` beside a checkout); the
//! master rows are of `../shared/masters/ika/s_ALL20240531.csv` (CP932, one row a line, no
//! header), cited as `s_ALL20240531.csv:LINE` with the fields the rules read (項番 3 code,
//! 12 points, 16 包括対象検査, 43 時間加算区分, 50/51 検査等実施判断区分/グループ, 52 逓減対象区分,
//! 56 外来管理加算区分, 63 包括逓減区分, 69 告示等識別区分（２）, 85 alpha, 92–94 区分・枝番・項番).

mod checks;
mod combine;
mod taper;

use super::*;
use chrono::NaiveDate;
use rust_decimal::Decimal;

pub(super) fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

pub(super) fn t(s: &str) -> Option<NaiveTime> {
    Some(NaiveTime::parse_from_str(s, "%H:%M").unwrap())
}

pub(super) fn rules() -> ReceiptRules {
    ReceiptRules::embedded().unwrap()
}

pub(super) fn cal() -> Calendar {
    Calendar::embedded().unwrap()
}

/// A master row: (code, points, alpha, 区分番号, 枝番, 項番, [包括対象検査, 外来管理加算区分,
/// 時間加算区分, 告示等識別区分（２）, 検査等実施判断区分, グループ区分, 逓減対象区分, 包括逓減区分]).
pub(super) type Row = (u32, i64, &'static str, u16, u8, u16, [u16; 8]);

pub(super) fn facts(r: Row) -> LineFacts<'static> {
    let (code, _, alpha, section, branch, item, f) = r;
    LineFacts {
        code,
        alpha,
        section,
        branch,
        item,
        bundled_test: f[0] as u8,
        outpatient_mgmt: f[1] as u8,
        time_addition: f[2] as u8,
        notice_class2: f[3] as u8,
        test_judgement: f[4] as u8,
        test_judgement_group: f[5],
        tapering: f[6] as u8,
        bundled_tapering: f[7],
        shikibetsu: None,
    }
}

/// A plain item line of its own group `g`, count 1, priced as the row.
pub(super) fn line(r: Row, g: usize) -> ReceiptLine<'static> {
    ReceiptLine {
        facts: facts(r),
        group: g,
        points: Decimal::from(r.1),
        count: 1,
        ..ReceiptLine::default()
    }
}

/// The lines of one claim, each its own group.
pub(super) fn items(rows: &[Row]) -> Vec<ReceiptLine<'static>> {
    rows.iter().enumerate().map(|(g, &r)| line(r, g)).collect()
}

/// A drug line (医薬品: only the code) in 剤 `g` of 診療識別 `section`.
pub(super) fn drug(code: u32, g: usize, section: u8, yen: &str, days: u32) -> ReceiptLine<'static> {
    ReceiptLine {
        facts: LineFacts::code_only(code),
        section: Some(section),
        group: g,
        count: days,
        quantity: Some(Decimal::ONE),
        price_yen: Some(yen.parse().unwrap()),
        ..ReceiptLine::default()
    }
}

pub(super) fn hist(r: Row, date: &str) -> HistoryLine<'static> {
    HistoryLine {
        date: d(date),
        facts: facts(r),
        count: 1,
        points: Decimal::from(r.1),
        sets: None,
    }
}

pub(super) fn visit(date: &str) -> Visit<'static> {
    Visit {
        date: d(date),
        ..Visit::default()
    }
}

pub(super) fn run<'r>(
    rules: &'r ReceiptRules,
    v: &Visit,
    lines: &[ReceiptLine],
    history: &[HistoryLine],
) -> Vec<Finding<'r>> {
    apply(rules, &cal(), v, lines, history).findings
}

/// The ids of the rules of the findings, in order, with a letter for the kind of finding.
pub(super) fn ids(f: &[Finding]) -> Vec<String> {
    f.iter()
        .map(|x| {
            let tag = match x {
                Finding::Zero { .. } => "zero",
                Finding::Bundle { .. } => "bundle",
                Finding::Taper { .. } => "taper",
                Finding::TaperDrugs { .. } => "taper_drugs",
                Finding::Refuse { .. } => "refuse",
                Finding::Warn { .. } => "warn",
                Finding::DropAuto { .. } => "drop_auto",
                Finding::CannotDecide { .. } => "cannot_decide",
                Finding::Unverified { .. } => "unverified",
            };
            format!("{tag}:{}", x.rule().map_or("-", |r| r.id))
        })
        .collect()
}

// Master rows (s_ALL20240531.csv).
/// 初診料 291点 (s_ALL20240531.csv:1).
pub(super) const SHOSHIN: Row = (111000110, 291, "A", 0, 0, 1, [0, 0, 1, 1, 0, 0, 0, 0]);
/// 乳幼児加算（初診） 75点 (s_ALL20240531.csv:2).
pub(super) const NYUYOJI_SHOSHIN: Row = (111000370, 75, "A", 0, 0, 5, [0, 0, 0, 7, 0, 0, 0, 0]);
/// 休日加算（初診） 250点, 時間加算区分 3 (s_ALL20240531.csv:5).
pub(super) const KYUJITSU_SHOSHIN: Row = (111000670, 250, "A", 0, 0, 6, [0, 0, 3, 7, 0, 0, 0, 0]);
/// 深夜加算（初診） 480点, 時間加算区分 4 (s_ALL20240531.csv:6).
pub(super) const SHINYA_SHOSHIN: Row = (111000770, 480, "A", 0, 0, 6, [0, 0, 4, 7, 0, 0, 0, 0]);
/// 乳幼児深夜加算（初診） 695点 (s_ALL20240531.csv:15).
pub(super) const NYUYOJI_SHINYA_SHOSHIN: Row =
    (111012170, 695, "A", 0, 0, 6, [0, 0, 4, 7, 0, 0, 0, 0]);
/// 再診料 75点 (s_ALL20240531.csv:54).
pub(super) const SAISHIN: Row = (112007410, 75, "A", 1, 0, 0, [0, 0, 1, 1, 0, 0, 0, 0]);
/// 外来管理加算 52点, 外来管理加算区分 2 (s_ALL20240531.csv:58).
pub(super) const GAIRAI_KANRI: Row = (112011010, 52, "A", 1, 0, 7, [0, 2, 0, 7, 0, 0, 0, 0]);
/// 外来診療料 76点 (s_ALL20240531.csv:59).
pub(super) const GAIRAI_SHINRYO: Row = (112011310, 76, "A", 2, 0, 0, [0, 1, 1, 1, 0, 0, 0, 0]);
/// 特定疾患療養管理料（診療所） 225点 (s_ALL20240531.csv:168).
pub(super) const TOKUTEI: Row = (113001810, 225, "B", 0, 0, 1, [0; 8]);
/// 生活習慣病管理料１（高血圧症を主病） 660点, Ｂ００１－３ (s_ALL20240531.csv:488).
pub(super) const SEIKATSU1: Row = (113041810, 660, "B", 1, 3, 1, [0; 8]);
/// 処方料（その他） 42点 (s_ALL20240531.csv:1296).
pub(super) const SHOHORYO: Row = (120001210, 42, "F", 100, 0, 3, [0, 0, 0, 1, 0, 0, 0, 0]);
/// 処方箋料（リフィル以外・７種類以上内服薬） 32点 (s_ALL20240531.csv:1307).
pub(super) const SHOHOSEN_7: Row = (120002710, 32, "F", 400, 0, 2, [0, 0, 0, 1, 0, 0, 0, 0]);
/// 処方箋料（リフィル以外・その他） 60点 (s_ALL20240531.csv:1308).
pub(super) const SHOHOSEN: Row = (120002910, 60, "F", 400, 0, 3, [0, 0, 0, 1, 0, 0, 0, 0]);
/// 一般名処方加算１（処方箋料） 10点 (s_ALL20240531.csv:1318).
pub(super) const IPPANMEI: Row = (120004270, 10, "F", 400, 0, 9, [0, 0, 0, 7, 0, 0, 0, 0]);
/// 創傷処置（１００ｃｍ２未満） 52点, 外来管理加算区分 1 (s_ALL20240531.csv:1414).
pub(super) const SOSHO: Row = (140000610, 52, "J", 0, 0, 1, [0, 1, 0, 1, 0, 0, 0, 0]);
/// 尿一般 26点, Ｄ０００ (s_ALL20240531.csv:5095).
pub(super) const NYO_IPPAN: Row = (160000310, 26, "D", 0, 0, 0, [0, 0, 0, 1, 0, 0, 0, 0]);
/// 生化学的検査（１）判断料 144点, 判断区分 2, グループ 3 (s_ALL20240531.csv:5432).
pub(super) const HANDAN_SEIKA1: Row = (160061910, 144, "D", 26, 0, 4, [0, 0, 0, 1, 2, 3, 0, 0]);
/// ＥＣＧ１２ 130点, 逓減対象区分 1, 包括逓減区分 34 (s_ALL20240531.csv:5479).
pub(super) const ECG12: Row = (160068410, 130, "D", 208, 0, 1, [0, 0, 0, 1, 0, 0, 1, 34]);
/// ＥＣＧ（６誘導以上） 90点, 逓減対象区分 1, 包括逓減区分 34 (s_ALL20240531.csv:5480).
pub(super) const ECG6: Row = (160068510, 90, "D", 208, 0, 5, [0, 0, 0, 1, 0, 0, 1, 34]);
/// 特異的ＩｇＥ半定量・定量 110点, 包括対象検査 11 (s_ALL20240531.csv:5393).
pub(super) const IGE: Row = (160056110, 110, "D", 15, 0, 13, [11, 0, 0, 1, 1, 5, 0, 0]);
/// 単純撮影（イ）の写真診断 85点, Ｅ００１ 項番1 (s_ALL20240531.csv:6765).
pub(super) const SHASHIN_SHINDAN: Row = (170000410, 85, "E", 1, 0, 1, [0, 0, 0, 1, 0, 0, 0, 0]);
/// 単純撮影（デジタル撮影） 68点, Ｅ００２ 項番1 (s_ALL20240531.csv:6905).
pub(super) const SATSUEI_DIGITAL: Row = (170027910, 68, "E", 2, 0, 1, [0, 0, 0, 1, 0, 0, 0, 0]);

/// 生化学的検査（Ⅰ） items of Ｄ００７ (包括対象検査 1, 判断グループ 3), s_ALL20240531.csv lines
/// 5186–5219: ＢＩＬ／総 (5186), ＴＰ (5188), Ａｌｂ (5189), ＢＵＮ (5190), クレアチニン (5192),
/// ＵＡ (5193), ＡＬＰ (5196), γ－ＧＴ (5199), ＴＧ (5204), ＡＳＴ (5214), ＡＬＴ (5215),
/// ＨＤＬ－コレステロール (5219); カルシウム (5208) and イオン化カルシウム (5209).
pub(super) const SEIKA1: [Row; 12] = [
    (160017010, 11, "D", 7, 0, 1, [1, 0, 0, 1, 1, 3, 0, 0]),
    (160017410, 11, "D", 7, 0, 1, [1, 0, 0, 1, 1, 3, 0, 0]),
    (160018910, 11, "D", 7, 0, 1, [1, 0, 0, 1, 1, 3, 0, 0]),
    (160019010, 11, "D", 7, 0, 1, [1, 0, 0, 1, 1, 3, 0, 0]),
    (160019210, 11, "D", 7, 0, 1, [1, 0, 0, 1, 1, 3, 0, 0]),
    (160019310, 11, "D", 7, 0, 1, [1, 0, 0, 1, 1, 3, 0, 0]),
    (160020010, 11, "D", 7, 0, 1, [1, 0, 0, 1, 1, 3, 0, 0]),
    (160020410, 11, "D", 7, 0, 1, [1, 0, 0, 1, 1, 3, 0, 0]),
    (160020910, 11, "D", 7, 0, 1, [1, 0, 0, 1, 1, 3, 0, 0]),
    (160022510, 17, "D", 7, 0, 3, [1, 0, 0, 1, 1, 3, 0, 0]),
    (160022610, 17, "D", 7, 0, 3, [1, 0, 0, 1, 1, 3, 0, 0]),
    (160023410, 17, "D", 7, 0, 3, [1, 0, 0, 1, 1, 3, 0, 0]),
];
pub(super) const CA: Row = (160021510, 11, "D", 7, 0, 1, [1, 0, 0, 1, 1, 3, 0, 0]);
pub(super) const ION_CA: Row = (160021610, 26, "D", 7, 0, 7, [1, 0, 0, 1, 1, 3, 0, 0]);

#[test]
fn before_coverage_cannot_decide() {
    // [coverage] from 2024-06-01 (rules/data/receipt/sets.toml): the day before is not decided.
    let r = rules();
    let lines = items(&SEIKA1[..5]);
    let f = run(&r, &visit("2024-05-31"), &lines, &[]);
    assert_eq!(
        f,
        vec![Finding::CannotDecide {
            lines: vec![],
            rule: None,
            why: Why::BeforeCoverage {
                from: Some(d("2024-06-01"))
            }
        }]
    );
    let f = run(&r, &visit("2024-06-01"), &lines, &[]);
    assert_eq!(ids(&f), vec!["bundle:marume_seika1"]);
}
