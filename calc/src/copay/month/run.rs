//! The month driver: visits in date order, the month so far carried per insurer period, per
//! combination and per programme (see the module doc of [`super`]).

use super::gassan::{merged_others, plus};
use super::in_kind::{take_back_step, InKind};
use super::input::{Insurer, Month, MonthVisit, Period, Reduction};
use super::settle::{percent_of, settle, Benefits};
use super::{MonthOutput, ReductionApplied, VisitResult};
use crate::copay::context::{Claim, Mode, VisitCtx};
use crate::copay::input::{MonthToDate, PublicExpenseClaim, Setting};
use crate::copay::rounding::{round_window, window_share, yen_from_points};
use crate::copay::run::{insurance_limit, run_counted};
use crate::copay::{CopayError, PublicPay};
use chrono::NaiveDate;
use rules::copay::Programme;
use rules::copay::{CopayTables, InsurerScope, Timing};
use std::collections::HashMap;

/// What the month so far holds.
#[derive(Default)]
struct State {
    /// Per insurer period: 医療費 and 一部負担金 of every visit so far.
    period: HashMap<usize, MonthToDate>,
    /// Per (period, combination): the same, for the combination's own limit.
    combo: HashMap<(usize, Vec<String>), MonthToDate>,
    /// Per 法別: what the patient paid at the programme's step this month here.
    paid_under: HashMap<String, i64>,
    /// Per 法別: visits charged under it (here, and declared elsewhere).
    charged: HashMap<String, u32>,
    /// Per (date, 法別): paid under it that day.
    today: HashMap<(NaiveDate, String), i64>,
    /// Per 法別 with `in_kind_up_to`: its month so far.
    in_kind: InKind,
    /// Per (period, combination): what the amount a 公費 part counts toward the month's 合算 —
    /// under 70 what the patient paid under it after the 公費; from 70 what the patient bore
    /// after its national programmes, before any local one (run.rs `Bound`).
    paid_combo: HashMap<(usize, Vec<String>), i64>,
    /// Per 法別 settled on the month: (its rate shares, its shares before it) summed over the
    /// month's visits here.
    month_shares: HashMap<String, (i64, i64)>,
    /// Per (period, combination): Σ the visits' rounding differences (the carry of a visit
    /// cut by the combination's limit).
    rounding: HashMap<(usize, Vec<String>), i64>,
}

/// The month visit by visit, and its settlement per combination.
pub fn compute_month(tables: &CopayTables, m: &Month) -> Result<MonthOutput, CopayError> {
    let mut st = State::default();
    for c in &m.public_expense {
        st.charged.insert(c.claim.law.clone(), c.visits_elsewhere);
    }
    let rnd = tables
        .rounding_at(m.month)
        .ok_or_else(|| CopayError::NoTable {
            what: "rounding table".into(),
            month: m.month.format("%Y-%m").to_string(),
            key: String::new(),
            note: String::new(),
        })?;
    let mut visits = Vec::with_capacity(m.visits.len());
    let mut benefits = Vec::with_capacity(m.visits.len());
    for (i, v) in m.visits.iter().enumerate() {
        let pi = m.period_of(v.date);
        let r = visit(
            tables,
            m,
            &m.periods[pi],
            pi,
            v,
            &mut st,
            rnd.window_unit_yen,
        )
        .map_err(|e| at_visit(i, e))?;
        visits.push(r.0);
        benefits.push(r.1);
    }
    let (combinations, totals) = settle(tables, m, &visits, &benefits, &st.in_kind.withdrawn);
    Ok(MonthOutput {
        month: m.month,
        setting: match m.setting {
            Setting::Inpatient => "inpatient",
            Setting::Outpatient => "outpatient",
        },
        visits,
        combinations,
        totals,
    })
}

fn at_visit(i: usize, e: CopayError) -> CopayError {
    match e {
        CopayError::Invalid { field, message } => CopayError::Invalid {
            field: format!("visits[{i}]: {field}"),
            message,
        },
        other => other,
    }
}

