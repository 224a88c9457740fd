//! JSON Schemas of the co-payment inputs (feature `schema`): schema-only types describing what
//! the readers of [`super::input`] accept, as published in `schemas/v1/` (kept in step with
//! the readers; the tests validate every golden input against them). `null` is read as absent
//! for every optional field.
#![allow(dead_code)]

use crate::values::{
    AmountSchema as Amount, DateSchema as DateString, MonthSchema as MonthString,
    RateSchema as Rate,
};
use schemars::JsonSchema;

/// The receipt (レセプト) `santei copay` reads: one patient, one facility, one month.
#[derive(JsonSchema)]
#[schemars(rename = "Receipt")]
#[serde(deny_unknown_fields)]
pub struct ReceiptInput {
    /// The receipt month (診療年月), YYYY-MM.
    month: MonthString,
    /// Date of service deciding rate and age (default: the month's first day; for a 後期
    /// receipt in the 75th-birthday month, the birthday). Must be in `month`.
    #[serde(default)]
    date: Option<DateString>,
    /// 入院 (`inpatient`) or 外来 (`outpatient`).
    setting: SettingInput,
    patient: PatientInput,
    /// 公費 on the receipt, as on the 受給者証.
    #[serde(default)]
    public_expense: Option<Vec<PublicExpenseInput>>,
    /// 合計点数.
    points: Amount,
    /// Number of meals (入院時食事療養).
    #[serde(default)]
    meals: Option<Small>,
    /// 負担割合 override.
    #[serde(default)]
    rate: Option<Rate>,
    /// Visits in the month (needed only by per-visit public caps).
    #[serde(default)]
    visits: Option<Small>,
}

/// 入院 or 外来.
#[derive(JsonSchema)]
#[schemars(rename = "ReceiptSetting")]
pub enum SettingInput {
    #[serde(rename = "outpatient")]
    Outpatient,
    #[serde(rename = "inpatient")]
    Inpatient,
    #[serde(rename = "外来")]
    Gairai,
    #[serde(rename = "入院")]
    Nyuin,
}

/// The patient (one insurer) for the co-payment.
#[derive(JsonSchema)]
#[schemars(rename = "CopayPatient")]
#[serde(deny_unknown_fields)]
pub struct PatientInput {
    /// 生年月日.
    birth_date: DateString,
    /// 保険種別.
    insurance: InsuranceInput,
    /// 所得区分.
    income_category: IncomeCategoryInput,
    /// 限度額適用認定証 (or マイナ保険証 with consent) presented.
    #[serde(default)]
    limit_certificate: Option<bool>,
    /// Earlier months in the last 12 that reached the limit (3 or more ⇒ 多数回).
    #[serde(default)]
    high_cost_count: Option<Amount>,
    /// 特定疾病 (マル長).
    #[serde(default)]
    specific_disease: Option<SpecificDiseaseInput>,
    /// 低所得 inpatient stay over 90 days in 12 months (meal 標準負担額 長期該当).
    #[serde(default)]
    meal_long_stay: Option<bool>,
    /// 後期高齢者医療 by 障害認定 (from 65): no 75歳到達月 halving (insurance kouki only).
    #[serde(default)]
    kouki_by_disability: Option<bool>,
}

/// The co-payment facts a claim's `patient` may carry beside `birth_date` and
/// `mynumber_card` (given `insurance`, the visit's co-payment is computed and
/// `income_category` is required).
#[derive(JsonSchema)]
#[schemars(extend("dependentRequired" = {"insurance": ["income_category"]}))]
#[serde(deny_unknown_fields)]
pub struct PatientFacts {
    /// 保険種別.
    #[serde(default)]
    insurance: Option<InsuranceInput>,
    /// 所得区分.
    #[serde(default)]
    income_category: Option<IncomeCategoryInput>,
    /// 限度額適用認定証 (or マイナ保険証 with consent) presented.
    #[serde(default)]
    limit_certificate: Option<bool>,
    /// Earlier months in the last 12 that reached the limit (3 or more ⇒ 多数回).
    #[serde(default)]
    high_cost_count: Option<Amount>,
    /// 特定疾病 (マル長).
    #[serde(default)]
    specific_disease: Option<SpecificDiseaseInput>,
    /// 低所得 inpatient stay over 90 days in 12 months.
    #[serde(default)]
    meal_long_stay: Option<bool>,
    /// 後期高齢者医療 by 障害認定 (from 65): no 75歳到達月 halving (insurance kouki only).
    #[serde(default)]
    kouki_by_disability: Option<bool>,
}

