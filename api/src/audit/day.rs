//! Pricing a receipt's units: one engine claim per day of service (the earlier days of the
//! month are its history) when the rule files cover the month, else the procedure master alone.

use super::units::{record_days, Unit};
use super::{cannot, rate, AuditOptions, Finding, Kind, UnitAudit};
use calc::claim::{Claim, HistoryLine, Item};
use calc::Engine;
use chrono::NaiveDate;
use masters::{Code, PointKind};
use std::collections::{BTreeSet, HashMap, VecDeque};
use uke::Detail;

/// The units as recomputed and the findings of the recomputation.
pub(crate) struct Priced {
    pub units: Vec<UnitAudit>,
    pub findings: Vec<Finding>,
}

/// A record's recomputed points per 回, or why there are none.
type RecordPoints = HashMap<usize, Result<i64, String>>;

/// The receipt's facts every day shares.
struct Ctx<'a> {
    engine: &'a Engine,
    r: &'a uke::ReceiptRead,
    opts: &'a AuditOptions,
    ypp: i64,
    percent: Option<u32>,
    /// The receipt's claim without items (patient, facility), built once per receipt.
    template: Option<Claim>,
}

impl Ctx<'_> {
    fn yen(&self, points: i64) -> Option<rust_decimal::Decimal> {
        rate::yen(points, self.ypp, self.percent)
    }

    /// The claim every day of the receipt shares: outpatient 医科, the patient's birth date,
    /// the facility of the options or else (医療法1条の5: a 病院 has 20 beds or more) a hospital
    /// when RE 病床数 ≥ 20 and a clinic otherwise — the kind-dependent findings are then
    /// cannot_check. Built through serde, so fields the claim gains later keep their defaults.
    fn claim_template(r: &uke::ReceiptRead, opts: &AuditOptions) -> Option<Claim> {
        let facility = match &opts.facility {
            Some(f) => serde_json::to_value(f).ok()?,
            None => serde_json::json!({
                "kind": if r.receipt.re.beds.is_some_and(|b| b >= 20) { "hospital" } else { "clinic" }
            }),
        };
        let first = r.receipt.re.service_month.first_day()?;
        serde_json::from_value(serde_json::json!({
            "date": first.to_string(),
            "kind": "ika",
            "setting": "outpatient",
            "patient": {"birth_date": r.receipt.re.birth_date.to_string()},
            "facility": facility,
        }))
        .ok()
    }
}

/// A plain claim line of `code` × `count`.
fn item(code: Code, count: i64) -> Item {
    Item::line(code, count)
}

fn si_code(d: &Detail) -> Option<&str> {
    match d {
        Detail::SI(s) => Some(&s.code),
        _ => None,
    }
}

/// The first day a record is billed, else the month's first day.
fn record_date(r: &uke::ReceiptRead, idx: usize) -> Option<NaiveDate> {
    let ym = r.receipt.re.service_month;
    let first = record_days(&r.receipt.details[idx])
        .and_then(|days| days.iter().position(|d| d.is_some_and(|c| c > 0)))
        .map_or(1, |p| p as u32 + 1);
    NaiveDate::from_ymd_opt(ym.year(), ym.month(), first)
}

/// Price every unit of the receipt.
pub(crate) fn price(
    engine: &Engine,
    r: &uke::ReceiptRead,
    units: &[Unit],
    opts: &AuditOptions,
) -> Priced {
    let ctx = Ctx {
        engine,
        r,
        opts,
        ypp: super::yen_per_point(engine, &r.receipt.re),
        percent: super::rate::benefit_rate(&r.receipt.re).percent,
        template: Ctx::claim_template(r, opts),
    };
    let mut findings = Vec::new();
    let mut points: RecordPoints = HashMap::new();
    let first = r.receipt.re.service_month.first_day();
    let cov = engine.addon_rules().coverage.as_ref();
    let covered = match (first, cov) {
        (Some(d), Some(c)) => d >= c.from && c.to.is_none_or(|to| d <= to),
        (Some(_), None) => true,
        _ => false,
    };
    if covered {
        by_days(&ctx, units, &mut points, &mut findings);
    } else if let (Some(_), Some(c)) = (first, cov) {
        findings.push(cannot(
            None,
            None,
            format!(
                "rules not checked (算定回数, 背反, 包括, add-ons): {} is outside {}–{}, the dates santei's rule files cover ({}); lines are priced from the procedure master alone",
                r.receipt.re.service_month,
                c.from,
                c.to.map(|t| t.to_string()).unwrap_or_default(),
                c.source
            ),
        ));
    }
    // Records no day priced: the procedure master alone.
    for u in units {
        for &i in &u.records {
            if si_code(&r.receipt.details[i]).is_some() && !points.contains_key(&i) {
                points.insert(i, master_points(engine, r, i));
            }
        }
    }
    let units = units
        .iter()
        .map(|u| unit_audit(&ctx, u, &points, &mut findings))
        .collect();
    Priced { units, findings }
}

