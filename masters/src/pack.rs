//! santei's own data format ("pack"): dated procedure records, 算定回数 and 背反 entries in
//! TOML, readable and reviewable, each version with its source. The embedded default data
//! is a pack; users can load their own.
//!
//! A pack file has up to six parts:
//! - `[pack]` — title, description, `official_through` (the last official update the
//!   verified entries were checked against) and `overlay` (its changes may name codes the data
//!   lacks: those are skipped).
//! - `[[code]]` with `[[code.version]]` — a code's full history. Each version has `from`,
//!   `sources` (official file:line references), `verified` (default true) and `fields`
//!   (any field of the 医科診療行為マスター layout by its English name, see
//!   [`crate::procedure::FIELDS`]; unset fields take their default).
//! - `[[change]]` — hand-written updates in the official update semantics (`kind` = `new`,
//!   `change` or `abolish`; `effective` date; `fields`), for facts no official file here
//!   carries yet (the 2026 revision). They are unverified unless they say otherwise, and the
//!   versions they create are flagged in every result. `kind = "unchanged"` records that the
//!   revision's text leaves the code's figure as it was (checked, with its source): it
//!   changes nothing, and it counts as covered for [`crate::revision`].
//! - `[[unchanged]]` — codes a revision leaves as they were, as a group with one source.
//! - `[[frequency]]` — 算定回数 entries; `[[exclusion]]` — 背反 entries (names may be left out:
//!   the schedule's are used).
//!
//! Invariant: loading validates every entry (unknown field names, bad dates, unknown codes in
//! changes — except in an `overlay` pack) before anything is built; errors name the pack file
//! and the entry.

use crate::dataset::Dataset;
use crate::error::LoadError;
use crate::procedure::ProcedureRecord;
use crate::schedule::{History, SourceRef, Version};
use crate::tables::{
    ExclusionKind, ExclusionRule, ExclusionScope, FrequencyRule, FrequencyUnit, Period, RowSource,
    TableKind,
};
use crate::value::{ChangeKind, Code, DateCell};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::sync::Arc;

fn yes() -> bool {
    true
}
fn no() -> bool {
    false
}
fn is_true(b: &bool) -> bool {
    *b
}

/// `[pack]`
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PackMeta {
    pub title: String,
    #[serde(default)]
    pub description: String,
    /// The newest official update file the verified entries were checked against.
    #[serde(default)]
    pub official_through: Option<String>,
    /// An overlay of hand-written entries for data that may not have every code they name
    /// (santei's 2026 entries over the embedded pack, which carries only the common codes):
    /// a `change`, `abolish` or `unchanged` entry for a code the data lacks is skipped.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub overlay: bool,
}

/// `[[code]]`
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PackCode {
    pub code: Code,
    #[serde(rename = "version")]
    pub versions: Vec<PackVersion>,
}

/// `[[code.version]]`
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PackVersion {
    pub from: NaiveDate,
    #[serde(default = "yes", skip_serializing_if = "is_true")]
    pub verified: bool,
    #[serde(default)]
    pub sources: Vec<String>,
    pub fields: ProcedureRecord,
}

/// `[[change]]`
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PackChange {
    pub code: Code,
    /// new | change | abolish | unchanged
    pub kind: String,
    pub effective: NaiveDate,
    pub source: String,
    #[serde(default = "no")]
    pub verified: bool,
    #[serde(default)]
    pub note: Option<String>,
    #[serde(default)]
    pub fields: serde_json::Map<String, serde_json::Value>,
}

/// `[[unchanged]]` — codes a revision's text leaves as they were, checked as a group (e.g.
/// every figure of a table): one source for them all. Like a `kind = "unchanged"` change, it
/// changes nothing and counts as covered for [`crate::revision`].
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PackUnchanged {
    pub effective: NaiveDate,
    pub source: String,
    pub codes: Vec<Code>,
}

/// `[[frequency]]`
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PackFrequency {
    pub code: Code,
    /// The code's name (the embedded pack leaves it out: the schedule's name is used).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub name: String,
    pub unit_code: u16,
    pub unit: String,
    pub count: u32,
    #[serde(default)]
    pub special: u8,
    pub from: NaiveDate,
    #[serde(default)]
    pub to: Option<NaiveDate>,
    pub source: String,
    #[serde(default = "yes", skip_serializing_if = "is_true")]
    pub verified: bool,
}

