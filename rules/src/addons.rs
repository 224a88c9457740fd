//! Which add-ons the engine adds automatically, and what refuses them.
//!
//! The rule files (`data/addons/*.toml`, embedded) say, for each family of add-ons (the
//! medical-DX families above all) and each period: which base items trigger it (`[[trigger]]`),
//! which filed facility standard it needs (`[[standard]]`), which code (or, where no official
//! code exists, which points) to add for the facility's tier and the patient's facts
//! (`[[addon]]`), the limits the rule itself states (`limit`, and `[[shared_limit]]` for codes
//! that share one allowance), and the families that may not be claimed in the same month
//! (`[[month_exclusion]]`). Every entry has a `source`.
//!
//! Invariants: loading checks every reference (trigger ids, standard ids, condition names,
//! families, dates) and fails with the file and the entry; the engine never sees a rule that
//! names something undefined. Nothing numeric lives in code.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// The embedded add-on rule files (name, text): written in TOML (`data/addons/`), embedded as
/// JSON (converted by `build.rs`).
pub static EMBEDDED: &[(&str, &str)] = include!(concat!(env!("OUT_DIR"), "/embedded_addons.rs"));

/// The texts in use: [`EMBEDDED`], or with the feature `fetched-data` the group `rules/addons`
/// given at run time ([`support::fetched`]).
pub fn embedded_texts() -> &'static [(&'static str, &'static str)] {
    #[cfg(feature = "fetched-data")]
    return support::fetched::group("rules/addons");
    #[cfg(not(feature = "fetched-data"))]
    EMBEDDED
}

/// A condition an add-on may name in `when`, `tier_when` or `tier_needs` (evaluated by the
/// engine from the claim). The one vocabulary: a name not listed here is an error when the
/// rule files load.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Condition {
    /// `always`
    Always,
    /// `mynumber_card`
    MynumberCard,
    /// `not mynumber_card`
    NotMynumberCard,
    /// `e_prescription`
    EPrescription,
    /// `not e_prescription`
    NotEPrescription,
    /// `electronic_sharing`
    ElectronicSharing,
    /// `e_prescription_or_electronic_sharing`
    EPrescriptionOrElectronicSharing,
}

/// Every condition with its name in the rule files and its description.
pub const CONDITIONS: &[(Condition, &str, &str)] = &[
    (Condition::Always, "always", "no condition"),
    (Condition::MynumberCard, "mynumber_card", "the patient's information was obtained through a マイナ保険証 (patient.mynumber_card = true)"),
    (Condition::NotMynumberCard, "not mynumber_card", "no マイナ保険証 use (patient.mynumber_card = false)"),
    (Condition::EPrescription, "e_prescription", "the facility has the e-prescription capability on the date (facility.e_prescription_since ≤ date)"),
    (Condition::NotEPrescription, "not e_prescription", "the facility lacks the e-prescription capability on the date"),
    (Condition::ElectronicSharing, "electronic_sharing", "the facility shares clinical information electronically on the date (facility.electronic_sharing_since ≤ date)"),
    (Condition::EPrescriptionOrElectronicSharing, "e_prescription_or_electronic_sharing", "the facility has the e-prescription capability or shares clinical information electronically on the date"),
];

impl Condition {
    /// The name in the rule files.
    pub fn name(self) -> &'static str {
        CONDITIONS
            .iter()
            .find(|(c, _, _)| *c == self)
            .map_or("", |(_, n, _)| n)
    }

    /// What the condition means.
    pub fn text(self) -> &'static str {
        CONDITIONS
            .iter()
            .find(|(c, _, _)| *c == self)
            .map_or("", |(_, _, d)| d)
    }
}

