//! 医療DX add-on tiers (医療DX推進体制整備加算 → 電子的診療情報連携体制整備加算): which tier a
//! facility may file in each month, and what it is worth.
//!
//! Job: load the tier rule files (embedded with `include_str!`, or supplied as text), check
//! every name at load time, and evaluate a [`FacilityProfile`] month by month.
//!
//! Invariants:
//! - Every number (thresholds, points, periods, look-backs) comes from the rule data; this
//!   module holds none of them.
//! - No filesystem access: the library builds for `wasm32-unknown-unknown`.
//! - Evaluation never panics. A month no rule covers is `not_in_force`; a needed rate that is
//!   absent is `missing_rate`; a requirement that depends on an unknown fact is
//!   `unknown_requirement` — never a guess.
//! - A capability counts for month M when its start date is on or before the first day of M
//!   (the rules write `e_prescription_since <= start(M)`).
//! - The chosen tier is the qualified tier with the most points for the facility's fee table
//!   (医科 for hospital/clinic, 歯科 for dental, 調剤 for pharmacy); ties go to the lower
//!   tier number. A tier without points for that table does not exist for the facility.

pub mod facts;
pub mod profile;
pub mod syntax;

pub use profile::{FacilityKind, FacilityProfile, ProfileError, UsageRecord};
pub use syntax::{Basis, Period, Points, Require, Tier};

use crate::lang::check::{self, Signature, Type};
use crate::lang::eval::{eval, truth, Env, Tri, Value};
use crate::lang::{ErrorKind, RawError, RuleError, YearMonth};
use rust_decimal::Decimal;
use serde::{Serialize, Serializer};
use std::collections::{BTreeMap, HashMap};

/// The embedded rule files (file name, text): the `tier` files of `data/manifest.toml`.
pub static EMBEDDED: &[(&str, &str)] = include!(concat!(env!("OUT_DIR"), "/embedded_tier.rs"));

/// The texts in use: [`EMBEDDED`], or with the feature `fetched-data` the group `rules/tier`
/// given at run time ([`support::fetched`]).
pub fn embedded_texts() -> &'static [(&'static str, &'static str)] {
    #[cfg(feature = "fetched-data")]
    return support::fetched::group("rules/tier");
    #[cfg(not(feature = "fetched-data"))]
    EMBEDDED
}

/// The loaded and checked tier rules.
#[derive(Debug, Clone)]
pub struct TierRules {
    periods: Vec<Period>,
}

/// Names every tier rule may use, with their types.
pub fn base_signature() -> Signature {
    let sig = Signature::default()
        .name("usage_rate", Type::Num)
        .name("threshold", Type::Num)
        .name("e_prescription_since", Type::Date)
        .name("electronic_sharing_since", Type::Date)
        .name("kind", Type::Kind)
        .name("hospital", Type::Kind)
        .name("clinic", Type::Kind)
        .name("dental", Type::Kind)
        .name("pharmacy", Type::Kind)
        .function("receipt_rate", &[Type::Month], Type::Num)
        .function("online_rate", &[Type::Month], Type::Num)
        .function("start", &[Type::Month], Type::Date)
        .function("end", &[Type::Month], Type::Date);
    // The facts a profile may state, as data/tier/facts.toml declares them.
    facts::declared().iter().fold(sig, |sig, d| {
        sig.name(
            &d.name,
            match d.kind {
                facts::FactType::Bool => Type::Bool,
                facts::FactType::Fraction => Type::Num,
            },
        )
    })
}