impl PackFrequency {
    /// The 算定回数 rule this entry states.
    pub fn into_rule(self) -> FrequencyRule {
        FrequencyRule {
            code: self.code,
            name: self.name,
            unit: FrequencyUnit {
                code: self.unit_code,
                name: self.unit,
            },
            count: self.count,
            special: self.special,
            period: Period {
                from: self.from,
                to: self.to,
            },
            source: RowSource {
                file: self.source,
                line: 0,
                verified: self.verified,
            },
        }
    }
}

/// `[[exclusion]]`
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PackExclusion {
    pub scope: ExclusionScope,
    pub first: Code,
    /// The codes' names (the embedded pack leaves them out: the schedule's names are used).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub first_name: String,
    pub second: Code,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub second_name: String,
    pub kind: ExclusionKind,
    #[serde(default)]
    pub special: u8,
    pub from: NaiveDate,
    #[serde(default)]
    pub to: Option<NaiveDate>,
    pub source: String,
    #[serde(default = "yes", skip_serializing_if = "is_true")]
    pub verified: bool,
}

/// One pack file.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PackFile {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pack: Option<PackMeta>,
    #[serde(default, rename = "code", skip_serializing_if = "Vec::is_empty")]
    pub codes: Vec<PackCode>,
    #[serde(default, rename = "change", skip_serializing_if = "Vec::is_empty")]
    pub changes: Vec<PackChange>,
    #[serde(default, rename = "unchanged", skip_serializing_if = "Vec::is_empty")]
    pub unchanged: Vec<PackUnchanged>,
    #[serde(default, rename = "frequency", skip_serializing_if = "Vec::is_empty")]
    pub frequency: Vec<PackFrequency>,
    #[serde(default, rename = "exclusion", skip_serializing_if = "Vec::is_empty")]
    pub exclusions: Vec<PackExclusion>,
}

/// The embedded default data: (file name, text), applied in this order. The files are written
/// in TOML (`masters/data/`) and embedded as JSON (converted by `build.rs`).
pub static EMBEDDED: &[(&str, &str)] = include!(concat!(env!("OUT_DIR"), "/embedded.rs"));

/// The codes of `masters/data/pack-codes.txt` (the codes the embedded pack was exported for:
/// common outpatient items), in the file's order, without its comments (`build.rs`).
pub static PACK_CODES: &[u32] = include!(concat!(env!("OUT_DIR"), "/pack_codes.rs"));

/// The default data's texts in use: [`EMBEDDED`], or with the feature `fetched-data` the group
/// `masters/pack` given at run time ([`support::fetched`]).
pub fn embedded_texts() -> &'static [(&'static str, &'static str)] {
    #[cfg(feature = "fetched-data")]
    return support::fetched::group("masters/pack");
    #[cfg(not(feature = "fetched-data"))]
    EMBEDDED
}

/// Read a pack text: JSON when it is a JSON object (the embedded data), TOML otherwise
/// (files users write; feature `toml`).
fn parse_pack(name: &str, text: &str) -> Result<PackFile, LoadError> {
    if text.trim_start().starts_with('{') {
        return support::from_json(text).map_err(|e| pack_err(name, e.to_string()));
    }
    #[cfg(feature = "toml")]
    {
        toml::from_str(text).map_err(|e| pack_err(name, e.to_string()))
    }
    #[cfg(not(feature = "toml"))]
    {
        Err(pack_err(
            name,
            "TOML pack files are not read by this build (feature `toml`); give the pack as JSON",
        ))
    }
}

fn pack_err(file: &str, reason: impl Into<String>) -> LoadError {
    LoadError::Pack {
        file: file.to_string(),
        reason: reason.into(),
    }
}

/// "s_20240306.csv:123" → SourceRef; anything else is kept whole with line 0.
fn source_ref(s: &str) -> SourceRef {
    match s.rsplit_once(':') {
        Some((f, l)) if l.bytes().all(|b| b.is_ascii_digit()) && !l.is_empty() => SourceRef {
            file: Arc::from(f),
            line: l.parse().unwrap_or(0),
        },
        _ => SourceRef {
            file: Arc::from(s),
            line: 0,
        },
    }
}

