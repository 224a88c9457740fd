//! The outpatient receipt's rules as data (`data/receipt/*.toml`): the contract between the
//! rule files and the engine that prices a receipt line by line.
//!
//! A rule file holds named, dated code sets (`[[set]]`) and rules of a few general kinds that
//! refer to them: まるめ (`[[bundle]]`), 包括 (`[[inclusion]]`), 逓減 (`[[taper]]`), a code that
//! needs another (`[[requires]]`), codes not claimed together (`[[conflicts]]`), a code not
//! within a period after another (`[[not_within]]`), an automatic add-on replaced by a claimed
//! code (`[[replaces]]`) and add-ons valid only at certain times (`[[time]]`). What each kind
//! means — exactly what the engine must do — is `data/receipt/README.md`.
//!
//! Invariants (checked at load; a file that breaks one is refused whole, with the file, the
//! rule id and the field): every referenced set id exists and covers the whole period of the
//! rule that names it; codes are 9 digits; dates are valid and `from ≤ to`; step thresholds
//! are ordered and do not overlap; unknown kinds and fields are errors; every set and rule has
//! a non-empty `source`; ids are unique (a set id may have several versions for disjoint
//! periods). Lookups by code are built once at load ([`ReceiptRules::sets_of`],
//! [`ReceiptRules::rules_of`]): a few hash lookups per line, whatever the number of rules.
//! Nothing numeric of the fee rules lives in this code.

pub mod apply;
mod check;
mod index;
mod kubun;
pub mod semantics;
mod set_name;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

pub use index::{RuleKind, RuleRef};
pub use kubun::KubunPattern;
pub use semantics::{time_holds, FacilityHours, TimeCheck};
pub use set_name::SetName;

/// The embedded receipt rule files (name, text): written in TOML (`data/receipt/`), embedded
/// as JSON (converted by `build.rs`).
pub static EMBEDDED: &[(&str, &str)] = include!(concat!(env!("OUT_DIR"), "/embedded_receipt.rs"));

/// The texts in use: [`EMBEDDED`], or with the feature `fetched-data` the group `rules/receipt`
/// given at run time ([`support::fetched`]).
pub fn embedded_texts() -> &'static [(&'static str, &'static str)] {
    #[cfg(feature = "fetched-data")]
    return support::fetched::group("rules/receipt");
    #[cfg(not(feature = "fetched-data"))]
    EMBEDDED
}

/// What a code is, by its first digit (基本マスターのコード体系: 1 医科診療行為, 6 医薬品,
/// 7 特定器材, 8 コメント).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum CodeKind {
    /// 医科診療行為 (1xxxxxxxx)
    Procedure,
    /// 医薬品 (6xxxxxxxx)
    Drug,
    /// 特定器材 (7xxxxxxxx)
    Device,
    /// コメント (8xxxxxxxx)
    Comment,
    /// Any other first digit.
    Other,
}

impl CodeKind {
    /// The kind of a 9-digit code, by its first digit.
    pub fn of(code: u32) -> CodeKind {
        match code / 100_000_000 {
            1 => CodeKind::Procedure,
            6 => CodeKind::Drug,
            7 => CodeKind::Device,
            8 => CodeKind::Comment,
            _ => CodeKind::Other,
        }
    }
}

/// What the engine knows of one claim line, for set membership: the code, the procedure
/// master's fields that sets may select on (zero/empty for drugs, devices and codes the
/// master does not hold), and the 診療識別 of the item the line is in.
///
/// Field → 医科診療行為マスター 項番 (マスターファイル仕様説明書 R06, `masters::procedure`):
/// `alpha` 85 コード表用番号（アルファベット部）, `section` 92 区分番号, `branch` 93 枝番,
/// `item` 94 項番, `bundled_test` 16 包括対象検査, `outpatient_mgmt` 56 外来管理加算区分,
/// `time_addition` 43 時間加算区分, `notice_class2` 69 告示等識別区分（２）,
/// `test_judgement` 50 検査等実施判断区分, `test_judgement_group` 51 検査等実施判断グループ区分,
/// `tapering` 52 逓減対象区分, `bundled_tapering` 63 包括逓減区分.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct LineFacts<'a> {
    pub code: u32,
    pub alpha: &'a str,
    pub section: u16,
    pub branch: u8,
    pub item: u16,
    pub bundled_test: u8,
    pub outpatient_mgmt: u8,
    pub time_addition: u8,
    pub notice_class2: u8,
    pub test_judgement: u8,
    pub test_judgement_group: u16,
    pub tapering: u8,
    pub bundled_tapering: u16,
    /// 診療識別 of the item (剤) the line is in ("21", "60" …), when the claim gives one.
    pub shikibetsu: Option<&'a str>,
}