impl std::fmt::Display for Condition {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl std::str::FromStr for Condition {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        CONDITIONS
            .iter()
            .find(|(_, n, _)| *n == s)
            .map(|(c, _, _)| *c)
            .ok_or_else(|| {
                format!(
                    "unknown condition {s:?} (known: {})",
                    CONDITIONS
                        .iter()
                        .map(|c| c.1)
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            })
    }
}

impl<'de> Deserialize<'de> for Condition {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

impl Serialize for Condition {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

/// A condition a tier needs beyond its filing, in a period (e.g. tiers 1–3 of 医療ＤＸ推進体制整備加算
/// from 2025-04 need the e-prescription capability). A filed tier whose condition the claim
/// does not show is warned about (the filing is the facility's declaration; the claim may
/// simply not state the capability).
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TierNeed {
    pub tiers: Vec<String>,
    pub when: Condition,
    #[serde(default)]
    pub from: Option<NaiveDate>,
    #[serde(default)]
    pub to: Option<NaiveDate>,
    pub source: String,
}

impl TierNeed {
    /// Whether the need is in force on `date`.
    pub fn in_force(&self, date: NaiveDate) -> bool {
        self.from.is_none_or(|f| f <= date) && self.to.is_none_or(|t| date <= t)
    }
}

/// Claim kinds (医科 / 歯科 / 調剤).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum ClaimKind {
    Ika,
    Shika,
    Chozai,
}

fn ika() -> ClaimKind {
    ClaimKind::Ika
}

/// `[coverage]` — the dates the rule files cover.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Coverage {
    pub from: NaiveDate,
    pub source: String,
    /// The last date the rule files describe (a later date of service is an error).
    #[serde(default)]
    pub to: Option<NaiveDate>,
    /// Where the last date comes from.
    #[serde(default)]
    pub to_source: Option<String>,
}

/// `[[revision]]` — a fee revision (診療報酬改定): the day a new schedule takes effect.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Revision {
    pub date: NaiveDate,
    pub name: String,
    pub source: String,
}

/// `[[standard]]` — a facility standard a facility files (施設基準), by its official code
/// where one is known or by santei's rule id.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Standard {
    pub id: String,
    pub name: String,
    /// True when `id` is an official 施設基準コード.
    #[serde(default)]
    pub official: bool,
    /// Other filings that also meet this standard (e.g. 4035 meets 医療情報取得加算's).
    #[serde(default)]
    pub satisfied_by: Vec<String>,
    pub source: String,
}

/// `[[trigger]]` — a set of base items an add-on attaches to.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Trigger {
    pub id: String,
    pub name: String,
    pub codes: Vec<String>,
    pub source: String,
}

/// A limit stated by a rule: `count` per `unit_code` (算定単位コード of the 電子点数表 付表1:
/// 121 日, 131 月, 138 週, 143 ２月, 144 ３月, 146 ６月, 147 １２月 …).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Limit {
    pub unit_code: u16,
    pub unit: String,
    pub count: u32,
    pub source: String,
}

/// What an add-on adds for one tier (or for every tier: key `any`).
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Target {
    /// The procedure code; absent where no official code is known.
    #[serde(default)]
    pub code: Option<String>,
    /// Points, for targets without a code (歯科, 調剤, codes not yet published).
    #[serde(default, with = "rust_decimal::serde::str_option")]
    pub points: Option<Decimal>,
    /// Name to show for a codeless target.
    #[serde(default)]
    pub name: Option<String>,
}

/// `[[addon]]` — one automatic add-on for one period.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AddonRule {
    pub id: String,
    pub family: String,
    pub name: String,
    #[serde(default = "ika")]
    pub kind: ClaimKind,
    pub from: NaiveDate,
    #[serde(default)]
    pub to: Option<NaiveDate>,
    /// Trigger ids (医科) or visit kinds (歯科 `first`/`revisit`, 調剤 `dispensing`).
    pub on: Vec<String>,
    /// The facility standard it needs; absent when no filing is needed (e.g. 物価対応料).
    #[serde(default)]
    pub standard: Option<String>,
    /// Condition on the patient/facility.
    #[serde(default = "always")]
    pub when: Condition,
    /// Targets by filed tier ("1", "2", … or "any").
    pub tiers: BTreeMap<String, Target>,
    /// When the filing gives no tier: the first tier whose condition holds.
    #[serde(default)]
    pub tier_when: Vec<(String, Condition)>,
    /// Conditions tiers need beyond the filing.
    #[serde(default)]
    pub tier_needs: Vec<TierNeed>,
    /// Take points for codeless targets from the tier rules (rules/data/tier) for the month.
    #[serde(default)]
    pub points_from_tier_rules: bool,
    /// The tier-rule family (`dx_suishin`, `denshi_renkei`) those points come from.
    #[serde(default)]
    pub tier_family: Option<String>,
    #[serde(default)]
    pub limit: Option<Limit>,
    /// Codes that may not be on the same visit, either way (e.g. 明細書発行体制等加算).
    #[serde(default)]
    pub not_with_codes: Vec<String>,
    /// True when the codes are not confirmed by an official master.
    #[serde(default)]
    pub unverified: bool,
    pub source: String,
}