fn check_file(periods: &[Period], sig0: &Signature) -> Result<(), RawError> {
    for p in periods {
        let mut sig = sig0.clone();
        for l in &p.lets {
            if sig.names.contains_key(&l.name) || sig.functions.contains_key(&l.name) {
                return Err(RawError::new(
                    ErrorKind::Duplicate {
                        what: "name".into(),
                        name: l.name.clone(),
                    },
                    l.span,
                ));
            }
            let t = check::check(&l.expr, &sig)?;
            sig = sig.name(&l.name, t);
        }
        for r in &p.rates {
            for m in &r.months {
                check::expect(m, Type::Month, &sig)?;
            }
            if let Some(w) = &r.when {
                check::expect(w, Type::Bool, &sig)?;
            }
        }
        let mut numbers = Vec::new();
        for t in &p.tiers {
            if numbers.contains(&t.number) {
                return Err(RawError::new(
                    ErrorKind::Duplicate {
                        what: "tier".into(),
                        name: t.number.to_string(),
                    },
                    t.span,
                ));
            }
            numbers.push(t.number);
            for th in &t.thresholds {
                if let Some(w) = &th.when {
                    check::expect(w, Type::Bool, &sig)?;
                }
            }
            if t.thresholds.iter().filter(|th| th.when.is_none()).count() > 1 {
                return Err(RawError::new(
                    ErrorKind::Duplicate {
                        what: "unconditional threshold in tier".into(),
                        name: t.number.to_string(),
                    },
                    t.span,
                ));
            }
            for r in &t.requires {
                check::expect(&r.expr, Type::Bool, &sig)?;
            }
        }
    }
    Ok(())
}

impl TierRules {
    /// The rules shipped with the library (`rules/data/tier/*.rules`).
    pub fn embedded() -> Result<TierRules, RuleError> {
        Self::from_sources(embedded_texts())
    }

    /// Loads rule files given as `(file name, text)`; checks syntax, names, types, duplicate
    /// rule ids and overlapping periods.
    pub fn from_sources<N: AsRef<str>, T: AsRef<str>>(
        sources: &[(N, T)],
    ) -> Result<TierRules, RuleError> {
        let sig = base_signature();
        let mut periods: Vec<Period> = Vec::new();
        let mut ids: HashMap<String, ()> = HashMap::new();
        for (name, text) in sources {
            let (name, text) = (name.as_ref(), text.as_ref());
            let ps = syntax::parse_file(name, text).map_err(|e| e.locate(name, text))?;
            check_file(&ps, &sig).map_err(|e| e.locate(name, text))?;
            for p in &ps {
                if let Some(q) = periods.iter().find(|q| overlaps(p, q)) {
                    return Err(RuleError::new(
                        name,
                        text,
                        p.span,
                        ErrorKind::Overlap(p.id.clone(), q.id.clone()),
                    ));
                }
                for t in &p.tiers {
                    for r in &t.requires {
                        if ids.insert(r.id.clone(), ()).is_some() {
                            return Err(RuleError::new(
                                name,
                                text,
                                r.span,
                                ErrorKind::Duplicate {
                                    what: "rule id".into(),
                                    name: r.id.clone(),
                                },
                            ));
                        }
                    }
                }
            }
            periods.extend(ps);
        }
        support::sort::sort_by_key(&mut periods, |p| p.from);
        Ok(TierRules { periods })
    }

    /// The periods, in order.
    pub fn periods(&self) -> &[Period] {
        &self.periods
    }

    /// Evaluates every month from `from` to `to` inclusive (empty when `to < from`).
    pub fn evaluate_range(
        &self,
        profile: &FacilityProfile,
        from: YearMonth,
        to: YearMonth,
    ) -> Vec<MonthResult> {
        from.through(to)
            .map(|m| self.evaluate_month(profile, m))
            .collect()
    }

    /// Decides the tier for one applicable month (適用月).
    pub fn evaluate_month(&self, profile: &FacilityProfile, month: YearMonth) -> MonthResult {
        match self.periods.iter().find(|p| p.covers(month)) {
            Some(p) => evaluate_period(p, profile, month),
            None => self.not_in_force(month),
        }
    }

    fn not_in_force(&self, month: YearMonth) -> MonthResult {
        let next = self
            .periods
            .iter()
            .filter(|p| p.from > month)
            .min_by_key(|p| p.from);
        let (family, reason) = match next {
            Some(p) if self.periods.iter().all(|q| q.from > month) => (
                Some(p.family.clone()),
                format!(
                    "{month}は{}の施行（{}）前のため、この加算はまだ存在しません。",
                    p.title, p.from
                ),
            ),
            _ => (
                None,
                format!("{month}を扱う規則データがありません（規則ファイルの対象期間外です）。"),
            ),
        };
        MonthResult::empty(month, family, Status::NotInForce, reason)
    }
}