impl<'a> LineFacts<'a> {
    /// Facts of a code the procedure master does not describe (a drug, a device, a comment).
    pub fn code_only(code: u32) -> LineFacts<'a> {
        LineFacts {
            code,
            ..LineFacts::default()
        }
    }
}

/// `[coverage]` — the dates the receipt rules describe.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Coverage {
    pub from: NaiveDate,
    #[serde(default)]
    pub to: Option<NaiveDate>,
    pub source: String,
}

/// `[[set]]` — a named set of codes, in force for a period. Several versions of one id may
/// exist for disjoint periods (codes differ between revisions); a rule uses the version in
/// force on the date of service.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct CodeSet {
    pub id: String,
    pub name: String,
    pub from: NaiveDate,
    #[serde(default)]
    pub to: Option<NaiveDate>,
    /// Codes, 9 digits each.
    #[serde(default)]
    pub codes: Vec<String>,
    /// 告示区分 patterns (see [`KubunPattern`]): `D`, `D007`, `D006-2`, `D007:1-8`, `J000:1`.
    #[serde(default)]
    pub kubun: Vec<String>,
    /// 包括対象検査 values (項番16).
    #[serde(default)]
    pub bundled_test: Vec<u8>,
    /// 診療識別 of the item the line is in.
    #[serde(default)]
    pub sections: Vec<String>,
    /// 外来管理加算区分 values (項番56).
    #[serde(default)]
    pub outpatient_mgmt: Vec<u8>,
    /// 時間加算区分 values (項番43) of add-on items (告示等識別区分（２）= 7).
    #[serde(default)]
    pub time_addition: Vec<u8>,
    /// 検査等実施判断区分 values (項番50).
    #[serde(default)]
    pub test_judgement: Vec<u8>,
    /// 検査等実施判断グループ区分 values (項番51).
    #[serde(default)]
    pub test_judgement_group: Vec<u16>,
    /// 逓減対象区分 values (項番52).
    #[serde(default)]
    pub tapering: Vec<u8>,
    /// Code kinds by first digit.
    #[serde(default)]
    pub code_kinds: Vec<CodeKind>,
    /// Other sets whose members are members of this one.
    #[serde(default)]
    pub union: Vec<String>,
    /// A member must also be in one of these sets.
    #[serde(default)]
    pub within: Vec<String>,
    /// A code in one of these sets is not a member.
    #[serde(default)]
    pub except: Vec<String>,
    /// True when the explicit codes are not confirmed by an official master for the period.
    #[serde(default)]
    pub unverified: bool,
    /// The explicit codes are confirmed by an official master for dates up to this one; on a
    /// later date they are used unconfirmed (a new revision whose master is not at hand).
    #[serde(default)]
    pub codes_confirmed_through: Option<NaiveDate>,
    pub source: String,
    #[serde(default)]
    pub note: Option<String>,
}

/// The time frame a rule looks at.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    /// The lines of this claim (one visit).
    Claim,
    /// This claim and the history lines of the same date of service.
    Day,
    /// This claim and the history lines of the same calendar month.
    Month,
}

/// One step of a まるめ: `min` to `max` items (inclusive; no `max` = and more) are worth
/// `points` together.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Step {
    pub min: u32,
    #[serde(default)]
    pub max: Option<u32>,
    #[serde(with = "rust_decimal::serde::str")]
    pub points: Decimal,
}

