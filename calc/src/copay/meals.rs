//! Step 6: 入院時食事療養 — the 標準負担額 per meal (the lowest category that applies) × meals.

use super::context::{bad, no_table, step, Claim, Trace};
use super::input::Setting;
use super::public::Resolved;
use super::CopayError;
use crate::{lit, tx};
use rules::copay::{CombinedLimit, CopayTables, IncomeCategory};

pub(super) fn charge(
    tables: &CopayTables,
    c: &Claim,
    progs: &[Resolved<'_, '_>],
    trace: &mut Trace,
) -> Result<i64, CopayError> {
    if c.meals == 0 {
        step!(
            trace,
            "meals",
            lit!("0 meals"),
            lit!("標準負担額 × meals"),
            lit!("copayment.md §5"),
            lit!("0"),
        );
        return Ok(0);
    }
    if c.setting == Setting::Outpatient {
        return Err(bad(
            "meals",
            format!(
                "{} meals on an outpatient claim (入院時食事療養 is inpatient only)",
                c.meals
            ),
        ));
    }
    let Some(row) = tables.meal_at(c.date) else {
        let note = tables
            .meal_unconfirmed_at(c.date)
            .map(|u| format!(": {} ({})", u.note, u.source))
            .unwrap_or_default();
        return Err(no_table(
            "meal 標準負担額 table",
            c.date,
            String::new(),
            note,
        ));
    };
    let p = c.patient;
    let mut per = (row.general, "一般");
    let mut consider = |amount: i64, what: &'static str| {
        if amount < per.0 {
            per = (amount, what);
        }
    };
    if progs
        .iter()
        .any(|r| r.programme.combined_limit == CombinedLimit::OwnCategory)
    {
        consider(row.designated_disease, "指定難病・小児慢性");
    }
    if p.limit_certificate {
        match p.income_category {
            IncomeCategory::O | IncomeCategory::Teishotoku2 => {
                if p.meal_long_stay {
                    consider(row.low_income_ii_long, "低所得Ⅱ/オ (over 90 days)");
                } else {
                    consider(row.low_income_ii, "低所得Ⅱ/オ");
                }
            }
            IncomeCategory::Teishotoku1 => consider(row.low_income_i, "低所得Ⅰ"),
            _ => {}
        }
    }
    let charge = per.0 * c.meals;
    step!(
        trace,
        "meals",
        tx!(
            trace.t,
            "{} meals, 区分{}",
            c.meals,
            p.income_category.label()
        ),
        tx!(
            trace.t,
            "標準負担額 {} per meal ({}), lowest applicable category",
            per.0,
            per.1
        ),
        &row.source,
        tx!(trace.t, "{}", charge),
    );
    Ok(charge)
}
