//! The engine: one claim in, points, lines, warnings, errors and a trace out.
//!
//! Steps, each writing trace entries (rule, what it looked at, the source of the fact):
//! 1. coverage: the date must be one the rule files cover;
//! 2. input lines: each code looked up for the date of service (点数識別 decides how its
//!    points count), age limits, 入外 scope, facility-standard gating, 注加算 groups;
//! 3. age add-ons (年齢加算1–4) added automatically;
//! 4. rule add-ons (the medical-DX families) added automatically when the rule files say so;
//! 5. frequency limits (算定回数 tables, the rules' own limits, shared allowances) and 背反
//!    (same time / day / week / month) against the history and this claim;
//! 6. totals, and the co-payment block when the patient's insurance facts are given.
//!
//! An input line that breaks a rule is an `errors` entry (the claim is wrong); an automatic
//! add-on that a rule refuses is not added, and `warnings` says why.

use crate::claim::{Claim, FacilityKind, FiledStandard, Setting};
use crate::copay::CopayOutput;
pub use crate::output::{dec, CalcOutput, Line, TraceEntry};
use crate::text::{Arg, IntoText, Sep, Text, Texts};
use crate::{lit, tx};
use chrono::{Datelike, NaiveDate};
use masters::tables::{ExclusionKind, ExclusionScope, TableKind};
use masters::{Code, Dataset, FacilityScope, InOutScope, PointKind, ProcedureRecord};
use rules::addons::{AddonRule, AddonRules, ClaimKind, Target};
use rules::tier::TierRules;
use rust_decimal::Decimal;
use serde_json::{json, Value};

/// Everything the engine reads. The CLI, the browser and the C ABI each build one
/// [`Engine`] (the standard implementation) from the embedded data or official files.
pub trait World {
    fn data(&self) -> &Dataset;
    fn addon_rules(&self) -> &AddonRules;
    fn tiers(&self) -> &TierRules;
    fn copay_tables(&self) -> &rules::copay::CopayTables;
}

/// Why an engine could not be built.
#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    #[error(transparent)]
    Load(#[from] masters::LoadError),
    #[error(transparent)]
    Addons(#[from] rules::addons::AddonRuleError),
    #[error("tier rules: {0}")]
    Tiers(String),
    #[error("co-payment tables: {0}")]
    Copay(String),
    #[error("{0}")]
    Data(String),
}

/// Why a claim could not be computed at all (bad input or data that cannot answer).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalcError {
    #[error(
        "date: {date} is before {from}, the first date santei's rule files cover ({source_note})"
    )]
    BeforeCoverage {
        date: NaiveDate,
        from: NaiveDate,
        source_note: String,
    },
    #[error("date: {date} is after {to}, the last date santei's rule files cover ({source_note})")]
    AfterCoverage {
        date: NaiveDate,
        to: NaiveDate,
        source_note: String,
    },
    #[error("items[{index}].code: {message}")]
    Item { index: usize, message: String },
    #[error("{0}")]
    Input(String),
}

/// The engine with its data: the standard [`World`].
#[derive(Clone, Debug)]
pub struct Engine {
    /// Shared, so that an engine with other co-payment tables is a cheap copy.
    data: std::sync::Arc<Dataset>,
    addons: AddonRules,
    tiers: TierRules,
    copay: rules::copay::CopayTables,
}

impl World for Engine {
    fn data(&self) -> &Dataset {
        &self.data
    }
    fn addon_rules(&self) -> &AddonRules {
        &self.addons
    }
    fn tiers(&self) -> &TierRules {
        &self.tiers
    }
    fn copay_tables(&self) -> &rules::copay::CopayTables {
        &self.copay
    }
}

impl Engine {
    /// The engine on santei's embedded data and rule files.
    pub fn embedded() -> Result<Engine, EngineError> {
        Engine::with_data(masters::pack::embedded()?)
    }

    /// The engine on a loaded data set, with the embedded rule files.
    pub fn with_data(data: Dataset) -> Result<Engine, EngineError> {
        Ok(Engine {
            data: std::sync::Arc::new(data),
            addons: AddonRules::embedded()?,
            tiers: TierRules::embedded().map_err(|e| EngineError::Tiers(e.to_string()))?,
            copay: rules::copay::CopayTables::embedded()
                .map_err(|e| EngineError::Copay(e.to_string()))?,
        })
    }

    /// The engine on official files given as bytes (the browser and the C ABI pass files
    /// this way); santei's unverified 2026 entries are laid over the dates the files do not
    /// reach.
    pub fn from_official_files(files: Vec<masters::NamedFile>) -> Result<Engine, EngineError> {
        let (ds, _notes) = masters::pack::load_official_files(files)?;
        Engine::with_data(ds)
    }

    /// The same engine with other co-payment tables (e.g. with local programmes declared, or
    /// a confirmed table added): claims' co-payment blocks and receipts use them.
    pub fn with_copay_tables(mut self, tables: rules::copay::CopayTables) -> Engine {
        self.copay = tables;
        self
    }

    pub fn data(&self) -> &Dataset {
        &self.data
    }
    pub fn tiers(&self) -> &TierRules {
        &self.tiers
    }
    pub fn addon_rules(&self) -> &AddonRules {
        &self.addons
    }
    pub fn copay_tables(&self) -> &rules::copay::CopayTables {
        &self.copay
    }

    /// Compute one claim. The result's texts borrow from the engine and the claim.
    pub fn calc<'a>(&'a self, claim: &'a Claim) -> Result<CalcOutput<'a>, CalcError> {
        calculate(self, claim)
    }
}

fn num(d: Decimal) -> Value {
    let text = d.normalize().to_string();
    text.parse::<serde_json::Number>()
        .map(Value::Number)
        .unwrap_or(Value::String(text))
}

/// The fee revision between the publication of the official master in use and `date`, if
/// any (the master does not reflect it), with the master's publication date.
pub fn revision_after_data<'r>(
    ds: &Dataset,
    rules: &'r AddonRules,
    date: NaiveDate,
) -> Option<(&'r rules::addons::Revision, NaiveDate)> {
    let as_of = ds.official_through?;
    rules
        .revisions
        .iter()
        .rev()
        .find(|r| as_of < r.date && r.date <= date)
        .map(|r| (r, as_of))
}

/// The JSON object of `santei master show` for one code on one date.
pub fn entry_json(
    e: &masters::Entry<'_>,
    ds: &Dataset,
    rules: &AddonRules,
    date: NaiveDate,
) -> Value {
    let r = e.record();
    let mut o = json!({
        "code": e.code.to_string(),
        "name": r.name,
        "points": num(r.points),
        "point_kind": r.point_kind.as_str(),
        "valid_from": e.valid_from.to_string(),
        "valid_to": e.valid_to.map(|d| d.to_string()),
        "addon_group": r.addon_group().map(|(c, s)| json!({"code": c, "serial": s.to_string()})),
        "facility_standards": r.facility_standards().map(|c| c.to_string()).collect::<Vec<_>>(),
        "max_count": r.max_count,
        "in_out": r.in_out.as_str(),
        "age_lower": r.age_lower.code(),
        "age_upper": r.age_upper.code(),
        "age_addons": r.age_addons().map(|a| json!({
            "lower": a.lower.code(), "upper": a.upper.code(), "code": a.code.to_string()})).collect::<Vec<_>>(),
        "verified": e.version.verified,
        "valid_to_verified": e.version.end_verified,
        "sources": e.version.sources.iter().map(|s| if s.line > 0 { format!("{}:{}", s.file, s.line) } else { s.file.to_string() }).collect::<Vec<_>>(),
    });
    // An official record for a date after a revision the master predates is not confirmed
    // for that date (as `santei calc` says of its lines).
    if let Some((rev, as_of)) = revision_after_data(ds, rules, date).filter(|_| e.version.verified)
    {
        o["verified"] = Value::Bool(false);
        o["note"] = Value::String(format!(
            "{} ({}): the official master in use was published up to {as_of}, before this revision; the record as in force before it, not confirmed for {date}",
            rev.name, rev.date
        ));
    }
    if ds.tables.has(TableKind::Frequency) {
        let f: Vec<Value> = ds
            .tables
            .frequency_on(e.code, date)
            .map(|f| json!({"unit": f.unit.name, "unit_code": f.unit.code, "count": f.count, "verified": f.source.verified}))
            .collect();
        o["frequency"] = match f.len() {
            0 => Value::Null,
            1 => f[0].clone(),
            _ => Value::Array(f),
        };
    }
    o
}

