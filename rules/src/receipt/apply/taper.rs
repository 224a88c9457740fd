//! Step 4: `taper` (逓減) in its five modes, on the lines still charged. When several tapers
//! touch one line, each finding's `points` include the earlier ones (the last holds).

use super::state::State;
use super::*;
use crate::receipt::{GroupBy, Taper, TaperMode};

pub(super) fn tapers(st: &mut State) {
    // The points of each line after the tapers so far (all its count), and how to round.
    let mut cur: Vec<Option<(Decimal, RoundAt)>> = vec![None; st.lines.len()];
    for j in st.candidates(RuleKind::Taper) {
        let k = st.candidate(j);
        let t = &st.rules.tapers[k];
        if !t.unless.is_empty() && t.unless.iter().any(|id| st.any_present_in(id)) {
            continue;
        }
        match t.mode {
            TaperMode::Films => films(st, k, t, &mut cur),
            TaperMode::SamePart => same_part(st, k, t, &mut cur),
            TaperMode::MonthRepeat => month_repeat(st, k, t, &mut cur),
            TaperMode::DrugKinds => drug_kinds(st, k, t),
            TaperMode::SecondDepartment => second_department(st, k, t),
        }
    }
}

/// The line's points for all its count: after earlier tapers, or its own.
fn base(st: &State, cur: &[Option<(Decimal, RoundAt)>], i: usize) -> Decimal {
    cur[i].map_or_else(
        || st.lines[i].points * Decimal::from(st.lines[i].count),
        |(p, _)| p,
    )
}

fn rate_and_rounding(t: &Taper) -> Option<(Rate, Rounding)> {
    Some((t.rate?, t.rounding?))
}

fn push(
    st: &mut State,
    k: usize,
    i: usize,
    points: Decimal,
    round: RoundAt,
    marker: Option<u32>,
    cur: &mut [Option<(Decimal, RoundAt)>],
) {
    cur[i] = Some((points, round));
    let rule = st.cite(RuleKind::Taper, k);
    st.findings.push(Finding::Taper {
        line: i,
        rule,
        points,
        round,
        marker,
    });
}

/// `films`: p + p × rate × min(films − 1, reduced_upto − 1), the films after `reduced_upto`
/// not charged; the 剤's total rounded once.
fn films(st: &mut State, k: usize, t: &Taper, cur: &mut [Option<(Decimal, RoundAt)>]) {
    let (Some((rate, rounding)), Some(upto)) = (rate_and_rounding(t), t.reduced_upto) else {
        return;
    };
    for i in st.charged_in(&t.members) {
        let films = st.lines[i].quantity.unwrap_or(Decimal::ONE).trunc();
        if films <= Decimal::ONE {
            continue;
        }
        let extra = (films - Decimal::ONE).min(Decimal::from(upto.saturating_sub(1)));
        let p = base(st, cur, i);
        let points = p + rate.apply(p) * extra;
        push(st, k, i, points, RoundAt::Group(rounding), None, cur);
    }
}

/// `same_part`: per 剤 and `part`, the first 「同時」 member line in full, the others at
/// `rate`; rounded at the end of the 剤. Member lines without `part` in a 剤 of two or more
/// cannot be checked (a warning).
fn same_part(st: &mut State, k: usize, t: &Taper, cur: &mut [Option<(Decimal, RoundAt)>]) {
    let Some((rate, rounding)) = rate_and_rounding(t) else {
        return;
    };
    let members: Vec<usize> = st
        .charged_in(&t.members)
        .into_iter()
        .filter(|&i| !st.lines[i].not_same_time)
        .collect();
    let mut seen: Vec<(usize, &str)> = Vec::new();
    let mut unmarked: Vec<usize> = Vec::new();
    for &i in &members {
        let g = st.lines[i].group;
        let Some(part) = st.lines[i].part else {
            if members.iter().any(|&j| j != i && st.lines[j].group == g) {
                unmarked.push(i);
            }
            continue;
        };
        if seen.contains(&(g, part)) {
            let points = rate.apply(base(st, cur, i));
            push(st, k, i, points, RoundAt::Group(rounding), None, cur);
        } else {
            seen.push((g, part));
        }
    }
    if !unmarked.is_empty() {
        let rule = st.cite(RuleKind::Taper, k);
        st.findings.push(Finding::CannotDecide {
            lines: unmarked,
            rule: Some(rule),
            why: Why::NoPart,
        });
    }
}

