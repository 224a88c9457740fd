//! The code tables (別表) of the UKE 記録条件仕様 (医科), embedded from `uke/data/*.tsv` — copies
//! of `../shared/specs/uke/*.tsv`, compiled from public parsers (each value's source is in
//! `../shared/specs/uke/README.md`; `uke/data/README.md` lists the copies and their checksums).
//!
//! A table is *closed* when every code it can hold is listed: the reader refuses a code a
//! closed table lacks (診療識別, 負担区分, レセプト種別 …) and only names the codes of an open one
//! (特記事項, 病棟区分 …: lists known to be incomplete or unverified).

use std::collections::HashMap;
use std::sync::OnceLock;

const CATEGORY_TSV: &str = include_str!("../data/shinryo-shikibetsu.tsv");
const PAYER_CLASS_TSV: &str = include_str!("../data/futan-kubun.tsv");
const RECEIPT_TYPE: &str = include_str!("../data/receipt-shubetsu-ika.tsv");
const TODOFUKEN: &str = include_str!("../data/todofuken.tsv");
const TENSUHYO: &str = include_str!("../data/tensuhyo.tsv");
const MISC: &str = include_str!("../data/misc-codes.tsv");
const TOKKI_JIKO: &str = include_str!("../data/tokki-jiko.tsv");
const OTHER_RECORDS: &str = include_str!("../data/other-records.tsv");

/// One code table.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Table {
    /// 診療識別 (treatment category, 別表20), `shinryo-shikibetsu.tsv`.
    Category,
    /// 負担区分 (which payers bear a line, 別表21), `futan-kubun.tsv`.
    PayerClass,
    /// レセプト種別 (別表5), `receipt-shubetsu-ika.tsv`.
    ReceiptType,
    /// 都道府県 (別表2), `todofuken.tsv`.
    Prefecture,
    /// 点数表 (別表3), `tensuhyo.tsv`.
    FeeTable,
    /// 審査支払機関 (別表1), `misc-codes.tsv` `shinsa-shiharai-kikan`.
    Payer,
    /// 男女区分, `misc-codes.tsv` `danjo-kubun`.
    Sex,
    /// 病棟区分 (別表7), `misc-codes.tsv` `byoto-kubun` (incomplete).
    Ward,
    /// 一部負担金・食事療養費・生活療養費標準負担額区分 (別表8), `misc-codes.tsv` `ichibu-futan-kubun`.
    CopayClass,
    /// レセプト特記事項 (別表9), `tokki-jiko.tsv` (names are the abbreviations; open).
    SpecialNote,
    /// 転帰区分 (別表18), `misc-codes.tsv` `tenki-kubun`.
    Outcome,
    /// 主傷病, `misc-codes.tsv` `shubyo`.
    MainDisease,
    /// 職務上の事由, `misc-codes.tsv` `shokumu-jiyu`.
    OccupationalReason,
    /// 減免区分, `misc-codes.tsv` `genmen-kubun`.
    Reduction,
    /// 負担者種別 (別表28), `misc-codes.tsv` `futansha-shubetsu`.
    PayerKind,
    /// 確認区分 (別表29), `misc-codes.tsv` `kakunin-kubun`.
    Confirmation,
    /// 受診等区分 (別表30), `misc-codes.tsv` `jushin-kubun`.
    VisitClass,
    /// 窓口負担額区分, `misc-codes.tsv` `madoguchi-futan-kubun` (R02 values).
    WindowCopayClass,
    /// 患者の状態 (別表27), `misc-codes.tsv` `kanja-jotai` (incomplete).
    PatientState,
}

impl Table {
    /// The table's Japanese title and source file, for messages.
    pub fn title(self) -> &'static str {
        match self {
            Table::Category => "診療識別 (shinryo-shikibetsu.tsv)",
            Table::PayerClass => "負担区分 (futan-kubun.tsv)",
            Table::ReceiptType => "レセプト種別 (receipt-shubetsu-ika.tsv)",
            Table::Prefecture => "都道府県 (todofuken.tsv)",
            Table::FeeTable => "点数表 (tensuhyo.tsv)",
            Table::Payer => "審査支払機関 (misc-codes.tsv)",
            Table::Sex => "男女区分 (misc-codes.tsv)",
            Table::Ward => "病棟区分 (misc-codes.tsv)",
            Table::CopayClass => "一部負担金等区分 (misc-codes.tsv)",
            Table::SpecialNote => "レセプト特記事項 (tokki-jiko.tsv)",
            Table::Outcome => "転帰区分 (misc-codes.tsv)",
            Table::MainDisease => "主傷病 (misc-codes.tsv)",
            Table::OccupationalReason => "職務上の事由 (misc-codes.tsv)",
            Table::Reduction => "減免区分 (misc-codes.tsv)",
            Table::PayerKind => "負担者種別 (misc-codes.tsv)",
            Table::Confirmation => "確認区分 (misc-codes.tsv)",
            Table::VisitClass => "受診等区分 (misc-codes.tsv)",
            Table::WindowCopayClass => "窓口負担額区分 (misc-codes.tsv)",
            Table::PatientState => "患者の状態 (misc-codes.tsv)",
        }
    }

    /// Whether the table lists every code (an unknown code is then an error).
    pub fn closed(self) -> bool {
        matches!(
            self,
            Table::Category
                | Table::PayerClass
                | Table::ReceiptType
                | Table::Prefecture
                | Table::FeeTable
                | Table::Payer
                | Table::Sex
                | Table::Outcome
                | Table::PayerKind
        )
    }

    /// The name of `code`, when the table lists it.
    pub fn name(self, code: &str) -> Option<&'static str> {
        let t = &tables()[self as usize];
        t.binary_search_by(|(c, _)| (*c).cmp(code))
            .ok()
            .map(|i| t[i].1)
    }

    /// Whether the table lists `code`.
    pub fn contains(self, code: &str) -> bool {
        self.name(code).is_some()
    }
}

