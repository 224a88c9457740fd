//! Steps 3 and 5: the public programmes (公費) of the claim — which apply on the date, in
//! their order — and what each pays: a programme that pays before insurance (公費優先), or the
//! chain after insurance, each programme taking what its rate and caps leave to the patient.

use super::age::{self, AgeFacts};
use super::context::{bad, step, Claim, Mode, Trace};
use super::input::PublicExpenseClaim;
use super::rounding::window_share;
use super::{CopayError, PublicPay};
use crate::{lit, tx};
use rules::copay::{CopayTables, Programme, Timing};

/// A public programme of the claim with its table entry.
pub(super) struct Resolved<'c, 'a> {
    pub(crate) claim: &'c PublicExpenseClaim,
    pub(crate) index: usize,
    pub(crate) programme: &'a Programme,
    /// Free by the programme's `free_below_age` on the date.
    pub(crate) free: bool,
}

/// What the chain works on: the medical cost, the insurance rate, the window unit.
pub(super) struct Shares {
    pub(crate) cost: i64,
    pub(crate) rate: u32,
    pub(crate) unit_yen: i64,
}

fn pct(p: u32) -> String {
    if matches!(p % 10, 0) {
        format!("{}割", p / 10)
    } else {
        format!("{p}%")
    }
}

/// The claim's programmes in force on the date and within their age range, in priority order.
pub(super) fn resolve<'c, 'a>(
    tables: &'a CopayTables,
    c: &'c Claim,
    f: &AgeFacts,
    trace: &mut Trace,
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
        let scope = insurer_scope(c.patient.insurance);
        let Some(p) = tables.programme_for(&pe.law, c.date, scope) else {
            if tables.programme_at(&pe.law, c.date).is_some() {
                step!(
                    trace,
                    "public expense",
                    tx!(trace.t, "法別 {}", &pe.law),
                    lit!("insurers the local programme is for"),
                    lit!("local programme file"),
                    format!("not applied: no row for {} patients", scope.name()),
                );
                continue;
            }
            if tables.knows_law(&pe.law) {
                return Err(bad(
                    &field,
                    format!(
                        "法別番号 {} has no programme in force on {}",
                        pe.law, c.date
                    ),
                ));
            }
            return Err(bad(
                &field,
                if rules::copay::is_local_law(&pe.law) {
                    format!(
                        "unknown 法別番号 \"{}\": local programmes ({}) must be declared in a local programme file",
                        pe.law,
                        rules::copay::local_law_range_text()
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
        let free = p.local_rules.free_below_age.is_some_and(|a| {
            f.age < a
                || (p.local_rules.free_through_month_end
                    && age::reaches(c.patient.birth_date, a)
                        .and_then(age::first_of_next_month)
                        .is_some_and(|end| c.date < end))
        });
        out.push(Resolved {
            claim: pe,
            index: i,
            programme: p,
            free,
        });
    }
    support::sort::sort_by_key(&mut out, |r| (r.programme.priority, r.index));
    Ok(out)
}

/// The local-programme scope of an insurance kind.
pub(super) fn insurer_scope(i: super::InsuranceKind) -> rules::copay::InsurerScope {
    use rules::copay::InsurerScope;
    match i {
        super::InsuranceKind::Kenpo => InsurerScope::Kenpo,
        super::InsuranceKind::Kokuho => InsurerScope::Kokuho,
        super::InsuranceKind::Kouki => InsurerScope::Kouki,
    }
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

/// The first programme, when it pays before insurance (公費優先).
pub(super) fn before_insurance<'r, 'c, 'a>(
    progs: &'r [Resolved<'c, 'a>],
) -> Option<&'r Resolved<'c, 'a>> {
    progs
        .first()
        .filter(|r| r.programme.timing == Timing::BeforeInsurance)
}

/// 公費優先: the first programme pays in full before insurance; insurance pays nothing.
/// Returns (limit, patient's medical part, insurer, public pays).
pub(super) fn pay_before_insurance(
    progs: &[Resolved<'_, '_>],
    first: &Resolved<'_, '_>,
    s: &Shares,
    trace: &mut Trace,
) -> (Option<i64>, i64, i64, Vec<PublicPay>) {
    let pp = first
        .claim
        .rate_percent
        .or(first.programme.patient_percent)
        .unwrap_or(0);
    let patient = window_share(s.cost, pp, s.unit_yen).min(s.cost);
    step!(
        trace,
        "public expense",
        tx!(
            trace.t,
            "法別 {} ({}), 医療費 {}",
            &first.programme.law,
            &first.programme.name,
            s.cost
        ),
        lit!("pays before insurance (公費優先); insurance pays nothing"),
        &first.programme.source,
        tx!(trace.t, "公費 {}, patient {}", s.cost - patient, patient),
    );
    let pays = progs
        .iter()
        .map(|r| PublicPay {
            law: r.programme.law.clone(),
            amount: if std::ptr::eq(r, first) {
                s.cost - patient
            } else {
                0
            },
        })
        .collect();
    (None, patient, 0, pays)
}

/// The chain after insurance: each programme in order takes what its rate and caps leave to
/// the patient of the share before it. Returns the patient's medical part and the pays.
pub(super) fn chain(
    c: &Claim,
    progs: &[Resolved<'_, '_>],
    s: &Shares,
    after_insurance: i64,
    trace: &mut Trace,
) -> Result<(i64, Vec<PublicPay>), CopayError> {
    let mut public_pays = Vec::with_capacity(progs.len());
    let mut remaining = after_insurance;
    for r in progs {
        let prog = r.programme;
        if prog.timing == Timing::BeforeInsurance {
            public_pays.push(PublicPay {
                law: prog.law.clone(),
                amount: 0,
            });
            continue;
        }
        if let Some(why) = free_visit(c, r) {
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
                why,
                &prog.source,
                tx!(trace.t, "patient 0, 公費 {}", remaining),
            );
            public_pays.push(PublicPay {
                law: prog.law.clone(),
                amount: remaining,
            });
            remaining = 0;
            continue;
        }
        let pp = r
            .claim
            .rate_percent
            .or(prog.patient_percent)
            .unwrap_or(s.rate)
            .min(s.rate);
        let lr = &prog.local_rules;
        let by_rate = rate_share(r.claim, prog, s);
        let mut notes = vec![format!("{} of 医療費 = {by_rate}", pct(pp))];
        // The subsidy on the rate share within the 一部負担金, before what the programmes
        // before it left and the caps (subsidy_before_caps; 秋田74 as the vendor vectors work
        // it: half of each visit's 一部負担金, the month's 1,000円 on the halves), or on what the
        // caps leave (default).
        let subsidy = |pay: i64, notes: &mut Vec<String>| match lr.subsidy_percent {
            Some(sp) => {
                let rest = super::rounding::round_window(pay * i64::from(100 - sp), s.unit_yen);
                notes.push(format!("{sp}% subsidised → {rest}"));
                pay.min(rest)
            }
            None => pay,
        };
        let mut pay = if lr.subsidy_before_caps {
            subsidy(by_rate.min(after_insurance), &mut notes).min(remaining)
        } else {
            by_rate.min(remaining)
        };
        // Inside a month: the programme's share is the receipt's, min(rate × the month's
        // 医療費, the month's share before it, the cap) (copayment.md §4, "Sequence per claim"),
        // so a visit whose share before it was cut by the month's limit still owes what the
        // earlier visits' rate shares left below their share before it.
        let slack = c
            .visit_ctx
            .as_ref()
            .and_then(|x| x.month_slack.get(r.index).copied())
            .filter(|_| prog.settles_on_month);
        if let Some((by_month_rate, by_month_before)) = slack.filter(|s| *s != (0, 0)) {
            pay = (by_rate + by_month_rate).min(remaining + by_month_before);
            notes.push(format!(
                "the month's rate shares left {by_month_rate}, its shares before the programme left {by_month_before} → {pay}"
            ));
        }
        if let Some(cap) = r.claim.monthly_cap.or(prog.monthly_cap) {
            let left = (cap - r.claim.already_paid).max(0);
            notes.push(format!(
                "monthly cap {cap} − paid {} = {left}",
                r.claim.already_paid
            ));
            pay = pay.min(left);
        }
        if let Some(pv) = prog.per_visit_cap {
            let cap = per_visit_cap(c, r, prog, pv)?;
            notes.push(format!("per-visit cap {pv} → {cap}"));
            pay = pay.min(cap);
        }
        if !lr.subsidy_before_caps {
            pay = subsidy(pay, &mut notes);
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
    Ok((remaining, public_pays))
}

/// The programme's rate share of a visit: its rate (the 受給者証's, the programme's, or the
/// insurance rate; never above the insurance rate) of 医療費, rounded to the window unit.
pub(crate) fn rate_share(claim: &PublicExpenseClaim, p: &Programme, s: &Shares) -> i64 {
    let pp = claim
        .rate_percent
        .or(p.patient_percent)
        .unwrap_or(s.rate)
        .min(s.rate);
    window_share(s.cost, pp, s.unit_yen)
}

/// Why a visit is free under a programme: below its `free_below_age`, or not a first visit
/// of a programme that charges only on first visits.
fn free_visit(c: &Claim, r: &Resolved<'_, '_>) -> Option<&'static str> {
    let rules = &r.programme.local_rules;
    if r.free {
        return Some("free below the programme's age (free_below_age)");
    }
    if rules.first_visit_only && !c.first_visit {
        return Some("the patient pays only on a first visit (first_visit_only)");
    }
    None
}

/// A per-visit cap: for one visit, the cap itself (within a limit of charged visits); for a
/// receipt, the cap times the month's visits.
fn per_visit_cap(
    c: &Claim,
    r: &Resolved<'_, '_>,
    prog: &Programme,
    pv: i64,
) -> Result<i64, CopayError> {
    Ok(match c.mode {
        Mode::Visit if c.visit_ctx.is_some() => {
            let ctx = c.visit_ctx.clone().unwrap_or_default();
            let i = r.index;
            let paid_today = ctx.paid_today.get(i).copied().unwrap_or(0);
            if !ctx.counts_as_day {
                // A second visit on one day shares the day's cap.
                (pv - paid_today).max(0)
            } else if prog
                .max_charged_visits
                .is_some_and(|m| ctx.charged_visits.get(i).copied().unwrap_or(0) >= m)
            {
                0
            } else {
                pv
            }
        }
        Mode::Visit => {
            let mut cap = pv;
            if let Some(m) = prog.max_charged_visits {
                cap = cap.min((pv.saturating_mul(i64::from(m)) - r.claim.already_paid).max(0));
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
            let v = if prog.local_rules.first_visit_only {
                v.min(1)
            } else {
                v
            };
            let n = prog.max_charged_visits.map_or(v, |m| m.min(v));
            (pv.saturating_mul(i64::from(n)) - r.claim.already_paid).max(0)
        }
    })
}