/// A line in progress, with what the checks need.
struct Work<'a> {
    line: Line,
    /// The line's name, for messages.
    name: &'a str,
    family: Option<&'a str>,
    /// Index in `claim.items` for input lines.
    input: Option<usize>,
    removed: bool,
    /// The schedule record of the line's code on the date (none for caller-stated points
    /// and codeless add-ons).
    record: Option<&'a ProcedureRecord>,
}

/// `points × count`, exactly (whole points multiply as integers).
fn subtotal(points: Decimal, count: i64) -> Decimal {
    if points.scale() == 0 {
        if let Some(n) = i64::try_from(points.mantissa())
            .ok()
            .and_then(|m| m.checked_mul(count))
        {
            return Decimal::from(n);
        }
    }
    points * Decimal::from(count)
}

/// The exact sum (whole points add as integers).
fn sum(values: impl Iterator<Item = Decimal> + Clone) -> Decimal {
    let whole = values.clone().try_fold(0i64, |acc, d| {
        if d.scale() != 0 {
            return None;
        }
        acc.checked_add(i64::try_from(d.mantissa()).ok()?)
    });
    match whole {
        Some(n) => Decimal::from(n),
        None => values.sum(),
    }
}

fn month_index(d: NaiveDate) -> i32 {
    d.year() * 12 + d.month0() as i32
}

/// Days since a Sunday epoch: same week ⇔ same `week_index` (weeks run Sunday–Saturday).
fn week_index(d: NaiveDate) -> i64 {
    let days = d.num_days_from_ce() as i64; // 0001-01-01 is a Monday
    (days + 1).div_euclid(7)
}

/// Whether `other` falls in the same counting window as `date` for a 算定単位.
/// `None` when santei does not check that unit (reported in the trace).
fn in_window(unit: u16, date: NaiveDate, other: NaiveDate) -> Option<bool> {
    let months = |n: i32| {
        let (m, o) = (month_index(date), month_index(other));
        o <= m && o > m - n
    };
    Some(match unit {
        121 => other == date,
        131 => months(1),
        138 => week_index(other) == week_index(date),
        143 => months(2),
        144 => months(3),
        145 => months(4),
        146 => months(6),
        147 => months(12),
        148 => months(60),
        53 => true,
        _ => return None,
    })
}

/// A number as text without allocating (facility-standard codes are compared as text).
fn u16_str(n: u16, buf: &mut [u8; 5]) -> &str {
    let mut i = buf.len();
    let mut n = n;
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    std::str::from_utf8(&buf[i..]).unwrap_or_default()
}

/// Push one trace entry; each part is a [`Text`] or a borrowed or owned string, evaluated
/// in order (so a part may record its words in `$cx.t`).
macro_rules! trace {
    ($cx:expr, $rule:expr, $looked:expr, $source:expr, $decision:expr $(,)?) => {{
        let rule = IntoText::into_text($rule, &mut $cx.t);
        let looked_at = IntoText::into_text($looked, &mut $cx.t);
        let source = IntoText::into_text($source, &mut $cx.t);
        let decision = IntoText::into_text($decision, &mut $cx.t);
        $cx.trace.push(TraceEntry {
            rule,
            looked_at,
            source,
            decision,
        });
    }};
}

struct Ctx<'a, W: World + ?Sized> {
    w: &'a W,
    claim: &'a Claim,
    date: NaiveDate,
    t: Texts<'a>,
    trace: Vec<TraceEntry>,
    warnings: Vec<Text>,
    errors: Vec<Text>,
    /// The facility profile's tier result for the month, computed once per claim.
    tier_month: Option<Result<rules::tier::MonthResult, String>>,
}

impl<'a, W: World + ?Sized> Ctx<'a, W> {
    /// The filing that meets a standard on the date (directly or through `satisfied_by`).
    fn filing(&self, standard: &str) -> Option<&'a FiledStandard> {
        let also: &[String] = self
            .w
            .addon_rules()
            .standard(standard)
            .map_or(&[], |s| s.satisfied_by.as_slice());
        self.claim
            .facility
            .standards
            .iter()
            .find(|f| (f.code == standard || also.contains(&f.code)) && f.valid_on(self.date))
    }

    /// `id (name)` of a standard, or the id alone when the rule files do not name it.
    fn standard_name(&mut self, id: &'a str) -> Text {
        match self.w.addon_rules().standard(id) {
            Some(s) => tx!(self.t, "{} ({})", id, &s.name),
            None => self.t.str(id),
        }
    }

    /// Where a version of the schedule comes from (`file:line`), or `fallback`.
    fn version_src(&mut self, v: &'a masters::Version, fallback: Text) -> Text {
        match v.sources.first() {
            Some(s) => tx!(self.t, "{}", Arg::Src(&s.file, s.line as u32)),
            None => fallback,
        }
    }

    fn condition(&self, name: &str) -> bool {
        let erx = self
            .claim
            .facility
            .e_prescription_since
            .is_some_and(|d| d.0 <= self.date);
        let sharing = self
            .claim
            .facility
            .electronic_sharing_since
            .is_some_and(|d| d.0 <= self.date);
        match name {
            "mynumber_card" => self.claim.patient.mynumber_card,
            "not mynumber_card" => !self.claim.patient.mynumber_card,
            "e_prescription" => erx,
            "not e_prescription" => !erx,
            "electronic_sharing" => sharing,
            "e_prescription_or_electronic_sharing" => erx || sharing,
            _ => true, // "always" (names are checked when the rules load)
        }
    }

    fn age_ok(&self, lower: masters::AgeBound, upper: masters::AgeBound) -> bool {
        let birth = self.claim.patient.birth_date.0;
        let lo = lower.threshold_date(birth).is_none_or(|t| self.date >= t);
        let hi = upper.threshold_date(birth).is_none_or(|t| self.date < t);
        lo && hi
    }
}

