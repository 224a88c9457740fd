//! The calculation of copayment.md §6 for one claim (a receipt month or one visit).
//!
//! Invariants: integer yen; `patient + insurer + Σ public = medical cost` for the medical part
//! (each step moves an amount from one payer to another, never creates one); every step
//! pushes a trace entry; a missing table is an error, not a default.

use super::age::{self, AgeFacts};
use super::input::{
    MonthToDate, Patient, PublicExpenseClaim, Receipt, Setting, SpecificDisease, Visit,
};
use super::rounding::{excess_term, round_half_yen, window_share, yen_from_points};
use super::{CopayError, CopayOutput, PublicPay, TraceEntry};
use crate::copay::input::{InsuranceKind, MAX_AMOUNT};
use crate::text::{Arg, IntoText, Texts};
use crate::{lit, tx};
use chrono::{Datelike, NaiveDate};
use rules::copay::{
    CombinedLimit, CopayTables, IncomeCategory, LimitAgeGroup, LimitCategory, LimitComponent,
    Programme, RateGroup, Timing,
};
use rust_decimal::Decimal;

/// How per-visit public caps are read.
#[derive(Debug, Clone, Copy)]
enum Mode {
    /// A whole month: per-visit caps × `visits`.
    Receipt { visits: Option<u32> },
    /// One visit: the per-visit cap itself.
    Visit,
}

struct Claim<'a> {
    patient: &'a Patient,
    date: NaiveDate,
    setting: Setting,
    points: i64,
    meals: i64,
    public_expense: &'a [PublicExpenseClaim],
    rate_percent: Option<u32>,
    mtd: MonthToDate,
    mode: Mode,
}

/// The trace being written and the pool of its words.
struct Trace<'a> {
    entries: Vec<TraceEntry>,
    t: Texts<'a>,
}

/// Push one trace step; each part is a [`Text`], a borrowed or an owned string (evaluated in
/// order, so a part may record its text in `$tr.t`).
macro_rules! step {
    ($tr:expr, $step:expr, $input:expr, $rule:expr, $source:expr, $result:expr $(,)?) => {{
        let input = IntoText::into_text($input, &mut $tr.t);
        let rule = IntoText::into_text($rule, &mut $tr.t);
        let source = IntoText::into_text($source, &mut $tr.t);
        let result = IntoText::into_text($result, &mut $tr.t);
        $tr.entries.push(TraceEntry {
            step: $step,
            input,
            rule,
            source,
            result,
        });
    }};
}

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

fn component_name(c: LimitComponent) -> &'static str {
    match c {
        LimitComponent::Monthly => "Monthly",
        LimitComponent::Outpatient => "Outpatient",
        LimitComponent::Household => "Household",
    }
}

fn bad(field: &str, message: impl Into<String>) -> CopayError {
    CopayError::Invalid {
        field: field.to_string(),
        message: message.into(),
    }
}

fn no_table(what: &str, date: NaiveDate, key: String, note: String) -> CopayError {
    CopayError::NoTable {
        what: what.to_string(),
        month: date.format("%Y-%m").to_string(),
        key,
        note,
    }
}

fn pct(p: u32) -> String {
    if matches!(p % 10, 0) {
        format!("{}割", p / 10)
    } else {
        format!("{p}%")
    }
}

/// The co-payment of one receipt (one patient, one facility, one month, 入院 or 外来).
pub fn compute<'a>(
    tables: &'a CopayTables,
    receipt: &Receipt,
) -> Result<CopayOutput<'a>, CopayError> {
    let date = match receipt.date {
        Some(d) => d,
        None => default_date(tables, receipt)?,
    };
    run(
        tables,
        &Claim {
            patient: &receipt.patient,
            date,
            setting: receipt.setting,
            points: receipt.points,
            meals: receipt.meals,
            public_expense: &receipt.public_expense,
            rate_percent: receipt.rate_percent,
            mtd: MonthToDate::default(),
            mode: Mode::Receipt {
                visits: receipt.visits,
            },
        },
    )
}