/// An addition to a まるめ group (入院時初回加算): `points` once, in the setting given.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct BundleAddition {
    pub name: String,
    #[serde(default)]
    pub code: Option<String>,
    #[serde(with = "rust_decimal::serde::str")]
    pub points: Decimal,
    /// `inpatient` or `outpatient`.
    pub setting: String,
    pub source: String,
}

/// `[[bundle]]` — まるめ: the member lines in scope are priced together by their number.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Bundle {
    pub id: String,
    pub name: String,
    pub from: NaiveDate,
    #[serde(default)]
    pub to: Option<NaiveDate>,
    pub members: SetName,
    /// `day` (one specimen a day unless the lines say otherwise) or `month`.
    pub scope: Scope,
    #[serde(default)]
    pub steps: Vec<Step>,
    /// At most this many items are charged.
    #[serde(default)]
    pub max_items: Option<u32>,
    /// The group is worth at most this many points.
    #[serde(default, with = "rust_decimal::serde::str_option")]
    pub max_points: Option<Decimal>,
    #[serde(default)]
    pub addition: Option<BundleAddition>,
    pub source: String,
    #[serde(default)]
    pub note: Option<String>,
}

/// What happens to a line a fee includes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InclusionEffect {
    /// 「所定点数に含まれる」: priced 0, with the reason.
    Zero,
    /// 「算定できない」: an error of the claim.
    Refuse,
}

/// `[[inclusion]]` — 包括: a fee (`by`) includes the lines of `includes` (less `except`).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Inclusion {
    pub id: String,
    pub name: String,
    pub from: NaiveDate,
    #[serde(default)]
    pub to: Option<NaiveDate>,
    pub by: SetName,
    pub includes: Vec<SetName>,
    #[serde(default)]
    pub except: Vec<SetName>,
    pub scope: Scope,
    pub effect: InclusionEffect,
    /// 「急性増悪時に実施した…所定点数が N 点未満のものに限り」: a line marked `acute` whose
    /// points are at least this is not included (an unmarked one is, and the engine says it
    /// cannot check).
    #[serde(default, with = "rust_decimal::serde::str_option")]
    pub acute_points_from: Option<Decimal>,
    pub source: String,
    #[serde(default)]
    pub note: Option<String>,
}

/// How a 逓減 counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TaperMode {
    /// Films of one line (同一部位・同時・同一方法): the first in full, the next ones up to
    /// `reduced_upto` at `rate`, later ones not charged.
    Films,
    /// 同一部位・同時 2以上の撮影: the first line of a part in full, the others at `rate`.
    SamePart,
    /// The n-th time in a calendar month (`from_nth` on) at `rate`.
    MonthRepeat,
    /// 多剤投与: 内服薬 of one 処方 counted by kind; at `threshold` kinds their 薬剤料 at `rate`.
    DrugKinds,
    /// 同日2科目: the second department's fee.
    SecondDepartment,
}

/// What `month_repeat` counts as "the same test".
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GroupBy {
    /// The same code.
    Code,
    /// Any member of the set.
    Set,
    /// The same 包括逓減区分 (項番63); a member whose value is 0 is grouped by its code.
    BundledTapering,
}

/// A named rounding of points (1点未満の端数).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Rounding {
    /// 四捨五入: .5 and above up, below .5 down (never banker's rounding).
    HalfUp,
}

/// A rate `numerator/denominator` (e.g. "50/100" for 100分の50).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Rate {
    pub numerator: u32,
    pub denominator: u32,
}

impl TryFrom<String> for Rate {
    type Error = String;
    fn try_from(s: String) -> Result<Rate, String> {
        let (n, d) = s
            .split_once('/')
            .ok_or_else(|| format!("rate {s:?} is not numerator/denominator"))?;
        let parse = |t: &str| {
            t.trim()
                .parse::<u32>()
                .map_err(|_| format!("rate {s:?} is not numerator/denominator"))
        };
        let (numerator, denominator) = (parse(n)?, parse(d)?);
        if denominator == 0 || numerator > denominator {
            return Err(format!(
                "rate {s:?}: expected 0 ≤ numerator ≤ denominator, denominator > 0"
            ));
        }
        Ok(Rate {
            numerator,
            denominator,
        })
    }
}