/// Compute one claim against a world.
pub fn calculate<'a, W: World + ?Sized>(
    w: &'a W,
    claim: &'a Claim,
) -> Result<CalcOutput<'a>, CalcError> {
    let date = claim.date.0;
    let rules = w.addon_rules();
    if let Some(cov) = &rules.coverage {
        if date < cov.from {
            return Err(CalcError::BeforeCoverage {
                date,
                from: cov.from,
                source_note: cov.source.clone(),
            });
        }
        if let Some(to) = cov.to.filter(|&to| date > to) {
            return Err(CalcError::AfterCoverage {
                date,
                to,
                source_note: cov.to_source.clone().unwrap_or_default(),
            });
        }
    }
    let mut cx = Ctx {
        w,
        claim,
        date,
        t: Texts::with_capacity(64 + 16 * claim.items.len()),
        trace: Vec::with_capacity(16 + 2 * claim.items.len()),
        warnings: Vec::with_capacity(4),
        errors: Vec::new(),
        tier_month: None,
    };
    let schedule = &w.data().schedule;
    let mut work: Vec<Work<'a>> = Vec::with_capacity(claim.items.len() + 4);
    if claim.items.is_empty() && claim.visit.is_none() {
        cx.warnings.push(lit!(
            "the claim lists no items (and no 歯科/調剤 visit): nothing to compute"
        ));
    }
    for (i, h) in claim.history.iter().enumerate() {
        if schedule.history(h.code).is_none() {
            cx.warnings.push(tx!(
                cx.t,
                "history[{}].code: {} is not in the schedule ({}); it counts for no limit",
                i,
                h.code,
                &w.data().label
            ));
        }
    }

    // ── 2. input lines ──
    // Items are processed in code order (then count), so the result does not depend on the
    // order the caller listed them in; messages keep the caller's item index.
    let mut order: Vec<usize> = (0..claim.items.len()).collect();
    order.sort_by(|&a, &b| {
        let (x, y) = (&claim.items[a], &claim.items[b]);
        x.code.cmp(&y.code).then(x.count.cmp(&y.count))
    });
    let inpatient = claim.setting == Setting::Inpatient;
    for i in order {
        let it = &claim.items[i];
        let code = it.code;
        let entry = match w.data().lookup(code, date) {
            Ok(e) => e,
            Err(masters::LookupError::UnknownCode(_))
                if claim.kind != ClaimKind::Ika && it.points.is_some() =>
            {
                let p = it.points.unwrap_or_default();
                trace!(
                    cx,
                    lit!("input.caller_points"),
                    tx!(cx.t, "items[{}] {}", i, code),
                    lit!("the claim (caller-stated points)"),
                    tx!(
                        cx.t,
                        "{} points as stated; santei has no record of this code",
                        p
                    ),
                );
                let name = it.name.as_deref().unwrap_or("");
                work.push(Work {
                    line: Line {
                        code: Some(code),
                        name: cx.t.str(name),
                        points: p,
                        count: it.count,
                        subtotal: subtotal(p, it.count),
                        origin: "input",
                        rule: lit!("caller_points"),
                        verified: false,
                        source: lit!("points stated in the claim"),
                    },
                    name,
                    family: None,
                    input: Some(i),
                    removed: false,
                    record: None,
                });
                continue;
            }
            Err(e) => {
                return Err(CalcError::Item {
                    index: i,
                    message: format!("{e} (data: {})", w.data().label),
                });
            }
        };
        let r = entry.record();
        let name = r.name.as_str();
        let label = cx.t.str(&w.data().label);
        let src = cx.version_src(entry.version, label);
        let (points, rule) = match r.point_kind {
            PointKind::Points => (r.points, lit!("point_kind:points")),
            PointKind::MinusPoints => (-r.points, lit!("point_kind:minus_points")),
            PointKind::PercentAdd | PointKind::PercentSub => {
                (Decimal::ZERO, lit!("point_kind:percent"))
            }
            PointKind::Yen => {
                cx.warnings.push(tx!(
                    cx.t,
                    "{} {}: an amount in yen (点数識別 1), not added to the points",
                    code,
                    name
                ));
                (Decimal::ZERO, lit!("point_kind:yen"))
            }
            other => {
                cx.warnings.push(tx!(
                    cx.t,
                    "{} {}: 点数識別 {} is counted at its stated points",
                    code,
                    name,
                    other.as_str()
                ));
                (r.points, lit!("point_kind:other"))
            }
        };
        trace!(
            cx,
            rule,
            tx!(
                cx.t,
                "{} on {}: 点数識別 {}, 新又は現点数 {}",
                code,
                date,
                r.point_kind.as_str(),
                r.points
            ),
            src,
            tx!(cx.t, "{} points × {}", points, it.count),
        );
        if !entry.version.verified {
            cx.warnings.push(tx!(
                cx.t,
                "{} {}: not confirmed by an official master (santei's own entry: {})",
                code,
                name,
                src
            ));
        }
        // 入外適用区分
        match (r.in_out, inpatient) {
            (InOutScope::InpatientOnly, false) => cx.errors.push(tx!(
                cx.t,
                "{} {}: inpatient receipts only (入外適用区分 1), the claim is {}",
                code,
                name,
                claim.setting.as_str()
            )),
            (InOutScope::OutpatientOnly, true) => cx.errors.push(tx!(
                cx.t,
                "{} {}: outpatient receipts only (入外適用区分 2), the claim is inpatient",
                code,
                name
            )),
            _ => {}
        }
        // 病院・診療所区分
        match (r.facility_scope, claim.facility.kind) {
            (FacilityScope::HospitalOnly, k) if k != FacilityKind::Hospital => cx.errors.push(tx!(
                cx.t,
                "{} {}: hospitals only (病院・診療所区分 1), the facility is a {}",
                code,
                name,
                k.as_str()
            )),
            (FacilityScope::ClinicOnly, FacilityKind::Hospital) => cx.errors.push(tx!(
                cx.t,
                "{} {}: clinics only (病院・診療所区分 2), the facility is a hospital",
                code,
                name
            )),
            _ => {}
        }
        // 下限/上限年齢
        if !cx.age_ok(r.age_lower, r.age_upper) {
            cx.errors.push(tx!(
                cx.t,
                "{} {}: the patient (born {}) is outside its age range ({}–{}) on {}",
                code,
                name,
                claim.patient.birth_date.0,
                Arg::Age(r.age_lower),
                Arg::Age(r.age_upper),
                date
            ));
        }
        // 施設基準
        let family = rules.family_of_code(code.0);
        if r.facility_standards().next().is_some() {
            let mut buf = [0u8; 5];
            let ok = r
                .facility_standards()
                .any(|s| cx.filing(u16_str(s, &mut buf)).is_some());
            let names = r
                .facility_standards()
                .map(|s| {
                    let id = s.to_string();
                    match rules.standard(&id) {
                        Some(st) => format!("{id} ({})", st.name),
                        None => id,
                    }
                })
                .collect::<Vec<_>>()
                .join(" or ");
            let names = cx.t.own(names);
            if ok {
                trace!(
                    cx,
                    lit!("facility_standard"),
                    tx!(cx.t, "{} needs {}", code, names),
                    src,
                    lit!("filed and valid on the date"),
                );
            } else {
                cx.errors.push(tx!(
                    cx.t,
                    "{} {}: needs facility standard {} filed and valid on {}; the facility has not filed it",
                    code,
                    name,
                    names,
                    date
                ));
            }
        } else if let Some(rule) = family.and_then(|f| {
            rules
                .addons
                .iter()
                .find(|a| a.family == f && a.from <= date && a.to.is_none_or(|t| date <= t))
        }) {
            // Add-on codes whose standard has no official code (e.g. 医療情報取得加算).
            if let Some(st) = rule.standard.as_deref().filter(|s| cx.filing(s).is_none()) {
                let std_name = cx.standard_name(st);
                cx.errors.push(tx!(
                    cx.t,
                    "{} {}: needs facility standard {} valid on {}; the facility has not stated it",
                    code,
                    name,
                    std_name,
                    date
                ));
            }
        }
        work.push(Work {
            line: Line {
                code: Some(code),
                name: cx.t.str(name),
                points,
                count: it.count,
                subtotal: subtotal(points, it.count),
                origin: "input",
                rule,
                verified: entry.version.verified,
                source: src,
            },
            name,
            family,
            input: Some(i),
            removed: false,
            record: Some(r),
        });
    }

    // 注加算: additions need their base item; additions with the same 通番 exclude each other;
    // percentages apply to the base.
    addon_groups(&mut cx, &mut work);

    // ── 3. age add-ons ──
    let n_input = work.len();
    for i in 0..n_input {
        let (Some(rec), Some(code)) = (work[i].record, work[i].line.code) else {
            continue;
        };
        for (slot, a) in rec.age_addons().enumerate() {
            if !cx.age_ok(a.lower, a.upper) {
                continue;
            }
            if work.iter().any(|l| l.line.code == Some(a.code)) {
                trace!(
                    cx,
                    lit!("age_addon"),
                    tx!(cx.t, "{} 年齢加算{} → {}", code, slot + 1, a.code),
                    lit!("master 年齢加算"),
                    lit!("already on the claim"),
                );
                continue;
            }
            match w.data().lookup(a.code, date) {
                Ok(ae) => {
                    let ar = ae.record();
                    let p = ar.points;
                    let count = work[i].line.count;
                    trace!(
                        cx,
                        lit!("age_addon"),
                        tx!(
                            cx.t,
                            "{} 年齢加算{}: {}–{}, patient born {}",
                            code,
                            slot + 1,
                            Arg::Age(a.lower),
                            Arg::Age(a.upper),
                            claim.patient.birth_date.0
                        ),
                        tx!(cx.t, "master {} 年齢加算{} → {}", code, slot + 1, a.code),
                        tx!(cx.t, "added {} {} ({} points)", a.code, &ar.name, p),
                    );
                    work.push(Work {
                        line: Line {
                            code: Some(a.code),
                            name: cx.t.str(&ar.name),
                            points: p,
                            count,
                            subtotal: subtotal(p, count),
                            origin: "auto",
                            rule: tx!(cx.t, "age_addon:{}", code),
                            verified: ae.version.verified,
                            source: tx!(cx.t, "master {} 年齢加算{}", code, slot + 1),
                        },
                        name: &ar.name,
                        family: None,
                        input: None,
                        removed: false,
                        record: Some(ar),
                    });
                }
                Err(e) => {
                    let m =
                        cx.t.own(format!("age add-on {} of {code} not added: {e}", a.code));
                    cx.warnings.push(m);
                }
            }
        }
    }

    // ── 4. rule add-ons ──
    rule_addons(&mut cx, &mut work);

    // ── 5. the add-on rules for add-on codes listed by hand, limits and exclusions ──
    input_addon_checks(&mut cx, &work);
    input_limits(&mut cx, &work);
    exclusions(&mut cx, &mut work);

    // ── 6. totals ──
    let mut lines: Vec<Line> = Vec::with_capacity(work.len());
    lines.extend(work.iter().filter(|l| !l.removed).map(|l| l.line));
    lines_after_revision(&mut cx, &mut lines);
    let total = sum(lines.iter().map(|l| l.subtotal));
    trace!(
        cx,
        lit!("total"),
        tx!(cx.t, "{} lines", lines.len()),
        lit!("sum of subtotals"),
        tx!(cx.t, "{} points", total),
    );
    let copay = copay_block(&mut cx, total)?;
    Ok(CalcOutput {
        total_points: total,
        lines,
        warnings: cx.warnings,
        errors: cx.errors,
        trace: cx.trace,
        copay,
        texts: cx.t,
    })
}

