//! 入院時食事療養: the fee per meal in yen, from the master's 金額 code of the facility's
//! 食事療養 (Ⅰ)/(Ⅱ) on the day (`rules/data/inpatient/inpatient.toml` names the codes), at most
//! the meals a day may have; the patient's 標準負担額 is the co-payment block's. A 生活療養 day
//! ([`super::living`]) is priced there instead.

use super::output::{DayOutput, MealTotals, MonthNotes};
use super::Engine;
use crate::engine::error::CalcError;
use crate::inpatient::InpatientMonth;
use masters::{Code, PointKind};
use rust_decimal::Decimal;

pub(super) fn price(
    e: &Engine,
    m: &InpatientMonth,
    living: &[bool],
    days: &mut [DayOutput],
    notes: &mut MonthNotes,
) -> Result<MealTotals, CalcError> {
    let rules = &e.inpatient.rules;
    let mut totals = MealTotals::default();
    if m.days
        .iter()
        .zip(living)
        .all(|(d, &l)| l || d.meals.as_ref().is_none_or(|x| x.count() == 0))
    {
        return Ok(totals);
    }
    let fee = rules.meal_fee(&m.admission.meal_fee).ok_or_else(|| {
        CalcError::Input(format!(
            "admission.meal_fee: {:?} is not a 入院時食事療養 santei knows ({})",
            m.admission.meal_fee,
            rules
                .meal_fees
                .iter()
                .map(|f| format!("\"{}\" {}", f.id, f.name))
                .collect::<Vec<_>>()
                .join(", ")
        ))
    })?;
    // The fee's source (file:line of its master version), written once per version.
    let mut last_source: Option<(*const masters::schedule::Version, String)> = None;
    for (i, (d, out)) in m.days.iter().zip(days.iter_mut()).enumerate() {
        let Some(meals) = &d.meals else { continue };
        let n = meals.count();
        if n == 0 || living[i] {
            continue;
        }
        if n > rules.meals.max_per_day {
            return Err(CalcError::Input(format!(
                "days[{i}].meals: {n} meals on {}; at most {} a day ({})",
                d.date.0, rules.meals.max_per_day, rules.meals.source
            )));
        }
        let code_s = if meals.liquid() {
            &fee.liquid_code
        } else {
            &fee.code
        };
        let code = Code::parse(code_s).map_err(CalcError::Input)?;
        let date = d.date.0;
        let entry = e.data().lookup(code, date).map_err(|err| {
            CalcError::Input(format!(
                "days[{i}].meals: the 入院時食事療養 fee {code} on {date}: {err} ({}); load the official master with --master",
                e.data().label
            ))
        })?;
        let r = entry.record();
        if r.point_kind != PointKind::Yen || r.points.fract() != Decimal::ZERO {
            return Err(CalcError::Input(format!(
                "days[{i}].meals: {code} {} on {date} is not a whole amount in yen (点数識別 {}, {})",
                r.name,
                r.point_kind.as_str(),
                r.points
            )));
        }
        // A whole amount (checked above): the value, not the mantissa (670.00 has scale 2).
        let per = i64::try_from(r.points).map_err(|_| {
            CalcError::Input(format!(
                "days[{i}].meals: {code} {} is out of range",
                r.points
            ))
        })?;
        let yen = per * i64::from(n);
        out.meal_fee_yen = yen;
        totals.count += i64::from(n);
        totals.fee_yen += yen;
        let version: *const masters::schedule::Version = entry.version;
        let source = match &last_source {
            Some((v, s)) if std::ptr::eq(*v, version) => s.clone(),
            _ => {
                let s = entry.version.sources.last().map_or_else(
                    || e.data().label.clone(),
                    |s| format!("{}:{}", s.file, s.line),
                );
                last_source = Some((version, s.clone()));
                s
            }
        };
        notes.trace(
            "inpatient.meals",
            format!("{date}: {n} meals, {}", fee.name),
            source,
            format!("{code} {} {per}円 × {n} = {yen}円", r.name),
        );
    }
    Ok(totals)
}

/// A whole amount in yen of a master 金額 code on a date, with its name and source.
pub(super) struct Yen {
    pub code: Code,
    pub name: String,
    pub yen: i64,
    pub source: String,
}

impl Yen {
    pub(super) fn of(
        e: &Engine,
        code: Code,
        date: chrono::NaiveDate,
        path: &str,
    ) -> Result<Yen, CalcError> {
        let entry = e.data().lookup(code, date).map_err(|err| {
            CalcError::Input(format!(
                "{path}: {code} on {date}: {err} ({}); load the official master with --master",
                e.data().label
            ))
        })?;
        let r = entry.record();
        if r.point_kind != PointKind::Yen || r.points.fract() != Decimal::ZERO {
            return Err(CalcError::Input(format!(
                "{path}: {code} {} on {date} is not a whole amount in yen (点数識別 {}, {})",
                r.name,
                r.point_kind.as_str(),
                r.points
            )));
        }
        let yen = i64::try_from(r.points).map_err(|_| {
            CalcError::Input(format!("{path}: {code} {} is out of range", r.points))
        })?;
        let source = entry.version.sources.last().map_or_else(
            || e.data().label.clone(),
            |s| format!("{}:{}", s.file, s.line),
        );
        Ok(Yen {
            code,
            name: r.name.to_string(),
            yen,
            source,
        })
    }
}