fn overlaps(a: &Period, b: &Period) -> bool {
    let a_end = a.to.unwrap_or(YearMonth::new(9999, 12).unwrap_or(a.from));
    let b_end = b.to.unwrap_or(YearMonth::new(9999, 12).unwrap_or(b.from));
    a.from <= b_end && b.from <= a_end
}

/// Outcome of a month (判定結果の種類).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// A tier is met.
    Qualified,
    /// No tier is met.
    NoTier,
    /// No add-on of this kind exists in the month.
    NotInForce,
    /// The usage rate needed for the month is not in the profile.
    MissingRate,
    /// A better tier depends on a requirement that cannot be decided (a fact is unknown).
    UnknownRequirement,
}

/// A decimal serialized as a JSON number (exact text, e.g. `0.47`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Num(pub Decimal);

#[cfg(feature = "schema")]
impl schemars::JsonSchema for Num {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Num".into()
    }
    fn inline_schema() -> bool {
        true
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "number",
            "description": "An exact decimal written as a JSON number (e.g. 0.47)."
        })
    }
}

impl Serialize for Num {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        // An exact JSON number: the decimal's own digits (serde_json's arbitrary_precision),
        // never a binary float.
        let text = self.0.normalize().to_string();
        match text.parse::<serde_json::Number>() {
            Ok(n) => n.serialize(s),
            Err(_) => s.collect_str(&self.0),
        }
    }
}

/// The usage rate the decision used (使用した利用率).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct RateUsed {
    /// The month the rate was measured in.
    pub month: YearMonth,
    /// `receipt` or `online`.
    pub basis: Basis,
    /// The rate as a fraction (0.47 = 47%).
    pub value: Num,
}

/// A requirement that failed (未充足の要件).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Unmet {
    /// Rule id in the rule file, e.g. `dx_r7_04.t1.erx`.
    pub rule: String,
    /// The tier the requirement belongs to.
    pub tier: u32,
    /// Readable requirement.
    pub requirement: String,
    /// The usage-rate threshold (基準) of that tier in the month, from the tier rule file
    /// (`null` when the tier has no rate requirement).
    pub threshold: Option<Num>,
    /// Source citation of the rule.
    pub source: String,
}

/// A requirement that could not be decided (判定不能の要件).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct UnknownReq {
    pub rule: String,
    pub tier: u32,
    pub requirement: String,
    /// Why it is unknown (names the missing notice).
    pub message: String,
    pub source: String,
}

/// The decision for one month — the JSON contract of `santei tier`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct MonthResult {
    /// 適用月.
    pub month: YearMonth,
    /// Add-on family: `dx_suishin` (医療DX推進体制整備加算) or `denshi_renkei`
    /// (電子的診療情報連携体制整備加算); `null` when no rule data covers the month.
    pub family: Option<String>,
    /// Rule period id (e.g. `dx_r7_04`).
    pub period: Option<String>,
    /// qualified | no_tier | not_in_force | missing_rate | unknown_requirement.
    pub status: Status,
    /// The chosen tier (区分), `null` when none.
    pub tier: Option<u32>,
    /// Name of the chosen add-on, e.g. 医療DX推進体制整備加算1.
    pub name: Option<String>,
    /// Points of the chosen tier in the month (`null` per table without that tier).
    pub points: Option<Points>,
    /// The usage rate used, `null` when the month has no rate requirement or none is known.
    pub rate_used: Option<RateUsed>,
    /// The usage-rate threshold of the chosen tier (or, without a tier, of the lowest tier).
    pub threshold: Option<Num>,
    /// 小児科特例 applied to the threshold.
    pub pediatric_exemption: bool,
    /// Requirements that failed for the chosen tier's better alternatives (or all tiers).
    pub unmet: Vec<Unmet>,
    /// Requirements that could not be decided.
    pub unknown: Vec<UnknownReq>,
    /// With `unknown_requirement`: the tier the facility would get if the unknown
    /// requirements are met.
    pub provisional_tier: Option<u32>,
    /// One readable sentence (Japanese).
    pub reason: String,
}

