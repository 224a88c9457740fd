//! Load-time checks of the receipt rules: every error names the file, the entry and the field.

use super::*;
use std::collections::{BTreeMap, BTreeSet};

/// Which file (index) each entry came from, per kind, in load order.
#[derive(Default)]
pub(super) struct Origin {
    sets: Vec<usize>,
    bundles: Vec<usize>,
    inclusions: Vec<usize>,
    tapers: Vec<usize>,
    requires: Vec<usize>,
    conflicts: Vec<usize>,
    not_within: Vec<usize>,
    replaces: Vec<usize>,
    times: Vec<usize>,
}

impl Origin {
    pub(super) fn note(&mut self, fi: usize, f: &RuleFile) {
        let rep = |v: &mut Vec<usize>, n: usize| v.extend(std::iter::repeat_n(fi, n));
        rep(&mut self.sets, f.set.len());
        rep(&mut self.bundles, f.bundle.len());
        rep(&mut self.inclusions, f.inclusion.len());
        rep(&mut self.tapers, f.taper.len());
        rep(&mut self.requires, f.requires.len());
        rep(&mut self.conflicts, f.conflicts.len());
        rep(&mut self.not_within, f.not_within.len());
        rep(&mut self.replaces, f.replaces.len());
        rep(&mut self.times, f.time.len());
    }
}

struct Ctx<'a> {
    names: &'a [&'a str],
    /// Set id → its versions (from, to), sorted by from.
    sets: BTreeMap<&'a str, Vec<(NaiveDate, Option<NaiveDate>)>>,
}

impl Ctx<'_> {
    fn err(&self, fi: usize, entry: String, field: &str, message: String) -> ReceiptRuleError {
        ReceiptRuleError {
            file: self.names.get(fi).copied().unwrap_or("?").to_string(),
            entry,
            field: (!field.is_empty()).then(|| field.to_string()),
            message,
        }
    }

    /// Whether the versions of set `id` cover every date of `from ..= to`.
    fn covers(&self, id: &str, from: NaiveDate, to: Option<NaiveDate>) -> Result<(), String> {
        let Some(versions) = self.sets.get(id) else {
            return Err(format!("unknown set {id:?}"));
        };
        let mut day = from;
        for &(f, t) in versions {
            if t.is_some_and(|t| t < day) {
                continue;
            }
            if f > day {
                break;
            }
            match t {
                None => return Ok(()),
                Some(t) => {
                    if to.is_some_and(|end| t >= end) {
                        return Ok(());
                    }
                    day = t.succ_opt().unwrap_or(t);
                }
            }
        }
        Err(format!(
            "set {id:?} is not in force on {day} (the rule runs {from} – {})",
            to.map_or("open".to_string(), |t| t.to_string())
        ))
    }
}

fn code_ok(c: &str) -> bool {
    c.len() == 9 && c.bytes().all(|b| b.is_ascii_digit())
}

