//! One day's engine run: the claim of the day's units, each unit's points from the engine's
//! lines (a plain line by its code, a 剤 by its item index), the rule findings (their kind by
//! message id, [`super::super::kind`]) and the 算定もれ candidates.

use super::{cannot, kind, whole, Ctx, DayItems, Finding, Kind, Shape};
use crate::audit::msg::{m, Msg};
use calc::claim::HistoryLine;
use masters::Code;
use std::collections::{HashMap, VecDeque};

/// What one engine run says about a day: each unit's points per 回, and the findings.
pub(super) struct Outcome {
    pub points: Vec<(usize, Result<i64, Msg>)>,
    pub findings: Vec<Finding>,
}

/// Why a day could not be computed: the position (in the day's units) of the item the engine
/// names, and its words.
pub(super) type DayError = (Option<usize>, Msg);

pub(super) fn run_day(
    ctx: &Ctx<'_>,
    items: &DayItems<'_>,
    history: &[HistoryLine],
) -> Result<Outcome, DayError> {
    let o = run_once(ctx, items, history, ctx.opts.mynumber_card.unwrap_or(false))?;
    // マイナ保険証 use is not in the UKE: a finding stands only when it holds either way.
    if ctx.opts.mynumber_card.is_none() && !o.findings.is_empty() {
        if let Ok(second) = run_once(ctx, items, history, true) {
            return Ok(either_way(o, second));
        }
    }
    Ok(o)
}

/// The outcome with fewer findings (the first on a tie); its findings the other outcome lacks
/// become cannot_check.
fn either_way(a: Outcome, b: Outcome) -> Outcome {
    let key = |f: &Finding| (f.kind, f.code.clone(), f.points, f.day);
    let (chosen, other) = if b.findings.len() < a.findings.len() {
        (b, a)
    } else {
        (a, b)
    };
    let others: Vec<_> = other.findings.iter().map(key).collect();
    let findings = chosen
        .findings
        .into_iter()
        .map(|f| {
            if others.contains(&key(&f)) {
                return f;
            }
            let mut c = cannot(f.detail, f.code.clone(), m!("audit.depends_on_card", f.msg));
            c.day = f.day;
            c.cause_id = f.message_id;
            c
        })
        .collect();
    Outcome {
        points: chosen.points,
        findings,
    }
}

