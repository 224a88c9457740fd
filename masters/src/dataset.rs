//! A loaded data set: the dated schedule, the 電子点数表 tables, and the drug and device
//! masters, found in directories by their published file names.
//!
//! Order: 医科診療行為 files are sorted by their publication date (the date in the name).
//! The earliest full file (s_ALL…) is the base; update files (s_YYYYMMDD…) published after
//! it are applied in order; update files published before it are already in it and are
//! skipped (reported); a later full file is applied as a checkpoint (see
//! [`Schedule::apply_full`]). Loading is all-or-nothing: the caller's previous data set is
//! untouched when any file fails.

use crate::drugs::{load_devices, load_drugs, Device, Drug};
use crate::error::LoadError;
use crate::schedule::{CodeMap, Schedule};
use crate::tables::{TableKind, Tables};
use chrono::NaiveDate;
use serde::Serialize;
use std::path::{Path, PathBuf};

/// What an official file is, by its published name.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum FileKind {
    /// s_ALLYYYYMMDD.csv
    ProcedureFull { published: String },
    /// s_YYYYMMDD.csv
    ProcedureUpdate { published: String },
    /// y_ALL…csv
    DrugFull,
    /// t_ALL…csv
    DeviceFull,
    /// 電子点数表 table
    Table { table: TableKind },
}

impl FileKind {
    /// Recognise a file by its published name.
    pub fn from_name(name: &str) -> Option<FileKind> {
        let lower = name.to_ascii_lowercase();
        if !lower.ends_with(".csv") {
            return None;
        }
        let stem = &name[..name.len() - 4];
        let digits8 = |s: &str| s.len() >= 8 && s[..8].bytes().all(|b| b.is_ascii_digit());
        if let Some(rest) = stem.strip_prefix("s_ALL") {
            if digits8(rest) {
                return Some(FileKind::ProcedureFull {
                    published: rest[..8].to_string(),
                });
            }
        }
        if let Some(rest) = stem.strip_prefix("s_") {
            if digits8(rest) {
                return Some(FileKind::ProcedureUpdate {
                    published: rest[..8].to_string(),
                });
            }
        }
        if stem.starts_with("y_ALL") {
            return Some(FileKind::DrugFull);
        }
        if stem.starts_with("t_ALL") {
            return Some(FileKind::DeviceFull);
        }
        TableKind::from_file_name(name).map(|table| FileKind::Table { table })
    }
}

/// A file given by name and contents (the browser and the C ABI pass files this way).
#[derive(Clone, Debug)]
pub struct NamedFile {
    pub name: String,
    pub bytes: Vec<u8>,
}

/// One entry of the load report.
#[derive(Clone, Debug, Serialize)]
pub struct LoadedFile {
    pub file: String,
    #[serde(flatten)]
    pub kind: FileKind,
    /// "applied", "base", "checkpoint", or why it was skipped.
    pub status: String,
    pub rows: usize,
}

/// Everything the engine reads.
#[derive(Clone, Debug, Default)]
pub struct Dataset {
    pub schedule: Schedule,
    pub tables: Tables,
    pub drugs: Option<CodeMap<Drug>>,
    pub devices: Option<CodeMap<Device>>,
    /// The files this data set was built from, in the order applied.
    pub files: Vec<LoadedFile>,
    /// Files that were present but not used (unrecognised names, zips …), with the reason.
    pub skipped: Vec<(String, String)>,
    /// A label for the data set ("official files" or the pack title).
    pub label: String,
    /// The publication date of the newest 医科診療行為マスター file the data set was built
    /// from (for santei's own pack: of the newest official file its entries were checked
    /// against). A revision after this date is not reflected in the official data.
    pub official_through: Option<NaiveDate>,
    /// The revisions santei's own entries were laid over this data set for, with what each
    /// changed: [`Dataset::lookup`] refuses a pre-revision figure for a changed code they do
    /// not cover (see [`crate::revision`]). Empty for official files loaded alone.
    pub revision_checks: Vec<std::sync::Arc<crate::revision::RevisionCheck>>,
}

/// `YYYYMMDD` (the date in a published file name) as a date.
pub fn published_date(digits: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(digits.get(..8)?, "%Y%m%d").ok()
}

