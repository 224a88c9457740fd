//! Row types of the co-payment tables and the vocabulary they share with `calc::copay`
//! (income categories, age groups, limit components). Every row is [`Dated`].

use super::{invalid, CopayDataError};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::fmt;

/// A row valid from `from` to `to` (inclusive; open when `None`), with its source.
pub trait Dated {
    /// First day the row applies.
    fn from(&self) -> NaiveDate;
    /// Last day the row applies (inclusive); `None` = open-ended.
    fn to(&self) -> Option<NaiveDate>;
    /// The statute or page the row was read from.
    fn source(&self) -> &str;
    /// Whether the row applies on `date`.
    fn covers(&self, date: NaiveDate) -> bool {
        date >= self.from()
            && match self.to() {
                Some(t) => date <= t,
                None => true,
            }
    }
}

macro_rules! dated {
    ($($t:ty),*) => {$(
        impl Dated for $t {
            fn from(&self) -> NaiveDate { self.from }
            fn to(&self) -> Option<NaiveDate> { self.to }
            fn source(&self) -> &str { &self.source }
        }
    )*};
}

/// 所得区分 — income category of the patient (as on the 限度額適用認定証 / 高齢受給者証).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum IncomeCategory {
    /// 区分ア — under 70, 標準報酬月額 83万円以上.
    A,
    /// 区分イ — under 70, 53–79万円.
    I,
    /// 区分ウ — under 70, 28–50万円.
    U,
    /// 区分エ — under 70, 26万円以下.
    E,
    /// 区分オ — under 70, 住民税非課税.
    O,
    /// 現役並みⅢ — 70+, 標準報酬月額 83万円以上.
    Genekinami3,
    /// 現役並みⅡ — 70+, 53–79万円.
    Genekinami2,
    /// 現役並みⅠ — 70+, 28–50万円.
    Genekinami1,
    /// 一般 — 70+ (for 後期: read as 一般Ⅰ, 1割).
    Ippan,
    /// 一般Ⅰ — 後期 1割.
    Ippan1,
    /// 一般Ⅱ — 後期 2割 (from 2022-10-01).
    Ippan2,
    /// 低所得Ⅱ — 70+, 住民税非課税.
    Teishotoku2,
    /// 低所得Ⅰ — 70+, 住民税非課税 and no income.
    Teishotoku1,
}

impl IncomeCategory {
    /// All categories in display order.
    pub const ALL: [IncomeCategory; 13] = [
        Self::A,
        Self::I,
        Self::U,
        Self::E,
        Self::O,
        Self::Genekinami3,
        Self::Genekinami2,
        Self::Genekinami1,
        Self::Ippan,
        Self::Ippan1,
        Self::Ippan2,
        Self::Teishotoku2,
        Self::Teishotoku1,
    ];

