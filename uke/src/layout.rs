//! The field layout of each record (記録条件仕様 医科): number, Japanese name, mode and maximum
//! bytes, as `../shared/specs/uke/record-layout-ika.md` compiles them (that file is NOT the
//! official text: field order is confirmed by two independent parsers and the oracle files;
//! sizes come from transcriptions of other editions, `None` where no source gave one).
//!
//! Used for names in messages (`SI field 6 (点数)`), for the expected field count of each
//! record, and as documentation of the typed records in [`crate::model`]. Maximum bytes are not
//! enforced: the compiled sizes are unverified and real files exceed some of them (the
//! receiptisan oracle has a 傷病名称 of 300 bytes against the older spec's 40).
//!
//! The tables below were generated from the markdown by a one-off script and reviewed.

/// 項目の属性 (mode).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// 数字: half-width digits.
    Digits,
    /// 英数: half-width alphanumerics.
    Alnum,
    /// 漢字: full-width characters.
    Kanji,
    /// 漢字 or 英数 (all full-width or all half-width).
    KanjiOrAlnum,
    /// 予備 without a mode.
    Any,
}

impl Mode {
    /// The Japanese name of the mode.
    pub fn name(self) -> &'static str {
        match self {
            Mode::Digits => "数字",
            Mode::Alnum => "英数",
            Mode::Kanji => "漢字",
            Mode::KanjiOrAlnum => "漢字又は英数",
            Mode::Any => "予備",
        }
    }
}

/// One field of a record.
#[derive(Clone, Copy, Debug)]
pub struct FieldSpec {
    /// 項目名.
    pub name: &'static str,
    pub mode: Mode,
    /// 最大バイト (Shift_JIS), `None` where no source gave it.
    pub max_bytes: Option<u16>,
}

/// One record type.
#[derive(Clone, Copy, Debug)]
pub struct RecordLayout {
    /// レコード識別情報 ("IR", "RE" …).
    pub id: &'static str,
    /// レコード名.
    pub name: &'static str,
    /// The fields, No. 1 (レコード識別情報) first.
    pub fields: &'static [FieldSpec],
}

impl RecordLayout {
    /// The spec of field `no` (1-based, as the layout numbers them).
    pub fn field(&self, no: usize) -> Option<&'static FieldSpec> {
        no.checked_sub(1).and_then(|i| self.fields.get(i))
    }

    /// The name of field `no` (`"?"` beyond the layout).
    pub fn field_name(&self, no: usize) -> &'static str {
        self.field(no).map_or("?", |f| f.name)
    }
}

/// Every described record, in the order of the layout document.
pub const ALL: &[&RecordLayout] = &[
    &IR, &RE, &HO, &KO, &SN, &JD, &MF, &SY, &SI, &IY, &TO, &CO, &SJ, &GO,
];

/// The layout of record type `id`.
pub fn layout(id: &str) -> Option<&'static RecordLayout> {
    Some(match id.as_bytes() {
        b"IR" => &IR,
        b"RE" => &RE,
        b"HO" => &HO,
        b"KO" => &KO,
        b"SN" => &SN,
        b"JD" => &JD,
        b"MF" => &MF,
        b"SY" => &SY,
        b"SI" => &SI,
        b"IY" => &IY,
        b"TO" => &TO,
        b"CO" => &CO,
        b"SJ" => &SJ,
        b"GO" => &GO,
        _ => return None,
    })
}

const fn f(name: &'static str, mode: Mode, max_bytes: Option<u16>) -> FieldSpec {
    FieldSpec {
        name,
        mode,
        max_bytes,
    }
}

use Mode::{Alnum, Any, Digits, Kanji, KanjiOrAlnum};