pub(super) fn check(r: &ReceiptRules, o: &Origin, names: &[&str]) -> Result<(), ReceiptRuleError> {
    let mut cx = Ctx {
        names,
        sets: BTreeMap::new(),
    };
    if let Some(c) = &r.coverage {
        if c.to.is_some_and(|t| t < c.from) || c.source.trim().is_empty() {
            return Err(cx.err(
                0,
                "coverage".into(),
                "to",
                "ends before it starts or has no source".into(),
            ));
        }
    }
    // Sets: fields, then versions, then references.
    for (i, s) in r.sets.iter().enumerate() {
        let fi = o.sets[i];
        let e = |field: &str, m: String| cx.err(fi, format!("set {}", s.id), field, m);
        common(&s.id, &s.name, s.from, s.to, &s.source).map_err(|(f, m)| e(f, m))?;
        let has_criterion = !s.codes.is_empty()
            || !s.kubun.is_empty()
            || !s.bundled_test.is_empty()
            || !s.sections.is_empty()
            || !s.outpatient_mgmt.is_empty()
            || !s.time_addition.is_empty()
            || !s.test_judgement.is_empty()
            || !s.test_judgement_group.is_empty()
            || !s.tapering.is_empty()
            || !s.code_kinds.is_empty()
            || !s.union.is_empty();
        if !has_criterion {
            return Err(e(
                "codes",
                "a set needs at least one of codes, kubun, bundled_test, sections, outpatient_mgmt, time_addition, test_judgement, test_judgement_group, tapering, code_kinds, union".into(),
            ));
        }
        let mut seen = BTreeSet::new();
        for c in &s.codes {
            if !code_ok(c) {
                return Err(e("codes", format!("{c:?} is not a 9-digit code")));
            }
            if !seen.insert(c.as_str()) {
                return Err(e("codes", format!("{c} is listed twice")));
            }
        }
        for k in &s.kubun {
            KubunPattern::parse(k).map_err(|m| e("kubun", m))?;
        }
        for sec in &s.sections {
            if sec.len() != 2 || !sec.bytes().all(|b| b.is_ascii_digit()) {
                return Err(e("sections", format!("{sec:?} is not a 2-digit 診療識別")));
            }
        }
        if s.codes_confirmed_through.is_some() && s.codes.is_empty() {
            return Err(e(
                "codes_confirmed_through",
                "the set has no explicit codes".into(),
            ));
        }
        cx.sets
            .entry(s.id.as_str())
            .or_default()
            .push((s.from, s.to));
    }
    for versions in cx.sets.values_mut() {
        support::sort::sort(versions);
    }
    for (id, versions) in &cx.sets {
        for w in versions.windows(2) {
            if w[0].1.is_none_or(|t| t >= w[1].0) {
                let i = r
                    .sets
                    .iter()
                    .position(|s| s.id == *id && s.from == w[1].0)
                    .unwrap_or(0);
                return Err(cx.err(
                    o.sets[i],
                    format!("set {id}"),
                    "from",
                    format!(
                        "two versions overlap (one from {}, one from {})",
                        w[0].0, w[1].0
                    ),
                ));
            }
        }
    }
    for (i, s) in r.sets.iter().enumerate() {
        for (field, ids) in [
            ("union", &s.union),
            ("within", &s.within),
            ("except", &s.except),
        ] {
            for id in ids {
                if id == &s.id {
                    return Err(cx.err(
                        o.sets[i],
                        format!("set {}", s.id),
                        field,
                        "names itself".into(),
                    ));
                }
                cx.covers(id, s.from, s.to)
                    .map_err(|m| cx.err(o.sets[i], format!("set {}", s.id), field, m))?;
            }
        }
    }
    // No cycles through union/within/except.
    {
        let deps: BTreeMap<&str, BTreeSet<&str>> =
            r.sets.iter().fold(BTreeMap::new(), |mut m, s| {
                m.entry(s.id.as_str()).or_insert_with(BTreeSet::new).extend(
                    s.union
                        .iter()
                        .chain(&s.within)
                        .chain(&s.except)
                        .map(|x| x.as_str()),
                );
                m
            });
        let mut state: BTreeMap<&str, u8> = BTreeMap::new();
        fn visit<'a>(
            n: &'a str,
            deps: &BTreeMap<&'a str, BTreeSet<&'a str>>,
            state: &mut BTreeMap<&'a str, u8>,
        ) -> Option<&'a str> {
            match state.get(n) {
                Some(2) => return None,
                Some(1) => return Some(n),
                _ => {}
            }
            state.insert(n, 1);
            for d in deps.get(n).into_iter().flatten() {
                if let Some(c) = visit(d, deps, state) {
                    return Some(c);
                }
            }
            state.insert(n, 2);
            None
        }
        for n in deps.keys() {
            if let Some(c) = visit(n, &deps, &mut state) {
                let i = r.sets.iter().position(|s| s.id == c).unwrap_or(0);
                return Err(cx.err(
                    o.sets[i],
                    format!("set {c}"),
                    "union",
                    "the set refers to itself through other sets".into(),
                ));
            }
        }
    }
    // Rules.
    let mut ids: BTreeMap<&str, &str> = BTreeMap::new();
    macro_rules! head {
        ($kind:literal, $v:expr, $o:expr, $x:ident, $i:ident, $e:ident, $set:ident, $body:block) => {
            for ($i, $x) in $v.iter().enumerate() {
                let fi = $o[$i];
                let entry = format!("{} {}", $kind, $x.id);
                let $e = |field: &str, m: String| cx.err(fi, entry.clone(), field, m);
                common(&$x.id, &$x.name, $x.from, $x.to, &$x.source).map_err(|(f, m)| $e(f, m))?;
                if let Some(prev) = ids.insert($x.id.as_str(), $kind) {
                    return Err($e("id", format!("id used twice (also a {prev})")));
                }
                let $set =
                    |field: &str, id: &str| cx.covers(id, $x.from, $x.to).map_err(|m| $e(field, m));
                let _ = &$set;
                $body
            }
        };
    }
    head!("bundle", r.bundles, o.bundles, b, i, e, set, {
        set("members", &b.members)?;
        if b.scope == Scope::Claim {
            return Err(e(
                "scope",
                "a まるめ counts by day or month (scope = \"day\" or \"month\")".into(),
            ));
        }
        if b.steps.is_empty() && b.max_items.is_none() && b.max_points.is_none() {
            return Err(e("steps", "needs steps, max_items or max_points".into()));
        }
        let mut last_max: Option<u32> = None;
        for (k, s) in b.steps.iter().enumerate() {
            if s.min == 0 {
                return Err(e(
                    "steps",
                    format!("step {}: min must be at least 1", k + 1),
                ));
            }
            if s.max.is_some_and(|m| m < s.min) {
                return Err(e(
                    "steps",
                    format!(
                        "step {}: max {} is below min {}",
                        k + 1,
                        s.max.unwrap_or(0),
                        s.min
                    ),
                ));
            }
            if k > 0 {
                match last_max {
                    None => {
                        return Err(e(
                            "steps",
                            format!("step {}: follows an open-ended step", k + 1),
                        ))
                    }
                    Some(m) if s.min <= m => {
                        return Err(e(
                            "steps",
                            format!(
                                "step {}: min {} is not above the previous max {m}",
                                k + 1,
                                s.min
                            ),
                        ))
                    }
                    _ => {}
                }
            }
            if s.points <= Decimal::ZERO {
                return Err(e(
                    "steps",
                    format!("step {}: points must be positive", k + 1),
                ));
            }
            last_max = s.max;
        }
        if b.max_items == Some(0) {
            return Err(e("max_items", "must be at least 1".into()));
        }
        if b.max_points.is_some_and(|p| p <= Decimal::ZERO) {
            return Err(e("max_points", "must be positive".into()));
        }
        if let Some(a) = &b.addition {
            if !matches!(a.setting.as_str(), "inpatient" | "outpatient") {
                return Err(e(
                    "addition",
                    format!("setting {:?} is not inpatient or outpatient", a.setting),
                ));
            }
            if a.code.as_deref().is_some_and(|c| !code_ok(c)) {
                return Err(e("addition", format!("{:?} is not a 9-digit code", a.code)));
            }
            if a.source.trim().is_empty() || a.points <= Decimal::ZERO {
                return Err(e("addition", "needs a source and positive points".into()));
            }
        }
    });
    head!("inclusion", r.inclusions, o.inclusions, x, i, e, set, {
        set("by", &x.by)?;
        if x.includes.is_empty() {
            return Err(e("includes", "names no set".into()));
        }
        for s in &x.includes {
            set("includes", s)?;
        }
        for s in &x.except {
            set("except", s)?;
        }
    });
    head!("taper", r.tapers, o.tapers, t, i, e, set, {
        set("members", &t.members)?;
        for s in &t.unless {
            set("unless", s)?;
        }
        for s in &t.not_with {
            set("not_with", s)?;
        }
        for s in &t.also_counts {
            set("also_counts", s)?;
        }
        for (f, s) in [
            ("with_fee", &t.with_fee),
            ("without_fee", &t.without_fee),
            ("second", &t.second),
        ] {
            if let Some(s) = s {
                set(f, s)?;
            }
        }
        if let Some(c) = t.marker_code.as_deref().filter(|c| !code_ok(c)) {
            return Err(e("marker_code", format!("{c:?} is not a 9-digit code")));
        }
        // Which fields each mode takes.
        let given: Vec<(&str, bool)> = vec![
            ("rate", t.rate.is_some()),
            ("rounding", t.rounding.is_some()),
            ("reduced_upto", t.reduced_upto.is_some()),
            ("group_by", t.group_by.is_some()),
            ("from_nth", t.from_nth.is_some()),
            ("marker_code", t.marker_code.is_some()),
            ("threshold", t.threshold.is_some()),
            ("single_kind_price_max", t.single_kind_price_max.is_some()),
            ("temporary_days_max", t.temporary_days_max.is_some()),
            ("with_fee", t.with_fee.is_some()),
            ("without_fee", t.without_fee.is_some()),
            ("second", t.second.is_some()),
            ("not_with", !t.not_with.is_empty()),
            ("also_counts", !t.also_counts.is_empty()),
        ];
        let (required, optional): (&[&str], &[&str]) = match t.mode {
            TaperMode::Films => (&["rate", "rounding", "reduced_upto"], &["marker_code"]),
            TaperMode::SamePart => (&["rate", "rounding"], &["marker_code"]),
            TaperMode::MonthRepeat => (
                &["rate", "rounding", "group_by", "from_nth"],
                &["marker_code", "also_counts"],
            ),
            TaperMode::DrugKinds => (
                &["rate", "rounding", "threshold"],
                &[
                    "single_kind_price_max",
                    "temporary_days_max",
                    "with_fee",
                    "without_fee",
                    "marker_code",
                ],
            ),
            TaperMode::SecondDepartment => (&["second"], &["not_with"]),
        };
        for (f, present) in given {
            if required.contains(&f) && !present {
                return Err(e(f, format!("mode {:?} needs {f}", t.mode)));
            }
            if present && !required.contains(&f) && !optional.contains(&f) {
                return Err(e(f, format!("{f} is not used by mode {:?}", t.mode)));
            }
        }
        if t.with_fee.is_some() != t.without_fee.is_some() {
            return Err(e("with_fee", "with_fee and without_fee go together".into()));
        }
        if t.reduced_upto.is_some_and(|n| n < 2) {
            return Err(e("reduced_upto", "must be at least 2".into()));
        }
        if t.from_nth.is_some_and(|n| n < 2) {
            return Err(e("from_nth", "must be at least 2".into()));
        }
        if t.threshold.is_some_and(|n| n < 2) {
            return Err(e("threshold", "must be at least 2".into()));
        }
    });
    head!("requires", r.requires, o.requires, x, i, e, set, {
        set("code", &x.code)?;
        if x.needs.is_empty() {
            return Err(e("needs", "names no set".into()));
        }
        for s in &x.needs {
            set("needs", s)?;
        }
        if !matches!(x.effect, Effect::Error | Effect::Warn) {
            return Err(e("effect", "requires takes error or warn".into()));
        }
    });
    head!("conflicts", r.conflicts, o.conflicts, x, i, e, set, {
        set("a", &x.a)?;
        set("b", &x.b)?;
        if x.effect == Effect::Zero {
            return Err(e(
                "effect",
                "conflicts takes error, warn or drop_auto".into(),
            ));
        }
    });
    head!("not_within", r.not_within, o.not_within, x, i, e, set, {
        set("code", &x.code)?;
        set("after", &x.after)?;
        if x.effect == Effect::DropAuto {
            return Err(e("effect", "not_within takes error, warn or zero".into()));
        }
        let p = &x.period;
        if p.months == 0 {
            return Err(e("period", "months must be at least 1".into()));
        }
        if (p.holiday_back || p.month_end_back) && p.kind != PeriodKind::MonthElapsed {
            return Err(e(
                "period",
                "holiday_back and month_end_back go with kind = \"month_elapsed\"".into(),
            ));
        }
        if p.kind == PeriodKind::SameMonth && p.months != 1 {
            return Err(e("period", "same_month takes months = 1".into()));
        }
    });
    head!("replaces", r.replaces, o.replaces, x, i, e, set, {
        set("auto", &x.auto)?;
        set("by", &x.by)?;
    });
    let holiday_rules = crate::calendar::Calendar::embedded()
        .map(|c| c.rules.iter().map(|r| r.id.clone()).collect::<Vec<_>>())
        .unwrap_or_default();
    head!("time", r.times, o.times, x, i, e, set, {
        set("codes", &x.codes)?;
        if !matches!(x.effect, Effect::Error | Effect::Warn) {
            return Err(e("effect", "time takes error or warn".into()));
        }
        if !holiday_rules.contains(&x.holiday_rule) {
            return Err(e(
                "holiday_rule",
                format!(
                    "unknown 休日 rule {:?} (known: {})",
                    x.holiday_rule,
                    holiday_rules.join(", ")
                ),
            ));
        }
        if let Some(k) = x
            .facility_kind
            .as_deref()
            .filter(|k| !matches!(*k, "clinic" | "hospital"))
        {
            return Err(e(
                "facility_kind",
                format!("{k:?} is not clinic or hospital"),
            ));
        }
    });
    Ok(())
}

/// The fields every set and rule has.
fn common(
    id: &str,
    name: &str,
    from: NaiveDate,
    to: Option<NaiveDate>,
    source: &str,
) -> Result<(), (&'static str, String)> {
    if id.trim().is_empty() || id.chars().any(|c| c.is_whitespace()) {
        return Err(("id", format!("{id:?} is empty or has spaces")));
    }
    if name.trim().is_empty() {
        return Err(("name", "is empty".into()));
    }
    if source.trim().is_empty() {
        return Err((
            "source",
            "is empty: every set and rule names its 告示/通知 passage".into(),
        ));
    }
    if to.is_some_and(|t| t < from) {
        return Err((
            "to",
            format!("{} is before from {from}", to.unwrap_or(from)),
        ));
    }
    Ok(())
}
