//! Step 2 (`inclusion`, 包括) and step 3 (`bundle`, まるめ and item/point limits).

use super::state::State;
use super::*;
use crate::receipt::{Bundle, InclusionEffect, Scope};

impl State<'_, '_, '_, '_, '_> {
    /// Step 2: `inclusion`. When a line of `by` is in scope, every charged claim line of
    /// `includes` (not of `except`, not itself of `by`) is priced 0 or refused; history lines
    /// of the scope that it includes, with no `by` line on or before their date, are warned
    /// about (the earlier claim is not changed).
    pub fn inclusions(&mut self) {
        for j in self.candidates(RuleKind::Inclusion) {
            let k = self.candidate(j);
            let r = &self.rules.inclusions[k];
            let by = self.in_scope(r.scope, &r.by);
            let Some(&by0) = by.first() else {
                continue;
            };
            let rule = self.cite(RuleKind::Inclusion, k);
            let by_v = self.version(&r.by);
            let includes: Vec<Option<usize>> =
                r.includes.iter().map(|id| self.version(id)).collect();
            let except: Vec<Option<usize>> = r.except.iter().map(|id| self.version(id)).collect();
            let included = |st: &Self, l: LineRef| {
                !st.is_in(l, by_v)
                    && includes.iter().any(|&v| st.is_in(l, v))
                    && !except.iter().any(|&v| st.is_in(l, v))
            };
            for i in 0..self.lines.len() {
                if !self.charged[i] || !included(self, LineRef::Claim(i)) {
                    continue;
                }
                if let Some(limit) = r.acute_points_from {
                    if self.lines[i].points >= limit {
                        if self.lines[i].acute {
                            continue;
                        }
                        self.findings.push(Finding::CannotDecide {
                            lines: vec![i],
                            rule: Some(rule),
                            why: Why::MissingFact("acute".into()),
                        });
                    }
                }
                match r.effect {
                    InclusionEffect::Zero => {
                        self.uncharge(i);
                        self.findings.push(Finding::Zero { line: i, rule });
                    }
                    InclusionEffect::Refuse => {
                        let mut lines = vec![i];
                        if let LineRef::Claim(b) = by0 {
                            lines.push(b);
                        }
                        self.findings.push(Finding::Refuse {
                            lines,
                            rule,
                            why: Why::IncludedBy(by0),
                        });
                    }
                }
            }
            // A `by` line of this claim including lines of an earlier claim of the scope.
            let LineRef::Claim(by_claim) = by0 else {
                continue;
            };
            let first_by_history = by
                .iter()
                .filter_map(|l| match l {
                    LineRef::History(h) => Some(self.history[*h].date),
                    LineRef::Claim(_) => None,
                })
                .min();
            let earlier: Vec<usize> = self
                .hist_scope(r.scope)
                .iter()
                .copied()
                .filter(|&h| {
                    self.history[h].date <= self.date
                        && first_by_history.is_none_or(|d| self.history[h].date < d)
                        && included(self, LineRef::History(h))
                })
                .collect();
            if !earlier.is_empty() {
                self.findings.push(Finding::Warn {
                    lines: vec![by_claim],
                    rule,
                    why: Why::IncludedInHistory { history: earlier },
                });
            }
        }
    }

    /// Step 3: `bundle` — first the bundles without `steps` (`max_items`, `max_points`), then
    /// those with `steps`; a line a bundle left uncharged is not counted by a later one.
    pub fn bundles(&mut self) {
        let cands = self.candidates(RuleKind::Bundle);
        for with_steps in [false, true] {
            for j in cands.clone() {
                let k = self.candidate(j);
                if self.rules.bundles[k].steps.is_empty() != with_steps {
                    self.bundle(k);
                }
            }
        }
    }

    fn bundle(&mut self, k: usize) {
        let b: &Bundle = &self.rules.bundles[k];
        let rule = self.cite(RuleKind::Bundle, k);
        let members = self.charged_in(&b.members);
        // One specimen a day unless the lines carry `specimen` labels: each label is a group
        // (the unlabelled lines together are one).
        let mut groups: Vec<(Option<&str>, Vec<usize>)> = Vec::new();
        for i in members {
            let s = self.lines[i].specimen;
            match groups.iter_mut().find(|g| g.0 == s) {
                Some(g) => g.1.push(i),
                None => groups.push((s, vec![i])),
            }
        }
        // The points the month's history lines used up (month `max_points`).
        let used: Decimal = if b.scope == Scope::Month && b.max_points.is_some() {
            let v = self.version(&b.members);
            self.hist_scope(Scope::Month)
                .iter()
                .filter(|&&h| self.is_in(LineRef::History(h), v))
                .map(|&h| self.history[h].points * Decimal::from(self.history[h].count))
                .sum()
        } else {
            Decimal::ZERO
        };
        for (label, mut group) in groups {
            let mut codes: Vec<u32> = Vec::new();
            for &i in &group {
                let c = self.lines[i].facts.code;
                let repeated = codes.contains(&c) || self.lines[i].count > 1;
                if !codes.contains(&c) {
                    codes.push(c);
                }
                // Several specimens cannot be told apart without labels; a count of a
                // points-capped item (特異抗原の種類ごと) is its quantity, not a repeat.
                if repeated && label.is_none() && b.max_points.is_none() {
                    self.findings.push(Finding::Warn {
                        lines: vec![i],
                        rule,
                        why: Why::RepeatedCode { code: c },
                    });
                }
            }
            let mut n = codes.len() as u32;
            // 1. max_items: the highest-priced lines (ties: claim order) up to N codes.
            if let Some(max) = b.max_items {
                if n > max {
                    let mut ranked = group.clone();
                    support::sort::sort_by(&mut ranked, |&x, &y| {
                        self.lines[y].points.cmp(&self.lines[x].points)
                    });
                    let mut kept_codes: Vec<u32> = Vec::new();
                    let mut kept = Vec::new();
                    for i in ranked {
                        let c = self.lines[i].facts.code;
                        if kept_codes.contains(&c) || (kept_codes.len() as u32) < max {
                            if !kept_codes.contains(&c) {
                                kept_codes.push(c);
                            }
                            kept.push(i);
                        } else {
                            self.uncharge(i);
                            self.findings.push(Finding::Zero { line: i, rule });
                        }
                    }
                    kept.sort_unstable();
                    group = kept;
                    n = max;
                }
            }
            // 2. steps: the group is worth the step's points (plus the addition of the
            // claim's setting).
            let step = b
                .steps
                .iter()
                .position(|s| n >= s.min && s.max.is_none_or(|m| n <= m));
            let own: Decimal = group
                .iter()
                .map(|&i| self.lines[i].points * Decimal::from(self.lines[i].count))
                .sum();
            let (mut points, mut how) = match step {
                Some(s) => {
                    let add = b
                        .addition
                        .as_ref()
                        .filter(|a| a.setting == setting_name(self.visit.setting));
                    let p = b.steps[s].points + add.map_or(Decimal::ZERO, |a| a.points);
                    (
                        p,
                        Some(BundleHow::Step {
                            step: s,
                            items: n,
                            with_addition: add.is_some(),
                        }),
                    )
                }
                None => (own, None),
            };
            // 3. max_points: at most P for the group (the month's history first).
            if let Some(cap) = b.max_points {
                let left = (cap - used).max(Decimal::ZERO);
                if points > left {
                    points = left;
                    how = Some(BundleHow::MaxPoints);
                }
            }
            if let Some(how) = how {
                for &i in &group {
                    self.uncharge(i);
                }
                self.findings.push(Finding::Bundle {
                    rule,
                    members: group,
                    points,
                    how,
                });
            }
        }
    }
}

/// The setting's name in the rule files (`bundle.addition.setting`).
pub(super) fn setting_name(s: Setting) -> &'static str {
    match s {
        Setting::Outpatient => "outpatient",
        Setting::Inpatient => "inpatient",
    }
}