impl From<Rate> for String {
    fn from(r: Rate) -> String {
        format!("{}/{}", r.numerator, r.denominator)
    }
}

impl Rate {
    /// `points × rate`, exact (no rounding).
    pub fn apply(&self, points: Decimal) -> Decimal {
        points * Decimal::from(self.numerator) / Decimal::from(self.denominator)
    }
}

impl Rounding {
    /// Round points to whole points by this rule.
    pub fn round(&self, points: Decimal) -> Decimal {
        match self {
            Rounding::HalfUp => points
                .round_dp_with_strategy(0, rust_decimal::RoundingStrategy::MidpointAwayFromZero),
        }
    }
}

/// `[[taper]]` — 逓減: member lines priced at a rate by how often or how many.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Taper {
    pub id: String,
    pub name: String,
    pub from: NaiveDate,
    #[serde(default)]
    pub to: Option<NaiveDate>,
    pub mode: TaperMode,
    pub members: SetName,
    /// The rate of the tapered part (`second_department` has none: its fee is a code).
    #[serde(default)]
    pub rate: Option<Rate>,
    #[serde(default)]
    pub rounding: Option<Rounding>,
    /// `films`: the last film charged at `rate` (later ones are not charged).
    #[serde(default)]
    pub reduced_upto: Option<u32>,
    /// `month_repeat`: what counts as the same test.
    #[serde(default)]
    pub group_by: Option<GroupBy>,
    /// `month_repeat`: the first occurrence charged at `rate` (2 = the second and later).
    #[serde(default)]
    pub from_nth: Option<u32>,
    /// `month_repeat`: lines of these sets earlier in the month count as occurrences but are
    /// not tapered themselves.
    #[serde(default)]
    pub also_counts: Vec<SetName>,
    /// The master code a receipt uses to state the reduction (e.g. 検査逓減), if any.
    #[serde(default)]
    pub marker_code: Option<String>,
    /// `drug_kinds`: the number of kinds from which the rate applies.
    #[serde(default)]
    pub threshold: Option<u32>,
    /// `drug_kinds`: a 剤 whose price per 所定単位 is at most this (yen) counts as one kind.
    #[serde(default, with = "rust_decimal::serde::str_option")]
    pub single_kind_price_max: Option<Decimal>,
    /// `drug_kinds`: a 剤 marked temporary of at most this many days is not counted.
    #[serde(default)]
    pub temporary_days_max: Option<u32>,
    /// The taper does not apply when a line of one of these sets is on the claim.
    #[serde(default)]
    pub unless: Vec<SetName>,
    /// `drug_kinds`: the fee codes to claim when the threshold is reached …
    #[serde(default)]
    pub with_fee: Option<SetName>,
    /// … and the ones to claim when it is not.
    #[serde(default)]
    pub without_fee: Option<SetName>,
    /// `second_department`: the second department's fee codes.
    #[serde(default)]
    pub second: Option<SetName>,
    /// `second_department`: add-ons not claimed for the second department.
    #[serde(default)]
    pub not_with: Vec<SetName>,
    pub source: String,
    #[serde(default)]
    pub note: Option<String>,
}

/// What a broken `requires`/`conflicts`/`not_within`/`time` rule does.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Effect {
    /// An error of the claim (the line is refused).
    Error,
    /// A warning (「原則として認められない」 and the like): the line stays priced.
    Warn,
    /// An automatic add-on is not added (a claimed one is an error).
    DropAuto,
    /// 「…に含まれる」: the line is priced 0 with the reason (`not_within` only).
    Zero,
}

/// A master field two lines must share (`requires.same`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SameField {
    /// 検査等実施判断グループ区分 (項番51).
    TestJudgementGroup,
}

