//! Step 4: the rule add-ons — what `rules/data/addons/` adds automatically (the medical-DX
//! families, 物価対応料): triggered by an input code (医科) or the visit (歯科/調剤), refused by
//! a condition, a missing filing, a sibling or excluded code on the claim, a month exclusion
//! or a limit, each refusal explained.

use super::facts::Facts;
use super::limits::{claimed_in_month, limit_refusal};
use super::notes::{trace, Notes};
use super::tier::{pick_tier, tier_points, TierKey};
use super::work::Work;
use crate::claim::FiledStandard;
use crate::output::Line;
use crate::text::{Arg, Text};
use crate::{lit, tx};
use masters::{Code, ProcedureRecord};
use rules::addons::{AddonRule, AddonRules, ClaimKind, Target};

pub(crate) fn rule_addons<'a>(f: &Facts<'a>, n: &mut Notes, work: &mut Vec<Work<'a>>) {
    let rules = f.rules();
    for ri in candidates(f, work) {
        let rule = &rules.addons[ri];
        if rule.kind != f.claim.kind || !rule.in_force(f.date) {
            continue;
        }
        let Some(trigger) = trigger(f, work, ri, rule) else {
            continue;
        };
        let looked = Looked { trigger, rule };
        if let Some(line) = consider(f, n, work, ri, rule, looked) {
            work.push(line);
        }
    }
}

/// The add-ons to consider, in the rule files' order: for 医科, those the input codes trigger
/// (the rule files index them by code); for 歯科/調剤, every add-on (triggered by `visit`).
fn candidates(f: &Facts<'_>, work: &[Work<'_>]) -> Vec<usize> {
    let rules = f.rules();
    if f.claim.kind != ClaimKind::Ika {
        return (0..rules.addons.len()).collect();
    }
    let mut v: Vec<usize> = Vec::with_capacity(32);
    v.extend(
        work.iter()
            .filter(|l| l.input.is_some())
            .filter_map(|l| l.line.code)
            .flat_map(|c| rules.triggered_by(c.0).iter().copied()),
    );
    v.sort_unstable();
    v.dedup();
    v
}

/// What triggers a rule on this claim.
#[derive(Clone, Copy)]
enum Trigger<'a> {
    /// An input line (医科): its code and name, and the name of the rule's trigger it is of.
    Line {
        code: Option<Code>,
        name: &'a str,
        /// The rule's triggers, for the name of the one the line is of ([`Trigger::name`]:
        /// looked up only when the trace is written).
        on: &'a [String],
        rules: &'a AddonRules,
    },
    /// The claim's visit (歯科/調剤).
    Visit(&'static str),
}

/// What the trace says was looked at for a triggered rule (its words built only when the
/// trace is kept).
#[derive(Clone, Copy)]
struct Looked<'a> {
    trigger: Trigger<'a>,
    rule: &'a AddonRule,
}

impl Looked<'_> {
    /// `trigger; name from–to`.
    fn text(&self, n: &mut Notes) -> Text {
        let trigger = match self.trigger {
            Trigger::Line {
                code,
                name,
                on,
                rules,
            } => tx!(n.t, "{} {} ({})", code, name, trigger_name(rules, on, code)),
            Trigger::Visit(v) => tx!(n.t, "visit: {}", v),
        };
        let rule = self.rule;
        tx!(n.t, "{}; {} {}–{}", trigger, &rule.name, rule.from, rule.to)
    }
}

/// What triggers the rule on this claim; `None` when nothing does.
fn trigger<'a>(
    f: &Facts<'a>,
    work: &[Work<'a>],
    ri: usize,
    rule: &'a AddonRule,
) -> Option<Trigger<'a>> {
    let rules = f.rules();
    if f.claim.kind == ClaimKind::Ika {
        let codes = rules.rule_trigger_codes(ri);
        let l = work
            .iter()
            .find(|l| l.input.is_some() && l.line.code.is_some_and(|c| codes.contains(&c.0)))?;
        Some(Trigger::Line {
            code: l.line.code,
            name: l.name,
            on: &rule.on,
            rules,
        })
    } else {
        f.claim
            .visit
            .filter(|v| rule.on.iter().any(|o| o == v.as_str()))
            .map(|v| Trigger::Visit(v.as_str()))
    }
}

