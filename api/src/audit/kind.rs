//! The kind of an engine error, by its message id (`calc/data/messages.tsv`, [`calc::catalog`]),
//! never by its wording: the id of the error itself, and for a receipt rule's finding
//! (`receipt.rule_why`: "{lines}: {why} (rule {id}: {source})") the id of its `why` — or, for
//! a `time` rule (whose why is the time check's own words, with no id), the rule's id among
//! the receipt rules' `[[time]]` entries (`rules/data/receipt/time.toml`).

use super::Kind;
use calc::output::CalcOutput;
use calc::text::{Segment, Text};
use calc::Engine;

/// The kind of the error `t` of `out`, and its message id (`None`: a message the catalog
/// lacks, kind [`Kind::Rule`]).
pub(crate) fn classify(engine: &Engine, out: &CalcOutput, t: Text) -> (Kind, Option<&'static str>) {
    let Some(id) = out.texts.message_id(t) else {
        return (Kind::Rule, None);
    };
    let kind = match id {
        "receipt.rule_why" => rule_why(engine, out, t),
        _ => by_id(id),
    };
    (kind, Some(id))
}

/// The kind of a message id of the engine's own checks.
pub(crate) fn by_id(id: &str) -> Kind {
    match id {
        "exclusions.refused"
        | "addons.same_month"
        | "addons.not_together"
        | "hand.same_month"
        | "hand.not_together"
        | "groups.exclude"
        | "receipt.claimed_with" => Kind::Exclusion,
        "receipt.included_in" => Kind::Inclusion,
        "receipt.needs_in_scope" | "groups.needs_base" | "hand.no_base" => Kind::BaseItem,
        "receipt.within_period" => Kind::Limit,
        "lines.standard_not_filed"
        | "lines.standard_not_stated"
        | "lines.hospital_only"
        | "lines.clinic_only"
        | "hand.tier_mismatch"
        | "hand.tier_condition" => Kind::FacilityStandard,
        "receipt.time_condition" => Kind::Time,
        x if x.starts_with("limits.") => Kind::Limit,
        x if x.starts_with("inclusions.") => Kind::Inclusion,
        x if x.starts_with("tier.") => Kind::FacilityStandard,
        _ => Kind::Rule,
    }
}

/// A receipt rule's finding: by the id of its `why` (the second argument), else a time rule
/// by the rule's id (the third argument).
fn rule_why(engine: &Engine, out: &CalcOutput, t: Text) -> Kind {
    let (_, args) = out.texts.template(t);
    if let Some(Segment::Text(why)) = args.get(1) {
        if let Some(id) = out.texts.message_id(*why) {
            return by_id(id);
        }
    }
    let rule = match args.get(2) {
        Some(Segment::Text(r)) => out.texts.string(*r),
        Some(Segment::Str(s)) => s.to_string(),
        _ => String::new(),
    };
    if engine.receipt_rules().times.iter().any(|x| x.id == rule) {
        Kind::Time
    } else {
        Kind::Rule
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_of_the_catalog_map_to_their_kind() {
        // Every id named here is in calc/data/messages.tsv.
        let c = calc::catalog::catalog();
        for (id, kind) in [
            ("exclusions.refused", Kind::Exclusion),
            ("addons.same_month", Kind::Exclusion),
            ("groups.needs_base", Kind::BaseItem),
            ("hand.no_base", Kind::BaseItem),
            ("limits.exceeded", Kind::Limit),
            ("lines.standard_not_filed", Kind::FacilityStandard),
            ("lines.age_range", Kind::Rule),
            ("receipt.included_in", Kind::Inclusion),
            ("receipt.needs_in_scope", Kind::BaseItem),
            ("receipt.claimed_with", Kind::Exclusion),
            ("receipt.within_period", Kind::Limit),
            ("receipt.time_condition", Kind::Time),
        ] {
            assert!(c.by_id(id).is_some(), "{id} is not in the catalog");
            assert_eq!(by_id(id), kind, "{id}");
        }
    }
}