impl MonthResult {
    fn empty(month: YearMonth, family: Option<String>, status: Status, reason: String) -> Self {
        MonthResult {
            month,
            family,
            period: None,
            status,
            tier: None,
            name: None,
            points: None,
            rate_used: None,
            threshold: None,
            pediatric_exemption: false,
            unmet: Vec::new(),
            unknown: Vec::new(),
            provisional_tier: None,
            reason,
        }
    }
}

/// Evaluation environment for one month and period.
struct MonthEnv<'a> {
    profile: &'a FacilityProfile,
    month: YearMonth,
    lets: BTreeMap<String, Value>,
    usage_rate: Option<Decimal>,
    threshold: Option<Decimal>,
}

fn opt<T>(v: Option<T>, f: impl FnOnce(T) -> Value) -> Value {
    v.map(f).unwrap_or(Value::Null)
}

impl Env for MonthEnv<'_> {
    fn month(&self) -> YearMonth {
        self.month
    }
    fn name(&self, name: &str) -> Value {
        if let Some(v) = self.lets.get(name) {
            return v.clone();
        }
        let p = self.profile;
        match name {
            "usage_rate" => opt(self.usage_rate, Value::Num),
            "threshold" => opt(self.threshold, Value::Num),
            "e_prescription_since" => opt(p.e_prescription_since, Value::Date),
            "electronic_sharing_since" => opt(p.electronic_sharing_since, Value::Date),
            "kind" => Value::Kind(p.kind.as_str().to_string()),
            "hospital" | "clinic" | "dental" | "pharmacy" => Value::Kind(name.to_string()),
            _ => fact_value(p, name),
        }
    }
    fn call(&self, name: &str, args: &[Value]) -> Value {
        let Some(Value::Month(m)) = args.first() else {
            return Value::Null;
        };
        match name {
            "receipt_rate" => opt(
                self.profile.usage_for(*m).and_then(|u| u.receipt_based),
                Value::Num,
            ),
            "online_rate" => opt(
                self.profile.usage_for(*m).and_then(|u| u.online_based),
                Value::Num,
            ),
            "start" => opt(m.first_day(), Value::Date),
            "end" => opt(m.last_day(), Value::Date),
            _ => Value::Null,
        }
    }
}

/// A declared fact of the profile: its stated value, or what an absent fact means (a bool
/// fact's default, otherwise unknown).
fn fact_value(p: &FacilityProfile, name: &str) -> Value {
    use facts::{Fact, FactType};
    match (p.facts.get(name), facts::find(name)) {
        (Some(Fact::Bool(b)), _) => Value::Bool(Tri::from_bool(*b)),
        (Some(Fact::Num(n)), _) => Value::Num(*n),
        (None, Some(d)) if d.kind == FactType::Bool => Value::Bool(match d.default {
            Some(b) => Tri::from_bool(b),
            None => Tri::Unknown,
        }),
        _ => Value::Null,
    }
}

fn column(points: &Points, kind: FacilityKind) -> Option<u32> {
    match kind {
        FacilityKind::Hospital | FacilityKind::Clinic => points.ika,
        FacilityKind::Dental => points.shika,
        FacilityKind::Pharmacy => points.chozai,
    }
}

fn pct(d: Decimal) -> String {
    format!("{}%", (d * Decimal::ONE_HUNDRED).normalize())
}

fn pts(p: Option<u32>) -> String {
    p.map(|v| format!("{v}点")).unwrap_or_else(|| "なし".into())
}

/// The add-on's name for the facility's kind: the kind's own name, else the tier's, else the
/// period's title and the tier number.
fn tier_name(p: &Period, t: &Tier, kind: FacilityKind) -> String {
    let own = match kind {
        FacilityKind::Hospital | FacilityKind::Clinic => &t.kind_names.ika,
        FacilityKind::Dental => &t.kind_names.shika,
        FacilityKind::Pharmacy => &t.kind_names.chozai,
    };
    own.clone()
        .or_else(|| t.name.clone())
        .unwrap_or_else(|| format!("{}{}", p.title, t.number))
}