impl SameField {
    /// The field's value on a line.
    pub fn value(&self, f: &LineFacts) -> u32 {
        match self {
            SameField::TestJudgementGroup => u32::from(f.test_judgement_group),
        }
    }
}

/// `[[requires]]` — a line of `code` needs a line of one of `needs` in scope.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Requires {
    pub id: String,
    pub name: String,
    pub from: NaiveDate,
    #[serde(default)]
    pub to: Option<NaiveDate>,
    pub code: SetName,
    pub needs: Vec<SetName>,
    /// The needed line must have the same value of this master field as the line of `code`.
    #[serde(default)]
    pub same: Option<SameField>,
    pub scope: Scope,
    pub effect: Effect,
    pub source: String,
    #[serde(default)]
    pub note: Option<String>,
}

/// `[[conflicts]]` — a line of `a` is not claimed with a line of `b` in scope.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Conflicts {
    pub id: String,
    pub name: String,
    pub from: NaiveDate,
    #[serde(default)]
    pub to: Option<NaiveDate>,
    pub a: SetName,
    pub b: SetName,
    pub scope: Scope,
    pub effect: Effect,
    pub source: String,
    #[serde(default)]
    pub note: Option<String>,
}

/// How `not_within` measures its period.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PeriodKind {
    /// 「起算して１か月を経過した日以降」: allowed from the same day of the month `months`
    /// later (the 1st of the month after, when that day does not exist).
    MonthElapsed,
    /// 「翌月の１日以降」: allowed from the 1st of the month `months` after.
    NextMonthFirst,
    /// 「…を算定した日の属する月から起算して N 月以内」: refused in months 1..=N, the month
    /// of the earlier line being month 1.
    MonthsCounted,
    /// 「…を算定した日の属する月」: refused in the same calendar month (`months` = 1).
    SameMonth,
}

/// The period of a `not_within` rule.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Period {
    pub kind: PeriodKind,
    pub months: u32,
    /// `month_elapsed`: when the first allowed day is a 休日, the last day before it that is
    /// not a 休日 is allowed as well.
    #[serde(default)]
    pub holiday_back: bool,
    /// `month_elapsed`: when the first allowed day is the 1st of the second month after, the
    /// last day of the next month is allowed as well (or the day before it, when it is a 休日).
    #[serde(default)]
    pub month_end_back: bool,
}

/// `[[not_within]]` — a line of `code` is not claimed within `period` of a line of `after`
/// (in this claim or the history).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct NotWithin {
    pub id: String,
    pub name: String,
    pub from: NaiveDate,
    #[serde(default)]
    pub to: Option<NaiveDate>,
    pub code: SetName,
    pub after: SetName,
    pub period: Period,
    pub effect: Effect,
    /// Facts the rule also depends on that santei's input may not give (e.g. a discharge).
    #[serde(default)]
    pub also_after: Vec<String>,
    pub source: String,
    #[serde(default)]
    pub note: Option<String>,
}

/// `[[replaces]]` — an automatic add-on of `auto` is not added when a line of `by` is claimed
/// with the same base item; claimed together, the `auto` line is an error.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Replaces {
    pub id: String,
    pub name: String,
    pub from: NaiveDate,
    #[serde(default)]
    pub to: Option<NaiveDate>,
    pub auto: SetName,
    pub by: SetName,
    pub scope: Scope,
    pub source: String,
    #[serde(default)]
    pub note: Option<String>,
}

/// The time a `time` rule's codes need.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TimeClass {
    /// 休日 (the calendar's rule,深夜 excluded).
    Holiday,
    /// 深夜: 22:00–6:00.
    Night,
    /// 時間外: outside the facility's hours (標準: before 8:00, from 18:00, Saturday from 12:00),
    /// not 深夜, not 休日.
    Overtime,
    /// 夜間 (別に定める時間): the standard off-hours (before 8:00, from 18:00, Saturday from
    /// 12:00), not 深夜, not 休日.
    Evening,
    /// 夜間・早朝等: 18:00 (Saturday 12:00) – 8:00, 休日 or 深夜, inside the facility's hours.
    EveningEarly,
}

