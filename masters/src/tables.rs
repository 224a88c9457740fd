//! 医科電子点数表 — the official tables that say how codes combine (補助, 包括, 背反 1–4,
//! 入院基本料, 算定回数), typed and dated by their 新設/廃止 dates.
//!
//! Layouts: `specs/denshi-tensuhyo-guide-ika-R06.txt` §4 (and official-files.md). A table not
//! loaded is recorded as absent, so the engine can say plainly that a check did not run.
//!
//! Invariant: a table is replaced whole when loaded; a failed load leaves the old one.

use crate::csvfile::read_rows;
use crate::error::{LoadError, Location};
use crate::schedule::CodeMap;
use crate::value::{parse_yyyymmdd, Code};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Which official table a file is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum TableKind {
    /// 01 補助マスターテーブル
    Auxiliary,
    /// 02 包括テーブル
    Bundle,
    /// 03-1 背反テーブル1 (1日につき)
    ExclusionSameDay,
    /// 03-2 背反テーブル2 (同一月内)
    ExclusionSameMonth,
    /// 03-3 背反テーブル3 (同時)
    ExclusionSameTime,
    /// 03-4 背反テーブル4 (1週間につき)
    ExclusionWeek,
    /// 04 入院基本料テーブル
    InpatientBasic,
    /// 05 算定回数テーブル
    Frequency,
}

impl TableKind {
    /// Recognise a table by the published file name.
    pub fn from_file_name(name: &str) -> Option<TableKind> {
        let n = name;
        if !n.to_ascii_lowercase().ends_with(".csv") {
            return None;
        }
        Some(if n.contains("補助マスター") {
            TableKind::Auxiliary
        } else if n.contains("包括テーブル") {
            TableKind::Bundle
        } else if n.contains("背反テーブル1") || n.contains("背反テーブル１") {
            TableKind::ExclusionSameDay
        } else if n.contains("背反テーブル2") || n.contains("背反テーブル２") {
            TableKind::ExclusionSameMonth
        } else if n.contains("背反テーブル3") || n.contains("背反テーブル３") {
            TableKind::ExclusionSameTime
        } else if n.contains("背反テーブル4") || n.contains("背反テーブル４") {
            TableKind::ExclusionWeek
        } else if n.contains("入院基本料テーブル") {
            TableKind::InpatientBasic
        } else if n.contains("算定回数テーブル") {
            TableKind::Frequency
        } else {
            return None;
        })
    }

    pub fn label(&self) -> &'static str {
        match self {
            TableKind::Auxiliary => "01補助マスターテーブル",
            TableKind::Bundle => "02包括テーブル",
            TableKind::ExclusionSameDay => "03-1背反テーブル1（1日）",
            TableKind::ExclusionSameMonth => "03-2背反テーブル2（同一月）",
            TableKind::ExclusionSameTime => "03-3背反テーブル3（同時）",
            TableKind::ExclusionWeek => "03-4背反テーブル4（1週）",
            TableKind::InpatientBasic => "04入院基本料テーブル",
            TableKind::Frequency => "05算定回数テーブル",
        }
    }

    /// The 背反 scope of an exclusion table (None for the other tables).
    pub fn exclusion_scope(&self) -> Option<ExclusionScope> {
        Some(match self {
            TableKind::ExclusionSameDay => ExclusionScope::SameDay,
            TableKind::ExclusionSameMonth => ExclusionScope::SameMonth,
            TableKind::ExclusionSameTime => ExclusionScope::SameTime,
            TableKind::ExclusionWeek => ExclusionScope::Week,
            _ => return None,
        })
    }

    /// The exclusion table of a 背反 scope.
    pub fn for_scope(scope: ExclusionScope) -> TableKind {
        match scope {
            ExclusionScope::SameDay => TableKind::ExclusionSameDay,
            ExclusionScope::SameMonth => TableKind::ExclusionSameMonth,
            ExclusionScope::SameTime => TableKind::ExclusionSameTime,
            ExclusionScope::Week => TableKind::ExclusionWeek,
        }
    }

    fn field_count(&self) -> usize {
        match self {
            TableKind::Auxiliary => 27,
            TableKind::Bundle => 7,
            TableKind::ExclusionSameDay
            | TableKind::ExclusionSameMonth
            | TableKind::ExclusionSameTime
            | TableKind::ExclusionWeek => 10,
            TableKind::InpatientBasic => 8,
            TableKind::Frequency => 14,
        }
    }
}

/// The period a table row is in force (新設年月日 – 廃止年月日).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Period {
    pub from: NaiveDate,
    pub to: Option<NaiveDate>,
}