    /// The Japanese label (`"ウ"`, `"現役並みⅢ"` …).
    pub fn label(self) -> &'static str {
        match self {
            Self::A => "ア",
            Self::I => "イ",
            Self::U => "ウ",
            Self::E => "エ",
            Self::O => "オ",
            Self::Genekinami3 => "現役並みⅢ",
            Self::Genekinami2 => "現役並みⅡ",
            Self::Genekinami1 => "現役並みⅠ",
            Self::Ippan => "一般",
            Self::Ippan1 => "一般Ⅰ",
            Self::Ippan2 => "一般Ⅱ",
            Self::Teishotoku2 => "低所得Ⅱ",
            Self::Teishotoku1 => "低所得Ⅰ",
        }
    }

    /// Parses a label; ASCII `I`/`II`/`III` are accepted for Ⅰ/Ⅱ/Ⅲ.
    pub fn parse(s: &str) -> Option<IncomeCategory> {
        let t = s.trim();
        // ASCII roman numerals stand for Ⅰ Ⅱ Ⅲ.
        let (stem, roman) = if let Some(stem) = t.strip_suffix("III") {
            (stem, "Ⅲ")
        } else if let Some(stem) = t.strip_suffix("II") {
            (stem, "Ⅱ")
        } else if let Some(stem) = t.strip_suffix('I') {
            (stem, "Ⅰ")
        } else {
            (t, "")
        };
        Self::ALL.into_iter().find(|c| {
            let l = c.label();
            l.len() == stem.len() + roman.len() && l.starts_with(stem) && l.ends_with(roman)
        })
    }

    /// The expected-values list used in error messages.
    pub fn expected_list() -> String {
        Self::ALL
            .iter()
            .map(|c| c.label())
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// Whether this is an under-70 category (ア–オ).
    pub fn is_under70(self) -> bool {
        matches!(self, Self::A | Self::I | Self::U | Self::E | Self::O)
    }

    /// 現役並みⅠ・Ⅱ・Ⅲ.
    pub fn is_genekinami(self) -> bool {
        matches!(
            self,
            Self::Genekinami3 | Self::Genekinami2 | Self::Genekinami1
        )
    }

    /// 一般, 一般Ⅰ, 一般Ⅱ.
    pub fn is_ippan(self) -> bool {
        matches!(self, Self::Ippan | Self::Ippan1 | Self::Ippan2)
    }

    /// 低所得Ⅰ・Ⅱ.
    pub fn is_low_income(self) -> bool {
        matches!(self, Self::Teishotoku2 | Self::Teishotoku1)
    }
}

impl fmt::Display for IncomeCategory {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

impl<'de> Deserialize<'de> for IncomeCategory {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        IncomeCategory::parse(&s).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "unknown income category \"{s}\" (expected one of {})",
                IncomeCategory::expected_list()
            ))
        })
    }
}

impl Serialize for IncomeCategory {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.label())
    }
}

/// The category a limit row is keyed by: an income category or a 公費 pseudo category.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LimitCategory {
    /// The patient's own 区分.
    Income(IncomeCategory),
    /// 公費併用 — the income-independent limit of a claim combined with a public programme.
    PublicCombined,
    /// 生活保護 (法別12) combined.
    Welfare,
}

impl fmt::Display for LimitCategory {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Income(c) => f.write_str(c.label()),
            Self::PublicCombined => f.write_str("公費併用"),
            Self::Welfare => f.write_str("生活保護"),
        }
    }
}

impl<'de> Deserialize<'de> for LimitCategory {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        match s.as_str() {
            "公費併用" => Ok(Self::PublicCombined),
            "生活保護" => Ok(Self::Welfare),
            _ => IncomeCategory::parse(&s).map(Self::Income).ok_or_else(|| {
                serde::de::Error::custom(format!(
                    "unknown limit category \"{s}\" (expected an income category, 公費併用 or 生活保護)"
                ))
            }),
        }
    }
}

/// Rate group (負担割合の区分) by age and insurance.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub enum RateGroup {
    /// 未就学児.
    #[serde(rename = "preschool")]
    Preschool,
    /// 就学後 – the 70th-birthday month.
    #[serde(rename = "under70")]
    Under70,
    /// 70–74 (高齢受給者).
    #[serde(rename = "70-74")]
    From70To74,
    /// 後期高齢者.
    #[serde(rename = "kouki")]
    Kouki,
}

/// Age group of the limit tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub enum LimitAgeGroup {
    /// 70歳未満.
    #[serde(rename = "under70")]
    Under70,
    /// 70歳以上 (from the month after reaching 70).
    #[serde(rename = "70plus")]
    SeventyPlus,
}

/// Which limit of a row set applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum LimitComponent {
    /// Under 70: one monthly limit for 入院 and 外来 claims.
    Monthly,
    /// 70+: 外来 individual limit (個人単位).
    Outpatient,
    /// 70+: 外来+入院 household limit (世帯単位), used for a 入院 claim.
    Household,
}