/// `[[time]]` — the codes of `codes` are claimed only at the time `when` says.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct TimeRule {
    pub id: String,
    pub name: String,
    pub from: NaiveDate,
    #[serde(default)]
    pub to: Option<NaiveDate>,
    pub codes: SetName,
    pub when: TimeClass,
    /// The 休日 rule of the calendar to use (`rules/data/calendar/holidays.toml`).
    #[serde(default = "standard_holiday_rule")]
    pub holiday_rule: String,
    /// `inside` / `outside` the facility's displayed hours (`facility.hours`), when the rule
    /// depends on them.
    #[serde(default)]
    pub hours: Option<HoursCondition>,
    /// Only for this kind of facility (`clinic`, `hospital`).
    #[serde(default)]
    pub facility_kind: Option<String>,
    /// Whose time counts: the visit's (`time` of the claim, the default) or the line's own
    /// (a procedure's start time, `time` of the line).
    #[serde(default)]
    pub clock: Clock,
    pub effect: Effect,
    pub source: String,
    #[serde(default)]
    pub note: Option<String>,
}

fn standard_holiday_rule() -> String {
    "kyujitsu".into()
}

/// Whose time a `time` rule reads.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Clock {
    /// The claim's `time` (the time the patient was received).
    #[default]
    Visit,
    /// The line's own `time` (when the procedure started); no fallback to the visit's.
    Line,
}

/// Whether the time must be inside or outside the facility's displayed hours.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HoursCondition {
    Inside,
    Outside,
}

/// One rule file as written.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleFile {
    #[serde(default)]
    coverage: Option<Coverage>,
    #[serde(default)]
    set: Vec<CodeSet>,
    #[serde(default)]
    bundle: Vec<Bundle>,
    #[serde(default)]
    inclusion: Vec<Inclusion>,
    #[serde(default)]
    taper: Vec<Taper>,
    #[serde(default)]
    requires: Vec<Requires>,
    #[serde(default)]
    conflicts: Vec<Conflicts>,
    #[serde(default)]
    not_within: Vec<NotWithin>,
    #[serde(default)]
    replaces: Vec<Replaces>,
    #[serde(default)]
    time: Vec<TimeRule>,
}

/// A receipt rule error: the file, the entry (kind and id), the field and what is wrong.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{file}: {entry}{}: {message}", field.as_ref().map(|f| format!(", field {f}")).unwrap_or_default())]
pub struct ReceiptRuleError {
    pub file: String,
    /// `set shoshin`, `bundle marume_d007_r6` …, or `file` for a parse error.
    pub entry: String,
    pub field: Option<String>,
    pub message: String,
}

/// The loaded, checked receipt rules with their lookups.
#[derive(Clone, Debug, Default)]
pub struct ReceiptRules {
    pub coverage: Option<Coverage>,
    pub sets: Vec<CodeSet>,
    pub bundles: Vec<Bundle>,
    pub inclusions: Vec<Inclusion>,
    pub tapers: Vec<Taper>,
    pub requires: Vec<Requires>,
    pub conflicts: Vec<Conflicts>,
    pub not_within: Vec<NotWithin>,
    pub replaces: Vec<Replaces>,
    pub times: Vec<TimeRule>,
    /// The rule files, in load order.
    pub files: Vec<String>,
    /// For each set version (same index as `sets`): the file it came from.
    set_files: Vec<usize>,
    index: index::Index,
}

impl ReceiptRules {
    /// The embedded rules.
    pub fn embedded() -> Result<ReceiptRules, ReceiptRuleError> {
        ReceiptRules::from_sources(embedded_texts())
    }