/// The co-payment of one visit inside a month: the visit's points on `visit.date`, with the
/// limit applied to the month's cumulative 医療費 (`month_to_date.medical_cost` + this visit)
/// minus the share already charged (`month_to_date.patient_share`). Public programmes read
/// their remaining monthly cap from `public_expense[].already_paid`; a per-visit cap applies
/// to this visit. `medical_cost` in the output is this visit's.
pub fn compute_visit<'a>(
    tables: &'a CopayTables,
    visit: &Visit,
) -> Result<CopayOutput<'a>, CopayError> {
    run(
        tables,
        &Claim {
            patient: &visit.patient,
            date: visit.date,
            setting: visit.setting,
            points: visit.points,
            meals: visit.meals,
            public_expense: &visit.public_expense,
            rate_percent: visit.rate_percent,
            mtd: visit.month_to_date.unwrap_or_default(),
            mode: Mode::Visit,
        },
    )
}

/// Receipt date default: the month's first day; for a 後期 receipt in the 75th-birthday month,
/// the birthday (the first day 後期 covers).
fn default_date(tables: &CopayTables, r: &Receipt) -> Result<NaiveDate, CopayError> {
    let first = r.month;
    if r.patient.insurance != InsuranceKind::Kouki {
        return Ok(first);
    }
    let Some(rules) = tables.ages_at(first) else {
        return Ok(first);
    };
    match age::birthday(r.patient.birth_date, rules.kouki_age) {
        Some(b) if b.year() == first.year() && b.month() == first.month() => Ok(b),
        _ => Ok(first),
    }
}