/// 被用者保険 (`kenpo`), 国民健康保険 (`kokuho`), 後期高齢者医療 (`kouki`).
#[derive(JsonSchema)]
#[schemars(rename = "Insurance")]
#[serde(rename_all = "snake_case")]
pub enum InsuranceInput {
    Kenpo,
    Kokuho,
    Kouki,
}

/// 所得区分 (ア … オ under 70; 現役並みⅠ–Ⅲ, 一般, 一般Ⅰ/Ⅱ, 低所得Ⅰ/Ⅱ from 70; Roman numerals
/// may be written I, II, III).
pub struct IncomeCategoryInput;

impl JsonSchema for IncomeCategoryInput {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "IncomeCategory".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let mut values: Vec<String> = Vec::new();
        for c in rules::copay::IncomeCategory::ALL {
            let l = c.label().to_string();
            for (roman, ascii) in [('Ⅲ', "III"), ('Ⅱ', "II"), ('Ⅰ', "I")] {
                if let Some(stem) = l.strip_suffix(roman) {
                    values.push(format!("{stem}{ascii}"));
                }
            }
            values.push(l);
        }
        values.sort();
        values.dedup();
        schemars::json_schema!({
            "description": "所得区分 (ア–オ under 70; 現役並みⅠ–Ⅲ, 一般, 一般Ⅰ/Ⅱ, 低所得Ⅰ/Ⅱ from 70; Ⅰ/Ⅱ/Ⅲ may be written I/II/III).",
            "type": "string",
            "enum": values
        })
    }
}

/// 特定疾病 (マル長): `false` none, `true` without naming the disease, or the disease.
pub struct SpecificDiseaseInput;

impl JsonSchema for SpecificDiseaseInput {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "SpecificDisease".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "特定疾病 (マル長): false (none), true (not named), or dialysis (人工透析), hemophilia (血友病), hiv (HIV).",
            "anyOf": [
                {"type": "boolean"},
                {"type": "string", "enum": ["dialysis", "人工透析", "hemophilia", "血友病", "hiv", "HIV"]}
            ]
        })
    }
}

/// One public programme (公費) on the claim, as on the 受給者証.
#[derive(JsonSchema)]
#[schemars(rename = "PublicExpense")]
#[serde(deny_unknown_fields)]
pub struct PublicExpenseInput {
    /// 法別番号 ("54"; a number or a one-digit string is read as two digits).
    law: LawInput,
    /// 月額上限 from the 受給者証; overrides the programme's default.
    #[serde(default)]
    monthly_cap: Option<Amount>,
    /// Already paid towards the cap this month (上限額管理票).
    #[serde(default)]
    already_paid: Option<Amount>,
    /// Patient share override (income-based 自己負担 on the 受給者証).
    #[serde(default)]
    rate: Option<Rate>,
}

/// 法別番号: two digits ("54"), or a whole number.
struct LawInput;

impl JsonSchema for LawInput {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Law".into()
    }
    fn inline_schema() -> bool {
        true
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "anyOf": [
                {"type": "string", "pattern": "^\\s*[0-9]{1,2}\\s*$"},
                {"type": "integer", "minimum": 0, "maximum": 99}
            ]
        })
    }
}

/// A whole number 0–10,000 (meals, visits in a month).
struct Small;

impl JsonSchema for Small {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "SmallCount".into()
    }
    fn inline_schema() -> bool {
        true
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "integer",
            "minimum": 0,
            "maximum": crate::values::MAX_MEALS
        })
    }
}
