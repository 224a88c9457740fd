//! Step 1: the patient's age group on the date of service and the 負担割合 (rate) for it.

use super::age::{self, AgeFacts};
use super::context::{bad, no_table, step, Claim, Trace};
use super::input::InsuranceKind;
use super::CopayError;
use crate::text::Arg;
use crate::{lit, tx};
use rules::copay::{CopayTables, IncomeCategory, RateGroup};

/// The name of an age group, as in the trace.
fn group_name(g: RateGroup) -> &'static str {
    match g {
        RateGroup::Preschool => "Preschool",
        RateGroup::Under70 => "Under70",
        RateGroup::From70To74 => "From70To74",
        RateGroup::Kouki => "Kouki",
    }
}

fn insurance_name(i: InsuranceKind) -> &'static str {
    match i {
        InsuranceKind::Kenpo => "Kenpo",
        InsuranceKind::Kokuho => "Kokuho",
        InsuranceKind::Kouki => "Kouki",
    }
}

/// The age facts and the age group on the date (after checking the insurance and income
/// category against them), traced.
pub(super) fn age_group(
    tables: &CopayTables,
    c: &Claim,
    trace: &mut Trace,
) -> Result<(AgeFacts, RateGroup), CopayError> {
    let p = c.patient;
    let ages = tables
        .ages_at(c.date)
        .ok_or_else(|| no_table("age rules", c.date, String::new(), String::new()))?;
    let f = age::facts(ages, p.birth_date, c.date).ok_or_else(|| {
        bad(
            "patient.birth_date",
            format!("{} is out of range", p.birth_date),
        )
    })?;
    let group = group_of(c, &f, ages.kouki_disability_min_age)?;
    step!(
        trace,
        "age",
        tx!(trace.t, "birth {}, date of service {}", p.birth_date, c.date),
        tx!(
            trace.t,
            "reaches N the day before the N-th birthday; 未就学 until {}; 70+ from {}; 後期 from {}",
            f.preschool_until,
            f.elderly_from,
            f.kouki_from
        ),
        &ages.source,
        tx!(trace.t, "age {}, group {}", f.age, group_name(group)),
    );
    Ok((f, group))
}

/// The 負担割合 in percent: the claim's override, or the table's for the group and category.
pub(super) fn rate(
    tables: &CopayTables,
    c: &Claim,
    group: RateGroup,
    trace: &mut Trace,
) -> Result<u32, CopayError> {
    let p = c.patient;
    if let Some(r) = c.rate_percent {
        step!(
            trace,
            "rate",
            tx!(trace.t, "rate override {}", Arg::Pct(r)),
            lit!("the receipt's rate replaces the derived rate"),
            lit!("input"),
            tx!(trace.t, "{}", Arg::Pct(r)),
        );
        return Ok(r);
    }
    let row = tables
        .rate_at(c.date, group, p.income_category, p.birth_date)
        .ok_or_else(|| {
            no_table(
                "rate table",
                c.date,
                format!("{:?} 区分{}", group, p.income_category),
                String::new(),
            )
        })?;
    step!(
        trace,
        "rate",
        tx!(
            trace.t,
            "{}, {}, 区分{}",
            group_name(group),
            insurance_name(p.insurance),
            p.income_category.label()
        ),
        lit!("負担割合 by age group and income category"),
        &row.source,
        tx!(trace.t, "{}", Arg::Pct(row.percent)),
    );
    Ok(row.percent)
}

/// The patient's age group on the date, after checking insurance and category.
fn group_of(c: &Claim, f: &AgeFacts, disability_min_age: u32) -> Result<RateGroup, CopayError> {
    let p = c.patient;
    let cat = p.income_category;
    let group = match p.insurance {
        InsuranceKind::Kouki => {
            if c.date < f.kouki_from && f.age < disability_min_age {
                return Err(bad(
                    "patient.insurance",
                    format!(
                        "kouki (後期高齢者医療) but the patient is {} on {} (後期 from the 75th birthday {}, or from {} with 障害認定)",
                        f.age, c.date, f.kouki_from, disability_min_age
                    ),
                ));
            }
            RateGroup::Kouki
        }
        InsuranceKind::Kenpo | InsuranceKind::Kokuho => {
            if c.date >= f.kouki_from {
                return Err(bad(
                    "patient.insurance",
                    format!(
                        "{} but the patient is covered by 後期高齢者医療 (kouki) from the 75th birthday {}",
                        if p.insurance == InsuranceKind::Kenpo { "kenpo" } else { "kokuho" },
                        f.kouki_from
                    ),
                ));
            }
            if c.date >= f.elderly_from {
                RateGroup::From70To74
            } else if c.date <= f.preschool_until {
                RateGroup::Preschool
            } else {
                RateGroup::Under70
            }
        }
    };
    let under70 = matches!(group, RateGroup::Preschool | RateGroup::Under70);
    if under70 && !cat.is_under70() {
        return Err(bad(
            "patient.income_category",
            format!(
                "\"{cat}\" is a 70+ category but the patient is under the 70+ rules on {} (expected one of ア, イ, ウ, エ, オ)",
                c.date
            ),
        ));
    }
    if !under70 && cat.is_under70() {
        return Err(bad(
            "patient.income_category",
            format!(
                "\"{cat}\" is an under-70 category but the patient is under the 70+ rules on {} (expected one of 現役並みⅢ, 現役並みⅡ, 現役並みⅠ, 一般, 低所得Ⅱ, 低所得Ⅰ)",
                c.date
            ),
        ));
    }
    if group == RateGroup::From70To74
        && matches!(cat, IncomeCategory::Ippan1 | IncomeCategory::Ippan2)
    {
        return Err(bad(
            "patient.income_category",
            format!("\"{cat}\" exists only in 後期高齢者医療 (kouki); use 一般 for 70–74"),
        ));
    }
    Ok(group)
}
