//! Step 5c: 背反 — pairs on this claim (同時, 1日) and against the history (同一月, 1週, 1日), from
//! the 電子点数表 背反 tables. An input line refused is an error; an automatic add-on refused is
//! removed with a warning.

use super::facts::Facts;
use super::limits::{month_index, week_index};
use super::notes::{trace, Notes};
use super::work::Work;
use crate::text::Arg;
use crate::{lit, tx};
use masters::tables::{ExclusionKind, ExclusionScope, TableKind};
use masters::Code;

pub(crate) fn exclusions<'a>(f: &Facts<'a>, n: &mut Notes, work: &mut [Work<'a>]) {
    let date = f.date;
    let tables = &f.data().tables;
    let history = &f.claim.history;
    let mut missing_noted = false;
    // Codes present on this claim or in the history: a rule whose other code is absent
    // cannot conflict (most codes have hundreds of 背反 rows).
    let mut present: Vec<Code> = Vec::with_capacity(work.len() + history.len());
    present.extend(
        work.iter()
            .filter_map(|l| l.line.code)
            .chain(history.iter().map(|h| h.code)),
    );
    present.sort_unstable();
    present.dedup();
    let same_day_loaded = tables.has(TableKind::ExclusionSameDay);
    for i in 0..work.len() {
        let Some(ci) = work[i].line.code else {
            continue;
        };
        if work[i].removed {
            continue;
        }
        // A missing 1日 table, when the 補助 table says this code has 1日 背反 relations.
        if !same_day_loaded && !missing_noted {
            if let Some(aux) = tables
                .auxiliary
                .get(&ci)
                .and_then(|v| v.iter().find(|a| a.period.contains(date)))
            {
                if aux.exclusion_flags[0] {
                    n.warnings.push(tx!(
                        n.t,
                        "背反 (1日) not checked for {}: table 03-1背反テーブル1 is not loaded",
                        ci
                    ));
                    missing_noted = true;
                }
            }
        }
        let Some(list) = tables.exclusion_list(ci) else {
            continue;
        };
        for r in list.against(&present, date) {
            let other = if r.first == ci { r.second } else { r.first };
            if other == ci {
                continue;
            }
            let i_is_first = r.first == ci;
            // Which side may be claimed: the other side is refused.
            let refuse_i = match r.kind {
                ExclusionKind::FirstMay => !i_is_first,
                ExclusionKind::SecondMay => i_is_first,
                ExclusionKind::Either => true,
            };
            if !refuse_i {
                continue;
            }
            let on_claim = work.iter().enumerate().any(|(j, l)| {
                j != i
                    && !l.removed
                    && l.line.code == Some(other)
                    && (r.kind != ExclusionKind::Either || j < i)
            });
            let conflict = on_claim
                || match r.scope {
                    ExclusionScope::SameTime => false,
                    ExclusionScope::SameDay => {
                        history.iter().any(|h| h.code == other && h.date.0 == date)
                    }
                    ExclusionScope::SameMonth => history
                        .iter()
                        .any(|h| h.code == other && month_index(h.date.0) == month_index(date)),
                    ExclusionScope::Week => history
                        .iter()
                        .any(|h| h.code == other && week_index(h.date.0) == week_index(date)),
                };
            if !conflict {
                continue;
            }
            let scope = match r.scope {
                ExclusionScope::SameDay => "1日",
                ExclusionScope::SameMonth => "同一月",
                ExclusionScope::SameTime => "同時",
                ExclusionScope::Week => "1週",
            };
            let kind = match r.kind {
                ExclusionKind::FirstMay => "FirstMay",
                ExclusionKind::SecondMay => "SecondMay",
                ExclusionKind::Either => "Either",
            };
            let src = tx!(n.t, "{}", Arg::Src(&r.source.file, r.source.line as u32));
            let msg = tx!(
                n.t,
                "{} {} refused: 背反 ({}) with {} (背反区分 {}; {})",
                ci,
                work[i].name,
                scope,
                other,
                kind,
                src
            );
            if work[i].input.is_some() {
                n.errors.push(msg);
            } else {
                n.warnings.push(msg);
                work[i].removed = true;
            }
            trace!(
                n,
                lit!("exclusion"),
                tx!(n.t, "{} × {} ({})", ci, other, scope),
                src,
                msg,
            );
            break;
        }
    }
}
