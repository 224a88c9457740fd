//! Input of one receipt (one patient, one facility, one month, 入院 or 外来) and of one visit:
//! typed serde models, read from JSON or TOML with errors that name the field and the value,
//! and checked as a whole ([`Receipt::try_from`], [`Patient::from_facts`]) before any
//! computation.
//!
//! Invariants: every amount is a non-negative whole number of yen below [`MAX_AMOUNT`]; rates
//! are whole percent (a decimal fraction such as 0.3 is read through its decimal text, never as
//! a float in arithmetic); unknown fields are errors (a misspelt `monthy_cap` must not be
//! silently ignored).

use super::CopayError;
use crate::values::{Amount, Date, Flag, Law, Month, Rate, Scalar};
use chrono::{Datelike, NaiveDate};
use rules::copay::IncomeCategory;
use serde::{Deserialize, Deserializer, Serialize};

pub use crate::values::MAX_AMOUNT;

/// 入院 or 外来.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Setting {
    /// 入院.
    Inpatient,
    /// 外来.
    Outpatient,
}

impl Setting {
    /// The Japanese term.
    pub fn label(self) -> &'static str {
        match self {
            Self::Inpatient => "入院",
            Self::Outpatient => "外来",
        }
    }
}

impl<'de> Deserialize<'de> for Setting {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match Scalar::deserialize(d)? {
            Scalar::Str(s) => match s.trim() {
                "inpatient" | "入院" => Ok(Setting::Inpatient),
                "outpatient" | "外来" => Ok(Setting::Outpatient),
                other => Err(serde::de::Error::custom(format!(
                    "unknown value \"{other}\" (expected inpatient or outpatient)"
                ))),
            },
            other => Err(serde::de::Error::custom(format!(
                "expected inpatient or outpatient, got {other}"
            ))),
        }
    }
}

/// Insurance kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum InsuranceKind {
    /// 被用者保険 (健保・共済・船員).
    Kenpo,
    /// 国民健康保険.
    Kokuho,
    /// 後期高齢者医療.
    Kouki,
}

impl<'de> Deserialize<'de> for InsuranceKind {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match Scalar::deserialize(d)? {
            Scalar::Str(s) => match s.trim() {
                "kenpo" => Ok(InsuranceKind::Kenpo),
                "kokuho" => Ok(InsuranceKind::Kokuho),
                "kouki" => Ok(InsuranceKind::Kouki),
                other => Err(serde::de::Error::custom(format!(
                    "unknown value \"{other}\" (expected one of kenpo, kokuho, kouki)"
                ))),
            },
            other => Err(serde::de::Error::custom(format!(
                "expected kenpo, kokuho or kouki, got {other}"
            ))),
        }
    }
}

/// 所得区分 as given (`"ウ"`, `"現役並みⅢ"`, ASCII `I`/`II`/`III` for Ⅰ/Ⅱ/Ⅲ).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Income(pub IncomeCategory);

impl Serialize for Income {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.0.label())
    }
}

impl<'de> Deserialize<'de> for Income {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match Scalar::deserialize(d)? {
            Scalar::Str(s) => IncomeCategory::parse(&s).map(Income).ok_or_else(|| {
                serde::de::Error::custom(format!(
                    "unknown value \"{s}\" (expected one of {})",
                    IncomeCategory::expected_list()
                ))
            }),
            other => Err(serde::de::Error::custom(format!(
                "expected an income category, got {other}"
            ))),
        }
    }
}

/// 特定疾病 (マル長) status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum SpecificDisease {
    /// No 特定疾病療養受療証.
    #[default]
    None,
    /// `true` without the disease: enough except for dialysis-or-not under 70 in ア/イ.
    Unspecified,
    /// 人工透析 (慢性腎不全).
    Dialysis,
    /// 血友病.
    Hemophilia,
    /// 血液製剤由来 HIV.
    Hiv,
}

impl<'de> Deserialize<'de> for SpecificDisease {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match Scalar::deserialize(d)? {
            Scalar::Bool(false) | Scalar::Other("null") => Ok(SpecificDisease::None),
            Scalar::Bool(true) => Ok(SpecificDisease::Unspecified),
            Scalar::Str(s) => match s.trim() {
                "dialysis" | "人工透析" => Ok(SpecificDisease::Dialysis),
                "hemophilia" | "血友病" => Ok(SpecificDisease::Hemophilia),
                "hiv" | "HIV" => Ok(SpecificDisease::Hiv),
                other => Err(serde::de::Error::custom(format!(
                    "unknown value \"{other}\" (expected true, false, dialysis, hemophilia or hiv)"
                ))),
            },
            other => Err(serde::de::Error::custom(format!(
                "expected true, false, dialysis, hemophilia or hiv, got {other}"
            ))),
        }
    }
}