/// 年齢 boundary parameters (see rates.toml).
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct AgeRules {
    #[cfg_attr(feature = "schema", schemars(with = "crate::schema_types::DateText"))]
    pub from: NaiveDate,
    #[serde(default)]
    #[cfg_attr(
        feature = "schema",
        schemars(with = "Option<crate::schema_types::DateText>")
    )]
    pub to: Option<NaiveDate>,
    /// 未就学: the age whose reaching starts the count to the next 3/31 (6).
    pub preschool_age: u32,
    /// End of the school year: month (3).
    pub school_year_end_month: u32,
    /// End of the school year: day (31).
    pub school_year_end_day: u32,
    /// 高齢受給者: 70.
    pub elderly_age: u32,
    /// 後期高齢者: 75.
    pub kouki_age: u32,
    /// 後期 by 障害認定 from this age (65).
    pub kouki_disability_min_age: u32,
    pub source: String,
}

/// One 負担割合 row.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct RateRow {
    #[cfg_attr(feature = "schema", schemars(with = "crate::schema_types::DateText"))]
    pub from: NaiveDate,
    #[serde(default)]
    #[cfg_attr(
        feature = "schema",
        schemars(with = "Option<crate::schema_types::DateText>")
    )]
    pub to: Option<NaiveDate>,
    pub group: RateGroup,
    /// Categories covered; `None` = all of the group.
    #[serde(default)]
    pub categories: Option<Vec<IncomeCategory>>,
    /// Only for patients born on or before this date (特例).
    #[serde(default)]
    #[cfg_attr(
        feature = "schema",
        schemars(with = "Option<crate::schema_types::DateText>")
    )]
    pub born_on_or_before: Option<NaiveDate>,
    /// Patient share in percent.
    pub percent: u32,
    pub source: String,
}

/// 端数処理 parameters.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct RoundingRow {
    #[cfg_attr(feature = "schema", schemars(with = "crate::schema_types::DateText"))]
    pub from: NaiveDate,
    #[serde(default)]
    #[cfg_attr(
        feature = "schema",
        schemars(with = "Option<crate::schema_types::DateText>")
    )]
    pub to: Option<NaiveDate>,
    /// 1点 = this many 円.
    pub yen_per_point: i64,
    /// 一部負担金 rounding unit (10円).
    pub window_unit_yen: i64,
    /// What the insurer's part (療養の給付に要する費用 − 一部負担金に相当する額, 健保法76条)
    /// deducts: the unrounded 一部負担金相当額 or the 10円-rounded window payment.
    pub insurer_part_deducts: InsurerPartDeducts,
    /// Where `insurer_part_deducts` comes from.
    pub insurer_part_source: String,
    pub source: String,
}

/// What the insurer's part deducts from 医療費 (rules/data/copay/rounding.toml).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum InsurerPartDeducts {
    /// The 一部負担金 before the 10円 rounding of the window (rate × 医療費 in 1円; under a
    /// limit the limit's amount, in 1円): the rounding difference stays with the facility.
    UnroundedShare,
    /// The 10円-rounded 一部負担金 collected at the window.
    WindowPayment,
}

/// 多数回 and 75歳到達月 parameters.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct HighCostRules {
    #[cfg_attr(feature = "schema", schemars(with = "crate::schema_types::DateText"))]
    pub from: NaiveDate,
    #[serde(default)]
    #[cfg_attr(
        feature = "schema",
        schemars(with = "Option<crate::schema_types::DateText>")
    )]
    pub to: Option<NaiveDate>,
    /// 多数回該当 when this many earlier months in the last 12 reached the limit.
    pub many_times_after: u32,
    /// 75歳到達月の特例 divisor (2).
    pub birthday_month_divisor: i64,
    /// 70 and over: a 公費 part counts toward the month's one limit at the facility what the
    /// patient paid under it (not its 一部負担金), the 保険単独 part its 一部負担金, with no
    /// 21,000円 threshold — as under 70 (健康保険法施行令41条1項). Omitted: false (every part's
    /// 一部負担金 counts).
    #[serde(default)]
    pub public_part_counts_paid_70plus: bool,
    pub source: String,
}

