//! Items the 告示 allows for an inpatient only after a 手術 (`[[inpatient_only_if]]` of
//! `rules/data/inpatient/`, e.g. 創傷処置 １ within 14 days of the operation; the master says
//! 入外適用区分 0): the stay's operation days (lines whose 告示区分 letter is the rule's, from the
//! 起算日 on: the history and the month's days), and the refusal of a line no operation covers.

use super::Engine;
use crate::inpatient::InpatientMonth;
use chrono::NaiveDate;
use masters::Code;

/// The operation days of the stay, by 告示区分 letter (sorted, without repeats).
#[derive(Default)]
pub(super) struct Operations {
    by_kubun: Vec<(String, Vec<NaiveDate>)>,
}

fn is_kubun(e: &Engine, code: Code, date: NaiveDate, kubun: &str) -> bool {
    e.data()
        .lookup(code, date)
        .is_ok_and(|x| x.record().code_alpha == kubun)
}

/// The codes of a day's items (剤 lines included).
fn day_codes(d: &crate::inpatient::Day) -> impl Iterator<Item = Code> + '_ {
    d.items.iter().flat_map(|it| {
        it.code
            .into_iter()
            .chain(it.lines.iter().flatten().map(|l| l.code))
    })
}

/// The operation days of the stay for every letter the rules name (none looked for when no
/// day of the month has a code the rules limit).
pub(super) fn operations(e: &Engine, m: &InpatientMonth, reck: NaiveDate) -> Operations {
    let mut ops = Operations::default();
    let limited = m
        .days
        .iter()
        .any(|d| day_codes(d).any(|c| e.inpatient.only_if(c, d.date.0).is_some()));
    if !limited {
        return ops;
    }
    for r in &e.inpatient.rules.inpatient_only_if {
        if ops.by_kubun.iter().any(|(k, _)| *k == r.operation_kubun) {
            continue;
        }
        let mut days: Vec<NaiveDate> = Vec::new();
        let history = m
            .history
            .iter()
            .filter(|h| h.date.0 >= reck)
            .map(|h| (h.code, h.date.0));
        let month = m
            .days
            .iter()
            .flat_map(|d| day_codes(d).map(move |c| (c, d.date.0)));
        for (code, date) in history.chain(month) {
            if is_kubun(e, code, date, &r.operation_kubun) {
                days.push(date);
            }
        }
        days.sort_unstable();
        days.dedup();
        ops.by_kubun.push((r.operation_kubun.clone(), days));
    }
    ops
}

/// Why a line of `code` on `date` is refused, or `None` when it may be claimed.
pub(super) fn refusal(e: &Engine, ops: &Operations, code: Code, date: NaiveDate) -> Option<String> {
    let r = &e.inpatient.rules.inpatient_only_if[e.inpatient.only_if(code, date)?];
    let days = ops
        .by_kubun
        .iter()
        .find(|(k, _)| *k == r.operation_kubun)
        .map_or(&[][..], |(_, d)| d.as_slice());
    // The latest operation on or before the date; its day is day 1.
    let last = days.iter().rev().find(|&&d| d <= date).copied();
    match last {
        Some(op) => {
            let n = (date - op).num_days() + 1;
            if n <= i64::from(r.after_operation_days) {
                None
            } else {
                Some(format!(
                    "{}: for an inpatient only within {} days of a 手術 (the operation day is day 1); the last 手術 (告示区分 {}) of the stay was on {op}, this is day {n} ({})",
                    r.name, r.after_operation_days, r.operation_kubun, r.source
                ))
            }
        }
        None => Some(format!(
            "{}: for an inpatient only within {} days of a 手術; the stay has no 手術 (告示区分 {}) on or before {date} ({})",
            r.name, r.after_operation_days, r.operation_kubun, r.source
        )),
    }
}