/// A candidate usage rate allowed in the month.
#[derive(Debug, Clone)]
struct Candidate {
    basis: Basis,
    month: YearMonth,
    value: Option<Decimal>,
}

struct TierEval<'a> {
    tier: &'a Tier,
    points: u32,
    threshold: Option<Decimal>,
    exemption: bool,
    status: Tri,
    failed: Vec<&'a Require>,
    unknown: Vec<&'a Require>,
}

fn evaluate_period(p: &Period, profile: &FacilityProfile, month: YearMonth) -> MonthResult {
    let mut env = MonthEnv {
        profile,
        month,
        lets: BTreeMap::new(),
        usage_rate: None,
        threshold: None,
    };
    for l in &p.lets {
        let v = eval(&l.expr, &env);
        env.lets.insert(l.name.clone(), v);
    }
    let mut result =
        MonthResult::empty(month, Some(p.family.clone()), Status::NoTier, String::new());
    result.period = Some(p.id.clone());

    // 1. The usage rates the month may use; the best one counts.
    let mut candidates: Vec<Candidate> = Vec::new();
    // Rates the profile gives on a basis this month may not use (e.g. online-based from
    // 2025-02): said in the reason when no rate can be used.
    let mut refused: Vec<String> = Vec::new();
    for r in &p.rates {
        let allowed = r.when.as_ref().map_or(Tri::True, |w| truth(&eval(w, &env)));
        if allowed != Tri::True {
            for m in &r.months {
                if let Value::Month(rm) = eval(m, &env) {
                    let u = profile.usage_for(rm);
                    let given = match r.basis {
                        Basis::Receipt => u.and_then(|u| u.receipt_based),
                        Basis::Online => u.and_then(|u| u.online_based),
                    };
                    if let Some(v) = given {
                        refused.push(format!(
                            "{rm}の{}の利用率{}はこの月には使えません（{}）",
                            r.basis.ja(),
                            pct(v),
                            r.source
                        ));
                    }
                }
            }
            continue;
        }
        for m in &r.months {
            if let Value::Month(rm) = eval(m, &env) {
                let u = profile.usage_for(rm);
                let value = match r.basis {
                    Basis::Receipt => u.and_then(|u| u.receipt_based),
                    Basis::Online => u.and_then(|u| u.online_based),
                };
                candidates.push(Candidate {
                    basis: r.basis,
                    month: rm,
                    value,
                });
            }
        }
    }
    let best: Option<&Candidate> =
        candidates
            .iter()
            .filter(|c| c.value.is_some())
            .fold(None, |acc: Option<&Candidate>, c| match acc {
                Some(a) if a.value >= c.value => Some(a),
                _ => Some(c),
            });
    if !p.rates.is_empty() {
        match best {
            Some(c) => {
                env.usage_rate = c.value;
                result.rate_used = c.value.map(|v| RateUsed {
                    month: c.month,
                    basis: c.basis,
                    value: Num(v),
                });
            }
            None => {
                let first = candidates
                    .first()
                    .map(|c| format!("{}（{}）", c.month, c.basis.ja()))
                    .unwrap_or_else(|| "必要な月".into());
                let others: Vec<String> = candidates
                    .iter()
                    .skip(1)
                    .map(|c| format!("{}（{}）", c.month, c.basis.ja()))
                    .collect();
                let primary = candidates
                    .first()
                    .map(|c| c.month.to_string())
                    .unwrap_or_default();
                result.status = Status::MissingRate;
                result.reason = format!(
                    "{month}の{}の判定には{first}のマイナ保険証利用率が必要ですが、プロファイルにありません（{primary}の利用率なし{}）。",
                    p.title,
                    if others.is_empty() {
                        String::new()
                    } else {
                        format!("。代わりに使える {} もありません", others.join("、"))
                    }
                );
                for r in &refused {
                    result.reason.push_str(r);
                    result.reason.push('。');
                }
                return result;
            }
        }
    }

    // 2. Every tier that exists for the facility's fee table.
    let mut evals: Vec<TierEval> = Vec::new();
    for t in &p.tiers {
        let Some(points) = column(&t.points, profile.kind) else {
            continue;
        };
        let mut threshold = None;
        let mut exemption = false;
        for th in &t.thresholds {
            if let Some(w) = &th.when {
                if truth(&eval(w, &env)) == Tri::True {
                    threshold = Some(th.value);
                    exemption = true;
                    break;
                }
            }
        }
        if threshold.is_none() {
            threshold = t
                .thresholds
                .iter()
                .find(|th| th.when.is_none())
                .map(|th| th.value);
        }
        env.threshold = threshold;
        let mut status = Tri::True;
        let (mut failed, mut unknown) = (Vec::new(), Vec::new());
        for r in &t.requires {
            let v = truth(&eval(&r.expr, &env));
            match v {
                Tri::False => failed.push(r),
                Tri::Unknown => unknown.push(r),
                Tri::True => {}
            }
            status = status.and(v);
        }
        evals.push(TierEval {
            tier: t,
            points,
            threshold,
            exemption,
            status,
            failed,
            unknown,
        });
    }
    let better = |a: &TierEval, b: &TierEval| {
        a.points > b.points || (a.points == b.points && a.tier.number < b.tier.number)
    };
    let mut chosen: Option<&TierEval> = None;
    for e in evals.iter().filter(|e| e.status == Tri::True) {
        if chosen.is_none_or(|c| better(e, c)) {
            chosen = Some(e);
        }
    }
    let mut provisional: Option<&TierEval> = None;
    for e in evals.iter().filter(|e| e.status == Tri::Unknown) {
        let beats_chosen = chosen.is_none_or(|c| better(e, c));
        if beats_chosen && provisional.is_none_or(|c| better(e, c)) {
            provisional = Some(e);
        }
    }

    // 3. Explain: failures and unknowns of every tier better than the chosen one.
    for e in &evals {
        if chosen.is_some_and(|c| !better(e, c)) {
            continue;
        }
        for r in &e.failed {
            result.unmet.push(Unmet {
                rule: r.id.clone(),
                tier: e.tier.number,
                requirement: r.label.clone(),
                threshold: e.threshold.map(Num),
                source: r.source.clone(),
            });
        }
        for r in &e.unknown {
            result.unknown.push(UnknownReq {
                rule: r.id.clone(),
                tier: e.tier.number,
                requirement: r.label.clone(),
                message: r
                    .unknown
                    .clone()
                    .unwrap_or_else(|| "判定に必要な事実が不明です".into()),
                source: r.source.clone(),
            });
        }
    }

    let rate_phrase = |threshold: Option<Decimal>, exemption: bool| -> String {
        match (&result.rate_used, threshold) {
            (Some(r), Some(t)) => {
                let mut s = format!(
                    "{}の{}利用率{}（基準{}{}）",
                    r.month,
                    r.basis.ja(),
                    pct(r.value.0),
                    pct(t),
                    if exemption { "・小児科特例" } else { "" }
                );
                if let Some(first) = candidates.first() {
                    if first.month != r.month || first.basis != r.basis {
                        s.push_str(&match first.value {
                            Some(v) => format!(
                                "。{}の{}利用率{}より高いため、この値を使用",
                                first.month,
                                first.basis.ja(),
                                pct(v)
                            ),
                            None => format!(
                                "。{}の{}利用率がないため、この値を使用",
                                first.month,
                                first.basis.ja()
                            ),
                        });
                    }
                }
                s
            }
            _ => "利用率の要件なし".into(),
        }
    };

    // Rates on a basis this month may not use are said even when another rate counted.
    let refused_note: String = refused.iter().map(|r| format!("{r}。")).collect();
    match chosen {
        Some(c) => {
            result.tier = Some(c.tier.number);
            result.name = Some(tier_name(p, c.tier, profile.kind));
            result.points = Some(c.tier.points);
            result.threshold = c.threshold.map(Num);
            result.pediatric_exemption = c.exemption;
            let mut reason = format!(
                "{month}は{}（医科{}・歯科{}・調剤{}）を算定できます：{}",
                tier_name(p, c.tier, profile.kind),
                pts(c.tier.points.ika),
                pts(c.tier.points.shika),
                pts(c.tier.points.chozai),
                if result.rate_used.is_some() {
                    rate_phrase(c.threshold, c.exemption)
                } else {
                    let met: Vec<&str> = c.tier.requires.iter().map(|r| r.label.as_str()).collect();
                    format!("利用率の基準はなく、要件（{}）を満たします", met.join("・"))
                }
            );
            let ties: Vec<String> = evals
                .iter()
                .filter(|e| {
                    e.status == Tri::True && e.points == c.points && e.tier.number != c.tier.number
                })
                .map(|e| format!("加算{}", e.tier.number))
                .collect();
            if !ties.is_empty() {
                reason.push_str(&format!(
                    "。同点の{}も要件を満たしますが、番号の小さい加算{}を選びました",
                    ties.join("・"),
                    c.tier.number
                ));
            }
            let missed: Vec<String> = evals
                .iter()
                .filter(|e| better(e, c) && e.status == Tri::False)
                .map(|e| {
                    let labels: Vec<&str> = e.failed.iter().map(|r| r.label.as_str()).collect();
                    format!("加算{}は{}を満たさず", e.tier.number, labels.join("・"))
                })
                .collect();
            if !missed.is_empty() {
                reason.push_str(&format!("。{}", missed.join("、")));
            }
            if let Some(pv) = provisional {
                result.status = Status::UnknownRequirement;
                result.provisional_tier = Some(pv.tier.number);
                let msg = pv
                    .unknown
                    .first()
                    .and_then(|r| r.unknown.clone())
                    .unwrap_or_default();
                reason.push_str(&format!(
                    "。ただし上位の{}は要件不明：{}",
                    tier_name(p, pv.tier, profile.kind),
                    msg
                ));
            } else {
                result.status = Status::Qualified;
            }
            reason.push('。');
            reason.push_str(&refused_note);
            result.reason = reason;
        }
        None => {
            // Report the lowest tier's threshold as the bar that was missed.
            let lowest = evals.iter().min_by(|a, b| {
                a.points
                    .cmp(&b.points)
                    .then(b.tier.number.cmp(&a.tier.number))
            });
            if let Some(l) = lowest {
                result.threshold = l.threshold.map(Num);
                result.pediatric_exemption = l.exemption;
            }
            if let Some(pv) = provisional {
                result.status = Status::UnknownRequirement;
                result.provisional_tier = Some(pv.tier.number);
                let msg = pv
                    .unknown
                    .first()
                    .and_then(|r| r.unknown.clone())
                    .unwrap_or_default();
                let labels: Vec<&str> = pv.unknown.iter().map(|r| r.label.as_str()).collect();
                result.reason = format!(
                    "{month}の{}は、{}が判定できないため区分を決められません：{}。満たす場合は{}（医科{}・歯科{}・調剤{}）です。",
                    p.title,
                    labels.join("・"),
                    msg,
                    tier_name(p, pv.tier, profile.kind),
                    pts(pv.tier.points.ika),
                    pts(pv.tier.points.shika),
                    pts(pv.tier.points.chozai)
                );
            } else {
                result.status = Status::NoTier;
                let detail = match lowest {
                    Some(l) => {
                        let labels: Vec<&str> = l.failed.iter().map(|r| r.label.as_str()).collect();
                        format!(
                            "最も低い加算{}でも{}を満たしません（{}）",
                            l.tier.number,
                            labels.join("・"),
                            rate_phrase(l.threshold, l.exemption)
                        )
                    }
                    None => "この施設種別に該当する区分がありません".into(),
                };
                result.reason = format!(
                    "{month}は{}のいずれの区分も算定できません：{detail}。{refused_note}",
                    p.title
                );
            }
        }
    }
    result
}
