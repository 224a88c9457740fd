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

use crate::claim::{Claim, FiledStandard, Setting};
use chrono::{Datelike, NaiveDate};
use masters::tables::{ExclusionKind, ExclusionScope, TableKind};
use masters::{Code, Dataset, InOutScope, PointKind};
use rules::addons::{AddonRule, AddonRules, ClaimKind, Target};
use rules::tier::TierRules;
use rust_decimal::Decimal;
use serde::Serialize;
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
    #[error("items[{index}].code: {message}")]
    Item { index: usize, message: String },
    #[error("{0}")]
    Input(String),
}

/// The engine with its data: the standard [`World`].
#[derive(Clone, Debug)]
pub struct Engine {
    data: Dataset,
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
            data,
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
        let mut ds = Dataset::load_files(files)?;
        if ds.schedule.is_empty() {
            return Err(EngineError::Data(
                "no 医科診療行為マスター full file (s_ALL….csv) among the files".into(),
            ));
        }
        for (name, text) in masters::pack::EMBEDDED
            .iter()
            .filter(|(n, _)| *n == "r8-2026.toml")
        {
            masters::pack::overlay(&mut ds, name, text)?;
        }
        Engine::with_data(ds)
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

    /// Compute one claim.
    pub fn calc(&self, claim: &Claim) -> Result<CalcOutput, CalcError> {
        calculate(self, claim)
    }

    /// The library version and the data versions loaded.
    pub fn versions(&self) -> Value {
        json!({
            "santei": env!("CARGO_PKG_VERSION"),
            "data": self.data.label,
            "files": self.data.files,
            "tables": self.data.tables.loaded.iter().map(|(k, f)| json!({"table": k, "file": f})).collect::<Vec<_>>(),
            "rule_files": self.addons.files.iter().chain(rules::tier::EMBEDDED.iter().map(|(n, _)| n).map(|s| s.to_string()).collect::<Vec<_>>().iter()).collect::<Vec<_>>(),
        })
    }
}

/// One line of the result.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Line {
    /// The procedure code; `null` for an add-on no official code is known for.
    pub code: Option<String>,
    pub name: String,
    #[serde(serialize_with = "dec")]
    pub points: Decimal,
    pub count: i64,
    #[serde(serialize_with = "dec")]
    pub subtotal: Decimal,
    /// "input" or "auto".
    pub origin: &'static str,
    /// The rule that put the line here (or the point kind for input lines).
    pub rule: String,
    /// False when a fact of the line is not confirmed by an official master.
    pub verified: bool,
    /// Where the line's points come from.
    pub source: String,
}

/// One decision of the engine.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct TraceEntry {
    pub rule: String,
    pub looked_at: String,
    pub source: String,
    pub decision: String,
}

/// The result of one claim.
#[derive(Clone, Debug, Serialize)]
pub struct CalcOutput {
    #[serde(serialize_with = "dec")]
    pub total_points: Decimal,
    pub lines: Vec<Line>,
    pub warnings: Vec<String>,
    pub errors: Vec<String>,
    pub trace: Vec<TraceEntry>,
    /// What the patient pays for this visit (when the claim gives the insurance facts).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub copay: Option<Value>,
}

/// Serialise a decimal as an exact JSON number.
pub fn dec<S: serde::Serializer>(d: &Decimal, s: S) -> Result<S::Ok, S::Error> {
    let text = d.normalize().to_string();
    match text.parse::<serde_json::Number>() {
        Ok(n) => n.serialize(s),
        Err(_) => s.serialize_str(&text),
    }
}

fn num(d: Decimal) -> Value {
    let text = d.normalize().to_string();
    text.parse::<serde_json::Number>()
        .map(Value::Number)
        .unwrap_or(Value::String(text))
}