/// A revision between the data's publication and the date of service: the official master
/// does not reflect it, so the lines it gives are not confirmed for the date (santei's own
/// entries for the revision are unverified already). One warning names the codes.
fn lines_after_revision<'a, W: World + ?Sized>(cx: &mut Ctx<'a, W>, lines: &mut [Line]) {
    let w: &'a W = cx.w;
    let date = cx.date;
    let Some((rev, as_of)) = revision_after_data(w.data(), w.addon_rules(), date) else {
        return;
    };
    let mut codes = String::new();
    for l in lines.iter_mut().filter(|l| l.verified) {
        if let Some(c) = l.code {
            if !codes.is_empty() {
                codes.push_str(", ");
            }
            codes.push_str(&c.to_string());
            l.verified = false;
        }
    }
    if codes.is_empty() {
        return;
    }
    let codes = cx.t.own(codes);
    let msg = tx!(
        cx.t,
        "{} ({}): the official master in use was published up to {}, before this revision; {}: points as in force before it, not confirmed for {}",
        &rev.name,
        rev.date,
        as_of,
        codes,
        date
    );
    cx.warnings.push(msg);
    trace!(
        cx,
        lit!("data.revision"),
        tx!(
            cx.t,
            "official master through {}; date of service {}",
            as_of,
            date
        ),
        rev.source.as_str(),
        msg,
    );
}

fn addon_groups<'a, W: World + ?Sized>(cx: &mut Ctx<'a, W>, work: &mut [Work<'a>]) {
    let group = |l: &Work<'a>| {
        let r = l.record?;
        r.addon_group().map(|(g, s)| (g, s, r.point_kind, r.points))
    };
    if !work
        .iter()
        .any(|l| group(l).is_some_and(|(_, s, _, _)| !s.is_base()))
    {
        return;
    }
    let groups: Vec<_> = work.iter().map(group).collect();
    for i in 0..work.len() {
        let Some((g, s, kind, pts)) = groups[i] else {
            continue;
        };
        if s.is_base() {
            continue;
        }
        let code = work[i].line.code;
        let base = (0..work.len())
            .find(|&j| matches!(groups[j], Some((g2, s2, _, _)) if g2 == g && s2.is_base()));
        match base {
            None => {
                let m = cx.t.own(format!(
                    "{} {}: an addition (注加算コード {g}, 通番 {s}) needs its base item in the claim",
                    code.map(|c| c.to_string()).unwrap_or_else(|| "(no code)".into()),
                    work[i].name
                ));
                cx.errors.push(m);
            }
            Some(b) => {
                if matches!(kind, PointKind::PercentAdd | PointKind::PercentSub) {
                    let base_pts = work[b].line.points;
                    let mut p = crate::rounding::percent_of_points(base_pts, pts);
                    if kind == PointKind::PercentSub {
                        p = -p;
                    }
                    work[i].line.points = p;
                    work[i].line.subtotal = subtotal(p, work[i].line.count);
                    trace!(
                        cx,
                        lit!("point_kind:percent"),
                        tx!(
                            cx.t,
                            "{}: {}% of {} ({} points)",
                            code,
                            pts,
                            work[b].line.code,
                            base_pts
                        ),
                        lit!("点数識別 5/6; rounding: percent_of_points (1点未満四捨五入)"),
                        tx!(cx.t, "{} points", p),
                    );
                }
            }
        }
        for j in 0..i {
            if let Some((g2, s2, _, _)) = groups[j] {
                if g2 == g && s2 == s && work[j].input.is_some() && work[i].input.is_some() {
                    let m = cx.t.own(format!(
                        "{} and {} exclude each other (same 注加算 group {g}, 通番 {s})",
                        code.map(|c| c.to_string())
                            .unwrap_or_else(|| "(no code)".into()),
                        work[j]
                            .line
                            .code
                            .map(|c| c.to_string())
                            .unwrap_or_else(|| "(no code)".into()),
                    ));
                    cx.errors.push(m);
                }
            }
        }
    }
}

/// The codes a limit counts together: one code, or a shared allowance's codes.
#[derive(Clone, Copy)]
enum Codes<'a> {
    One(Code),
    Many(&'a [u32]),
}

