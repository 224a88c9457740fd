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
    /// medical_cost + the meals' fee (yen).
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
