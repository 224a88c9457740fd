//! 医科電子点数表 — the official tables that say how codes combine (補助, 包括, 背反 1–4,
//! 入院基本料, 算定回数), typed and dated by their 新設/廃止 dates.
//!
//! Layouts: `specs/denshi-tensuhyo-guide-ika-R06.txt` §4–§5 (and official-files.md; 02 and
//! 03-1: `specs/tensuhyo-02-03-1-layout.md`). A table not loaded is recorded as absent, so the
//! engine can say plainly that a check did not run. 03-1 (１日につき) feeds the same 背反 lookup
//! as 03-2..03-4 ([`ExclusionScope::SameDay`]); 02 joins the parents' 01 (包括単位,
//! グループ番号) pairs: [`Tables::included_in`] (a parent's groups and children) and
//! [`Tables::including`] (a child's parents).
//!
//! Invariants: a table is replaced whole when loaded; a failed load leaves the old one; every
//! row error names the file, the line, the field (number and published name) and the value.

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
    /// 特例条件: 1 when the 背反 has a special condition (the row alone does not decide), 0
    /// otherwise (checked to be 0 or 1 when an official file is read).
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
    /// 132 入院初日: the first day of the stay (its 起算日).
    StayFirstDay,
    /// 133 入院中: the stay from its 起算日.
    DuringStay,
    /// 134 退院時: the day of discharge.
    AtDischarge,
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
            132 => CountUnit::StayFirstDay,
            133 => CountUnit::DuringStay,
            134 => CountUnit::AtDischarge,
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

/// 包括単位 — over which period a parent includes the children of a 包括・被包括 group (01
/// fields 4, 6, 8; the guide §5 (1): 00 関連なし, 01 １日につき, 02 同一月内, 03 同時, 05
/// 手術前１週間, 06 １手術につき).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BundleUnit {
    /// 01 １日につき
    Day,
    /// 02 同一月内
    Month,
    /// 03 同時
    SameTime,
    /// 05 手術前１週間
    WeekBeforeSurgery,
    /// 06 １手術につき
    PerSurgery,
}

impl BundleUnit {
    /// The unit of a 包括単位 value; `Ok(None)` for 00 (関連なし).
    pub fn from_value(v: u8) -> Result<Option<BundleUnit>, String> {
        Ok(Some(match v {
            0 => return Ok(None),
            1 => BundleUnit::Day,
            2 => BundleUnit::Month,
            3 => BundleUnit::SameTime,
            5 => BundleUnit::WeekBeforeSurgery,
            6 => BundleUnit::PerSurgery,
            _ => return Err("包括単位: expected 00, 01, 02, 03, 05 or 06".into()),
        }))
    }

    pub fn label(&self) -> &'static str {
        match self {
            BundleUnit::Day => "１日につき",
            BundleUnit::Month => "同一月内",
            BundleUnit::SameTime => "同時",
            BundleUnit::WeekBeforeSurgery => "手術前１週間",
            BundleUnit::PerSurgery => "１手術につき",
        }
    }
}

/// One (包括単位, グループ番号) pair of a 01 row that is set.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct BundleLink {
    pub unit: BundleUnit,
    /// グループ番号 (英数 1–7, e.g. "D324001"): the 02 rows of this group are the children.
    pub group: String,
}

/// One 補助マスターテーブル row.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AuxiliaryRecord {
    pub code: Code,
    pub name: String,
    /// The 包括・被包括 pairs ①–③ that are set (包括単位 ≠ 00), in order.
    pub bundles: Vec<BundleLink>,
    /// 背反 flags: 1日, 同一月, 同時, 1週.
    pub exclusion_flags: [bool; 4],
    /// 入院基本料識別 (field 20 of 01: the 04入院基本料テーブル group of the 入院基本料 code, 0 for
    /// none).
    pub inpatient_basic: u16,
    /// 算定回数 flag
    pub has_frequency: bool,
    pub period: Period,
    pub source: RowSource,
}

/// One 包括テーブル row: a child `code` of the 包括・被包括 group `group`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct BundleRecord {
    pub group: String,
    pub code: Code,
    pub name: String,
    /// 特例条件: true when the inclusion has a special condition (read the 告示/通知).
    pub special: bool,
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

/// One group a parent includes: its 包括単位 and the child rows in force.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct IncludedGroup<'a> {
    pub unit: BundleUnit,
    pub group: &'a str,
    pub children: Vec<&'a BundleRecord>,
}

