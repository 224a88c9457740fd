//! The result of an inpatient month: the month total (points, 医療費 in yen, meals in yen), the
//! days with their lines and trace, the month's warnings, errors and trace, and the co-payment
//! block of the receipt (高額療養費 and the meals' 標準負担額 by `calc::copay`).
//!
//! JSON: `month`, `reckoning_date`, `total_points`, `medical_cost` (yen = points × 10),
//! `meals` {`count`, `fee_yen`, `standard_charge_yen`, `benefit_yen`}, `living_care` (when a day
//! is 入院時生活療養) {`days`, `meals`, `meal_fee_yen`, `environment_fee_yen`, `fee_yen`,
//! `medical_class`, `standard_charge_yen`, `benefit_yen`}, `total_yen` (medical_cost + meals'
//! fee + 生活療養 fee), `days` [{`date`, `day_of_stay`, `ward`, `meals`,
//! `meal_fee_yen`, `total_points`, `result` (as `santei calc` of one claim)}], `warnings`,
//! `errors`, `trace` [{`rule`, `looked_at`, `source`, `decision`}], and `copay` when the
//! patient's insurance facts are given.

use super::Engine;
use crate::copay::CopayOutput;
use crate::engine::error::CalcError;
use crate::inpatient::InpatientMonth;
use crate::output::{dec, sum, CalcOutput};
use chrono::NaiveDate;
use masters::Code;
use rust_decimal::Decimal;
use serde::ser::{SerializeStruct, Serializer};
use serde::Serialize;

/// One month-level trace entry.
#[derive(Clone, Debug, Serialize)]
pub struct MonthTrace {
    pub rule: &'static str,
    pub looked_at: String,
    pub source: String,
    pub decision: String,
}

/// The month's explanation, as it is written.
#[derive(Default)]
pub(crate) struct MonthNotes {
    pub errors: Vec<String>,
    pub warnings: Vec<String>,
    pub trace: Vec<MonthTrace>,
}

impl MonthNotes {
    pub(crate) fn error(&mut self, s: String) {
        self.errors.push(s);
    }

    /// A warning once (the days repeat theirs).
    pub(crate) fn warn(&mut self, s: String) {
        if !self.warnings.contains(&s) {
            self.warnings.push(s);
        }
    }

    pub(crate) fn trace(
        &mut self,
        rule: &'static str,
        looked_at: String,
        source: impl Into<String>,
        decision: String,
    ) {
        self.trace.push(MonthTrace {
            rule,
            looked_at,
            source: source.into(),
            decision,
        });
    }
}

/// The meals of the month.
#[derive(Clone, Copy, Debug, Default, Serialize)]
pub struct MealTotals {
    /// Meals served.
    pub count: i64,
    /// 入院時食事療養費 in yen (Σ fee per meal × meals).
    pub fee_yen: i64,
    /// 標準負担額 the patient pays (the co-payment block's `meal_charge`; 0 without it).
    pub standard_charge_yen: i64,
    /// What the insurer pays (fee − 標準負担額), when the co-payment block is computed.
    pub benefit_yen: Option<i64>,
}

/// 入院時生活療養 of the month (65歳以上 in a 療養病床): present when a day is one.
#[derive(Clone, Copy, Debug, Default, Serialize)]
pub struct LivingCareTotals {
    /// The 生活療養 days.
    pub days: i64,
    /// Meals served on them.
    pub meals: i64,
    /// 食事療養 in yen (Σ fee per meal × meals).
    pub meal_fee_yen: i64,
    /// 環境療養 in yen (Σ fee per day).
    pub environment_fee_yen: i64,
    /// 入院時生活療養費 in yen: meal_fee_yen + environment_fee_yen.
    pub fee_yen: i64,
    /// 医療区分 the 標準負担額 was read for (`admission.medical_class`), when it was.
    pub medical_class: Option<u8>,
    /// 標準負担額 the patient pays (食事 per meal + 居住 per day; in the co-payment block's
    /// `meal_charge`; 0 without it).
    pub standard_charge_yen: i64,
    /// What the insurer pays (fee − 標準負担額), when the co-payment block is computed.
    pub benefit_yen: Option<i64>,
}

/// One day of the month.
#[derive(Clone, Debug)]
pub struct DayOutput {
    pub date: NaiveDate,
    /// Elapsed days since the 起算日 (day 1 = the 起算日).
    pub day_of_stay: u32,
    /// The 入院料 of the day's ward.
    pub ward: Code,
    pub meals: u32,
    /// 入院時食事療養費 of the day in yen (a 生活療養 day: its 食事療養 + 環境療養).
    pub meal_fee_yen: i64,
    /// The day as one claim (lines, warnings, errors, trace).
    pub result: CalcOutput,
}

/// The result of an inpatient month.
#[derive(Clone, Debug)]
pub struct InpatientOutput {
    pub month: NaiveDate,
    pub reckoning_date: NaiveDate,
    pub total_points: Decimal,
    /// 医療費 in yen: points × 10.
    pub medical_cost: i64,
    pub meals: MealTotals,
    /// 入院時生活療養, when a day is one.
    pub living_care: Option<LivingCareTotals>,
    /// medical_cost + the meals' fee + the 生活療養 fee.
    pub total_yen: i64,
    pub days: Vec<DayOutput>,
    pub warnings: Vec<String>,
    pub errors: Vec<String>,
    pub trace: Vec<MonthTrace>,
    pub copay: Option<CopayOutput>,
}