type Names = HashMap<&'static str, &'static str>;

/// The number of [`Table`]s.
const TABLES: usize = Table::PatientState as usize + 1;

/// Rows of a TSV after its header: the cells of each non-empty line.
fn rows(text: &'static str) -> impl Iterator<Item = Vec<&'static str>> {
    text.lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.split('\t').collect())
}

/// Each table's (code, name) pairs sorted by code, indexed by `Table as usize`.
fn tables() -> &'static [Vec<(&'static str, &'static str)>; TABLES] {
    static T: OnceLock<[Vec<(&'static str, &'static str)>; TABLES]> = OnceLock::new();
    T.get_or_init(|| {
        let mut t: [Vec<(&'static str, &'static str)>; TABLES] = Default::default();
        let simple = [
            (Table::Category, CATEGORY_TSV),
            (Table::PayerClass, PAYER_CLASS_TSV),
            (Table::ReceiptType, RECEIPT_TYPE),
            (Table::Prefecture, TODOFUKEN),
            (Table::FeeTable, TENSUHYO),
            (Table::SpecialNote, TOKKI_JIKO),
        ];
        for (table, text) in simple {
            for r in rows(text) {
                if let [code, name, ..] = r[..] {
                    t[table as usize].push((code, name));
                }
            }
        }
        for r in rows(MISC) {
            let [table, _, code, name] = r[..] else {
                continue;
            };
            let table = match table {
                "shinsa-shiharai-kikan" => Table::Payer,
                "danjo-kubun" => Table::Sex,
                "byoto-kubun" => Table::Ward,
                "ichibu-futan-kubun" => Table::CopayClass,
                "tenki-kubun" => Table::Outcome,
                "shubyo" => Table::MainDisease,
                "shokumu-jiyu" => Table::OccupationalReason,
                "genmen-kubun" => Table::Reduction,
                "futansha-shubetsu" => Table::PayerKind,
                "kakunin-kubun" => Table::Confirmation,
                "jushin-kubun" => Table::VisitClass,
                "madoguchi-futan-kubun" => Table::WindowCopayClass,
                "kanja-jotai" => Table::PatientState,
                _ => continue,
            };
            t[table as usize].push((code, name));
        }
        for x in t.iter_mut() {
            x.sort_by(|a, b| a.0.cmp(b.0));
            x.dedup_by(|a, b| a.0 == b.0);
        }
        t
    })
}

/// Which payers a 負担区分 stands for: `[医保, 公費1, 公費2, 公費3, 公費4]`
/// (`futan-kubun.tsv`, columns `iho`, `kohi1` … `kohi4`). `None` for a code the table lacks.
pub fn class_payers(code: &str) -> Option<[bool; 5]> {
    static P: OnceLock<HashMap<&'static str, [bool; 5]>> = OnceLock::new();
    P.get_or_init(|| {
        rows(PAYER_CLASS_TSV)
            .filter_map(|r| {
                let [code, _, _, a, b, c, d, e] = r[..] else {
                    return None;
                };
                Some((code, [a, b, c, d, e].map(|x| x == "1")))
            })
            .collect()
    })
    .get(code)
    .copied()
}

/// The record types the layout names but does not describe (`other-records.tsv`): such a
/// record is kept as text. Returns the record's name.
pub fn other_record(id: &str) -> Option<&'static str> {
    static O: OnceLock<Names> = OnceLock::new();
    O.get_or_init(|| {
        rows(OTHER_RECORDS)
            .filter_map(|r| match r[..] {
                [code, name, ..] => Some((code, name)),
                _ => None,
            })
            .collect()
    })
    .get(id)
    .copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_load() {
        // shinryo-shikibetsu.tsv: 27 codes, 11 = 初診, 97 = 食事療養・生活療養・標準負担額.
        assert_eq!(Table::Category.name("11"), Some("初診"));
        assert_eq!(
            Table::Category.name("97"),
            Some("食事療養・生活療養・標準負担額")
        );
        assert_eq!(tables()[Table::Category as usize].len(), 27);
        // futan-kubun.tsv: 31 codes; 2 = 医保・公費1, 9 = all five.
        assert_eq!(tables()[Table::PayerClass as usize].len(), 31);
        assert_eq!(class_payers("2"), Some([true, true, false, false, false]));
        assert_eq!(class_payers("9"), Some([true; 5]));
        assert_eq!(class_payers("Z"), Some([false, true, true, true, true]));
        assert_eq!(class_payers("A"), None);
        // receipt-shubetsu-ika.tsv: 108 codes.
        assert_eq!(tables()[Table::ReceiptType as usize].len(), 108);
        assert_eq!(
            Table::ReceiptType.name("1112"),
            Some("医科・医保単独・本人・入院外")
        );
        assert_eq!(Table::Prefecture.name("13"), Some("東京"));
        assert_eq!(Table::Payer.name("2"), Some("国民健康保険団体連合会"));
        assert_eq!(
            Table::Confirmation.name("01"),
            Some("保険医療機関・薬局窓口等")
        );
        assert_eq!(Table::SpecialNote.name("28"), Some("区ウ"));
        assert_eq!(other_record("GR"), Some("包括評価対象外理由"));
        assert_eq!(other_record("ZZ"), None);
    }
}