/// Load the embedded default data (with the revision checks of [`crate::revision`] for the
/// overlay file's revision).
pub fn embedded() -> Result<Dataset, LoadError> {
    let mut ds = load_packs(embedded_texts())?;
    attach_revision_checks(&mut ds)?;
    Ok(ds)
}

/// Attach the checks of the revisions santei's overlay files ([`OVERLAYS`]) cover.
fn attach_revision_checks(ds: &mut Dataset) -> Result<(), LoadError> {
    for (name, text) in embedded_texts()
        .iter()
        .filter(|(n, _)| OVERLAYS.contains(n))
    {
        ds.revision_checks.extend(checks_for(name, text)?);
    }
    Ok(())
}

/// The codes a pack's `[[change]]` entries name, each with its effective date.
pub fn entry_codes(name: &str, text: &str) -> Result<Vec<(Code, NaiveDate)>, LoadError> {
    let pf = parse_pack(name, text)?;
    let mut out: Vec<(Code, NaiveDate)> =
        pf.changes.iter().map(|c| (c.code, c.effective)).collect();
    for u in &pf.unchanged {
        out.extend(u.codes.iter().map(|c| (*c, u.effective)));
    }
    Ok(out)
}

/// A `[[change]]` kind santei knows.
fn check_kind(file: &str, ch: &PackChange) -> Result<(), LoadError> {
    match ch.kind.as_str() {
        "new" | "change" | "abolish" => Ok(()),
        "unchanged" if ch.fields.is_empty() => Ok(()),
        "unchanged" => Err(pack_err(
            file,
            format!(
                "change of {} effective {}: an `unchanged` entry has no fields",
                ch.code, ch.effective
            ),
        )),
        other => Err(pack_err(
            file,
            format!(
                "change of {} effective {}: kind must be new, change, abolish or unchanged, found {other:?}",
                ch.code, ch.effective
            ),
        )),
    }
}

/// Load pack files (name, text) in order into one data set.
pub fn load_packs(files: &[(&str, &str)]) -> Result<Dataset, LoadError> {
    let mut parsed = Vec::new();
    for (name, text) in files {
        parsed.push((*name, parse_pack(name, text)?));
    }
    let mut ds = Dataset::default();
    let mut titles = Vec::new();
    let mut frequency_seen = false;
    let mut exclusion_scopes = Vec::new();
    for (name, pf) in parsed {
        if let Some(m) = &pf.pack {
            titles.push(m.title.clone());
            // `official_through = "s_20250901.csv"`: the date in the file name.
            let through = m.official_through.as_deref().and_then(|s| {
                let digits: String = s.chars().filter(|c| c.is_ascii_digit()).collect();
                crate::dataset::published_date(&digits)
            });
            if through > ds.official_through {
                ds.official_through = through;
            }
        }
        for pc in pf.codes {
            let mut versions: Vec<Version> = Vec::with_capacity(pc.versions.len());
            for pv in pc.versions {
                if versions
                    .last()
                    .is_some_and(|v: &Version| v.valid_from >= pv.from)
                {
                    return Err(pack_err(
                        name,
                        format!(
                            "code {}: versions must be in date order ({})",
                            pc.code, pv.from
                        ),
                    ));
                }
                let mut rec = pv.fields;
                rec.code = pc.code;
                rec.master_kind = "S".into();
                rec.changed_on = DateCell(Some(pv.from));
                versions.push(Version {
                    valid_from: pv.from,
                    record: Arc::new(rec),
                    sources: pv.sources.iter().map(|s| source_ref(s)).collect(),
                    verified: pv.verified,
                    end_verified: true,
                });
            }
            ds.schedule.insert_history(pc.code, History { versions });
        }
        let is_overlay = pf.pack.as_ref().is_some_and(|m| m.overlay);
        for ch in pf.changes {
            check_kind(name, &ch)?;
            if is_overlay && ch.kind != "new" && ds.schedule.history(ch.code).is_none() {
                continue;
            }
            apply_change(&mut ds, name, ch)?;
        }
        for mut f in pf.frequency {
            frequency_seen = true;
            if f.name.is_empty() {
                f.name = schedule_name(&ds, f.code);
            }
            let rule = f.into_rule();
            ds.tables.frequency.entry(rule.code).or_default().push(rule);
        }
        for x in pf.exclusions {
            if !exclusion_scopes.contains(&x.scope) {
                exclusion_scopes.push(x.scope);
            }
            let name = |n: String, c: Code| {
                if n.is_empty() {
                    schedule_name(&ds, c)
                } else {
                    n
                }
            };
            let rule = ExclusionRule {
                scope: x.scope,
                first: x.first,
                first_name: name(x.first_name, x.first),
                second: x.second,
                second_name: name(x.second_name, x.second),
                kind: x.kind,
                special: x.special,
                period: Period {
                    from: x.from,
                    to: x.to,
                },
                source: RowSource {
                    file: x.source,
                    line: 0,
                    verified: x.verified,
                },
            };
            ds.tables
                .exclusions
                .entry(rule.second)
                .or_default()
                .push(rule.clone());
            ds.tables
                .exclusions
                .entry(rule.first)
                .or_default()
                .push(rule);
        }
    }
    if frequency_seen {
        ds.tables
            .loaded
            .push((TableKind::Frequency, "embedded pack".into()));
    }
    for s in exclusion_scopes {
        let k = TableKind::for_scope(s);
        ds.tables.loaded.push((k, "embedded pack".into()));
    }
    support::sort::sort(&mut ds.tables.loaded);
    ds.tables.index_exclusions();
    ds.label = if titles.is_empty() {
        "pack".into()
    } else {
        titles.join(" + ")
    };
    Ok(ds)
}