/// 自己負担限度額 row: `base + max(0, 医療費 − threshold) × excess_percent %`.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct LimitRow {
    #[cfg_attr(feature = "schema", schemars(with = "crate::schema_types::DateText"))]
    pub from: NaiveDate,
    #[serde(default)]
    #[cfg_attr(
        feature = "schema",
        schemars(with = "Option<crate::schema_types::DateText>")
    )]
    pub to: Option<NaiveDate>,
    pub age_group: LimitAgeGroup,
    pub category: LimitCategory,
    pub component: LimitComponent,
    pub base: i64,
    #[serde(default)]
    pub threshold: Option<i64>,
    #[serde(default)]
    pub excess_percent: Option<u32>,
    /// 多数回 amount.
    #[serde(default)]
    pub many: Option<i64>,
    pub source: String,
}

/// An announced limit without confirmed figures.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct UnconfirmedLimit {
    #[cfg_attr(feature = "schema", schemars(with = "crate::schema_types::DateText"))]
    pub from: NaiveDate,
    #[serde(default)]
    #[cfg_attr(
        feature = "schema",
        schemars(with = "Option<crate::schema_types::DateText>")
    )]
    pub to: Option<NaiveDate>,
    pub age_group: LimitAgeGroup,
    pub categories: Vec<LimitCategory>,
    pub components: Vec<LimitComponent>,
    pub note: String,
    /// Where only the formula is unconfirmed and the 多数回 amounts are announced as unchanged:
    /// a 多数回 month uses the 多数回 amount in force on this date.
    #[serde(default)]
    #[cfg_attr(
        feature = "schema",
        schemars(with = "Option<crate::schema_types::DateText>")
    )]
    pub many_as_on: Option<NaiveDate>,
    pub source: String,
}

/// 特定疾病 (マル長) limit.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct SpecificDiseaseRow {
    #[cfg_attr(feature = "schema", schemars(with = "crate::schema_types::DateText"))]
    pub from: NaiveDate,
    #[serde(default)]
    #[cfg_attr(
        feature = "schema",
        schemars(with = "Option<crate::schema_types::DateText>")
    )]
    pub to: Option<NaiveDate>,
    pub amount: i64,
    pub dialysis_upper_amount: i64,
    pub dialysis_upper_categories: Vec<IncomeCategory>,
    pub source: String,
}

/// Insurer-side amounts, recorded but not applied at the window.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct InsurerSideRow {
    #[cfg_attr(feature = "schema", schemars(with = "crate::schema_types::DateText"))]
    pub from: NaiveDate,
    #[serde(default)]
    #[cfg_attr(
        feature = "schema",
        schemars(with = "Option<crate::schema_types::DateText>")
    )]
    pub to: Option<NaiveDate>,
    /// 合算対象基準額 (under 70): 21,000.
    #[serde(default)]
    pub household_min_share_under70: Option<i64>,
    /// 70+ 一般 外来 年間上限 144,000.
    #[serde(default)]
    pub annual_outpatient_70plus_general: Option<i64>,
    /// 2026-08 annual cap (ウ) 530,000.
    #[serde(default)]
    pub annual_cap_under70_u: Option<i64>,
    pub source: String,
}

/// 後期 2割 配慮措置.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct KoukiMeasure {
    #[cfg_attr(feature = "schema", schemars(with = "crate::schema_types::DateText"))]
    pub from: NaiveDate,
    #[serde(default)]
    #[cfg_attr(
        feature = "schema",
        schemars(with = "Option<crate::schema_types::DateText>")
    )]
    pub to: Option<NaiveDate>,
    /// The rate the measure eases (20).
    pub rate_percent: u32,
    /// The former rate (10).
    pub base_percent: u32,
    /// Monthly increase cap (3,000).
    pub increase_cap: i64,
    /// 外来 limit (18,000).
    pub outpatient_cap: i64,
    /// 医療費 below this: plain 2割 (30,000).
    pub applies_from_cost: i64,
    pub source: String,
}

/// 食事療養 標準負担額 per meal.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct MealRow {
    #[cfg_attr(feature = "schema", schemars(with = "crate::schema_types::DateText"))]
    pub from: NaiveDate,
    #[serde(default)]
    #[cfg_attr(
        feature = "schema",
        schemars(with = "Option<crate::schema_types::DateText>")
    )]
    pub to: Option<NaiveDate>,
    pub general: i64,
    pub designated_disease: i64,
    pub low_income_ii: i64,
    pub low_income_ii_long: i64,
    pub low_income_i: i64,
    pub long_stay_days: u32,
    pub source: String,
}