/// IR — 医療機関情報レコード: 10 fields.
pub const IR: RecordLayout = RecordLayout {
    id: "IR",
    name: "医療機関情報レコード",
    fields: &[
        f("レコード識別情報", Alnum, Some(2)),
        f("審査支払機関", Digits, Some(1)),
        f("都道府県", Digits, Some(2)),
        f("点数表", Digits, Some(1)),
        f("医療機関コード", Digits, Some(7)),
        f("予備", Digits, Some(2)),
        f("医療機関名称", Kanji, Some(40)),
        f("請求年月", Digits, Some(6)),
        f("マルチボリューム識別情報", Digits, Some(2)),
        f("電話番号", Alnum, Some(15)),
    ],
};
/// RE — レセプト共通レコード: 38 fields.
pub const RE: RecordLayout = RecordLayout {
    id: "RE",
    name: "レセプト共通レコード",
    fields: &[
        f("レコード識別情報", Alnum, Some(2)),
        f("レセプト番号", Digits, Some(6)),
        f("レセプト種別", Digits, Some(4)),
        f("診療年月", Digits, Some(6)),
        f("氏名", KanjiOrAlnum, Some(40)),
        f("男女区分", Digits, Some(1)),
        f("生年月日", Digits, Some(8)),
        f("給付割合", Digits, Some(3)),
        f("入院年月日", Digits, Some(8)),
        f("病棟区分", Alnum, Some(8)),
        f(
            "一部負担金・食事療養費・生活療養費標準負担額区分",
            Digits,
            Some(1),
        ),
        f("レセプト特記事項", Alnum, Some(10)),
        f("病床数", Digits, None),
        f("カルテ番号等", Alnum, Some(20)),
        f("割引点数単価", Digits, None),
        f("予備", Any, None),
        f("予備", Any, None),
        f("予備", Any, None),
        f("検索番号", Digits, Some(30)),
        f("予備 (旧 記録条件仕様年月情報)", Digits, Some(5)),
        f("請求情報", KanjiOrAlnum, Some(40)),
        f("診療科1 診療科名", Digits, Some(2)),
        f("診療科1 人体の部位等", Digits, Some(3)),
        f("診療科1 性別等", Digits, Some(3)),
        f("診療科1 医学的処置", Digits, Some(3)),
        f("診療科1 特定疾病", Digits, Some(3)),
        f("診療科2 診療科名", Digits, Some(2)),
        f("診療科2 人体の部位等", Digits, Some(3)),
        f("診療科2 性別等", Digits, Some(3)),
        f("診療科2 医学的処置", Digits, Some(3)),
        f("診療科2 特定疾病", Digits, Some(3)),
        f("診療科3 診療科名", Digits, Some(2)),
        f("診療科3 人体の部位等", Digits, Some(3)),
        f("診療科3 性別等", Digits, Some(3)),
        f("診療科3 医学的処置", Digits, Some(3)),
        f("診療科3 特定疾病", Digits, Some(3)),
        f("カタカナ（氏名）", Kanji, Some(80)),
        f("患者の状態", Digits, Some(60)),
    ],
};
/// HO — 保険者レコード: 15 fields.
pub const HO: RecordLayout = RecordLayout {
    id: "HO",
    name: "保険者レコード",
    fields: &[
        f("レコード識別情報", Alnum, Some(2)),
        f("保険者番号", Alnum, Some(8)),
        f("被保険者証（手帳）等の記号", KanjiOrAlnum, Some(38)),
        f("被保険者証（手帳）等の番号", KanjiOrAlnum, Some(38)),
        f("診療実日数", Digits, Some(2)),
        f("合計点数", Digits, Some(8)),
        f("予備", Any, None),
        f("食事療養・生活療養 回数", Digits, Some(2)),
        f("食事療養・生活療養 合計金額", Digits, Some(8)),
        f("職務上の事由", Digits, Some(1)),
        f("証明書番号", Digits, Some(3)),
        f("負担金額（医療保険）", Digits, Some(9)),
        f("減免区分", Digits, Some(1)),
        f("減額割合", Digits, Some(3)),
        f("減額金額", Digits, Some(6)),
    ],
};
/// KO — 公費レコード: 12 fields.
pub const KO: RecordLayout = RecordLayout {
    id: "KO",
    name: "公費レコード",
    fields: &[
        f("レコード識別情報", Alnum, Some(2)),
        f("公費負担者番号", Alnum, Some(8)),
        f("公費受給者番号", Digits, Some(7)),
        f("任意給付区分", Digits, Some(1)),
        f("診療実日数", Digits, Some(2)),
        f("合計点数", Digits, Some(8)),
        f("負担金額（公費）", Digits, Some(8)),
        f("公費給付対象外来一部負担金", Digits, Some(6)),
        f("公費給付対象入院一部負担金", Digits, None),
        f("予備", Any, None),
        f("食事療養・生活療養 回数", Digits, Some(2)),
        f("食事療養・生活療養 合計金額", Digits, Some(8)),
    ],
};
/// SN — 資格確認レコード: 9 fields.
pub const SN: RecordLayout = RecordLayout {
    id: "SN",
    name: "資格確認レコード",
    fields: &[
        f("レコード識別情報", Alnum, Some(2)),
        f("負担者種別", Digits, Some(1)),
        f("確認区分", Digits, Some(2)),
        f("保険者番号等（資格確認）", Alnum, Some(8)),
        f("被保険者証（資格確認）等の記号", KanjiOrAlnum, Some(38)),
        f("被保険者証（資格確認）等の番号", KanjiOrAlnum, Some(38)),
        f("枝番", Alnum, Some(2)),
        f("受給者番号", Digits, Some(7)),
        f("予備", Digits, Some(1)),
    ],
};
/// JD — 受診日等レコード: 33 fields.
pub const JD: RecordLayout = RecordLayout {
    id: "JD",
    name: "受診日等レコード",
    fields: &[
        f("レコード識別情報", Alnum, Some(2)),
        f("負担者種別", Digits, Some(1)),
        f("1日の情報", Digits, Some(1)),
        f("2日の情報", Digits, Some(1)),
        f("3日の情報", Digits, Some(1)),
        f("4日の情報", Digits, Some(1)),
        f("5日の情報", Digits, Some(1)),
        f("6日の情報", Digits, Some(1)),
        f("7日の情報", Digits, Some(1)),
        f("8日の情報", Digits, Some(1)),
        f("9日の情報", Digits, Some(1)),
        f("10日の情報", Digits, Some(1)),
        f("11日の情報", Digits, Some(1)),
        f("12日の情報", Digits, Some(1)),
        f("13日の情報", Digits, Some(1)),
        f("14日の情報", Digits, Some(1)),
        f("15日の情報", Digits, Some(1)),
        f("16日の情報", Digits, Some(1)),
        f("17日の情報", Digits, Some(1)),
        f("18日の情報", Digits, Some(1)),
        f("19日の情報", Digits, Some(1)),
        f("20日の情報", Digits, Some(1)),
        f("21日の情報", Digits, Some(1)),
        f("22日の情報", Digits, Some(1)),
        f("23日の情報", Digits, Some(1)),
        f("24日の情報", Digits, Some(1)),
        f("25日の情報", Digits, Some(1)),
        f("26日の情報", Digits, Some(1)),
        f("27日の情報", Digits, Some(1)),
        f("28日の情報", Digits, Some(1)),
        f("29日の情報", Digits, Some(1)),
        f("30日の情報", Digits, Some(1)),
        f("31日の情報", Digits, Some(1)),
    ],
};
/// MF — 窓口負担額レコード: 33 fields.
pub const MF: RecordLayout = RecordLayout {
    id: "MF",
    name: "窓口負担額レコード",
    fields: &[
        f("レコード識別情報", Alnum, Some(2)),
        f("窓口負担額区分", Digits, Some(2)),
        f("予備1", Digits, Some(9)),
        f("予備2", Digits, Some(9)),
        f("予備3", Digits, Some(9)),
        f("予備4", Digits, Some(9)),
        f("予備5", Digits, Some(9)),
        f("予備6", Digits, Some(9)),
        f("予備7", Digits, Some(9)),
        f("予備8", Digits, Some(9)),
        f("予備9", Digits, Some(9)),
        f("予備10", Digits, Some(9)),
        f("予備11", Digits, Some(9)),
        f("予備12", Digits, Some(9)),
        f("予備13", Digits, Some(9)),
        f("予備14", Digits, Some(9)),
        f("予備15", Digits, Some(9)),
        f("予備16", Digits, Some(9)),
        f("予備17", Digits, Some(9)),
        f("予備18", Digits, Some(9)),
        f("予備19", Digits, Some(9)),
        f("予備20", Digits, Some(9)),
        f("予備21", Digits, Some(9)),
        f("予備22", Digits, Some(9)),
        f("予備23", Digits, Some(9)),
        f("予備24", Digits, Some(9)),
        f("予備25", Digits, Some(9)),
        f("予備26", Digits, Some(9)),
        f("予備27", Digits, Some(9)),
        f("予備28", Digits, Some(9)),
        f("予備29", Digits, Some(9)),
        f("予備30", Digits, Some(9)),
        f("予備31", Digits, Some(9)),
    ],
};
/// SY — 傷病名レコード: 8 fields.
pub const SY: RecordLayout = RecordLayout {
    id: "SY",
    name: "傷病名レコード",
    fields: &[
        f("レコード識別情報", Alnum, Some(2)),
        f("傷病名コード", Digits, Some(7)),
        f("診療開始日", Digits, Some(8)),
        f("転帰区分", Digits, Some(1)),
        f("修飾語コード", Alnum, Some(80)),
        f("傷病名称", Kanji, Some(40)),
        f("主傷病", Digits, Some(2)),
        f("補足コメント", Kanji, Some(40)),
    ],
};
/// SI — 診療行為レコード: 44 fields.
pub const SI: RecordLayout = RecordLayout {
    id: "SI",
    name: "診療行為レコード",
    fields: &[
        f("レコード識別情報", Alnum, Some(2)),
        f("診療識別", Digits, Some(2)),
        f("負担区分", Alnum, Some(1)),
        f("診療行為コード", Digits, Some(9)),
        f("数量データ", Digits, Some(8)),
        f("点数", Digits, Some(7)),
        f("回数", Digits, Some(3)),
        f("コメントコード1", Digits, Some(9)),
        f("文字データ1", Kanji, Some(100)),
        f("コメントコード2", Digits, Some(9)),
        f("文字データ2", Kanji, Some(100)),
        f("コメントコード3", Digits, Some(9)),
        f("文字データ3", Kanji, Some(100)),
        f("1日の情報", Digits, Some(3)),
        f("2日の情報", Digits, Some(3)),
        f("3日の情報", Digits, Some(3)),
        f("4日の情報", Digits, Some(3)),
        f("5日の情報", Digits, Some(3)),
        f("6日の情報", Digits, Some(3)),
        f("7日の情報", Digits, Some(3)),
        f("8日の情報", Digits, Some(3)),
        f("9日の情報", Digits, Some(3)),
        f("10日の情報", Digits, Some(3)),
        f("11日の情報", Digits, Some(3)),
        f("12日の情報", Digits, Some(3)),
        f("13日の情報", Digits, Some(3)),
        f("14日の情報", Digits, Some(3)),
        f("15日の情報", Digits, Some(3)),
        f("16日の情報", Digits, Some(3)),
        f("17日の情報", Digits, Some(3)),
        f("18日の情報", Digits, Some(3)),
        f("19日の情報", Digits, Some(3)),
        f("20日の情報", Digits, Some(3)),
        f("21日の情報", Digits, Some(3)),
        f("22日の情報", Digits, Some(3)),
        f("23日の情報", Digits, Some(3)),
        f("24日の情報", Digits, Some(3)),
        f("25日の情報", Digits, Some(3)),
        f("26日の情報", Digits, Some(3)),
        f("27日の情報", Digits, Some(3)),
        f("28日の情報", Digits, Some(3)),
        f("29日の情報", Digits, Some(3)),
        f("30日の情報", Digits, Some(3)),
        f("31日の情報", Digits, Some(3)),
    ],
};
/// IY — 医薬品レコード: 44 fields.
pub const IY: RecordLayout = RecordLayout {
    id: "IY",
    name: "医薬品レコード",
    fields: &[
        f("レコード識別情報", Alnum, Some(2)),
        f("診療識別", Digits, Some(2)),
        f("負担区分", Alnum, Some(1)),
        f("医薬品コード", Digits, Some(9)),
        f("使用量", Digits, Some(11)),
        f("点数", Digits, Some(7)),
        f("回数", Digits, Some(3)),
        f("コメントコード1", Digits, Some(9)),
        f("文字データ1", Kanji, Some(100)),
        f("コメントコード2", Digits, Some(9)),
        f("文字データ2", Kanji, Some(100)),
        f("コメントコード3", Digits, Some(9)),
        f("文字データ3", Kanji, Some(100)),
        f("1日の情報", Digits, Some(3)),
        f("2日の情報", Digits, Some(3)),
        f("3日の情報", Digits, Some(3)),
        f("4日の情報", Digits, Some(3)),
        f("5日の情報", Digits, Some(3)),
        f("6日の情報", Digits, Some(3)),
        f("7日の情報", Digits, Some(3)),
        f("8日の情報", Digits, Some(3)),
        f("9日の情報", Digits, Some(3)),
        f("10日の情報", Digits, Some(3)),
        f("11日の情報", Digits, Some(3)),
        f("12日の情報", Digits, Some(3)),
        f("13日の情報", Digits, Some(3)),
        f("14日の情報", Digits, Some(3)),
        f("15日の情報", Digits, Some(3)),
        f("16日の情報", Digits, Some(3)),
        f("17日の情報", Digits, Some(3)),
        f("18日の情報", Digits, Some(3)),
        f("19日の情報", Digits, Some(3)),
        f("20日の情報", Digits, Some(3)),
        f("21日の情報", Digits, Some(3)),
        f("22日の情報", Digits, Some(3)),
        f("23日の情報", Digits, Some(3)),
        f("24日の情報", Digits, Some(3)),
        f("25日の情報", Digits, Some(3)),
        f("26日の情報", Digits, Some(3)),
        f("27日の情報", Digits, Some(3)),
        f("28日の情報", Digits, Some(3)),
        f("29日の情報", Digits, Some(3)),
        f("30日の情報", Digits, Some(3)),
        f("31日の情報", Digits, Some(3)),
    ],
};
/// TO — 特定器材レコード: 48 fields.
pub const TO: RecordLayout = RecordLayout {
    id: "TO",
    name: "特定器材レコード",
    fields: &[
        f("レコード識別情報", Alnum, Some(2)),
        f("診療識別", Digits, Some(2)),
        f("負担区分", Alnum, Some(1)),
        f("特定器材コード", Digits, Some(9)),
        f("使用量", Digits, Some(9)),
        f("点数", Digits, Some(7)),
        f("回数", Digits, Some(3)),
        f("単位コード", Digits, Some(3)),
        f("単価", Digits, Some(11)),
        f("予備", Any, None),
        f("商品名及び規格又はサイズ", Kanji, None),
        f("コメントコード1", Digits, Some(9)),
        f("文字データ1", Kanji, Some(100)),
        f("コメントコード2", Digits, Some(9)),
        f("文字データ2", Kanji, Some(100)),
        f("コメントコード3", Digits, Some(9)),
        f("文字データ3", Kanji, Some(100)),
        f("1日の情報", Digits, Some(3)),
        f("2日の情報", Digits, Some(3)),
        f("3日の情報", Digits, Some(3)),
        f("4日の情報", Digits, Some(3)),
        f("5日の情報", Digits, Some(3)),
        f("6日の情報", Digits, Some(3)),
        f("7日の情報", Digits, Some(3)),
        f("8日の情報", Digits, Some(3)),
        f("9日の情報", Digits, Some(3)),
        f("10日の情報", Digits, Some(3)),
        f("11日の情報", Digits, Some(3)),
        f("12日の情報", Digits, Some(3)),
        f("13日の情報", Digits, Some(3)),
        f("14日の情報", Digits, Some(3)),
        f("15日の情報", Digits, Some(3)),
        f("16日の情報", Digits, Some(3)),
        f("17日の情報", Digits, Some(3)),
        f("18日の情報", Digits, Some(3)),
        f("19日の情報", Digits, Some(3)),
        f("20日の情報", Digits, Some(3)),
        f("21日の情報", Digits, Some(3)),
        f("22日の情報", Digits, Some(3)),
        f("23日の情報", Digits, Some(3)),
        f("24日の情報", Digits, Some(3)),
        f("25日の情報", Digits, Some(3)),
        f("26日の情報", Digits, Some(3)),
        f("27日の情報", Digits, Some(3)),
        f("28日の情報", Digits, Some(3)),
        f("29日の情報", Digits, Some(3)),
        f("30日の情報", Digits, Some(3)),
        f("31日の情報", Digits, Some(3)),
    ],
};
/// CO — コメントレコード: 5 fields.
pub const CO: RecordLayout = RecordLayout {
    id: "CO",
    name: "コメントレコード",
    fields: &[
        f("レコード識別情報", Alnum, Some(2)),
        f("診療識別", Digits, Some(2)),
        f("負担区分", Alnum, Some(1)),
        f("コメントコード", Digits, Some(9)),
        f("文字データ", Kanji, Some(76)),
    ],
};
/// SJ — 症状詳記レコード: 3 fields.
pub const SJ: RecordLayout = RecordLayout {
    id: "SJ",
    name: "症状詳記レコード",
    fields: &[
        f("レコード識別情報", Alnum, Some(2)),
        f("症状詳記区分", Digits, Some(2)),
        f("症状詳記データ", Kanji, Some(2400)),
    ],
};
/// GO — 診療報酬請求書レコード: 4 fields.
pub const GO: RecordLayout = RecordLayout {
    id: "GO",
    name: "診療報酬請求書レコード",
    fields: &[
        f("レコード識別情報", Alnum, Some(2)),
        f("総件数", Digits, Some(6)),
        f("総合計点数", Digits, Some(10)),
        f("マルチボリューム識別情報", Digits, Some(2)),
    ],
};