impl Period {
    pub fn contains(&self, d: NaiveDate) -> bool {
        self.from <= d && self.to.is_none_or(|t| d <= t)
    }
}

/// Where a row came from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RowSource {
    pub file: String,
    pub line: usize,
    /// False for santei's own entries that no official file confirms.
    pub verified: bool,
}

/// 背反区分 — which of the two codes may be claimed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExclusionKind {
    /// 1 — code ① may be claimed (② may not).
    FirstMay,
    /// 2 — code ② may be claimed.
    SecondMay,
    /// 3 — either one (not both).
    Either,
}

/// The time frame of a 背反 rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExclusionScope {
    SameDay,
    SameMonth,
    SameTime,
    Week,
}

/// One 背反 row.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ExclusionRule {
    pub scope: ExclusionScope,
    pub first: Code,
    pub first_name: String,
    pub second: Code,
    pub second_name: String,
    pub kind: ExclusionKind,
    /// 特例条件
    pub special: u8,
    pub period: Period,
    pub source: RowSource,
}

/// 算定単位 — the unit a 算定回数 limit counts in.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FrequencyUnit {
    /// 算定単位コード (付表1), e.g. 131 月, 144 ３月.
    pub code: u16,
    /// 算定単位名称 as published, e.g. "月".
    pub name: String,
}

impl FrequencyUnit {
    /// The counting window of the unit.
    pub fn kind(&self) -> CountUnit {
        CountUnit::from_code(self.code)
    }
}

/// The counting window of a 算定単位コード (医科電子点数表の活用手引き 付表１): the units a limit
/// counts claims in, by date. Units that are not windows of dates (回, 項目, 部位 …), or
/// whose window santei does not yet count, are [`CountUnit::Other`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CountUnit {
    /// 53 患者当り: once per patient, ever.
    PerPatient,
    /// 121 日.
    Day,
    /// 138 週 (Sunday to Saturday).
    Week,
    /// 131 月 (1), 143 ２月, 144 ３月, 145 ４月, 146 ６月, 147 １２月, 148 ５年 (60): the month of
    /// the claim and the months before it, `n` calendar months in all.
    Months(u8),
    /// Any other 算定単位コード.
    Other(u16),
}

impl CountUnit {
    /// The window of a 算定単位コード.
    pub fn from_code(code: u16) -> CountUnit {
        match code {
            53 => CountUnit::PerPatient,
            121 => CountUnit::Day,
            138 => CountUnit::Week,
            131 => CountUnit::Months(1),
            143 => CountUnit::Months(2),
            144 => CountUnit::Months(3),
            145 => CountUnit::Months(4),
            146 => CountUnit::Months(6),
            147 => CountUnit::Months(12),
            148 => CountUnit::Months(60),
            other => CountUnit::Other(other),
        }
    }
}

/// One 算定回数 row.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FrequencyRule {
    pub code: Code,
    pub name: String,
    pub unit: FrequencyUnit,
    pub count: u32,
    /// 特例条件
    pub special: u8,
    pub period: Period,
    pub source: RowSource,
}

/// One 補助マスターテーブル row.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AuxiliaryRecord {
    pub code: Code,
    pub name: String,
    /// Three (包括単位, グループ番号) pairs; 包括単位 00 none, 01 1日, 02 同一月, 03 同時, 05 手術前1週間, 06 1手術.
    pub bundles: [(u8, String); 3],
    /// 背反 flags: 1日, 同一月, 同時, 1週.
    pub exclusion_flags: [bool; 4],
    /// 入院基本料識別
    pub inpatient_basic: u8,
    /// 算定回数 flag
    pub has_frequency: bool,
    pub period: Period,
    pub source: RowSource,
}

/// One 包括テーブル row.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct BundleRecord {
    pub group: String,
    pub code: Code,
    pub name: String,
    pub special: u8,
    pub period: Period,
    pub source: RowSource,
}

/// One 入院基本料テーブル row.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct InpatientBasicRecord {
    pub group: String,
    pub code: Code,
    pub name: String,
    /// 加算識別
    pub addition_id: u16,
    pub period: Period,
    pub source: RowSource,
}

/// The other codes of one code's 背反 rules: sorted, and a filter that answers "certainly
/// not among them" for most codes without a search. The filter has at least 16 bits per
/// distinct other code (one hash: about 6% of absent codes get through to the search), since
/// codes such as 初診料 have thousands of 背反 partners and a search of those misses the cache.
#[derive(Clone, Debug, Default)]
struct OtherCodes {
    /// log2 of the number of bits of `filter`.
    bits_log2: u32,
    filter: Vec<u64>,
    codes: Vec<u32>,
}

