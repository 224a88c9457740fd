//! 入院時生活療養 (a patient of 65 or older in a 療養病床, `[living_care]` of
//! `rules/data/inpatient/`): which days are 生活療養 days, their fee in yen (食事療養 per meal +
//! 環境療養 per day, the master's dated 金額 codes of the facility's filing (Ⅰ)/(Ⅱ)), and the
//! patient's 標準負担額 (the master's codes by 医療区分, income line and filing), carried into the
//! co-payment block with the meals'.
//!
//! A 生活療養 day's 入院料 must be the one priced 「生活療養を受ける場合」 (its master name ends with
//! `ward_name_mark`), and such a 入院料 is refused for a patient who does not receive 生活療養.

use super::meals::Yen;
use super::output::{DayOutput, LivingCareTotals, MonthNotes};
use super::Engine;
use crate::engine::error::CalcError;
use crate::inpatient::InpatientMonth;
use masters::Code;
use rules::copay::IncomeCategory;
use rules::inpatient::{LivingCare, LivingIncome};

/// The 生活療養 days of the month (`true` at a day's index); the 入院料 of each ward checked once
/// against the 生活療養 mark.
pub(super) fn days(e: &Engine, m: &InpatientMonth, notes: &mut MonthNotes) -> Vec<bool> {
    let mut out = vec![false; m.days.len()];
    let Some(rule) = &e.inpatient.rules.living_care else {
        return out;
    };
    // Younger than the rule's age on the month's last day: no day is one (no master look-ups).
    if crate::copay::age::age_on(m.patient.birth_date.0, m.last_day()) < rule.min_age {
        return out;
    }
    let marked_kinds = rule.ward_marked_patterns();
    let mut checked: Vec<Code> = Vec::new();
    for (i, d) in m.days.iter().enumerate() {
        let date = d.date.0;
        let age = crate::copay::age::age_on(m.patient.birth_date.0, date);
        let ward = d.ward.as_ref().unwrap_or(&m.admission.ward);
        let Some(code) = ward.code else { continue };
        let Ok(entry) = e.data().lookup(code, date) else {
            continue;
        };
        let r = entry.record();
        let kubun = format!("{}{:03}", r.code_alpha, r.section);
        if !rule.ward_kubun.iter().any(|k| *k == kubun) {
            continue;
        }
        let living = age >= rule.min_age;
        out[i] = living;
        if checked.contains(&code) {
            continue;
        }
        checked.push(code);
        let facts = crate::line_facts(r);
        if !marked_kinds.iter().any(|p| p.matches(&facts)) {
            continue;
        }
        let marked = r.name.ends_with(rule.ward_name_mark.as_str());
        if living && !marked {
            notes.error(format!(
                "days[{i}].ward: {date}: the patient is {age} (≥ {}) in a 療養病床 and receives 入院時生活療養, so the 入院料 is the one priced for 生活療養 (its master name ends {}), not {code} {} ({})",
                rule.min_age, rule.ward_name_mark, r.name, rule.source
            ));
        } else if !living && marked {
            notes.error(format!(
                "days[{i}].ward: {date}: {code} {} is the 入院料 of a patient receiving 入院時生活療養 (≥ {} in a 療養病床); the patient is {age} ({})",
                r.name, rule.min_age, rule.source
            ));
        }
    }
    out
}

/// The 生活療養 標準負担額 line of the patient's income (read as the 食事療養 table reads it:
/// 低所得Ⅱ / オ and 低所得Ⅰ with the 減額認定証, the 90日超 step by `meal_long_stay`).
fn income_line(p: &crate::copay::Patient) -> LivingIncome {
    if !p.limit_certificate {
        return LivingIncome::General;
    }
    match p.income_category {
        IncomeCategory::O | IncomeCategory::Teishotoku2 if p.meal_long_stay => {
            LivingIncome::LowIncomeIiLong
        }
        IncomeCategory::O | IncomeCategory::Teishotoku2 => LivingIncome::LowIncomeIi,
        IncomeCategory::Teishotoku1 => LivingIncome::LowIncomeI,
        _ => LivingIncome::General,
    }
}

fn code(s: &str) -> Result<Code, CalcError> {
    Code::parse(s).map_err(|e| CalcError::Input(format!("rules/data/inpatient [living_care]: {e}")))
}