fn always() -> Condition {
    Condition::Always
}

/// `[[shared_limit]]` — codes that share one allowance.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SharedLimit {
    pub id: String,
    pub codes: Vec<String>,
    pub from: NaiveDate,
    #[serde(default)]
    pub to: Option<NaiveDate>,
    pub unit_code: u16,
    pub unit: String,
    pub count: u32,
    pub source: String,
}

/// `[[month_exclusion]]` — `refuse` may not be claimed in a month in which any family of
/// `when_claimed` is claimed (in the history or this claim).
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MonthExclusion {
    pub id: String,
    pub refuse: String,
    pub when_claimed: Vec<String>,
    pub from: NaiveDate,
    #[serde(default)]
    pub to: Option<NaiveDate>,
    pub source: String,
}

/// In force on a date: `from ≤ date ≤ to` (no `to`: open-ended). The one test every dated
/// rule uses.
pub fn in_force(from: NaiveDate, to: Option<NaiveDate>, date: NaiveDate) -> bool {
    from <= date && to.is_none_or(|t| date <= t)
}

impl AddonRule {
    /// Whether the rule is in force on `date`.
    pub fn in_force(&self, date: NaiveDate) -> bool {
        in_force(self.from, self.to, date)
    }
}

impl SharedLimit {
    /// Whether the allowance is in force on `date`.
    pub fn in_force(&self, date: NaiveDate) -> bool {
        in_force(self.from, self.to, date)
    }
}

impl MonthExclusion {
    /// Whether the exclusion is in force on `date`.
    pub fn in_force(&self, date: NaiveDate) -> bool {
        in_force(self.from, self.to, date)
    }
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct AddonFile {
    #[serde(default)]
    coverage: Option<Coverage>,
    #[serde(default)]
    standard: Vec<Standard>,
    #[serde(default)]
    trigger: Vec<Trigger>,
    #[serde(default)]
    addon: Vec<AddonRule>,
    #[serde(default)]
    shared_limit: Vec<SharedLimit>,
    #[serde(default)]
    month_exclusion: Vec<MonthExclusion>,
    #[serde(default)]
    revision: Vec<Revision>,
}

/// A rule-file error: the file and what is wrong.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{file}: {message}")]
pub struct AddonRuleError {
    pub file: String,
    pub message: String,
}

/// A cheap hasher for codes (as numbers): the top bits of a multiplication, folded into the
/// low ones (the table takes buckets from the low bits and a tag from the top 7).
#[derive(Clone, Copy, Default)]
struct CodeHasher(u64);

impl std::hash::Hasher for CodeHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = (self.0.rotate_left(8) ^ *b as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        }
    }
    fn write_u32(&mut self, n: u32) {
        let h = (n as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        self.0 = h ^ (h >> 32);
    }
}

/// A map from a code (as a number) to a value (looked up for every line of every claim).
#[derive(Clone, Debug, Default)]
struct CodeIndex<V>(std::collections::HashMap<u32, V, std::hash::BuildHasherDefault<CodeHasher>>);

impl<V> CodeIndex<V> {
    fn get(&self, code: u32) -> Option<&V> {
        self.0.get(&code)
    }
}

impl CodeIndex<Vec<usize>> {
    /// Code → the indices (ascending) of the lists that contain it.
    fn of_lists(lists: &[Vec<u32>]) -> Self {
        let mut m: BTreeMap<u32, Vec<usize>> = BTreeMap::new();
        for (i, codes) in lists.iter().enumerate() {
            for &c in codes {
                let v = m.entry(c).or_default();
                if v.last() != Some(&i) {
                    v.push(i);
                }
            }
        }
        CodeIndex(m.into_iter().collect())
    }
}