/// A period whose meal amounts are not confirmed.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct MealUnconfirmed {
    #[cfg_attr(feature = "schema", schemars(with = "crate::schema_types::DateText"))]
    pub from: NaiveDate,
    #[serde(default)]
    #[cfg_attr(
        feature = "schema",
        schemars(with = "Option<crate::schema_types::DateText>")
    )]
    pub to: Option<NaiveDate>,
    pub note: String,
    pub source: String,
}

/// When a programme pays.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, Default)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Timing {
    /// 公費優先 — pays in full before insurance.
    BeforeInsurance,
    /// 保険優先 — pays (part of) the patient's share after insurance.
    #[default]
    AfterInsurance,
}

/// Which high-cost limit a 公費併用 claim uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, Default)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum CombinedLimit {
    /// The income-independent 公費併用 limit.
    IncomeIndependent,
    /// The patient's own 区分 (難病 51/54, 小慢 52).
    OwnCategory,
    /// 生活保護 limits.
    Welfare,
    /// Does not change the insurance limit (default for local programmes).
    #[default]
    None,
}

/// A public-expense programme (公費負担医療), national or local.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Programme {
    /// 法別番号.
    pub law: String,
    pub name: String,
    /// Order on a claim (smaller first).
    pub priority: u32,
    #[serde(default)]
    pub timing: Timing,
    /// Patient share in percent; `None` = the insurance rate.
    #[serde(default)]
    pub patient_percent: Option<u32>,
    /// The receipt must state the monthly cap.
    #[serde(default)]
    pub cap_required: bool,
    #[serde(default)]
    pub monthly_cap: Option<i64>,
    #[serde(default)]
    pub per_visit_cap: Option<i64>,
    #[serde(default)]
    pub max_charged_visits: Option<u32>,
    #[serde(default)]
    pub combined_limit: CombinedLimit,
    #[serde(default)]
    pub min_age: Option<u32>,
    #[serde(default)]
    pub max_age: Option<u32>,
    /// Eligible until the 3/31 after reaching `max_age + 1`.
    #[serde(default)]
    pub until_school_year_end: bool,
    /// Caps printed on 受給者証 for this programme (documentation).
    #[serde(default)]
    pub known_caps: Vec<i64>,
    #[cfg_attr(feature = "schema", schemars(with = "crate::schema_types::DateText"))]
    pub from: NaiveDate,
    #[serde(default)]
    #[cfg_attr(
        feature = "schema",
        schemars(with = "Option<crate::schema_types::DateText>")
    )]
    pub to: Option<NaiveDate>,
    pub source: String,
    /// The patient's share under the programme is settled on the month's receipt — min(its rate
    /// × the month's 医療費, the month's share before it, the cap) — rather than visit by visit,
    /// so a visit owes what the earlier visits' rate shares left (copayment.md §4, "Sequence per
    /// claim"). The embedded national rows state it. Omitted: true when the programme comes
    /// after insurance without per_visit_cap or max_charged_visits; true beside one of them (or
    /// before insurance) is an error.
    #[serde(default, rename = "settles_on_month")]
    pub(crate) settles_on_month_given: Option<bool>,
    /// `settles_on_month` as given, or its default (resolved when the row is read).
    #[serde(skip)]
    #[cfg_attr(feature = "schema", schemars(skip))]
    pub settles_on_month: bool,
    /// Declared in a local file (地方単独).
    #[serde(default)]
    pub local: bool,
    /// A local programme's own switches (never set by the national tables).
    #[serde(skip)]
    #[cfg_attr(feature = "schema", schemars(skip))]
    pub local_rules: super::LocalRules,
}