fn claims_of(m: &Month, v: &MonthVisit, st: &State) -> (Vec<PublicExpenseClaim>, VisitCtx) {
    let mut claims = Vec::with_capacity(v.public.len());
    let mut ctx = VisitCtx {
        charged_visits: Vec::with_capacity(v.public.len()),
        paid_today: Vec::with_capacity(v.public.len()),
        counts_as_day: v.counts_as_day,
        month_slack: Vec::with_capacity(v.public.len()),
        rounding_carry: 0,
    };
    for law in &v.public {
        let Some(cert) = m.public_expense.iter().find(|c| &c.claim.law == law) else {
            continue; // checked when read
        };
        let mut claim = cert.claim.clone();
        claim.already_paid = claim
            .already_paid
            .saturating_add(st.paid_under.get(law).copied().unwrap_or(0));
        claims.push(claim);
        ctx.charged_visits
            .push(st.charged.get(law).copied().unwrap_or(0));
        ctx.paid_today
            .push(st.today.get(&(v.date, law.clone())).copied().unwrap_or(0));
        let paid = st.paid_under.get(law).copied().unwrap_or(0);
        let (rate, before) = st.month_shares.get(law).copied().unwrap_or_default();
        ctx.month_slack
            .push(((rate - paid).max(0), (before - paid).max(0)));
    }
    (claims, ctx)
}

