//! Step 5: frequency limits — the 算定回数 tables', an add-on rule's own limit, and the shared
//! allowances of several codes — counted in the window of each 算定単位 over the history and
//! this claim.

use super::facts::Facts;
use super::notes::{trace, Notes};
use super::work::Work;
use crate::text::{Arg, IntoText, Sep, Text};
use crate::{lit, tx};
use chrono::{Datelike, NaiveDate};
use masters::{Code, CountUnit};
use rules::addons::AddonRule;
use std::collections::HashMap;

pub(crate) fn month_index(d: NaiveDate) -> i32 {
    d.year() * 12 + d.month0() as i32
}

/// Days since a Sunday epoch: same week ⇔ same `week_index` (weeks run Sunday–Saturday).
pub(crate) fn week_index(d: NaiveDate) -> i64 {
    let days = d.num_days_from_ce() as i64; // 0001-01-01 is a Monday
    (days + 1).div_euclid(7)
}

/// Whether `other` falls in the same counting window as `date`; `None` when santei does not
/// count that unit (reported in the trace).
fn in_window(unit: CountUnit, date: NaiveDate, other: NaiveDate) -> Option<bool> {
    Some(match unit {
        CountUnit::Day => other == date,
        CountUnit::Week => week_index(other) == week_index(date),
        CountUnit::Months(n) => {
            let (m, o) = (month_index(date), month_index(other));
            o <= m && o > m - i32::from(n)
        }
        CountUnit::PerPatient => true,
        // The stay's units are counted by the inpatient month (engine/inpatient/checks.rs).
        CountUnit::StayFirstDay
        | CountUnit::DuringStay
        | CountUnit::AtDischarge
        | CountUnit::Other(_) => return None,
    })
}

/// The codes a limit counts together: one code, or a shared allowance's codes.
#[derive(Clone, Copy)]
pub(crate) enum Codes<'a> {
    One(Code),
    Many(&'a [u32]),
}

impl<'a> Codes<'a> {
    /// The codes counted.
    fn list(&self) -> impl Iterator<Item = Code> + 'a {
        let (one, many): (Option<Code>, &'a [u32]) = match *self {
            Codes::One(c) => (Some(c), &[]),
            Codes::Many(xs) => (None, xs),
        };
        one.into_iter().chain(many.iter().map(|&x| Code(x)))
    }

    #[inline]
    fn contains(&self, c: Code) -> bool {
        match self {
            Codes::One(x) => *x == c,
            Codes::Many(xs) => xs.contains(&c.0),
        }
    }

    fn arg(&self, sep: Sep) -> Arg<'a> {
        match *self {
            Codes::One(c) => Arg::Code(c),
            Codes::Many(xs) => Arg::Codes(xs, sep),
        }
    }
}

/// Count of `codes` claimed in the window of `unit` around the date, in the history and in
/// the lines so far.
fn used(f: &Facts<'_>, work: &[Work<'_>], codes: Codes<'_>, unit: CountUnit) -> Option<i64> {
    let mut count = 0;
    for h in &f.claim.history {
        if codes.contains(h.code) && in_window(unit, f.date, h.date.0)? {
            count += h.count;
        }
    }
    for l in work.iter().filter(|l| !l.removed) {
        if l.line.code.is_some_and(|c| codes.contains(c)) {
            count += l.line.count;
        }
    }
    Some(count)
}

/// The first line of a family in `families` claimed in the month of the date (the history
/// first, then this claim), described.
pub(crate) fn claimed_in_month(
    f: &Facts<'_>,
    n: &mut Notes,
    work: &[Work<'_>],
    families: &[String],
) -> Option<Text> {
    let rules = f.rules();
    let m = month_index(f.date);
    let in_families = |fam: &str| families.iter().any(|x| x == fam);
    for h in &f.claim.history {
        if month_index(h.date.0) == m && rules.family_of_code(h.code.0).is_some_and(in_families) {
            return Some(tx!(n.t, "{} on {} (history)", h.code, h.date.0));
        }
    }
    for l in work.iter().filter(|l| !l.removed) {
        if l.family.is_some_and(in_families) {
            return Some(tx!(n.t, "{} on this claim", l.line.code));
        }
    }
    None
}

/// One limit to check: codes counted together, 算定単位 code and name, the maximum, and
/// where the limit comes from.
struct LimitCheck<'a> {
    codes: Codes<'a>,
    unit: CountUnit,
    unit_code: u16,
    unit_name: &'a str,
    max: u32,
    source: LimitSource<'a>,
}