impl OtherCodes {
    fn bit(&self, code: u32) -> (usize, u64) {
        let h = code.wrapping_mul(0x9E37_79B1) >> (32 - self.bits_log2);
        ((h >> 6) as usize, 1u64 << (h & 63))
    }

    fn new(codes: Vec<u32>) -> OtherCodes {
        let distinct = 1 + codes.windows(2).filter(|w| w[0] != w[1]).count();
        // 16 bits a code, a power of two from 256 bits up (at most 2^32 bits).
        let bits_log2 = (distinct * 16)
            .next_power_of_two()
            .trailing_zeros()
            .clamp(8, 32);
        let mut o = OtherCodes {
            bits_log2,
            filter: vec![0u64; (1usize << bits_log2) / 64],
            codes,
        };
        for i in 0..o.codes.len() {
            let (w, b) = o.bit(o.codes[i]);
            o.filter[w] |= b;
        }
        o
    }

    fn may_contain(&self, code: u32) -> bool {
        let (w, b) = self.bit(code);
        self.filter.get(w).is_some_and(|x| x & b != 0)
    }
}

/// The 背反 rules of one code, sorted by the other code.
#[derive(Clone, Copy, Debug)]
pub struct ExclusionList<'a> {
    others: &'a OtherCodes,
    rules: &'a [ExclusionRule],
}

impl<'a> ExclusionList<'a> {
    /// The rules between this code and each code of `sorted` (ascending, without this
    /// code), in force on `date`, in the order of `sorted`.
    pub fn against<'s>(
        self,
        sorted: &'s [Code],
        date: NaiveDate,
    ) -> impl Iterator<Item = &'a ExclusionRule> + 's
    where
        'a: 's,
    {
        let others = &self.others.codes;
        let mut pos = 0;
        let mut next = sorted.iter();
        let mut current: std::ops::Range<usize> = 0..0;
        std::iter::from_fn(move || loop {
            if let Some(i) = current.next() {
                let r = &self.rules[i];
                if r.period.contains(date) {
                    return Some(r);
                }
                continue;
            }
            let other = next.next()?.0;
            if !self.others.may_contain(other) {
                continue;
            }
            pos += others[pos..].partition_point(|&o| o < other);
            let end = pos + others[pos..].iter().take_while(|&&o| o == other).count();
            current = pos..end;
            pos = end;
        })
    }

    /// The rules between this code and `other`, in force on `date`.
    pub fn with(self, other: Code, date: NaiveDate) -> impl Iterator<Item = &'a ExclusionRule> {
        let others = &self.others.codes;
        let start = others.partition_point(|&o| o < other.0);
        let end = start
            + others[start..]
                .iter()
                .take_while(|&&o| o == other.0)
                .count();
        self.rules[start..end]
            .iter()
            .filter(move |r| r.period.contains(date))
    }
}

/// All loaded 電子点数表 tables.
#[derive(Clone, Debug, Default)]
pub struct Tables {
    pub auxiliary: CodeMap<Vec<AuxiliaryRecord>>,
    pub bundles: Vec<BundleRecord>,
    /// 背反 rules indexed by both codes (each rule appears under ① and ②), sorted by the
    /// other code (call [`Tables::index_exclusions`] after changing them by hand).
    pub exclusions: CodeMap<Vec<ExclusionRule>>,
    /// For each code of `exclusions`: the other code of each rule, in the same order (a
    /// compact array to search instead of the rules themselves), and a filter of them.
    exclusion_others: CodeMap<OtherCodes>,
    pub inpatient_basic: Vec<InpatientBasicRecord>,
    pub frequency: CodeMap<Vec<FrequencyRule>>,
    /// Which tables are loaded, with the file each came from.
    pub loaded: Vec<(TableKind, String)>,
}

struct Cells<'a> {
    file: &'a str,
    line: usize,
    cells: &'a [String],
}