    /// Load rule files (name, text), all or nothing.
    pub fn from_sources(files: &[(&str, &str)]) -> Result<ReceiptRules, ReceiptRuleError> {
        let mut r = ReceiptRules::default();
        // Which file each entry came from, per kind, for the error messages.
        let mut origin = check::Origin::default();
        for (fi, (name, text)) in files.iter().enumerate() {
            let f: RuleFile = crate::parse_data(text).map_err(|message| ReceiptRuleError {
                file: name.to_string(),
                entry: "file".into(),
                field: None,
                message,
            })?;
            origin.note(fi, &f);
            if let Some(c) = f.coverage {
                if r.coverage.is_some() {
                    return Err(ReceiptRuleError {
                        file: name.to_string(),
                        entry: "coverage".into(),
                        field: None,
                        message: "[coverage] is given by more than one file".into(),
                    });
                }
                r.coverage = Some(c);
            }
            r.set_files.extend(std::iter::repeat_n(fi, f.set.len()));
            r.sets.extend(f.set);
            r.bundles.extend(f.bundle);
            r.inclusions.extend(f.inclusion);
            r.tapers.extend(f.taper);
            r.requires.extend(f.requires);
            r.conflicts.extend(f.conflicts);
            r.not_within.extend(f.not_within);
            r.replaces.extend(f.replaces);
            r.times.extend(f.time);
            r.files.push(name.to_string());
        }
        let names: Vec<&str> = files.iter().map(|f| f.0).collect();
        check::check(&r, &origin, &names)?;
        r.index = index::Index::build(&r);
        r.resolve_set_names();
        Ok(r)
    }

    /// Give every set name of a rule its number in the index (once, when the rules load).
    fn resolve_set_names(&mut self) {
        let ix = &self.index;
        let mut names: Vec<&mut SetName> = Vec::new();
        for x in &mut self.bundles {
            names.push(&mut x.members);
        }
        for x in &mut self.inclusions {
            names.push(&mut x.by);
            names.extend(&mut x.includes);
            names.extend(&mut x.except);
        }
        for x in &mut self.tapers {
            names.push(&mut x.members);
            names.extend(&mut x.also_counts);
            names.extend(&mut x.unless);
            names.extend(&mut x.not_with);
            names.extend(x.with_fee.as_mut());
            names.extend(x.without_fee.as_mut());
            names.extend(x.second.as_mut());
        }
        for x in &mut self.requires {
            names.push(&mut x.code);
            names.extend(&mut x.needs);
        }
        for x in &mut self.conflicts {
            names.push(&mut x.a);
            names.push(&mut x.b);
        }
        for x in &mut self.not_within {
            names.push(&mut x.code);
            names.push(&mut x.after);
        }
        for x in &mut self.replaces {
            names.push(&mut x.auto);
            names.push(&mut x.by);
        }
        for x in &mut self.times {
            names.push(&mut x.codes);
        }
        for name in names {
            ix.resolve(name);
        }
    }

    /// Whether the rules describe `date`.
    pub fn covers(&self, date: NaiveDate) -> bool {
        self.coverage
            .as_ref()
            .is_some_and(|c| c.from <= date && c.to.is_none_or(|t| date <= t))
    }

    /// Whether set version `v` (index into `sets`) uses explicit codes no official master
    /// confirms on `date` (the engine flags results that rest on them).
    pub fn unverified_on(&self, v: usize, date: NaiveDate) -> bool {
        let s = &self.sets[v];
        !s.codes.is_empty() && (s.unverified || s.codes_confirmed_through.is_some_and(|t| date > t))
    }

    /// Whether [`ReceiptRules::unverified_on`] may hold for some set version on `date` (when
    /// false it holds for none: the check can be skipped).
    pub fn any_unverified_on(&self, date: NaiveDate) -> bool {
        self.index.any_unverified_on(date)
    }

    /// The version of set `id` in force on `date` (index into `sets`).
    pub fn set_version(&self, id: &str, date: NaiveDate) -> Option<usize> {
        self.index.set_version(&self.sets, id, date)
    }

    /// Whether a line is a member of set `id` on `date`.
    pub fn contains(&self, id: &str, facts: &LineFacts, date: NaiveDate) -> bool {
        self.set_version(id, date)
            .is_some_and(|v| self.index.member(self, v, facts, date))
    }

