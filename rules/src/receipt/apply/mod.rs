//! Applying the receipt rules to the lines of one claim: what the engine must do to each line
//! (price it 0, replace a group by one figure, taper it, refuse it, warn, not add an automatic
//! add-on), as data. The meaning of every rule kind and the order of application are
//! `data/receipt/README.md`; this module is that text as code.
//!
//! [`apply`] is a pure function over plain data: the rules, the 休日 calendar, the visit, the
//! claim's lines (in claim order) and the history lines. It returns [`Applied`]: the
//! [`Finding`]s in the order of application (1. `replaces` and conflicts that drop automatic
//! add-ons, 2. `inclusion`, 3. `bundle` (limits first, then steps), 4. `taper`, 5. `requires`,
//! `conflicts`, `not_within`, `time`). Findings carry data (rule, line indices, numbers), never
//! sentences; the engine writes its own texts.
//!
//! Invariants: a date outside the rules' `[coverage]` gives one [`Finding::CannotDecide`] and
//! nothing else; a line priced 0 (or made part of a bundle) by an earlier step is not counted
//! by a later one; no number of the fee rules is written here (rates, steps, thresholds and
//! roundings come from the rule data); cost O(lines × rules per code) with the rules' index.

mod checks;
mod combine;
mod named;
mod state;
mod taper;

#[cfg(test)]
mod tests;

use super::{FacilityHours, LineFacts, Rate, ReceiptRules, Rounding, RuleKind, RuleRef, TimeCheck};
use crate::calendar::Calendar;
use chrono::{NaiveDate, NaiveTime};
use rust_decimal::Decimal;

/// The kind of facility (施設の種別), for rules limited to one (`time.facility_kind`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum FacilityKind {
    /// 診療所
    #[default]
    Clinic,
    /// 病院
    Hospital,
}

impl FacilityKind {
    /// The name used in the rule files (`clinic`, `hospital`).
    pub fn name(&self) -> &'static str {
        match self {
            FacilityKind::Clinic => "clinic",
            FacilityKind::Hospital => "hospital",
        }
    }
}

/// The setting of the claim (入院外 / 入院).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Setting {
    /// 入院外
    #[default]
    Outpatient,
    /// 入院
    Inpatient,
}

/// The visit the claim is for: the facts the rules read besides the lines.
#[derive(Clone, Copy, Debug, Default)]
pub struct Visit<'a> {
    /// Date of service (診療日).
    pub date: NaiveDate,
    /// Reception time (`time` of the claim), for the `time` rules with `clock = "visit"`.
    pub time: Option<NaiveTime>,
    pub setting: Setting,
    /// `facility.kind`; `None` = not stated (rules limited to a kind cannot be checked).
    pub facility_kind: Option<FacilityKind>,
    /// `facility.hours` (表示する診療時間).
    pub hours: Option<&'a FacilityHours>,
    /// `discharge_date` (退院日), for `not_within.also_after`.
    pub discharge_date: Option<NaiveDate>,
}

/// One line of this claim, in claim order. The lines of one 剤 share `group` and `section`.
#[derive(Clone, Copy, Debug, Default)]
pub struct ReceiptLine<'a> {
    /// The code and its procedure-master fields (`LineFacts::code_only` for a drug/device).
    pub facts: LineFacts<'a>,
    /// 診療識別 of its 剤 (11 初診 … 80 その他); `None` for a plain item.
    pub section: Option<u8>,
    /// Index of its 剤/item in the claim (the lines of one 剤 share it).
    pub group: usize,
    /// Points of ONE unit as priced from the master (per 回); 0 for drug and device lines
    /// (their 薬剤料・材料料 is priced per 剤 by the engine).
    pub points: Decimal,
    /// 回数 / 日数 (the 剤's `count`, or the item's).
    pub count: u32,
    /// Added by the engine (age, time or DX add-ons), not by the caller.
    pub automatic: bool,
    /// `quantity` of the line: films (枚数) of a 70 剤's line, a drug's amount, a device's.
    pub quantity: Option<Decimal>,
    /// Drug lines: 薬価 × quantity in yen (one day's or one use's amount), for `drug_kinds`.
    pub price_yen: Option<Decimal>,
    /// `part` (部位), for `taper.same_part`.
    pub part: Option<&'a str>,
    /// `same_time = false`: a 撮影 decided after reading the first (not 「同時」).
    pub not_same_time: bool,
    /// `specimen` (a collection label), for `bundle`.
    pub specimen: Option<&'a str>,
    /// The line's own `time` (a procedure's start), for `time` rules with `clock = "line"`.
    pub time: Option<NaiveTime>,
    /// The 剤 is marked `temporary = true` (臨時の投薬), for `drug_kinds`.
    pub temporary: bool,
    /// The item is marked `second_department = true` (同日２科目).
    pub second_department: bool,
    /// `acute = true` (急性増悪時の検査等).
    pub acute: bool,
    /// The set versions in force on the visit's date that the line is a member of, ascending,
    /// as [`ReceiptRules::sets_of`] gives them for `facts` — taken as given for a line without
    /// `section` (a caller that keeps them per master record and [`ReceiptRules::period_of`]
    /// passes them); `None`: computed here.
    pub sets: Option<&'a [usize]>,
}

