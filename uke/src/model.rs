//! The typed records of a UKE file and the receipt they make up.
//!
//! Every field of the layout (`../shared/specs/uke/record-layout-ika.md`, [`crate::layout`]) is
//! kept, used by santei or not, so that the writer reproduces what the reader read. Field
//! comments give the layout's number and Japanese name. Types:
//! - codes are strings exactly as written (leading zeros matter: `"01"`), checked against the
//!   closed code tables of [`crate::codes`];
//! - counts, points and yen are integers (`u32`, `u64` for totals), quantities (使用量, 数量データ,
//!   単価) exact decimals that keep their written scale (`7.50` stays `7.50`);
//! - dates are dates, months [`YearMonth`]s (written in the file's [`DateStyle`]);
//! - repeated fields are arrays: the 31 算定日 columns, the three コメント pairs, the three 診療科;
//!   fields that pack several codes (特記事項 2 digits × 5, 病棟区分 2 × 4, 修飾語コード 4 × 20,
//!   患者の状態 3 × 20) are lists of codes;
//! - an empty field is `None` (a 可変 field), an empty list, or a `None` day.
//!
//! Canonical form (what the writer writes and the reader reads back identically): numbers
//! without leading zeros, and no empty strings in text fields (an empty field reads as `None`).

use crate::date::DateStyle;
use chrono::NaiveDate;
use rules::YearMonth;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

#[cfg(feature = "schema")]
use schemars::JsonSchema;

/// The 31 算定日 columns of SI/IY/TO: 回数 on each day of the month (1日 … 31日).
pub type Days = [Option<u16>; 31];

/// IR — 医療機関情報レコード: the file's header.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Ir {
    /// 2 審査支払機関 (1 社会保険診療報酬支払基金, 2 国民健康保険団体連合会).
    pub payer: String,
    /// 3 都道府県 (01–47).
    pub prefecture: String,
    /// 4 点数表 (1 医科).
    pub fee_table: String,
    /// 5 医療機関コード (7 digits).
    pub facility_code: String,
    /// 6 予備.
    pub reserved: Option<String>,
    /// 7 医療機関名称.
    pub facility_name: Option<String>,
    /// 8 請求年月.
    pub billing_month: YearMonth,
    /// 9 マルチボリューム識別情報 ("00" upward).
    pub volume: String,
    /// 10 電話番号.
    pub phone: Option<String>,
    /// How the file writes dates: by the length of 請求年月 (6 digits 西暦, 5 digits 和暦).
    #[serde(default)]
    pub date_style: DateStyle,
}

/// 診療科 (RE 22–26, 27–31, 32–36): codes of 別表 13–16 of the older spec.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Department {
    /// 診療科名.
    pub name: Option<String>,
    /// 人体の部位等.
    pub body_part: Option<String>,
    /// 性別等.
    pub sex: Option<String>,
    /// 医学的処置.
    pub treatment: Option<String>,
    /// 特定疾病.
    pub disease: Option<String>,
}

/// RE — レセプト共通レコード: the first record of a receipt.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Re {
    /// 2 レセプト番号.
    pub number: u32,
    /// 3 レセプト種別 (receipt-shubetsu-ika.tsv).
    pub receipt_type: String,
    /// 4 診療年月.
    pub service_month: YearMonth,
    /// 5 氏名.
    pub name: Option<String>,
    /// 6 男女区分 (1 男, 2 女).
    pub sex: String,
    /// 7 生年月日.
    #[cfg_attr(feature = "schema", schemars(with = "crate::schema::DateText"))]
    pub birth_date: NaiveDate,
    /// 8 給付割合.
    pub benefit_rate: Option<u32>,
    /// 9 入院年月日.
    #[cfg_attr(feature = "schema", schemars(with = "Option<crate::schema::DateText>"))]
    pub admission_date: Option<NaiveDate>,
    /// 10 病棟区分 (2 digits each, up to 4).
    #[serde(default)]
    pub wards: Vec<String>,
    /// 11 一部負担金・食事療養費・生活療養費標準負担額区分.
    pub copay_class: Option<String>,
    /// 12 レセプト特記事項 (2 digits each, up to 5).
    #[serde(default)]
    pub special_notes: Vec<String>,
    /// 13 病床数.
    pub beds: Option<u32>,
    /// 14 カルテ番号等.
    pub chart_number: Option<String>,
    /// 15 割引点数単価 (kept as written: its form is not known).
    pub discount_unit_price: Option<String>,
    /// 16 予備.
    pub reserved_16: Option<String>,
    /// 17 予備.
    pub reserved_17: Option<String>,
    /// 18 予備.
    pub reserved_18: Option<String>,
    /// 19 検索番号.
    pub search_number: Option<String>,
    /// 20 予備 (旧 記録条件仕様年月情報).
    pub reserved_20: Option<String>,
    /// 21 請求情報.
    pub billing_info: Option<String>,
    /// 22–36 診療科1–3.
    pub departments: [Department; 3],
    /// 37 カタカナ（氏名）.
    pub kana_name: Option<String>,
    /// 38 患者の状態 (3 digits each, up to 20).
    #[serde(default)]
    pub patient_states: Vec<String>,
}

