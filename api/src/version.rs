//! The version report: which library, which interface, and exactly which data an engine
//! answers from — the official files applied (with their publication dates), the 電子点数表
//! tables, and santei's rule files (with the dates they cover and a fingerprint of their text).
//!
//! A receipt computer logs this with every batch so that an answer can be traced to the data
//! that gave it. Every front end renders it through [`crate::version()`].

use calc::Engine;
use serde::Serialize;

/// The version of santei's JSON interface: the schemas in `schemas/v1/`. It changes only when
/// an input or output changes incompatibly (a field removed, renamed or retyped).
pub const INTERFACE_VERSION: u32 = 1;

/// The version report (`santei version`, `santei_version` in the C ABI).
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Versions {
    /// The santei library version (semantic versioning).
    pub santei: String,
    /// The JSON interface version (`schemas/v1` = 1).
    pub interface: u32,
    /// The C ABI version (`SANTEI_ABI_VERSION`), when the report is read through the C ABI.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub abi: Option<u32>,
    /// The fee data the engine was built from.
    pub data: DataVersions,
    /// santei's rule files (compiled into the library; they change with a library release).
    pub rule_files: Vec<RuleFile>,
}

/// The fee data of an engine.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct DataVersions {
    /// "official files from DIR…", or the embedded pack's title.
    pub label: String,
    /// The publication date (YYYY-MM-DD) of the newest 医科診療行為マスター file applied (for
    /// the embedded data: of the newest official file its entries were checked against).
    pub published_through: Option<String>,
    /// The official files applied, in the order applied, then santei's own pack files in use
    /// (kind `pack`: the embedded data, or its unverified 2026 entries over official files).
    pub files: Vec<DataFile>,
    /// The 電子点数表 tables loaded and the file each came from.
    pub tables: Vec<TableFile>,
    /// Files that were present but not used, with the reason.
    pub skipped: Vec<SkippedFile>,
    /// What looked wrong in data that loaded: a later full file that lacks codes still in
    /// force or has codes no earlier file had, a reload to data older than the data it
    /// replaced …
    pub warnings: Vec<DataWarning>,
}

/// A remark on the data that loaded.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct DataWarning {
    /// The file concerned (or the data set).
    pub file: String,
    /// What looks wrong, and what santei did about it.
    pub message: String,
}

/// One official file applied.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct DataFile {
    /// The file name as published (e.g. `s_20241001.csv`).
    pub file: String,
    /// procedure_full | procedure_update | drug_full | device_full | table | pack.
    pub kind: String,
    /// The publication date in the file name (YYYY-MM-DD), where it has one; for a pack, the
    /// date of the official update its entries were checked against.
    pub published: Option<String>,
    /// "base", "applied", "checkpoint (N corrections)", "loaded", "embedded" ….
    pub status: String,
    /// Rows read.
    pub rows: u64,
}

/// One 電子点数表 table.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct TableFile {
    pub table: String,
    pub file: String,
}

/// A file present but not used.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct SkippedFile {
    pub file: String,
    pub reason: String,
}

/// One of santei's rule files.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct RuleFile {
    /// The file under `rules/data/` (e.g. `addons/medical_dx.toml`).
    pub file: String,
    /// addons | tier | copay.
    pub kind: String,
    /// The first date (YYYY-MM-DD) or month (YYYY-MM) the file has rules for.
    pub covers_from: Option<String>,
    /// The last date or month it has rules for; `null` when its latest rules are open-ended.
    pub covers_to: Option<String>,
    /// The latest date or month on which one of its rules starts.
    pub latest_change: Option<String>,
    /// FNV-1a 64-bit hash of the file's text (`fnv1a64:` + 16 hex digits).
    pub fingerprint: String,
}