/// An earlier line at this facility (`history`): read to decide, never changed.
#[derive(Clone, Copy, Debug, Default)]
pub struct HistoryLine<'a> {
    pub date: NaiveDate,
    pub facts: LineFacts<'a>,
    pub count: u32,
    /// Points of one unit as priced by the master on its own date (for month `max_points`).
    pub points: Decimal,
    /// The set versions in force on the visit's date that the line is a member of (for a line
    /// on or before that date), as [`ReceiptRules::sets_of`] gives them for `facts`; `None`:
    /// computed here.
    pub sets: Option<&'a [usize]>,
}

/// A line a finding points at: of this claim or of the history (index into the slices given).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum LineRef {
    Claim(usize),
    History(usize),
}

/// The rule a finding applies: its kind and index, id and `source` (file:line citations).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cited<'r> {
    pub rule: RuleRef,
    pub id: &'r str,
    pub source: &'r str,
}

impl<'r> Cited<'r> {
    pub fn new(rules: &'r ReceiptRules, rule: RuleRef) -> Cited<'r> {
        let (id, source, _, _) = rules.rule_info(rule);
        Cited { rule, id, source }
    }
    pub fn kind(&self) -> RuleKind {
        self.rule.kind
    }
}

/// How a bundle replaced its members.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BundleHow {
    /// `steps[step]` of the rule applied (n distinct items fell in it); `addition` points
    /// (入院時初回加算) are included in the finding's `points` when `with_addition`.
    Step {
        step: usize,
        items: u32,
        with_addition: bool,
    },
    /// The group's total was capped at `max_points` (less what the month's history used).
    MaxPoints,
}

/// Where a taper's fraction of a point is rounded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RoundAt {
    /// The finding's `points` are already rounded (per line).
    Line,
    /// The finding's `points` are exact; the 剤's total (the sum of its lines) is rounded
    /// once by this rule (「端数処理は点数計算の最後」).
    Group(Rounding),
}

/// Why a check fired (data for the engine's text).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Why {
    /// `inclusion` with effect refuse: included by this line of the `by` set.
    IncludedBy(LineRef),
    /// `requires`: no line of these sets in scope.
    Missing { needs: Vec<String> },
    /// `conflicts` / `replaces`: claimed with this line.
    With(LineRef),
    /// `not_within`: within the period after this line (its date).
    Within { after: LineRef, date: NaiveDate },
    /// `time`: the time check failed or could not be made (the reason of `time_holds`).
    Time(TimeCheck),
    /// `time.facility_kind`: the rule is for another kind of facility (`expected`), or the
    /// claim does not say its kind (`None` given).
    FacilityKind {
        expected: String,
        given: Option<FacilityKind>,
    },
    /// `drug_kinds`: the 処方料・処方箋料 line should be of the set `expected` (`kinds` counted).
    WrongFee { expected: String, kinds: u32 },
    /// `second_department`: an item marked second department without a code of the set
    /// `expected` (`second`), or a `second` line without a line of `expected` (`members`) that
    /// day.
    SecondDepartment { expected: String },
    /// `second_department`: an add-on of the set `set` (`not_with`) on the second department.
    NotForSecond { set: String },
    /// `bundle`: a code on several lines (or with count > 1) of one group: several specimens
    /// cannot be told apart without `specimen`; counted once.
    RepeatedCode { code: u32 },
    /// `inclusion`: history lines of the scope (indices into `history`) are items the `by`
    /// line of this claim includes; those earlier claims are not changed.
    IncludedInHistory { history: Vec<usize> },
    /// `taper.same_part`: lines of the set without `part`: the taper cannot be checked.
    NoPart,
    /// The rules do not cover the date (`[coverage]` from `from`).
    BeforeCoverage { from: Option<NaiveDate> },
    /// `not_within`: within the period after the claim's `discharge_date` (`also_after`).
    AfterDischarge { date: NaiveDate },
    /// `not_within`: the period from `date` could not be decided (a 休日 adjustment needs a
    /// day outside the calendar).
    PeriodUndecided { date: NaiveDate },
    /// A fact the rule needs is not in the input (`also_after`: `discharge_date` …).
    MissingFact(String),
}

