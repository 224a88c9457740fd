//! The working state of one application: each line's sets (computed once), which lines are
//! still charged, the candidate rules, scopes, and the findings so far. Step 1 (`replaces`
//! and the `conflicts` that drop automatic add-ons) is here too.

use super::*;
use crate::receipt::{Conflicts, Effect, Scope, SetName};
use chrono::Datelike;

/// "00".."99": the 診療識別 as the text the sets name (`sections`).
const SECTIONS: [&str; 100] = {
    const D: [&str; 100] = [
        "00", "01", "02", "03", "04", "05", "06", "07", "08", "09", "10", "11", "12", "13", "14",
        "15", "16", "17", "18", "19", "20", "21", "22", "23", "24", "25", "26", "27", "28", "29",
        "30", "31", "32", "33", "34", "35", "36", "37", "38", "39", "40", "41", "42", "43", "44",
        "45", "46", "47", "48", "49", "50", "51", "52", "53", "54", "55", "56", "57", "58", "59",
        "60", "61", "62", "63", "64", "65", "66", "67", "68", "69", "70", "71", "72", "73", "74",
        "75", "76", "77", "78", "79", "80", "81", "82", "83", "84", "85", "86", "87", "88", "89",
        "90", "91", "92", "93", "94", "95", "96", "97", "98", "99",
    ];
    D
};

/// The text of a 診療識別 (two digits), `None` above 99.
pub(super) fn section_text(s: u8) -> Option<&'static str> {
    SECTIONS.get(usize::from(s)).copied()
}

/// The working buffers of a [`State`], kept per thread from one claim to the next (a batch
/// applies the rules to millions of claims; each would allocate them anew): taken by
/// [`State::new`], given back by [`State::finish`].
#[derive(Default)]
struct Buffers {
    line_sets: Vec<usize>,
    line_bits: Vec<u64>,
    marks: Vec<u64>,
    candidates: Vec<RuleRef>,
    charged: Vec<bool>,
    dropped: Vec<bool>,
    scratch: crate::receipt::index::SetsScratch,
}

thread_local! {
    static BUFFERS: std::cell::Cell<Option<Box<Buffers>>> = const { std::cell::Cell::new(None) };
}

pub(super) struct State<'r, 'c, 'v, 'l, 'a> {
    pub rules: &'r ReceiptRules,
    pub cal: &'c Calendar,
    pub visit: &'v Visit<'v>,
    pub lines: &'l [ReceiptLine<'a>],
    pub history: &'l [HistoryLine<'a>],
    pub date: NaiveDate,
    /// The rules' period of the date ([`ReceiptRules::period_of`]): the set versions in force.
    period: usize,
    /// For each claim line: the set versions in force it is a member of, as bits: line `i`'s
    /// are the bits of
    /// `line_bits[i * words..(i + 1) * words]` (`words` = the set versions / 64, rounded up),
    /// so that "is line `i` a member of version `v`" is one bit test.
    line_bits: Vec<u64>,
    words: usize,
    /// For each history line on or before the date: its set versions (empty after the date);
    /// given by the caller, or computed at the first question about a history line.
    given_sets: Option<&'l [Vec<usize>]>,
    /// The set versions of the history lines without `sets` of their own (empty for the
    /// others), computed at the first question about one.
    hist_sets: std::cell::OnceCell<Vec<Vec<usize>>>,
    /// History lines of the visit's day / calendar month (in date order, then input order).
    hist_day: Vec<usize>,
    hist_month: Vec<usize>,
    /// Claim lines still charged (not priced 0, bundled or dropped).
    pub charged: Vec<bool>,
    /// Claim lines not on the receipt at all (automatic add-ons dropped).
    pub dropped: Vec<bool>,
    /// The rules whose subject set a claim line is in (sorted: by kind, then index).
    candidates: Vec<RuleRef>,
    pub findings: Vec<Finding<'r>>,
    /// The buffers not held in the fields above, for [`State::finish`].
    spare: Box<Buffers>,
}