/// The name of the trigger (of the rule's `on`) whose codes hold the line's `code` ("" when
/// none does).
fn trigger_name<'a>(rules: &'a AddonRules, on: &'a [String], code: Option<Code>) -> &'a str {
    on.iter()
        .find(|t| code.is_some_and(|c| rules.trigger_codes(t).contains(&c.0)))
        .and_then(|t| rules.trigger(t))
        .map(|t| t.name.as_str())
        .unwrap_or("")
}

/// The line a triggered rule adds, or `None` with the reason in the trace (and, for the
/// reasons a person should see, in the warnings).
fn consider<'a>(
    f: &Facts<'a>,
    n: &mut Notes,
    work: &[Work<'a>],
    ri: usize,
    rule: &'a AddonRule,
    looked: Looked<'a>,
) -> Option<Work<'a>> {
    let (rules, date) = (f.rules(), f.date);
    let refuse = |n: &mut Notes, msg: Text, warn: bool| {
        if warn {
            n.warnings.push(msg);
        }
        trace!(
            n,
            rule.id.as_str(),
            looked.text(n),
            rule.source.as_str(),
            msg
        );
    };
    // Condition on the patient / facility.
    if !f.condition(rule.when) {
        let msg = tx!(
            n.t,
            "not added: condition `{}` does not hold",
            rule.when.name()
        );
        refuse(n, msg, false);
        return None;
    }
    // Facility standard (none for add-ons every facility claims).
    let filing = match rule.standard.as_deref() {
        None => None,
        Some(st) => match f.filing(st) {
            Some(filed) => Some(filed),
            None => {
                let name = f.standard_name(&mut n.t, st);
                let msg = tx!(
                    n.t,
                    "not added: facility standard {} is not filed (or not valid on {})",
                    name,
                    date
                );
                refuse(n, msg, false);
                return None;
            }
        },
    };
    let (tier_key, target) = pick_tier(f, n, rule, filing)?;
    // Already on the claim by hand (this code, or another code of the family on the same
    // base item: e.g. 加算2 listed where santei would add 加算1)?
    if let Some(c) = &target.code {
        let code = Code::parse(c).ok();
        if code.is_some() && work.iter().any(|l| l.line.code == code) {
            let msg = tx!(n.t, "{} is already on the claim", c);
            refuse(n, msg, false);
            return None;
        }
    }
    let siblings = rules.rule_siblings(ri);
    if let Some(l) = work
        .iter()
        .find(|l| l.input.is_some() && l.line.code.is_some_and(|c| siblings.contains(&c.0)))
    {
        let msg = tx!(
            n.t,
            "{} not added: {} {} of the same add-on is on the claim",
            &rule.name,
            l.line.code,
            l.name
        );
        refuse(n, msg, false);
        return None;
    }
    // Codes it may not be claimed with.
    if let Some(l) = work.iter().find(|l| {
        l.line.code.is_some_and(|x| {
            rule.not_with_codes
                .iter()
                .any(|c| Code::parse(c).is_ok_and(|c| c == x))
        })
    }) {
        let msg = tx!(
            n.t,
            "{} not added: {} {} is on the claim and the two are not claimed together ({})",
            &rule.name,
            l.line.code,
            l.name,
            &rule.source
        );
        refuse(n, msg, true);
        return None;
    }
    // Month exclusions.
    for x in rules
        .month_exclusions
        .iter()
        .filter(|x| x.refuse == rule.family && x.in_force(date))
    {
        if let Some(what) = claimed_in_month(f, n, work, &x.when_claimed) {
            let msg = tx!(
                n.t,
                "{} refused: {} is claimed in the same month ({}: {})",
                &rule.name,
                what,
                &x.id,
                &x.source
            );
            n.warnings.push(msg);
            trace!(n, x.id.as_str(), looked.text(n), x.source.as_str(), msg);
            return None;
        }
    }
    let (line, name, record) = resolve_target(f, n, rule, tier_key, target)?;
    // Limits: the rule's own, the 算定回数 table's for the code, shared allowances.
    if let Some(reason) = limit_refusal(f, n, work, rule, line.code, line.count) {
        let msg = tx!(n.t, "{} not added: {}", &rule.name, reason);
        refuse(n, msg, true);
        return None;
    }
    if !line.verified {
        n.warnings.push(tx!(
            n.t,
            "{} {}: unverified — {} (no official master confirms it)",
            line.code,
            line.name,
            &rule.source
        ));
    }
    trace!(
        n,
        rule.id.as_str(),
        filed_looked(n, looked, filing),
        rule.source.as_str(),
        tx!(
            n.t,
            "added {} {} ({} points)",
            line.code,
            line.name,
            line.points
        ),
    );
    Some(Work {
        line,
        name,
        family: Some(rule.family.as_str()),
        input: None,
        sub: None,
        parts: Vec::new(),
        removed: false,
        record,
    })
}