/// HO — 保険者レコード.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Ho {
    /// 2 保険者番号 (8 characters; 6-digit 国保 numbers may be padded with spaces).
    pub insurer_number: Option<String>,
    /// 3 被保険者証（手帳）等の記号.
    pub card_symbol: Option<String>,
    /// 4 被保険者証（手帳）等の番号.
    pub card_number: Option<String>,
    /// 5 診療実日数.
    pub days: Option<u32>,
    /// 6 合計点数.
    pub total_points: Option<u64>,
    /// 7 予備.
    pub reserved: Option<String>,
    /// 8 食事療養・生活療養 回数.
    pub meal_count: Option<u32>,
    /// 9 食事療養・生活療養 合計金額.
    pub meal_amount: Option<u64>,
    /// 10 職務上の事由.
    pub occupational_reason: Option<String>,
    /// 11 証明書番号.
    pub certificate_number: Option<String>,
    /// 12 負担金額（医療保険）.
    pub copay: Option<u64>,
    /// 13 減免区分.
    pub reduction: Option<String>,
    /// 14 減額割合.
    pub reduction_rate: Option<u32>,
    /// 15 減額金額.
    pub reduction_amount: Option<u64>,
}

/// KO — 公費レコード (one per 公費, in 公費 order: the first KO is 第1公費).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Ko {
    /// 2 公費負担者番号.
    pub payer_number: Option<String>,
    /// 3 公費受給者番号.
    pub recipient_number: Option<String>,
    /// 4 任意給付区分.
    pub optional_benefit: Option<String>,
    /// 5 診療実日数.
    pub days: Option<u32>,
    /// 6 合計点数.
    pub total_points: Option<u64>,
    /// 7 負担金額（公費）.
    pub copay: Option<u64>,
    /// 8 公費給付対象外来一部負担金.
    pub outpatient_copay: Option<u64>,
    /// 9 公費給付対象入院一部負担金.
    pub inpatient_copay: Option<u64>,
    /// 10 予備.
    pub reserved: Option<String>,
    /// 11 食事療養・生活療養 回数.
    pub meal_count: Option<u32>,
    /// 12 食事療養・生活療養 合計金額.
    pub meal_amount: Option<u64>,
}

/// SN — 資格確認レコード.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Sn {
    /// 2 負担者種別 (1 医療保険, 2–5 第1–4公費).
    pub payer_kind: String,
    /// 3 確認区分.
    pub confirmation: String,
    /// 4 保険者番号等（資格確認）.
    pub insurer_number: Option<String>,
    /// 5 被保険者証（資格確認）等の記号.
    pub card_symbol: Option<String>,
    /// 6 被保険者証（資格確認）等の番号.
    pub card_number: Option<String>,
    /// 7 枝番.
    pub branch_number: Option<String>,
    /// 8 受給者番号.
    pub recipient_number: Option<String>,
    /// 9 予備.
    pub reserved: Option<String>,
}

/// JD — 受診日等レコード (one per 負担者).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Jd {
    /// 2 負担者種別.
    pub payer_kind: String,
    /// 3–33 1日の情報 … 31日の情報: 受診等区分 of each day.
    pub days: [Option<String>; 31],
}

/// MF — 窓口負担額レコード.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Mf {
    /// 2 窓口負担額区分.
    pub class: String,
    /// 3–33 予備1 … 予備31.
    pub reserved: [Option<String>; 31],
}

/// SY — 傷病名レコード.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Sy {
    /// 2 傷病名コード (7 digits; 0000999 = 未コード化傷病名).
    pub code: String,
    /// 3 診療開始日.
    #[cfg_attr(feature = "schema", schemars(with = "crate::schema::DateText"))]
    pub start_date: NaiveDate,
    /// 4 転帰区分.
    pub outcome: String,
    /// 5 修飾語コード (4 characters each, up to 20).
    #[serde(default)]
    pub modifiers: Vec<String>,
    /// 6 傷病名称.
    pub name: Option<String>,
    /// 7 主傷病.
    pub main: Option<String>,
    /// 8 補足コメント.
    pub note: Option<String>,
}