/// One parent that includes a child: the parent's code, the 包括単位, the group and the 02 row.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Including<'a> {
    pub parent: Code,
    pub unit: BundleUnit,
    pub group: &'a str,
    pub row: &'a BundleRecord,
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
    /// 02 rows, in file order (see [`Tables::included_in`] and [`Tables::including`]).
    pub bundles: Vec<BundleRecord>,
    /// グループ番号 → the indices of its 02 rows (built by [`Tables::index_bundles`]).
    bundle_groups: std::collections::HashMap<String, Vec<usize>>,
    /// Child code → the indices of its 02 rows.
    bundle_children: CodeMap<Vec<usize>>,
    /// グループ番号 → the 01 parents that name it (code, the 01 row's index in its list).
    bundle_parents: std::collections::HashMap<String, Vec<(Code, usize)>>,
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
    kind: TableKind,
    file: &'a str,
    line: usize,
    cells: &'a [String],
}

/// The length of a text in Shift_JIS (CP932) bytes: ASCII and half-width katakana take one
/// byte, every other character two (the layouts give 漢字 fields as a byte maximum).
pub fn cp932_len(s: &str) -> usize {
    s.chars()
        .map(|c| {
            if c.is_ascii() || ('\u{FF61}'..='\u{FF9F}').contains(&c) {
                1
            } else {
                2
            }
        })
        .sum()
}

impl TableKind {
    /// The published name of a field (0-based index), as in the guide §5.
    pub fn field_name(&self, i: usize) -> Option<&'static str> {
        const AUX: [&str; 27] = [
            "変更区分",
            "診療行為コード",
            "診療行為省略名称",
            "包括単位①",
            "グループ番号①",
            "包括単位②",
            "グループ番号②",
            "包括単位③",
            "グループ番号③",
            "背反関連識別（１日につき）",
            "背反関連識別（同一月内）",
            "背反関連識別（同時）",
            "背反関連識別（１週間につき）",
            "予備",
            "予備",
            "予備",
            "予備",
            "予備",
            "予備",
            "入院基本料識別",
            "算定回数関連",
            "予備",
            "予備",
            "予備",
            "予備",
            "新設年月日",
            "廃止年月日",
        ];
        const BUNDLE: [&str; 7] = [
            "変更区分",
            "グループ番号",
            "診療行為コード",
            "診療行為省略名称",
            "特例条件",
            "新設年月日",
            "廃止年月日",
        ];
        const EXCL: [&str; 10] = [
            "変更区分",
            "診療行為コード①",
            "診療行為省略名称①",
            "診療行為コード②",
            "診療行為省略名称②",
            "背反区分",
            "特例条件",
            "予備",
            "新設年月日",
            "廃止年月日",
        ];
        match self {
            TableKind::Auxiliary => AUX.get(i).copied(),
            TableKind::Bundle => BUNDLE.get(i).copied(),
            TableKind::ExclusionSameDay
            | TableKind::ExclusionSameMonth
            | TableKind::ExclusionSameTime
            | TableKind::ExclusionWeek => EXCL.get(i).copied(),
            _ => None,
        }
    }
}