/// The patient's 標準負担額 row, when the co-payment block is computed (the insurance facts
/// given): "cannot decide" for a month with 公費 or without the 医療区分.
fn charge_row<'r>(
    rule: &'r LivingCare,
    m: &InpatientMonth,
    fee_id: &str,
) -> Result<Option<(&'r rules::inpatient::LivingCareCharge, LivingIncome, u8)>, CalcError> {
    let Some(Ok(p)) = m.patient.copay_patient() else {
        return Ok(None);
    };
    if !m.public_expense.is_empty() {
        return Err(CalcError::Input(format!(
            "public_expense: cannot decide — the month has 入院時生活療養 days and 公費 ({}); santei lacks {} ({})",
            m.public_expense
                .iter()
                .map(|p| p.law.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            rule.missing,
            rule.source
        )));
    }
    let Some(class) = m.admission.medical_class else {
        return Err(CalcError::Input(format!(
            "admission.medical_class: cannot decide — the month has 入院時生活療養 days and the patient's 生活療養 標準負担額 turns on the 医療区分 (1, 2 or 3), which the input does not state ({})",
            rule.source
        )));
    };
    let income = income_line(&p);
    let row = rule.charge_of(class, income, fee_id).ok_or_else(|| {
        CalcError::Input(format!(
            "admission.medical_class: cannot decide — no 生活療養 標準負担額 for 医療区分 {class}, {income:?}, filing {fee_id:?} in rules/data/inpatient [living_care]"
        ))
    })?;
    Ok(Some((row, income, class)))
}

/// Price the 生活療養 days: the fee into each day's `meal_fee_yen`, the totals and the
/// patient's 標準負担額 (0 without the co-payment block).
pub(super) fn price(
    e: &Engine,
    m: &InpatientMonth,
    living: &[bool],
    days: &mut [DayOutput],
    notes: &mut MonthNotes,
) -> Result<Option<LivingCareTotals>, CalcError> {
    let Some(rule) = &e.inpatient.rules.living_care else {
        return Ok(None);
    };
    if !living.contains(&true) {
        return Ok(None);
    }
    let fee_id = m.admission.meal_fee.as_str();
    let fee = rule.fee_of(fee_id).ok_or_else(|| {
        CalcError::Input(format!(
            "admission.meal_fee: {fee_id:?} is not a 入院時生活療養 santei knows ({})",
            rule.fee
                .iter()
                .map(|f| format!("\"{}\" {}", f.id, f.name))
                .collect::<Vec<_>>()
                .join(", ")
        ))
    })?;
    let charge = charge_row(rule, m, fee_id)?;
    let mut t = LivingCareTotals {
        medical_class: charge.map(|c| c.2),
        ..LivingCareTotals::default()
    };
    let max = e.inpatient.rules.meals.max_per_day;
    for (i, (d, out)) in m.days.iter().zip(days.iter_mut()).enumerate() {
        if !living[i] {
            continue;
        }
        let date = d.date.0;
        let n = d.meals.as_ref().map_or(0, |x| x.count());
        if n > max {
            return Err(CalcError::Input(format!(
                "days[{i}].meals: {n} meals on {date}; at most {max} a day ({})",
                e.inpatient.rules.meals.source
            )));
        }
        let liquid = d.meals.as_ref().is_some_and(|x| x.liquid());
        let meal_code = match (&fee.liquid_code, liquid) {
            (_, false) => &fee.meal_code,
            (Some(c), true) => c,
            (None, true) => {
                return Err(CalcError::Input(format!(
                    "days[{i}].meals: cannot decide — {date}: 流動食のみ under {}: the master has no such 生活療養 fee ({})",
                    fee.name, fee.source
                )))
            }
        };
        let path = format!("days[{i}].meals");
        let meal = Yen::of(e, code(meal_code)?, date, &path)?;
        let env = Yen::of(e, code(&fee.environment_code)?, date, &path)?;
        let meal_yen = meal.yen * i64::from(n);
        let yen = meal_yen + env.yen;
        out.meal_fee_yen = yen;
        t.days += 1;
        t.meals += i64::from(n);
        t.meal_fee_yen += meal_yen;
        t.environment_fee_yen += env.yen;
        t.fee_yen += yen;
        let mut decision = format!(
            "{} {} {}円 × {n} + {} {} {}円 = {yen}円",
            meal.code, meal.name, meal.yen, env.code, env.name, env.yen
        );
        let mut source = format!("{}; {}", meal.source, env.source);
        if let Some((row, income, class)) = charge {
            let cm = Yen::of(e, code(&row.meal_code)?, date, &path)?;
            let ce = Yen::of(e, code(&row.environment_code)?, date, &path)?;
            let c = cm.yen * i64::from(n) + ce.yen;
            t.standard_charge_yen += c;
            decision.push_str(&format!(
                "; 標準負担額 (医療区分 {class}, {income:?}): {} {}円 × {n} + {} {}円 = {c}円",
                cm.name, cm.yen, ce.name, ce.yen
            ));
            source.push_str(&format!("; {}", row.source));
        }
        notes.trace(
            "inpatient.living_care",
            format!("{date}: {n} meals, {}", fee.name),
            source,
            decision,
        );
    }
    Ok(Some(t))
}
