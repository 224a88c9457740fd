//! Step 4: the 高額療養費 limit that applies at the window (自己負担限度額), and the share after
//! it: 特定疾病 (マル長), the 後期 2割 配慮措置, or the income category's table (by the public
//! programmes' combined-limit policy, the certificate, 多数回 and the 75歳到達月 halving).

use super::age::AgeFacts;
use super::context::{bad, no_table, step, Claim, Trace};
use super::input::{Setting, SpecificDisease};
use super::public::Resolved;
use super::rounding::{excess_term, round_half_yen};
use super::CopayError;
use crate::text::{Arg, Text};
use crate::{lit, tx};
use chrono::Datelike;
use rules::copay::{
    CombinedLimit, CopayTables, IncomeCategory, LimitAgeGroup, LimitCategory, LimitComponent,
    RateGroup, Timing,
};

fn component_name(c: LimitComponent) -> &'static str {
    match c {
        LimitComponent::Monthly => "Monthly",
        LimitComponent::Outpatient => "Outpatient",
        LimitComponent::Household => "Household",
    }
}

/// 75歳到達月 (unless born on the 1st, or already on 後期 by 障害認定: no change of insurer).
pub(super) fn birthday_month(f: &AgeFacts, c: &Claim) -> bool {
    (f.kouki_from.year(), f.kouki_from.month()) == (c.date.year(), c.date.month())
        && f.kouki_from.day() != 1
        && !c.patient.kouki_by_disability
}

/// The share after the limit: `min(share, limit − already charged this month)`.
pub(super) fn apply(c: &Claim, limit: Option<i64>, share: i64, trace: &mut Trace) -> i64 {
    let share = if c.outer_after_national {
        share // bounded after the national programmes (run.rs)
    } else {
        outer(c, share, trace)
    };
    let Some(l) = limit else {
        return share;
    };
    let remaining = (l - c.mtd.patient_share).max(0);
    let v = share.min(remaining);
    step!(
        trace,
        "apply limit",
        tx!(
            trace.t,
            "share {}, limit {}, already charged this month {}",
            share,
            l,
            c.mtd.patient_share
        ),
        lit!("patient pays min(share, limit − already charged); the insurer pays the excess (現物給付)"),
        lit!("copayment.md §3.3, §6"),
        tx!(trace.t, "{}", v),
    );
    v
}

/// Inside a month: the limit of the insurance part across every combination of the month
/// (what it still leaves after the earlier visits' 一部負担金), before the combination's own.
pub(super) fn outer(c: &Claim, share: i64, trace: &mut Trace) -> i64 {
    let Some(left) = c.outer_remaining else {
        return share;
    };
    let v = share.min(left.max(0));
    step!(
        trace,
        "apply limit",
        tx!(trace.t, "share {}, the month's limit across combinations leaves {}", share, left),
        lit!("one 高額療養費 limit per insurer, facility, month and 入院/外来 on the parts the month's 合算 counts (the patient's own 区分, or the 公費併用 limit where that is higher; under 70 a part counts from the 合算 threshold of 41条1項1号; a 公費 part with what the patient paid there, from 70 where the tables say so)"),
        lit!("copayment.md §3.3, §6; 健康保険法施行令41条1項・1項1号"),
        tx!(trace.t, "{}", v),
    );
    v
}

/// The halving of the 75歳到達月: the divisor and its words in the trace.
struct Halving {
    divisor: i64,
    text: Text,
}

/// The limit at the window, or `None` when none applies there.
#[allow(clippy::too_many_arguments)]
pub(super) fn decide(
    tables: &CopayTables,
    c: &Claim,
    group: RateGroup,
    rate: u32,
    cost: i64,
    birthday_month: bool,
    progs: &[Resolved<'_, '_>],
    trace: &mut Trace,
) -> Result<Option<i64>, CopayError> {
    let cum_cost = c.mtd.medical_cost + cost;
    let divisor = if birthday_month {
        high_cost_rules(tables, c)?.birthday_month_divisor
    } else {
        1
    };
    let h = Halving {
        divisor,
        text: if birthday_month {
            tx!(trace.t, " ÷ {} (75歳到達月)", divisor)
        } else {
            lit!("")
        },
    };
    if c.patient.specific_disease != SpecificDisease::None {
        return specific_disease(tables, c, group, &h, trace).map(Some);
    }
    let after: Vec<&Resolved> = progs
        .iter()
        .filter(|r| r.programme.timing == Timing::AfterInsurance)
        .collect();
    if let Some(amount) = kouki_measure(
        tables,
        c,
        group,
        rate,
        cum_cost,
        birthday_month,
        &after,
        &h,
        trace,
    ) {
        return Ok(Some(amount));
    }
    table_limit(tables, c, group, cum_cost, &after, &h, trace)
}