/// The co-payment facts of a patient as a claim's `patient` or a receipt's `patient` gives
/// them (each optional here; [`Patient::from_facts`] says which are required).
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct CopayFacts {
    /// 保険種別.
    #[serde(default)]
    pub insurance: Option<InsuranceKind>,
    /// 所得区分.
    #[serde(default)]
    pub income_category: Option<Income>,
    /// 限度額適用認定証 (or マイナ保険証 consent) presented.
    #[serde(default)]
    pub limit_certificate: Option<Flag>,
    /// Earlier months in the last 12 that reached the limit.
    #[serde(default)]
    pub high_cost_count: Option<Amount>,
    /// 特定疾病 (マル長).
    #[serde(default)]
    pub specific_disease: Option<SpecificDisease>,
    /// 低所得 long stay (meals).
    #[serde(default)]
    pub meal_long_stay: Option<Flag>,
    /// 後期高齢者医療 by 障害認定 (no 75歳到達月 halving).
    #[serde(default)]
    pub kouki_by_disability: Option<Flag>,
}

/// The patient (one insurer).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Patient {
    /// 生年月日.
    pub birth_date: NaiveDate,
    /// 保険種別.
    pub insurance: InsuranceKind,
    /// 所得区分.
    pub income_category: IncomeCategory,
    /// 限度額適用認定証 (or マイナ保険証 with consent) presented.
    pub limit_certificate: bool,
    /// Earlier months in the last 12 that reached the limit (3 or more ⇒ 多数回).
    pub high_cost_count: u32,
    /// 特定疾病 (マル長).
    pub specific_disease: SpecificDisease,
    /// 低所得 inpatient stay over 90 days in 12 months (meal 標準負担額 長期該当).
    pub meal_long_stay: bool,
    /// 後期高齢者医療 by 障害認定 (from 65): the patient does not change insurers at 75, so the
    /// 75歳到達月 halving of the limits does not apply.
    pub kouki_by_disability: bool,
}

fn bad(field: &str, message: impl Into<String>) -> CopayError {
    CopayError::Invalid {
        field: field.to_string(),
        message: message.into(),
    }
}

impl Patient {
    /// The patient from the facts given; `path` names the object in errors (`patient`).
    /// `insurance` and `income_category` are required; `kouki_by_disability` needs `kouki`.
    pub fn from_facts(
        path: &str,
        birth_date: NaiveDate,
        f: &CopayFacts,
    ) -> Result<Patient, CopayError> {
        let field = |name: &str| {
            if path.is_empty() {
                name.to_string()
            } else {
                format!("{path}.{name}")
            }
        };
        let insurance = f
            .insurance
            .ok_or_else(|| bad(&field("insurance"), "missing"))?;
        let income_category = f
            .income_category
            .ok_or_else(|| bad(&field("income_category"), "missing"))?
            .0;
        let kouki_by_disability = f.kouki_by_disability.unwrap_or_default().0;
        if kouki_by_disability && insurance != InsuranceKind::Kouki {
            return Err(bad(
                &field("kouki_by_disability"),
                "true needs insurance kouki (後期高齢者医療 by 障害認定)",
            ));
        }
        let count = f.high_cost_count.unwrap_or_default().0;
        Ok(Patient {
            birth_date,
            insurance,
            income_category,
            limit_certificate: f.limit_certificate.unwrap_or_default().0,
            high_cost_count: u32::try_from(count).unwrap_or(u32::MAX),
            specific_disease: f.specific_disease.unwrap_or_default(),
            meal_long_stay: f.meal_long_stay.unwrap_or_default().0,
            kouki_by_disability,
        })
    }
}

/// One public programme on the claim, as on the 受給者証.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, try_from = "PublicExpenseFields")]
pub struct PublicExpenseClaim {
    /// 法別番号 ("54").
    pub law: String,
    /// 月額上限 (from the 受給者証); overrides the programme's default.
    pub monthly_cap: Option<i64>,
    /// Already paid towards the cap this month (上限額管理票).
    pub already_paid: i64,
    /// Patient share override in percent (income-based 自己負担 on the 受給者証).
    pub rate_percent: Option<u32>,
}

/// A `public_expense` entry as written.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PublicExpenseFields {
    law: Law,
    #[serde(default)]
    monthly_cap: Option<Amount>,
    #[serde(default)]
    already_paid: Option<Amount>,
    #[serde(default)]
    rate: Option<Rate>,
}

impl TryFrom<PublicExpenseFields> for PublicExpenseClaim {
    type Error = String;
    fn try_from(p: PublicExpenseFields) -> Result<Self, String> {
        Ok(PublicExpenseClaim {
            law: p.law.0,
            monthly_cap: p.monthly_cap.map(|a| a.0),
            already_paid: p.already_paid.unwrap_or_default().0,
            rate_percent: p.rate.map(|r| r.0),
        })
    }
}

/// Month-to-date totals at this facility in this setting, before the visit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct MonthToDate {
    /// 医療費 already incurred this month.
    pub medical_cost: i64,
    /// The insurance-level patient share (一部負担金) already charged this month, before any
    /// public programme took part of it.
    pub patient_share: i64,
}