/// What the trace says was looked at, with the filing that let the add-on in.
fn filed_looked(n: &mut Notes, looked: Looked<'_>, filing: Option<&FiledStandard>) -> Text {
    let looked = looked.text(n);
    match filing {
        Some(filed) => {
            let tier = match filed.tier {
                Some(t) => Arg::Int(t.into()),
                None => Arg::Str("-"),
            };
            tx!(n.t, "{}; filed {} tier {}", looked, &filed.code, tier)
        }
        None => tx!(n.t, "{}; no filing needed", looked),
    }
}

/// The line an add-on rule adds: the target code's record for the date, or codeless points.
fn resolve_target<'a>(
    f: &Facts<'a>,
    n: &mut Notes,
    rule: &'a AddonRule,
    tier_key: TierKey,
    target: &'a Target,
) -> Option<(Line, &'a str, Option<&'a ProcedureRecord>)> {
    let date = f.date;
    if let Some(c) = &target.code {
        let code = Code::parse(c).ok()?;
        return match f.data().lookup(code, date) {
            Ok(e) => {
                let src = f.version_src(&mut n.t, e.version, lit!(""));
                let r = e.record();
                let p = r.points;
                Some((
                    Line {
                        code: Some(code),
                        name: n.t.str(&r.name),
                        points: p,
                        count: 1,
                        subtotal: p,
                        origin: "auto",
                        rule: n.t.str(&rule.id),
                        verified: e.version.verified && !rule.unverified,
                        source: src,
                        section: None,
                        group: None,
                        price: None,
                    },
                    r.name.as_str(),
                    Some(r),
                ))
            }
            Err(err) => {
                let m = n.t.own(format!(
                    "{} not added: {err} (rule {}: {})",
                    rule.name, rule.id, rule.source
                ));
                n.warnings.push(m);
                None
            }
        };
    }
    // Codeless: stated points, or the tier rules' points for the month and claim kind.
    let points = match (target.points, rule.points_from_tier_rules) {
        (Some(p), _) => Some((p, n.t.str(&rule.source))),
        (None, true) => tier_points(f, n, rule, tier_key),
        _ => None,
    };
    let Some((p, src)) = points else {
        n.warnings.push(tx!(
            n.t,
            "{} not added: no points for tier {} on {}",
            &rule.name,
            tier_key.arg(),
            date
        ));
        return None;
    };
    let name = target.name.as_deref().unwrap_or(rule.name.as_str());
    n.warnings.push(tx!(
        n.t,
        "{}: no official code is known; added by points only ({})",
        name,
        src
    ));
    Some((
        Line {
            code: None,
            name: n.t.str(name),
            points: p,
            count: 1,
            subtotal: p,
            origin: "auto",
            rule: n.t.str(&rule.id),
            verified: false,
            source: src,
            section: None,
            group: None,
            price: None,
        },
        name,
        None,
    ))
}
