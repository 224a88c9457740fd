//! The calculation of copayment.md §6 for one claim (a receipt month or one visit): the driver.
//! Each step lives in its own module and writes one or more trace entries:
//! 1. [`rate`]: age group and 負担割合;
//! 2. the window share (`points × 10 × rate`, rounded to 10円);
//! 3. [`public`]: which public programmes apply, in priority order;
//! 4. [`limit`]: the 高額療養費 limit at the window, applied to the share;
//! 5. [`public`]: the public-expense chain (or a programme that pays before insurance);
//! 6. [`meals`]: the 食事療養 標準負担額.
//!
//! Invariants: integer yen; `patient + insurer + Σ public = medical cost` for the medical part
//! (each step moves an amount from one payer to another, never creates one); every step
//! pushes a trace entry; a missing table is an error, not a default.

use super::context::{bad, no_table, step, Claim, Mode, Trace};
use super::input::{MonthToDate, Receipt, Visit};
use super::rounding::{rounding_difference, window_share, yen_from_points};
use super::{age, limit, meals, public, rate};
use super::{CopayError, CopayOutput};
use crate::copay::input::{InsuranceKind, MAX_AMOUNT};
use crate::text::{Arg, Texts};
use crate::{lit, tx};
use chrono::{Datelike, NaiveDate};
use rules::copay::CopayTables;
use rust_decimal::Decimal;

/// The co-payment of one receipt (one patient, one facility, one month, 入院 or 外来).
pub fn compute(tables: &CopayTables, receipt: &Receipt) -> Result<CopayOutput, CopayError> {
    let date = match receipt.date {
        Some(d) => d,
        None => default_date(tables, receipt),
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
            first_visit: true,
            visit_ctx: None,
            outer_remaining: None,
            outer_after_national: false,
            without_kouki_measure: false,
        },
    )
}

/// The co-payment of one visit inside a month: the visit's points on `visit.date`, with the
/// limit applied to the month's cumulative 医療費 (`month_to_date.medical_cost` + this visit)
/// minus the share already charged (`month_to_date.patient_share`). Public programmes read
/// their remaining monthly cap from `public_expense[].already_paid`; a per-visit cap applies
/// to this visit. `medical_cost` in the output is this visit's.
pub fn compute_visit(tables: &CopayTables, visit: &Visit) -> Result<CopayOutput, CopayError> {
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
            first_visit: true,
            visit_ctx: None,
            outer_remaining: None,
            outer_after_national: false,
            without_kouki_measure: false,
        },
    )
}

/// Receipt date default: the month's first day; for a 後期 receipt in the 75th-birthday month,
/// the birthday (the first day 後期 covers).
fn default_date(tables: &CopayTables, r: &Receipt) -> NaiveDate {
    let first = r.month;
    if r.patient.insurance != InsuranceKind::Kouki {
        return first;
    }
    let Some(rules) = tables.ages_at(first) else {
        return first;
    };
    match age::birthday(r.patient.birth_date, rules.kouki_age) {
        Some(b) if b.year() == first.year() && b.month() == first.month() => b,
        _ => first,
    }
}

/// The amounts a claim may carry, checked before any step.
fn check_amounts(c: &Claim) -> Result<(), CopayError> {
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
    if c.meals < 0 || c.meals > crate::values::MAX_MEALS {
        return Err(bad("meals", format!("{} is out of range", c.meals)));
    }
    c.mtd.check("month_to_date")?;
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
    Ok(())
}

/// Where the month's limit bounded a claim after its national programmes
/// (`Claim::outer_after_national`): how many programmes (in order) came before the bound, what
/// the patient bore after them, and what the bound left (the rest is 高額療養費).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Bound {
    pub(crate) national: usize,
    pub(crate) before: i64,
    pub(crate) after: i64,
}

impl Bound {
    /// What the bound took: the 高額療養費 above the month's limit.
    pub(crate) fn taken(self) -> i64 {
        self.before - self.after
    }
}

fn run(tables: &CopayTables, c: &Claim) -> Result<CopayOutput, CopayError> {
    run_counted(tables, c).map(|(o, ..)| o)
}

