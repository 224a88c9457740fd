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
//! Invariant: the check only narrows what a lookup answers; it never changes a record.

use crate::dataset::Dataset;
use crate::error::LoadError;
use crate::procedure::ProcedureRecord;
use crate::schedule::{Entry, LookupError};
use crate::value::Code;
use chrono::NaiveDate;
use std::fmt;
use std::sync::Arc;

/// The embedded revision-change files: (file name, JSON text).
pub static EMBEDDED: &[(&str, &str)] = include!(concat!(env!("OUT_DIR"), "/embedded_revisions.rs"));

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

/// A lookup refused because the revision changed the code's 区分, the master in use predates
/// the revision and santei's own entries do not cover the code.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RevisionGap {
    pub code: Code,
    pub name: String,
    pub date: NaiveDate,
    pub key: String,
    pub kokuji: Vec<String>,
    pub revision: String,
    pub effective: NaiveDate,
    pub source: String,
    pub master_as_of: NaiveDate,
    pub points: String,
    pub entries_file: String,
    pub changes_file: String,
    pub load: String,
}

impl fmt::Display for RevisionGap {
    /// Several short lines (front ends cut long lines of error messages), the last one what
    /// to load.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "code {} {} on {}: the {} (from {}) changed its 区分 {}, and santei's entries for the \
             revision ({}) do not cover this code.",
            self.code,
            self.name,
            self.date,
            self.revision,
            self.effective,
            self.key,
            self.entries_file
        )?;
        writeln!(
            f,
            "The official master in use was published up to {}: its figure ({} points) is the one \
             before the revision, and santei does not guess the new one.",
            self.master_as_of, self.points
        )?;
        const SHOWN: usize = 4;
        let more = match self.kokuji.len() {
            n if n > SHOWN => format!(" … ({n} in all)"),
            _ => String::new(),
        };
        writeln!(
            f,
            "告示 区分 changed (line of 告示第69号): {}{more}; see {}.",
            self.kokuji
                .iter()
                .take(SHOWN)
                .map(String::as_str)
                .collect::<Vec<_>>()
                .join("; "),
            self.changes_file
        )?;
        write!(f, "Load {}.", self.load)
    }
}

/// The checks for santei's embedded revision files, with the codes of `entries` (the pack
/// text of santei's own entries for the revision, `entries_file`) as covered.
pub fn checks_for(entries_file: &str, entries: &str) -> Result<Vec<Arc<RevisionCheck>>, LoadError> {
    let codes = crate::pack::entry_codes(entries_file, entries)?;
    let mut out = Vec::new();
    for (file, text) in EMBEDDED {
        let changes = Arc::new(RevisionChanges::parse(file, text)?);
        let mut covered: Vec<Code> = codes
            .iter()
            .filter(|(_, d)| *d >= changes.effective)
            .map(|(c, _)| *c)
            .collect();
        covered.sort();
        covered.dedup();
        out.push(Arc::new(RevisionCheck {
            changes,
            entries_file: entries_file.to_string(),
            covered,
        }));
    }
    Ok(out)
}

impl Dataset {
    /// The version of `code` in force on `date` ([`crate::Schedule::lookup`]), refused with
    /// [`LookupError::RevisionGap`] when a revision this data set's official master predates
    /// changed the code's 区分 and santei's entries for the revision do not cover it.
    pub fn lookup(&self, code: Code, date: NaiveDate) -> Result<Entry<'_>, LookupError> {
        let e = self.schedule.lookup(code, date)?;
        match self.revision_gap(&e, date) {
            Some(gap) => Err(LookupError::RevisionGap(Box::new(gap))),
            None => Ok(e),
        }
    }

    /// Why `e` (looked up on `date`) may not be used, if it may not.
    pub fn revision_gap(&self, e: &Entry<'_>, date: NaiveDate) -> Option<RevisionGap> {
        let as_of = self.official_through?;
        for check in &self.revision_checks {
            let ch = &check.changes;
            if date < ch.effective || as_of >= ch.effective || e.valid_from >= ch.effective {
                continue;
            }
            if check.covered.binary_search(&e.code).is_ok() {
                continue;
            }
            let r = e.record();
            let Some(key) = master_key(r) else { continue };
            let Some(kokuji) = ch.changed(&key) else {
                continue;
            };
            return Some(RevisionGap {
                code: e.code,
                name: r.name.clone(),
                date,
                key,
                kokuji: kokuji.to_vec(),
                revision: ch.name.clone(),
                effective: ch.effective,
                source: ch.source.clone(),
                master_as_of: as_of,
                points: r.points.normalize().to_string(),
                entries_file: check.entries_file.clone(),
                changes_file: ch.file.clone(),
                load: ch.load.clone(),
            });
        }
        None
    }
}
