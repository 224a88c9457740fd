//! The dated fee schedule: for every procedure code, its versions over time.
//!
//! Built from a full master file (s_ALL…) and the dated update files (s_YYYYMMDD…) applied in
//! publication order. Semantics of an update row by 変更区分 (verified by the replay test
//! against `s_ALL20240531.csv`):
//! - 新規 (3) / 0: upsert. A version starting on the row's 変更年月日 is replaced, otherwise a
//!   new version opens on that date.
//! - 変更 (5): only the non-empty cells change. With a 変更年月日 D, the change applies from D
//!   on: a version starting on D is opened if needed (a copy of the version in force on D)
//!   and every version from D on takes the changed cells. Without 変更年月日 it corrects the
//!   latest version in place.
//! - 廃止 (9): sets 廃止年月日 on the latest version.
//! - 抹消 (1): erases the version starting on the row's 変更年月日 (the whole code when none
//!   matches or when it was the only one).
//!
//! Invariants: versions of a code are sorted by `valid_from` and never overlap; a version is
//! in force from `valid_from` to the day before the next version or to its 廃止年月日, whichever
//! is earlier. Loading is all-or-nothing: a file is fully parsed and checked before the
//! schedule is touched, so an error leaves the previous schedule intact.

use crate::csvfile::for_each_row;
use crate::error::{LoadError, Location};
use crate::procedure::{ProcedureRecord, MIN_FIELD_COUNT, R6_FIELD_COUNT};
use crate::value::{ChangeKind, Code, DateCell};
use chrono::NaiveDate;
use serde::Serialize;
use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::Arc;

/// Where a version (or a change to it) came from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SourceRef {
    pub file: Arc<str>,
    pub line: usize,
}

/// One dated version of a code.
#[derive(Clone, Debug, PartialEq)]
pub struct Version {
    /// First day this version is in force.
    pub valid_from: NaiveDate,
    pub record: Arc<ProcedureRecord>,
    /// The rows that built this version, oldest first.
    pub sources: Vec<SourceRef>,
    /// False for entries of the project's own data that no official file confirms
    /// (e.g. the 2026 revision's codes before an official 2026 master is loaded).
    pub verified: bool,
    /// False when the code's end (廃止年月日) comes from the project's own data that no official
    /// file confirms (e.g. abolition by the 2026 revision, before a 2026 master is loaded).
    pub end_verified: bool,
}

/// All versions of one code.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct History {
    pub versions: Vec<Version>,
}

impl History {
    /// Last day version `i` is in force (`None` = open-ended).
    pub fn valid_to(&self, i: usize) -> Option<NaiveDate> {
        let own = self.versions[i].record.abolished_on.date();
        let next = self
            .versions
            .get(i + 1)
            .and_then(|v| v.valid_from.pred_opt());
        match (own, next) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// The version in force on `date`.
    pub fn at(&self, date: NaiveDate) -> Option<usize> {
        let i = self.versions.partition_point(|v| v.valid_from <= date);
        if i == 0 {
            return None;
        }
        let i = i - 1;
        match self.valid_to(i) {
            Some(to) if date > to => None,
            _ => Some(i),
        }
    }

    /// The periods in which the code is in force, merged where adjacent.
    pub fn valid_ranges(&self) -> Vec<(NaiveDate, Option<NaiveDate>)> {
        let mut out: Vec<(NaiveDate, Option<NaiveDate>)> = Vec::new();
        for i in 0..self.versions.len() {
            let from = self.versions[i].valid_from;
            let to = self.valid_to(i);
            if let Some(t) = to {
                if t < from {
                    continue;
                }
            }
            if let Some(last) = out.last_mut() {
                if last.1.and_then(|t| t.succ_opt()) == Some(from) {
                    last.1 = to;
                    continue;
                }
            }
            out.push((from, to));
        }
        out
    }
}

/// A cheap hasher for 9-digit codes.
#[derive(Default, Clone, Copy)]
pub struct CodeHasher(u64);

impl Hasher for CodeHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = (self.0.rotate_left(8) ^ *b as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        }
    }
    fn write_u32(&mut self, n: u32) {
        // The table takes its buckets from the low bits and a tag from the top 7: keep the
        // well-mixed top bits of the product and fold them into the low ones.
        let h = (n as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        self.0 = h ^ (h >> 32);
    }
}