/// [`run`], also returning how many programmes took part (the first entries of
/// `public_pays`; the rest were skipped by age or insurer and show 0) and, when a programme
/// paid only up to the limit without a certificate, the 一部負担金 within the limit (what
/// counts toward it; the rest was the patient's above it), and where the month's limit bounded
/// the claim after its national programmes.
pub(super) fn run_counted(
    tables: &CopayTables,
    c: &Claim,
) -> Result<(CopayOutput, usize, Option<i64>, Option<Bound>), CopayError> {
    let mut trace = Trace {
        entries: Vec::with_capacity(8),
        t: Texts::new(),
    };
    check_amounts(c)?;
    // 1. Age and rate.
    let (f, group) = rate::age_group(tables, c, &mut trace)?;
    let rate = rate::rate(tables, c, group, &mut trace)?;
    // 2. Window share.
    let rnd = tables
        .rounding_at(c.date)
        .ok_or_else(|| no_table("rounding table", c.date, String::new(), String::new()))?;
    let cost = yen_from_points(c.points, rnd.yen_per_point)
        .ok_or_else(|| bad("points", format!("{} is out of range", c.points)))?;
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
    // 3. Public programmes.
    let progs = public::resolve(tables, c, &f, &mut trace)?;
    let shares = public::Shares {
        cost,
        rate,
        unit_yen: rnd.window_unit_yen,
    };
    let mut counted = None;
    let mut bound = None;
    let (limit, patient_medical, insurer, mut public_pays) = if let Some(first) =
        public::before_insurance(&progs)
    {
        public::pay_before_insurance(&progs, first, &shares, &mut trace)
    } else {
        // 4. Limit.
        let birthday_month = limit::birthday_month(&f, c);
        let limit = limit::decide(
            tables,
            c,
            group,
            rate,
            cost,
            birthday_month,
            &progs,
            &mut trace,
        )?;
        let after_ins = limit::apply(c, limit, share, &mut trace);
        // 5. Public chain: with `outer_after_national`, the month's limit bounds what the
        // national programmes leave, and the local ones take what the bound leaves.
        let (patient, pays) = if c.outer_after_national {
            let national = progs.iter().take_while(|r| !r.programme.local).count();
            let (before, mut pays) =
                public::chain(c, &progs[..national], &shares, after_ins, &mut trace)?;
            // (The 高額療養費 takes at most the visit's 一部負担金: a programme settled on the
            // month may leave the patient more than the visit's share.)
            let after = limit::outer(c, before, &mut trace).max(before - after_ins);
            let (patient, rest) = public::chain(c, &progs[national..], &shares, after, &mut trace)?;
            pays.extend(rest);
            bound = Some(Bound {
                national,
                before,
                after,
            });
            (patient, pays)
        } else {
            public::chain(c, &progs, &shares, after_ins, &mut trace)?
        };
        let taken = bound.map_or(0, Bound::taken);
        if limit::excess_to_patient(c, group, &progs) {
            // The programme paid only up to the limit; without a certificate the share
            // above it is the patient's at the window (the insurer refunds it later).
            let excess = share - after_ins + taken;
            step!(
                    trace,
                    "apply limit",
                    tx!(trace.t, "share {}, within the limit {}", share, after_ins),
                    lit!("no 限度額適用認定証: the local programme pays only up to the limit (limit_without_certificate); the share above it is collected at the window and refunded by the insurer as 高額療養費"),
                    lit!("local programme file; 健康保険法施行令43条 (no limit at the window without a certificate)"),
                    tx!(trace.t, "patient {} + {}", patient, excess),
                );
            counted = Some(after_ins - taken);
            (limit, patient + excess, cost - share, pays)
        } else {
            (limit, patient, cost - after_ins + taken, pays)
        }
    };
    // The insurer's part deducts the unrounded 一部負担金相当額 (rules/data/copay/rounding.toml
    // insurer_part_deducts); the 10円 rounding stays with the facility.
    let rounding_difference = if insurer == 0 {
        0
    } else {
        rounding_difference(
            rnd.insurer_part_deducts,
            cost,
            rate,
            rnd.window_unit_yen,
            cost - insurer,
            c.visit_ctx.as_ref().map_or(0, |x| x.rounding_carry),
        )
    };
    if rounding_difference != 0 {
        step!(
            trace,
            "insurer part",
            tx!(trace.t, "一部負担金 {}", cost - insurer),
            lit!("the insurer's part deducts the unrounded 一部負担金相当額 (医療費 × 負担割合 in 1円, or the limit's amount); the 10円 rounding of the window payment stays with the facility"),
            &rnd.insurer_part_source,
            tx!(
                trace.t,
                "insurer {}, rounding difference {}",
                insurer + rounding_difference,
                rounding_difference
            ),
        );
    }
    let insurer = insurer + rounding_difference;
    let took_part = public_pays.len();
    // Programmes skipped by age still appear, with 0.
    for pe in c.public_expense {
        if !public_pays.iter().any(|pp| pp.law == pe.law) {
            public_pays.push(super::PublicPay {
                law: pe.law.clone(),
                amount: 0,
            });
        }
    }
    // 6. Meals.
    let meal_charge = meals::charge(tables, c, &progs, &mut trace)?;
    Ok((
        CopayOutput {
            medical_cost: cost,
            rate: Decimal::new(i64::from(rate), 2).normalize(),
            limit,
            patient_pays: patient_medical + meal_charge,
            insurer_pays: insurer,
            public_pays,
            meal_charge,
            rounding_difference,
            trace: trace.entries,
            texts: trace.t,
        },
        took_part,
        counted,
        bound,
    ))
}

/// The limit of the insurance part on `c`'s cumulative 医療費, for the month's limit across
/// combinations: with `c.public_expense` empty the patient's own (保険単独); with the
/// combination's programmes, their 公費併用 policy (copayment.md §3.3). Its trace is not kept
/// (the visit's trace states the result).
pub(super) fn insurance_limit(tables: &CopayTables, c: &Claim) -> Result<Option<i64>, CopayError> {
    let mut trace = Trace {
        entries: Vec::new(),
        t: Texts::new(),
    };
    let (f, group) = rate::age_group(tables, c, &mut trace)?;
    let rate = rate::rate(tables, c, group, &mut trace)?;
    let rnd = tables
        .rounding_at(c.date)
        .ok_or_else(|| no_table("rounding table", c.date, String::new(), String::new()))?;
    let cost = yen_from_points(c.points, rnd.yen_per_point)
        .ok_or_else(|| bad("points", format!("{} is out of range", c.points)))?;
    let birthday_month = limit::birthday_month(&f, c);
    let progs = public::resolve(tables, c, &f, &mut trace)?;
    if public::before_insurance(&progs).is_some() {
        return Ok(None);
    }
    limit::decide(
        tables,
        c,
        group,
        rate,
        cost,
        birthday_month,
        &progs,
        &mut trace,
    )
}
