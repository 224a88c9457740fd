//! Step 4b: the receipt rules (`rules/data/receipt/`: まるめ, 包括, 逓減, requires, conflicts,
//! not_within, time), applied by `rules::receipt::apply` to the lines so far; each finding
//! becomes the engine's effect (a line priced 0 with the rule id, a まるめ figure, tapered
//! points, an error or a warning naming the line and the rule, an automatic add-on not added)
//! and its explanation (trace, warnings, errors).

use super::facts::Facts;
use super::notes::{trace, Notes};
use super::record_sets::line_facts;
use super::work::Work;
use crate::output::subtotal;
use crate::text::Text;
use crate::{lit, tx};
use chrono::NaiveDate;
use masters::ProcedureRecord;
use rules::receipt::apply::{
    apply_with, history_sets, history_sets_of, Cited, FacilityKind, Finding, HistoryLine,
    ReceiptLine, RoundAt, Setting, Visit, Why,
};
use rules::receipt::LineFacts;
use rust_decimal::Decimal;

fn count_u32(c: i64) -> u32 {
    u32::try_from(c).unwrap_or(u32::MAX)
}

/// Apply the receipt rules to the work lines.
/// The history lines as the receipt rules read them, with their set versions, kept across the
/// days of an inpatient month (whose history only grows: the month's earlier days), so that each
/// earlier line is looked up and matched against the rule sets once, not once a day.
#[derive(Default)]
pub(crate) struct HistoryCache<'e> {
    lines: Vec<HistoryLine<'e>>,
    sets: Vec<Vec<usize>>,
    /// The date the sets are for.
    date: Option<NaiveDate>,
}

impl<'e> HistoryCache<'e> {
    /// Bring the cache up to the claim's history on `date`: new lines converted and matched;
    /// every line matched again when other set versions are in force on `date`.
    fn update(
        &mut self,
        data: &'e masters::Dataset,
        rules: &rules::receipt::ReceiptRules,
        history: &[crate::claim::HistoryLine],
        date: NaiveDate,
    ) {
        let schedule = &data.schedule;
        if history.len() < self.lines.len()
            || self
                .lines
                .iter()
                .zip(history)
                .any(|(c, h)| c.date != h.date.0 || c.facts.code != h.code.0)
        {
            *self = HistoryCache::default();
        }
        match self.date {
            Some(d) if rules.sets_stable(d, date) => {
                // Lines after the earlier date were not matched then.
                for (l, s) in self.lines.iter().zip(self.sets.iter_mut()) {
                    if l.date > d && l.date <= date {
                        *s = history_sets_of(rules, l, date);
                    }
                }
            }
            _ => {
                self.sets = history_sets(rules, &self.lines, date);
            }
        }
        self.date = Some(date);
        for h in &history[self.lines.len()..] {
            let l = history_line(schedule, h);
            self.sets.push(history_sets_of(rules, &l, date));
            self.lines.push(l);
        }
    }
}

/// A history line as the receipt rules read it: the master's record on its own date.
fn history_line<'e>(
    schedule: &'e masters::Schedule,
    h: &crate::claim::HistoryLine,
) -> HistoryLine<'e> {
    history_line_of(
        schedule.lookup(h.code, h.date.0).ok().map(|e| e.record()),
        h,
    )
}

/// [`history_line`] with the record looked up.
fn history_line_of<'e>(
    rec: Option<&'e ProcedureRecord>,
    h: &crate::claim::HistoryLine,
) -> HistoryLine<'e> {
    HistoryLine {
        date: h.date.0,
        facts: rec.map_or_else(|| LineFacts::code_only(h.code.0), line_facts),
        count: count_u32(h.count),
        points: rec.map_or(Decimal::ZERO, |r| r.points),
        sets: None,
    }
}