/// The loaded, checked add-on rules.
#[derive(Clone, Debug, Default)]
pub struct AddonRules {
    pub coverage: Option<Coverage>,
    pub standards: Vec<Standard>,
    pub triggers: Vec<Trigger>,
    pub addons: Vec<AddonRule>,
    pub shared_limits: Vec<SharedLimit>,
    pub month_exclusions: Vec<MonthExclusion>,
    /// Fee revisions, by date.
    pub revisions: Vec<Revision>,
    /// The rule files, for the version report.
    pub files: Vec<String>,
    /// Add-on code → its family (index into `addons`), built at load.
    family_index: CodeIndex<usize>,
    /// Trigger id → its codes as numbers, built at load.
    trigger_codes: Vec<(String, Vec<u32>)>,
    /// For each add-on (same index as `addons`): the codes of all its triggers.
    rule_trigger_codes: Vec<Vec<u32>>,
    /// For each shared limit (same index as `shared_limits`): its codes as numbers.
    shared_limit_codes: Vec<Vec<u32>>,
    /// Code → the add-ons (indices into `addons`, ascending) one of whose triggers lists it.
    trigger_index: CodeIndex<Vec<usize>>,
    /// Code → the shared limits (indices into `shared_limits`, ascending) that count it.
    shared_limit_index: CodeIndex<Vec<usize>>,
    /// For each add-on: the codes of its targets (every tier), as numbers.
    rule_targets: Vec<Vec<u32>>,
    /// For each add-on: the target codes of the add-ons of its family that attach to one of
    /// its triggers (any period), its own included — a line of one of them on the claim means
    /// the add-on is claimed already.
    rule_siblings: Vec<Vec<u32>>,
    /// For each add-on: `not_with_codes` as numbers.
    rule_not_with: Vec<Vec<u32>>,
    /// Code → the add-ons (indices into `addons`, ascending) that have it as a target.
    target_index: CodeIndex<Vec<usize>>,
}

impl AddonRules {
    /// The embedded rules.
    pub fn embedded() -> Result<AddonRules, AddonRuleError> {
        AddonRules::from_sources(embedded_texts())
    }