#[allow(clippy::too_many_arguments)]
fn visit(
    tables: &CopayTables,
    m: &Month,
    period: &Period,
    pi: usize,
    v: &MonthVisit,
    st: &mut State,
    unit_yen: i64,
) -> Result<(VisitResult, Benefits), CopayError> {
    let (claims, ctx) = claims_of(m, v, st);
    let key = (pi, v.public.clone());
    let Some(patient) = &period.patient else {
        return uninsured(tables, m, period, v, &claims, &ctx, st, unit_yen)
            .map(|r| (r, Benefits::new()));
    };
    let scope = crate::copay::public::insurer_scope(patient.insurance);
    // Filled only where the month's limit is bounded after the national 公費 (below).
    let local: Vec<PublicExpenseClaim>;
    let all = st.period.get(&pi).copied().unwrap_or_default();
    let mut claim = Claim {
        patient,
        date: v.date,
        setting: m.setting,
        points: v.points,
        meals: v.meals,
        public_expense: &[],
        rate_percent: None,
        mtd: all,
        mode: Mode::Visit,
        first_visit: v.first_visit,
        visit_ctx: Some(VisitCtx {
            rounding_carry: st.rounding.get(&key).copied().unwrap_or(0),
            ..ctx
        }),
        outer_remaining: None,
        outer_after_national: false,
        without_kouki_measure: false,
    };
    let combo = st.combo.get(&key).copied().unwrap_or_default();
    // The month's 合算 takes only the parts 健康保険法施行令41条1項 counts (see `merged_others`):
    // under 70 from 21,000円; 70 and over (no threshold, copayment.md §3.2) every part, a 公費
    // part with what the patient bore after its national 公費 where the tables say so
    // (rules/data/copay/high_cost.toml public_part_counts_paid_70plus; otherwise one limit on
    // every part's 一部負担金). マル長 (特定疾病, 41条9項, left out of 1項's 合算 by 1項1号)
    // keeps its one limit per facility and month across combinations.
    let min = if patient.specific_disease != crate::copay::input::SpecificDisease::None {
        None
    } else if patient.income_category.is_under70() {
        tables.household_min_share_under70_at(v.date)
    } else {
        tables
            .high_cost_rules_at(v.date)
            .filter(|r| r.public_part_counts_paid_70plus)
            .map(|_| 0)
    };
    // A 公費 part counts what the patient paid under it (under 70), or bore after its national
    // 公費 (from 70; a local programme is no 特定給付 and pays after the 高額療養費: 多賀城市 子ども
    // 医療費助成 「付加給付、高額療養費、他の法令による助成制度…が適用される場合は、適用後の自己負担分を
    // 助成します」; tests/data/copay-vectors-explained.toml T007_04_Over70_10per_k0_2daySum1).
    let under70 = patient.income_category.is_under70();
    let others = min.map(|m| merged_others(&st.combo, &st.paid_combo, pi, &key.1, m));
    if let (false, false, Some(o)) = (claims.is_empty(), under70, others) {
        // From 70: the month's limit (the patient's own; a local programme's 公費併用 limit where
        // higher) bounds what the patient bears after the part's national 公費, counted beside
        // the other parts' like amounts — the national 公費 keeps its share, the 高額療養費 takes
        // the rest above the limit (41条1項), a local programme what is left. The part's
        // 一部負担金 keeps its own 公費併用 limit (`claim.mtd = combo`).
        claim.outer_after_national = true;
        if let Some(o) = o {
            let counted = MonthToDate {
                medical_cost: combo.medical_cost,
                patient_share: st.paid_combo.get(&key).copied().unwrap_or(0),
            };
            claim.mtd = plus(o, counted);
            let own = insurance_limit(tables, &claim)?;
            // The combination's local programmes (their 公費併用 limit, where higher).
            local = claims
                .iter()
                .filter(|c| {
                    tables
                        .programme_for(&c.law, v.date, scope)
                        .is_some_and(|p| p.local)
                })
                .cloned()
                .collect();
            claim.public_expense = &local;
            let combined = match local.is_empty() {
                true => None,
                false => insurance_limit(tables, &claim)?,
            };
            let l = own.map(|o| combined.map_or(o, |c| o.max(c)));
            claim.outer_remaining = l.map(|l| l - claim.mtd.patient_share);
        }
        claim.public_expense = &claims;
        claim.mtd = combo;
    } else if !claims.is_empty() {
        // The month's one limit on its whole 医療費: the patient's own 区分 (保険単独), or the
        // combination's 公費併用 limit where that is higher — a 公費併用 claim is held to the
        // income-independent limit (under 70 the ウ formula) whatever the patient's own 区分
        // (copayment.md §3.3), so an エ/オ patient's lower limit does not lower it.
        let merged = match others {
            None => Some(all),
            Some(o) => o.map(|o| plus(o, combo)),
        };
        if let Some(merged) = merged {
            claim.mtd = merged;
            let own = insurance_limit(tables, &claim)?;
            claim.public_expense = &claims;
            let combined = insurance_limit(tables, &claim)?;
            let l_all = own.map(|o| combined.map_or(o, |c| o.max(c)));
            claim.outer_remaining = l_all.map(|l| l - merged.patient_share);
        } else {
            claim.public_expense = &claims;
        }
        claim.mtd = combo;
    } else if others.is_some() {
        // Under 70, 保険単独: the part's own limit on its own 医療費 (41条1項1号: the part is one
        // amount of the month at this facility) …
        claim.mtd = combo;
    } else if patient.income_category.is_ippan()
        && st.combo.keys().any(|(p, k)| *p == pi && !k.is_empty())
    {
        // 70 and over, 保険単独 beside a 公費 part: the part's own limit on its own 医療費 (the
        // 後期 2割 配慮措置 on the 保険単独 医療費 alone), within the month's one limit on every
        // part's 一部負担金 — that limit without the 配慮措置, which a 公費 claim drops (as the
        // JAHIS 後期 2割 examples the vendor vectors T015_JAHIS2206_* work: 54 10,000 then
        // 保険単独 60,000 → min(6,000 + 3,000, 18,000 − 10,000) = 8,000).
        claim.without_kouki_measure = true;
        let l = insurance_limit(tables, &claim)?;
        claim.without_kouki_measure = false;
        claim.outer_remaining = l.map(|l| l - all.patient_share);
        claim.mtd = combo;
    }
    let (mut out, mut took_part, mut counted, mut bound) = run_counted(tables, &claim)?;
    if let (true, Some(Some(o)), Some(m)) = (claims.is_empty(), others, min) {
        // … joined to the month's 合算 once it reaches 21,000円: the patient's limit on the
        // counted parts' 医療費, less what they count.
        let copayment = out.medical_cost - (out.insurer_pays - out.rounding_difference);
        let part = combo.patient_share + counted.unwrap_or(copayment);
        if part >= m {
            let merged = plus(o, combo);
            claim.mtd = merged;
            // The month's one limit beside a 公費 part: without the 後期 2割 配慮措置, which a 公費
            // claim drops (the JAHIS 後期 2割 examples, see the 70+ branch above).
            claim.without_kouki_measure = true;
            let l = insurance_limit(tables, &claim)?;
            claim.without_kouki_measure = false;
            claim.mtd = combo;
            claim.outer_remaining = l.map(|l| l - merged.patient_share);
            (out, took_part, counted, bound) = run_counted(tables, &claim)?;
        }
    }
    let cost = out.medical_cost;
    // The insurer's part on the rounded 一部負担金; the unrounded one below (`rounding`).
    let rounded_insurer = out.insurer_pays - out.rounding_difference;
    let before_insurance = rounded_insurer == 0
        && claims.first().is_some_and(|c| {
            tables
                .programme_for(
                    &c.law,
                    v.date,
                    crate::copay::public::insurer_scope(patient.insurance),
                )
                .is_some_and(|p| p.timing == Timing::BeforeInsurance)
        });
    let copayment = cost - rounded_insurer;
    // The 公費 steps: what the patient paid at each programme's step.
    // (With a bound after the national programmes, the 一部負担金 less the 高額療養費 it took: the
    // national programmes start from the whole, the last one leaves the bounded amount.)
    let taken = bound.map_or(0, crate::copay::run::Bound::taken);
    let mut running =
        counted.unwrap_or(copayment) + bound.filter(|b| b.national > 0).map_or(0, |_| taken);
    let mut public_pays = out.public_pays.clone();
    let mut collected = 0;
    let mut benefits = Benefits::new();
    let shares = crate::copay::public::Shares {
        cost,
        rate: percent_of(out.rate),
        unit_yen,
    };
    for (i, pp) in public_pays.iter_mut().take(took_part).enumerate() {
        // What the patient bore under the programme (its caps and month share count it); after
        // the last national one, the month's limit leaves the patient less (`Bound`).
        let pay = running - pp.amount;
        let cut = match bound {
            Some(b) if i + 1 == b.national => taken,
            _ => 0,
        };
        if !before_insurance {
            let prog = tables.programme_for(&pp.law, v.date, scope);
            record(st, v, &pp.law, pay, prog);
            let cert = claims.iter().find(|c| c.law == pp.law);
            if let (Some(p), Some(c)) = (prog, cert) {
                if p.settles_on_month {
                    let e = st.month_shares.entry(pp.law.clone()).or_default();
                    e.0 += crate::copay::public::rate_share(c, p, &shares);
                    e.1 += running;
                }
            }
            let threshold = tables
                .programme_for(&pp.law, v.date, scope)
                .and_then(|p| p.local_rules.in_kind_up_to);
            if let Some(extra) = st.in_kind.take(threshold, &pp.law, running, pp.amount) {
                benefits.push((pp.law.clone(), pp.amount));
                pp.amount -= extra;
                collected += extra;
                if extra > 0 {
                    take_back_step(&mut out, &pp.law, threshold.unwrap_or(0), extra);
                }
            }
        }
        running = pay - cut;
    }
    // Under a limit the unrounded 一部負担金相当額 is the limit's amount less the combination's
    // earlier unrounded shares: the claim carried their differences (`rounding_carry`).
    let rounding = out.rounding_difference;
    *st.rounding.entry(key.clone()).or_default() += rounding;
    let mut insurer = rounded_insurer + rounding;
    let mut patient_medical = out.patient_medical() + collected;
    if !v.public.is_empty() {
        *st.paid_combo.entry(key.clone()).or_default() +=
            bound.map_or(patient_medical, |b| b.after);
    }
    let reduction = period.reduction.map(|r| {
        let left = match r {
            Reduction::Reduction { percent } => round_window(
                patient_medical * i64::from(100 - percent.min(100)),
                unit_yen,
            )
            .min(patient_medical),
            Reduction::Exemption | Reduction::Deferral => 0,
        };
        let amount = patient_medical - left;
        insurer += amount;
        patient_medical = left;
        ReductionApplied {
            kind: r.name(),
            amount,
        }
    });
    let toward_limit = counted.unwrap_or(copayment);
    let add = |t: &mut MonthToDate| {
        t.medical_cost += cost;
        t.patient_share += toward_limit;
    };
    add(st.period.entry(pi).or_default());
    add(st.combo.entry(key).or_default());
    let window = patient_medical + out.meal_charge;
    Ok((
        VisitResult {
            date: v.date,
            points: v.points,
            insurance: period.insurer.name(),
            public: v.public.clone(),
            medical_cost: cost,
            rate: Some(out.rate),
            limit: out.limit,
            copayment,
            insurer_pays: insurer,
            public_pays,
            rounding_difference: rounding,
            reduction,
            meal_charge: out.meal_charge,
            window_payment: window,
            paid: v.paid,
            balance: window - v.paid,
            detail: Some(out),
        },
        benefits,
    ))
}

