//! The sets a rule names (in every role) and the flag for results that rest on explicit
//! codes no official master confirms on the date.

use super::state::State;
use super::*;

/// The set ids a rule names, in any role.
pub(super) fn rule_sets(rules: &ReceiptRules, r: RuleRef) -> Vec<&str> {
    let i = r.index;
    match r.kind {
        RuleKind::Bundle => vec![rules.bundles[i].members.as_str()],
        RuleKind::Inclusion => {
            let x = &rules.inclusions[i];
            std::iter::once(&x.by)
                .chain(&x.includes)
                .chain(&x.except)
                .map(|s| s.as_str())
                .collect()
        }
        RuleKind::Taper => crate::receipt::index::taper_sets(&rules.tapers[i])
            .map(|s| s.as_str())
            .collect(),
        RuleKind::Requires => {
            let x = &rules.requires[i];
            std::iter::once(&x.code)
                .chain(&x.needs)
                .map(|s| s.as_str())
                .collect()
        }
        RuleKind::Conflicts => vec![rules.conflicts[i].a.as_str(), rules.conflicts[i].b.as_str()],
        RuleKind::NotWithin => vec![
            rules.not_within[i].code.as_str(),
            rules.not_within[i].after.as_str(),
        ],
        RuleKind::Replaces => vec![
            rules.replaces[i].auto.as_str(),
            rules.replaces[i].by.as_str(),
        ],
        RuleKind::Time => vec![rules.times[i].codes.as_str()],
    }
}

/// The ids among `ids` and the sets they combine (union, within, except) whose version on
/// `date` has unconfirmed explicit codes, without repeats, in the order met.
pub(super) fn unverified_sets(rules: &ReceiptRules, ids: &[&str], date: NaiveDate) -> Vec<String> {
    let mut seen: Vec<&str> = Vec::new();
    let mut out = Vec::new();
    let mut stack: Vec<&str> = ids.iter().rev().copied().collect();
    while let Some(id) = stack.pop() {
        if seen.contains(&id) {
            continue;
        }
        seen.push(id);
        let Some(v) = rules.set_version(id, date) else {
            continue;
        };
        if rules.unverified_on(v, date) {
            out.push(id.to_string());
        }
        let s = &rules.sets[v];
        for x in s.union.iter().chain(&s.within).chain(&s.except).rev() {
            stack.push(x.as_str());
        }
    }
    out
}

impl State<'_, '_, '_, '_, '_> {
    /// One [`Finding::Unverified`] per rule of the findings whose sets use unconfirmed codes.
    pub fn unverified(&mut self) {
        if self.findings.is_empty() || !self.rules.any_unverified_on(self.date) {
            return;
        }
        let mut done: Vec<RuleRef> = Vec::new();
        let mut extra = Vec::new();
        for f in &self.findings {
            let Some(rule) = f.rule() else { continue };
            if done.contains(&rule.rule) {
                continue;
            }
            done.push(rule.rule);
            let sets = unverified_sets(self.rules, &rule_sets(self.rules, rule.rule), self.date);
            if !sets.is_empty() {
                extra.push(Finding::Unverified { rule: *rule, sets });
            }
        }
        self.findings.extend(extra);
    }
}