/// A record's points from the procedure master on its first day.
fn master_points(engine: &Engine, r: &uke::ReceiptRead, idx: usize) -> Result<i64, String> {
    let d = &r.receipt.details[idx];
    let date = record_date(r, idx).ok_or_else(|| "no valid date of service".to_string())?;
    let code = Code::parse(d.code()).map_err(|e| format!("{}: {e}", d.code()))?;
    let e = engine
        .data()
        .lookup(code, date)
        .map_err(|e| format!("{}: {e} ({})", d.code(), engine.data().label))?;
    let rec = e.record();
    let p = match rec.point_kind {
        PointKind::Points => rec.points,
        PointKind::MinusPoints => -rec.points,
        other => {
            return Err(format!(
                "{} {}: 点数識別 {} is priced only by the engine's rules",
                d.code(),
                rec.name,
                other.as_str()
            ))
        }
    };
    whole(p).ok_or_else(|| format!("{}: {} points is not a whole number", d.code(), p))
}

fn whole(d: rust_decimal::Decimal) -> Option<i64> {
    (d.fract().is_zero()).then(|| i64::try_from(d.trunc().mantissa()).ok())?
}

/// One unit as stated and recomputed; its point and 回数 findings.
fn unit_audit(
    ctx: &Ctx<'_>,
    u: &Unit,
    points: &RecordPoints,
    findings: &mut Vec<Finding>,
) -> UnitAudit {
    let details = &ctx.r.receipt.details;
    let mut a = UnitAudit {
        details: u.records.clone(),
        section: u.section.clone(),
        codes: u
            .records
            .iter()
            .map(|&i| details[i].code().to_string())
            .collect(),
        stated_points: u.points,
        stated_count: u.count,
        days_count: u.days_total(),
        recomputed_points: None,
        status: "cannot_check",
        reason: None,
    };
    let last = u.last();
    if u.days_total() > 0 && u.count != Some(u.days_total()) {
        let stated = u.count.unwrap_or(0);
        let p = i64::from(u.points.unwrap_or(0));
        let impact = p * (i64::from(u.days_total()) - i64::from(stated));
        findings.push(Finding {
            kind: Kind::Count,
            detail: Some(last),
            code: Some(details[last].code().to_string()),
            day: None,
            payer: None,
            stated: Some(i64::from(stated)),
            recomputed: Some(i64::from(u.days_total())),
            points: impact,
            yen: ctx.yen(impact),
            message: format!(
                "回数 {stated} stated, its 算定日 columns add up to {}",
                u.days_total()
            ),
        });
    }
    let cannot_unit = |a: &mut UnitAudit, why: String, findings: &mut Vec<Finding>| {
        findings.push(cannot(
            Some(last),
            Some(details[last].code().to_string()),
            why.clone(),
        ));
        a.reason = Some(why);
    };
    let Some(stated) = u.points else {
        cannot_unit(&mut a, "no 点数 on the unit's last record".into(), findings);
        return a;
    };
    if u.has_drug_or_device {
        cannot_unit(
            &mut a,
            "医薬品/特定器材 lines: santei does not price drugs and materials yet (issue 20: 剤, priced from the 医薬品/特定器材 masters by the date of service)".into(),
            findings,
        );
        return a;
    }
    let mut sum = 0i64;
    for &i in &u.records {
        match points.get(&i) {
            Some(Ok(p)) => sum += p,
            Some(Err(why)) => {
                cannot_unit(&mut a, why.clone(), findings);
                return a;
            }
            None => {
                cannot_unit(&mut a, "not priced".into(), findings);
                return a;
            }
        }
    }
    a.recomputed_points = Some(sum);
    let stated = i64::from(stated);
    if sum == stated {
        a.status = "matched";
        return a;
    }
    if u.records.len() > 1 {
        a.recomputed_points = None;
        cannot_unit(
            &mut a,
            format!(
                "{} procedures in one unit: {stated} stated, Σ of their points {sum}; santei does not apply the unit's まるめ/逓減/包括 yet (issue 20)",
                u.records.len()
            ),
            findings,
        );
        return a;
    }
    if let Detail::SI(s) = &details[last] {
        if s.quantity.is_some() {
            a.recomputed_points = None;
            cannot_unit(
                &mut a,
                format!(
                    "数量データ {}: santei does not price by quantity",
                    s.quantity.unwrap_or_default()
                ),
                findings,
            );
            return a;
        }
    }
    a.status = "differing";
    let count = i64::from(u.count.unwrap_or(u.days_total()).max(1));
    let impact = (sum - stated) * count;
    findings.push(Finding {
        kind: Kind::Points,
        detail: Some(last),
        code: Some(details[last].code().to_string()),
        day: None,
        payer: None,
        stated: Some(stated),
        recomputed: Some(sum),
        points: impact,
        yen: ctx.yen(impact),
        message: format!("{} points stated, {sum} recomputed (× {count})", stated),
    });
    a
}

