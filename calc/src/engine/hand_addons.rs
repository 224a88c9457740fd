//! Step 5b: an add-on code listed by hand is held to the rules santei applies when it adds the
//! code itself: its base item must be on the claim, the filed tier must be the code's tier, the
//! codes it is not claimed with must be absent, and the month exclusions of its family hold.
//! Each breach is an error of the claim.

use super::facts::Facts;
use super::limits::{add_on_rules_for, claimed_in_month};
use super::notes::Notes;
use super::tier::tier_needs;
use super::work::{ByCode, Work};
use crate::tx;
use masters::Code;
use rules::addons::{AddonRule, ClaimKind};

/// `by_code`: the positions of `work`'s lines by code ([`ByCode::new`] of `work`).
pub(crate) fn check<'a>(f: &Facts<'a>, n: &mut Notes, work: &[Work<'a>], by_code: &ByCode) {
    // A code listed on several lines is checked once (its errors would repeat); only
    // add-on codes of the rule files join this list, so it stays short.
    let mut done: Vec<Code> = Vec::new();
    for (i, l) in work.iter().enumerate() {
        let (Some(c), Some(_)) = (l.line.code, l.input) else {
            continue;
        };
        let found: Vec<(usize, &'a AddonRule)> = add_on_rules_for(f, c).collect();
        let Some(&(_, first)) = found.first() else {
            continue;
        };
        if done.contains(&c) {
            continue;
        }
        done.push(c);
        if f.claim.kind == ClaimKind::Ika {
            base_item(f, n, work, by_code, i, c, &found, first);
        }
        for &(ri, rule) in &found {
            filed_tier(f, n, l, c, rule);
            not_with(f, n, work, by_code, l, c, ri, rule);
        }
        month_exclusions(f, n, work, l, c, first);
    }
}

/// The base item (医科: a trigger code of one of the rules on the claim).
#[allow(clippy::too_many_arguments)]
fn base_item(
    f: &Facts<'_>,
    n: &mut Notes,
    work: &[Work<'_>],
    by_code: &ByCode,
    i: usize,
    c: Code,
    found: &[(usize, &AddonRule)],
    first: &AddonRule,
) {
    let rules = f.rules();
    let on_claim = |codes: &[u32]| {
        codes.iter().any(|&x| {
            by_code
                .of(Code(x))
                .any(|j| j != i && work[j].input.is_some())
        })
    };
    if found
        .iter()
        .any(|&(ri, _)| on_claim(rules.rule_trigger_codes(ri)))
    {
        return;
    }
    let names: Vec<&str> = found
        .iter()
        .flat_map(|(_, a)| a.on.iter())
        .filter_map(|t| rules.trigger(t))
        .map(|t| t.name.as_str())
        .collect();
    let m = n.t.own(format!(
        "{c} {}: an add-on to {} ({}), none of which is on the claim",
        work[i].name,
        names.join(" / "),
        first.source
    ));
    n.errors.push(m);
}

/// The code's tier against the filing.
fn filed_tier(f: &Facts<'_>, n: &mut Notes, l: &Work<'_>, c: Code, rule: &AddonRule) {
    if rule.tiers.contains_key("any") {
        return;
    }
    let date = f.date;
    let key = rule
        .tiers
        .iter()
        .find(|(_, t)| t.code.as_deref().is_some_and(|x| x.parse() == Ok(c.0)))
        .map(|(k, _)| k.as_str());
    if let Some(k) = key {
        tier_needs(f, n, rule, k, "the code's tier");
    }
    let (Some(filed), Some(k)) = (rule.standard.as_deref().and_then(|st| f.filing(st)), key) else {
        return;
    };
    if let Some(t) = filed.tier.filter(|t| k.parse() != Ok(*t)) {
        let m = n.t.own(format!(
            "{c} {}: the tier-{k} code of {}, but the facility filed {} tier {t} for {date} ({})",
            l.name, rule.name, filed.code, rule.source
        ));
        n.errors.push(m);
    } else if filed.tier.is_none() {
        if let Some((_, cond)) = rule.tier_when.iter().find(|(t, _)| t == k) {
            if !f.condition(*cond) {
                let m = n.t.own(format!(
                    "{c} {}: the tier-{k} code of {}, which needs `{cond}` on {date} ({})",
                    l.name, rule.name, rule.source
                ));
                n.errors.push(m);
            }
        }
    }
}

/// Codes it is not claimed with.
#[allow(clippy::too_many_arguments)]
fn not_with(
    f: &Facts<'_>,
    n: &mut Notes,
    work: &[Work<'_>],
    by_code: &ByCode,
    l: &Work<'_>,
    c: Code,
    ri: usize,
    rule: &AddonRule,
) {
    let not_with = f.rules().rule_not_with(ri);
    let first = not_with
        .iter()
        .filter(|&&x| x != c.0)
        .flat_map(|&x| by_code.of(Code(x)))
        .filter(|&j| !work[j].removed)
        .min();
    if let Some(o) = first.map(|j| &work[j]) {
        let m = n.t.own(format!(
            "{c} {}: not claimed together with {} {} ({})",
            l.name,
            o.line.code.map(|x| x.to_string()).unwrap_or_default(),
            o.name,
            rule.source
        ));
        n.errors.push(m);
    }
}

/// Month exclusions of its family.
fn month_exclusions(
    f: &Facts<'_>,
    n: &mut Notes,
    work: &[Work<'_>],
    l: &Work<'_>,
    c: Code,
    first: &AddonRule,
) {
    let family = first.family.as_str();
    for x in f
        .rules()
        .month_exclusions
        .iter()
        .filter(|x| x.refuse == family && x.in_force(f.date))
    {
        if let Some(what) = claimed_in_month(f, n, work, &x.when_claimed) {
            let msg = tx!(
                n.t,
                "{} {} refused: {} is claimed in the same month ({}: {})",
                c,
                l.name,
                what,
                &x.id,
                &x.source
            );
            n.errors.push(msg);
            return;
        }
    }
}