impl<'a> Codes<'a> {
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
fn used<W: World + ?Sized>(
    cx: &Ctx<'_, W>,
    work: &[Work<'_>],
    codes: Codes<'_>,
    unit: u16,
) -> Option<i64> {
    let mut n = 0;
    for h in &cx.claim.history {
        if codes.contains(h.code) && in_window(unit, cx.date, h.date.0)? {
            n += h.count;
        }
    }
    for l in work.iter().filter(|l| !l.removed) {
        if l.line.code.is_some_and(|c| codes.contains(c)) {
            n += l.line.count;
        }
    }
    Some(n)
}

/// The first line of a family in `families` claimed in the month of the date (the history
/// first, then this claim), described.
fn claimed_in_month<'a, W: World + ?Sized>(
    cx: &mut Ctx<'a, W>,
    work: &[Work<'a>],
    families: &[String],
) -> Option<Text> {
    let rules = cx.w.addon_rules();
    let m = month_index(cx.date);
    let in_families = |f: &str| families.iter().any(|x| x == f);
    for h in &cx.claim.history {
        if month_index(h.date.0) == m && rules.family_of_code(h.code.0).is_some_and(in_families) {
            return Some(tx!(cx.t, "{} on {} (history)", h.code, h.date.0));
        }
    }
    for l in work.iter().filter(|l| !l.removed) {
        if l.family.is_some_and(in_families) {
            return Some(tx!(cx.t, "{} on this claim", l.line.code));
        }
    }
    None
}

/// Which tier of an add-on applies: every tier (`any`), or one.
#[derive(Clone, Copy)]
enum TierKey {
    Any,
    Tier(u8),
}

impl TierKey {
    fn arg(self) -> Arg<'static> {
        match self {
            TierKey::Any => Arg::Str("any"),
            TierKey::Tier(t) => Arg::Int(t.into()),
        }
    }
}

fn rule_addons<'a, W: World + ?Sized>(cx: &mut Ctx<'a, W>, work: &mut Vec<Work<'a>>) {
    let w = cx.w;
    let rules = w.addon_rules();
    let date = cx.date;
    let claim = cx.claim;
    // The add-ons to consider: for 医科, those the input codes trigger (the rule files index
    // them by code); for 歯科/調剤, every add-on of the claim's kind (triggered by `visit`).
    // Either way in the rule files' order.
    let candidates: Vec<usize> = if claim.kind == ClaimKind::Ika {
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
    } else {
        (0..rules.addons.len()).collect()
    };
    for (ri, rule) in candidates
        .into_iter()
        .map(|ri| (ri, &rules.addons[ri]))
        .filter(|(_, a)| a.kind == claim.kind && a.from <= date && a.to.is_none_or(|t| date <= t))
    {
        // Triggered?
        let trigger = if claim.kind == ClaimKind::Ika {
            let codes = rules.rule_trigger_codes(ri);
            let hit = work
                .iter()
                .find(|l| l.input.is_some() && l.line.code.is_some_and(|c| codes.contains(&c.0)));
            hit.map(|l| {
                let trig_name = rule
                    .on
                    .iter()
                    .find(|t| {
                        l.line
                            .code
                            .is_some_and(|c| rules.trigger_codes(t).contains(&c.0))
                    })
                    .and_then(|t| rules.trigger(t))
                    .map(|t| t.name.as_str())
                    .unwrap_or("");
                tx!(cx.t, "{} {} ({})", l.line.code, l.name, trig_name)
            })
        } else {
            claim
                .visit
                .filter(|v| rule.on.iter().any(|o| o == v.as_str()))
                .map(|v| tx!(cx.t, "visit: {}", v.as_str()))
        };
        let Some(trigger) = trigger else {
            continue;
        };
        let looked = tx!(
            cx.t,
            "{}; {} {}–{}",
            trigger,
            &rule.name,
            rule.from,
            rule.to
        );
        // Condition on the patient / facility.
        if !cx.condition(&rule.when) {
            trace!(
                cx,
                rule.id.as_str(),
                looked,
                rule.source.as_str(),
                tx!(cx.t, "not added: condition `{}` does not hold", &rule.when),
            );
            continue;
        }
        // Facility standard (none for add-ons every facility claims).
        let filing = match rule.standard.as_deref() {
            None => None,
            Some(st) => match cx.filing(st) {
                Some(f) => Some(f),
                None => {
                    let name = cx.standard_name(st);
                    trace!(
                        cx,
                        rule.id.as_str(),
                        looked,
                        rule.source.as_str(),
                        tx!(
                            cx.t,
                            "not added: facility standard {} is not filed (or not valid on {})",
                            name,
                            date
                        ),
                    );
                    continue;
                }
            },
        };
        // Tier.
        let Some((tier_key, target)) = pick_tier(cx, rule, filing) else {
            continue;
        };
        // Already on the claim by hand (this code, or another code of the family on the same
        // base item: e.g. 加算2 listed where santei would add 加算1)?
        if let Some(c) = &target.code {
            let code = Code::parse(c).ok();
            if code.is_some() && work.iter().any(|l| l.line.code == code) {
                trace!(
                    cx,
                    rule.id.as_str(),
                    looked,
                    rule.source.as_str(),
                    tx!(cx.t, "{} is already on the claim", c),
                );
                continue;
            }
        }
        let siblings = rules.rule_siblings(ri);
        if let Some(l) = work
            .iter()
            .find(|l| l.input.is_some() && l.line.code.is_some_and(|c| siblings.contains(&c.0)))
        {
            let msg = tx!(
                cx.t,
                "{} not added: {} {} of the same add-on is on the claim",
                &rule.name,
                l.line.code,
                l.name
            );
            trace!(cx, rule.id.as_str(), looked, rule.source.as_str(), msg);
            continue;
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
                cx.t,
                "{} not added: {} {} is on the claim and the two are not claimed together ({})",
                &rule.name,
                l.line.code,
                l.name,
                &rule.source
            );
            cx.warnings.push(msg);
            trace!(cx, rule.id.as_str(), looked, rule.source.as_str(), msg);
            continue;
        }
        // Month exclusions.
        let mut blocked = None;
        for x in rules
            .month_exclusions
            .iter()
            .filter(|x| x.refuse == rule.family && x.from <= date && x.to.is_none_or(|t| date <= t))
        {
            if let Some(what) = claimed_in_month(cx, work, &x.when_claimed) {
                blocked = Some((x, what));
                break;
            }
        }
        if let Some((x, what)) = blocked {
            let msg = tx!(
                cx.t,
                "{} refused: {} is claimed in the same month ({}: {})",
                &rule.name,
                what,
                &x.id,
                &x.source
            );
            cx.warnings.push(msg);
            trace!(cx, x.id.as_str(), looked, x.source.as_str(), msg);
            continue;
        }
        // Resolve the target: the code's record for the date, or codeless points.
        let Some((line, name, record)) = resolve_target(cx, rule, tier_key, target) else {
            continue;
        };
        // Limits: the rule's own, the 算定回数 table's for the code, shared allowances.
        if let Some(reason) = limit_refusal(cx, work, rule, line.code, line.count) {
            let msg = tx!(cx.t, "{} not added: {}", &rule.name, reason);
            cx.warnings.push(msg);
            trace!(cx, rule.id.as_str(), looked, rule.source.as_str(), msg);
            continue;
        }
        if !line.verified {
            cx.warnings.push(tx!(
                cx.t,
                "{} {}: unverified — {} (no official master confirms it)",
                line.code,
                line.name,
                &rule.source
            ));
        }
        let looked = match filing {
            Some(f) => {
                let tier = match f.tier {
                    Some(t) => Arg::Int(t.into()),
                    None => Arg::Str("-"),
                };
                tx!(cx.t, "{}; filed {} tier {}", looked, &f.code, tier)
            }
            None => tx!(cx.t, "{}; no filing needed", looked),
        };
        trace!(
            cx,
            rule.id.as_str(),
            looked,
            rule.source.as_str(),
            tx!(
                cx.t,
                "added {} {} ({} points)",
                line.code,
                line.name,
                line.points
            ),
        );
        work.push(Work {
            line,
            name,
            family: Some(rule.family.as_str()),
            input: None,
            removed: false,
            record,
        });
    }
}