impl Cells<'_> {
    fn loc(&self, i: usize) -> Location {
        Location {
            file: self.file.into(),
            line: self.line,
            field: Some(i + 1),
            field_name: None,
        }
    }
    fn err(&self, i: usize, reason: impl Into<String>) -> LoadError {
        LoadError::Field {
            at: self.loc(i),
            value: self.cells[i].clone(),
            reason: reason.into(),
        }
    }
    fn code(&self, i: usize) -> Result<Code, LoadError> {
        Code::parse(&self.cells[i]).map_err(|e| self.err(i, e))
    }
    fn num<T: std::str::FromStr>(&self, i: usize) -> Result<T, LoadError> {
        let s = &self.cells[i];
        if s.is_empty() {
            return "0".parse().map_err(|_| self.err(i, "expected a number"));
        }
        if !s.bytes().all(|b| b.is_ascii_digit()) {
            return Err(self.err(i, "expected digits"));
        }
        s.parse().map_err(|_| self.err(i, "number out of range"))
    }
    fn date(&self, i: usize) -> Result<NaiveDate, LoadError> {
        parse_yyyymmdd(&self.cells[i]).map_err(|e| self.err(i, e))
    }
    fn end_date(&self, i: usize) -> Result<Option<NaiveDate>, LoadError> {
        match self.cells[i].as_str() {
            "" | "0" | "99999999" => Ok(None),
            _ => self.date(i).map(Some),
        }
    }
    fn period(&self, from: usize, to: usize) -> Result<Period, LoadError> {
        Ok(Period {
            from: self.date(from)?,
            to: self.end_date(to)?,
        })
    }
    fn flag(&self, i: usize) -> Result<bool, LoadError> {
        match self.cells[i].as_str() {
            "0" | "" => Ok(false),
            "1" => Ok(true),
            _ => Err(self.err(i, "expected 0 or 1")),
        }
    }
    fn change_kind(&self) -> Result<(), LoadError> {
        match self.cells[0].as_str() {
            "0" | "1" | "3" | "5" | "9" => Ok(()),
            _ => Err(self.err(0, "変更区分: expected one of 0, 1, 3, 5, 9")),
        }
    }
    fn source(&self) -> RowSource {
        RowSource {
            file: self.file.into(),
            line: self.line,
            verified: true,
        }
    }
}

impl Tables {
    /// Whether a table is loaded.
    pub fn has(&self, kind: TableKind) -> bool {
        self.loaded.iter().any(|(k, _)| *k == kind)
    }

