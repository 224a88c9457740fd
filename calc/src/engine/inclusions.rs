//! Step 4c: 包括 by the official 02包括テーブル (with 01補助マスターテーブル), when the user
//! loads them (santei does not hold them). A line whose code is a child of a group its parent
//! includes, with the parent on this claim (包括単位 １日につき, 同時, 手術前１週間, １手術につき) or on
//! this claim or in the history of the same month (同一月内), is priced 0 with the group as the
//! reason (「含まれる」: 医科電子点数表の活用手引き §4 (1), denshi-tensuhyo-guide-ika-R06.txt:2430-2760).
//! A row with 特例条件 = 1 is not applied: its condition is in the 告示/通知, so the engine
//! warns that it cannot decide.

use super::facts::Facts;
use super::notes::{trace, Notes};
use super::work::Work;
use crate::tx;
use chrono::Datelike;
use masters::{BundleUnit, Code, TableKind};
use rust_decimal::Decimal;

pub(crate) fn official_inclusions<'a>(f: &Facts<'a>, n: &mut Notes, work: &mut [Work<'a>]) {
    let tables = &f.data().tables;
    if !tables.has(TableKind::Bundle) || !tables.has(TableKind::Auxiliary) {
        return;
    }
    let date = f.date;
    let mut on_claim: Vec<Code> = work
        .iter()
        .filter(|l| !l.removed)
        .filter_map(|l| l.line.code)
        .collect();
    on_claim.sort_unstable();
    on_claim.dedup();
    let mut in_month: Vec<Code> = f
        .claim
        .history
        .iter()
        .filter(|h| {
            h.date.0 <= date && h.date.0.year() == date.year() && h.date.0.month() == date.month()
        })
        .map(|h| h.code)
        .collect();
    in_month.sort_unstable();
    in_month.dedup();
    for w in 0..work.len() {
        let Some(child) = work[w].line.code else {
            continue;
        };
        if work[w].removed || work[w].line.subtotal == Decimal::ZERO {
            continue;
        }
        for inc in tables.including(child, date) {
            if inc.parent == child {
                continue;
            }
            let here = on_claim.binary_search(&inc.parent).is_ok();
            let found = here
                || (inc.unit == BundleUnit::Month && in_month.binary_search(&inc.parent).is_ok());
            if !found {
                continue;
            }
            let src = tx!(
                n.t,
                "{}",
                crate::text::Arg::Src(&inc.row.source.file, inc.row.source.line as u32)
            );
            if inc.row.special {
                n.warnings.push(tx!(
                    n.t,
                    "{} {}: included in {} ({}, group {}) under a condition (特例条件 1) of the 告示/通知 santei cannot check; charged as claimed ({})",
                    child,
                    work[w].line.name,
                    inc.parent,
                    inc.unit.label(),
                    inc.group,
                    src
                ));
                break;
            }
            let rule = tx!(n.t, "02包括:{}", inc.group);
            let l = &mut work[w].line;
            l.points = Decimal::ZERO;
            l.subtotal = Decimal::ZERO;
            l.rule = rule;
            trace!(
                n,
                rule,
                tx!(n.t, "{} with {} ({})", child, inc.parent, inc.unit.label()),
                src,
                tx!(n.t, "{} is included in {}: priced 0", child, inc.parent),
            );
            break;
        }
    }
}