/// Which tier's target applies: `any`, the filed tier, the tier computed from the facility
/// profile, or the rule's `tier_when` conditions.
fn pick_tier<'a, W: World + ?Sized>(
    cx: &mut Ctx<'a, W>,
    rule: &'a AddonRule,
    filing: Option<&'a FiledStandard>,
) -> Option<(TierKey, &'a Target)> {
    if let Some(t) = rule.tiers.get("any") {
        return Some((TierKey::Any, t));
    }
    let mut tier = filing.and_then(|f| f.tier);
    if let Some(computed) = computed_tier(cx, rule) {
        match tier {
            None => {
                trace!(
                    cx,
                    rule.id.as_str(),
                    lit!("facility.profile"),
                    lit!("rules/data/tier"),
                    tx!(
                        cx.t,
                        "tier {} computed from the facility profile",
                        computed
                    ),
                );
                tier = Some(computed);
            }
            Some(f) if f < computed => cx.warnings.push(tx!(
                cx.t,
                "{}: filed tier {} is better than the facility's data supports (tier {} for {}); the filed tier is used",
                &rule.name,
                f,
                computed,
                Arg::Month(cx.date)
            )),
            _ => {}
        }
    }
    if tier.is_none() {
        tier = rule
            .tier_when
            .iter()
            .find(|(_, c)| cx.condition(c))
            .and_then(|(k, _)| k.parse().ok());
    }
    let Some(t) = tier else {
        cx.warnings.push(tx!(
            cx.t,
            "{} not added: the filing of {} gives no tier",
            &rule.name,
            filing.map_or("(none)", |f| f.code.as_str())
        ));
        return None;
    };
    match rule.tiers.iter().find(|(k, _)| k.parse::<u8>() == Ok(t)) {
        Some((k, target)) => {
            tier_needs(cx, rule, k, "filed tier");
            Some((TierKey::Tier(t), target))
        }
        None => {
            let m = cx.t.own(format!(
                "{} not added: filed tier {t} does not exist on {} (tiers {})",
                rule.name,
                cx.date,
                rule.tiers.keys().cloned().collect::<Vec<_>>().join(", ")
            ));
            cx.warnings.push(m);
            None
        }
    }
}

/// Warn when a tier of an add-on needs a condition the claim does not show (the filing is the
/// facility's declaration; the claim may not state the capability).
fn tier_needs<W: World + ?Sized>(cx: &mut Ctx<'_, W>, rule: &AddonRule, tier: &str, what: &str) {
    for n in rule
        .tier_needs
        .iter()
        .filter(|n| n.in_force(cx.date) && n.tiers.iter().any(|t| t == tier))
    {
        if !cx.condition(&n.when) {
            let m = cx.t.own(format!(
                "{}: {what} {tier} requires that {} ({}); the claim does not show it for {}",
                rule.name,
                rules::addons::condition_text(&n.when),
                n.source,
                cx.date
            ));
            cx.warnings.push(m);
        }
    }
}

/// The tier the facility profile supports for the month, when the claim gives a profile.
fn computed_tier<W: World + ?Sized>(cx: &mut Ctx<'_, W>, rule: &AddonRule) -> Option<u8> {
    let profile_value = cx.claim.facility.profile.as_ref()?;
    let month = rules::YearMonth::new(cx.date.year(), cx.date.month())?;
    if cx.tier_month.is_none() {
        // The facility's capabilities stated on the claim count for the profile too, unless
        // the profile states its own.
        let mut profile_value = profile_value.clone();
        if let Some(o) = profile_value.as_object_mut() {
            let f = &cx.claim.facility;
            for (key, since) in [
                ("e_prescription_since", f.e_prescription_since),
                ("electronic_sharing_since", f.electronic_sharing_since),
            ] {
                if let Some(d) = since.filter(|_| !o.contains_key(key)) {
                    o.insert(key.into(), Value::String(d.0.to_string()));
                }
            }
        }
        cx.tier_month = Some(
            rules::tier::FacilityProfile::from_json("facility.profile", &profile_value.to_string())
                .map(|p| cx.w.tiers().evaluate_month(&p, month))
                .map_err(|e| e.to_string()),
        );
    }
    let r = match cx.tier_month.as_ref()? {
        Ok(r) => r,
        Err(e) => {
            let m = cx.t.own(format!("facility.profile ignored: {e}"));
            cx.warnings.push(m);
            return None;
        }
    };
    let tier_family = rule.tier_family.as_deref().unwrap_or(rule.family.as_str());
    let fam = r.family.as_deref()?;
    if !tier_family.starts_with(fam) && !rule.family.starts_with(fam) {
        return None;
    }
    let tier = r.tier.map(|t| t as u8);
    let reason = r.reason.clone();
    trace!(
        cx,
        lit!("tier"),
        tx!(cx.t, "facility profile, {}", Arg::Month(cx.date)),
        lit!("rules/data/tier"),
        reason,
    );
    tier
}

/// The line an add-on rule adds: the target code's record for the date, or codeless points.
fn resolve_target<'a, W: World + ?Sized>(
    cx: &mut Ctx<'a, W>,
    rule: &'a AddonRule,
    tier_key: TierKey,
    target: &'a Target,
) -> Option<(Line, &'a str, Option<&'a ProcedureRecord>)> {
    let date = cx.date;
    if let Some(c) = &target.code {
        let code = Code::parse(c).ok()?;
        return match cx.w.data().lookup(code, date) {
            Ok(e) => {
                let src = cx.version_src(e.version, lit!(""));
                let r = e.record();
                let p = r.points;
                Some((
                    Line {
                        code: Some(code),
                        name: cx.t.str(&r.name),
                        points: p,
                        count: 1,
                        subtotal: p,
                        origin: "auto",
                        rule: cx.t.str(&rule.id),
                        verified: e.version.verified && !rule.unverified,
                        source: src,
                    },
                    r.name.as_str(),
                    Some(r),
                ))
            }
            Err(err) => {
                let m = cx.t.own(format!(
                    "{} not added: {err} (rule {}: {})",
                    rule.name, rule.id, rule.source
                ));
                cx.warnings.push(m);
                None
            }
        };
    }
    // Codeless: stated points, or the tier rules' points for the month and claim kind.
    let points = match (target.points, rule.points_from_tier_rules) {
        (Some(p), _) => Some((p, cx.t.str(&rule.source))),
        (None, true) => tier_points(cx, rule, tier_key),
        _ => None,
    };
    let Some((p, src)) = points else {
        cx.warnings.push(tx!(
            cx.t,
            "{} not added: no points for tier {} on {}",
            &rule.name,
            tier_key.arg(),
            date
        ));
        return None;
    };
    let name = target.name.as_deref().unwrap_or(rule.name.as_str());
    cx.warnings.push(tx!(
        cx.t,
        "{}: no official code is known; added by points only ({})",
        name,
        src
    ));
    Some((
        Line {
            code: None,
            name: cx.t.str(name),
            points: p,
            count: 1,
            subtotal: p,
            origin: "auto",
            rule: cx.t.str(&rule.id),
            verified: false,
            source: src,
        },
        name,
        None,
    ))
}

fn tier_points<'a, W: World + ?Sized>(
    cx: &mut Ctx<'a, W>,
    rule: &AddonRule,
    tier_key: TierKey,
) -> Option<(Decimal, Text)> {
    let fam = rule.tier_family.as_deref()?;
    let month = rules::YearMonth::new(cx.date.year(), cx.date.month())?;
    let w: &'a W = cx.w;
    let period = w
        .tiers()
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
        TierKey::Tier(n) => period.tiers.iter().find(|t| t.number == u32::from(n))?,
    };
    let p = pick(tier)?;
    Some((
        Decimal::from(p),
        tx!(
            cx.t,
            "{} tier {} ({}: {})",
            &period.id,
            tier.number,
            &period.file,
            &tier.source
        ),
    ))
}

/// One limit to check: codes counted together, 算定単位 code and name, the maximum, and
/// where the limit comes from.
struct LimitCheck<'a> {
    codes: Codes<'a>,
    unit: u16,
    unit_name: &'a str,
    max: u32,
    source: Text,
}