impl MonthToDate {
    /// Both amounts within bounds, and the share already charged no more than the cost.
    pub fn check(&self, path: &str) -> Result<(), CopayError> {
        for (name, v) in [
            ("medical_cost", self.medical_cost),
            ("patient_share", self.patient_share),
        ] {
            if !(0..=MAX_AMOUNT).contains(&v) {
                return Err(bad(
                    &format!("{path}.{name}"),
                    format!("{v} is out of range"),
                ));
            }
        }
        if self.patient_share > self.medical_cost {
            return Err(bad(
                &format!("{path}.patient_share"),
                format!(
                    "{} is more than the medical cost {} already incurred this month",
                    self.patient_share, self.medical_cost
                ),
            ));
        }
        Ok(())
    }
}

/// One receipt: one patient, one facility, one month, 入院 or 外来.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(try_from = "ReceiptFields")]
pub struct Receipt {
    /// First day of the receipt month (`"2025-05"` in JSON).
    pub month: NaiveDate,
    /// Date of service deciding rate and age (default: the month's first day; for a 後期
    /// receipt in the 75th-birthday month, the birthday).
    pub date: Option<NaiveDate>,
    pub setting: Setting,
    pub patient: Patient,
    pub public_expense: Vec<PublicExpenseClaim>,
    /// 合計点数.
    pub points: i64,
    /// Number of meals (入院時食事療養).
    pub meals: i64,
    /// Rate override in percent.
    pub rate_percent: Option<u32>,
    /// Visits in the month (needed only by per-visit public caps).
    pub visits: Option<u32>,
}

/// The patient of a receipt as written.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ReceiptPatient {
    birth_date: Date,
    #[serde(default)]
    insurance: Option<InsuranceKind>,
    #[serde(default)]
    income_category: Option<Income>,
    #[serde(default)]
    limit_certificate: Option<Flag>,
    #[serde(default)]
    high_cost_count: Option<Amount>,
    #[serde(default)]
    specific_disease: Option<SpecificDisease>,
    #[serde(default)]
    meal_long_stay: Option<Flag>,
    #[serde(default)]
    kouki_by_disability: Option<Flag>,
}

/// A receipt as written.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ReceiptFields {
    month: Month,
    #[serde(default)]
    date: Option<Date>,
    setting: Setting,
    patient: ReceiptPatient,
    #[serde(default)]
    public_expense: Option<Vec<PublicExpenseClaim>>,
    points: Amount,
    #[serde(default)]
    meals: Option<Amount>,
    #[serde(default)]
    rate: Option<Rate>,
    #[serde(default)]
    visits: Option<Amount>,
}

impl TryFrom<ReceiptFields> for Receipt {
    type Error = CopayError;
    fn try_from(r: ReceiptFields) -> Result<Self, CopayError> {
        let month = r.month.0;
        let date = r.date.map(|d| d.0);
        if let Some(d) = date {
            if (d.year(), d.month()) != (month.year(), month.month()) {
                return Err(bad(
                    "date",
                    format!("{d} is not in the receipt month {}", month.format("%Y-%m")),
                ));
            }
        }
        let p = r.patient;
        let facts = CopayFacts {
            insurance: p.insurance,
            income_category: p.income_category,
            limit_certificate: p.limit_certificate,
            high_cost_count: p.high_cost_count,
            specific_disease: p.specific_disease,
            meal_long_stay: p.meal_long_stay,
            kouki_by_disability: p.kouki_by_disability,
        };
        let patient = Patient::from_facts("patient", p.birth_date.0, &facts)?;
        let visits = r
            .visits
            .map(|n| {
                if n.0 > crate::values::MAX_VISITS {
                    return Err(bad(
                        "visits",
                        format!("{} is above {}", n.0, crate::values::MAX_VISITS),
                    ));
                }
                Ok(n.0 as u32)
            })
            .transpose()?;
        if let Some(m) = r.meals.filter(|m| m.0 > crate::values::MAX_MEALS) {
            return Err(bad(
                "meals",
                format!("{} is above {}", m.0, crate::values::MAX_MEALS),
            ));
        }
        Ok(Receipt {
            month,
            date,
            setting: r.setting,
            patient,
            public_expense: r.public_expense.unwrap_or_default(),
            points: r.points.0,
            meals: r.meals.unwrap_or_default().0,
            rate_percent: r.rate.map(|r| r.0),
            visits,
        })
    }
}

/// One visit inside a month (for `santei calc`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Visit {
    pub patient: Patient,
    /// Date of service.
    pub date: NaiveDate,
    pub setting: Setting,
    /// The visit's points.
    pub points: i64,
    pub public_expense: Vec<PublicExpenseClaim>,
    /// Meals on this visit (入院 only).
    pub meals: i64,
    /// Rate override in percent.
    pub rate_percent: Option<u32>,
    /// Month-to-date totals before this visit (`None` = first visit of the month).
    pub month_to_date: Option<MonthToDate>,
}

#[cfg(feature = "schema")]
pub use super::input_schema::{
    IncomeCategoryInput, InsuranceInput, PatientFacts, PatientInput, PublicExpenseInput,
    ReceiptInput, SettingInput, SpecificDiseaseInput,
};