fn high_cost_rules<'t>(
    tables: &'t CopayTables,
    c: &Claim,
) -> Result<&'t rules::copay::HighCostRules, CopayError> {
    tables.high_cost_rules_at(c.date).ok_or_else(|| {
        no_table(
            "high-cost rules (多数回 / 到達月)",
            c.date,
            String::new(),
            String::new(),
        )
    })
}

fn limit_age_group(group: RateGroup) -> LimitAgeGroup {
    match group {
        RateGroup::Preschool | RateGroup::Under70 => LimitAgeGroup::Under70,
        _ => LimitAgeGroup::SeventyPlus,
    }
}

/// 特定疾病 (マル長): one limit per facility per month.
fn specific_disease(
    tables: &CopayTables,
    c: &Claim,
    group: RateGroup,
    h: &Halving,
    trace: &mut Trace,
) -> Result<i64, CopayError> {
    let p = c.patient;
    let cat = p.income_category;
    let row = tables
        .specific_disease_at(c.date)
        .ok_or_else(|| no_table("特定疾病 limit", c.date, String::new(), String::new()))?;
    let upper = limit_age_group(group) == LimitAgeGroup::Under70
        && row.dialysis_upper_categories.contains(&cat);
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
    } / h.divisor;
    step!(
        trace,
        "high-cost limit",
        format!("特定疾病 {:?}, 区分{cat}", p.specific_disease),
        tx!(
            trace.t,
            "特定疾病療養 (マル長) limit per facility per month{}",
            h.text
        ),
        &row.source,
        tx!(trace.t, "limit {}", amount),
    );
    Ok(amount)
}