    /// The `[coverage]` of the embedded rule files: the one statement of the dates santei's
    /// rules describe, which `calc`, `copay`, `tier` and `master` all check (a date of service
    /// after `to` is an error everywhere).
    pub fn embedded_coverage() -> Option<&'static Coverage> {
        static COV: std::sync::OnceLock<Option<Coverage>> = std::sync::OnceLock::new();
        COV.get_or_init(|| AddonRules::embedded().ok().and_then(|r| r.coverage))
            .as_ref()
    }

    /// Load rule files (name, text).
    pub fn from_sources(files: &[(&str, &str)]) -> Result<AddonRules, AddonRuleError> {
        let mut r = AddonRules::default();
        for (name, text) in files {
            let f: AddonFile = crate::parse_data(text).map_err(|message| AddonRuleError {
                file: name.to_string(),
                message,
            })?;
            if f.coverage.is_some() {
                r.coverage = f.coverage;
            }
            r.standards.extend(f.standard);
            r.triggers.extend(f.trigger);
            r.addons.extend(f.addon);
            r.shared_limits.extend(f.shared_limit);
            r.month_exclusions.extend(f.month_exclusion);
            r.revisions.extend(f.revision);
            r.files.push(name.to_string());
        }
        support::sort::sort_by_key(&mut r.revisions, |v| v.date);
        r.check().map_err(|message| AddonRuleError {
            file: files.iter().map(|f| f.0).collect::<Vec<_>>().join(", "),
            message,
        })?;
        let mut families = BTreeMap::new();
        for (i, a) in r.addons.iter().enumerate() {
            for t in a.tiers.values() {
                if let Some(c) = t.code.as_deref().and_then(|c| c.parse::<u32>().ok()) {
                    families.entry(c).or_insert(i);
                }
            }
        }
        r.family_index = CodeIndex(families.into_iter().collect());
        for t in &r.triggers {
            r.trigger_codes.push((
                t.id.clone(),
                t.codes.iter().filter_map(|c| c.parse().ok()).collect(),
            ));
        }
        r.rule_trigger_codes = r
            .addons
            .iter()
            .map(|a| {
                a.on.iter()
                    .flat_map(|t| r.trigger_codes(t).iter().copied())
                    .collect()
            })
            .collect();
        r.shared_limit_codes = r
            .shared_limits
            .iter()
            .map(|l| l.codes.iter().filter_map(|c| c.parse().ok()).collect())
            .collect();
        r.trigger_index = CodeIndex::of_lists(&r.rule_trigger_codes);
        r.shared_limit_index = CodeIndex::of_lists(&r.shared_limit_codes);
        let numbers = |codes: &mut dyn Iterator<Item = &String>| -> Vec<u32> {
            codes.filter_map(|c| c.parse().ok()).collect()
        };
        r.rule_targets = r
            .addons
            .iter()
            .map(|a| numbers(&mut a.tiers.values().filter_map(|t| t.code.as_ref())))
            .collect();
        r.rule_not_with = r
            .addons
            .iter()
            .map(|a| numbers(&mut a.not_with_codes.iter()))
            .collect();
        r.rule_siblings = r
            .addons
            .iter()
            .map(|a| {
                let mut v: Vec<u32> = r
                    .addons
                    .iter()
                    .enumerate()
                    .filter(|(_, b)| b.family == a.family && b.on.iter().any(|t| a.on.contains(t)))
                    .flat_map(|(j, _)| r.rule_targets[j].iter().copied())
                    .collect();
                v.sort_unstable();
                v.dedup();
                v
            })
            .collect();
        r.target_index = CodeIndex::of_lists(&r.rule_targets);
        Ok(r)
    }

    fn check(&self) -> Result<(), String> {
        let standards: BTreeSet<&str> = self.standards.iter().map(|s| s.id.as_str()).collect();
        let triggers: BTreeSet<&str> = self.triggers.iter().map(|t| t.id.as_str()).collect();
        let families: BTreeSet<&str> = self.addons.iter().map(|a| a.family.as_str()).collect();
        let code_ok = |c: &str| c.len() == 9 && c.bytes().all(|b| b.is_ascii_digit());
        for t in &self.triggers {
            for c in &t.codes {
                if !code_ok(c) {
                    return Err(format!("trigger {}: {c:?} is not a 9-digit code", t.id));
                }
            }
        }
        let mut ids = BTreeSet::new();
        for a in &self.addons {
            if !ids.insert(a.id.as_str()) {
                return Err(format!("addon {}: id used twice", a.id));
            }
            if let Some(st) = a.standard.as_deref().filter(|s| !standards.contains(s)) {
                return Err(format!("addon {}: unknown standard {st:?}", a.id));
            }
            if a.kind == ClaimKind::Ika {
                for t in &a.on {
                    if !triggers.contains(t.as_str()) {
                        return Err(format!("addon {}: unknown trigger {t:?}", a.id));
                    }
                }
            } else {
                for t in &a.on {
                    if !matches!(t.as_str(), "first" | "revisit" | "dispensing") {
                        return Err(format!(
                            "addon {}: visit kind {t:?} is not first, revisit or dispensing",
                            a.id
                        ));
                    }
                }
            }
            for n in &a.tier_needs {
                for k in &n.tiers {
                    if !a.tiers.contains_key(k) {
                        return Err(format!(
                            "addon {}: tier_needs names tier {k} it does not define",
                            a.id
                        ));
                    }
                }
            }
            if a.to.is_some_and(|t| t < a.from) {
                return Err(format!("addon {}: ends before it starts", a.id));
            }
            if a.tiers.is_empty() {
                return Err(format!("addon {}: no tiers", a.id));
            }
            for (k, t) in &a.tiers {
                if k != "any" && k.parse::<u8>().is_err() {
                    return Err(format!(
                        "addon {}: tier key {k:?} is not a number or \"any\"",
                        a.id
                    ));
                }
                match (&t.code, &t.points, a.points_from_tier_rules) {
                    (Some(c), _, _) if !code_ok(c) => {
                        return Err(format!("addon {}: {c:?} is not a 9-digit code", a.id))
                    }
                    (None, None, false) => {
                        return Err(format!("addon {} tier {k}: needs a code or points", a.id))
                    }
                    _ => {}
                }
            }
            if a.points_from_tier_rules && a.tier_family.is_none() {
                return Err(format!(
                    "addon {}: points_from_tier_rules needs tier_family",
                    a.id
                ));
            }
            for (k, _) in &a.tier_when {
                if !a.tiers.contains_key(k) {
                    return Err(format!(
                        "addon {}: tier_when names tier {k} it does not define",
                        a.id
                    ));
                }
            }
        }
        for x in &self.month_exclusions {
            for f in std::iter::once(&x.refuse).chain(x.when_claimed.iter()) {
                if !families.contains(f.as_str()) {
                    return Err(format!("month_exclusion {}: unknown family {f:?}", x.id));
                }
            }
        }
        for s in &self.standards {
            for o in &s.satisfied_by {
                if !standards.contains(o.as_str()) {
                    return Err(format!(
                        "standard {}: satisfied_by names unknown standard {o:?}",
                        s.id
                    ));
                }
            }
        }
        Ok(())
    }

    /// The first date the rules cover.
    pub fn covers_from(&self) -> Option<NaiveDate> {
        self.coverage.as_ref().map(|c| c.from)
    }

    pub fn standard(&self, id: &str) -> Option<&Standard> {
        self.standards.iter().find(|s| s.id == id)
    }

    pub fn trigger(&self, id: &str) -> Option<&Trigger> {
        self.triggers.iter().find(|t| t.id == id)
    }

    /// The family an add-on code belongs to (any period).
    pub fn family_of(&self, code: &str) -> Option<&str> {
        self.family_of_code(code.parse().ok()?)
    }

    /// The family of a numeric add-on code.
    pub fn family_of_code(&self, code: u32) -> Option<&str> {
        self.family_index
            .get(code)
            .and_then(|&i| self.addons.get(i))
            .map(|a| a.family.as_str())
    }

    /// The codes that trigger add-on `i` (index into `addons`).
    pub fn rule_trigger_codes(&self, i: usize) -> &[u32] {
        self.rule_trigger_codes
            .get(i)
            .map(|v| v.as_slice())
            .unwrap_or(&[])
    }

    /// The codes of shared limit `i` (index into `shared_limits`).
    pub fn shared_limit_codes(&self, i: usize) -> &[u32] {
        self.shared_limit_codes
            .get(i)
            .map(|v| v.as_slice())
            .unwrap_or(&[])
    }

    /// The add-ons (indices into `addons`, ascending) a code triggers.
    pub fn triggered_by(&self, code: u32) -> &[usize] {
        self.trigger_index
            .get(code)
            .map(|v| v.as_slice())
            .unwrap_or(&[])
    }

    /// The shared limits (indices into `shared_limits`, ascending) that count a code.
    pub fn shared_limits_of(&self, code: u32) -> &[usize] {
        self.shared_limit_index
            .get(code)
            .map(|v| v.as_slice())
            .unwrap_or(&[])
    }

    /// The add-ons (indices into `addons`, ascending) that add a code.
    pub fn rules_adding(&self, code: u32) -> &[usize] {
        self.target_index
            .get(code)
            .map(|v| v.as_slice())
            .unwrap_or(&[])
    }

    /// The target codes of add-on `i` and of its family's add-ons on the same triggers.
    pub fn rule_siblings(&self, i: usize) -> &[u32] {
        self.rule_siblings
            .get(i)
            .map(|v| v.as_slice())
            .unwrap_or(&[])
    }

    /// `not_with_codes` of add-on `i`, as numbers.
    pub fn rule_not_with(&self, i: usize) -> &[u32] {
        self.rule_not_with
            .get(i)
            .map(|v| v.as_slice())
            .unwrap_or(&[])
    }

    /// The codes of a trigger, as numbers.
    pub fn trigger_codes(&self, id: &str) -> &[u32] {
        self.trigger_codes
            .iter()
            .find(|(t, _)| t == id)
            .map(|(_, v)| v.as_slice())
            .unwrap_or(&[])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_rules_load_and_cover_2022_04() {
        let r = AddonRules::embedded().unwrap();
        assert_eq!(r.covers_from(), NaiveDate::from_ymd_opt(2022, 4, 1));
        assert!(r.addons.len() > 20);
    }

    #[test]
    fn unknown_names_are_load_errors() {
        let bad = r#"
[[standard]]
id = "4035"
name = "x"
source = "s"
[[trigger]]
id = "shoshin"
name = "初診料"
codes = ["111000110"]
source = "s"
[[addon]]
id = "a"
family = "f"
name = "n"
from = "2024-06-01"
on = ["shoshin"]
standard = "4035"
when = "mynumber"
tiers = { any = { code = "111703370" } }
source = "s"
"#;
        let e = AddonRules::from_sources(&[("bad.toml", bad)])
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("bad.toml") && e.contains("unknown condition \"mynumber\""),
            "{e}"
        );
        let e = AddonRules::from_sources(&[(
            "bad.toml",
            &bad.replace("on = [\"shoshin\"]", "on = [\"shosin\"]")
                .replace("\"mynumber\"", "\"mynumber_card\""),
        )])
        .unwrap_err()
        .to_string();
        assert!(e.contains("unknown trigger \"shosin\""), "{e}");
    }
}