fn run_once(
    ctx: &Ctx<'_>,
    items: &DayItems<'_>,
    history: &[HistoryLine],
    card: bool,
) -> Result<Outcome, DayError> {
    let mut claim = ctx
        .template
        .clone()
        .ok_or_else(|| (None, m!("audit.no_claim")))?;
    claim.date = calc::claim::Date(items.date);
    claim.patient.mynumber_card = card;
    claim.items = items
        .units
        .iter()
        .map(|&(_, shape, count)| shape.item(count))
        .collect();
    claim.history = history.to_vec();
    let out = ctx.engine.calc(&claim).map_err(|e| {
        let pos = match &e {
            calc::CalcError::Item { index, .. }
            | calc::CalcError::Line { index, .. }
            | calc::CalcError::ItemField { index, .. } => Some(*index),
            _ => None,
        };
        (
            pos,
            m!(
                "audit.day_failed",
                items.day.to_string(),
                crate::audit::msg::calc_error(&e)
            ),
        )
    })?;
    let units = &items.units;
    // Plain lines come out in input order per code; a 剤's lines carry its item index.
    let mut by_code: HashMap<Code, VecDeque<usize>> = HashMap::new();
    for (pos, &(_, shape, _)) in units.iter().enumerate() {
        if let Shape::Plain(code) = shape {
            by_code.entry(*code).or_default().push_back(pos);
        }
    }
    let mut sums: Vec<Result<i64, Msg>> = vec![Ok(0); units.len()];
    // Each code's points and count on the day's input lines (for the impact of a refusal).
    let mut line_of: HashMap<Code, (i64, i64)> = HashMap::new();
    for l in &out.lines {
        let pos = match l.group {
            Some(g) => Some(g as usize),
            None if l.origin == "input" => l
                .code
                .and_then(|c| by_code.get_mut(&c).and_then(|q| q.pop_front())),
            None => None,
        };
        let Some(pos) = pos.filter(|&p| p < units.len()) else {
            continue;
        };
        let p = whole(l.points).ok_or_else(|| m!("audit.points_not_whole", l.points.to_string()));
        if let (Some(c), Ok(p)) = (l.code, &p) {
            if l.origin == "input" {
                line_of.entry(c).or_insert((*p, l.count));
            }
        }
        sums[pos] = match (&sums[pos], p) {
            (Ok(a), Ok(b)) => Ok(a + b),
            (Err(e), _) => Err(e.clone()),
            (_, Err(e)) => Err(e),
        };
    }
    let pts = units.iter().map(|u| u.0).zip(sums).collect();
    let details = &ctx.r.receipt.details;
    let mut fs = Vec::new();
    let facility_known = ctx.opts.facility.is_some();
    for &t in &out.errors {
        let msg = Msg::engine(&out, t);
        let (kind, message_id) = kind::classify(ctx.engine, &out, t);
        let e = out.string(t);
        let code = leading_code(&e);
        let parsed = code.and_then(|c| Code::parse(c).ok());
        let pos = parsed.and_then(|c| units.iter().position(|u| u.1.codes().contains(&c)));
        let detail = pos.and_then(|p| {
            ctx.units[units[p].0]
                .records
                .iter()
                .copied()
                .find(|&i| Some(details[i].code()) == code)
        });
        if kind == Kind::FacilityStandard && !facility_known {
            let mut c = cannot(
                detail,
                code.map(str::to_string),
                m!("audit.depends_on_facility", msg),
            );
            c.day = Some(items.day);
            c.cause_id = message_id;
            fs.push(c);
            continue;
        }
        let line = parsed.and_then(|c| line_of.get(&c).copied());
        let stated = line.map(|l| l.0);
        let impact = -line.map_or(0, |(p, c)| p * c);
        fs.push(Finding {
            kind,
            detail,
            code: code.map(str::to_string),
            day: Some(items.day),
            payer: None,
            stated,
            recomputed: Some(0),
            points: impact,
            yen: ctx.yen(impact),
            message_id,
            cause_id: None,
            args: Vec::new(),
            message: String::new(),
            msg,
        });
    }
    no_double_count(&mut fs, ctx);
    let codes: Vec<Code> = units.iter().flat_map(|u| u.1.codes()).collect();
    for l in out
        .lines
        .iter()
        .filter(|l| l.origin == "auto" && l.group.is_none())
    {
        if l.code.is_some_and(|c| codes.contains(&c)) {
            continue;
        }
        let Some(p) = whole(l.subtotal) else { continue };
        let code = l.code.map(|c| c.to_string());
        fs.push(Finding {
            kind: Kind::MissedAddon,
            detail: None,
            code: code.clone(),
            day: Some(items.day),
            payer: None,
            stated: None,
            recomputed: whole(l.points),
            points: p,
            yen: ctx.yen(p),
            message_id: None,
            cause_id: None,
            args: Vec::new(),
            message: String::new(),
            msg: m!(
                "audit.missed_addon",
                match &code {
                    Some(c) => crate::audit::msg::Arg::from(c.as_str()),
                    None => m!("audit.no_code").into(),
                },
                Msg::engine(&out, l.name),
                l.points.to_string(),
                l.count.to_string(),
                Msg::engine(&out, l.rule),
                if l.verified {
                    m!("audit.missed_addon.verified")
                } else {
                    m!("audit.missed_addon.unverified")
                }
            ),
        });
    }
    Ok(Outcome {
        points: pts,
        findings: fs,
    })
}

/// The code an engine error names first: its first nine characters (`CODE …`), or after the
/// claim position of a receipt rule's refusal (`items[k] CODE …`, `items[k].lines[j] CODE …`).
/// (Still read from the English text: a receipt rule's refused lines reach the result as one
/// finished string, `calc::engine::receipt`, so no item index is there to read.)
fn leading_code(e: &str) -> Option<&str> {
    let rest = match e.strip_prefix("items[") {
        Some(r) => r.split_once(' ').map_or(r, |(_, after)| after),
        None => e,
    };
    rest.get(..9)
        .filter(|c| c.bytes().all(|b| b.is_ascii_digit()))
}

/// One line's points at stake once a day: when several findings refuse the same line (a 背反 and
/// a receipt rule naming the same pair), the engine's own check (背反, 算定回数 …) keeps the points
/// and yen and the receipt rule's finding gets 0; between findings of one source, the first.
fn no_double_count(fs: &mut [Finding], ctx: &Ctx) {
    let from_receipt_rules = |f: &Finding| f.message_id.is_some_and(|m| m.starts_with("receipt."));
    let mut seen: Vec<(String, Option<u32>)> = Vec::new();
    for pass in [false, true] {
        for f in fs.iter_mut() {
            if f.points == 0 || from_receipt_rules(f) != pass {
                continue;
            }
            let Some(code) = f.code.clone() else { continue };
            let key = (code, f.day);
            if seen.contains(&key) {
                f.points = 0;
                f.yen = ctx.yen(0);
            } else {
                seen.push(key);
            }
        }
    }
}