    /// Load one table file (replacing that table). All-or-nothing.
    pub fn load(&mut self, kind: TableKind, file: &str, bytes: &[u8]) -> Result<usize, LoadError> {
        let rows = read_rows(file, bytes)?;
        let n = rows.len();
        let expected = kind.field_count();
        let mut staged = Tables::default();
        for row in &rows {
            if row.cells.len() != expected {
                return Err(LoadError::FieldCount {
                    at: Location {
                        file: file.into(),
                        line: row.line,
                        field: Some(row.cells.len().min(expected) + 1),
                        field_name: None,
                    },
                    found: row.cells.len(),
                    last: row.cells.last().cloned().unwrap_or_default(),
                    expected: format!("{expected} ({})", kind.label()),
                });
            }
            let c = Cells {
                file,
                line: row.line,
                cells: &row.cells,
            };
            c.change_kind()?;
            // 抹消 rows are not part of the table in force.
            if c.cells[0] == "1" {
                continue;
            }
            match kind {
                TableKind::Auxiliary => {
                    let rec = AuxiliaryRecord {
                        code: c.code(1)?,
                        name: c.cells[2].clone(),
                        bundles: [
                            (c.num(3)?, c.cells[4].clone()),
                            (c.num(5)?, c.cells[6].clone()),
                            (c.num(7)?, c.cells[8].clone()),
                        ],
                        exclusion_flags: [c.flag(9)?, c.flag(10)?, c.flag(11)?, c.flag(12)?],
                        inpatient_basic: c.num(20)?,
                        has_frequency: c.flag(21)?,
                        period: c.period(25, 26)?,
                        source: c.source(),
                    };
                    staged.auxiliary.entry(rec.code).or_default().push(rec);
                }
                TableKind::Bundle => staged.bundles.push(BundleRecord {
                    group: c.cells[1].clone(),
                    code: c.code(2)?,
                    name: c.cells[3].clone(),
                    special: c.num(4)?,
                    period: c.period(5, 6)?,
                    source: c.source(),
                }),
                TableKind::ExclusionSameDay
                | TableKind::ExclusionSameMonth
                | TableKind::ExclusionSameTime
                | TableKind::ExclusionWeek => {
                    let scope = kind.exclusion_scope().unwrap_or(ExclusionScope::Week);
                    let kind = match c.cells[5].as_str() {
                        "1" => ExclusionKind::FirstMay,
                        "2" => ExclusionKind::SecondMay,
                        "3" => ExclusionKind::Either,
                        _ => return Err(c.err(5, "背反区分: expected 1, 2 or 3")),
                    };
                    let rule = ExclusionRule {
                        scope,
                        first: c.code(1)?,
                        first_name: c.cells[2].clone(),
                        second: c.code(3)?,
                        second_name: c.cells[4].clone(),
                        kind,
                        special: c.num(6)?,
                        period: c.period(8, 9)?,
                        source: c.source(),
                    };
                    staged
                        .exclusions
                        .entry(rule.second)
                        .or_default()
                        .push(rule.clone());
                    staged.exclusions.entry(rule.first).or_default().push(rule);
                }
                TableKind::InpatientBasic => staged.inpatient_basic.push(InpatientBasicRecord {
                    group: c.cells[1].clone(),
                    code: c.code(2)?,
                    name: c.cells[3].clone(),
                    addition_id: c.num(4)?,
                    period: c.period(6, 7)?,
                    source: c.source(),
                }),
                TableKind::Frequency => {
                    let rec = FrequencyRule {
                        code: c.code(1)?,
                        name: c.cells[2].clone(),
                        unit: FrequencyUnit {
                            code: c.num(3)?,
                            name: c.cells[4].clone(),
                        },
                        count: c.num(5)?,
                        special: c.num(6)?,
                        period: c.period(12, 13)?,
                        source: c.source(),
                    };
                    staged.frequency.entry(rec.code).or_default().push(rec);
                }
            }
        }
        // Commit: replace the one table.
        match kind {
            TableKind::Auxiliary => self.auxiliary = staged.auxiliary,
            TableKind::Bundle => self.bundles = staged.bundles,
            TableKind::ExclusionSameDay
            | TableKind::ExclusionSameMonth
            | TableKind::ExclusionSameTime
            | TableKind::ExclusionWeek => {
                let scope = kind.exclusion_scope().unwrap_or(ExclusionScope::Week);
                for v in self.exclusions.values_mut() {
                    v.retain(|r| r.scope != scope);
                }
                for (code, rules) in staged.exclusions {
                    self.exclusions.entry(code).or_default().extend(rules);
                }
            }
            TableKind::InpatientBasic => self.inpatient_basic = staged.inpatient_basic,
            TableKind::Frequency => self.frequency = staged.frequency,
        }
        if kind.exclusion_scope().is_some() {
            self.index_exclusions();
        }
        self.loaded.retain(|(k, _)| *k != kind);
        self.loaded.push((kind, file.to_string()));
        self.loaded.sort();
        Ok(n)
    }

    /// 算定回数 rules for a code in force on a date.
    pub fn frequency_on(
        &self,
        code: Code,
        date: NaiveDate,
    ) -> impl Iterator<Item = &FrequencyRule> {
        self.frequency
            .get(&code)
            .into_iter()
            .flatten()
            .filter(move |r| r.period.contains(date))
    }

    /// Sort each code's 背反 rules by the other code, so [`Tables::exclusions_between`] can
    /// find a pair without scanning. Call after changing `exclusions` by hand.
    pub fn index_exclusions(&mut self) {
        self.exclusion_others.clear();
        for (code, rules) in self.exclusions.iter_mut() {
            let key = *code;
            let other_of = |r: &ExclusionRule| if r.first == key { r.second } else { r.first };
            rules.sort_by_key(other_of);
            self.exclusion_others.insert(
                key,
                OtherCodes::new(rules.iter().map(|r| other_of(r).0).collect()),
            );
        }
    }

    /// The 背反 rules of one code, to look up against other codes.
    pub fn exclusion_list(&self, code: Code) -> Option<ExclusionList<'_>> {
        let rules = self.exclusions.get(&code)?;
        let others = self.exclusion_others.get(&code)?;
        (others.codes.len() == rules.len()).then_some(ExclusionList { others, rules })
    }

    /// 背反 rules between two codes, in force on a date (the rules indexed under `code`).
    pub fn exclusions_between(
        &self,
        code: Code,
        other: Code,
        date: NaiveDate,
    ) -> impl Iterator<Item = &ExclusionRule> {
        self.exclusion_list(code)
            .into_iter()
            .flat_map(move |l| l.with(other, date))
    }

    /// 背反 rules that involve a code, in force on a date.
    pub fn exclusions_on(
        &self,
        code: Code,
        date: NaiveDate,
    ) -> impl Iterator<Item = &ExclusionRule> {
        self.exclusions
            .get(&code)
            .into_iter()
            .flatten()
            .filter(move |r| r.period.contains(date))
    }
}