/// Where a limit comes from (its words built only when a trace entry or a refusal shows it).
#[derive(Clone, Copy)]
enum LimitSource<'a> {
    /// `算定回数 file:line`.
    Table(&'a str, u32),
    /// `rule id: source`.
    Rule(&'a str, &'a str),
    /// A shared allowance: `id: source`.
    Shared(&'a str, &'a str),
}

impl crate::text::IntoText for LimitSource<'_> {
    fn into_text(self, t: &mut crate::text::Texts) -> Text {
        match self {
            LimitSource::Table(file, line) => tx!(t, "算定回数 {}", Arg::Src(file, line)),
            LimitSource::Rule(id, source) => tx!(t, "rule {}: {}", id, source),
            LimitSource::Shared(id, source) => tx!(t, "{}: {}", id, source),
        }
    }
}

/// The limits on a code on the date, one by one to `check` until it returns a refusal: the
/// 算定回数 tables', the add-on rule's own limit when given, and the shared allowances the
/// code is part of.
fn limit_checks<'a>(
    f: &Facts<'a>,
    n: &mut Notes,
    c: Code,
    rule: Option<&'a AddonRule>,
    mut check: impl FnMut(&mut Notes, LimitCheck<'a>) -> Option<Text>,
) -> Option<Text> {
    let date = f.date;
    for fr in f.data().tables.frequency_on(c, date) {
        let k = LimitCheck {
            codes: Codes::One(c),
            unit: fr.unit.kind(),
            unit_code: fr.unit.code,
            unit_name: &fr.unit.name,
            max: fr.count,
            source: LimitSource::Table(&fr.source.file, fr.source.line as u32),
        };
        if let Some(refused) = check(n, k) {
            return Some(refused);
        }
    }
    if let Some((r, l)) = rule.and_then(|r| r.limit.as_ref().map(|l| (r, l))) {
        let k = LimitCheck {
            codes: Codes::One(c),
            unit: CountUnit::from_code(l.unit_code),
            unit_code: l.unit_code,
            unit_name: &l.unit,
            max: l.count,
            source: LimitSource::Rule(&r.id, &l.source),
        };
        if let Some(refused) = check(n, k) {
            return Some(refused);
        }
    }
    let ar = f.rules();
    for &si in ar.shared_limits_of(c.0) {
        let s = &ar.shared_limits[si];
        if s.in_force(date) {
            let k = LimitCheck {
                codes: Codes::Many(ar.shared_limit_codes(si)),
                unit: CountUnit::from_code(s.unit_code),
                unit_code: s.unit_code,
                unit_name: &s.unit,
                max: s.count,
                source: LimitSource::Shared(&s.id, &s.source),
            };
            if let Some(refused) = check(n, k) {
                return Some(refused);
            }
        }
    }
    None
}

/// Why an automatic add-on would break a limit, if it would.
pub(crate) fn limit_refusal<'a>(
    f: &Facts<'a>,
    n: &mut Notes,
    work: &[Work<'a>],
    rule: &'a AddonRule,
    code: Option<Code>,
    count: i64,
) -> Option<Text> {
    let Some(c) = code else {
        // Codeless add-ons: count this claim's lines of the same family (no code to count).
        let l = rule.limit.as_ref()?;
        let same_family = work
            .iter()
            .filter(|w| !w.removed && w.family == Some(rule.family.as_str()))
            .count() as i64;
        if CountUnit::from_code(l.unit_code) == CountUnit::Months(1)
            && same_family + count > l.count as i64
        {
            return Some(tx!(
                n.t,
                "{} {}回 already reached ({})",
                &l.unit,
                l.count,
                &l.source
            ));
        }
        return None;
    };
    limit_checks(f, n, c, Some(rule), |n, k| {
        match used(f, work, k.codes, k.unit) {
            None => trace!(
                n,
                lit!("frequency"),
                tx!(n.t, "{} ({})", k.unit_name, k.unit_code),
                k.source,
                lit!("not checked: santei does not count this unit"),
            ),
            Some(u) if u + count > k.max as i64 => {
                let source = k.source.into_text(&mut n.t);
                return Some(tx!(
                    n.t,
                    "limit {} per {} reached ({} already: {}; {})",
                    k.max,
                    k.unit_name,
                    u,
                    k.codes.arg(Sep::Comma),
                    source
                ));
            }
            Some(u) => trace!(
                n,
                lit!("frequency"),
                tx!(
                    n.t,
                    "{}: {} limit {}, {} used",
                    k.codes.arg(Sep::Slash),
                    k.unit_name,
                    k.max,
                    u
                ),
                k.source,
                lit!("within the limit"),
            ),
        }
        None
    })
}

