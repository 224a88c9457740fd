//! Step 5: the checks on the lines still charged — `requires`, `conflicts`, `not_within`,
//! `time`. What a rule needs or conflicts with is read from every line on the receipt
//! (a test in a まるめ was still done) and the history of the scope.

use super::state::State;
use super::*;
use crate::receipt::{semantics::time_holds, Clock, Effect};

/// The standard 休日 rule of the calendar, which `not_within` periods use (README.md,
/// `not_within`: `Period::allowed(…, "kyujitsu")`).
const PERIOD_HOLIDAY_RULE: &str = "kyujitsu";

impl<'r> State<'r, '_, '_, '_, '_> {
    /// A broken check's effect on claim line `lines[0]` (the others are named with it).
    fn effect(&mut self, effect: Effect, lines: Vec<usize>, rule: Cited<'r>, why: Why) {
        match effect {
            Effect::Error | Effect::DropAuto => {
                self.findings.push(Finding::Refuse { lines, rule, why })
            }
            Effect::Warn => self.findings.push(Finding::Warn { lines, rule, why }),
            Effect::Zero => {
                let line = lines[0];
                self.uncharge(line);
                self.findings.push(Finding::Zero { line, rule });
            }
        }
    }
}

fn with_claim(i: usize, other: LineRef) -> Vec<usize> {
    match other {
        LineRef::Claim(o) => vec![i, o],
        LineRef::History(_) => vec![i],
    }
}

/// `requires`: a charged line of `code` needs a line of one of `needs` in scope (with the
/// same master field when `same` is given).
pub(super) fn requires(st: &mut State) {
    for j in st.candidates(RuleKind::Requires) {
        let k = st.candidate(j);
        let r = &st.rules.requires[k];
        let subjects = st.charged_in(&r.code);
        if subjects.is_empty() {
            continue;
        }
        let mut needed: Vec<LineRef> = Vec::new();
        for n in &r.needs {
            st.in_scope_present_into(r.scope, n, &mut needed);
        }
        for i in subjects {
            let facts = &st.lines[i].facts;
            let ok = needed.iter().any(|&l| {
                l != LineRef::Claim(i)
                    && r.same.is_none_or(|f| {
                        let other = match l {
                            LineRef::Claim(j) => &st.lines[j].facts,
                            LineRef::History(h) => &st.history[h].facts,
                        };
                        f.value(other) == f.value(facts)
                    })
            });
            if !ok {
                let rule = st.cite(RuleKind::Requires, k);
                let why = Why::Missing {
                    needs: r.needs.iter().map(String::from).collect(),
                };
                st.effect(r.effect, vec![i], rule, why);
            }
        }
    }
}

/// `conflicts` (other than `drop_auto`, step 1): a charged line of `a` with a line of `b`
/// in scope gets the effect.
pub(super) fn conflicts(st: &mut State) {
    for j in st.candidates(RuleKind::Conflicts) {
        let k = st.candidate(j);
        let r = &st.rules.conflicts[k];
        if r.effect == Effect::DropAuto {
            continue;
        }
        let b = st.in_scope_present(r.scope, &r.b);
        if b.is_empty() {
            continue;
        }
        for i in st.charged_in(&r.a) {
            if let Some(&other) = b.iter().find(|&&l| l != LineRef::Claim(i)) {
                let rule = st.cite(RuleKind::Conflicts, k);
                st.effect(r.effect, with_claim(i, other), rule, Why::With(other));
            }
        }
    }
}

/// `not_within`: a charged line of `code` within `period` of the latest line of `after` on
/// or before the date (this claim, the history, or `discharge_date` when `also_after` names
/// it): `Period::allowed` decides; `None` = cannot decide.
pub(super) fn not_within(st: &mut State) {
    for j in st.candidates(RuleKind::NotWithin) {
        let k = st.candidate(j);
        let r = &st.rules.not_within[k];
        let codes = st.charged_in(&r.code);
        if codes.is_empty() {
            continue;
        }
        // The latest `after` line: a claim line is on the date itself.
        let claim_after: Vec<usize> = st.present_in(&r.after);
        let hist_after = st
            .history_in(&r.after)
            .into_iter()
            .max_by_key(|&h| (st.history[h].date, h));
        for i in codes {
            let after: Option<(LineRef, NaiveDate)> = claim_after
                .iter()
                .find(|&&j| j != i)
                .map(|&j| (LineRef::Claim(j), st.date))
                .or_else(|| hist_after.map(|h| (LineRef::History(h), st.history[h].date)));
            let discharge = st
                .visit
                .discharge_date
                .filter(|d| *d <= st.date && r.also_after.iter().any(|f| f == "discharge_date"));
            let start = match (after, discharge) {
                (Some((_, a)), Some(d)) if d > a => Some((None, d)),
                (Some((l, a)), _) => Some((Some(l), a)),
                (None, Some(d)) => Some((None, d)),
                (None, None) => None,
            };
            let Some((line, from)) = start else {
                continue;
            };
            let rule = st.cite(RuleKind::NotWithin, k);
            match r.period.allowed(from, st.date, st.cal, PERIOD_HOLIDAY_RULE) {
                Some(true) => {}
                Some(false) => {
                    let why = match line {
                        Some(l) => Why::Within {
                            after: l,
                            date: from,
                        },
                        None => Why::AfterDischarge { date: from },
                    };
                    let lines = match line {
                        Some(l) => with_claim(i, l),
                        None => vec![i],
                    };
                    st.effect(r.effect, lines, rule, why);
                }
                None => st.findings.push(Finding::CannotDecide {
                    lines: vec![i],
                    rule: Some(rule),
                    why: Why::PeriodUndecided { date: from },
                }),
            }
        }
    }
}

/// `time`: a charged line of `codes` at a time of the class `when` (`time_holds`), at the
/// facility kind the rule names.
pub(super) fn times(st: &mut State) {
    for j in st.candidates(RuleKind::Time) {
        let k = st.candidate(j);
        let r = &st.rules.times[k];
        for i in st.charged_in(&r.codes) {
            let rule = st.cite(RuleKind::Time, k);
            if let Some(kind) = &r.facility_kind {
                match st.visit.facility_kind {
                    None => {
                        st.findings.push(Finding::CannotDecide {
                            lines: vec![i],
                            rule: Some(rule),
                            why: Why::FacilityKind {
                                expected: kind.clone(),
                                given: None,
                            },
                        });
                        continue;
                    }
                    Some(given) if given.name() != kind => {
                        let why = Why::FacilityKind {
                            expected: kind.clone(),
                            given: Some(given),
                        };
                        st.effect(r.effect, vec![i], rule, why);
                        continue;
                    }
                    Some(_) => {}
                }
            }
            let time = match r.clock {
                Clock::Visit => st.visit.time,
                Clock::Line => st.lines[i].time,
            };
            let check = time_holds(
                r.when,
                r.hours,
                st.date,
                time,
                st.visit.hours,
                st.cal,
                &r.holiday_rule,
            );
            match check {
                TimeCheck::Holds => {}
                TimeCheck::Fails(_) => st.effect(r.effect, vec![i], rule, Why::Time(check)),
                TimeCheck::CannotCheck(_) => st.findings.push(Finding::CannotDecide {
                    lines: vec![i],
                    rule: Some(rule),
                    why: Why::Time(check),
                }),
            }
        }
    }
}