/// The embedded files laid over official data by [`load_official_dirs`] (kind `overlay` in
/// `masters/data/manifest.toml`): santei's unverified entries for a revision the official
/// master may predate.
pub static OVERLAYS: &[&str] = include!(concat!(env!("OUT_DIR"), "/overlays.rs"));

/// The name of a code's latest version in the data set (for table entries a pack gives
/// without names); empty when the data set lacks the code.
fn schedule_name(ds: &Dataset, code: Code) -> String {
    ds.schedule
        .history(code)
        .and_then(|h| h.versions.last())
        .map(|v| v.record.name.clone())
        .unwrap_or_default()
}

/// Fields of the 医科診療行為マスター layout that [`export`] leaves out of the embedded pack:
/// how a row was published (公表順序番号, 旧点数, name lengths and change flags) and fields no
/// computation of santei reads (集計先, 告示等識別区分, コード表用番号 章/部/項番, きざみ上限 …).
/// The official files carry them; keeping the embedded data small keeps the browser page
/// within its size budget. The 区分 fields the revision check reads (letter, 区分番号, 枝番)
/// stay.
pub const PACK_OMITS: &[&str] = &[
    "abbr_name_len",
    "kana_name_len",
    "base_name",
    "tally_outpatient",
    "tally_inpatient",
    "publication_order",
    "notice_class1",
    "notice_class2",
    "old_point_kind",
    "old_points",
    "kanji_name_changed",
    "kana_name_changed",
    "chapter",
    "part",
    "item",
    "dpc",
    "step_upper",
];

/// Load the official files found in `dirs` (as [`Dataset::load_dirs`]) and lay santei's
/// unverified 2026 entries over the dates they do not reach ([`overlay`]). The one loader
/// every front end that reads directories uses (the CLI's `--master`, the C ABI), so they
/// build the same data from the same files.
pub fn load_official_dirs<P: AsRef<std::path::Path>>(
    dirs: &[P],
) -> Result<(Dataset, Vec<OverlayNote>), LoadError> {
    let ds = Dataset::load_dirs(dirs)?;
    let names = dirs
        .iter()
        .map(|p| p.as_ref().display().to_string())
        .collect::<Vec<_>>()
        .join(", ");
    with_overlay(ds, &names)
}

/// [`load_official_dirs`] for files given by name and contents (the browser's file picker).
pub fn load_official_files(
    files: Vec<crate::NamedFile>,
) -> Result<(Dataset, Vec<OverlayNote>), LoadError> {
    let names = files
        .iter()
        .map(|f| f.name.as_str())
        .collect::<Vec<_>>()
        .join(", ");
    with_overlay(Dataset::load_files(files)?, &names)
}

