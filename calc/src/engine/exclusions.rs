//! Step 5c: 背反 — pairs on this claim (同時, 1日) and against the history (同一月, 1週, 1日), from
//! the 電子点数表 背反 tables. An input line refused is an error; an automatic add-on refused is
//! removed with a warning.
//!
//! Linear in the claim: partners are found through an index of the lines by code, and a code
//! refused on several lines, or against several partners, gives one error that names them
//! (capped) and counts the lines.

use super::facts::Facts;
use super::limits::{month_index, week_index};
use super::notes::{trace, Notes};
use super::work::{capped_list, ByCode, Work, LIST_CAP};
use crate::text::{Arg, Text};
use crate::{lit, tx};
use masters::tables::{ExclusionKind, ExclusionScope, TableKind};
use masters::Code;
use std::collections::{HashMap, HashSet};

/// `by_code`: the positions of `work`'s lines by code ([`ByCode::new`] of `work`).
pub(crate) fn exclusions<'a>(
    f: &Facts<'a>,
    n: &mut Notes,
    work: &mut [Work<'a>],
    by_code: &ByCode,
) {
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
    // The history's dates by code: `(code, date)` sorted, found by binary search.
    let mut history_dates: Vec<(Code, chrono::NaiveDate)> =
        history.iter().map(|h| (h.code, h.date.0)).collect();
    history_dates.sort_unstable();
    let dates_of = |c: Code| {
        let start = history_dates.partition_point(|&(x, _)| x < c);
        history_dates[start..]
            .iter()
            .take_while(move |&&(x, _)| x == c)
            .map(|&(_, d)| d)
    };
    let mut refused: HashMap<Code, Refused> = HashMap::new();
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
            let on_claim = by_code
                .of(other)
                .any(|j| j != i && !work[j].removed && (r.kind != ExclusionKind::Either || j < i));
            let conflict = on_claim
                || match r.scope {
                    ExclusionScope::SameTime => false,
                    ExclusionScope::SameDay => dates_of(other).any(|d| d == date),
                    ExclusionScope::SameMonth => {
                        dates_of(other).any(|d| month_index(d) == month_index(date))
                    }
                    ExclusionScope::Week => {
                        dates_of(other).any(|d| week_index(d) == week_index(date))
                    }
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
            if work[i].input.is_some() {
                if let Some(prev) = refused.get_mut(&ci) {
                    // The code is refused already: count the line, name a new partner once.
                    prev.lines += 1;
                    if prev.seen.insert(other) && prev.partners.len() <= LIST_CAP {
                        prev.partners.push(other);
                    }
                    break;
                }
            }
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
                refused.insert(
                    ci,
                    Refused {
                        error: n.errors.len(),
                        first: msg,
                        partners: vec![other],
                        seen: HashSet::from([other]),
                        lines: 1,
                    },
                );
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
    // A code refused on several lines or against several partners: one error for them all.
    for r in refused.values().filter(|r| r.lines > 1 || r.seen.len() > 1) {
        let mut extra = String::new();
        if r.seen.len() > 1 {
            let also: Vec<String> = r.partners[1..].iter().map(|c| c.to_string()).collect();
            let mut list = capped_list(&also);
            if r.seen.len() - 1 > also.len() {
                list = format!(
                    "{} and {} more",
                    also.join(", "),
                    r.seen.len() - 1 - also.len()
                );
            }
            extra.push_str(&format!("; also with {list}"));
        }
        if r.lines > 1 {
            extra.push_str(&format!("; {} lines of this code refused", r.lines));
        }
        let extra = n.t.own(extra);
        n.errors[r.error] = tx!(n.t, "{}{}", r.first, extra);
    }
}

/// An input code refused by 背反: its error, the partners found (the first [`LIST_CAP`] + 1
/// kept, all counted) and the lines refused.
struct Refused {
    error: usize,
    first: Text,
    partners: Vec<Code>,
    seen: HashSet<Code>,
    lines: usize,
}