/// One コメント pair of SI/IY/TO (コメントコードn, 文字データn).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Comment {
    /// コメントコード (9 digits).
    pub code: Option<String>,
    /// 文字データ.
    pub text: Option<String>,
}

/// SI — 診療行為レコード.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Si {
    /// 2 診療識別 (the treatment category: 11 初診, 60 検査 …), as written: empty on a record that
    /// continues the category of the one before.
    pub category: Option<String>,
    /// The 診療識別 in effect: the last one written on this or an earlier 摘要 record of the
    /// receipt (computed by the reader; the writer ignores it).
    #[serde(default)]
    pub effective_category: Option<String>,
    /// 3 負担区分.
    pub payer_class: String,
    /// 4 診療行為コード (9 digits).
    pub code: String,
    /// 5 数量データ.
    #[cfg_attr(
        feature = "schema",
        schemars(with = "Option<crate::schema::DecimalText>")
    )]
    pub quantity: Option<Decimal>,
    /// 6 点数 (only on the last record of a 点数・回数算定単位).
    pub points: Option<u32>,
    /// 7 回数.
    pub count: Option<u32>,
    /// 8–13 コメントコード1–3 and 文字データ1–3.
    pub comments: [Comment; 3],
    /// 14–44 1日の情報 … 31日の情報.
    pub days: Days,
}

/// IY — 医薬品レコード.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Iy {
    /// 2 診療識別, as written.
    pub category: Option<String>,
    /// The 診療識別 in effect (see [`Si::effective_category`]).
    #[serde(default)]
    pub effective_category: Option<String>,
    /// 3 負担区分.
    pub payer_class: String,
    /// 4 医薬品コード (9 digits).
    pub code: String,
    /// 5 使用量.
    #[cfg_attr(
        feature = "schema",
        schemars(with = "Option<crate::schema::DecimalText>")
    )]
    pub quantity: Option<Decimal>,
    /// 6 点数.
    pub points: Option<u32>,
    /// 7 回数.
    pub count: Option<u32>,
    /// 8–13 コメント.
    pub comments: [Comment; 3],
    /// 14–44 算定日.
    pub days: Days,
}

/// TO — 特定器材レコード.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct To {
    /// 2 診療識別, as written.
    pub category: Option<String>,
    /// The 診療識別 in effect (see [`Si::effective_category`]).
    #[serde(default)]
    pub effective_category: Option<String>,
    /// 3 負担区分.
    pub payer_class: String,
    /// 4 特定器材コード (9 digits).
    pub code: String,
    /// 5 使用量.
    #[cfg_attr(
        feature = "schema",
        schemars(with = "Option<crate::schema::DecimalText>")
    )]
    pub quantity: Option<Decimal>,
    /// 6 点数.
    pub points: Option<u32>,
    /// 7 回数.
    pub count: Option<u32>,
    /// 8 単位コード.
    pub unit_code: Option<String>,
    /// 9 単価.
    #[cfg_attr(
        feature = "schema",
        schemars(with = "Option<crate::schema::DecimalText>")
    )]
    pub unit_price: Option<Decimal>,
    /// 10 予備.
    pub reserved: Option<String>,
    /// 11 商品名及び規格又はサイズ.
    pub product_name: Option<String>,
    /// 12–17 コメント.
    pub comments: [Comment; 3],
    /// 18–48 算定日.
    pub days: Days,
}

/// CO — コメントレコード.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Co {
    /// 2 診療識別, as written.
    pub category: Option<String>,
    /// The 診療識別 in effect (see [`Si::effective_category`]).
    #[serde(default)]
    pub effective_category: Option<String>,
    /// 3 負担区分.
    pub payer_class: String,
    /// 4 コメントコード (9 digits).
    pub code: String,
    /// 5 文字データ.
    pub text: Option<String>,
}

/// One 摘要 (detail) record — SI, IY, TO or CO — in file order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
pub enum Detail {
    SI(Si),
    IY(Iy),
    TO(To),
    CO(Co),
}