/// The limits on a code on the date, one by one to `check` until it returns a refusal: the
/// 算定回数 tables', the add-on rule's own limit when given, and the shared allowances the
/// code is part of.
fn limit_checks<'a, W: World + ?Sized>(
    cx: &mut Ctx<'a, W>,
    c: Code,
    rule: Option<&'a AddonRule>,
    mut check: impl FnMut(&mut Ctx<'a, W>, LimitCheck<'a>) -> Option<Text>,
) -> Option<Text> {
    let date = cx.date;
    let w: &'a W = cx.w;
    for f in w.data().tables.frequency_on(c, date) {
        let k = LimitCheck {
            codes: Codes::One(c),
            unit: f.unit.code,
            unit_name: &f.unit.name,
            max: f.count,
            source: tx!(
                cx.t,
                "算定回数 {}",
                Arg::Src(&f.source.file, f.source.line as u32)
            ),
        };
        if let Some(refused) = check(cx, k) {
            return Some(refused);
        }
    }
    if let Some((r, l)) = rule.and_then(|r| r.limit.as_ref().map(|l| (r, l))) {
        let k = LimitCheck {
            codes: Codes::One(c),
            unit: l.unit_code,
            unit_name: &l.unit,
            max: l.count,
            source: tx!(cx.t, "rule {}: {}", &r.id, &l.source),
        };
        if let Some(refused) = check(cx, k) {
            return Some(refused);
        }
    }
    let ar = w.addon_rules();
    for &si in ar.shared_limits_of(c.0) {
        let s = &ar.shared_limits[si];
        if s.from <= date && s.to.is_none_or(|t| date <= t) {
            let k = LimitCheck {
                codes: Codes::Many(ar.shared_limit_codes(si)),
                unit: s.unit_code,
                unit_name: &s.unit,
                max: s.count,
                source: tx!(cx.t, "{}: {}", &s.id, &s.source),
            };
            if let Some(refused) = check(cx, k) {
                return Some(refused);
            }
        }
    }
    None
}

/// Why an automatic add-on would break a limit, if it would.
fn limit_refusal<'a, W: World + ?Sized>(
    cx: &mut Ctx<'a, W>,
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
        if l.unit_code == 131 && same_family + count > l.count as i64 {
            return Some(tx!(
                cx.t,
                "{} {}回 already reached ({})",
                &l.unit,
                l.count,
                &l.source
            ));
        }
        return None;
    };
    limit_checks(cx, c, Some(rule), |cx, k| {
        match used(cx, work, k.codes, k.unit) {
            None => trace!(
                cx,
                lit!("frequency"),
                tx!(cx.t, "{} ({})", k.unit_name, k.unit),
                k.source,
                lit!("not checked: santei does not count this unit"),
            ),
            Some(n) if n + count > k.max as i64 => {
                return Some(tx!(
                    cx.t,
                    "limit {} per {} reached ({} already: {}; {})",
                    k.max,
                    k.unit_name,
                    n,
                    k.codes.arg(Sep::Comma),
                    k.source
                ));
            }
            Some(n) => trace!(
                cx,
                lit!("frequency"),
                tx!(
                    cx.t,
                    "{}: {} limit {}, {} used",
                    k.codes.arg(Sep::Slash),
                    k.unit_name,
                    k.max,
                    n
                ),
                k.source,
                lit!("within the limit"),
            ),
        }
        None
    })
}