    /// The period of the rules that `date` falls in: the set versions in force are the same on
    /// every date of one period (no version starts or ends inside it), so a line's
    /// [`ReceiptRules::sets_of`] on one date of a period is its sets on every other. Periods
    /// are numbered from 0, below [`ReceiptRules::period_count`].
    pub fn period_of(&self, date: NaiveDate) -> usize {
        self.index.period_of(date)
    }

    /// The number of periods ([`ReceiptRules::period_of`]).
    pub fn period_count(&self) -> usize {
        self.index.period_count()
    }

    /// Whether the same set versions are in force on `a` and on `b` (no version of a set starts
    /// or ends between them): a line's [`ReceiptRules::sets_of`] on one is then its sets on the
    /// other.
    pub fn sets_stable(&self, a: NaiveDate, b: NaiveDate) -> bool {
        let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
        self.sets
            .iter()
            .all(|s| !(lo < s.from && s.from <= hi) && s.to.is_none_or(|t| !(lo <= t && t < hi)))
    }

    /// The set versions in force on `date` that a line is a member of (indices into `sets`,
    /// ascending).
    pub fn sets_of(&self, facts: &LineFacts, date: NaiveDate) -> Vec<usize> {
        self.index.sets_of(self, facts, date)
    }

    /// The rules in force on `date` that name a set the line is a member of, in any role
    /// (members, by, includes, code, needs, a, b, after, auto, codes …), without repeats.
    pub fn rules_of(&self, facts: &LineFacts, date: NaiveDate) -> Vec<RuleRef> {
        self.index.rules_of(self, facts, date)
    }

    /// The id, source and period of a rule.
    pub fn rule_info(&self, r: RuleRef) -> (&str, &str, NaiveDate, Option<NaiveDate>) {
        macro_rules! info {
            ($v:expr) => {{
                let x = &$v[r.index];
                (x.id.as_str(), x.source.as_str(), x.from, x.to)
            }};
        }
        match r.kind {
            RuleKind::Bundle => info!(self.bundles),
            RuleKind::Inclusion => info!(self.inclusions),
            RuleKind::Taper => info!(self.tapers),
            RuleKind::Requires => info!(self.requires),
            RuleKind::Conflicts => info!(self.conflicts),
            RuleKind::NotWithin => info!(self.not_within),
            RuleKind::Replaces => info!(self.replaces),
            RuleKind::Time => info!(self.times),
        }
    }

    /// The number of rules of each kind in force on `date` (for reports).
    pub fn count_on(&self, date: NaiveDate) -> Vec<(RuleKind, usize)> {
        fn n<T>(
            v: &[T],
            date: NaiveDate,
            period: impl Fn(&T) -> (NaiveDate, Option<NaiveDate>),
        ) -> usize {
            v.iter()
                .filter(|x| {
                    let (f, t) = period(x);
                    f <= date && t.is_none_or(|t| date <= t)
                })
                .count()
        }
        vec![
            (RuleKind::Bundle, n(&self.bundles, date, |x| (x.from, x.to))),
            (
                RuleKind::Inclusion,
                n(&self.inclusions, date, |x| (x.from, x.to)),
            ),
            (RuleKind::Taper, n(&self.tapers, date, |x| (x.from, x.to))),
            (
                RuleKind::Requires,
                n(&self.requires, date, |x| (x.from, x.to)),
            ),
            (
                RuleKind::Conflicts,
                n(&self.conflicts, date, |x| (x.from, x.to)),
            ),
            (
                RuleKind::NotWithin,
                n(&self.not_within, date, |x| (x.from, x.to)),
            ),
            (
                RuleKind::Replaces,
                n(&self.replaces, date, |x| (x.from, x.to)),
            ),
            (RuleKind::Time, n(&self.times, date, |x| (x.from, x.to))),
        ]
    }
}

/// Whether `date` is within `from ..= to`.
pub(crate) fn in_force(from: NaiveDate, to: Option<NaiveDate>, date: NaiveDate) -> bool {
    from <= date && to.is_none_or(|t| date <= t)
}

#[cfg(test)]
mod tests;