impl Detail {
    /// The record type ("SI" …).
    pub fn record(&self) -> &'static str {
        match self {
            Detail::SI(_) => "SI",
            Detail::IY(_) => "IY",
            Detail::TO(_) => "TO",
            Detail::CO(_) => "CO",
        }
    }

    /// 診療識別 as written.
    pub fn category(&self) -> Option<&str> {
        match self {
            Detail::SI(r) => r.category.as_deref(),
            Detail::IY(r) => r.category.as_deref(),
            Detail::TO(r) => r.category.as_deref(),
            Detail::CO(r) => r.category.as_deref(),
        }
    }

    /// The 診療識別 in effect.
    pub fn effective_category(&self) -> Option<&str> {
        match self {
            Detail::SI(r) => r.effective_category.as_deref(),
            Detail::IY(r) => r.effective_category.as_deref(),
            Detail::TO(r) => r.effective_category.as_deref(),
            Detail::CO(r) => r.effective_category.as_deref(),
        }
    }

    fn set_effective(&mut self, v: Option<String>) {
        match self {
            Detail::SI(r) => r.effective_category = v,
            Detail::IY(r) => r.effective_category = v,
            Detail::TO(r) => r.effective_category = v,
            Detail::CO(r) => r.effective_category = v,
        }
    }

    /// 負担区分.
    pub fn payer_class(&self) -> &str {
        match self {
            Detail::SI(r) => &r.payer_class,
            Detail::IY(r) => &r.payer_class,
            Detail::TO(r) => &r.payer_class,
            Detail::CO(r) => &r.payer_class,
        }
    }

    /// The code (診療行為, 医薬品, 特定器材 or コメント).
    pub fn code(&self) -> &str {
        match self {
            Detail::SI(r) => &r.code,
            Detail::IY(r) => &r.code,
            Detail::TO(r) => &r.code,
            Detail::CO(r) => &r.code,
        }
    }

    /// 点数 and 回数 (a CO has neither).
    pub fn points_and_count(&self) -> (Option<u32>, Option<u32>) {
        match self {
            Detail::SI(r) => (r.points, r.count),
            Detail::IY(r) => (r.points, r.count),
            Detail::TO(r) => (r.points, r.count),
            Detail::CO(_) => (None, None),
        }
    }
}

/// SJ — 症状詳記レコード.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Sj {
    /// 2 症状詳記区分.
    pub kind: Option<String>,
    /// 3 症状詳記データ.
    pub text: Option<String>,
}

/// A record the layout names but does not describe (GR, TI/TR/TS, KH, NI, the 返戻/再請求
/// records; `uke/data/other-records.tsv`), kept as its text fields.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct OtherRecord {
    /// レコード識別情報.
    pub record: String,
    /// Fields 2 onwards, as written (empty fields are empty strings).
    pub fields: Vec<String>,
}

/// GO — 診療報酬請求書レコード: the file's last record.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Go {
    /// 2 総件数.
    pub total_count: u64,
    /// 3 総合計点数.
    pub total_points: u64,
    /// 4 マルチボリューム識別情報 ("99" on the last volume).
    pub volume: String,
}

/// One receipt: its RE and every record up to the next RE, IR or GO.
///
/// Records keep their order within each kind; across kinds the writer uses the layout's order
/// (RE, HO, KO, SN, JD, MF, SY, the 摘要 records, SJ, then the other records).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Receipt {
    pub re: Re,
    pub ho: Option<Ho>,
    #[serde(default)]
    pub ko: Vec<Ko>,
    #[serde(default)]
    pub sn: Vec<Sn>,
    #[serde(default)]
    pub jd: Vec<Jd>,
    pub mf: Option<Mf>,
    #[serde(default)]
    pub sy: Vec<Sy>,
    /// 摘要: the SI, IY, TO and CO records in file order.
    #[serde(default)]
    pub details: Vec<Detail>,
    #[serde(default)]
    pub sj: Vec<Sj>,
    #[serde(default)]
    pub other: Vec<OtherRecord>,
}

impl Receipt {
    /// A receipt with this RE and nothing else.
    pub fn new(re: Re) -> Receipt {
        Receipt {
            re,
            ho: None,
            ko: Vec::new(),
            sn: Vec::new(),
            jd: Vec::new(),
            mf: None,
            sy: Vec::new(),
            details: Vec::new(),
            sj: Vec::new(),
            other: Vec::new(),
        }
    }

    /// Set each 摘要 record's `effective_category` from the 診療識別 written on it or on the
    /// last earlier record that has one. Returns the index of the first record that has none
    /// (a 摘要 that starts without a 診療識別).
    pub fn carry_category(&mut self) -> Option<usize> {
        let mut current: Option<String> = None;
        let mut first_missing = None;
        for (i, t) in self.details.iter_mut().enumerate() {
            if let Some(s) = t.category() {
                current = Some(s.to_string());
            } else if current.is_none() && first_missing.is_none() {
                first_missing = Some(i);
            }
            t.set_effective(current.clone());
        }
        first_missing
    }
}