impl Programme {
    pub(crate) fn validate(&self, file: &str) -> Result<(), CopayDataError> {
        let law_ok = self.law.len() == 2 && self.law.bytes().all(|b| b.is_ascii_digit());
        if !law_ok {
            return Err(invalid(
                file,
                format!("programme law \"{}\": expected two digits", self.law),
            ));
        }
        if self.patient_percent.is_some_and(|p| p > 100) {
            return Err(invalid(
                file,
                format!("programme {}: patient_percent above 100", self.law),
            ));
        }
        for (name, v) in [
            ("monthly_cap", self.monthly_cap),
            ("per_visit_cap", self.per_visit_cap),
        ] {
            if v.is_some_and(|c| !(0..=MAX_TABLE_AMOUNT).contains(&c)) {
                return Err(invalid(
                    file,
                    format!(
                        "programme {}: {name} is negative or above {MAX_TABLE_AMOUNT}",
                        self.law
                    ),
                ));
            }
        }
        if let (Some(a), Some(b)) = (self.min_age, self.max_age) {
            if a > b {
                return Err(invalid(
                    file,
                    format!("programme {}: min_age {a} above max_age {b}", self.law),
                ));
            }
        }
        Ok(())
    }

    /// Sets `settles_on_month` from the row (`what` names it in the error): as given, or true
    /// when nothing works the programme visit by visit; given true beside such a field is an
    /// error.
    pub(crate) fn resolve_settling(
        &mut self,
        file: &str,
        what: &str,
    ) -> Result<(), CopayDataError> {
        self.settles_on_month = match (self.settles_on_month_given, self.month_settling_conflict())
        {
            (Some(true), Some(f)) => {
                return Err(invalid(
                    file,
                    format!("{what}.settles_on_month: true, but {f} works it visit by visit"),
                ))
            }
            (Some(v), _) => v,
            (None, c) => c.is_none(),
        };
        Ok(())
    }

    /// The field that keeps the programme from being settled on the month: `timing` before
    /// insurance, a per-visit cap or count, or a local switch worked visit by visit.
    pub fn month_settling_conflict(&self) -> Option<&'static str> {
        if self.timing != Timing::AfterInsurance {
            return Some("timing = \"before_insurance\"");
        }
        if self.per_visit_cap.is_some() {
            return Some("per_visit_cap");
        }
        if self.max_charged_visits.is_some() {
            return Some("max_charged_visits");
        }
        self.local_rules.visit_by_visit_switch()
    }
}

