//! `in_kind_up_to` (a local programme's 現物給付 up to a threshold, 償還払い above it): what the
//! window collects when the month's share passes the threshold, and its trace step.

use crate::copay::context::{step, Trace};
use crate::copay::CopayOutput;
use crate::{lit, tx};
use std::collections::{HashMap, HashSet};

/// A month's 現物給付 under programmes with `in_kind_up_to`, per 法別.
#[derive(Default)]
pub(super) struct InKind {
    /// The month's share before the programme so far.
    share: HashMap<String, i64>,
    /// What it paid at the window so far (taken back when the month's share passes the
    /// threshold).
    paid: HashMap<String, i64>,
    /// The 法別 whose month passed `in_kind_up_to`: 償還払い for the whole month.
    pub(super) withdrawn: HashSet<String>,
}

impl InKind {
    /// `in_kind_up_to` (現物給付 up to a threshold, 償還払い above it): given the share before the
    /// programme and what it paid on this visit in kind, what the window collects on top (this
    /// visit's benefit once the month has passed the threshold, plus everything paid in kind so far
    /// on the visit that passes it). `None` when the programme has no such threshold.
    pub(super) fn take(
        &mut self,
        threshold: Option<i64>,
        law: &str,
        before: i64,
        paid: i64,
    ) -> Option<i64> {
        let limit = threshold?;
        let share = self.share.entry(law.to_string()).or_default();
        *share += before;
        if self.withdrawn.contains(law) {
            return Some(paid);
        }
        if *share > limit {
            self.withdrawn.insert(law.to_string());
            return Some(paid + self.paid.remove(law).unwrap_or(0));
        }
        *self.paid.entry(law.to_string()).or_default() += paid;
        Some(0)
    }
}

/// The trace step of an `in_kind_up_to` take-back (the window collects the in-kind payments).
pub(super) fn take_back_step(out: &mut CopayOutput, law: &str, threshold: i64, extra: i64) {
    let mut tr = Trace {
        entries: std::mem::take(&mut out.trace),
        t: std::mem::take(&mut out.texts),
    };
    step!(
        tr,
        "in-kind threshold",
        tx!(
            tr.t,
            "{}: the month's share before the programme passed {}; its in-kind payments taken back {}",
            law,
            threshold,
            extra
        ),
        lit!("現物給付 up to the threshold, 償還払い above it: the window collects what the programme paid in kind this month, refunded after the month"),
        lit!("the programme's in_kind_up_to (rules/data/copay/local-example.toml)"),
        tx!(tr.t, "{}", extra),
    );
    out.trace = tr.entries;
    out.texts = tr.t;
}