/// The add-on rules in force on the date (for the claim's kind) that add a code.
pub(crate) fn add_on_rules_for<'a>(
    f: &Facts<'a>,
    c: Code,
) -> impl Iterator<Item = (usize, &'a AddonRule)> + 'a {
    let rules = f.rules();
    let (date, kind) = (f.date, f.claim.kind);
    rules
        .rules_adding(c.0)
        .iter()
        .map(move |&i| (i, &rules.addons[i]))
        .filter(move |(_, a)| a.kind == kind && a.in_force(date))
}

/// Frequency limits for the lines the caller listed. Linear in the claim: the history is
/// indexed by code and the lines before each line are counted as it goes; a code over its
/// limit on several lines gives one error that counts them.
pub(crate) fn input_limits<'a>(f: &Facts<'a>, n: &mut Notes, work: &[Work<'a>]) {
    // The history by code: `(code, date, count)` sorted by code, found by binary search.
    let mut history: Vec<(Code, NaiveDate, i64)> = f
        .claim
        .history
        .iter()
        .map(|h| (h.code, h.date.0, h.count))
        .collect();
    history.sort_unstable_by_key(|h| h.0);
    let history_of = |x: Code| {
        let start = history.partition_point(|h| h.0 < x);
        history[start..].iter().take_while(move |h| h.0 == x)
    };
    // Lines of each code before the current one (not removed): the claim's codes sorted,
    // and a count for each.
    let mut on_claim: Vec<Code> = Vec::with_capacity(work.len());
    on_claim.extend(work.iter().filter_map(|l| l.line.code));
    on_claim.sort_unstable();
    on_claim.dedup();
    let mut before: Vec<i64> = vec![0; on_claim.len()];
    // Codes over a limit: (the error's index, its text, lines over the limit).
    let mut over: HashMap<Code, (usize, Text, usize)> = HashMap::new();
    for l in work.iter() {
        let code = l.line.code;
        if l.input.is_some() && !l.removed {
            if let Some(c) = code {
                if let Some(o) = over.get_mut(&c) {
                    o.2 += 1;
                } else {
                    let rule = add_on_rules_for(f, c).next().map(|(_, r)| r);
                    let counted = |codes: Codes<'_>, unit: CountUnit| -> Option<i64> {
                        let mut u = 0;
                        for x in codes.list() {
                            for &(_, d, k) in history_of(x) {
                                if in_window(unit, f.date, d)? {
                                    u += k;
                                }
                            }
                            u += on_claim.binary_search(&x).map_or(0, |j| before[j]);
                        }
                        Some(u)
                    };
                    let refused = limit_checks(f, n, c, rule, |n, k| {
                        match counted(k.codes, k.unit) {
                            None => trace!(
                                n,
                                lit!("frequency"),
                                tx!(n.t, "{}: {} ({})", c, k.unit_name, k.unit_code),
                                k.source,
                                lit!("not checked: santei does not count this unit"),
                            ),
                            // The first limit broken is the error (the same allowance may be
                            // stated by the 算定回数 table and the rule both).
                            Some(u) if u + l.line.count > k.max as i64 => {
                                let source = k.source.into_text(&mut n.t);
                                return Some(tx!(
                                    n.t,
                                    "{} {}: limit {} per {} exceeded ({} already claimed in the window; {})",
                                    c,
                                    l.name,
                                    k.max,
                                    k.unit_name,
                                    u,
                                    source
                                ));
                            }
                            Some(_) => {}
                        }
                        None
                    });
                    if let Some(e) = refused {
                        over.insert(c, (n.errors.len(), e, 1));
                        n.errors.push(e);
                    }
                }
            }
        }
        if let (Some(c), false) = (code, l.removed) {
            if let Ok(j) = on_claim.binary_search(&c) {
                before[j] += l.line.count;
            }
        }
    }
    for &(i, e, lines) in over.values().filter(|o| o.2 > 1) {
        n.errors[i] = tx!(n.t, "{}; {} lines of this code over the limit", e, lines);
    }
}