/// One day's claim: its SI records and their 回数 that day.
struct DayItems {
    date: NaiveDate,
    day: u32,
    records: Vec<(usize, Code, i64)>,
}

/// Run the engine on each day of service; fill `points` and add the rule findings.
fn by_days(ctx: &Ctx<'_>, units: &[Unit], points: &mut RecordPoints, findings: &mut Vec<Finding>) {
    let r = ctx.r;
    let ym = r.receipt.re.service_month;
    let mut days: BTreeSet<u32> = BTreeSet::new();
    let si: Vec<usize> = units
        .iter()
        .flat_map(|u| u.records.iter().copied())
        .filter(|&i| si_code(&r.receipt.details[i]).is_some())
        .collect();
    for &i in &si {
        if let Some(ds) = record_days(&r.receipt.details[i]) {
            for (k, c) in ds.iter().enumerate() {
                if c.is_some_and(|c| c > 0) {
                    days.insert(k as u32 + 1);
                }
            }
        }
    }
    let mut history: Vec<HistoryLine> = Vec::new();
    for day in days {
        let Some(date) = NaiveDate::from_ymd_opt(ym.year(), ym.month(), day) else {
            findings.push(cannot(
                None,
                None,
                format!("算定日 {day}: not a day of {ym}"),
            ));
            continue;
        };
        let mut items = DayItems {
            date,
            day,
            records: Vec::new(),
        };
        for &i in &si {
            let d = &r.receipt.details[i];
            let Some(c) = record_days(d).and_then(|ds| ds[day as usize - 1]) else {
                continue;
            };
            if c == 0 {
                continue;
            }
            match Code::parse(d.code()) {
                Ok(code) => match ctx.engine.data().lookup(code, date) {
                    Ok(_) => items.records.push((i, code, i64::from(c))),
                    Err(e) => {
                        points.insert(
                            i,
                            Err(format!(
                                "{}: {e} on {date} ({})",
                                d.code(),
                                ctx.engine.data().label
                            )),
                        );
                    }
                },
                Err(e) => {
                    points.insert(i, Err(format!("{}: {e}", d.code())));
                }
            }
        }
        if items.records.is_empty() {
            continue;
        }
        run_day(ctx, &items, &history, points, findings);
        history.extend(items.records.iter().map(|&(_, code, count)| HistoryLine {
            date: calc::claim::Date(date),
            code,
            count,
        }));
    }
}

/// What one engine run says about a day.
struct Outcome {
    points: Vec<(usize, Result<i64, String>)>,
    findings: Vec<Finding>,
}