/// The patient's age group on the date, after checking insurance and category.
fn age_group(c: &Claim, f: &AgeFacts, disability_min_age: u32) -> Result<RateGroup, CopayError> {
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

struct Resolved<'c, 'a> {
    claim: &'c PublicExpenseClaim,
    index: usize,
    programme: &'a Programme,
}

fn resolve_programmes<'c, 'a>(
    tables: &'a CopayTables,
    c: &'c Claim,
    f: &AgeFacts,
    trace: &mut Trace<'a>,
) -> Result<Vec<Resolved<'c, 'a>>, CopayError> {
    let mut out = Vec::new();
    for (i, pe) in c.public_expense.iter().enumerate() {
        let field = format!("public_expense[{i}].law");
        if c.public_expense[..i].iter().any(|q| q.law == pe.law) {
            return Err(bad(
                &field,
                format!("法別番号 \"{}\" is listed twice", pe.law),
            ));
        }
        let Some(p) = tables.programme_at(&pe.law, c.date) else {
            if tables.knows_law(&pe.law) {
                return Err(bad(
                    &field,
                    format!(
                        "法別番号 {} has no programme in force on {}",
                        pe.law, c.date
                    ),
                ));
            }
            let local = pe.law.parse::<u32>().is_ok_and(|n| (80..=99).contains(&n));
            return Err(bad(
                &field,
                if local {
                    format!(
                        "unknown 法別番号 \"{}\": local programmes (80–99) must be declared in a local programme file",
                        pe.law
                    )
                } else {
                    format!("unknown 法別番号 \"{}\"", pe.law)
                },
            ));
        };
        if p.cap_required && pe.monthly_cap.is_none() {
            return Err(bad(
                &format!("public_expense[{i}].monthly_cap"),
                format!(
                    "required for 法別 {} ({}): the 月額上限 on the 受給者証",
                    p.law, p.name
                ),
            ));
        }
        if let Some(reason) = outside_age(p, c, f, tables) {
            step!(
                trace,
                "public expense",
                tx!(trace.t, "法別 {} ({})", &p.law, &p.name),
                lit!("age range of the programme"),
                &p.source,
                format!("not applied: {reason}"),
            );
            continue;
        }
        out.push(Resolved {
            claim: pe,
            index: i,
            programme: p,
        });
    }
    out.sort_by_key(|r| (r.programme.priority, r.index));
    Ok(out)
}

fn outside_age(p: &Programme, c: &Claim, f: &AgeFacts, tables: &CopayTables) -> Option<String> {
    if let Some(min) = p.min_age {
        if f.age < min {
            return Some(format!("age {} below {min}", f.age));
        }
    }
    if let Some(max) = p.max_age {
        if p.until_school_year_end {
            let rules = tables.ages_at(c.date)?;
            let end = age::reaches(c.patient.birth_date, max.saturating_add(1))
                .and_then(|d| age::school_year_end_on_or_after(d, rules))?;
            if c.date > end {
                return Some(format!("after {end} (the 3/31 after reaching {})", max + 1));
            }
        } else if f.age > max {
            return Some(format!("age {} above {max}", f.age));
        }
    }
    None
}

struct LimitDecision {
    amount: i64,
}

#[allow(clippy::too_many_arguments)]
fn decide_limit<'a>(
    tables: &'a CopayTables,
    c: &Claim,
    group: RateGroup,
    rate: u32,
    cum_cost: i64,
    birthday_month: bool,
    progs: &[Resolved<'_, 'a>],
    trace: &mut Trace<'a>,
) -> Result<Option<LimitDecision>, CopayError> {
    let p = c.patient;
    let cat = p.income_category;
    let age_group = match group {
        RateGroup::Preschool | RateGroup::Under70 => LimitAgeGroup::Under70,
        _ => LimitAgeGroup::SeventyPlus,
    };
    let rules = || {
        tables.high_cost_rules_at(c.date).ok_or_else(|| {
            no_table(
                "high-cost rules (多数回 / 到達月)",
                c.date,
                String::new(),
                String::new(),
            )
        })
    };
    let divisor = if birthday_month {
        rules()?.birthday_month_divisor
    } else {
        1
    };
    let halving = if birthday_month {
        tx!(trace.t, " ÷ {} (75歳到達月)", divisor)
    } else {
        lit!("")
    };

    // 特定疾病 (マル長).
    if p.specific_disease != SpecificDisease::None {
        let row = tables
            .specific_disease_at(c.date)
            .ok_or_else(|| no_table("特定疾病 limit", c.date, String::new(), String::new()))?;
        let upper =
            age_group == LimitAgeGroup::Under70 && row.dialysis_upper_categories.contains(&cat);
        let amount = match (p.specific_disease, upper) {
            (SpecificDisease::Unspecified, true) => {
                return Err(bad(
                    "patient.specific_disease",
                    format!(
                        "under 70 in 区分{cat} the limit depends on the disease: give \"dialysis\", \"hemophilia\" or \"hiv\""
                    ),
                ))
            }
            (SpecificDisease::Dialysis, true) => row.dialysis_upper_amount,
            _ => row.amount,
        } / divisor;
        step!(
            trace,
            "high-cost limit",
            format!("特定疾病 {:?}, 区分{cat}", p.specific_disease),
            tx!(
                trace.t,
                "特定疾病療養 (マル長) limit per facility per month{}",
                halving
            ),
            &row.source,
            tx!(trace.t, "limit {}", amount),
        );
        return Ok(Some(LimitDecision { amount }));
    }

    let after: Vec<&Resolved> = progs
        .iter()
        .filter(|r| r.programme.timing == Timing::AfterInsurance)
        .collect();

    // 後期 2割 配慮措置 (外来, 保険単独).
    if group == RateGroup::Kouki
        && c.setting == Setting::Outpatient
        && after.is_empty()
        && cat.is_ippan()
    {
        if let Some(m) = tables.kouki_measure_at(c.date) {
            if rate == m.rate_percent {
                let cap = m.outpatient_cap / divisor;
                let amount = if cum_cost >= m.applies_from_cost {
                    let eased =
                        round_half_yen(cum_cost * i64::from(m.base_percent)) + m.increase_cap;
                    eased.min(cap)
                } else {
                    cap
                };
                step!(
                    trace,
                    "high-cost limit",
                    tx!(trace.t, "後期 2割, 外来, 医療費 {}", cum_cost),
                    tx!(
                        trace.t,
                        "配慮措置: min(2割, {} + {}, {}){}; 医療費 < {} → plain 2割",
                        Arg::Pct(m.base_percent),
                        m.increase_cap,
                        cap,
                        if birthday_month {
                            " (外来 cap halved in the 75歳到達月, increase cap not)"
                        } else {
                            ""
                        },
                        m.applies_from_cost
                    ),
                    &m.source,
                    tx!(trace.t, "limit {}", amount),
                );
                return Ok(Some(LimitDecision { amount }));
            }
        }
    }

    // Which category's table.
    let policy = if after
        .iter()
        .any(|r| r.programme.combined_limit == CombinedLimit::Welfare)
    {
        CombinedLimit::Welfare
    } else if after
        .iter()
        .any(|r| r.programme.combined_limit == CombinedLimit::OwnCategory)
    {
        CombinedLimit::OwnCategory
    } else if after
        .iter()
        .any(|r| r.programme.combined_limit == CombinedLimit::IncomeIndependent)
    {
        CombinedLimit::IncomeIndependent
    } else {
        CombinedLimit::None
    };
    let table_cat = |c: IncomeCategory| match c {
        IncomeCategory::Ippan1 | IncomeCategory::Ippan2 => IncomeCategory::Ippan,
        other => other,
    };
    let label = cat.label();
    let (lcat, why) = match policy {
        CombinedLimit::Welfare => (LimitCategory::Welfare, lit!("生活保護 併用")),
        CombinedLimit::OwnCategory => (
            LimitCategory::Income(table_cat(cat)),
            tx!(trace.t, "難病/小慢 併用: the patient's own 区分{}", label),
        ),
        CombinedLimit::IncomeIndependent => (
            LimitCategory::PublicCombined,
            lit!("公費併用: income-independent limit"),
        ),
        CombinedLimit::None => {
            if age_group == LimitAgeGroup::Under70 {
                if !p.limit_certificate {
                    step!(
                        trace,
                        "high-cost limit",
                        tx!(trace.t, "under 70, 区分{}, no 限度額適用認定証 / マイナ consent", label),
                        lit!("under 70 the limit applies at the window only with a certificate or マイナ保険証 consent; otherwise the insurer refunds later"),
                        lit!("copayment.md §3.3; 健康保険法施行令43条"),
                        lit!("no limit at the window"),
                    );
                    return Ok(None);
                }
                (
                    LimitCategory::Income(cat),
                    tx!(trace.t, "区分{} with certificate", label),
                )
            } else if !p.limit_certificate
                && matches!(
                    cat,
                    IncomeCategory::Genekinami1 | IncomeCategory::Genekinami2
                )
            {
                (
                    LimitCategory::Income(IncomeCategory::Genekinami3),
                    tx!(trace.t, "{} without certificate → 現役並みⅢ formula", label),
                )
            } else if !p.limit_certificate && cat.is_low_income() {
                (
                    LimitCategory::Income(IncomeCategory::Ippan),
                    tx!(trace.t, "{} without certificate → 一般", label),
                )
            } else {
                (
                    LimitCategory::Income(table_cat(cat)),
                    tx!(trace.t, "区分{}", label),
                )
            }
        }
    };
    let component = match (age_group, c.setting) {
        (LimitAgeGroup::Under70, _) => LimitComponent::Monthly,
        (_, Setting::Outpatient) => LimitComponent::Outpatient,
        (_, Setting::Inpatient) => LimitComponent::Household,
    };
    let many_after = rules()?.many_times_after;
    let Some(row) = tables.limit_at(c.date, age_group, lcat, component) else {
        let unconfirmed = tables.unconfirmed_limit_at(c.date, age_group, lcat, component);
        // Only the formula unconfirmed, the 多数回 amounts unchanged: a 多数回 month is known.
        if let Some((u, as_on)) = unconfirmed.and_then(|u| u.many_as_on.map(|d| (u, d))) {
            let before = tables.limit_at(as_on, age_group, lcat, component);
            if let Some(m) = before
                .and_then(|r| r.many)
                .filter(|_| p.high_cost_count >= many_after)
            {
                let amount = m / divisor;
                step!(
                    trace,
                    "high-cost limit",
                    tx!(
                        trace.t,
                        "{}; {}; high_cost_count {} (多数回)",
                        why,
                        component_name(component),
                        p.high_cost_count
                    ),
                    tx!(
                        trace.t,
                        "多数回 {}{}: unchanged, the amount in force on {} ({})",
                        m,
                        halving,
                        as_on,
                        &u.note
                    ),
                    &u.source,
                    tx!(trace.t, "limit {}", amount),
                );
                return Ok(Some(LimitDecision { amount }));
            }
        }
        let note = unconfirmed
            .map(|u| format!(": {} ({})", u.note, u.source))
            .unwrap_or_default();
        let comp = match component {
            LimitComponent::Monthly => "",
            LimitComponent::Outpatient => " 外来",
            LimitComponent::Household => " 世帯(入院)",
        };
        let age = if age_group == LimitAgeGroup::Under70 {
            "under 70"
        } else {
            "70+"
        };
        return Err(no_table(
            "high-cost table",
            c.date,
            format!("{age} 区分{lcat}{comp}"),
            note,
        ));
    };
    let many = match row.many {
        Some(m) if p.high_cost_count >= many_after => Some(m),
        _ => None,
    };
    let (amount, formula) = if let Some(m) = many {
        (m / divisor, tx!(trace.t, "多数回 {}{}", m, halving))
    } else {
        let base = row.base / divisor;
        match (row.threshold, row.excess_percent) {
            (Some(t), Some(e)) => {
                let t = t / divisor;
                (
                    base + excess_term(cum_cost, t, e),
                    tx!(
                        trace.t,
                        "{} + (医療費 − {}) × {}% (50銭 rule){}",
                        base,
                        t,
                        e,
                        halving
                    ),
                )
            }
            _ => (base, tx!(trace.t, "{}{}", row.base, halving)),
        }
    };
    step!(
        trace,
        "high-cost limit",
        tx!(
            trace.t,
            "{}; {}; 医療費 {}; high_cost_count {}",
            why,
            component_name(component),
            cum_cost,
            p.high_cost_count
        ),
        formula,
        &row.source,
        tx!(trace.t, "limit {}", amount),
    );
    Ok(Some(LimitDecision { amount }))
}