/// One effect of a rule on this claim.
#[derive(Clone, Debug, PartialEq)]
pub enum Finding<'r> {
    /// 包括 (`inclusion` zero, `not_within` zero) or a `bundle` `max_items` limit: the line
    /// stays on the receipt priced 0, with the rule as the reason.
    Zero { line: usize, rule: Cited<'r> },
    /// まるめ: the member lines are priced 0 and the group carries `points` once (a step's
    /// points, or the capped total of `max_points`).
    Bundle {
        rule: Cited<'r>,
        members: Vec<usize>,
        points: Decimal,
        how: BundleHow,
    },
    /// 逓減 of a line: its points for all its `count` become `points` (films, same part, the
    /// n-th of the month). `marker` is the code a receipt states the reduction with.
    Taper {
        line: usize,
        rule: Cited<'r>,
        points: Decimal,
        round: RoundAt,
        marker: Option<u32>,
    },
    /// 多剤投与 (`drug_kinds`): the 薬剤料 (points) of the 剤 `group` is multiplied by `rate`
    /// and rounded by `rounding` (per 剤); `kinds` is the number of kinds counted.
    TaperDrugs {
        group: usize,
        rule: Cited<'r>,
        rate: Rate,
        rounding: Rounding,
        kinds: u32,
    },
    /// An error of the claim naming its lines (the first is the line the rule is about).
    Refuse {
        lines: Vec<usize>,
        rule: Cited<'r>,
        why: Why,
    },
    /// A warning: the lines keep their points.
    Warn {
        lines: Vec<usize>,
        rule: Cited<'r>,
        why: Why,
    },
    /// An automatic add-on is not added (`replaces`, `conflicts` with `drop_auto`).
    DropAuto {
        line: usize,
        rule: Cited<'r>,
        why: Why,
    },
    /// The rule of earlier findings rests on explicit codes that no official master confirms
    /// on the date (`ReceiptRules::unverified_on`; e.g. R6 codes used under R8): the ids of
    /// those sets. Given once per rule, after all other findings.
    Unverified { rule: Cited<'r>, sets: Vec<String> },
    /// The rules cannot decide (a date outside their coverage, a missing fact): `rule` is
    /// `None` when no rule could be applied at all.
    CannotDecide {
        lines: Vec<usize>,
        rule: Option<Cited<'r>>,
        why: Why,
    },
}

impl<'r> Finding<'r> {
    /// The rule of the finding, if any.
    pub fn rule(&self) -> Option<&Cited<'r>> {
        match self {
            Finding::Zero { rule, .. }
            | Finding::Bundle { rule, .. }
            | Finding::Taper { rule, .. }
            | Finding::TaperDrugs { rule, .. }
            | Finding::Refuse { rule, .. }
            | Finding::Warn { rule, .. }
            | Finding::DropAuto { rule, .. }
            | Finding::Unverified { rule, .. } => Some(rule),
            Finding::CannotDecide { rule, .. } => rule.as_ref(),
        }
    }
}

/// What the rules did to a claim.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Applied<'r> {
    /// In the order of application.
    pub findings: Vec<Finding<'r>>,
}

/// Apply the receipt rules in force on the visit's date to the claim's lines. Pure; history
/// lines are read, never changed. See the module doc and `data/receipt/README.md`.
pub fn apply<'r>(
    rules: &'r ReceiptRules,
    calendar: &Calendar,
    visit: &Visit,
    lines: &[ReceiptLine],
    history: &[HistoryLine],
) -> Applied<'r> {
    apply_with(rules, calendar, visit, lines, history, None)
}

/// The set versions of each history line on `date` (empty for a line after the date): what
/// [`apply`] computes first. A caller that applies the rules day after day to a growing history
/// (an inpatient month) computes them once per line and passes them to [`apply_with`], as long
/// as [`ReceiptRules::sets_stable`] holds between the dates.
pub fn history_sets(
    rules: &ReceiptRules,
    history: &[HistoryLine],
    date: NaiveDate,
) -> Vec<Vec<usize>> {
    history
        .iter()
        .map(|h| history_sets_of(rules, h, date))
        .collect()
}

/// [`history_sets`] of one line.
pub fn history_sets_of(rules: &ReceiptRules, h: &HistoryLine, date: NaiveDate) -> Vec<usize> {
    if h.date <= date {
        rules.sets_of(&h.facts, date)
    } else {
        Vec::new()
    }
}

/// [`apply`] with the history lines' set versions computed beforehand ([`history_sets`] on the
/// visit's date, or on a date with the same sets in force; one entry per history line).
pub fn apply_with<'r>(
    rules: &'r ReceiptRules,
    calendar: &Calendar,
    visit: &Visit,
    lines: &[ReceiptLine],
    history: &[HistoryLine],
    hist_sets: Option<&[Vec<usize>]>,
) -> Applied<'r> {
    if !rules.covers(visit.date) {
        return Applied {
            findings: vec![Finding::CannotDecide {
                lines: Vec::new(),
                rule: None,
                why: Why::BeforeCoverage {
                    from: rules.coverage.as_ref().map(|c| c.from),
                },
            }],
        };
    }
    let mut st = state::State::new(rules, calendar, visit, lines, history, hist_sets);
    if st.no_candidates() {
        // No rule has a subject line on the claim: none gives a finding.
        st.finish();
        return Applied::default();
    }
    st.replaces();
    st.drop_auto_conflicts();
    st.inclusions();
    st.bundles();
    taper::tapers(&mut st);
    checks::requires(&mut st);
    checks::conflicts(&mut st);
    checks::not_within(&mut st);
    checks::times(&mut st);
    st.unverified();
    Applied {
        findings: st.finish(),
    }
}