/// `month_repeat`: the `from_nth`-th and later occurrence of the same test in the calendar
/// month (history first, in date order, then this claim) at `rate` of its own points,
/// rounded per line.
fn month_repeat(st: &mut State, k: usize, t: &Taper, cur: &mut [Option<(Decimal, RoundAt)>]) {
    let (Some((rate, rounding)), Some(nth)) = (rate_and_rounding(t), t.from_nth) else {
        return;
    };
    let group_by = t.group_by.unwrap_or(GroupBy::Code);
    let key = |f: &LineFacts| -> u64 {
        match group_by {
            GroupBy::Code => u64::from(f.code),
            GroupBy::Set => 0,
            GroupBy::BundledTapering if f.bundled_tapering != 0 => {
                (1 << 40) | u64::from(f.bundled_tapering)
            }
            GroupBy::BundledTapering => u64::from(f.code),
        }
    };
    let members_v = st.version(&t.members);
    let also: Vec<Option<usize>> = t.also_counts.iter().map(|id| st.version(id)).collect();
    let counts =
        |st: &State, l: LineRef| st.is_in(l, members_v) || also.iter().any(|&v| st.is_in(l, v));
    let mut seen: Vec<(u64, u32)> = Vec::new();
    let mut bump = |key: u64, n: u32| -> u32 {
        match seen.iter_mut().find(|x| x.0 == key) {
            Some(x) => {
                let before = x.1;
                x.1 += n;
                before
            }
            None => {
                seen.push((key, n));
                0
            }
        }
    };
    for &h in st.hist_scope(crate::receipt::Scope::Month) {
        if counts(st, LineRef::History(h)) {
            bump(key(&st.history[h].facts), st.history[h].count);
        }
    }
    let marker = t.marker_code.as_deref().and_then(|c| c.parse().ok());
    for i in 0..st.lines.len() {
        let l = LineRef::Claim(i);
        if !st.charged[i] || !counts(st, l) {
            continue;
        }
        let c = st.lines[i].count;
        let before = bump(key(&st.lines[i].facts), c);
        if !st.is_in(l, members_v) {
            continue;
        }
        // Occurrences before+1 ..= before+c; those ≥ nth are reduced.
        let first_reduced = nth.max(before + 1);
        let reduced = (before + c + 1).saturating_sub(first_reduced).min(c);
        if reduced == 0 {
            continue;
        }
        let unit = st.lines[i].points;
        let points = unit * Decimal::from(c - reduced)
            + rounding.round(rate.apply(unit)) * Decimal::from(reduced);
        push(st, k, i, points, RoundAt::Line, marker, cur);
    }
}

/// `drug_kinds` (多剤投与): outpatient only; the kinds of the 内服 剤 of the claim; at
/// `threshold` each 剤's 薬剤料 at `rate`, and the 処方料・処方箋料 of the right set.
fn drug_kinds(st: &mut State, k: usize, t: &Taper) {
    let (Some((rate, rounding)), Some(threshold)) = (rate_and_rounding(t), t.threshold) else {
        return;
    };
    if st.visit.setting != Setting::Outpatient {
        return;
    }
    let members: Vec<usize> = st.present_in(&t.members);
    let mut groups: Vec<usize> = members.iter().map(|&i| st.lines[i].group).collect();
    groups.sort_unstable();
    groups.dedup();
    let mut codes: Vec<u32> = Vec::new();
    let mut cheap = 0u32;
    for &g in &groups {
        let lines: Vec<usize> = members
            .iter()
            .copied()
            .filter(|&i| st.lines[i].group == g)
            .collect();
        let first = &st.lines[lines[0]];
        if first.temporary && t.temporary_days_max.is_some_and(|m| first.count <= m) {
            continue;
        }
        let price: Option<Decimal> = lines.iter().map(|&i| st.lines[i].price_yen).sum();
        if let (Some(p), Some(max)) = (price, t.single_kind_price_max) {
            if p <= max {
                cheap += 1;
                continue;
            }
        }
        for &i in &lines {
            let c = st.lines[i].facts.code;
            if !codes.contains(&c) {
                codes.push(c);
            }
        }
    }
    let kinds = codes.len() as u32 + cheap;
    let reached = kinds >= threshold;
    let rule = st.cite(RuleKind::Taper, k);
    if reached {
        for &g in &groups {
            st.findings.push(Finding::TaperDrugs {
                group: g,
                rule,
                rate,
                rounding,
                kinds,
            });
        }
    }
    // The fee must be of the set for the kinds counted.
    let (wrong, expected) = if reached {
        (&t.without_fee, &t.with_fee)
    } else {
        (&t.with_fee, &t.without_fee)
    };
    if let (Some(wrong), Some(expected)) = (wrong, expected) {
        for i in st.charged_in(wrong) {
            st.findings.push(Finding::Refuse {
                lines: vec![i],
                rule,
                why: Why::WrongFee {
                    expected: expected.to_string(),
                    kinds,
                },
            });
        }
    }
}

/// `second_department` (同日２科目): an item marked second department carries a code of
/// `second` and no add-on of `not_with`; a `second` line needs a `members` line that day.
fn second_department(st: &mut State, k: usize, t: &Taper) {
    let Some(second) = &t.second else {
        return;
    };
    let rule = st.cite(RuleKind::Taper, k);
    let mut groups: Vec<usize> = (0..st.lines.len())
        .filter(|&i| st.present(i) && st.lines[i].second_department)
        .map(|i| st.lines[i].group)
        .collect();
    groups.dedup();
    for g in groups {
        let lines: Vec<usize> = (0..st.lines.len())
            .filter(|&i| st.present(i) && st.lines[i].group == g)
            .collect();
        if !lines.iter().any(|&i| st.is(LineRef::Claim(i), second)) {
            st.findings.push(Finding::Refuse {
                lines: lines.clone(),
                rule,
                why: Why::SecondDepartment {
                    expected: second.to_string(),
                },
            });
        }
        for &i in &lines {
            if let Some(set) = t.not_with.iter().find(|s| st.is(LineRef::Claim(i), s)) {
                st.findings.push(Finding::Refuse {
                    lines: vec![i],
                    rule,
                    why: Why::NotForSecond {
                        set: set.to_string(),
                    },
                });
            }
        }
    }
    let seconds = st.charged_in(second);
    if seconds.is_empty() {
        return;
    }
    let first = st.in_scope_present(crate::receipt::Scope::Day, &t.members);
    for i in seconds {
        if !first.iter().any(|&l| l != LineRef::Claim(i)) {
            st.findings.push(Finding::Refuse {
                lines: vec![i],
                rule,
                why: Why::SecondDepartment {
                    expected: t.members.to_string(),
                },
            });
        }
    }
}
