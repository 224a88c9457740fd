//! The month's settlement per combination: its sums, the 高額療養費 paid in kind, refunds of a
//! local programme (above `in_kind_up_to` or `full_refund_above`) and the month's totals.

use super::input::{Insurer, Month};
use super::{add_pay, Settlement, Totals, VisitResult};
use crate::copay::rounding::window_share;
use rules::copay::CopayTables;
use std::collections::HashSet;

/// A visit's benefit a programme would have paid in kind (per 法別), refunded after the month
/// when the month passes its `in_kind_up_to`.
pub(super) type Benefits = Vec<(String, i64)>;

/// Sums per combination, the 高額療養費 in kind, refunds above a threshold, and the totals.
pub(super) fn settle(
    tables: &CopayTables,
    m: &Month,
    visits: &[VisitResult],
    benefits: &[Benefits],
    withdrawn: &HashSet<String>,
) -> (Vec<Settlement>, Totals) {
    let mut out: Vec<Settlement> = Vec::new();
    let mut t = Totals::default();
    for (v, mv) in visits.iter().zip(&m.visits) {
        let pi = m.period_of(v.date);
        let from = m.periods[pi].from;
        let i = match out
            .iter()
            .position(|s| s.from == from && s.public == v.public)
        {
            Some(i) => i,
            None => {
                out.push(Settlement {
                    insurance: v.insurance,
                    from,
                    public: v.public.clone(),
                    visits: 0,
                    days: 0,
                    points: 0,
                    medical_cost: 0,
                    insurer_pays: 0,
                    high_cost: 0,
                    copayment: 0,
                    public_pays: Vec::new(),
                    refunds: Vec::new(),
                    rounding_difference: 0,
                    reduction: 0,
                    meal_charge: 0,
                    patient_pays: 0,
                });
                out.len() - 1
            }
        };
        let s = &mut out[i];
        s.visits += 1;
        s.days += u32::from(mv.counts_as_day);
        s.points += v.points;
        s.medical_cost += v.medical_cost;
        s.insurer_pays += v.insurer_pays;
        s.rounding_difference += v.rounding_difference;
        let reduced = v.reduction.as_ref().map_or(0, |r| r.amount);
        // (A visit with its detail was priced, so its date has a rounding table.)
        if let (Some(rate), Some(d), Some(rnd)) = (v.rate, &v.detail, tables.rounding_at(v.date)) {
            let pct = percent_of(rate);
            if d.insurer_pays - d.rounding_difference > 0 {
                s.high_cost +=
                    (window_share(v.medical_cost, pct, rnd.window_unit_yen) - v.copayment).max(0);
            }
        }
        s.copayment += v.copayment;
        for p in &v.public_pays {
            add_pay(&mut s.public_pays, &p.law, p.amount);
        }
        s.reduction += reduced;
        s.meal_charge += v.meal_charge;
        s.patient_pays += v.window_payment;
        t.window_payments += v.window_payment;
        t.paid += v.paid;
        if v.reduction.as_ref().is_some_and(|r| r.kind == "deferral") {
            t.deferred += reduced;
        }
    }
    for (v, b) in visits.iter().zip(benefits) {
        let from = m.periods[m.period_of(v.date)].from;
        let Some(s) = out
            .iter_mut()
            .find(|s| s.from == from && s.public == v.public)
        else {
            continue;
        };
        // 償還払い of a programme whose month passed its in_kind_up_to: what it would have paid
        // in kind on every visit of the month, refunded after the month.
        for (law, amount) in b.iter().filter(|(l, a)| *a != 0 && withdrawn.contains(l)) {
            add_pay(&mut s.public_pays, law, *amount);
            add_pay(&mut s.refunds, law, *amount);
            s.patient_pays -= amount;
            t.refunds += amount;
        }
    }
    for s in &mut out {
        for law in s.public.clone() {
            let insurer = m
                .periods
                .iter()
                .find(|p| p.from == s.from)
                .map_or(Insurer::None, |p| p.insurer);
            let p = tables.programme_for(&law, s.from.max(m.month), insurer.scope());
            let Some(limit) = p.and_then(|p| p.local_rules.full_refund_above) else {
                continue;
            };
            let medical = s.patient_pays - s.meal_charge;
            if medical > limit {
                add_pay(&mut s.public_pays, &law, medical);
                add_pay(&mut s.refunds, &law, medical);
                s.patient_pays -= medical;
                t.refunds += medical;
            }
        }
        t.medical_cost += s.medical_cost;
        t.insurer_pays += s.insurer_pays;
        t.rounding_difference += s.rounding_difference;
        t.meal_charge += s.meal_charge;
        for p in &s.public_pays {
            add_pay(&mut t.public_pays, &p.law, p.amount);
        }
    }
    t.patient_pays = t.window_payments - t.refunds;
    t.balance = t.window_payments - t.paid;
    (out, t)
}

/// A 負担割合 as a whole percent (0.3 → 30).
pub(super) fn percent_of(rate: rust_decimal::Decimal) -> u32 {
    rust_decimal::prelude::ToPrimitive::to_u32(&(rate * rust_decimal::Decimal::ONE_HUNDRED))
        .unwrap_or(0)
}