/// The version report of an engine.
pub fn versions(engine: &Engine, abi: Option<u32>) -> Versions {
    let ds = engine.data();
    let mut files: Vec<DataFile> = ds
        .files
        .iter()
        .map(|f| {
            let (kind, published) = match &f.kind {
                masters::FileKind::ProcedureFull { published } => {
                    ("procedure_full", Some(dashed(published)))
                }
                masters::FileKind::ProcedureUpdate { published } => {
                    ("procedure_update", Some(dashed(published)))
                }
                masters::FileKind::DrugFull => ("drug_full", None),
                masters::FileKind::DeviceFull => ("device_full", None),
                masters::FileKind::Table { .. } => ("table", None),
            };
            DataFile {
                file: f.file.clone(),
                kind: kind.into(),
                published,
                status: f.status.clone(),
                rows: f.rows as u64,
            }
        })
        .collect();
    let published_through = files
        .iter()
        .filter(|f| f.kind.starts_with("procedure"))
        .filter_map(|f| f.published.clone())
        .max();
    // santei's own pack files: the whole data set (embedded data), or the unverified entries
    // laid over official files for the dates they do not reach.
    let from_pack = |file: &str| {
        ds.schedule.codes().into_iter().any(|c| {
            ds.schedule.history(c).is_some_and(|h| {
                h.versions
                    .iter()
                    .any(|v| v.sources.iter().any(|s| &*s.file == file))
            })
        })
    };
    let embedded = ds.files.is_empty();
    let mut pack_through = None;
    for (name, text) in masters::pack::embedded_texts() {
        let overlay = masters::pack::OVERLAYS.contains(name);
        if !(embedded || overlay && from_pack(name)) {
            continue;
        }
        let meta = serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(text).ok();
        let pack = meta.as_ref().and_then(|t| t.get("pack"));
        // `official_through = "s_20250901.csv"`: the official update the entries were checked
        // against.
        let through = pack
            .and_then(|p| p.get("official_through"))
            .and_then(|v| v.as_str())
            .and_then(|s| {
                let digits: String = s.chars().filter(|c| c.is_ascii_digit()).collect();
                (digits.len() == 8).then(|| dashed(&digits))
            });
        if through.is_some() && through > pack_through {
            pack_through.clone_from(&through);
        }
        let rows = meta
            .as_ref()
            .map(|t| {
                ["code", "change", "frequency", "exclusion"]
                    .iter()
                    .filter_map(|k| t.get(*k).and_then(|v| v.as_array()).map(|a| a.len()))
                    .sum::<usize>()
            })
            .unwrap_or(0);
        files.push(DataFile {
            file: name.to_string(),
            kind: "pack".into(),
            published: through,
            status: if embedded {
                "embedded".into()
            } else {
                "embedded, laid over the dates the official files do not reach (unverified)".into()
            },
            rows: rows as u64,
        });
    }
    let published_through = published_through.or(pack_through);
    let tables = ds
        .tables
        .loaded
        .iter()
        .map(|(k, f)| TableFile {
            table: serde_json::to_value(k)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_else(|| format!("{k:?}")),
            file: f.to_string(),
        })
        .collect();
    let skipped = ds
        .skipped
        .iter()
        .map(|(file, reason)| SkippedFile {
            file: file.clone(),
            reason: reason.clone(),
        })
        .collect();
    let warnings = ds
        .warnings
        .iter()
        .map(|w| DataWarning {
            file: w.file.clone(),
            message: w.message.clone(),
        })
        .collect();
    let mut rule_files = Vec::new();
    for (name, text) in rules::addons::embedded_texts() {
        rule_files.push(toml_rule_file(name, "addons", text));
    }
    for (name, text) in rules::tier::embedded_texts() {
        rule_files.push(tier_rule_file(engine, name, text));
    }
    for (name, text) in rules::copay::embedded_texts() {
        rule_files.push(toml_rule_file(&format!("copay/{name}"), "copay", text));
    }
    Versions {
        santei: env!("CARGO_PKG_VERSION").into(),
        interface: INTERFACE_VERSION,
        abi,
        data: DataVersions {
            label: ds.label.clone(),
            published_through,
            files,
            tables,
            skipped,
            warnings,
        },
        rule_files,
    }
}

/// "20241001" → "2024-10-01".
fn dashed(d: &str) -> String {
    if d.len() == 8 && d.bytes().all(|b| b.is_ascii_digit()) {
        format!("{}-{}-{}", &d[..4], &d[4..6], &d[6..])
    } else {
        d.to_string()
    }
}

/// FNV-1a, 64 bits: a stable fingerprint of a text (not a security hash).
pub fn fingerprint(text: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in text.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("fnv1a64:{h:016x}")
}