fn with_overlay(mut ds: Dataset, names: &str) -> Result<(Dataset, Vec<OverlayNote>), LoadError> {
    if ds.schedule.is_empty() {
        return Err(LoadError::Unrecognised {
            file: names.to_string(),
            reason: "no 医科診療行為マスター full file (s_ALL….csv) found; the official files are published by 医療情報基盤・診療報酬審査支払機構 at https://www.hpdx.or.jp/ (extract the .zip archives)".into(),
        });
    }
    let mut notes = Vec::new();
    for (name, text) in embedded_texts()
        .iter()
        .filter(|(n, _)| OVERLAYS.contains(n))
    {
        notes.extend(overlay(&mut ds, name, text)?);
    }
    attach_revision_checks(&mut ds)?;
    Ok((ds, notes))
}

/// What happened to each hand-written change when it was laid over official data.
#[derive(Clone, Debug, Serialize)]
pub struct OverlayNote {
    pub code: Code,
    pub effective: NaiveDate,
    /// "applied (unverified)", "official data covers it" (with a mismatch note if any), or
    /// "not applied: …" when the official data does not have the code (it ends earlier).
    pub status: String,
}

/// Lay a pack's hand-written `[[change]]` and `[[frequency]]` entries over official data,
/// for the dates the official files do not cover yet: a change is applied only when the
/// official history of its code has no version starting on or after its effective date.
/// Where the official data does cover it, the official data wins and any disagreement on
/// points is reported. Returns one note per change.
pub fn overlay(ds: &mut Dataset, name: &str, text: &str) -> Result<Vec<OverlayNote>, LoadError> {
    let pf = parse_pack(name, text)?;
    let mut notes = Vec::new();
    let mut staged = ds.clone();
    for ch in pf.changes {
        check_kind(name, &ch)?;
        if ch.kind != "new" && staged.schedule.history(ch.code).is_none() {
            // The official files end before the code was introduced (an older data set): the
            // change has nothing to apply to, and dates after the data's end stay unknown.
            notes.push(OverlayNote {
                code: ch.code,
                effective: ch.effective,
                status: "not applied: the official data does not have this code".into(),
            });
            continue;
        }
        let covered = staged.schedule.history(ch.code).is_some_and(|h| {
            h.versions
                .iter()
                .any(|v| v.valid_from >= ch.effective && v.verified)
        });
        if covered {
            let mut status = "official data covers it".to_string();
            if let Some(p) = ch.fields.get("points").and_then(|p| p.as_str()) {
                if let Ok(e) = staged.schedule.lookup(ch.code, ch.effective) {
                    if e.record().points.to_string() != p
                        && e.record().points.normalize().to_string() != p
                    {
                        status = format!(
                            "official data covers it and disagrees with santei's unverified entry: official {} points, santei's entry {p}",
                            e.record().points
                        );
                    }
                }
            }
            notes.push(OverlayNote {
                code: ch.code,
                effective: ch.effective,
                status,
            });
            continue;
        }
        if ch.kind == "unchanged" {
            notes.push(OverlayNote {
                code: ch.code,
                effective: ch.effective,
                status: format!("unchanged by the revision ({})", ch.source),
            });
            continue;
        }
        notes.push(OverlayNote {
            code: ch.code,
            effective: ch.effective,
            status: "applied (unverified)".into(),
        });
        apply_change(&mut staged, name, ch)?;
    }
    for u in &pf.unchanged {
        for &code in &u.codes {
            notes.push(OverlayNote {
                code,
                effective: u.effective,
                status: format!("unchanged by the revision ({})", u.source),
            });
        }
    }
    for f in pf.frequency {
        let official_has = staged
            .tables
            .frequency
            .get(&f.code)
            .is_some_and(|v| !v.is_empty());
        if official_has {
            continue;
        }
        let rule = f.into_rule();
        staged
            .tables
            .frequency
            .entry(rule.code)
            .or_default()
            .push(rule);
    }
    *ds = staged;
    Ok(notes)
}

/// The fields of a change as a (partial) record.
#[cfg(not(target_arch = "wasm32"))]
fn change_fields(
    fields: &serde_json::Map<String, serde_json::Value>,
) -> Result<ProcedureRecord, serde_json::Error> {
    ProcedureRecord::deserialize(serde_json::Value::Object(fields.clone()))
}