impl Dataset {
    /// Load every recognised official file found in the given directories and in their
    /// immediate subdirectories (users keep ika/, drugs/, devices/ side by side).
    pub fn load_dirs<P: AsRef<Path>>(dirs: &[P]) -> Result<Dataset, LoadError> {
        let mut files = Vec::new();
        for d in dirs {
            let d = d.as_ref();
            let list = std::fs::read_dir(d).map_err(|e| LoadError::Io {
                file: d.display().to_string(),
                reason: e.to_string(),
            })?;
            let mut paths: Vec<PathBuf> = Vec::new();
            for e in list {
                let e = e.map_err(|e| LoadError::Io {
                    file: d.display().to_string(),
                    reason: e.to_string(),
                })?;
                let p = e.path();
                if p.is_dir() {
                    // One level down: users often keep ika/, drugs/, devices/ side by side.
                    if let Ok(sub) = std::fs::read_dir(&p) {
                        for s in sub.flatten() {
                            if s.path().is_file() {
                                paths.push(s.path());
                            }
                        }
                    }
                } else {
                    paths.push(p);
                }
            }
            for p in paths {
                let name = p
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                if FileKind::from_name(&name).is_none() {
                    files.push(NamedFile {
                        name,
                        bytes: Vec::new(),
                    });
                    continue;
                }
                let bytes = std::fs::read(&p).map_err(|e| LoadError::Io {
                    file: p.display().to_string(),
                    reason: e.to_string(),
                })?;
                files.push(NamedFile { name, bytes });
            }
        }
        let mut ds = Dataset::load_files(files)?;
        ds.label = format!(
            "official files from {}",
            dirs.iter()
                .map(|d| d.as_ref().display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        );
        Ok(ds)
    }

    /// Load a set of named files (any order; they are sorted by kind and publication date).
    pub fn load_files(files: Vec<NamedFile>) -> Result<Dataset, LoadError> {
        let mut ds = Dataset {
            label: "official files".into(),
            ..Default::default()
        };
        let mut known: Vec<(FileKind, NamedFile)> = Vec::new();
        for f in files {
            match FileKind::from_name(&f.name) {
                Some(k) => known.push((k, f)),
                None if f.name.to_ascii_lowercase().ends_with(".zip") => ds.skipped.push((
                    f.name,
                    "a .zip archive: extract it and give the CSV files inside".into(),
                )),
                None => ds
                    .skipped
                    .push((f.name, "not an official file name santei recognises".into())),
            }
        }
        // Procedure files by publication date; a full file sorts before an update of the same date.
        known.sort_by(|(a, fa), (b, fb)| {
            let key = |k: &FileKind| match k {
                FileKind::ProcedureFull { published } => (0, published.clone(), 0),
                FileKind::ProcedureUpdate { published } => (0, published.clone(), 1),
                FileKind::Table { .. } => (1, String::new(), 0),
                FileKind::DrugFull => (2, String::new(), 0),
                FileKind::DeviceFull => (3, String::new(), 0),
            };
            key(a).cmp(&key(b)).then_with(|| fa.name.cmp(&fb.name))
        });
        let base_date = known.iter().find_map(|(k, _)| match k {
            FileKind::ProcedureFull { published } => Some(published.clone()),
            _ => None,
        });
        for (kind, f) in known {
            let (status, rows) = match &kind {
                FileKind::ProcedureFull { .. } => {
                    let first = ds.schedule.is_empty();
                    let r = ds.schedule.apply_full(&f.name, &f.bytes)?;
                    (
                        if first {
                            "base".to_string()
                        } else {
                            format!("checkpoint ({} corrections)", r.corrections.len())
                        },
                        r.rows,
                    )
                }
                FileKind::ProcedureUpdate { published } => {
                    match &base_date {
                        Some(b) if published < b => {
                            ds.skipped.push((f.name.clone(), format!("published before the full file of {b}, which includes it")));
                            continue;
                        }
                        None if ds.schedule.is_empty() => {
                            return Err(LoadError::Unrecognised {
                                file: f.name.clone(),
                                reason: "an update file needs a full file (s_ALL…, published by 医療情報基盤・診療報酬審査支払機構 at https://www.hpdx.or.jp/) to apply to; none was given".into(),
                            })
                        }
                        _ => {}
                    }
                    let r = ds.schedule.apply_update(&f.name, &f.bytes)?;
                    ("applied".to_string(), r.rows)
                }
                FileKind::Table { table } => (
                    "loaded".to_string(),
                    ds.tables.load(*table, &f.name, &f.bytes)?,
                ),
                FileKind::DrugFull => {
                    let d = load_drugs(&f.name, &f.bytes)?;
                    let n = d.len();
                    ds.drugs = Some(d);
                    ("loaded".to_string(), n)
                }
                FileKind::DeviceFull => {
                    let d = load_devices(&f.name, &f.bytes)?;
                    let n = d.len();
                    ds.devices = Some(d);
                    ("loaded".to_string(), n)
                }
            };
            if let FileKind::ProcedureFull { published } | FileKind::ProcedureUpdate { published } =
                &kind
            {
                let d = published_date(published);
                if d > ds.official_through {
                    ds.official_through = d;
                }
            }
            ds.files.push(LoadedFile {
                file: f.name,
                kind,
                status,
                rows,
            });
        }
        Ok(ds)
    }
}