pub type CodeMap<V> = HashMap<Code, V, BuildHasherDefault<CodeHasher>>;

/// A code looked up on a date.
#[derive(Clone, Copy, Debug)]
pub struct Entry<'a> {
    pub code: Code,
    pub version: &'a Version,
    pub valid_from: NaiveDate,
    pub valid_to: Option<NaiveDate>,
}

impl<'a> Entry<'a> {
    pub fn record(&self) -> &'a ProcedureRecord {
        &self.version.record
    }
}

/// Why a lookup failed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum LookupError {
    #[error("unknown code {0}: not in the loaded schedule")]
    UnknownCode(Code),
    #[error("code {code} is not valid on {date}; it is valid {}", fmt_ranges(.ranges))]
    NotValidOn {
        code: Code,
        date: NaiveDate,
        ranges: Vec<(NaiveDate, Option<NaiveDate>)>,
    },
    /// A revision the official master in use predates changed the code's 区分, and santei's
    /// own entries for the revision do not cover the code (see [`crate::revision`]).
    #[error("{0}")]
    RevisionGap(Box<RevisionGap>),
}

/// "from 2024-10-01 to 2025-03-31, from 2025-04-01" …
pub fn fmt_ranges(ranges: &[(NaiveDate, Option<NaiveDate>)]) -> String {
    if ranges.is_empty() {
        return "on no date (every version was erased or abolished before it started)".into();
    }
    ranges
        .iter()
        .map(|(f, t)| match t {
            Some(t) => format!("from {f} to {t}"),
            None => format!("from {f} (no end date)"),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// What a file load did.
#[derive(Clone, Debug, Default, Serialize)]
pub struct FileReport {
    pub file: String,
    pub kind: &'static str,
    pub rows: usize,
    /// Cells a later full file corrected (the replay disagreed with it).
    pub corrections: Vec<Correction>,
    /// For a checkpoint (a later full file): the codes the schedule had that the file does not
    /// have, with the 廃止年月日 of their latest version (`None`: not abolished). A full file
    /// omits abolished codes; one that lacks codes still in force may be cut short
    /// ([`crate::Dataset::load_files`] judges it).
    #[serde(skip)]
    pub absent: Vec<(Code, Option<NaiveDate>)>,
    /// For a checkpoint: the codes the file added that no earlier file had.
    #[serde(skip)]
    pub added: Vec<Code>,
    /// The number of distinct codes in the file.
    #[serde(skip)]
    pub codes_in_file: usize,
}

/// A cell that a later full file set differently from the replayed history.
#[derive(Clone, Debug, Serialize)]
pub struct Correction {
    pub code: Code,
    pub field: &'static str,
    pub replayed: serde_json::Value,
    pub full_file: serde_json::Value,
}

/// The dated schedule of 医科診療行為 codes.
#[derive(Clone, Debug, Default)]
pub struct Schedule {
    codes: CodeMap<History>,
    /// Files applied, in order.
    pub files: Vec<FileReport>,
}

/// Fields compared when a later full file is reconciled with the replayed history
/// (official-files.md: the key fields of the replay check).
pub const KEY_FIELDS: &[usize] = &[
    4, 10, 11, 35, 37, 38, 71, 72, 73, 74, 75, 76, 77, 78, 79, 80, 87,
];

/// A parsed row of an official procedure file.
#[derive(Clone, Debug)]
struct ParsedRow {
    line: usize,
    kind: ChangeKind,
    code: Code,
    effective: Option<NaiveDate>,
    /// Present for full rows (新規, 0, full files).
    full: Option<ProcedureRecord>,
    /// Non-empty cells (index, text) for partial rows (変更, 廃止).
    cells: Vec<(usize, String)>,
}

fn field_loc(file: &str, line: usize, index: usize) -> Location {
    Location {
        file: file.to_string(),
        line,
        field: Some(index + 1),
        field_name: ProcedureRecord::field_info(index).map(|f| f.label),
    }
}

fn parse_rows(file: &str, bytes: &[u8], is_full: bool) -> Result<Vec<ParsedRow>, LoadError> {
    let mut out = Vec::with_capacity(bytes.len() / 500 + 1);
    for_each_row(file, bytes, |line, cells| {
        if cells.len() < MIN_FIELD_COUNT || cells.len() > R6_FIELD_COUNT {
            let at = cells.len().min(R6_FIELD_COUNT);
            return Err(LoadError::FieldCount {
                at: field_loc(file, line, at),
                found: cells.len(),
                last: cells.last().map(|c| c.to_string()).unwrap_or_default(),
                expected: format!(
                    "{MIN_FIELD_COUNT} (2022 layout) to {R6_FIELD_COUNT} (R6 layout)"
                ),
            });
        }
        let bad = |i: usize, reason: String| LoadError::Field {
            at: field_loc(file, line, i),
            value: cells[i].to_string(),
            reason,
        };
        let kind = ChangeKind::parse_cell_strict(&cells[0]).map_err(|e| bad(0, e))?;
        if cells[1] != "S" {
            return Err(bad(1, "expected \"S\" (医科診療行為マスター)".into()));
        }
        let code = Code::parse(&cells[2]).map_err(|e| bad(2, e))?;
        let effective = crate::value::CellValue::parse_cell(&cells[86])
            .map(|d: DateCell| d.date())
            .map_err(|e| bad(86, e))?;
        let full_row = is_full || matches!(kind, ChangeKind::New | ChangeKind::Unchanged);
        if full_row {
            let rec = ProcedureRecord::from_cells(cells).map_err(|(i, e)| bad(i, e))?;
            out.push(ParsedRow {
                line,
                kind,
                code,
                effective,
                full: Some(rec),
                cells: Vec::new(),
            });
        } else {
            let mut kept = Vec::new();
            for (i, c) in cells.iter().enumerate() {
                if i > 2 && !c.is_empty() {
                    ProcedureRecord::check_cell(i, c).map_err(|e| bad(i, e))?;
                    kept.push((i, c.to_string()));
                }
            }
            out.push(ParsedRow {
                line,
                kind,
                code,
                effective,
                full: None,
                cells: kept,
            });
        }
        Ok(())
    })?;
    Ok(out)
}

impl ChangeKind {
    fn parse_cell_strict(s: &str) -> Result<ChangeKind, String> {
        if s.is_empty() {
            return Err("変更区分 is empty".into());
        }
        <ChangeKind as crate::value::CellValue>::parse_cell(s)
    }
}

impl Schedule {
    /// An empty schedule.
    pub fn new() -> Schedule {
        Schedule::default()
    }

    /// Number of codes (including abolished ones still in the history).
    pub fn len(&self) -> usize {
        self.codes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.codes.is_empty()
    }

    /// The history of one code.
    pub fn history(&self, code: Code) -> Option<&History> {
        self.codes.get(&code)
    }

    /// All codes, sorted.
    pub fn codes(&self) -> Vec<Code> {
        let mut v: Vec<Code> = self.codes.keys().copied().collect();
        support::sort::sort(&mut v);
        v
    }

    /// Insert or replace a whole history (used by the project's own data format).
    pub fn insert_history(&mut self, code: Code, history: History) {
        self.codes.insert(code, history);
    }

    /// The version of `code` in force on `date`.
    pub fn lookup(&self, code: Code, date: NaiveDate) -> Result<Entry<'_>, LookupError> {
        let h = self
            .codes
            .get(&code)
            .ok_or(LookupError::UnknownCode(code))?;
        match h.at(date) {
            Some(i) => Ok(Entry {
                code,
                version: &h.versions[i],
                valid_from: h.versions[i].valid_from,
                valid_to: h.valid_to(i),
            }),
            None => Err(LookupError::NotValidOn {
                code,
                date,
                ranges: h.valid_ranges(),
            }),
        }
    }

    /// Load a full master file (s_ALL…). Into an empty schedule it is the base; into a
    /// loaded one it is a checkpoint: codes it lacks are added and key fields that differ
    /// from the replay are corrected (each correction is reported) — in the version in force
    /// on the row's 変更年月日 when that version starts then, otherwise in a new version from
    /// that date (a later revision's full file does not rewrite the earlier days).
    pub fn apply_full(&mut self, file: &str, bytes: &[u8]) -> Result<&FileReport, LoadError> {
        let rows = parse_rows(file, bytes, true)?;
        let src: Arc<str> = Arc::from(file);
        let mut report = FileReport {
            file: file.to_string(),
            kind: "procedure_full",
            rows: rows.len(),
            ..Default::default()
        };
        if self.codes.is_empty() {
            self.codes.reserve(rows.len());
            for r in rows {
                let rec = r.full.expect("full row");
                let from = rec.changed_on.date().unwrap_or(NaiveDate::MIN);
                let v = Version {
                    valid_from: from,
                    record: Arc::new(rec),
                    sources: vec![SourceRef {
                        file: src.clone(),
                        line: r.line,
                    }],
                    verified: true,
                    end_verified: true,
                };
                self.codes.insert(r.code, History { versions: vec![v] });
            }
        } else {
            let in_file: HashSet<Code> = rows.iter().map(|r| r.code).collect();
            report.absent = self
                .codes
                .iter()
                .filter(|(c, _)| !in_file.contains(c))
                .map(|(c, h)| {
                    let end = h.versions.last().and_then(|v| v.record.abolished_on.date());
                    (*c, end)
                })
                .collect();
            support::sort::sort(&mut report.absent);
            report.codes_in_file = in_file.len();
            for r in rows {
                let rec = r.full.expect("full row");
                let from = rec.changed_on.date().unwrap_or(NaiveDate::MIN);
                let sref = SourceRef {
                    file: src.clone(),
                    line: r.line,
                };
                match self.codes.get_mut(&r.code) {
                    None => {
                        let v = Version {
                            valid_from: from,
                            record: Arc::new(rec),
                            sources: vec![sref],
                            verified: true,
                            end_verified: true,
                        };
                        self.codes.insert(r.code, History { versions: vec![v] });
                        report.added.push(r.code);
                    }
                    Some(h) => {
                        let in_force = h.at(from);
                        let i = in_force.unwrap_or(h.versions.len() - 1);
                        let v = &mut h.versions[i];
                        let mut changed = false;
                        let mut updated: Option<ProcedureRecord> = None;
                        for (idx, cell) in record_key_cells(&rec) {
                            let current = updated.as_ref().unwrap_or(&v.record);
                            if official_cell(current, idx) == cell {
                                continue;
                            }
                            let before = field_value(current, idx);
                            let u = updated.get_or_insert_with(|| (*v.record).clone());
                            let _ = u.set_cell(idx, &cell);
                            let after = field_value(u, idx);
                            changed = true;
                            report.corrections.push(Correction {
                                code: r.code,
                                field: ProcedureRecord::field_info(idx)
                                    .map(|f| f.name)
                                    .unwrap_or("?"),
                                replayed: before,
                                full_file: after,
                            });
                        }
                        if let (true, Some(mut updated)) = (changed, updated) {
                            if in_force.is_some() && from > v.valid_from {
                                // The full file states the record from its 変更年月日 on (a later
                                // revision's full file over older data): a new version from that
                                // date, the earlier days keep what the replay gave them.
                                updated.changed_on = DateCell(Some(from));
                                let nv = Version {
                                    valid_from: from,
                                    record: Arc::new(updated),
                                    sources: vec![sref],
                                    verified: true,
                                    end_verified: v.end_verified,
                                };
                                h.versions.insert(i + 1, nv);
                            } else {
                                v.record = Arc::new(updated);
                                v.sources.push(sref);
                            }
                        }
                    }
                }
            }
        }
        self.files.push(report);
        Ok(self.files.last().expect("pushed"))
    }

    /// Apply one dated update file (s_YYYYMMDD…). All-or-nothing.
    pub fn apply_update(&mut self, file: &str, bytes: &[u8]) -> Result<&FileReport, LoadError> {
        let rows = parse_rows(file, bytes, false)?;
        // Check pass: every 変更/廃止/抹消 must name a code that exists at that point.
        {
            let mut added: HashSet<Code> = HashSet::new();
            let mut erased: HashSet<Code> = HashSet::new();
            for r in &rows {
                let exists = (self.codes.contains_key(&r.code) || added.contains(&r.code))
                    && !erased.contains(&r.code);
                match r.kind {
                    ChangeKind::New | ChangeKind::Unchanged => {
                        added.insert(r.code);
                        erased.remove(&r.code);
                    }
                    ChangeKind::Change | ChangeKind::Abolish | ChangeKind::Delete if !exists => {
                        return Err(LoadError::UnknownCode {
                            at: field_loc(file, r.line, 2),
                            code: r.code.to_string(),
                            kind: match r.kind {
                                ChangeKind::Change => "変更",
                                ChangeKind::Abolish => "廃止",
                                _ => "抹消",
                            },
                        });
                    }
                    ChangeKind::Delete => {
                        // Whether the whole code goes depends on versions; be conservative:
                        // a later 変更 of an erased code is still checked at apply time.
                    }
                    _ => {}
                }
            }
        }
        let src: Arc<str> = Arc::from(file);
        let n = rows.len();
        for r in rows {
            self.apply_row(r, &src);
        }
        self.files.push(FileReport {
            file: file.to_string(),
            kind: "procedure_update",
            rows: n,
            ..Default::default()
        });
        Ok(self.files.last().expect("pushed"))
    }

    fn apply_row(&mut self, r: ParsedRow, src: &Arc<str>) {
        let sref = SourceRef {
            file: src.clone(),
            line: r.line,
        };
        match r.kind {
            ChangeKind::New | ChangeKind::Unchanged => {
                let rec = r.full.expect("full row");
                let from = r.effective.unwrap_or(NaiveDate::MIN);
                let v = Version {
                    valid_from: from,
                    record: Arc::new(rec),
                    sources: vec![sref],
                    verified: true,
                    end_verified: true,
                };
                let h = self.codes.entry(r.code).or_default();
                match h.versions.binary_search_by_key(&from, |v| v.valid_from) {
                    Ok(i) => h.versions[i] = v,
                    Err(i) => h.versions.insert(i, v),
                }
            }
            ChangeKind::Change => {
                let Some(h) = self.codes.get_mut(&r.code) else {
                    return;
                };
                if h.versions.is_empty() {
                    return;
                }
                let start = match r.effective {
                    None => h.versions.len() - 1,
                    Some(d) => match h.versions.binary_search_by_key(&d, |v| v.valid_from) {
                        Ok(i) => i,
                        Err(0) => 0,
                        Err(i) => {
                            // Open a version on d, a copy of the one in force before it.
                            let mut copy = h.versions[i - 1].clone();
                            copy.valid_from = d;
                            let mut rec = (*copy.record).clone();
                            rec.changed_on = DateCell(Some(d));
                            // The copy inherits the abolition only if it is still ahead.
                            copy.record = Arc::new(rec);
                            copy.sources = vec![];
                            h.versions.insert(i, copy);
                            i
                        }
                    },
                };
                for v in &mut h.versions[start..] {
                    let mut rec = (*v.record).clone();
                    for (i, c) in &r.cells {
                        if *i == 86 {
                            continue;
                        }
                        let _ = rec.set_cell(*i, c);
                    }
                    rec.change_kind = ChangeKind::Change;
                    v.record = Arc::new(rec);
                    v.sources.push(sref.clone());
                }
            }
            ChangeKind::Abolish => {
                let Some(h) = self.codes.get_mut(&r.code) else {
                    return;
                };
                let Some(v) = h.versions.last_mut() else {
                    return;
                };
                let mut rec = (*v.record).clone();
                for (i, c) in &r.cells {
                    if *i == 87 {
                        let _ = rec.set_cell(*i, c);
                    }
                }
                rec.change_kind = ChangeKind::Abolish;
                v.record = Arc::new(rec);
                v.sources.push(sref);
            }
            ChangeKind::Delete => {
                let Some(h) = self.codes.get_mut(&r.code) else {
                    return;
                };
                let pos = r
                    .effective
                    .and_then(|d| h.versions.iter().position(|v| v.valid_from == d));
                match pos {
                    Some(i) if h.versions.len() > 1 => {
                        h.versions.remove(i);
                    }
                    _ => {
                        self.codes.remove(&r.code);
                    }
                }
            }
        }
    }

    /// Codes added, abolished and changed between two dates.
    pub fn diff(&self, from: NaiveDate, to: NaiveDate) -> Vec<DiffEntry> {
        let mut out = Vec::new();
        for code in self.codes() {
            let h = &self.codes[&code];
            let a = h.at(from);
            let b = h.at(to);
            match (a, b) {
                (None, Some(j)) => out.push(DiffEntry::Added {
                    code,
                    name: h.versions[j].record.name.clone(),
                    valid_from: h.versions[j].valid_from,
                }),
                (Some(i), None) => out.push(DiffEntry::Abolished {
                    code,
                    name: h.versions[i].record.name.clone(),
                    valid_to: h.valid_to(i),
                }),
                (Some(i), Some(j)) if i != j => {
                    let changes = h.versions[i]
                        .record
                        .diff(&h.versions[j].record, BOOKKEEPING_FIELDS);
                    if !changes.is_empty() {
                        out.push(DiffEntry::Changed {
                            code,
                            name: h.versions[j].record.name.clone(),
                            changes,
                        });
                    }
                }
                _ => {}
            }
        }
        out
    }
}

/// Fields that record how a row was published rather than what the code is; not reported
/// as changes.
pub const BOOKKEEPING_FIELDS: &[&str] = &[
    "change_kind",
    "changed_on",
    "old_point_kind",
    "old_points",
    "kanji_name_changed",
    "kana_name_changed",
];

/// One line of `santei master diff`.
#[derive(Clone, Debug, Serialize)]
#[serde(tag = "change", rename_all = "snake_case")]
pub enum DiffEntry {
    Added {
        code: Code,
        name: String,
        valid_from: NaiveDate,
    },
    Abolished {
        code: Code,
        name: String,
        valid_to: Option<NaiveDate>,
    },
    Changed {
        code: Code,
        name: String,
        changes: Vec<crate::procedure::FieldChange>,
    },
}

impl DiffEntry {
    pub fn code(&self) -> Code {
        match self {
            DiffEntry::Added { code, .. }
            | DiffEntry::Abolished { code, .. }
            | DiffEntry::Changed { code, .. } => *code,
        }
    }
}

/// The official cell text of the key fields of a record (for reconciliation).
fn record_key_cells(rec: &ProcedureRecord) -> Vec<(usize, String)> {
    KEY_FIELDS
        .iter()
        .map(|&i| (i, official_cell(rec, i)))
        .collect()
}

/// JSON value of one field (by index) for reports.
fn field_value(rec: &ProcedureRecord, index: usize) -> serde_json::Value {
    let name = ProcedureRecord::field_info(index)
        .map(|f| f.name)
        .unwrap_or("");
    let full = serde_json::to_value(FullRecord(rec)).unwrap_or_default();
    full.get(name).cloned().unwrap_or(serde_json::Value::Null)
}

struct FullRecord<'a>(&'a ProcedureRecord);
impl Serialize for FullRecord<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(s)
    }
}

/// Render one key field back to its official cell text.
fn official_cell(rec: &ProcedureRecord, index: usize) -> String {
    match index {
        4 => rec.name.clone(),
        10 => rec.point_kind.code().to_string(),
        11 => rec.points.to_string(),
        35 => rec.max_count.to_string(),
        37 => rec.addon_code.clone(),
        38 => rec.addon_serial.to_string(),
        71..=80 => {
            let v = [
                rec.facility_standard_1,
                rec.facility_standard_2,
                rec.facility_standard_3,
                rec.facility_standard_4,
                rec.facility_standard_5,
                rec.facility_standard_6,
                rec.facility_standard_7,
                rec.facility_standard_8,
                rec.facility_standard_9,
                rec.facility_standard_10,
            ];
            v[index - 71].to_string()
        }
        87 => match rec.abolished_on.date() {
            Some(d) => d.format("%Y%m%d").to_string(),
            None => "99999999".into(),
        },
        _ => String::new(),
    }
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

impl std::fmt::Display for RevisionGap {
    /// Several short lines (front ends cut long lines of error messages), the last one what
    /// to load.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
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