impl<'r, 'c, 'v, 'l, 'a> State<'r, 'c, 'v, 'l, 'a> {
    pub fn new(
        rules: &'r ReceiptRules,
        cal: &'c Calendar,
        visit: &'v Visit<'v>,
        lines: &'l [ReceiptLine<'a>],
        history: &'l [HistoryLine<'a>],
        given_sets: Option<&'l [Vec<usize>]>,
    ) -> Self {
        let date = visit.date;
        let facts = |l: &ReceiptLine<'a>| {
            let mut f = l.facts;
            if f.shikibetsu.is_none() {
                f.shikibetsu = l.section.and_then(section_text);
            }
            f
        };
        let mut spare = BUFFERS.with(|b| b.take()).unwrap_or_default();
        // Each line's set versions in force, one after the other (for the rules' marks), and
        // as bits per line (for membership questions), in one pass.
        let mut line_sets = std::mem::take(&mut spare.line_sets);
        line_sets.clear();
        let words = rules.sets.len().div_ceil(64).max(1);
        let mut line_bits = std::mem::take(&mut spare.line_bits);
        line_bits.clear();
        line_bits.resize(words * lines.len(), 0);
        let scratch = &mut spare.scratch;
        for (i, l) in lines.iter().enumerate() {
            let from = line_sets.len();
            match l.sets {
                Some(s) if l.section.is_none() => line_sets.extend_from_slice(s),
                _ => rules
                    .index
                    .sets_of_into(rules, &facts(l), date, scratch, &mut line_sets),
            }
            let bits = &mut line_bits[i * words..(i + 1) * words];
            for &v in &line_sets[from..] {
                if let Some(b) = bits.get_mut(v / 64) {
                    *b |= 1 << (v % 64);
                }
            }
        }
        let given_sets = given_sets.filter(|s| s.len() == history.len());
        let mut marks = rules.index.no_rules_in(std::mem::take(&mut spare.marks));
        rules
            .index
            .mark_subject_rules(&line_sets, date, !history.is_empty(), &mut marks);
        let mut candidates = std::mem::take(&mut spare.candidates);
        rules.index.marked_into(&marks, &mut candidates);
        spare.marks = marks.into_buffer();
        spare.line_sets = line_sets;
        let mut charged = std::mem::take(&mut spare.charged);
        charged.clear();
        charged.resize(lines.len(), true);
        let mut dropped = std::mem::take(&mut spare.dropped);
        dropped.clear();
        dropped.resize(lines.len(), false);
        let mut hist_month: Vec<usize> = (0..history.len())
            .filter(|&i| {
                let d = history[i].date;
                d.year() == date.year() && d.month() == date.month()
            })
            .collect();
        support::sort::sort_by_key(&mut hist_month, |&i| (history[i].date, i));
        let hist_day = hist_month
            .iter()
            .copied()
            .filter(|&i| history[i].date == date)
            .collect();
        State {
            rules,
            cal,
            visit,
            lines,
            history,
            date,
            period: rules.index.period_of(date),
            line_bits,
            words,
            given_sets,
            hist_sets: std::cell::OnceCell::new(),
            hist_day,
            hist_month,
            charged,
            dropped,
            candidates,
            findings: Vec::new(),
            spare,
        }
    }

    /// The findings; the working buffers given back for the thread's next claim.
    pub fn finish(self) -> Vec<Finding<'r>> {
        let mut spare = self.spare;
        spare.line_bits = self.line_bits;
        spare.candidates = self.candidates;
        spare.charged = self.charged;
        spare.dropped = self.dropped;
        BUFFERS.with(|b| b.set(Some(spare)));
        self.findings
    }

    /// Whether no rule can act on the claim (no claim line is in a rule's subject set).
    pub fn no_candidates(&self) -> bool {
        self.candidates.is_empty()
    }

    /// The candidate rules of one kind, as positions for [`State::candidate`] (their indices
    /// into that kind's list ascend with the position).
    pub fn candidates(&self, kind: RuleKind) -> std::ops::Range<usize> {
        // Sorted by kind: the kind's rules are one run.
        let from = self.candidates.partition_point(|r| r.kind < kind);
        let to = self.candidates.partition_point(|r| r.kind <= kind);
        from..to
    }

    /// The index (into its kind's list) of the candidate rule at position `j`.
    pub fn candidate(&self, j: usize) -> usize {
        self.candidates[j].index
    }

    pub fn cite(&self, kind: RuleKind, index: usize) -> Cited<'r> {
        Cited::new(self.rules, RuleRef { kind, index })
    }

    /// The version of set `id` in force on the date (looked up once per question, not per
    /// line).
    pub fn version(&self, id: &SetName) -> Option<usize> {
        self.rules.index.set_version_of(id, self.period)
    }

    /// Whether a line (claim or history) is a member of the set version `v` (`None`: no
    /// version in force, a member of nothing).
    pub fn is_in(&self, l: LineRef, v: Option<usize>) -> bool {
        let Some(v) = v else {
            return false;
        };
        let sets = match l {
            LineRef::Claim(i) => return self.claim_in(i, v),
            LineRef::History(i) => match (self.given_sets, self.history[i].sets) {
                (Some(s), _) => &s[i][..],
                // A line after the date is a member of nothing (`history_sets_of`).
                _ if self.history[i].date > self.date => &[],
                (None, Some(s)) => s,
                (None, None) => &self.hist_sets.get_or_init(|| {
                    // Only the lines whose sets the caller did not give (an empty `Vec` for the
                    // others allocates nothing).
                    self.history
                        .iter()
                        .map(|h| match h.sets {
                            Some(_) => Vec::new(),
                            None => super::history_sets_of(self.rules, h, self.date),
                        })
                        .collect()
                })[i][..],
            },
        };
        sets.binary_search(&v).is_ok()
    }

    /// Whether claim line `i` is a member of the set version `v`.
    #[inline]
    fn claim_in(&self, i: usize, v: usize) -> bool {
        self.line_bits
            .get(i * self.words + v / 64)
            .is_some_and(|b| b & (1 << (v % 64)) != 0)
    }

    /// Whether a line (claim or history) is a member of set `id` on the date.
    pub fn is(&self, l: LineRef, id: &SetName) -> bool {
        self.is_in(l, self.version(id))
    }

    /// The claim lines still charged that are members of `id`.
    pub fn charged_in(&self, id: &SetName) -> Vec<usize> {
        self.claim_members(id, true)
    }

    /// The claim lines on the receipt (charged or not) that are members of `id`.
    pub fn present_in(&self, id: &SetName) -> Vec<usize> {
        self.claim_members(id, false)
    }

    /// Whether a claim line on the receipt (charged or not) is a member of `id`
    /// ([`State::present_in`] not empty, without collecting them).
    pub fn any_present_in(&self, id: &SetName) -> bool {
        self.version(id)
            .is_some_and(|v| (0..self.lines.len()).any(|i| self.present(i) && self.claim_in(i, v)))
    }

    /// The claim lines that are members of `id`: still charged (`charged_only`), or on the
    /// receipt whether charged or not.
    fn claim_members(&self, id: &SetName, charged_only: bool) -> Vec<usize> {
        let mut out = Vec::new();
        if let Some(v) = self.version(id) {
            self.each_claim_member(v, charged_only, |i| out.push(i));
        }
        out
    }

    /// Calls `f` with each claim line (ascending) that is a member of the set version `v`
    /// and still charged (`charged_only`) or on the receipt.
    #[inline]
    fn each_claim_member(&self, v: usize, charged_only: bool, mut f: impl FnMut(usize)) {
        let (word, bit) = (v / 64, 1u64 << (v % 64));
        // Line `i`'s word of version `v` is `line_bits[i * words + word]`.
        let bits = match word < self.words {
            true => self.line_bits.get(word..).unwrap_or_default(),
            false => &[],
        };
        for (i, b) in bits.iter().step_by(self.words).enumerate() {
            let counted = if charged_only {
                self.charged[i]
            } else {
                !self.dropped[i]
            };
            if b & bit != 0 && counted {
                f(i);
            }
        }
    }

    /// The claim lines on the receipt (not dropped), charged or not.
    pub fn present(&self, i: usize) -> bool {
        !self.dropped[i]
    }

    /// The history lines in a scope (none for `claim`), in date order.
    pub fn hist_scope(&self, scope: Scope) -> &[usize] {
        match scope {
            Scope::Claim => &[],
            Scope::Day => &self.hist_day,
            Scope::Month => &self.hist_month,
        }
    }

    /// The lines in scope that are members of `id`: this claim's charged lines (claim order)
    /// then the history lines of the scope (date order).
    pub fn in_scope(&self, scope: Scope, id: &SetName) -> Vec<LineRef> {
        self.scope_members(scope, id, true)
    }

    /// As [`State::in_scope`], with the claim lines on the receipt whether charged or not
    /// (a test in a まるめ, a 処置 priced 0 still was done): for what a rule *needs* or
    /// *conflicts with*.
    pub fn in_scope_present(&self, scope: Scope, id: &SetName) -> Vec<LineRef> {
        self.scope_members(scope, id, false)
    }

    /// The claim members of `id` ([`State::claim_members`]) then the scope's history members.
    fn scope_members(&self, scope: Scope, id: &SetName, charged_only: bool) -> Vec<LineRef> {
        let mut out = Vec::new();
        self.scope_members_into(scope, id, charged_only, &mut out);
        out
    }

    /// As [`State::in_scope_present`], appended to `out` (one buffer for several sets).
    pub fn in_scope_present_into(&self, scope: Scope, id: &SetName, out: &mut Vec<LineRef>) {
        self.scope_members_into(scope, id, false, out)
    }

    /// [`State::scope_members`] appended to `out`.
    fn scope_members_into(
        &self,
        scope: Scope,
        id: &SetName,
        charged_only: bool,
        out: &mut Vec<LineRef>,
    ) {
        let Some(v) = self.version(id) else {
            return;
        };
        self.each_claim_member(v, charged_only, |i| out.push(LineRef::Claim(i)));
        out.extend(
            self.hist_scope(scope)
                .iter()
                .map(|&h| LineRef::History(h))
                .filter(|&l| self.is_in(l, Some(v))),
        );
    }

    /// The history lines on or before the date that are members of `id` (any date).
    pub fn history_in(&self, id: &SetName) -> Vec<usize> {
        let Some(v) = self.version(id) else {
            return Vec::new();
        };
        (0..self.history.len())
            .filter(|&h| {
                self.history[h].date <= self.date && self.is_in(LineRef::History(h), Some(v))
            })
            .collect()
    }

    /// Take a claim line out of every later count.
    pub fn uncharge(&mut self, i: usize) {
        self.charged[i] = false;
    }

    /// Step 1a: `replaces` — an automatic add-on of `auto` is not added when a line of `by`
    /// is in scope; a claimed `auto` line with a `by` line is an error.
    pub fn replaces(&mut self) {
        for j in self.candidates(RuleKind::Replaces) {
            let k = self.candidate(j);
            let r = &self.rules.replaces[k];
            let by = self.in_scope(r.scope, &r.by);
            for i in self.charged_in(&r.auto) {
                let Some(&other) = by.iter().find(|&&b| b != LineRef::Claim(i)) else {
                    continue;
                };
                self.drop_or_refuse(i, RuleKind::Replaces, k, other);
            }
        }
    }

    /// Step 1b: the `conflicts` with effect `drop_auto` (the others are checks, step 5).
    pub fn drop_auto_conflicts(&mut self) {
        for j in self.candidates(RuleKind::Conflicts) {
            let k = self.candidate(j);
            let r: &Conflicts = &self.rules.conflicts[k];
            if r.effect != Effect::DropAuto {
                continue;
            }
            let b = self.in_scope(r.scope, &r.b);
            for i in self.charged_in(&r.a) {
                let Some(&other) = b.iter().find(|&&x| x != LineRef::Claim(i)) else {
                    continue;
                };
                self.drop_or_refuse(i, RuleKind::Conflicts, k, other);
            }
        }
    }

    fn drop_or_refuse(&mut self, i: usize, kind: RuleKind, k: usize, other: LineRef) {
        let rule = self.cite(kind, k);
        if self.lines[i].automatic {
            self.dropped[i] = true;
            self.uncharge(i);
            self.findings.push(Finding::DropAuto {
                line: i,
                rule,
                why: Why::With(other),
            });
        } else {
            let mut lines = vec![i];
            if let LineRef::Claim(o) = other {
                lines.push(o);
            }
            self.findings.push(Finding::Refuse {
                lines,
                rule,
                why: Why::With(other),
            });
        }
    }
}