/// The fields of a change as a (partial) record. In WebAssembly through their JSON text: the
/// record's deserializer over the text is the one the pack's records use, so the module holds
/// no second one over `serde_json::Value` (53 KB). The same record; only an error's message
/// differs (it gives a column in that text).
#[cfg(target_arch = "wasm32")]
fn change_fields(
    fields: &serde_json::Map<String, serde_json::Value>,
) -> Result<ProcedureRecord, serde_json::Error> {
    support::from_json(&serde_json::to_string(fields)?)
}

/// Apply one hand-written change with the official update semantics.
fn apply_change(ds: &mut Dataset, file: &str, ch: PackChange) -> Result<(), LoadError> {
    let what = format!("change of {} effective {}", ch.code, ch.effective);
    let partial = change_fields(&ch.fields).map_err(|e| pack_err(file, format!("{what}: {e}")))?;
    let keys: Vec<String> = ch.fields.keys().cloned().collect();
    let src = source_ref(&ch.source);
    match ch.kind.as_str() {
        "new" => {
            let mut rec = partial;
            rec.code = ch.code;
            rec.master_kind = "S".into();
            rec.change_kind = ChangeKind::New;
            rec.changed_on = DateCell(Some(ch.effective));
            let v = Version {
                valid_from: ch.effective,
                record: Arc::new(rec),
                sources: vec![src],
                verified: ch.verified,
                end_verified: true,
            };
            let mut h = ds.schedule.history(ch.code).cloned().unwrap_or_default();
            match h
                .versions
                .binary_search_by_key(&ch.effective, |v| v.valid_from)
            {
                Ok(i) => h.versions[i] = v,
                Err(i) => h.versions.insert(i, v),
            }
            ds.schedule.insert_history(ch.code, h);
        }
        "change" => {
            let mut h = ds
                .schedule
                .history(ch.code)
                .cloned()
                .ok_or_else(|| pack_err(file, format!("{what}: unknown code")))?;
            let d = ch.effective;
            let start = match h.versions.binary_search_by_key(&d, |v| v.valid_from) {
                Ok(i) => i,
                Err(0) => {
                    return Err(pack_err(
                        file,
                        format!("{what}: before the code's first version"),
                    ))
                }
                Err(i) => {
                    let mut copy = h.versions[i - 1].clone();
                    copy.valid_from = d;
                    copy.sources = vec![];
                    copy.verified = ch.verified;
                    let mut rec = (*copy.record).clone();
                    rec.changed_on = DateCell(Some(d));
                    copy.record = Arc::new(rec);
                    h.versions.insert(i, copy);
                    i
                }
            };
            for v in &mut h.versions[start..] {
                let mut rec = (*v.record).clone();
                for k in &keys {
                    rec.copy_field(&partial, k);
                }
                rec.change_kind = ChangeKind::Change;
                v.record = Arc::new(rec);
                v.sources.push(src.clone());
                v.verified &= ch.verified;
            }
            ds.schedule.insert_history(ch.code, h);
        }
        "abolish" => {
            let mut h = ds
                .schedule
                .history(ch.code)
                .cloned()
                .ok_or_else(|| pack_err(file, format!("{what}: unknown code")))?;
            let last_day = ch.effective.pred_opt().unwrap_or(ch.effective);
            let n = h.versions.len();
            if n == 0 {
                return Err(pack_err(file, format!("{what}: code has no version")));
            }
            // The code's end is a fact of the code, not a cell the official rows changed: every
            // version carries it (so a diff between two of its versions does not report it),
            // and the last version ends on it.
            for (i, v) in h.versions.iter_mut().enumerate() {
                let mut rec = (*v.record).clone();
                rec.abolished_on = DateCell(Some(last_day));
                v.end_verified &= ch.verified;
                if i + 1 == n {
                    rec.change_kind = ChangeKind::Abolish;
                    v.sources.push(src.clone());
                }
                v.record = Arc::new(rec);
            }
            ds.schedule.insert_history(ch.code, h);
        }
        "unchanged" => {
            if ds.schedule.history(ch.code).is_none() {
                return Err(pack_err(file, format!("{what}: unknown code")));
            }
        }
        other => {
            return Err(pack_err(
                file,
                format!("{what}: kind must be new, change, abolish or unchanged, found {other:?}"),
            ))
        }
    }
    Ok(())
}

