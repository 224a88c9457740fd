//! What the co-payment steps share: the claim's facts they read ([`Claim`]) and the trace they
//! write ([`Trace`], [`step!`]).

use super::input::{MonthToDate, Patient, PublicExpenseClaim, Setting};
use super::CopayError;
use crate::text::Texts;
use crate::trace::TraceEntry;
use chrono::NaiveDate;

/// How per-visit public caps are read.
#[derive(Debug, Clone, Copy)]
pub(super) enum Mode {
    /// A whole month: per-visit caps × `visits`.
    Receipt { visits: Option<u32> },
    /// One visit: the per-visit cap itself.
    Visit,
}

/// What every step reads: one claim's facts.
pub(super) struct Claim<'a> {
    pub(crate) patient: &'a Patient,
    pub(crate) date: NaiveDate,
    pub(crate) setting: Setting,
    pub(crate) points: i64,
    pub(crate) meals: i64,
    pub(crate) public_expense: &'a [PublicExpenseClaim],
    pub(crate) rate_percent: Option<u32>,
    pub(crate) mtd: MonthToDate,
    pub(crate) mode: Mode,
    /// A first visit (初診): read by programmes that charge only then.
    pub(crate) first_visit: bool,
    /// Inside a month of visits: the counts per-visit caps read.
    pub(crate) visit_ctx: Option<VisitCtx>,
    /// Inside a month of visits: what the month's limit across all combinations still leaves
    /// (the limit of the insurance part minus every earlier visit's 一部負担金).
    pub(crate) outer_remaining: Option<i64>,
    /// `outer_remaining` bounds what the patient bears after the claim's national programmes
    /// (before any local one), not the 一部負担金: the national 公費 keeps its share, the
    /// 高額療養費 takes what is above the month's limit, a local programme what is left.
    pub(crate) outer_after_national: bool,
    /// Leave the 後期 2割 配慮措置 out of the limit (inside a month: the month's one limit
    /// across combinations when a 公費 part is among them).
    pub(crate) without_kouki_measure: bool,
}

/// What a visit inside a month knows of the visits before it, per public programme on it (in
/// the order of `Claim::public_expense`).
#[derive(Debug, Clone, Default)]
pub(crate) struct VisitCtx {
    /// Visits already charged under each programme this month (here and, as declared,
    /// elsewhere), for `max_charged_visits`.
    pub(crate) charged_visits: Vec<u32>,
    /// What the patient already paid under each programme on the same day.
    pub(crate) paid_today: Vec<i64>,
    /// Whether this visit counts as a day (a second visit on one day does not).
    pub(crate) counts_as_day: bool,
    /// Per programme settled on the month (its `settles_on_month`, rules/data/copay): the
    /// month's rate shares so far less what the patient paid under it here, and the month's
    /// shares before it so far less the same — what the month's receipt still leaves to the
    /// patient beside this visit's own shares.
    pub(crate) month_slack: Vec<(i64, i64)>,
    /// Σ the rounding differences of the month's earlier visits under the same combination:
    /// under a limit, the unrounded 一部負担金相当額 is the limit's amount less what they were
    /// rounded by (`rounding::rounding_difference`'s `carry`).
    pub(crate) rounding_carry: i64,
}

/// What every step writes: the trace and the pool of its words.
pub(super) struct Trace {
    pub(crate) entries: Vec<TraceEntry>,
    pub(crate) t: Texts,
}

/// Push one trace step; each part is a [`crate::text::Text`] or a string (evaluated in
/// order, so a part may record its text in `$tr.t`).
macro_rules! step {
    ($tr:expr, $step:literal, $input:expr, $rule:expr, $source:expr, $result:expr $(,)?) => {{
        let looked_at = $crate::text::IntoText::into_text($input, &mut $tr.t);
        let wording = $crate::text::IntoText::into_text($rule, &mut $tr.t);
        let source = $crate::text::IntoText::into_text($source, &mut $tr.t);
        let decision = $crate::text::IntoText::into_text($result, &mut $tr.t);
        $tr.entries.push($crate::trace::TraceEntry {
            rule: $crate::lit!($step),
            looked_at,
            wording: Some(wording),
            source,
            decision,
        });
    }};
}
pub(super) use step;

pub(super) fn bad(field: &str, message: impl Into<String>) -> CopayError {
    CopayError::Invalid {
        field: field.to_string(),
        message: message.into(),
    }
}

pub(super) fn no_table(what: &str, date: NaiveDate, key: String, note: String) -> CopayError {
    CopayError::NoTable {
        what: what.to_string(),
        month: date.format("%Y-%m").to_string(),
        key,
        note,
    }
}