fn run_day(
    ctx: &Ctx<'_>,
    items: &DayItems,
    history: &[HistoryLine],
    points: &mut RecordPoints,
    findings: &mut Vec<Finding>,
) {
    let first = run_once(ctx, items, history, ctx.opts.mynumber_card.unwrap_or(false));
    let outcome = match first {
        // マイナ保険証 use is not in the UKE: a finding stands only when it holds either way.
        Ok(o) if ctx.opts.mynumber_card.is_none() && !o.findings.is_empty() => {
            match run_once(ctx, items, history, true) {
                Ok(second) => Ok(either_way(o, second)),
                Err(_) => Ok(o),
            }
        }
        other => other,
    };
    match outcome {
        Ok(o) => {
            for (i, p) in o.points {
                // A record billed on several days keeps its first day's points.
                points.entry(i).or_insert(p);
            }
            findings.extend(o.findings);
        }
        Err(why) => {
            for &(i, _, _) in &items.records {
                points.entry(i).or_insert_with(|| Err(why.clone()));
            }
        }
    }
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
            let mut c = cannot(
                f.detail,
                f.code.clone(),
                format!(
                    "depends on whether a マイナ保険証 was used (the UKE does not say): {}",
                    f.message
                ),
            );
            c.day = f.day;
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
    items: &DayItems,
    history: &[HistoryLine],
    card: bool,
) -> Result<Outcome, String> {
    let mut claim = ctx
        .template
        .clone()
        .ok_or_else(|| "the receipt's patient or month cannot make a claim".to_string())?;
    claim.date = calc::claim::Date(items.date);
    claim.patient.mynumber_card = card;
    claim.items = items
        .records
        .iter()
        .map(|&(_, code, count)| item(code, count))
        .collect();
    claim.history = history.to_vec();
    let out = ctx
        .engine
        .calc(&claim)
        .map_err(|e| format!("day {}: santei cannot compute the day: {e}", items.day))?;
    let details = &ctx.r.receipt.details;
    // Input lines come out in input order per code.
    let mut by_code: HashMap<Code, VecDeque<usize>> = HashMap::new();
    for (k, &(_, code, _)) in items.records.iter().enumerate() {
        by_code.entry(code).or_default().push_back(k);
    }
    let mut pts = Vec::new();
    let mut line_points: Vec<Option<i64>> = vec![None; items.records.len()];
    for l in out.lines.iter().filter(|l| l.origin == "input") {
        let Some(code) = l.code else { continue };
        if let Some(k) = by_code.get_mut(&code).and_then(|q| q.pop_front()) {
            let p = whole(l.points)
                .ok_or_else(|| format!("{code}: {} points is not a whole number", l.points));
            line_points[k] = p.clone().ok();
            pts.push((items.records[k].0, p));
        }
    }
    let mut fs = Vec::new();
    let facility_known = ctx.opts.facility.is_some();
    for e in out.error_strings() {
        let kind = classify(&e);
        let code = e.get(..9).filter(|c| c.bytes().all(|b| b.is_ascii_digit()));
        let k = code.and_then(|c| {
            items
                .records
                .iter()
                .position(|&(i, _, _)| details[i].code() == c)
        });
        let detail = k.map(|k| items.records[k].0);
        if kind == Kind::FacilityStandard && !facility_known {
            let mut c = cannot(
                detail,
                code.map(str::to_string),
                format!("depends on the facility's filings and kind, which the UKE does not carry (give them as options): {e}"),
            );
            c.day = Some(items.day);
            fs.push(c);
            continue;
        }
        let stated = k.and_then(|k| line_points[k]);
        let count = k.map_or(1, |k| items.records[k].2);
        let impact = -stated.unwrap_or(0) * count;
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
            message: e,
        });
    }
    for l in out.lines.iter().filter(|l| l.origin == "auto") {
        if l.code
            .is_some_and(|c| items.records.iter().any(|&(_, x, _)| x == c))
        {
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
            message: format!(
                "算定もれ candidate: {} {} {} points × {} ({}){}",
                code.as_deref().unwrap_or("(no code)"),
                out.string(l.name),
                l.points,
                l.count,
                out.string(l.rule),
                if l.verified {
                    ""
                } else {
                    "; unverified (no official master confirms it)"
                }
            ),
        });
    }
    Ok(Outcome {
        points: pts,
        findings: fs,
    })
}

/// The kind of an engine error, from its wording (`calc::engine`'s messages).
fn classify(e: &str) -> Kind {
    if e.contains("背反")
        || e.contains("exclude each other")
        || e.contains("not claimed together")
        || e.contains("claimed in the same month")
    {
        Kind::Exclusion
    } else if e.contains("包括") || e.contains("included in") {
        Kind::Inclusion
    } else if e.contains("limit ") && e.contains("exceeded") {
        Kind::Limit
    } else if e.contains("needs its base item") || e.contains("an add-on to") {
        Kind::BaseItem
    } else if e.contains("facility standard")
        || e.contains("hospitals only")
        || e.contains("clinics only")
        || e.contains("tier-")
    {
        Kind::FacilityStandard
    } else {
        Kind::Rule
    }
}