/// The add-on rules in force on the date (for the claim's kind) that add a code.
fn add_on_rules_for<'a, W: World + ?Sized>(
    cx: &Ctx<'a, W>,
    c: Code,
) -> impl Iterator<Item = (usize, &'a AddonRule)> + 'a {
    let w: &'a W = cx.w;
    let rules = w.addon_rules();
    let (date, kind) = (cx.date, cx.claim.kind);
    rules
        .rules_adding(c.0)
        .iter()
        .map(move |&i| (i, &rules.addons[i]))
        .filter(move |(_, a)| a.kind == kind && a.from <= date && a.to.is_none_or(|t| date <= t))
}

/// An add-on code listed by hand is held to the rules santei applies when it adds the code
/// itself: its base item must be on the claim, the filed tier must be the code's tier, the
/// codes it is not claimed with must be absent, and the month exclusions of its family hold.
/// Each breach is an error of the claim.
fn input_addon_checks<'a, W: World + ?Sized>(cx: &mut Ctx<'a, W>, work: &[Work<'a>]) {
    let w: &'a W = cx.w;
    let rules = w.addon_rules();
    let date = cx.date;
    for (i, l) in work.iter().enumerate() {
        let (Some(c), Some(_)) = (l.line.code, l.input) else {
            continue;
        };
        let found: Vec<(usize, &'a AddonRule)> = add_on_rules_for(cx, c).collect();
        let Some(&(_, first)) = found.first() else {
            continue;
        };
        // The base item (医科: a trigger code on the claim).
        if cx.claim.kind == ClaimKind::Ika {
            let on_claim = |codes: &[u32]| {
                work.iter().enumerate().any(|(j, o)| {
                    j != i && o.input.is_some() && o.line.code.is_some_and(|x| codes.contains(&x.0))
                })
            };
            if !found
                .iter()
                .any(|&(ri, _)| on_claim(rules.rule_trigger_codes(ri)))
            {
                let names: Vec<&str> = found
                    .iter()
                    .flat_map(|(_, a)| a.on.iter())
                    .filter_map(|t| rules.trigger(t))
                    .map(|t| t.name.as_str())
                    .collect();
                let m = cx.t.own(format!(
                    "{c} {}: an add-on to {} ({}), none of which is on the claim",
                    l.name,
                    names.join(" / "),
                    first.source
                ));
                cx.errors.push(m);
            }
        }
        for &(ri, rule) in &found {
            // The code's tier against the filing.
            if !rule.tiers.contains_key("any") {
                let key = rule
                    .tiers
                    .iter()
                    .find(|(_, t)| t.code.as_deref().is_some_and(|x| x.parse() == Ok(c.0)))
                    .map(|(k, _)| k.as_str());
                if let Some(k) = key {
                    tier_needs(cx, rule, k, "the code's tier");
                }
                match (rule.standard.as_deref().and_then(|st| cx.filing(st)), key) {
                    (Some(f), Some(k)) => {
                        if let Some(t) = f.tier.filter(|t| k.parse() != Ok(*t)) {
                            let m = cx.t.own(format!(
                                "{c} {}: the tier-{k} code of {}, but the facility filed {} tier {t} for {date} ({})",
                                l.name, rule.name, f.code, rule.source
                            ));
                            cx.errors.push(m);
                        } else if f.tier.is_none() {
                            if let Some((_, cond)) = rule.tier_when.iter().find(|(t, _)| t == k) {
                                if !cx.condition(cond) {
                                    let m = cx.t.own(format!(
                                        "{c} {}: the tier-{k} code of {}, which needs `{cond}` on {date} ({})",
                                        l.name, rule.name, rule.source
                                    ));
                                    cx.errors.push(m);
                                }
                            }
                        }
                    }
                    _ => {}
                }
            }
            // Codes it is not claimed with.
            let not_with = rules.rule_not_with(ri);
            if let Some(o) = work.iter().find(|o| {
                !o.removed
                    && o.line
                        .code
                        .is_some_and(|x| x != c && not_with.contains(&x.0))
            }) {
                let m = cx.t.own(format!(
                    "{c} {}: not claimed together with {} {} ({})",
                    l.name,
                    o.line.code.map(|x| x.to_string()).unwrap_or_default(),
                    o.name,
                    rule.source
                ));
                cx.errors.push(m);
            }
        }
        // Month exclusions of its family.
        let family = first.family.as_str();
        let mut blocked = None;
        for x in rules
            .month_exclusions
            .iter()
            .filter(|x| x.refuse == family && x.from <= date && x.to.is_none_or(|t| date <= t))
        {
            if let Some(what) = claimed_in_month(cx, work, &x.when_claimed) {
                blocked = Some((x, what));
                break;
            }
        }
        if let Some((x, what)) = blocked {
            let msg = tx!(
                cx.t,
                "{} {} refused: {} is claimed in the same month ({}: {})",
                c,
                l.name,
                what,
                &x.id,
                &x.source
            );
            cx.errors.push(msg);
        }
    }
}

/// Frequency limits for the lines the caller listed.
fn input_limits<'a, W: World + ?Sized>(cx: &mut Ctx<'a, W>, work: &[Work<'a>]) {
    for (i, l) in work.iter().enumerate() {
        if l.input.is_none() || l.removed {
            continue;
        }
        let Some(c) = l.line.code else { continue };
        // A code an add-on rule adds carries the rule's own limit too.
        let rule = add_on_rules_for(cx, c).next().map(|(_, r)| r);
        let refused = limit_checks(cx, c, rule, |cx, k| {
            // Count the earlier lines of this claim and the history, then this line.
            match used(cx, &work[..i], k.codes, k.unit) {
                None => trace!(
                    cx,
                    lit!("frequency"),
                    tx!(cx.t, "{}: {} ({})", c, k.unit_name, k.unit),
                    k.source,
                    lit!("not checked: santei does not count this unit"),
                ),
                // The first limit broken is the error (the same allowance may be stated by the
                // 算定回数 table and the rule both).
                Some(n) if n + l.line.count > k.max as i64 => {
                    return Some(tx!(
                        cx.t,
                        "{} {}: limit {} per {} exceeded ({} already claimed in the window; {})",
                        c,
                        l.name,
                        k.max,
                        k.unit_name,
                        n,
                        k.source
                    ))
                }
                Some(_) => {}
            }
            None
        });
        if let Some(e) = refused {
            cx.errors.push(e);
        }
    }
}

/// 背反: pairs on this claim (同時, 1日) and against the history (同一月, 1週, 1日).
fn exclusions<'a, W: World + ?Sized>(cx: &mut Ctx<'a, W>, work: &mut [Work<'a>]) {
    let date = cx.date;
    let w: &'a W = cx.w;
    let tables = &w.data().tables;
    let mut missing_noted = false;
    // Codes present on this claim or in the history: a rule whose other code is absent
    // cannot conflict (most codes have hundreds of 背反 rows).
    let mut present: Vec<Code> = Vec::with_capacity(work.len() + cx.claim.history.len());
    present.extend(
        work.iter()
            .filter_map(|l| l.line.code)
            .chain(cx.claim.history.iter().map(|h| h.code)),
    );
    present.sort_unstable();
    present.dedup();
    let same_day_loaded = tables.has(TableKind::ExclusionSameDay);
    for i in 0..work.len() {
        let Some(ci) = work[i].line.code else {
            continue;
        };
        if work[i].removed {
            continue;
        }
        // A missing 1日 table, when the 補助 table says this code has 1日 背反 relations.
        if !same_day_loaded && !missing_noted {
            if let Some(aux) = tables
                .auxiliary
                .get(&ci)
                .and_then(|v| v.iter().find(|a| a.period.contains(date)))
            {
                if aux.exclusion_flags[0] {
                    cx.warnings.push(tx!(
                        cx.t,
                        "背反 (1日) not checked for {}: table 03-1背反テーブル1 is not loaded",
                        ci
                    ));
                    missing_noted = true;
                }
            }
        }
        let Some(list) = tables.exclusion_list(ci) else {
            continue;
        };
        'pairs: for r in list.against(&present, date) {
            {
                let other = if r.first == ci { r.second } else { r.first };
                if other == ci {
                    continue;
                }
                let i_is_first = r.first == ci;
                // Which side may be claimed: the other side is refused.
                let refuse_i = match r.kind {
                    ExclusionKind::FirstMay => !i_is_first,
                    ExclusionKind::SecondMay => i_is_first,
                    ExclusionKind::Either => true,
                };
                if !refuse_i {
                    continue;
                }
                let on_claim = work.iter().enumerate().any(|(j, l)| {
                    j != i
                        && !l.removed
                        && l.line.code == Some(other)
                        && (r.kind != ExclusionKind::Either || j < i)
                });
                let conflict =
                    on_claim
                        || match r.scope {
                            ExclusionScope::SameTime => false,
                            ExclusionScope::SameDay => cx
                                .claim
                                .history
                                .iter()
                                .any(|h| h.code == other && h.date.0 == date),
                            ExclusionScope::SameMonth => cx.claim.history.iter().any(|h| {
                                h.code == other && month_index(h.date.0) == month_index(date)
                            }),
                            ExclusionScope::Week => cx.claim.history.iter().any(|h| {
                                h.code == other && week_index(h.date.0) == week_index(date)
                            }),
                        };
                if !conflict {
                    continue;
                }
                let scope = match r.scope {
                    ExclusionScope::SameDay => "1日",
                    ExclusionScope::SameMonth => "同一月",
                    ExclusionScope::SameTime => "同時",
                    ExclusionScope::Week => "1週",
                };
                let kind = match r.kind {
                    ExclusionKind::FirstMay => "FirstMay",
                    ExclusionKind::SecondMay => "SecondMay",
                    ExclusionKind::Either => "Either",
                };
                let src = tx!(cx.t, "{}", Arg::Src(&r.source.file, r.source.line as u32));
                let msg = tx!(
                    cx.t,
                    "{} {} refused: 背反 ({}) with {} (背反区分 {}; {})",
                    ci,
                    work[i].name,
                    scope,
                    other,
                    kind,
                    src
                );
                if work[i].input.is_some() {
                    cx.errors.push(msg);
                } else {
                    cx.warnings.push(msg);
                    work[i].removed = true;
                }
                trace!(
                    cx,
                    lit!("exclusion"),
                    tx!(cx.t, "{} × {} ({})", ci, other, scope),
                    src,
                    msg,
                );
                break 'pairs;
            }
        }
    }
}

fn copay_block<'a, W: World + ?Sized>(
    cx: &mut Ctx<'a, W>,
    total: Decimal,
) -> Result<Option<CopayOutput<'a>>, CalcError> {
    let p = &cx.claim.patient;
    if p.insurance.is_none() {
        return Ok(None);
    }
    let patient = crate::copay::Patient::from_fields("patient", p.birth_date.0, &p.copay_fields())
        .map_err(|e| CalcError::Input(e.to_string()))?;
    let points: i64 = total
        .round()
        .try_into()
        .map_err(|_| CalcError::Input("total points out of range".into()))?;
    let public_expense =
        crate::copay::input::public_expense_from_slice("public_expense", &cx.claim.public_expense)
            .map_err(|e| CalcError::Input(e.to_string()))?;
    let visit = crate::copay::Visit {
        patient,
        date: cx.date,
        setting: if cx.claim.setting == Setting::Inpatient {
            crate::copay::Setting::Inpatient
        } else {
            crate::copay::Setting::Outpatient
        },
        points: points.max(0),
        public_expense,
        meals: 0,
        rate_percent: None,
        month_to_date: cx
            .claim
            .month_to_date
            .as_ref()
            .map(|m| crate::copay::MonthToDate {
                medical_cost: m.medical_cost,
                patient_share: m.patient_share,
            }),
    };
    let out = crate::copay::compute_visit(cx.w.copay_tables(), &visit)
        .map_err(|e| CalcError::Input(format!("copay: {e}")))?;
    trace!(
        cx,
        lit!("copay"),
        tx!(cx.t, "{} points", points),
        lit!("calc::copay (rules/data/copay)"),
        tx!(cx.t, "patient pays {} yen", out.patient_pays),
    );
    Ok(Some(out))
}