/// A local programme as written in a local file.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct LocalProgrammeRaw {
    law: String,
    name: String,
    /// Order among local programmes.
    #[serde(default)]
    order: u32,
    /// Patient share as a decimal fraction ("0.1").
    #[serde(default)]
    #[cfg_attr(
        feature = "schema",
        schemars(with = "Option<crate::schema_types::DecimalText>")
    )]
    rate: Option<Decimal>,
    #[serde(default)]
    patient_percent: Option<u32>,
    #[serde(default)]
    timing: Timing,
    #[serde(default)]
    monthly_cap: Option<i64>,
    #[serde(default)]
    per_visit_cap: Option<i64>,
    #[serde(default)]
    max_charged_visits: Option<u32>,
    #[serde(default)]
    cap_required: bool,
    #[serde(default)]
    combined_limit: CombinedLimit,
    #[serde(default)]
    min_age: Option<u32>,
    #[serde(default)]
    max_age: Option<u32>,
    #[serde(default)]
    until_school_year_end: bool,
    #[cfg_attr(feature = "schema", schemars(with = "crate::schema_types::DateText"))]
    from: NaiveDate,
    #[serde(default)]
    #[cfg_attr(
        feature = "schema",
        schemars(with = "Option<crate::schema_types::DateText>")
    )]
    to: Option<NaiveDate>,
    source: String,
    /// Only for patients of these insurers (`["kokuho"]`, `["kenpo"]`, `["none"]` = 公費単独);
    /// omitted = all. Rows of one 法別番号 with disjoint scopes may overlap in time.
    #[serde(default)]
    insurance: Vec<super::InsurerScope>,
    /// Without a 限度額適用認定証 (under 70) the programme pays only up to the 高額療養費 limit; the
    /// share above it is the patient's at the window (refunded later by the insurer).
    #[serde(default)]
    limit_without_certificate: bool,
    /// `combined_limit` applies only when the patient shows a 限度額適用認定証.
    #[serde(default)]
    combined_limit_needs_certificate: bool,
    /// The 後期 2割 配慮措置 is kept beside this programme (default: a 公費 drops it).
    #[serde(default)]
    keeps_kouki_measure: bool,
    /// The patient pays only on a first visit (初診); other visits free.
    #[serde(default)]
    first_visit_only: bool,
    /// The programme pays this percent of the share left before it (½ subsidy = 50).
    #[serde(default)]
    subsidy_percent: Option<u32>,
    /// The subsidy is taken before the caps: the monthly and per-visit caps bound the patient's
    /// rest after `subsidy_percent` (default: the caps first, the subsidy on what they leave).
    #[serde(default)]
    subsidy_before_caps: bool,
    /// A month's patient share above this amount is refunded in full after the month.
    #[serde(default)]
    full_refund_above: Option<i64>,
    /// 現物給付 while the month's share under the programme stays within this amount; the visit
    /// that takes it above collects the month's whole share at the window (what the programme
    /// paid is taken back), and the programme refunds its benefit after the month (償還払い).
    #[serde(default)]
    in_kind_up_to: Option<i64>,
    /// Free below this age (on the date of service); rate and caps apply from it.
    #[serde(default)]
    free_below_age: Option<u32>,
    /// With `free_below_age`: free through the end of the month in which the patient reaches
    /// that age (到達日, the day before the birthday); the rate and caps from the next month.
    #[serde(default)]
    free_through_month_end: bool,
    /// `max_charged_visits` counts every day seen under the programme, a day the patient paid
    /// nothing under it included (default: only the days he paid).
    #[serde(default)]
    counts_unpaid_days: bool,
    /// The patient's share is settled on the month's receipt (each visit owes what the month's
    /// rate shares left; the national programmes after insurance do). Omitted: true when the
    /// programme comes after insurance and sets none of per_visit_cap, max_charged_visits,
    /// subsidy_percent, first_visit_only, free_below_age, in_kind_up_to, full_refund_above;
    /// false otherwise. true beside one of those is an error.
    #[serde(default)]
    settles_on_month: Option<bool>,
}

/// Largest amount accepted in a table (keeps products far inside `i64`).
pub const MAX_TABLE_AMOUNT: i64 = 1_000_000_000_000;

/// Local programmes come after every national one.
pub const LOCAL_PRIORITY_BASE: u32 = 1000;

/// 法別番号 of local programmes (地方単独公費): the numbers the national 法別番号表 leaves to
/// prefectures and municipalities (80–99; see rules/data/copay/README.md).
pub const LOCAL_LAWS: std::ops::RangeInclusive<u32> = 80..=99;

/// Whether a 法別番号 is in the local range ([`LOCAL_LAWS`]).
pub fn is_local_law(law: &str) -> bool {
    law.len() == 2 && law.parse::<u32>().is_ok_and(|n| LOCAL_LAWS.contains(&n))
}

/// The local range as text (`80–99`).
pub fn local_law_range_text() -> String {
    format!("{}–{}", LOCAL_LAWS.start(), LOCAL_LAWS.end())
}