impl InpatientOutput {
    /// Whether the month breaks a rule (`errors` is not empty).
    pub fn has_errors(&self) -> bool {
        !self.errors.is_empty()
    }
}

/// The month total and the co-payment.
pub(super) fn finish(
    e: &Engine,
    m: &InpatientMonth,
    reckoning_date: NaiveDate,
    days: Vec<DayOutput>,
    (mut meals, mut living): (MealTotals, Option<LivingCareTotals>),
    mut n: MonthNotes,
) -> Result<InpatientOutput, CalcError> {
    let total = sum(days.iter().map(|d| d.result.total_points)).ok_or_else(|| {
        CalcError::Input("the month's total points do not fit a 64-bit integer".into())
    })?;
    if total.fract() != Decimal::ZERO {
        return Err(CalcError::Input(format!(
            "the month's total of {} points is not a whole number of points",
            total.normalize()
        )));
    }
    // Whole points (checked above): the value, not the mantissa (1688.00 has scale 2).
    let points = i64::try_from(total).map_err(|_| {
        CalcError::Input(format!(
            "the month's total of {total} points is out of range"
        ))
    })?;
    // 1点 = yen_per_point 円, dated in rules/data/copay/rounding.toml (the co-payment's own rate).
    let rnd = e.copay_tables().rounding_at(m.month.0).ok_or_else(|| {
        CalcError::Input(format!(
            "no 1点 = 円 rate in the co-payment tables (rounding) for {}",
            m.month.0.format("%Y-%m")
        ))
    })?;
    let medical_cost = crate::copay::rounding::yen_from_points(points, rnd.yen_per_point)
        .ok_or_else(|| CalcError::Input("the month's 医療費 overflows".into()))?;
    n.trace(
        "inpatient.total",
        format!("{} days", days.len()),
        "sum of the days' totals; 医療費 = points × 10円",
        format!(
            "{points} points, {medical_cost}円; meals {}円",
            meals.fee_yen
        ),
    );
    let copay = match m.patient.copay_patient() {
        None => None,
        Some(p) => {
            let patient = p.map_err(|err| CalcError::Input(err.to_string()))?;
            let receipt = crate::copay::Receipt {
                month: m.month.0,
                date: None,
                setting: crate::copay::Setting::Inpatient,
                patient,
                public_expense: m.public_expense.clone(),
                points: points.max(0),
                meals: meals.count,
                rate_percent: None,
                visits: None,
            };
            let out = crate::copay::compute(e.copay_tables(), &receipt)
                .map_err(|err| CalcError::Input(format!("copay: {err}")))?;
            let mut out = out;
            meals.standard_charge_yen = out.meal_charge;
            meals.benefit_yen = Some(meals.fee_yen - out.meal_charge);
            if let Some(l) = living.as_mut() {
                // The 生活療養 標準負担額 is paid at the window like the meals' (no 公費: a month
                // with both is "cannot decide").
                out.meal_charge += l.standard_charge_yen;
                out.patient_pays += l.standard_charge_yen;
                l.benefit_yen = Some(l.fee_yen - l.standard_charge_yen);
            }
            Some(out)
        }
    };
    Ok(InpatientOutput {
        month: m.month.0,
        reckoning_date,
        total_points: total,
        medical_cost,
        total_yen: medical_cost + meals.fee_yen + living.map_or(0, |l| l.fee_yen),
        meals,
        living_care: living,
        days,
        warnings: n.warnings,
        errors: n.errors,
        trace: n.trace,
        copay,
    })
}

struct Dec(Decimal);

impl Serialize for Dec {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        dec(&self.0, s)
    }
}

impl Serialize for DayOutput {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut o = s.serialize_struct("DayOutput", 7)?;
        o.serialize_field("date", &self.date)?;
        o.serialize_field("day_of_stay", &self.day_of_stay)?;
        o.serialize_field("ward", &self.ward)?;
        o.serialize_field("meals", &self.meals)?;
        o.serialize_field("meal_fee_yen", &self.meal_fee_yen)?;
        o.serialize_field("total_points", &Dec(self.result.total_points))?;
        o.serialize_field("result", &self.result)?;
        o.end()
    }
}

impl Serialize for InpatientOutput {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut o = s.serialize_struct("InpatientOutput", 12)?;
        o.serialize_field("month", &self.month.format("%Y-%m").to_string())?;
        o.serialize_field("reckoning_date", &self.reckoning_date)?;
        o.serialize_field("total_points", &Dec(self.total_points))?;
        o.serialize_field("medical_cost", &self.medical_cost)?;
        o.serialize_field("meals", &self.meals)?;
        if let Some(l) = &self.living_care {
            o.serialize_field("living_care", l)?;
        }
        o.serialize_field("total_yen", &self.total_yen)?;
        o.serialize_field("days", &self.days)?;
        o.serialize_field("warnings", &self.warnings)?;
        o.serialize_field("errors", &self.errors)?;
        o.serialize_field("trace", &self.trace)?;
        if let Some(c) = &self.copay {
            o.serialize_field("copay", c)?;
        }
        o.end()
    }
}