#[cfg(test)]
mod tests {
    use super::*;

    /// Field counts as record-layout-ika.md states them ("Cross-checks done": IR 10, RE 38,
    /// HO 15, KO 12, SN 9, SY 8, SI 44, IY 44, TO 48, CO 5, SJ 3; JD/MF 33, GO 4 from their
    /// tables).
    #[test]
    fn field_counts() {
        let counts: Vec<(&str, usize)> = ALL.iter().map(|l| (l.id, l.fields.len())).collect();
        assert_eq!(
            counts,
            [
                ("IR", 10),
                ("RE", 38),
                ("HO", 15),
                ("KO", 12),
                ("SN", 9),
                ("JD", 33),
                ("MF", 33),
                ("SY", 8),
                ("SI", 44),
                ("IY", 44),
                ("TO", 48),
                ("CO", 5),
                ("SJ", 3),
                ("GO", 4)
            ]
        );
        assert_eq!(SI.field_name(6), "点数");
        assert_eq!(SI.field_name(14), "1日の情報");
        assert_eq!(SI.field_name(44), "31日の情報");
        assert_eq!(TO.field_name(48), "31日の情報");
        assert_eq!(JD.field_name(33), "31日の情報");
        assert_eq!(MF.field_name(33), "予備31");
        assert_eq!(IR.field_name(2), "審査支払機関");
        assert_eq!(IR.field_name(11), "?");
        for l in ALL {
            assert_eq!(layout(l.id).map(|x| x.id), Some(l.id));
        }
        assert!(layout("ZZ").is_none());
    }
}