pub(crate) fn receipt_rules<'a, 'e>(
    f: &Facts<'a>,
    n: &mut Notes,
    work: &mut Vec<Work<'a>>,
    cache: Option<(&'e masters::Dataset, &mut HistoryCache<'e>)>,
) {
    let claim = f.claim;
    let rules = f.engine.receipt;
    let has_groups = claim.items.iter().any(|it| it.lines.is_some());
    if !rules.covers(f.date) {
        // Before the rules' coverage: recorded; a warning for claims in the receipt's shape.
        let from = rules.coverage.as_ref().map(|c| c.from);
        let msg = match from {
            Some(d) => tx!(
                n.t,
                "receipt rules (まるめ, 包括, 逓減, conditions): cannot decide on {}, before {}, the first date they describe",
                f.date,
                d
            ),
            None => lit!("receipt rules: cannot decide (no coverage)"),
        };
        trace!(
            n,
            lit!("receipt.coverage"),
            tx!(n.t, "{}", f.date),
            lit!("rules/data/receipt/sets.toml [coverage]"),
            msg
        );
        if has_groups {
            n.warnings.push(msg);
        }
        return;
    }
    // The claim's lines (drug lines: one per drug) and where each comes from.
    let mut lines: Vec<ReceiptLine<'_>> = Vec::with_capacity(work.len() + 4);
    let mut back: Vec<usize> = Vec::with_capacity(work.len() + 4);
    let n_items = claim.items.len();
    for (w, l) in work.iter().enumerate().filter(|(_, l)| !l.removed) {
        let item = l.input.map(|i| &claim.items[i]);
        let base = ReceiptLine {
            facts: l.record.map_or_else(
                || LineFacts::code_only(l.line.code.map_or(0, |c| c.0)),
                line_facts,
            ),
            section: l.line.section.map(|s| s.0),
            group: l.input.unwrap_or(n_items + w),
            points: if l.line.price.is_some() {
                Decimal::ZERO
            } else {
                l.line.points
            },
            count: count_u32(l.line.count),
            automatic: l.line.origin == "auto",
            temporary: item.and_then(|it| it.temporary).unwrap_or(false),
            second_department: item.and_then(|it| it.second_department).unwrap_or(false),
            sets: l
                .record
                .filter(|_| l.line.section.is_none())
                .and_then(|r| f.engine.record_sets.get(rules, r, f.date)),
            ..ReceiptLine::default()
        };
        let group_lines = item.and_then(|it| it.lines.as_deref()).unwrap_or_default();
        if let Some(p) = l.line.price.and_then(|i| n.prices.get(i as usize)) {
            for (k, part) in p.parts.iter().enumerate() {
                let gl = l.parts.get(k).and_then(|&j| group_lines.get(j));
                lines.push(ReceiptLine {
                    facts: LineFacts::code_only(part.code.0),
                    quantity: Some(part.quantity),
                    price_yen: Some(part.yen),
                    part: gl.and_then(|g| g.part.as_deref()),
                    specimen: gl.and_then(|g| g.specimen.as_deref()),
                    sets: None,
                    ..base
                });
                back.push(w);
            }
            continue;
        }
        let gl = l.sub.and_then(|j| group_lines.get(j));
        lines.push(ReceiptLine {
            quantity: gl.and_then(|g| g.quantity),
            part: gl.and_then(|g| g.part.as_deref()),
            not_same_time: gl.and_then(|g| g.same_time) == Some(false),
            specimen: gl.and_then(|g| g.specimen.as_deref()),
            time: gl.and_then(|g| g.time).map(|t| t.0),
            acute: gl.and_then(|g| g.acute).unwrap_or(false),
            ..base
        });
        back.push(w);
    }
    let schedule = &f.data().schedule;
    let (history, hist_sets): (std::borrow::Cow<[HistoryLine<'_>]>, _) = match cache {
        Some((data, c)) => {
            c.update(data, rules, &claim.history, f.date);
            (std::borrow::Cow::Borrowed(&c.lines[..]), Some(&c.sets[..]))
        }
        None => (
            std::borrow::Cow::Owned(
                claim
                    .history
                    .iter()
                    .map(|h| {
                        let rec = schedule.lookup(h.code, h.date.0).ok().map(|e| e.record());
                        let mut l = history_line_of(rec, h);
                        if l.date <= f.date {
                            l.sets = rec.and_then(|r| f.engine.record_sets.get(rules, r, f.date));
                        }
                        l
                    })
                    .collect(),
            ),
            None,
        ),
    };
    let visit = Visit {
        date: f.date,
        time: claim.time.map(|t| t.0),
        setting: match claim.setting {
            crate::claim::Setting::Inpatient => Setting::Inpatient,
            _ => Setting::Outpatient,
        },
        facility_kind: match claim.facility.kind {
            crate::claim::FacilityKind::Hospital => Some(FacilityKind::Hospital),
            crate::claim::FacilityKind::Clinic => Some(FacilityKind::Clinic),
            _ => None,
        },
        hours: claim.facility.hours.as_ref(),
        discharge_date: claim.discharge_date.map(|d| d.0),
    };
    let applied = apply_with(
        rules,
        f.engine.calendar,
        &visit,
        &lines,
        &history,
        hist_sets,
    );
    // (剤, rounding, work line) of the lines tapered with the rounding left to the 剤's end.
    let mut group_round: Vec<(u32, rules::receipt::Rounding, usize)> = Vec::new();
    for finding in &applied.findings {
        effect(f, n, work, &back, finding, &mut group_round);
    }
    // 「端数処理は点数計算の最後」: a 剤's tapered lines rounded once, the difference on the last.
    group_round.sort_by_key(|g| (g.0, g.2));
    group_round.dedup_by_key(|g| (g.0, g.2));
    for chunk in group_round.chunk_by(|a, b| a.0 == b.0) {
        let exact: Decimal = chunk.iter().map(|g| work[g.2].line.subtotal).sum();
        let rounded = chunk[0].1.round(exact);
        if let Some(last) = chunk.last() {
            let l = &mut work[last.2].line;
            l.subtotal += rounded - exact;
            l.points = per_unit(l.subtotal, l.count);
        }
    }
}

/// Points of one from a subtotal (exact when the count divides it).
fn per_unit(total: Decimal, count: i64) -> Decimal {
    if count <= 1 {
        return total;
    }
    (total / Decimal::from(count)).normalize()
}

/// `items[i] 160022510 name` (or `items[i].lines[j] …`, or `auto 112011010 …`) of a work line.
fn describe(n: &mut Notes, w: &Work<'_>) -> Text {
    let code = w.line.code;
    match (w.input, w.sub) {
        (Some(i), Some(j)) => tx!(
            n.t,
            "items[{}].lines[{}] {} {}",
            i,
            j as i64,
            code,
            w.line.name
        ),
        (Some(i), None) => tx!(n.t, "items[{}] {} {}", i, code, w.line.name),
        _ => tx!(n.t, "{} {} (added automatically)", code, w.line.name),
    }
}

fn cited(n: &mut Notes, c: &Cited<'_>) -> (Text, Text) {
    (n.t.str(c.id), n.t.str(c.source))
}

/// Words for why a check fired.
fn why_text(n: &mut Notes, work: &[Work<'_>], back: &[usize], why: &Why) -> Text {
    let line = |n: &mut Notes, r: &rules::receipt::apply::LineRef| match r {
        rules::receipt::apply::LineRef::Claim(i) => match back.get(*i) {
            Some(&w) => describe(n, &work[w]),
            None => lit!("a line"),
        },
        rules::receipt::apply::LineRef::History(h) => tx!(n.t, "history[{}]", *h as i64),
    };
    match why {
        Why::IncludedBy(r) => {
            let l = line(n, r);
            tx!(n.t, "included in {}", l)
        }
        Why::Missing { needs } => {
            let sets = n.t.own(needs.join(" or "));
            tx!(n.t, "needs a line of {} in scope", sets)
        }
        Why::With(r) => {
            let l = line(n, r);
            tx!(n.t, "claimed with {}", l)
        }
        Why::Within { after, date } => {
            let l = line(n, after);
            tx!(n.t, "within the period after {} on {}", l, *date)
        }
        Why::Time(rules::receipt::TimeCheck::Fails(s))
        | Why::Time(rules::receipt::TimeCheck::CannotCheck(s)) => n.t.str(s),
        Why::Time(_) => lit!("the time condition"),
        other => n.t.own(format!("{other:?}")),
    }
}

/// The lines of a finding, described (as [`describe`] words each line, joined as
/// `work::capped_list` joins them), written straight into one string of the pool.
fn lines_text(n: &mut Notes, work: &[Work<'_>], back: &[usize], lines: &[usize]) -> Text {
    use super::work::LIST_CAP;
    let mut buf = String::with_capacity(64 * lines.len().min(LIST_CAP));
    let mut shown = 0usize;
    let mut prev: Option<usize> = None;
    for w in lines.iter().filter_map(|&i| back.get(i).copied()) {
        // Consecutive repeats once (as `dedup`).
        if prev == Some(w) {
            continue;
        }
        prev = Some(w);
        if shown < LIST_CAP {
            if shown > 0 {
                buf.push_str(", ");
            }
            describe_into(&n.t, &work[w], &mut buf);
        }
        shown += 1;
    }
    if shown > LIST_CAP {
        use std::fmt::Write;
        let _ = write!(buf, " and {} more", shown - LIST_CAP);
    }
    n.t.str(&buf)
}

/// The words of [`describe`] appended to `buf`.
fn describe_into(t: &crate::text::Texts, w: &Work<'_>, buf: &mut String) {
    use std::fmt::Write;
    let code = |buf: &mut String| match w.line.code.map(|c| (c, crate::text::code_digits(c))) {
        Some((_, Some(d))) => buf.push_str(std::str::from_utf8(&d).unwrap_or_default()),
        Some((c, None)) => {
            let _ = write!(buf, "{}", c.0);
        }
        None => buf.push_str("(no code)"),
    };
    let name = |buf: &mut String| match t.as_str(w.line.name) {
        Some(s) => buf.push_str(s),
        None => {
            let _ = write!(buf, "{}", t.show(w.line.name));
        }
    };
    match (w.input, w.sub) {
        (Some(i), Some(j)) => {
            let _ = write!(buf, "items[{i}].lines[{j}] ");
            code(buf);
            buf.push(' ');
            name(buf);
        }
        (Some(i), None) => {
            let _ = write!(buf, "items[{i}] ");
            code(buf);
            buf.push(' ');
            name(buf);
        }
        _ => {
            code(buf);
            buf.push(' ');
            name(buf);
            buf.push_str(" (added automatically)");
        }
    }
}

/// One finding's effect on the work lines and its explanation.
fn effect<'a>(
    f: &Facts<'a>,
    n: &mut Notes,
    work: &mut Vec<Work<'a>>,
    back: &[usize],
    finding: &Finding<'_>,
    group_round: &mut Vec<(u32, rules::receipt::Rounding, usize)>,
) {
    match finding {
        Finding::Zero { line, rule } => {
            let Some(&w) = back.get(*line) else { return };
            let (id, src) = cited(n, rule);
            let l = &mut work[w].line;
            l.points = Decimal::ZERO;
            l.subtotal = Decimal::ZERO;
            l.rule = id;
            trace!(
                n,
                id,
                describe(n, &work[w]),
                src,
                lit!("priced 0 (包括 / limit): the line stays on the receipt")
            );
        }
        Finding::Bundle {
            rule,
            members,
            points,
            how,
        } => {
            let (id, src) = cited(n, rule);
            let mut ws: Vec<usize> = members
                .iter()
                .filter_map(|&i| back.get(i).copied())
                .collect();
            ws.sort_unstable();
            ws.dedup();
            for &w in &ws {
                let l = &mut work[w].line;
                l.points = Decimal::ZERO;
                l.subtotal = Decimal::ZERO;
                l.rule = id;
            }
            // The group's figure: a line of its own after the members (which show 0).
            if let Some(&last) = ws.last() {
                let m = &work[last];
                let line = crate::output::Line {
                    code: None,
                    name: match f.engine.receipt.bundles.get(rule.rule.index) {
                        Some(b) if rule.rule.kind == rules::receipt::RuleKind::Bundle => {
                            n.t.str(&b.name)
                        }
                        _ => n.t.str(rule.id),
                    },
                    points: *points,
                    count: 1,
                    subtotal: *points,
                    origin: "auto",
                    rule: id,
                    verified: true,
                    source: src,
                    section: m.line.section,
                    group: m.line.group,
                    price: None,
                };
                let input = m.input;
                work.push(Work {
                    line,
                    name: "",
                    family: None,
                    input,
                    sub: None,
                    parts: Vec::new(),
                    removed: false,
                    record: None,
                });
            }
            if n.keep_trace {
                let what = lines_text(n, work, back, members);
                let how = n.t.own(format!("{how:?}"));
                trace!(
                    n,
                    id,
                    what,
                    src,
                    tx!(n.t, "まるめ: {} points for the group ({})", *points, how)
                );
            }
        }
        Finding::Taper {
            line,
            rule,
            points,
            round,
            marker,
        } => {
            let Some(&w) = back.get(*line) else { return };
            let (id, src) = cited(n, rule);
            let l = &mut work[w].line;
            l.subtotal = *points;
            l.points = per_unit(*points, l.count);
            l.rule = id;
            if let RoundAt::Group(r) = round {
                if let Some(g) = l.group {
                    group_round.push((g, *r, w));
                } else {
                    l.subtotal = r.round(*points);
                    l.points = per_unit(l.subtotal, l.count);
                }
            }
            let marker = marker.map_or(0, i64::from);
            trace!(
                n,
                id,
                describe(n, &work[w]),
                src,
                tx!(
                    n.t,
                    "逓減: {} points for the line (marker code {})",
                    *points,
                    marker
                )
            );
        }
        Finding::TaperDrugs {
            group,
            rule,
            rate,
            rounding,
            kinds,
        } => {
            let (id, src) = cited(n, rule);
            let Some(w) = (0..work.len()).find(|&w| {
                work[w].input == Some(*group)
                    && work[w].line.price.is_some()
                    && !work[w].parts.is_empty()
            }) else {
                return;
            };
            let l = &mut work[w].line;
            let before = l.points;
            l.points = rounding.round(rate.apply(before));
            l.subtotal = subtotal(l.points, l.count);
            l.rule = id;
            let after = l.points;
            if n.keep_trace {
                let what = describe(n, &work[w]);
                let rate = n.t.own(format!("{}/{}", rate.numerator, rate.denominator));
                trace!(
                    n,
                    id,
                    what,
                    src,
                    tx!(
                        n.t,
                        "多剤投与 ({} kinds): 薬剤料 {} × {} → {} points",
                        *kinds,
                        before,
                        rate,
                        after
                    )
                );
            }
        }
        Finding::Refuse { lines, rule, why } | Finding::Warn { lines, rule, why } => {
            let (id, src) = cited(n, rule);
            let what = lines_text(n, work, back, lines);
            let why = why_text(n, work, back, why);
            let msg = tx!(n.t, "{}: {} (rule {}: {})", what, why, id, src);
            if matches!(finding, Finding::Refuse { .. }) {
                n.errors.push(msg);
            } else {
                n.warnings.push(msg);
            }
        }
        Finding::DropAuto { line, rule, why } => {
            let Some(&w) = back.get(*line) else { return };
            let (id, src) = cited(n, rule);
            let what = describe(n, &work[w]);
            let why = why_text(n, work, back, why);
            if work[w].line.origin == "auto" {
                work[w].removed = true;
                trace!(n, id, what, src, tx!(n.t, "not added: {}", why));
            } else {
                n.errors
                    .push(tx!(n.t, "{}: {} (rule {}: {})", what, why, id, src));
            }
        }
        Finding::Unverified { rule, sets } => {
            let (id, src) = cited(n, rule);
            let sets = n.t.own(sets.join(", "));
            n.warnings.push(tx!(
                n.t,
                "rule {} ({}): rests on codes of {} that no official master confirms on {}",
                id,
                src,
                sets,
                f.date
            ));
        }
        Finding::CannotDecide { lines, rule, why } => {
            let what = lines_text(n, work, back, lines);
            let why = why_text(n, work, back, why);
            let msg = match rule {
                Some(r) => {
                    let (id, src) = cited(n, r);
                    tx!(
                        n.t,
                        "cannot decide {}: {} (rule {}: {})",
                        what,
                        why,
                        id,
                        src
                    )
                }
                None => tx!(n.t, "receipt rules cannot decide: {}", why),
            };
            n.warnings.push(msg);
        }
    }
}
