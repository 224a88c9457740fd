//! A loaded data set: the dated schedule, the 電子点数表 tables, and the drug and device
//! masters, found in directories by their published file names.
//!
//! Order: 医科診療行為 files are sorted by their publication date (the date in the name).
//! The earliest full file (s_ALL…) is the base; update files (s_YYYYMMDD…) published after
//! it are applied in order; update files published before it are already in it and are
//! skipped (reported); a later full file is applied as a checkpoint (see
//! [`Schedule::apply_full`]). Loading is all-or-nothing: the caller's previous data set is
//! untouched when any file fails.
//!
//! Hostile or broken files ([`Dataset::load_dirs`], [`Dataset::load_files`]):
//! - Only regular files are read, each at most [`MAX_FILE_BYTES`]: a FIFO, socket or device is
//!   never opened (a FIFO would block the load, `/dev/zero` would never end) and a symbolic
//!   link is followed only to a regular file. Every entry not read — such files, unreadable
//!   sub-folders, folders deeper than one level, unrecognised names — is listed in
//!   [`Dataset::skipped`] with the reason.
//! - The date in a file name must be a calendar date (`s_ALL20240231.csv` is an error naming the
//!   file); an empty official file is an error saying so.
//! - A later full file is compared with the schedule replayed so far ([`check_checkpoint`]):
//!   one that keeps under [`MIN_KEPT_PERCENT`]% of the codes still in force is refused as cut
//!   short; any shortfall, and codes no earlier file had, are warnings
//!   ([`Dataset::warnings`]). An update that changes a code the full file lacks is an error
//!   that says the full file may be cut short. A lone full file cut at a row boundary cannot be
//!   told from a complete one: the format has no record count.

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

/// The largest official file santei reads (64 MiB; the largest official file in use,
/// `s_ALL20240531.csv`, is 7.7 MB). A recognised file beyond it is refused.
pub const MAX_FILE_BYTES: u64 = 64 << 20;

/// A later full file must still have at least this share (in percent) of the codes the
/// earlier files have in force on its publication date; under it the file is refused as cut
/// short. (Between the two full files in use, with every update file replayed, it has 100%:
/// the 1,765 codes it omits were all abolished on or before its date. Two full files two
/// years apart with no update file between keep 86%, so the bound also lets through a data set
/// with its updates missing — with a warning.)
pub const MIN_KEPT_PERCENT: usize = 80;