/// A day counts toward `max_charged_visits` when the patient paid under the programme, or was
/// seen under it at all where it `counts_unpaid_days` (rules/src/copay/local.rs).
fn record(st: &mut State, v: &MonthVisit, law: &str, pay: i64, p: Option<&Programme>) {
    *st.paid_under.entry(law.to_string()).or_default() += pay;
    *st.today.entry((v.date, law.to_string())).or_default() += pay;
    if v.counts_as_day && (pay > 0 || p.is_some_and(|p| p.local_rules.counts_unpaid_days)) {
        *st.charged.entry(law.to_string()).or_default() += 1;
    }
}

/// No insurer: 自費 (the patient pays 医療費 = points × 10; no 一部負担金 rounding applies) or
/// 公費単独 (the first programme in order pays 医療費 less its patient share: its rate of
/// 医療費 — 0 unless the 受給者証 or the programme gives one — within its caps).
#[allow(clippy::too_many_arguments)]
fn uninsured(
    tables: &CopayTables,
    m: &Month,
    period: &Period,
    v: &MonthVisit,
    claims: &[PublicExpenseClaim],
    ctx: &VisitCtx,
    st: &mut State,
    unit_yen: i64,
) -> Result<VisitResult, CopayError> {
    let _ = (m, period);
    let rnd = tables
        .rounding_at(v.date)
        .ok_or_else(|| CopayError::NoTable {
            what: "rounding table".into(),
            month: v.date.format("%Y-%m").to_string(),
            key: String::new(),
            note: String::new(),
        })?;
    let cost = yen_from_points(v.points, rnd.yen_per_point).ok_or_else(|| CopayError::Invalid {
        field: "points".into(),
        message: format!("{} is out of range", v.points),
    })?;
    let mut progs = Vec::with_capacity(claims.len());
    for (i, c) in claims.iter().enumerate() {
        let p = tables
            .programme_for(&c.law, v.date, InsurerScope::None)
            .ok_or_else(|| CopayError::Invalid {
                field: format!("public[{i}]"),
                message: format!(
                    "法別番号 \"{}\" has no programme in force on {} for a patient without insurance",
                    c.law, v.date
                ),
            })?;
        if p.local_rules.in_kind_up_to.is_some() {
            return Err(CopayError::Invalid {
                field: format!("public[{i}]"),
                message: format!(
                    "法別番号 \"{}\": in_kind_up_to (償還 above a threshold) is not worked for a patient without insurance",
                    c.law
                ),
            });
        }
        progs.push((i, c, p));
    }
    support::sort::sort_by_key(&mut progs, |(i, _, p)| (p.priority, *i));
    let mut remaining = cost;
    let mut pays = Vec::with_capacity(progs.len());
    for (i, c, p) in &progs {
        let percent = c.rate_percent.or(p.patient_percent).unwrap_or(0);
        let mut pay = window_share(cost, percent, unit_yen).min(remaining);
        if let Some(cap) = c.monthly_cap.or(p.monthly_cap) {
            pay = pay.min((cap - c.already_paid).max(0));
        }
        if let Some(pv) = p.per_visit_cap {
            let today = ctx.paid_today.get(*i).copied().unwrap_or(0);
            pay = pay.min(if ctx.counts_as_day {
                pv
            } else {
                (pv - today).max(0)
            });
        }
        pays.push(PublicPay {
            law: p.law.clone(),
            amount: remaining - pay,
        });
        record(st, v, &p.law, pay, Some(p));
        remaining = pay;
    }
    Ok(VisitResult {
        date: v.date,
        points: v.points,
        insurance: Insurer::None.name(),
        public: v.public.clone(),
        medical_cost: cost,
        rate: None,
        limit: None,
        copayment: cost,
        insurer_pays: 0,
        public_pays: pays,
        rounding_difference: 0,
        reduction: None,
        meal_charge: 0,
        window_payment: remaining,
        paid: v.paid,
        balance: remaining - v.paid,
        detail: None,
    })
}
