//! Which tier of an add-on applies: `any`, the filed tier, the tier computed from the facility
//! profile for the month (rules/data/tier), or the rule's `tier_when` conditions.

use super::facts::Facts;
use super::notes::{trace, Notes};
use crate::claim::FiledStandard;
use crate::text::{Arg, Text};
use crate::{lit, tx};
use chrono::Datelike;
use rules::addons::{AddonRule, ClaimKind, Target};
use rust_decimal::Decimal;

/// Which tier of an add-on applies: every tier (`any`), or one.
#[derive(Clone, Copy)]
pub(crate) enum TierKey {
    Any,
    Tier(u8),
}

impl TierKey {
    pub(crate) fn arg(self) -> Arg<'static> {
        match self {
            TierKey::Any => Arg::Str("any"),
            TierKey::Tier(t) => Arg::Int(t.into()),
        }
    }
}

/// The tier's target of a rule, or `None` with a warning when no tier applies.
pub(crate) fn pick_tier<'a>(
    f: &Facts<'a>,
    n: &mut Notes,
    rule: &'a AddonRule,
    filing: Option<&'a FiledStandard>,
) -> Option<(TierKey, &'a Target)> {
    if let Some(t) = rule.tiers.get("any") {
        return Some((TierKey::Any, t));
    }
    let mut tier = filing.and_then(|filed| filed.tier);
    if let Some(computed) = computed_tier(f, n, rule) {
        match tier {
            None => {
                trace!(
                    n,
                    rule.id.as_str(),
                    lit!("facility.profile"),
                    lit!("rules/data/tier"),
                    tx!(n.t, "tier {} computed from the facility profile", computed),
                );
                tier = Some(computed);
            }
            Some(filed) if filed < computed => n.warnings.push(tx!(
                n.t,
                "{}: filed tier {} is better than the facility's data supports (tier {} for {}); the filed tier is used",
                &rule.name,
                filed,
                computed,
                Arg::Month(f.date)
            )),
            _ => {}
        }
    }
    if tier.is_none() {
        tier = rule
            .tier_when
            .iter()
            .find(|(_, c)| f.condition(*c))
            .and_then(|(k, _)| k.parse().ok());
    }
    let Some(t) = tier else {
        n.warnings.push(tx!(
            n.t,
            "{} not added: the filing of {} gives no tier",
            &rule.name,
            filing.map_or("(none)", |filed| filed.code.as_str())
        ));
        return None;
    };
    match rule.tiers.iter().find(|(k, _)| k.parse::<u8>() == Ok(t)) {
        Some((k, target)) => {
            tier_needs(f, n, rule, k, "filed tier");
            Some((TierKey::Tier(t), target))
        }
        None => {
            let m = n.t.own(format!(
                "{} not added: filed tier {t} does not exist on {} (tiers {})",
                rule.name,
                f.date,
                rule.tiers.keys().cloned().collect::<Vec<_>>().join(", ")
            ));
            n.warnings.push(m);
            None
        }
    }
}

/// Warn when a tier of an add-on needs a condition the claim does not show (the filing is the
/// facility's declaration; the claim may not state the capability).
pub(crate) fn tier_needs(f: &Facts<'_>, n: &mut Notes, rule: &AddonRule, tier: &str, what: &str) {
    for need in rule
        .tier_needs
        .iter()
        .filter(|need| need.in_force(f.date) && need.tiers.iter().any(|t| t == tier))
    {
        if !f.condition(need.when) {
            let m = n.t.own(format!(
                "{}: {what} {tier} requires that {} ({}); the claim does not show it for {}",
                rule.name,
                need.when.text(),
                need.source,
                f.date
            ));
            n.warnings.push(m);
        }
    }
}

/// The tier the facility profile supports for the month, when the claim gives a profile.
fn computed_tier(f: &Facts<'_>, n: &mut Notes, rule: &AddonRule) -> Option<u8> {
    let profile = f.claim.facility.profile.as_ref()?;
    let month = rules::YearMonth::new(f.date.year(), f.date.month())?;
    let result = f.tier_month.get_or_init(|| {
        // The facility's capabilities stated on the claim count for the profile too, unless
        // the profile states its own.
        let mut p = profile.clone();
        let facility = &f.claim.facility;
        if p.e_prescription_since.is_none() {
            p.e_prescription_since = facility.e_prescription_since.map(|d| d.0);
        }
        if p.electronic_sharing_since.is_none() {
            p.electronic_sharing_since = facility.electronic_sharing_since.map(|d| d.0);
        }
        Ok(f.engine.tiers.evaluate_month(&p, month))
    });
    let r = match result {
        Ok(r) => r,
        Err(e) => {
            let m = n.t.own(format!("facility.profile ignored: {e}"));
            n.warnings.push(m);
            return None;
        }
    };
    let tier_family = rule.tier_family.as_deref().unwrap_or(rule.family.as_str());
    let fam = r.family.as_deref()?;
    if !tier_family.starts_with(fam) && !rule.family.starts_with(fam) {
        return None;
    }
    let tier = r.tier.map(|t| t as u8);
    trace!(
        n,
        lit!("tier"),
        tx!(n.t, "facility profile, {}", Arg::Month(f.date)),
        lit!("rules/data/tier"),
        r.reason.as_str(),
    );
    tier
}

/// The points of a codeless add-on from the tier rules for the month and claim kind.
pub(crate) fn tier_points(
    f: &Facts<'_>,
    n: &mut Notes,
    rule: &AddonRule,
    tier_key: TierKey,
) -> Option<(Decimal, Text)> {
    let fam = rule.tier_family.as_deref()?;
    let month = rules::YearMonth::new(f.date.year(), f.date.month())?;
    let period = f
        .engine
        .tiers
        .periods()
        .iter()
        .find(|p| p.family == fam && p.covers(month))?;
    let pick = |t: &rules::tier::Tier| match rule.kind {
        ClaimKind::Ika => t.points.ika,
        ClaimKind::Shika => t.points.shika,
        ClaimKind::Chozai => t.points.chozai,
    };
    let tier = match tier_key {
        TierKey::Any => period.tiers.iter().find(|t| pick(t).is_some())?,
        TierKey::Tier(k) => period.tiers.iter().find(|t| t.number == u32::from(k))?,
    };
    let p = pick(tier)?;
    Some((
        Decimal::from(p),
        tx!(
            n.t,
            "{} tier {} ({}: {})",
            &period.id,
            tier.number,
            &period.file,
            &tier.source
        ),
    ))
}