/// A remark on loaded data that is not an error: the data loaded, but something looks wrong
/// (a later full file lacks codes in force, a reload went back to older data …).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DataWarning {
    /// The file concerned (or the data set's label).
    pub file: String,
    pub message: String,
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
    /// Entries that were present but not used (unrecognised names, zips, FIFOs and other
    /// files that are not regular files, unreadable sub-folders …), with the reason.
    pub skipped: Vec<(String, String)>,
    /// What looked wrong in data that loaded (see [`DataWarning`]).
    pub warnings: Vec<DataWarning>,
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
    /// immediate subdirectories (users keep ika/, drugs/, devices/ side by side). A directory
    /// given that cannot be read is an error; everything inside that is not read is listed in
    /// [`Dataset::skipped`].
    pub fn load_dirs<P: AsRef<Path>>(dirs: &[P]) -> Result<Dataset, LoadError> {
        let dirs: Vec<&Path> = dirs.iter().map(|d| d.as_ref()).collect();
        let (files, mut skipped) = find_files(&dirs, &list_dir)?;
        let mut ds = Dataset::load_files(files)?;
        skipped.append(&mut ds.skipped);
        ds.skipped = skipped;
        ds.label = format!(
            "official files from {}",
            dirs.iter()
                .map(|d| d.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        );
        Ok(ds)
    }

    /// On a reload that replaces data published through `before`: a warning when this data set
    /// is older (its newest 医科診療行為マスター file published earlier). True when it is.
    pub fn note_reload_from(&mut self, before: Option<NaiveDate>) -> bool {
        match (before, self.official_through) {
            (Some(b), Some(a)) if a < b => {
                self.warnings.push(DataWarning {
                    file: self.label.clone(),
                    message: format!(
                        "reloaded to data published through {a}, older than the data it \
                         replaced (published through {b}): changes published after {a} are no \
                         longer applied"
                    ),
                });
                true
            }
            _ => false,
        }
    }

    /// Load a set of named files (any order; they are sorted by kind and publication date).
    /// A file larger than [`MAX_FILE_BYTES`], an empty one, or one whose name has a date that is
    /// not a calendar date is an error naming the file.
    pub fn load_files(files: Vec<NamedFile>) -> Result<Dataset, LoadError> {
        let mut ds = Dataset {
            label: "official files".into(),
            ..Default::default()
        };
        let mut known: Vec<(FileKind, NamedFile)> = Vec::new();
        for f in files {
            match FileKind::from_name(&f.name) {
                Some(k) => {
                    check_named_file(&k, &f)?;
                    known.push((k, f))
                }
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
        // The latest full file applied and its number of codes (for the hint of an update that
        // names a code the schedule lacks).
        let mut last_full: Option<(String, usize)> = None;
        for (kind, f) in known {
            let (status, rows) = match &kind {
                FileKind::ProcedureFull { published } => {
                    let first = ds.schedule.is_empty();
                    let r = ds.schedule.apply_full(&f.name, &f.bytes)?;
                    if r.rows == 0 {
                        return Err(LoadError::Unrecognised {
                            file: f.name.clone(),
                            reason: "a full file with no rows: was it cut short?".into(),
                        });
                    }
                    let (rows, corrections) = (r.rows, r.corrections.len());
                    if !first {
                        let published = published_date(published).unwrap_or(NaiveDate::MIN);
                        let prev = last_full.as_ref().map(|(n, _)| n.as_str());
                        ds.warnings
                            .extend(check_checkpoint(&f.name, published, r, prev)?);
                    }
                    last_full = Some((f.name.clone(), ds.schedule.len()));
                    (
                        if first {
                            "base".to_string()
                        } else {
                            format!("checkpoint ({corrections} corrections)")
                        },
                        rows,
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
                    let r = ds
                        .schedule
                        .apply_update(&f.name, &f.bytes)
                        .map_err(|e| with_hint(e, last_full.as_ref()))?;
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

/// The checks on a recognised file before it is parsed: its size, that it is not empty, and
/// that the date in its name is a calendar date.
fn check_named_file(kind: &FileKind, f: &NamedFile) -> Result<(), LoadError> {
    let refuse = |reason: String| {
        Err(LoadError::Unrecognised {
            file: f.name.clone(),
            reason,
        })
    };
    if f.bytes.len() as u64 > MAX_FILE_BYTES {
        return refuse(too_large(f.bytes.len() as u64));
    }
    if let FileKind::ProcedureFull { published } | FileKind::ProcedureUpdate { published } = kind {
        if published_date(published).is_none() {
            return refuse(format!(
                "the date in the file name, {published}, is not a calendar date (YYYYMMDD)"
            ));
        }
    }
    if f.bytes.is_empty() {
        return refuse(
            "the file is empty (0 bytes); an official file has at least one row: was it cut \
             short while downloading or copying?"
                .into(),
        );
    }
    Ok(())
}

fn too_large(n: u64) -> String {
    format!(
        "{n} bytes, more than the {MAX_FILE_BYTES} bytes (64 MiB) santei reads from one official \
         file (the largest official file is under 10 MB): not read"
    )
}

/// A few codes for a message: "111000110, 111000570, … (12 in all)".
fn some_codes(codes: &[crate::Code]) -> String {
    let shown: Vec<String> = codes.iter().take(5).map(|c| c.to_string()).collect();
    if codes.len() > shown.len() {
        format!("{}, … ({} in all)", shown.join(", "), codes.len())
    } else {
        shown.join(", ")
    }
}

/// Judge a later full file (a checkpoint) against the schedule replayed before it. The codes
/// the schedule has in force on the file's publication date — not abolished on or before it
/// (a full file omits abolished codes) — should all be in the file. Under
/// [`MIN_KEPT_PERCENT`]% of them: an error (the file looks cut short). Fewer missing: a
/// warning, as are codes the file has that no earlier file had (an update file missing, or an
/// earlier file cut short: before this file's date they are unknown).
pub fn check_checkpoint(
    file: &str,
    published: NaiveDate,
    report: &crate::schedule::FileReport,
    previous: Option<&str>,
) -> Result<Vec<DataWarning>, LoadError> {
    let missing: Vec<crate::Code> = report
        .absent
        .iter()
        .filter(|(_, end)| end.is_none_or(|d| d > published))
        .map(|(c, _)| *c)
        .collect();
    let kept = report.codes_in_file - report.added.len();
    let expected = kept + missing.len();
    let since = previous
        .map(|p| format!(" (replayed from {p} and the update files after it)"))
        .unwrap_or_default();
    if expected > 0 && kept * 100 < MIN_KEPT_PERCENT * expected {
        return Err(LoadError::Unrecognised {
            file: file.to_string(),
            reason: format!(
                "the file looks cut short: it has {kept} of the {expected} codes the earlier \
                 files{since} have in force on {published} ({}%, under the {MIN_KEPT_PERCENT}% \
                 santei accepts); missing: {}",
                kept * 100 / expected,
                some_codes(&missing)
            ),
        });
    }
    let mut warnings = Vec::new();
    if !missing.is_empty() {
        warnings.push(DataWarning {
            file: file.to_string(),
            message: format!(
                "lacks {} of the {expected} codes the earlier files{since} have in force on \
                 {published} ({}): the file may be cut short, or an update file that abolished \
                 them is missing; their earlier history is kept",
                missing.len(),
                some_codes(&missing)
            ),
        });
    }
    if !report.added.is_empty() {
        warnings.push(DataWarning {
            file: file.to_string(),
            message: format!(
                "has {} codes no earlier file had ({}): an update file before {published} is \
                 missing, or an earlier file was cut short; before this file's dates these codes \
                 are unknown",
                report.added.len(),
                some_codes(&report.added)
            ),
        });
    }
    Ok(warnings)
}

/// Say what may be wrong when an update names a code the schedule lacks.
fn with_hint(e: LoadError, last_full: Option<&(String, usize)>) -> LoadError {
    match (e, last_full) {
        (e @ LoadError::UnknownCode { .. }, Some((full, n))) => LoadError::Hinted {
            error: Box::new(e),
            hint: format!(
                "the full file {full} ({n} codes) and the updates after it do not have it: the \
                 full file may be cut short, or an update file is missing"
            ),
        },
        (e, _) => e,
    }
}

/// What is at a path, following a symbolic link.
enum Found {
    /// A regular file of this many bytes.
    File(u64),
    Dir,
    /// Anything else, with the reason it is not read.
    Skip(String),
}

fn classify(p: &Path) -> Found {
    let lm = match std::fs::symlink_metadata(p) {
        Ok(m) => m,
        Err(e) => return Found::Skip(format!("cannot read its file information: {e}")),
    };
    let link = lm.file_type().is_symlink();
    let m = if link {
        match std::fs::metadata(p) {
            Ok(m) => m,
            Err(e) => return Found::Skip(format!("a symbolic link santei cannot follow: {e}")),
        }
    } else {
        lm
    };
    let ft = m.file_type();
    if ft.is_file() {
        Found::File(m.len())
    } else if ft.is_dir() {
        Found::Dir
    } else {
        Found::Skip(format!(
            "{}{}, not a regular file: not opened",
            if link { "a symbolic link to " } else { "" },
            special_kind(&ft)
        ))
    }
}

#[cfg(unix)]
fn special_kind(ft: &std::fs::FileType) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    if ft.is_fifo() {
        "a FIFO (named pipe)"
    } else if ft.is_socket() {
        "a socket"
    } else if ft.is_char_device() {
        "a character device"
    } else if ft.is_block_device() {
        "a block device"
    } else {
        "something else"
    }
}

#[cfg(not(unix))]
fn special_kind(_: &std::fs::FileType) -> &'static str {
    "something else"
}

/// The files of the folders and of their immediate sub-folders (`list` lists a folder), read;
/// and the entries not read, with the reason. A folder given that cannot be listed is an error.
type Skipped = Vec<(String, String)>;
fn find_files(
    dirs: &[&Path],
    list: &dyn Fn(&Path) -> std::io::Result<Vec<PathBuf>>,
) -> Result<(Vec<NamedFile>, Skipped), LoadError> {
    let mut files = Vec::new();
    let mut skipped = Vec::new();
    for d in dirs {
        let entries = list(d).map_err(|e| LoadError::Io {
            file: d.display().to_string(),
            reason: e.to_string(),
        })?;
        for p in entries {
            match classify(&p) {
                Found::File(len) => files.push(read_official(&p, len)?),
                // One level down: users often keep ika/, drugs/, devices/ side by side.
                Found::Dir => match list(&p) {
                    Ok(sub) => {
                        for s in sub {
                            match classify(&s) {
                                Found::File(len) => files.push(read_official(&s, len)?),
                                Found::Dir => skipped.push((
                                    s.display().to_string(),
                                    "a folder two levels down: santei reads the folders given \
                                     and their immediate sub-folders"
                                        .to_string(),
                                )),
                                Found::Skip(why) => skipped.push((s.display().to_string(), why)),
                            }
                        }
                    }
                    Err(e) => skipped.push((
                        p.display().to_string(),
                        format!("a sub-folder santei cannot read: {e}"),
                    )),
                },
                Found::Skip(why) => skipped.push((p.display().to_string(), why)),
            }
        }
    }
    Ok((files, skipped))
}

/// The entries of a folder, sorted.
fn list_dir(d: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut v = Vec::new();
    for e in std::fs::read_dir(d)? {
        v.push(e?.path());
    }
    v.sort();
    Ok(v)
}

/// Read a regular file found in a folder (`len`: its size when listed). A name santei does not
/// recognise is not read (an empty entry that [`Dataset::load_files`] lists as skipped). The
/// file is opened without blocking (were it replaced by a FIFO meanwhile), checked again to be
/// a regular file, and read to at most [`MAX_FILE_BYTES`].
fn read_official(p: &Path, len: u64) -> Result<NamedFile, LoadError> {
    use std::io::Read;
    let name = p
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    if FileKind::from_name(&name).is_none() {
        return Ok(NamedFile {
            name,
            bytes: Vec::new(),
        });
    }
    let file = p.display().to_string();
    if len > MAX_FILE_BYTES {
        return Err(LoadError::Unrecognised {
            file,
            reason: too_large(len),
        });
    }
    let io = |e: std::io::Error| LoadError::Io {
        file: p.display().to_string(),
        reason: e.to_string(),
    };
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    let f = options.open(p).map_err(io)?;
    let m = f.metadata().map_err(io)?;
    if !m.is_file() {
        return Err(LoadError::Unrecognised {
            file,
            reason: "was a regular file when listed but is not one when opened: not read".into(),
        });
    }
    let mut bytes = Vec::with_capacity(m.len().min(MAX_FILE_BYTES) as usize);
    f.take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(io)?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(LoadError::Unrecognised {
            file,
            reason: too_large(bytes.len() as u64),
        });
    }
    Ok(NamedFile { name, bytes })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A sub-folder that cannot be listed is reported among the skipped entries with the
    /// reason, and the files beside it are still read. (Made unreadable here by the lister,
    /// since a test running as root can read any folder; masters/tests/dataset_files.rs does
    /// it with permissions where it can.) On main at b232bb0 such a folder was skipped
    /// silently.
    #[test]
    fn an_unreadable_sub_folder_is_listed() {
        let dir = std::env::temp_dir().join(format!("santei-unreadable-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("locked")).unwrap();
        std::fs::create_dir_all(dir.join("open")).unwrap();
        std::fs::write(dir.join("open/readme.txt"), "x").unwrap();
        let locked = dir.join("locked");
        let list = |p: &Path| {
            if p == locked {
                Err(std::io::Error::from(std::io::ErrorKind::PermissionDenied))
            } else {
                list_dir(p)
            }
        };
        let (files, skipped) = find_files(&[dir.as_path()], &list).unwrap();
        std::fs::remove_dir_all(&dir).ok();
        assert_eq!(files.len(), 1);
        assert_eq!(files[0].name, "readme.txt");
        assert_eq!(skipped.len(), 1, "{skipped:?}");
        assert_eq!(skipped[0].0, locked.display().to_string());
        assert!(
            skipped[0]
                .1
                .starts_with("a sub-folder santei cannot read: permission denied"),
            "{}",
            skipped[0].1
        );
    }

    /// The date in a published name must be a calendar date; an empty recognised file is an
    /// error saying so; a file over the size limit is refused. (On main at b232bb0
    /// `s_ALL20240231.csv` was accepted as published 2024-02-31 and a zero-byte full file was
    /// reported as "no full file found".)
    #[test]
    fn names_sizes_and_empty_files() {
        let named = |name: &str, bytes: Vec<u8>| NamedFile {
            name: name.into(),
            bytes,
        };
        let e = Dataset::load_files(vec![named("s_ALL20240231.csv", b"x\r\n".to_vec())])
            .unwrap_err()
            .to_string();
        assert_eq!(
            e,
            "s_ALL20240231.csv: the date in the file name, 20240231, is not a calendar date (YYYYMMDD)"
        );
        let e = Dataset::load_files(vec![named("s_20241301.csv", b"x\r\n".to_vec())])
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("s_20241301.csv: the date in the file name, 20241301,"),
            "{e}"
        );
        for name in [
            "s_ALL20240531.csv",
            "s_20240621.csv",
            "05算定回数テーブル.csv",
        ] {
            let e = Dataset::load_files(vec![named(name, Vec::new())])
                .unwrap_err()
                .to_string();
            assert!(
                e.starts_with(&format!("{name}: the file is empty (0 bytes)")),
                "{e}"
            );
        }
        let e = Dataset::load_files(vec![named(
            "s_ALL20240531.csv",
            vec![b'"'; MAX_FILE_BYTES as usize + 1],
        )])
        .unwrap_err()
        .to_string();
        assert!(
            e.starts_with("s_ALL20240531.csv: 67108865 bytes, more than the 67108864 bytes"),
            "{e}"
        );
    }
}

impl Dataset {
    /// The version of `code` in force on `date` ([`crate::Schedule::lookup`]), refused with
    /// [`LookupError::RevisionGap`] when a revision this data set's official master predates
    /// changed the code's 区分 and santei's entries for the revision do not cover it.
    pub fn lookup(
        &self,
        code: crate::value::Code,
        date: chrono::NaiveDate,
    ) -> Result<crate::schedule::Entry<'_>, crate::schedule::LookupError> {
        let e = self.schedule.lookup(code, date)?;
        match self.revision_gap(&e, date) {
            Some(gap) => Err(crate::schedule::LookupError::RevisionGap(Box::new(gap))),
            None => Ok(e),
        }
    }

    /// Why `e` (looked up on `date`) may not be used, if it may not.
    pub fn revision_gap(
        &self,
        e: &crate::schedule::Entry<'_>,
        date: chrono::NaiveDate,
    ) -> Option<crate::schedule::RevisionGap> {
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
            let Some(key) = crate::revision::master_key(r) else {
                continue;
            };
            let Some(kokuji) = ch.changed(&key) else {
                continue;
            };
            return Some(crate::schedule::RevisionGap {
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