/// Export the histories of `codes` from an official data set as a pack (used to write the
/// embedded default data; see `examples/export_pack.rs`).
pub fn export(ds: &Dataset, codes: &[Code], meta: PackMeta) -> Result<PackFile, String> {
    // Close the list over the age add-ons (年齢加算) its codes name, so the engine can add them.
    let mut codes: Vec<Code> = codes.to_vec();
    let mut i = 0;
    while i < codes.len() {
        if let Some(h) = ds.schedule.history(codes[i]) {
            for v in &h.versions {
                for a in v.record.age_addons() {
                    if !codes.contains(&a.code) && ds.schedule.history(a.code).is_some() {
                        codes.push(a.code);
                    }
                }
            }
        }
        i += 1;
    }
    let codes = &codes[..];
    let mut pf = PackFile {
        pack: Some(meta),
        ..Default::default()
    };
    for &code in codes {
        let h = ds
            .schedule
            .history(code)
            .ok_or_else(|| format!("{code} is not in the official data"))?;
        let versions = h
            .versions
            .iter()
            .filter(|v| {
                v.record
                    .abolished_on
                    .date()
                    .is_none_or(|a| a >= v.valid_from)
            })
            .map(|v| {
                let mut rec = (*v.record).clone();
                let blank = ProcedureRecord::default();
                for f in PACK_OMITS {
                    rec.copy_field(&blank, f);
                }
                rec.code = Code::default();
                rec.master_kind = String::new();
                rec.changed_on = DateCell(None);
                rec.change_kind = ChangeKind::default();
                PackVersion {
                    from: v.valid_from,
                    verified: v.verified,
                    sources: v
                        .sources
                        .iter()
                        .map(|s| format!("{}:{}", s.file, s.line))
                        .collect(),
                    fields: rec,
                }
            })
            .collect();
        pf.codes.push(PackCode { code, versions });
        for r in ds.tables.frequency.get(&code).into_iter().flatten() {
            pf.frequency.push(PackFrequency {
                code,
                name: String::new(),
                unit_code: r.unit.code,
                unit: r.unit.name.clone(),
                count: r.count,
                special: r.special,
                from: r.period.from,
                to: r.period.to,
                source: format!("{}:{}", r.source.file, r.source.line),
                verified: true,
            });
        }
    }
    for &code in codes {
        for r in ds.tables.exclusions.get(&code).into_iter().flatten() {
            // Each rule is indexed under both codes: export it once, under its first code,
            // and only when both codes are in the pack.
            if r.first != code || !codes.contains(&r.second) {
                continue;
            }
            pf.exclusions.push(PackExclusion {
                scope: r.scope,
                first: r.first,
                first_name: String::new(),
                second: r.second,
                second_name: String::new(),
                kind: r.kind,
                special: r.special,
                from: r.period.from,
                to: r.period.to,
                // The table file only: its row is found by the two codes (the line numbers of
                // hundreds of rows would grow the browser page's data by a tenth).
                source: r.source.file.clone(),
                verified: true,
            });
        }
    }
    Ok(pf)
}

/// The checks for santei's embedded revision files, with the codes of `entries` (the pack
/// text of santei's own entries for the revision, `entries_file`) as covered.
fn checks_for(
    entries_file: &str,
    entries: &str,
) -> Result<Vec<std::sync::Arc<crate::revision::RevisionCheck>>, LoadError> {
    let codes = entry_codes(entries_file, entries)?;
    let mut out = Vec::new();
    for (file, text) in crate::revision::embedded_texts() {
        let changes = std::sync::Arc::new(crate::revision::RevisionChanges::parse(file, text)?);
        let mut covered: Vec<Code> = codes
            .iter()
            .filter(|(_, d)| *d >= changes.effective)
            .map(|(c, _)| *c)
            .collect();
        support::sort::sort(&mut covered);
        covered.dedup();
        out.push(std::sync::Arc::new(crate::revision::RevisionCheck {
            changes,
            entries_file: entries_file.to_string(),
            covered,
        }));
    }
    Ok(out)
}