fn run<'a>(tables: &'a CopayTables, c: &Claim) -> Result<CopayOutput<'a>, CopayError> {
    let mut trace = Trace {
        entries: Vec::with_capacity(8),
        t: Texts::new(),
    };
    let p = c.patient;
    if p.birth_date > c.date {
        return Err(bad(
            "patient.birth_date",
            format!("{} is after the date of service {}", p.birth_date, c.date),
        ));
    }
    if c.points < 0 || c.points > MAX_AMOUNT {
        return Err(bad("points", format!("{} is out of range", c.points)));
    }
    if c.meals < 0 || c.meals > 10_000 {
        return Err(bad("meals", format!("{} is out of range", c.meals)));
    }
    for (name, v) in [
        ("month_to_date.medical_cost", c.mtd.medical_cost),
        ("month_to_date.patient_share", c.mtd.patient_share),
    ] {
        if !(0..=MAX_AMOUNT).contains(&v) {
            return Err(bad(name, format!("{v} is out of range")));
        }
    }
    for (i, pe) in c.public_expense.iter().enumerate() {
        for (name, v) in [
            ("monthly_cap", pe.monthly_cap.unwrap_or(0)),
            ("already_paid", pe.already_paid),
        ] {
            if !(0..=MAX_AMOUNT).contains(&v) {
                return Err(bad(
                    &format!("public_expense[{i}].{name}"),
                    format!("{v} is out of range"),
                ));
            }
        }
    }

    // 1. Age and rate.
    let ages = tables
        .ages_at(c.date)
        .ok_or_else(|| no_table("age rules", c.date, String::new(), String::new()))?;
    let f = age::facts(ages, p.birth_date, c.date).ok_or_else(|| {
        bad(
            "patient.birth_date",
            format!("{} is out of range", p.birth_date),
        )
    })?;
    let group = age_group(c, &f, ages.kouki_disability_min_age)?;
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
    let rate = match c.rate_percent {
        Some(r) => {
            step!(
                trace,
                "rate",
                tx!(trace.t, "rate override {}", Arg::Pct(r)),
                lit!("the receipt's rate replaces the derived rate"),
                lit!("input"),
                tx!(trace.t, "{}", Arg::Pct(r)),
            );
            r
        }
        None => {
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
            row.percent
        }
    };

    // 2. Window share.
    let rnd = tables
        .rounding_at(c.date)
        .ok_or_else(|| no_table("rounding table", c.date, String::new(), String::new()))?;
    let cost = yen_from_points(c.points, rnd.yen_per_point)
        .ok_or_else(|| bad("points", format!("{} is out of range", c.points)))?;
    let cum_cost = c.mtd.medical_cost + cost;
    let share = window_share(cost, rate, rnd.window_unit_yen);
    step!(
        trace,
        "window share",
        tx!(
            trace.t,
            "{} 点 × {} 円 = {} 円 × {}",
            c.points,
            rnd.yen_per_point,
            cost,
            Arg::Pct(rate)
        ),
        lit!("一部負担金: 10円未満 四捨五入 (under 5円 down, 5円 or more up)"),
        &rnd.source,
        tx!(trace.t, "{}", share),
    );

    let progs = resolve_programmes(tables, c, &f, &mut trace)?;
    let mut public_pays: Vec<PublicPay> = Vec::new();

    // 75歳到達月 (unless born on the 1st, or already on 後期 by 障害認定: no change of insurer).
    let birthday_month = (f.kouki_from.year(), f.kouki_from.month())
        == (c.date.year(), c.date.month())
        && f.kouki_from.day() != 1
        && !p.kouki_by_disability;

    let (limit, patient_medical, insurer) = if let Some(first) = progs
        .first()
        .filter(|r| r.programme.timing == Timing::BeforeInsurance)
    {
        // 公費優先: the programme pays in full before insurance.
        let pp = first
            .claim
            .rate_percent
            .or(first.programme.patient_percent)
            .unwrap_or(0);
        let patient = window_share(cost, pp, rnd.window_unit_yen).min(cost);
        step!(
            trace,
            "public expense",
            tx!(
                trace.t,
                "法別 {} ({}), 医療費 {}",
                &first.programme.law,
                &first.programme.name,
                cost
            ),
            lit!("pays before insurance (公費優先); insurance pays nothing"),
            &first.programme.source,
            tx!(trace.t, "公費 {}, patient {}", cost - patient, patient),
        );
        for r in &progs {
            let amount = if std::ptr::eq(r, first) {
                cost - patient
            } else {
                0
            };
            public_pays.push(PublicPay {
                law: r.programme.law.clone(),
                amount,
            });
        }
        (None, patient, 0)
    } else {
        // 3. Limit.
        let limit = decide_limit(
            tables,
            c,
            group,
            rate,
            cum_cost,
            birthday_month,
            &progs,
            &mut trace,
        )?;
        let after_ins = match &limit {
            Some(l) => {
                let remaining = (l.amount - c.mtd.patient_share).max(0);
                let v = share.min(remaining);
                step!(
                    trace,
                    "apply limit",
                    tx!(
                        trace.t,
                        "share {}, limit {}, already charged this month {}",
                        share,
                        l.amount,
                        c.mtd.patient_share
                    ),
                    lit!("patient pays min(share, limit − already charged); the insurer pays the excess (現物給付)"),
                    lit!("copayment.md §3.3, §6"),
                    tx!(trace.t, "{}", v),
                );
                v
            }
            None => share,
        };
        let insurer = cost - after_ins;
        // 4. Public chain.
        let mut remaining = after_ins;
        for r in &progs {
            let prog = r.programme;
            if prog.timing == Timing::BeforeInsurance {
                public_pays.push(PublicPay {
                    law: prog.law.clone(),
                    amount: 0,
                });
                continue;
            }
            let pp = r
                .claim
                .rate_percent
                .or(prog.patient_percent)
                .unwrap_or(rate)
                .min(rate);
            let mut pay = window_share(cost, pp, rnd.window_unit_yen).min(remaining);
            let mut notes = vec![format!(
                "{} of 医療費 = {}",
                pct(pp),
                window_share(cost, pp, rnd.window_unit_yen)
            )];
            if let Some(cap) = r.claim.monthly_cap.or(prog.monthly_cap) {
                let left = (cap - r.claim.already_paid).max(0);
                notes.push(format!(
                    "monthly cap {cap} − paid {} = {left}",
                    r.claim.already_paid
                ));
                pay = pay.min(left);
            }
            if let Some(pv) = prog.per_visit_cap {
                let cap = match c.mode {
                    Mode::Visit => {
                        let mut cap = pv;
                        if let Some(m) = prog.max_charged_visits {
                            cap = cap.min(
                                (pv.saturating_mul(i64::from(m)) - r.claim.already_paid).max(0),
                            );
                        }
                        cap
                    }
                    Mode::Receipt { visits } => {
                        let Some(v) = visits else {
                            return Err(bad(
                                "visits",
                                format!(
                                    "required: 法別 {} has a per-visit cap ({pv}); give the number of visits in the month",
                                    prog.law
                                ),
                            ));
                        };
                        let n = prog.max_charged_visits.map_or(v, |m| m.min(v));
                        (pv.saturating_mul(i64::from(n)) - r.claim.already_paid).max(0)
                    }
                };
                notes.push(format!("per-visit cap {pv} → {cap}"));
                pay = pay.min(cap);
            }
            let amount = remaining - pay;
            step!(
                trace,
                "public expense",
                tx!(
                    trace.t,
                    "法別 {} ({}), share before it {}",
                    &prog.law,
                    &prog.name,
                    remaining
                ),
                format!("patient share = min({})", notes.join(", ")),
                &prog.source,
                tx!(trace.t, "patient {}, 公費 {}", pay, amount),
            );
            public_pays.push(PublicPay {
                law: prog.law.clone(),
                amount,
            });
            remaining = pay;
        }
        (limit.map(|l| l.amount), remaining, insurer)
    };

    // Programmes skipped by age still appear, with 0.
    for pe in c.public_expense {
        if !public_pays.iter().any(|pp| pp.law == pe.law) {
            public_pays.push(PublicPay {
                law: pe.law.clone(),
                amount: 0,
            });
        }
    }

    // 5. Meals.
    let meal_charge = meal_charge(tables, c, &progs, &mut trace)?;

    Ok(CopayOutput {
        medical_cost: cost,
        rate: Decimal::new(i64::from(rate), 2).normalize(),
        limit,
        patient_pays: patient_medical + meal_charge,
        insurer_pays: insurer,
        public_pays,
        meal_charge,
        trace: trace.entries,
        texts: trace.t,
    })
}

fn meal_charge<'a>(
    tables: &'a CopayTables,
    c: &Claim,
    progs: &[Resolved<'_, 'a>],
    trace: &mut Trace<'a>,
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