impl Cells<'_> {
    fn loc(&self, i: usize) -> Location {
        Location {
            file: self.file.into(),
            line: self.line,
            field: Some(i + 1),
            field_name: self.kind.field_name(i),
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
        let p = Period {
            from: self.date(from)?,
            to: self.end_date(to)?,
        };
        if p.to.is_some_and(|t| t < p.from) {
            return Err(self.err(to, format!("廃止年月日 is before 新設年月日 {}", p.from)));
        }
        Ok(p)
    }
    /// A 漢字 name of at most 64 bytes (32 full-width characters).
    fn name(&self, i: usize) -> Result<String, LoadError> {
        let s = &self.cells[i];
        if cp932_len(s) > 64 {
            return Err(self.err(
                i,
                format!("name is {} bytes in Shift_JIS, at most 64", cp932_len(s)),
            ));
        }
        Ok(s.clone())
    }
    /// A 1-digit flag that must be 0 or 1 (特例条件).
    fn flag01(&self, i: usize) -> Result<bool, LoadError> {
        match self.cells[i].as_str() {
            "0" => Ok(false),
            "1" => Ok(true),
            _ => Err(self.err(i, "expected 0 or 1")),
        }
    }
    /// 予備: always "0".
    fn reserved(&self, i: usize) -> Result<(), LoadError> {
        match self.cells[i].as_str() {
            "0" => Ok(()),
            _ => Err(self.err(i, "予備: expected 0")),
        }
    }
    /// グループ番号: 1 to 7 half-width alphanumerics.
    fn group(&self, i: usize) -> Result<String, LoadError> {
        let s = &self.cells[i];
        if s.is_empty() || s.len() > 7 || !s.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return Err(self.err(
                i,
                "グループ番号: expected 1 to 7 half-width letters or digits",
            ));
        }
        Ok(s.clone())
    }
    /// One (包括単位, グループ番号) pair of 01 (the unit at `i`, the group at `i + 1`).
    fn bundle_link(&self, i: usize) -> Result<Option<BundleLink>, LoadError> {
        let unit = BundleUnit::from_value(self.num(i)?).map_err(|e| self.err(i, e))?;
        match unit {
            None => match self.cells[i + 1].as_str() {
                "" | "0" => Ok(None),
                _ => Err(self.err(i + 1, "グループ番号 given while 包括単位 is 00 (関連なし)")),
            },
            Some(unit) => Ok(Some(BundleLink {
                unit,
                group: self.group(i + 1)?,
            })),
        }
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
                kind,
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
                        name: c.name(2)?,
                        bundles: [c.bundle_link(3)?, c.bundle_link(5)?, c.bundle_link(7)?]
                            .into_iter()
                            .flatten()
                            .collect(),
                        exclusion_flags: [c.flag(9)?, c.flag(10)?, c.flag(11)?, c.flag(12)?],
                        inpatient_basic: c.num(19)?,
                        has_frequency: c.flag(20)?,
                        period: c.period(25, 26)?,
                        source: c.source(),
                    };
                    staged.auxiliary.entry(rec.code).or_default().push(rec);
                }
                TableKind::Bundle => staged.bundles.push(BundleRecord {
                    group: c.group(1)?,
                    code: c.code(2)?,
                    name: c.name(3)?,
                    special: c.flag01(4)?,
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
                    c.reserved(7)?;
                    let rule = ExclusionRule {
                        scope,
                        first: c.code(1)?,
                        first_name: c.name(2)?,
                        second: c.code(3)?,
                        second_name: c.name(4)?,
                        kind,
                        special: u8::from(c.flag01(6)?),
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
        if matches!(kind, TableKind::Auxiliary | TableKind::Bundle) {
            self.index_bundles();
        }
        self.loaded.retain(|(k, _)| *k != kind);
        self.loaded.push((kind, file.to_string()));
        support::sort::sort(&mut self.loaded);
        Ok(n)
    }

    /// Rebuild the 包括 lookups from `auxiliary` and `bundles` (call after changing them by
    /// hand; loading does it).
    pub fn index_bundles(&mut self) {
        self.bundle_groups.clear();
        self.bundle_children.clear();
        self.bundle_parents.clear();
        for (i, b) in self.bundles.iter().enumerate() {
            self.bundle_groups
                .entry(b.group.clone())
                .or_default()
                .push(i);
            self.bundle_children.entry(b.code).or_default().push(i);
        }
        for (code, recs) in &self.auxiliary {
            for (k, rec) in recs.iter().enumerate() {
                for link in &rec.bundles {
                    let v = self.bundle_parents.entry(link.group.clone()).or_default();
                    if !v.contains(&(*code, k)) {
                        v.push((*code, k));
                    }
                }
            }
        }
        for v in self.bundle_parents.values_mut() {
            support::sort::sort(v);
        }
    }

    /// 包括: the groups a parent code includes on `date` — for each (包括単位, グループ番号)
    /// pair of the parent's 01 row in force, the 02 rows of that group in force. Empty when the
    /// parent includes nothing, or when 01 or 02 is not loaded (check [`Tables::has`]).
    pub fn included_in(&self, parent: Code, date: NaiveDate) -> Vec<IncludedGroup<'_>> {
        let Some(aux) = self
            .auxiliary
            .get(&parent)
            .and_then(|v| v.iter().find(|a| a.period.contains(date)))
        else {
            return Vec::new();
        };
        aux.bundles
            .iter()
            .map(|link| IncludedGroup {
                unit: link.unit,
                group: &link.group,
                children: self
                    .bundle_groups
                    .get(&link.group)
                    .into_iter()
                    .flatten()
                    .map(|&i| &self.bundles[i])
                    .filter(|b| b.period.contains(date))
                    .collect(),
            })
            .collect()
    }

    /// 被包括: the parents that include `child` on `date`, with the 包括単位 and the group
    /// (each 02 row of the child in force, joined with the 01 parents in force naming its
    /// group). Sorted by parent code.
    pub fn including(&self, child: Code, date: NaiveDate) -> Vec<Including<'_>> {
        let mut out = Vec::new();
        for &i in self.bundle_children.get(&child).into_iter().flatten() {
            let row = &self.bundles[i];
            if !row.period.contains(date) {
                continue;
            }
            for &(parent, k) in self.bundle_parents.get(&row.group).into_iter().flatten() {
                let Some(aux) = self.auxiliary.get(&parent).and_then(|v| v.get(k)) else {
                    continue;
                };
                if !aux.period.contains(date) {
                    continue;
                }
                for link in aux.bundles.iter().filter(|l| l.group == row.group) {
                    out.push(Including {
                        parent,
                        unit: link.unit,
                        group: &row.group,
                        row,
                    });
                }
            }
        }
        support::sort::sort_by_key(&mut out, |x| (x.parent, x.group));
        out
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
            support::sort::sort_by_key(rules, other_of);
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
