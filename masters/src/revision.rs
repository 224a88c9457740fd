//! What a fee revision changed, and the check that keeps a pre-revision figure from passing
//! for a revised one.
//!
//! santei writes its own entries for a revision no official master here reflects yet
//! (`data/r8-2026.toml`, laid over the official files or the embedded pack). They cover the
//! codes santei was checked for, not the whole schedule. A data file generated from the 告示
//! texts (`data/r8-kokuji69-changes.toml`, by `scripts/kokuji-diff.py`) lists every 区分 whose
//! figures the revision changed, keyed as the official 医科診療行為マスター records a code's 区分
//! (コード表用番号: letter, 区分番号 and the first 枝番, e.g. `B001-2` for Ｂ００１－２－９).
//!
//! The rule ([`Dataset::lookup`]): on a date from the revision on, when the official master
//! the data set was built from was published before the revision, a code whose version in
//! force started before the revision, whose 区分 the revision changed, and which santei's
//! entries for the revision do not cover (no `new`, `change`, `abolish` or `unchanged` entry)
//! is an error naming the code, the 区分, the 告示 lines and what to load — not its old figure.
//!
//! The check itself is [`Dataset::lookup`] (in `dataset`); the refusal it gives is
//! [`crate::schedule::RevisionGap`]; the checks for santei's own entries are built by
//! `pack` (`checks_for`). This module holds the data of a revision's changes only.
//!
//! Invariant: the check only narrows what a lookup answers; it never changes a record.

use crate::error::LoadError;
use crate::procedure::ProcedureRecord;
use crate::value::Code;
use chrono::NaiveDate;
use std::sync::Arc;

/// The embedded revision-change files: (file name, JSON text).
pub static EMBEDDED: &[(&str, &str)] = include!(concat!(env!("OUT_DIR"), "/embedded_revisions.rs"));

/// The revision-change texts in use: [`EMBEDDED`], or with the feature `fetched-data` the
/// group `masters/revision` given at run time ([`support::fetched`]).
pub fn embedded_texts() -> &'static [(&'static str, &'static str)] {
    #[cfg(feature = "fetched-data")]
    return support::fetched::group("masters/revision");
    #[cfg(not(feature = "fetched-data"))]
    EMBEDDED
}

/// What one revision changed (改定), by master 区分.
#[derive(Clone, Debug)]
pub struct RevisionChanges {
    /// e.g. "令和8年度診療報酬改定".
    pub name: String,
    /// The first day of service the revision applies to.
    pub effective: NaiveDate,
    /// Which texts were compared.
    pub source: String,
    /// What a user should load to price these codes.
    pub load: String,
    /// The file the list comes from.
    pub file: String,
    /// master 区分 → the 告示 区分 under it the revision changed ("B001-2-9 changed 69:5686": 告示
    /// 区分, status — changed, extended, deleted, missing — and its heading's line in the new text),
    /// sorted by 区分.
    pub sections: Vec<(String, Vec<String>)>,
}

impl RevisionChanges {
    /// Read a revision-change file (the embedded JSON: `revision` {name, effective, source,
    /// load} and `section` [{key, kokuji}]). Read through `serde_json::Value`, which the
    /// loaders use anyway (a derived reader would add its own code to the browser page).
    pub fn parse(file: &str, text: &str) -> Result<RevisionChanges, LoadError> {
        let err = |reason: String| LoadError::Pack {
            file: file.to_string(),
            reason,
        };
        let v: serde_json::Value = serde_json::from_str(text).map_err(|e| err(e.to_string()))?;
        let meta = &v["revision"];
        let text_of = |o: &serde_json::Value, k: &str| -> Result<String, LoadError> {
            o[k].as_str()
                .map(str::to_string)
                .ok_or_else(|| err(format!("{k}: a text is needed")))
        };
        let effective = text_of(meta, "effective")?;
        let effective = NaiveDate::parse_from_str(&effective, "%Y-%m-%d")
            .map_err(|e| err(format!("revision.effective {effective:?}: {e}")))?;
        let mut sections: Vec<(String, Vec<String>)> = Vec::new();
        for s in v["section"]
            .as_array()
            .map(Vec::as_slice)
            .unwrap_or_default()
        {
            let key = text_of(s, "key")?;
            let kokuji: Vec<String> = s["kokuji"]
                .as_array()
                .map(Vec::as_slice)
                .unwrap_or_default()
                .iter()
                .filter_map(|k| k.as_str().map(str::to_string))
                .collect();
            if kokuji.is_empty() {
                return Err(err(format!("section {key}: no 告示 区分 listed")));
            }
            sections.push((key, kokuji));
        }
        // The generator writes them sorted; lookups search them.
        if let Some(w) = sections.windows(2).find(|w| w[0].0 >= w[1].0) {
            return Err(err(format!(
                "sections must be sorted and listed once: {} before {}",
                w[0].0, w[1].0
            )));
        }
        Ok(RevisionChanges {
            name: text_of(meta, "name")?,
            effective,
            source: text_of(meta, "source")?,
            load: text_of(meta, "load")?,
            file: file.to_string(),
            sections,
        })
    }

    /// The 告示 区分 under a master 区分 that the revision changed (none: not changed).
    pub fn changed(&self, key: &str) -> Option<&[String]> {
        self.sections
            .binary_search_by(|(k, _)| k.as_str().cmp(key))
            .ok()
            .map(|i| self.sections[i].1.as_slice())
    }
}

/// A revision's changes with the codes santei's own entries for it cover.
#[derive(Clone, Debug)]
pub struct RevisionCheck {
    pub changes: Arc<RevisionChanges>,
    /// The pack file whose entries cover the revision (e.g. `r8-2026.toml`).
    pub entries_file: String,
    /// Codes with an entry (new, change, abolish, unchanged) effective from the revision on,
    /// sorted.
    pub covered: Vec<Code>,
}

/// The master 区分 of a record: コード表用番号 letter, 区分番号 (3 digits) and 枝番 when not 0
/// ("A001", "B001-2"); `None` when the record has no 区分 letter.
pub fn master_key(r: &ProcedureRecord) -> Option<String> {
    if r.code_alpha.is_empty() {
        return None;
    }
    let mut k = format!("{}{:03}", r.code_alpha, r.section);
    if r.branch != 0 {
        k.push_str(&format!("-{}", r.branch));
    }
    Some(k)
}

pub use crate::schedule::RevisionGap;