/// Dates of a rule data file (embedded as JSON, written in TOML): every `from` / `effective`
/// (a rule starts) and `to` (it ends).
fn toml_rule_file(name: &str, kind: &str, text: &str) -> RuleFile {
    let mut starts = Vec::new();
    let mut ends = Vec::new();
    let mut open = false;
    if let Ok(v) = serde_json::from_str::<serde_json::Value>(text) {
        walk(&v, &mut starts, &mut ends, &mut open);
    }
    support::sort::sort(&mut starts);
    support::sort::sort(&mut ends);
    RuleFile {
        file: name.to_string(),
        kind: kind.to_string(),
        covers_from: starts.first().cloned(),
        covers_to: if open { None } else { ends.last().cloned() },
        latest_change: starts.last().cloned(),
        fingerprint: fingerprint(text),
    }
}

fn date_text(v: &serde_json::Value) -> Option<String> {
    let s = v.as_str()?;
    let ok = s.len() >= 7 && s.as_bytes()[4] == b'-' && s[..4].bytes().all(|b| b.is_ascii_digit());
    ok.then(|| s.to_string())
}

fn walk(v: &serde_json::Value, starts: &mut Vec<String>, ends: &mut Vec<String>, open: &mut bool) {
    match v {
        serde_json::Value::Object(t) => {
            let start = ["from", "effective", "valid_from"]
                .iter()
                .find_map(|k| t.get(*k).and_then(date_text));
            if let Some(s) = start {
                starts.push(s);
                match t.get("to").and_then(date_text) {
                    Some(e) => ends.push(e),
                    None => *open = true,
                }
            }
            for x in t.values() {
                walk(x, starts, ends, open);
            }
        }
        serde_json::Value::Array(a) => {
            for x in a {
                walk(x, starts, ends, open);
            }
        }
        _ => {}
    }
}

/// Months of a tier rule file, from the engine's loaded periods.
fn tier_rule_file(engine: &Engine, name: &str, text: &str) -> RuleFile {
    let periods: Vec<_> = engine
        .tiers()
        .periods()
        .iter()
        .filter(|p| p.file == *name || name.ends_with(&p.file) || p.file.ends_with(name))
        .collect();
    let from = periods.iter().map(|p| p.from).min();
    let latest = periods.iter().map(|p| p.from).max();
    let open = periods.iter().any(|p| p.to.is_none());
    let to = periods.iter().filter_map(|p| p.to).max();
    RuleFile {
        file: name.to_string(),
        kind: "tier".into(),
        covers_from: from.map(|m| m.to_string()),
        covers_to: if open {
            None
        } else {
            to.map(|m| m.to_string())
        },
        latest_change: latest.map(|m| m.to_string()),
        fingerprint: fingerprint(text),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprint_is_fnv1a() {
        // Published FNV-1a 64 test vectors.
        assert_eq!(fingerprint(""), "fnv1a64:cbf29ce484222325");
        assert_eq!(fingerprint("a"), "fnv1a64:af63dc4c8601ec8c");
    }

    #[test]
    fn the_embedded_engine_reports_its_rule_files_with_dates() {
        let e = Engine::embedded().unwrap();
        let v = versions(&e, None);
        assert_eq!(v.interface, INTERFACE_VERSION);
        let dx = v
            .rule_files
            .iter()
            .find(|f| f.file == "addons/medical_dx.toml")
            .unwrap();
        assert_eq!(dx.covers_from.as_deref(), Some("2022-04-01"));
        assert!(
            dx.latest_change.as_deref().unwrap() >= "2026-06-01",
            "{dx:?}"
        );
        let tier: Vec<_> = v.rule_files.iter().filter(|f| f.kind == "tier").collect();
        assert_eq!(tier.len(), rules::tier::EMBEDDED.len());
        assert!(tier.iter().all(|f| f.covers_from.is_some()), "{tier:?}");
        assert!(v.rule_files.iter().any(|f| f.kind == "copay"));
        // The embedded data names its pack files and the official update they were checked
        // against.
        assert!(v.data.files.iter().all(|f| f.kind == "pack"));
        assert!(v
            .data
            .files
            .iter()
            .any(|f| f.file == "default-pack.toml" && f.published.is_some()));
        assert_eq!(v.data.published_through, v.data.files[0].published);
        let json = serde_json::to_value(&v).unwrap();
        assert!(json.get("abi").is_none());
    }
}