/// The JSON object of `santei master show` for one code on one date.
pub fn entry_json(e: &masters::Entry<'_>, ds: &Dataset, date: NaiveDate) -> Value {
    let r = e.record();
    let mut o = json!({
        "code": e.code.to_string(),
        "name": r.name,
        "points": num(r.points),
        "point_kind": r.point_kind.as_str(),
        "valid_from": e.valid_from.to_string(),
        "valid_to": e.valid_to.map(|d| d.to_string()),
        "addon_group": r.addon_group().map(|(c, s)| json!({"code": c, "serial": s.to_string()})),
        "facility_standards": r.facility_standards().iter().map(|c| c.to_string()).collect::<Vec<_>>(),
        "max_count": r.max_count,
        "in_out": r.in_out.as_str(),
        "age_lower": r.age_lower.code(),
        "age_upper": r.age_upper.code(),
        "age_addons": r.age_addons().iter().map(|a| json!({
            "lower": a.lower.code(), "upper": a.upper.code(), "code": a.code.to_string()})).collect::<Vec<_>>(),
        "verified": e.version.verified,
        "sources": e.version.sources.iter().map(|s| if s.line > 0 { format!("{}:{}", s.file, s.line) } else { s.file.to_string() }).collect::<Vec<_>>(),
    });
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
struct Work {
    line: Line,
    code: Option<Code>,
    family: Option<String>,
    /// Index in `claim.items` for input lines.
    input: Option<usize>,
    removed: bool,
}

/// A claimed line of the history or of this claim, for limits and exclusions.
#[derive(Clone, Copy)]
struct Claimed {
    date: NaiveDate,
    code: Code,
    count: i64,
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

fn src_ref(file: &str, line: usize, prefix: &str) -> String {
    if line > 0 {
        format!("{prefix}{file}:{line}")
    } else {
        format!("{prefix}{file}")
    }
}

fn fmt_code(c: &Option<String>) -> String {
    c.clone().unwrap_or_else(|| "(no code)".into())
}

struct Ctx<'a, W: World + ?Sized> {
    w: &'a W,
    claim: &'a Claim,
    date: NaiveDate,
    trace: Vec<TraceEntry>,
    warnings: Vec<String>,
    errors: Vec<String>,
    history: Vec<Claimed>,
}

impl<W: World + ?Sized> Ctx<'_, W> {
    fn trace(
        &mut self,
        rule: impl Into<String>,
        looked_at: impl Into<String>,
        source: impl Into<String>,
        decision: impl Into<String>,
    ) {
        self.trace.push(TraceEntry {
            rule: rule.into(),
            looked_at: looked_at.into(),
            source: source.into(),
            decision: decision.into(),
        });
    }

    /// The filing that meets a standard on the date (directly or through `satisfied_by`).
    fn filing(&self, standard: &str) -> Option<&FiledStandard> {
        let rules = self.w.addon_rules();
        let ids: Vec<&str> = std::iter::once(standard)
            .chain(
                rules
                    .standard(standard)
                    .into_iter()
                    .flat_map(|s| s.satisfied_by.iter().map(|x| x.as_str())),
            )
            .collect();
        self.claim
            .facility
            .standards
            .iter()
            .find(|f| ids.contains(&f.code.as_str()) && f.valid_on(self.date))
    }

    fn standard_name(&self, id: &str) -> String {
        match self.w.addon_rules().standard(id) {
            Some(s) => format!("{id} ({})", s.name),
            None => id.to_string(),
        }
    }

    fn condition(&self, name: &str) -> bool {
        let erx = self
            .claim
            .facility
            .e_prescription_since
            .is_some_and(|d| d.0 <= self.date);
        match name {
            "mynumber_card" => self.claim.patient.mynumber_card,
            "not mynumber_card" => !self.claim.patient.mynumber_card,
            "e_prescription" => erx,
            "not e_prescription" => !erx,
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
pub fn calculate<W: World + ?Sized>(w: &W, claim: &Claim) -> Result<CalcOutput, CalcError> {
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
    }
    let mut cx = Ctx {
        w,
        claim,
        date,
        trace: Vec::new(),
        warnings: Vec::new(),
        errors: Vec::new(),
        history: Vec::new(),
    };
    for h in &claim.history {
        if let Ok(code) = Code::parse(&h.code) {
            cx.history.push(Claimed {
                date: h.date.0,
                code,
                count: h.count,
            });
        }
    }
    let schedule = &w.data().schedule;
    let mut work: Vec<Work> = Vec::with_capacity(claim.items.len() + 4);

    // ── 2. input lines ──
    // Items are processed in code order (then count), so the result does not depend on the
    // order the caller listed them in; messages keep the caller's item index.
    let mut order: Vec<usize> = (0..claim.items.len()).collect();
    order.sort_by(|&a, &b| {
        claim.items[a]
            .code
            .cmp(&claim.items[b].code)
            .then(claim.items[a].count.cmp(&claim.items[b].count))
    });
    for (i, it) in order.iter().map(|&i| (i, &claim.items[i])) {
        let code = Code::parse(&it.code).map_err(|m| CalcError::Item {
            index: i,
            message: m,
        })?;
        let entry = match schedule.lookup(code, date) {
            Ok(e) => e,
            Err(masters::LookupError::UnknownCode(_))
                if claim.kind != ClaimKind::Ika && it.points.is_some() =>
            {
                let p = it.points.unwrap_or_default();
                cx.trace(
                    "input.caller_points",
                    format!("items[{i}] {code}"),
                    "the claim (caller-stated points)",
                    format!("{p} points as stated; santei has no record of this code"),
                );
                work.push(Work {
                    line: Line {
                        code: Some(code.to_string()),
                        name: it.name.clone().unwrap_or_default(),
                        points: p,
                        count: it.count,
                        subtotal: p * Decimal::from(it.count),
                        origin: "input",
                        rule: "caller_points".into(),
                        verified: false,
                        source: "points stated in the claim".into(),
                    },
                    code: Some(code),
                    family: None,
                    input: Some(i),
                    removed: false,
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
        let src = entry
            .version
            .sources
            .first()
            .map(|s| {
                if s.line > 0 {
                    format!("{}:{}", s.file, s.line)
                } else {
                    s.file.to_string()
                }
            })
            .unwrap_or_else(|| w.data().label.clone());
        let (points, rule) = match r.point_kind {
            PointKind::Points => (r.points, "point_kind:points"),
            PointKind::MinusPoints => (-r.points, "point_kind:minus_points"),
            PointKind::PercentAdd | PointKind::PercentSub => (Decimal::ZERO, "point_kind:percent"),
            PointKind::Yen => {
                cx.warnings.push(format!(
                    "{code} {}: an amount in yen (点数識別 1), not added to the points",
                    r.name
                ));
                (Decimal::ZERO, "point_kind:yen")
            }
            other => {
                cx.warnings.push(format!(
                    "{code} {}: 点数識別 {} is counted at its stated points",
                    r.name,
                    other.as_str()
                ));
                (r.points, "point_kind:other")
            }
        };
        cx.trace(
            rule,
            format!(
                "{code} on {date}: 点数識別 {}, 新又は現点数 {}",
                r.point_kind.as_str(),
                r.points.normalize()
            ),
            src.clone(),
            format!("{} points × {}", points.normalize(), it.count),
        );
        if !entry.version.verified {
            cx.warnings.push(format!(
                "{code} {}: not confirmed by an official master (santei's own entry: {src})",
                r.name
            ));
        }
        // 入外適用区分
        let inpatient = claim.setting == Setting::Inpatient;
        match (r.in_out, inpatient) {
            (InOutScope::InpatientOnly, false) => cx.errors.push(
                format!(
                    "{code} {}: inpatient receipts only (入外適用区分 1), the claim is {:?}",
                    r.name, claim.setting
                )
                .to_lowercase_setting(),
            ),
            (InOutScope::OutpatientOnly, true) => cx.errors.push(format!(
                "{code} {}: outpatient receipts only (入外適用区分 2), the claim is inpatient",
                r.name
            )),
            _ => {}
        }
        // 下限/上限年齢
        if !cx.age_ok(r.age_lower, r.age_upper) {
            cx.errors.push(format!(
                "{code} {}: the patient (born {}) is outside its age range ({}–{}) on {date}",
                r.name,
                claim.patient.birth_date.0,
                r.age_lower.code(),
                r.age_upper.code()
            ));
        }
        // 施設基準
        let needed = r.facility_standards();
        let family = rules.family_of_code(code.0).map(|s| s.to_string());
        if !needed.is_empty() {
            let ok = needed.iter().any(|s| cx.filing(&s.to_string()).is_some());
            let names: Vec<String> = needed
                .iter()
                .map(|s| cx.standard_name(&s.to_string()))
                .collect();
            if ok {
                cx.trace(
                    "facility_standard",
                    format!("{code} needs {}", names.join(" or ")),
                    src.clone(),
                    "filed and valid on the date",
                );
            } else {
                cx.errors.push(format!(
                    "{code} {}: needs facility standard {} filed and valid on {date}; the facility has not filed it",
                    r.name,
                    names.join(" or ")
                ));
            }
        } else if let Some(rule) = family.as_deref().and_then(|f| {
            rules
                .addons
                .iter()
                .find(|a| a.family == f && a.from <= date && a.to.is_none_or(|t| date <= t))
        }) {
            // Add-on codes whose standard has no official code (e.g. 医療情報取得加算).
            if cx.filing(&rule.standard).is_none() {
                cx.errors.push(format!(
                    "{code} {}: needs facility standard {} valid on {date}; the facility has not stated it",
                    r.name,
                    cx.standard_name(&rule.standard)
                ));
            }
        }
        work.push(Work {
            line: Line {
                code: Some(code.to_string()),
                name: r.name.clone(),
                points,
                count: it.count,
                subtotal: points * Decimal::from(it.count),
                origin: "input",
                rule: rule.into(),
                verified: entry.version.verified,
                source: src,
            },
            code: Some(code),
            family,
            input: Some(i),
            removed: false,
        });
    }

    // 注加算: additions need their base item; additions with the same 通番 exclude each other;
    // percentages apply to the base.
    addon_groups(&mut cx, &mut work);

    // ── 3. age add-ons ──
    let bases: Vec<(usize, Code)> = work
        .iter()
        .enumerate()
        .filter_map(|(i, l)| l.code.map(|c| (i, c)))
        .collect();
    for (i, code) in bases {
        let Ok(entry) = schedule.lookup(code, date) else {
            continue;
        };
        for (slot, a) in entry.record().age_addons().iter().enumerate() {
            if !cx.age_ok(a.lower, a.upper) {
                continue;
            }
            if work.iter().any(|l| l.code == Some(a.code)) {
                cx.trace(
                    "age_addon",
                    format!("{code} 年齢加算{} → {}", slot + 1, a.code),
                    "master 年齢加算",
                    "already on the claim",
                );
                continue;
            }
            match schedule.lookup(a.code, date) {
                Ok(ae) => {
                    let p = ae.record().points;
                    let count = work[i].line.count;
                    cx.trace(
                        "age_addon",
                        format!(
                            "{code} 年齢加算{}: {}–{}, patient born {}",
                            slot + 1,
                            a.lower.code(),
                            a.upper.code(),
                            claim.patient.birth_date.0
                        ),
                        format!("master {code} 年齢加算{} → {}", slot + 1, a.code),
                        format!(
                            "added {} {} ({} points)",
                            a.code,
                            ae.record().name,
                            p.normalize()
                        ),
                    );
                    work.push(Work {
                        line: Line {
                            code: Some(a.code.to_string()),
                            name: ae.record().name.clone(),
                            points: p,
                            count,
                            subtotal: p * Decimal::from(count),
                            origin: "auto",
                            rule: format!("age_addon:{code}"),
                            verified: ae.version.verified,
                            source: format!("master {code} 年齢加算{}", slot + 1),
                        },
                        code: Some(a.code),
                        family: None,
                        input: None,
                        removed: false,
                    });
                }
                Err(e) => cx
                    .warnings
                    .push(format!("age add-on {} of {code} not added: {e}", a.code)),
            }
        }
    }

    // ── 4. rule add-ons ──
    rule_addons(&mut cx, &mut work);

    // ── 5. limits and exclusions for input lines ──
    input_limits(&mut cx, &work);
    exclusions(&mut cx, &mut work);

    // ── 6. totals ──
    let lines: Vec<Line> = work
        .into_iter()
        .filter(|l| !l.removed)
        .map(|l| l.line)
        .collect();
    let total: Decimal = lines.iter().map(|l| l.subtotal).sum();
    cx.trace(
        "total",
        format!("{} lines", lines.len()),
        "sum of subtotals",
        format!("{} points", total.normalize()),
    );
    let copay = copay_block(&mut cx, total)?;
    Ok(CalcOutput {
        total_points: total,
        lines,
        warnings: cx.warnings,
        errors: cx.errors,
        trace: cx.trace,
        copay,
    })
}

trait LowerSetting {
    fn to_lowercase_setting(self) -> String;
}
impl LowerSetting for String {
    fn to_lowercase_setting(self) -> String {
        self.replace("Outpatient", "outpatient")
            .replace("Home", "home")
    }
}

fn addon_groups<W: World + ?Sized>(cx: &mut Ctx<'_, W>, work: &mut [Work]) {
    let schedule = &cx.w.data().schedule;
    let date = cx.date;
    let groups: Vec<Option<(String, masters::value::AddonSerial, PointKind, Decimal)>> = work
        .iter()
        .map(|l| {
            let c = l.code?;
            let e = schedule.lookup(c, date).ok()?;
            let r = e.record();
            r.addon_group()
                .map(|(g, s)| (g.to_string(), s, r.point_kind, r.points))
        })
        .collect();
    for i in 0..work.len() {
        let Some((g, s, kind, pts)) = &groups[i] else {
            continue;
        };
        if s.is_base() {
            continue;
        }
        let code = fmt_code(&work[i].line.code);
        let base = (0..work.len())
            .find(|&j| matches!(&groups[j], Some((g2, s2, _, _)) if g2 == g && s2.is_base()));
        match base {
            None => cx.errors.push(format!(
                "{code} {}: an addition (注加算コード {g}, 通番 {s}) needs its base item in the claim",
                work[i].line.name
            )),
            Some(b) => {
                if matches!(kind, PointKind::PercentAdd | PointKind::PercentSub) {
                    let base_pts = work[b].line.points;
                    let mut p = crate::rounding::percent_of_points(base_pts, *pts);
                    if *kind == PointKind::PercentSub {
                        p = -p;
                    }
                    work[i].line.points = p;
                    work[i].line.subtotal = p * Decimal::from(work[i].line.count);
                    cx.trace(
                        "point_kind:percent",
                        format!("{code}: {}% of {} ({} points)", pts.normalize(), fmt_code(&work[b].line.code), base_pts.normalize()),
                        "点数識別 5/6; rounding: percent_of_points (1点未満四捨五入)",
                        format!("{} points", p.normalize()),
                    );
                }
            }
        }
        for j in 0..i {
            if let Some((g2, s2, _, _)) = &groups[j] {
                if g2 == g && s2 == s && work[j].input.is_some() && work[i].input.is_some() {
                    cx.errors.push(format!(
                        "{code} and {} exclude each other (same 注加算 group {g}, 通番 {s})",
                        fmt_code(&work[j].line.code)
                    ));
                }
            }
        }
    }
}

/// Count of `codes` claimed in the window of `unit` around the date, in the history and in
/// the lines so far.
fn used<W: World + ?Sized>(
    cx: &Ctx<'_, W>,
    work: &[Work],
    codes: &[Code],
    unit: u16,
) -> Option<i64> {
    let mut n = 0;
    for h in &cx.history {
        if codes.contains(&h.code) && in_window(unit, cx.date, h.date)? {
            n += h.count;
        }
    }
    for l in work.iter().filter(|l| !l.removed) {
        if l.code.is_some_and(|c| codes.contains(&c)) {
            n += l.line.count;
        }
    }
    Some(n)
}

/// A DX family claimed in the month of the date: (family, what claimed it).
enum ClaimedBy<'a> {
    History(Code, NaiveDate),
    ThisClaim(&'a Option<String>),
}

impl ClaimedBy<'_> {
    fn describe(&self) -> String {
        match self {
            ClaimedBy::History(c, d) => format!("{c} on {d} (history)"),
            ClaimedBy::ThisClaim(c) => format!("{} on this claim", fmt_code(c)),
        }
    }
}

fn families_claimed_in_month<'w, W: World + ?Sized>(
    cx: &'w Ctx<'_, W>,
    work: &'w [Work],
) -> Vec<(&'w str, ClaimedBy<'w>)> {
    let rules = cx.w.addon_rules();
    let m = month_index(cx.date);
    let mut out = Vec::new();
    for h in &cx.history {
        if month_index(h.date) == m {
            if let Some(f) = rules.family_of_code(h.code.0) {
                out.push((f, ClaimedBy::History(h.code, h.date)));
            }
        }
    }
    for l in work.iter().filter(|l| !l.removed) {
        if let Some(f) = &l.family {
            out.push((f.as_str(), ClaimedBy::ThisClaim(&l.line.code)));
        }
    }
    out
}

fn rule_addons<W: World + ?Sized>(cx: &mut Ctx<'_, W>, work: &mut Vec<Work>) {
    let w = cx.w;
    let rules = w.addon_rules();
    let date = cx.date;
    let claim = cx.claim;
    for (ri, rule) in
        rules.addons.iter().enumerate().filter(|(_, a)| {
            a.kind == claim.kind && a.from <= date && a.to.is_none_or(|t| date <= t)
        })
    {
        // Triggered?
        let trigger = if claim.kind == ClaimKind::Ika {
            let codes = rules.rule_trigger_codes(ri);
            let hit = work
                .iter()
                .find(|l| l.input.is_some() && l.code.is_some_and(|c| codes.contains(&c.0)));
            hit.map(|l| {
                let trig_name = rule
                    .on
                    .iter()
                    .find(|t| {
                        l.code
                            .is_some_and(|c| rules.trigger_codes(t).contains(&c.0))
                    })
                    .and_then(|t| rules.trigger(t))
                    .map(|t| t.name.as_str())
                    .unwrap_or("");
                (
                    format!("{} {} ({trig_name})", fmt_code(&l.line.code), l.line.name),
                    l.line.count,
                )
            })
        } else {
            claim
                .visit
                .filter(|v| rule.on.iter().any(|o| o == v.as_str()))
                .map(|v| (format!("visit: {}", v.as_str()), 1))
        };
        let Some((trigger, _)) = trigger else {
            continue;
        };
        let looked = format!(
            "{trigger}; {} {}–{}",
            rule.name,
            rule.from,
            rule.to.map(|d| d.to_string()).unwrap_or_default()
        );
        // Condition on the patient / facility.
        if !cx.condition(&rule.when) {
            cx.trace(
                rule.id.clone(),
                looked,
                rule.source.clone(),
                format!("not added: condition `{}` does not hold", rule.when),
            );
            continue;
        }
        // Facility standard.
        let Some(filing) = cx.filing(&rule.standard).cloned() else {
            let decision = format!(
                "not added: facility standard {} is not filed (or not valid on {date})",
                cx.standard_name(&rule.standard)
            );
            cx.trace(rule.id.clone(), looked, rule.source.clone(), decision);
            continue;
        };
        // Tier.
        let Some((tier_key, target)) = pick_tier(cx, rule, &filing) else {
            continue;
        };
        // Already on the claim by hand?
        if let Some(c) = &target.code {
            if work
                .iter()
                .any(|l| l.line.code.as_deref() == Some(c.as_str()))
            {
                cx.trace(
                    rule.id.clone(),
                    looked,
                    rule.source.clone(),
                    format!("{c} is already on the claim"),
                );
                continue;
            }
        }
        // Codes it may not be claimed with.
        if let Some(l) = work.iter().find(|l| {
            l.line
                .code
                .as_ref()
                .is_some_and(|c| rule.not_with_codes.contains(c))
        }) {
            let msg = format!(
                "{} not added: {} {} is on the claim and the two are not claimed together ({})",
                rule.name,
                fmt_code(&l.line.code),
                l.line.name,
                rule.source
            );
            cx.warnings.push(msg.clone());
            cx.trace(rule.id.clone(), looked, rule.source.clone(), msg);
            continue;
        }
        // Month exclusions.
        let claimed = families_claimed_in_month(cx, work);
        let blocked = rules
            .month_exclusions
            .iter()
            .filter(|x| x.refuse == rule.family && x.from <= date && x.to.is_none_or(|t| date <= t))
            .find_map(|x| {
                claimed
                    .iter()
                    .find(|(f, _)| x.when_claimed.iter().any(|w| w == f))
                    .map(|(_, what)| (x, what.describe()))
            });
        if let Some((x, what)) = blocked {
            let msg = format!(
                "{} refused: {what} is claimed in the same month ({}: {})",
                rule.name, x.id, x.source
            );
            cx.warnings.push(msg.clone());
            cx.trace(x.id.clone(), looked, x.source.clone(), msg);
            continue;
        }
        // Resolve the target: the code's record for the date, or codeless points.
        let resolved = resolve_target(cx, rule, &tier_key, target);
        let Some((line, code)) = resolved else {
            continue;
        };
        // Limits: the rule's own, the 算定回数 table's for the code, shared allowances.
        if let Some(reason) = limit_refusal(cx, work, rule, code, line.count) {
            let msg = format!("{} not added: {reason}", rule.name);
            cx.warnings.push(msg.clone());
            cx.trace(rule.id.clone(), looked, rule.source.clone(), msg);
            continue;
        }
        if !line.verified {
            cx.warnings.push(format!(
                "{} {}: unverified — {} (no official master confirms it)",
                fmt_code(&line.code),
                line.name,
                rule.source
            ));
        }
        cx.trace(
            rule.id.clone(),
            format!(
                "{looked}; filed {} tier {}",
                filing.code,
                filing
                    .tier
                    .map(|t| t.to_string())
                    .unwrap_or_else(|| "-".into())
            ),
            rule.source.clone(),
            format!(
                "added {} {} ({} points)",
                fmt_code(&line.code),
                line.name,
                line.points.normalize()
            ),
        );
        work.push(Work {
            line,
            code,
            family: Some(rule.family.clone()),
            input: None,
            removed: false,
        });
    }
}

/// Which tier's target applies: `any`, the filed tier, the tier computed from the facility
/// profile, or the rule's `tier_when` conditions.
fn pick_tier<'r, W: World + ?Sized>(
    cx: &mut Ctx<'_, W>,
    rule: &'r AddonRule,
    filing: &FiledStandard,
) -> Option<(String, &'r Target)> {
    if let Some(t) = rule.tiers.get("any") {
        return Some(("any".into(), t));
    }
    let mut tier = filing.tier;
    if let Some(computed) = computed_tier(cx, rule) {
        match tier {
            None => {
                cx.trace(rule.id.clone(), "facility.profile", "rules/data/tier", format!("tier {computed} computed from the facility profile"));
                tier = Some(computed);
            }
            Some(f) if f < computed => cx.warnings.push(format!(
                "{}: filed tier {f} is better than the facility's data supports (tier {computed} for {}); the filed tier is used",
                rule.name,
                cx.date.format("%Y-%m")
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
        cx.warnings.push(format!(
            "{} not added: the filing of {} gives no tier",
            rule.name, filing.code
        ));
        return None;
    };
    match rule.tiers.get(&t.to_string()) {
        Some(target) => Some((t.to_string(), target)),
        None => {
            cx.warnings.push(format!(
                "{} not added: filed tier {t} does not exist on {} (tiers {})",
                rule.name,
                cx.date,
                rule.tiers.keys().cloned().collect::<Vec<_>>().join(", ")
            ));
            None
        }
    }
}

/// The tier the facility profile supports for the month, when the claim gives a profile.
fn computed_tier<W: World + ?Sized>(cx: &mut Ctx<'_, W>, rule: &AddonRule) -> Option<u8> {
    let profile_value = cx.claim.facility.profile.as_ref()?;
    let profile = match rules::tier::FacilityProfile::from_json(
        "facility.profile",
        &profile_value.to_string(),
    ) {
        Ok(p) => p,
        Err(e) => {
            cx.warnings.push(format!("facility.profile ignored: {e}"));
            return None;
        }
    };
    let month = rules::YearMonth::new(cx.date.year(), cx.date.month())?;
    let r = cx.w.tiers().evaluate_month(&profile, month);
    let tier_family = rule.tier_family.as_deref().unwrap_or(rule.family.as_str());
    let fam = r.family.as_deref()?;
    if !tier_family.starts_with(fam) && !rule.family.starts_with(fam) {
        return None;
    }
    cx.trace(
        "tier",
        format!("facility profile, {month}"),
        "rules/data/tier",
        r.reason.clone(),
    );
    r.tier.map(|t| t as u8)
}

fn resolve_target<W: World + ?Sized>(
    cx: &mut Ctx<'_, W>,
    rule: &AddonRule,
    tier_key: &str,
    target: &Target,
) -> Option<(Line, Option<Code>)> {
    let date = cx.date;
    if let Some(c) = &target.code {
        let code = Code::parse(c).ok()?;
        return match cx.w.data().schedule.lookup(code, date) {
            Ok(e) => {
                let src = e
                    .version
                    .sources
                    .first()
                    .map(|s| {
                        if s.line > 0 {
                            format!("{}:{}", s.file, s.line)
                        } else {
                            s.file.to_string()
                        }
                    })
                    .unwrap_or_default();
                let p = e.record().points;
                Some((
                    Line {
                        code: Some(c.clone()),
                        name: e.record().name.clone(),
                        points: p,
                        count: 1,
                        subtotal: p,
                        origin: "auto",
                        rule: rule.id.clone(),
                        verified: e.version.verified && !rule.unverified,
                        source: src,
                    },
                    Some(code),
                ))
            }
            Err(err) => {
                cx.warnings.push(format!(
                    "{} not added: {err} (rule {}: {})",
                    rule.name, rule.id, rule.source
                ));
                None
            }
        };
    }
    // Codeless: stated points, or the tier rules' points for the month and claim kind.
    let points = match (target.points, rule.points_from_tier_rules) {
        (Some(p), _) => Some((p, rule.source.clone())),
        (None, true) => tier_points(cx, rule, tier_key),
        _ => None,
    };
    let Some((p, src)) = points else {
        cx.warnings.push(format!(
            "{} not added: no points for tier {tier_key} on {date}",
            rule.name
        ));
        return None;
    };
    let name = target.name.clone().unwrap_or_else(|| rule.name.clone());
    cx.warnings.push(format!(
        "{name}: no official code is known; added by points only ({src})"
    ));
    Some((
        Line {
            code: None,
            name,
            points: p,
            count: 1,
            subtotal: p,
            origin: "auto",
            rule: rule.id.clone(),
            verified: false,
            source: src,
        },
        None,
    ))
}

fn tier_points<W: World + ?Sized>(
    cx: &Ctx<'_, W>,
    rule: &AddonRule,
    tier_key: &str,
) -> Option<(Decimal, String)> {
    let fam = rule.tier_family.as_deref()?;
    let month = rules::YearMonth::new(cx.date.year(), cx.date.month())?;
    let period =
        cx.w.tiers()
            .periods()
            .iter()
            .find(|p| p.family == fam && p.covers(month))?;
    let pick = |t: &rules::tier::Tier| match rule.kind {
        ClaimKind::Ika => t.points.ika,
        ClaimKind::Shika => t.points.shika,
        ClaimKind::Chozai => t.points.chozai,
    };
    let tier = if tier_key == "any" {
        period.tiers.iter().find(|t| pick(t).is_some())?
    } else {
        let n: u32 = tier_key.parse().ok()?;
        period.tiers.iter().find(|t| t.number == n)?
    };
    let p = pick(tier)?;
    Some((
        Decimal::from(p),
        format!(
            "{} tier {} ({}: {})",
            period.id, tier.number, period.file, tier.source
        ),
    ))
}

/// Why an automatic add-on would break a limit, if it would.
/// One limit to check: codes counted together, 算定単位 code and name, the maximum, and
/// where the limit comes from.
struct LimitCheck {
    codes: Vec<Code>,
    unit: u16,
    unit_name: String,
    max: u32,
    source: String,
}

/// The limits on a code on the date: the 算定回数 tables', the shared allowances it is part
/// of, and the add-on rule's own limit when given.
fn limit_checks<W: World + ?Sized>(
    cx: &Ctx<'_, W>,
    c: Code,
    rule: Option<&AddonRule>,
) -> Vec<LimitCheck> {
    let date = cx.date;
    let mut checks: Vec<LimitCheck> =
        cx.w.data()
            .tables
            .frequency_on(c, date)
            .map(|f| LimitCheck {
                codes: vec![c],
                unit: f.unit.code,
                unit_name: f.unit.name.clone(),
                max: f.count,
                source: src_ref(&f.source.file, f.source.line, "算定回数 "),
            })
            .collect();
    if let Some(l) = rule.and_then(|r| r.limit.as_ref().map(|l| (r, l))) {
        checks.push(LimitCheck {
            codes: vec![c],
            unit: l.1.unit_code,
            unit_name: l.1.unit.clone(),
            max: l.1.count,
            source: format!("rule {}: {}", l.0.id, l.1.source),
        });
    }
    let ar = cx.w.addon_rules();
    for (si, s) in ar
        .shared_limits
        .iter()
        .enumerate()
        .filter(|(_, s)| s.from <= date && s.to.is_none_or(|t| date <= t))
    {
        if ar.shared_limit_codes(si).contains(&c.0) {
            checks.push(LimitCheck {
                codes: ar.shared_limit_codes(si).iter().map(|&x| Code(x)).collect(),
                unit: s.unit_code,
                unit_name: s.unit.clone(),
                max: s.count,
                source: format!("{}: {}", s.id, s.source),
            });
        }
    }
    checks
}

fn code_list(codes: &[Code], sep: &str) -> String {
    codes
        .iter()
        .map(|c| c.to_string())
        .collect::<Vec<_>>()
        .join(sep)
}

/// Why an automatic add-on would break a limit, if it would.
fn limit_refusal<W: World + ?Sized>(
    cx: &mut Ctx<'_, W>,
    work: &[Work],
    rule: &AddonRule,
    code: Option<Code>,
    count: i64,
) -> Option<String> {
    let Some(c) = code else {
        // Codeless add-ons: count this claim's lines of the same family (no code to count).
        let l = rule.limit.as_ref()?;
        let same_family = work
            .iter()
            .filter(|w| !w.removed && w.family.as_deref() == Some(rule.family.as_str()))
            .count() as i64;
        if l.unit_code == 131 && same_family + count > l.count as i64 {
            return Some(format!(
                "{} {}回 already reached ({})",
                l.unit, l.count, l.source
            ));
        }
        return None;
    };
    for k in limit_checks(cx, c, Some(rule)) {
        match used(cx, work, &k.codes, k.unit) {
            None => cx.trace(
                "frequency",
                format!("{} ({})", k.unit_name, k.unit),
                k.source,
                "not checked: santei does not count this unit",
            ),
            Some(n) if n + count > k.max as i64 => {
                return Some(format!(
                    "limit {} per {} reached ({n} already: {}; {})",
                    k.max,
                    k.unit_name,
                    code_list(&k.codes, ", "),
                    k.source
                ));
            }
            Some(n) => cx.trace(
                "frequency",
                format!(
                    "{}: {} limit {}, {n} used",
                    code_list(&k.codes, "/"),
                    k.unit_name,
                    k.max
                ),
                k.source,
                "within the limit",
            ),
        }
    }
    None
}

/// Frequency limits for the lines the caller listed.
fn input_limits<W: World + ?Sized>(cx: &mut Ctx<'_, W>, work: &[Work]) {
    for (i, l) in work.iter().enumerate() {
        if l.input.is_none() || l.removed {
            continue;
        }
        let Some(c) = l.code else { continue };
        for k in limit_checks(cx, c, None) {
            // Count the earlier lines of this claim and the history, then this line.
            match used(cx, &work[..i], &k.codes, k.unit) {
                None => cx.trace(
                    "frequency",
                    format!("{c}: {} ({})", k.unit_name, k.unit),
                    k.source,
                    "not checked: santei does not count this unit",
                ),
                Some(n) if n + l.line.count > k.max as i64 => cx.errors.push(format!(
                    "{c} {}: limit {} per {} exceeded ({n} already claimed in the window; {})",
                    l.line.name, k.max, k.unit_name, k.source
                )),
                Some(_) => {}
            }
        }
    }
}

/// 背反: pairs on this claim (同時, 1日) and against the history (同一月, 1週, 1日).
fn exclusions<W: World + ?Sized>(cx: &mut Ctx<'_, W>, work: &mut [Work]) {
    let date = cx.date;
    let w = cx.w;
    let tables = &w.data().tables;
    let mut missing_noted = false;
    // Codes present on this claim or in the history: a rule whose other code is absent
    // cannot conflict (most codes have hundreds of 背反 rows).
    let mut present: Vec<Code> = work
        .iter()
        .filter_map(|l| l.code)
        .chain(cx.history.iter().map(|h| h.code))
        .collect();
    present.sort_unstable();
    present.dedup();
    for i in 0..work.len() {
        let Some(ci) = work[i].code else { continue };
        if work[i].removed {
            continue;
        }
        // A missing 1日 table, when the 補助 table says this code has 1日 背反 relations.
        if !tables.has(TableKind::ExclusionSameDay) && !missing_noted {
            if let Some(aux) = tables
                .auxiliary
                .get(&ci)
                .and_then(|v| v.iter().find(|a| a.period.contains(date)))
            {
                if aux.exclusion_flags[0] {
                    cx.warnings.push(format!(
                        "背反 (1日) not checked for {ci}: table 03-1背反テーブル1 is not loaded"
                    ));
                    missing_noted = true;
                }
            }
        }
        let candidates = present
            .iter()
            .filter(|&&p| p != ci)
            .flat_map(|&p| tables.exclusions_between(ci, p, date));
        for r in candidates {
            let other = if r.first == ci { r.second } else { r.first };
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
            let conflict = match r.scope {
                ExclusionScope::SameTime | ExclusionScope::SameDay => {
                    let on_claim = work.iter().enumerate().any(|(j, l)| {
                        j != i
                            && !l.removed
                            && l.code == Some(other)
                            && (r.kind != ExclusionKind::Either || j < i)
                    });
                    let in_history = r.scope == ExclusionScope::SameDay
                        && cx.history.iter().any(|h| h.code == other && h.date == date);
                    on_claim || in_history
                }
                ExclusionScope::SameMonth | ExclusionScope::Week => {
                    let same = |d: NaiveDate| match r.scope {
                        ExclusionScope::SameMonth => month_index(d) == month_index(date),
                        _ => week_index(d) == week_index(date),
                    };
                    let on_claim = work.iter().enumerate().any(|(j, l)| {
                        j != i
                            && !l.removed
                            && l.code == Some(other)
                            && (r.kind != ExclusionKind::Either || j < i)
                    });
                    on_claim || cx.history.iter().any(|h| h.code == other && same(h.date))
                }
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
            let src = src_ref(&r.source.file, r.source.line, "");
            let msg = format!(
                "{ci} {} refused: 背反 ({scope}) with {other} (背反区分 {:?}; {src})",
                work[i].line.name, r.kind
            );
            if work[i].input.is_some() {
                cx.errors.push(msg.clone());
            } else {
                cx.warnings.push(msg.clone());
                work[i].removed = true;
            }
            cx.trace("exclusion", format!("{ci} × {other} ({scope})"), src, msg);
            break;
        }
    }
}

fn copay_block<W: World + ?Sized>(
    cx: &mut Ctx<'_, W>,
    total: Decimal,
) -> Result<Option<Value>, CalcError> {
    let p = &cx.claim.patient;
    if !p.copay.contains_key("insurance") {
        return Ok(None);
    }
    let mut pv = serde_json::Map::new();
    pv.insert(
        "birth_date".into(),
        Value::String(p.birth_date.0.to_string()),
    );
    for (k, v) in &p.copay {
        pv.insert(k.clone(), v.clone());
    }
    let patient = crate::copay::Patient::from_value("patient", &Value::Object(pv))
        .map_err(|e| CalcError::Input(e.to_string()))?;
    let points: i64 = total
        .round()
        .try_into()
        .map_err(|_| CalcError::Input("total points out of range".into()))?;
    let pe = Value::Array(cx.claim.public_expense.clone());
    let public_expense =
        crate::copay::input::public_expense_from_value("public_expense", Some(&pe))
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
    cx.trace(
        "copay",
        format!("{points} points"),
        "calc::copay (rules/data/copay)",
        format!("patient pays {} yen", out.patient_pays),
    );
    Ok(Some(serde_json::to_value(&out).unwrap_or(Value::Null)))
}