/// 後期 2割 配慮措置 (外来, 保険単独), when it applies.
#[allow(clippy::too_many_arguments)]
fn kouki_measure(
    tables: &CopayTables,
    c: &Claim,
    group: RateGroup,
    rate: u32,
    cum_cost: i64,
    birthday_month: bool,
    after: &[&Resolved<'_, '_>],
    h: &Halving,
    trace: &mut Trace,
) -> Option<i64> {
    let cat = c.patient.income_category;
    if group != RateGroup::Kouki
        || c.without_kouki_measure
        || c.setting != Setting::Outpatient
        || after
            .iter()
            .any(|r| !r.programme.local_rules.keeps_kouki_measure)
        || !cat.is_ippan()
    {
        return None;
    }
    let m = tables.kouki_measure_at(c.date)?;
    if rate != m.rate_percent {
        return None;
    }
    let cap = m.outpatient_cap / h.divisor;
    let amount = if cum_cost >= m.applies_from_cost {
        let eased = round_half_yen(cum_cost * i64::from(m.base_percent)) + m.increase_cap;
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
    Some(amount)
}

/// Whether the limit applies only because a local programme pays up to it without a
/// certificate (under 70, no certificate, no 公費併用 limit): the share above the limit is then
/// the patient's at the window, not the insurer's in kind.
pub(super) fn excess_to_patient(c: &Claim, group: RateGroup, progs: &[Resolved<'_, '_>]) -> bool {
    let p = c.patient;
    !p.limit_certificate
        && limit_age_group(group) == LimitAgeGroup::Under70
        && p.specific_disease == SpecificDisease::None
        && progs
            .iter()
            .any(|r| r.programme.local_rules.limit_without_certificate)
        && progs.iter().all(|r| {
            r.programme.timing == Timing::AfterInsurance
                && (r.programme.combined_limit == CombinedLimit::None
                    || r.programme.local_rules.combined_limit_needs_certificate)
        })
}

/// Which category's table applies, and why (the programmes' combined-limit policy, the
/// certificate); `None` when under 70 without a certificate (no limit at the window).
fn category(
    c: &Claim,
    group: RateGroup,
    after: &[&Resolved<'_, '_>],
    trace: &mut Trace,
) -> Option<(LimitCategory, Text)> {
    let p = c.patient;
    let cat = p.income_category;
    let policy = [
        CombinedLimit::Welfare,
        CombinedLimit::OwnCategory,
        CombinedLimit::IncomeIndependent,
    ]
    .into_iter()
    .find(|pol| {
        after.iter().any(|r| {
            r.programme.combined_limit == *pol
                && (p.limit_certificate
                    || !r.programme.local_rules.combined_limit_needs_certificate)
        })
    })
    .unwrap_or(CombinedLimit::None);
    // A local programme may apply the limit at the window without a certificate.
    let certificate = p.limit_certificate
        || after
            .iter()
            .any(|r| r.programme.local_rules.limit_without_certificate);
    let table_cat = |c: IncomeCategory| match c {
        IncomeCategory::Ippan1 | IncomeCategory::Ippan2 => IncomeCategory::Ippan,
        other => other,
    };
    let label = cat.label();
    Some(match policy {
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
            if limit_age_group(group) == LimitAgeGroup::Under70 {
                if !certificate {
                    step!(
                        trace,
                        "high-cost limit",
                        tx!(trace.t, "under 70, 区分{}, no 限度額適用認定証 / マイナ consent", label),
                        lit!("under 70 the limit applies at the window only with a certificate or マイナ保険証 consent; otherwise the insurer refunds later"),
                        lit!("copayment.md §3.3; 健康保険法施行令43条"),
                        lit!("no limit at the window"),
                    );
                    return None;
                }
                (
                    LimitCategory::Income(cat),
                    tx!(trace.t, "区分{} with certificate", label),
                )
            } else if !certificate
                && matches!(
                    cat,
                    IncomeCategory::Genekinami1 | IncomeCategory::Genekinami2
                )
            {
                (
                    LimitCategory::Income(IncomeCategory::Genekinami3),
                    tx!(trace.t, "{} without certificate → 現役並みⅢ formula", label),
                )
            } else if !certificate && cat.is_low_income() {
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
    })
}

/// The limit from the category's table: 多数回, or the base (+ the 1% excess term).
#[allow(clippy::too_many_arguments)]
fn table_limit(
    tables: &CopayTables,
    c: &Claim,
    group: RateGroup,
    cum_cost: i64,
    after: &[&Resolved<'_, '_>],
    h: &Halving,
    trace: &mut Trace,
) -> Result<Option<i64>, CopayError> {
    let p = c.patient;
    let age_group = limit_age_group(group);
    let Some((lcat, why)) = category(c, group, after, trace) else {
        return Ok(None);
    };
    let component = match (age_group, c.setting) {
        (LimitAgeGroup::Under70, _) => LimitComponent::Monthly,
        (_, Setting::Outpatient) => LimitComponent::Outpatient,
        (_, Setting::Inpatient) => LimitComponent::Household,
    };
    let many_after = high_cost_rules(tables, c)?.many_times_after;
    let Some(row) = tables.limit_at(c.date, age_group, lcat, component) else {
        return unconfirmed(
            tables, c, age_group, lcat, component, many_after, why, h, trace,
        )
        .map(Some);
    };
    let many = match row.many {
        Some(m) if p.high_cost_count >= many_after => Some(m),
        _ => None,
    };
    let (amount, formula) = if let Some(m) = many {
        (m / h.divisor, tx!(trace.t, "多数回 {}{}", m, h.text))
    } else {
        let base = row.base / h.divisor;
        match (row.threshold, row.excess_percent) {
            (Some(t), Some(e)) => {
                let t = t / h.divisor;
                (
                    base + excess_term(cum_cost, t, e),
                    tx!(
                        trace.t,
                        "{} + (医療費 − {}) × {}% (50銭 rule){}",
                        base,
                        t,
                        e,
                        h.text
                    ),
                )
            }
            _ => (base, tx!(trace.t, "{}{}", row.base, h.text)),
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
    Ok(Some(amount))
}

/// No confirmed row for the date: a 多数回 month is still known when only the formula is
/// unconfirmed and the 多数回 amounts are unchanged; otherwise an error naming what is missing.
#[allow(clippy::too_many_arguments)]
fn unconfirmed(
    tables: &CopayTables,
    c: &Claim,
    age_group: LimitAgeGroup,
    lcat: LimitCategory,
    component: LimitComponent,
    many_after: u32,
    why: Text,
    h: &Halving,
    trace: &mut Trace,
) -> Result<i64, CopayError> {
    let p = c.patient;
    let unconfirmed = tables.unconfirmed_limit_at(c.date, age_group, lcat, component);
    if let Some((u, as_on)) = unconfirmed.and_then(|u| u.many_as_on.map(|d| (u, d))) {
        let before = tables.limit_at(as_on, age_group, lcat, component);
        if let Some(m) = before
            .and_then(|r| r.many)
            .filter(|_| p.high_cost_count >= many_after)
        {
            let amount = m / h.divisor;
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
                    h.text,
                    as_on,
                    &u.note
                ),
                &u.source,
                tx!(trace.t, "limit {}", amount),
            );
            return Ok(amount);
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
    Err(no_table(
        "high-cost table",
        c.date,
        format!("{age} 区分{lcat}{comp}"),
        note,
    ))
}
