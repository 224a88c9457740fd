//! Schema mirrors of the inpatient month's output (`calc::InpatientOutput`, written by its
//! `Serialize`): the month, the days (each day's `result` is a `calc-output`) and the month's
//! co-payment block.

use super::{CalcOutput, CopayOutput};
use schemars::JsonSchema;

/// The result of an inpatient month.
#[derive(JsonSchema)]
#[allow(dead_code)]
pub(super) struct InpatientOutput {
    /// The receipt month, YYYY-MM.
    month: String,
    /// 起算日 of the stay (YYYY-MM-DD).
    reckoning_date: String,
    /// 合計点数 of the month.
    total_points: calc::values::DecimalNumber,
    /// 医療費 in yen (points × 10).
    medical_cost: i64,
    /// 入院時食事療養 of the month.
    meals: MealTotals,
    /// 入院時生活療養 of the month (65歳以上 in a 療養病床), present when a day is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    living_care: Option<LivingCareTotals>,
    /// medical_cost + the meals' fee + the 生活療養 fee (yen).
    total_yen: i64,
    /// The days in hospital.
    days: Vec<DayOutput>,
    warnings: Vec<String>,
    /// Rules the month breaks; not empty ⇒ the receipt is wrong.
    errors: Vec<String>,
    /// The month's decisions (起算日, 入院期間加算, 入院初日/入院中/退院時, 04 table, meals, total).
    trace: Vec<MonthTrace>,
    /// The receipt's co-payment (present when the patient's insurance facts are given).
    #[serde(skip_serializing_if = "Option::is_none")]
    copay: Option<CopayOutput>,
}

/// The meals of the month.
#[derive(JsonSchema)]
#[allow(dead_code)]
struct MealTotals {
    count: i64,
    /// 入院時食事療養費 (yen).
    fee_yen: i64,
    /// 標準負担額 the patient pays (yen).
    standard_charge_yen: i64,
    /// fee − 標準負担額 (yen), when the co-payment block is computed.
    benefit_yen: Option<i64>,
}

/// 入院時生活療養 of the month.
#[derive(JsonSchema)]
#[allow(dead_code)]
struct LivingCareTotals {
    /// The 生活療養 days.
    days: i64,
    /// Meals served on them.
    meals: i64,
    /// 食事療養 (yen, per meal).
    meal_fee_yen: i64,
    /// 環境療養 (yen, per day).
    environment_fee_yen: i64,
    /// 入院時生活療養費 (yen): meal_fee_yen + environment_fee_yen.
    fee_yen: i64,
    /// 医療区分 the 標準負担額 was read for (`admission.medical_class`).
    medical_class: Option<u8>,
    /// 標準負担額 the patient pays (yen; in the co-payment block's meal_charge).
    standard_charge_yen: i64,
    /// fee − 標準負担額 (yen), when the co-payment block is computed.
    benefit_yen: Option<i64>,
}

/// One day.
#[derive(JsonSchema)]
#[allow(dead_code)]
struct DayOutput {
    date: String,
    /// Elapsed days since the 起算日 (day 1 = the 起算日).
    day_of_stay: u32,
    /// The 入院料 code of the day's ward.
    ward: String,
    meals: u32,
    /// 入院時食事療養費 of the day (yen; a 生活療養 day: its 食事療養 + 環境療養).
    meal_fee_yen: i64,
    total_points: calc::values::DecimalNumber,
    /// The day as one claim.
    result: CalcOutput,
}

/// One month-level trace entry.
#[derive(JsonSchema)]
#[allow(dead_code)]
struct MonthTrace {
    rule: String,
    looked_at: String,
    source: String,
    decision: String,
}