impl LocalProgrammeRaw {
    pub(crate) fn into_programme(
        self,
        file: &str,
        index: usize,
    ) -> Result<Programme, CopayDataError> {
        let law_ok = self.law.len() == 2 && self.law.bytes().all(|b| b.is_ascii_digit());
        if !law_ok {
            return Err(invalid(
                file,
                format!(
                    "programme[{index}].law: \"{}\" is not a two-digit 法別番号 (local programmes use {} or another number the prefecture assigns)",
                    self.law,
                    local_law_range_text()
                ),
            ));
        }
        let local_rules = super::LocalRules {
            insurance: self.insurance,
            limit_without_certificate: self.limit_without_certificate,
            combined_limit_needs_certificate: self.combined_limit_needs_certificate,
            keeps_kouki_measure: self.keeps_kouki_measure,
            first_visit_only: self.first_visit_only,
            subsidy_percent: self.subsidy_percent,
            subsidy_before_caps: self.subsidy_before_caps,
            full_refund_above: self.full_refund_above,
            in_kind_up_to: self.in_kind_up_to,
            free_below_age: self.free_below_age,
            free_through_month_end: self.free_through_month_end,
            counts_unpaid_days: self.counts_unpaid_days,
        };
        if local_rules.counts_unpaid_days && self.max_charged_visits.is_none() {
            return Err(invalid(
                file,
                format!(
                    "programme[{index}].counts_unpaid_days: true needs max_charged_visits (the count it changes)"
                ),
            ));
        }
        local_rules
            .check(&format!("programme[{index}]"))
            .map_err(|m| invalid(file, m))?;
        let patient_percent = match (self.rate, self.patient_percent) {
            (Some(_), Some(_)) => {
                return Err(invalid(
                    file,
                    format!("programme[{index}]: give rate or patient_percent, not both"),
                ))
            }
            (Some(r), None) => Some(rate_to_percent(r).ok_or_else(|| {
                invalid(
                    file,
                    format!(
                        "programme[{index}].rate: {r} is not a fraction between 0 and 1 in whole percent"
                    ),
                )
            })?),
            (None, p) => p,
        };
        if patient_percent.is_none()
            && self.monthly_cap.is_none()
            && self.per_visit_cap.is_none()
            && local_rules.subsidy_percent.is_none()
        {
            return Err(invalid(
                file,
                format!("programme[{index}] ({}): give a rate or a cap", self.law),
            ));
        }
        let mut p = Programme {
            law: self.law,
            name: self.name,
            priority: LOCAL_PRIORITY_BASE.saturating_add(self.order),
            timing: self.timing,
            patient_percent,
            cap_required: self.cap_required,
            monthly_cap: self.monthly_cap,
            per_visit_cap: self.per_visit_cap,
            max_charged_visits: self.max_charged_visits,
            combined_limit: self.combined_limit,
            min_age: self.min_age,
            max_age: self.max_age,
            until_school_year_end: self.until_school_year_end,
            known_caps: Vec::new(),
            from: self.from,
            to: self.to,
            source: self.source,
            settles_on_month_given: self.settles_on_month,
            settles_on_month: false,
            local: true,
            local_rules,
        };
        p.resolve_settling(file, &format!("programme[{index}]"))?;
        Ok(p)
    }
}

/// A decimal fraction (0.3) to whole percent (30); `None` when out of 0..=1 or not whole.
pub fn rate_to_percent(r: Decimal) -> Option<u32> {
    if r < Decimal::ZERO || r > Decimal::ONE {
        return None;
    }
    let p = r.checked_mul(Decimal::ONE_HUNDRED)?;
    if p.fract() != Decimal::ZERO {
        return None;
    }
    rust_decimal::prelude::ToPrimitive::to_u32(&p)
}

dated!(
    AgeRules,
    RateRow,
    RoundingRow,
    HighCostRules,
    LimitRow,
    UnconfirmedLimit,
    SpecificDiseaseRow,
    InsurerSideRow,
    KoukiMeasure,
    MealRow,
    MealUnconfirmed,
    Programme
);

#[cfg(feature = "schema")]
impl schemars::JsonSchema for IncomeCategory {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "IncomeCategory".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "所得区分 (as on the 限度額適用認定証 / 高齢受給者証)",
            "type": "string",
            "examples": ["ア", "イ", "ウ", "エ", "オ", "現役並みⅢ", "現役並みⅡ", "現役並みⅠ", "一般", "一般Ⅰ", "一般Ⅱ", "低所得Ⅱ", "低所得Ⅰ"]
        })
    }
}

#[cfg(feature = "schema")]
impl schemars::JsonSchema for LimitCategory {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "LimitCategory".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "an income category (所得区分), or 公費併用 / 生活保護 for the limits of claims combined with a public programme",
            "type": "string"
        })
    }
}
