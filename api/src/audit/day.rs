//! Pricing a receipt's units: one engine claim per day of service (the earlier days of the
//! month are its history) when the rule files cover the month, else the procedure master alone.

use super::group::{self, Shape};
use super::msg::{lookup_error, m, Msg};
use super::units::{record_days, Unit};
use super::{cannot, kind, rate, AuditOptions, Finding, Kind, UnitAudit};
use calc::claim::{Claim, HistoryLine};
use calc::Engine;
use chrono::NaiveDate;
use masters::{Code, PointKind};
use std::collections::{BTreeSet, HashMap};
use uke::Detail;

mod run;
use run::run_day;

/// The units as recomputed and the findings of the recomputation.
pub(crate) struct Priced {
    pub units: Vec<UnitAudit>,
    pub findings: Vec<Finding>,
}

/// A record's recomputed points per 回 (procedure master alone), or why there are none.
type RecordPoints = HashMap<usize, Result<i64, Msg>>;

/// A unit's recomputed points per 回 (by the engine, the unit as one claim item), by the
/// unit's index, or why there are none.
type UnitPoints = HashMap<usize, Result<i64, Msg>>;

/// The receipt's facts every day shares.
struct Ctx<'a> {
    engine: &'a Engine,
    r: &'a uke::ReceiptRead,
    opts: &'a AuditOptions,
    ypp: i64,
    percent: Option<u32>,
    /// The receipt's claim without items (patient, facility), built once per receipt.
    template: Option<Claim>,
    /// The receipt's units.
    units: &'a [Unit],
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
        units,
    };
    let details = &r.receipt.details;
    let mut findings = Vec::new();
    let mut points: RecordPoints = HashMap::new();
    let mut unit_points: UnitPoints = HashMap::new();
    let shapes: Vec<Result<Shape, Msg>> = units.iter().map(|u| group::shape(details, u)).collect();
    let first = r.receipt.re.service_month.first_day();
    let cov = engine.addon_rules().coverage.as_ref();
    let covered = match (first, cov) {
        (Some(d), Some(c)) => d >= c.from && c.to.is_none_or(|to| d <= to),
        (Some(_), None) => true,
        _ => false,
    };
    if covered {
        by_days(&ctx, units, &shapes, &mut unit_points, &mut findings);
    } else if let (Some(_), Some(c)) = (first, cov) {
        findings.push(cannot(
            None,
            None,
            m!(
                "audit.rules_not_checked",
                r.receipt.re.service_month.to_string(),
                c.from.to_string(),
                c.to.map(|t| t.to_string()).unwrap_or_default(),
                c.source.as_str()
            ),
        ));
        // Units of drugs or materials alone: priced from their masters on the date.
        for (k, u) in units.iter().enumerate() {
            let only_priced = u
                .records
                .iter()
                .all(|&i| !matches!(details[i], Detail::SI(_)));
            if let (true, Ok(shape)) = (only_priced, &shapes[k]) {
                unit_points.insert(k, price_alone(&ctx, u, shape));
            }
        }
    }
    // Records no day priced: the procedure master alone.
    for (k, u) in units.iter().enumerate() {
        if unit_points.contains_key(&k) {
            continue;
        }
        for &i in &u.records {
            if si_code(&details[i]).is_some() && !points.contains_key(&i) {
                points.insert(i, master_points(engine, r, i));
            }
        }
    }
    let units = units
        .iter()
        .enumerate()
        .map(|(k, u)| unit_audit(&ctx, u, unit_points.get(&k), &points, &mut findings))
        .collect();
    Priced { units, findings }
}

/// Why a unit with drugs or materials has no price: the master of the month is not at hand.
fn no_master(ctx: &Ctx<'_>, u: &Unit, why: Msg) -> Msg {
    let masters = group::master_names(&ctx.r.receipt.details, u);
    if masters.is_empty() {
        return why;
    }
    m!(
        "audit.no_master",
        masters.join("/"),
        ctx.r.receipt.re.service_month.to_string(),
        why
    )
}

/// A unit of drugs or materials alone, priced by the engine on its first day (a month before
/// the rule files' coverage: only the masters' prices and the 薬剤料 rule apply).
fn price_alone(ctx: &Ctx<'_>, u: &Unit, shape: &Shape) -> Result<i64, Msg> {
    let date = u
        .records
        .first()
        .and_then(|&i| record_date(ctx.r, i))
        .ok_or_else(|| m!("audit.no_service_date"))?;
    let mut claim = ctx.template.clone().ok_or_else(|| m!("audit.no_claim"))?;
    claim.date = calc::claim::Date(date);
    claim.items = vec![shape.item(1)];
    let out = ctx
        .engine
        .calc(&claim)
        .map_err(|e| no_master(ctx, u, super::msg::calc_error(&e)))?;
    let mut sum = 0i64;
    for l in out.lines.iter().filter(|l| l.group == Some(0)) {
        sum += whole(l.points).ok_or_else(|| m!("audit.points_not_whole", l.points.to_string()))?;
    }
    Ok(sum)
}

/// A record's points from the procedure master on its first day.
fn master_points(engine: &Engine, r: &uke::ReceiptRead, idx: usize) -> Result<i64, Msg> {
    let d = &r.receipt.details[idx];
    let date = record_date(r, idx).ok_or_else(|| m!("audit.no_service_date"))?;
    let code = Code::parse(d.code()).map_err(|e| m!("audit.code_error", d.code(), e))?;
    let e = engine.data().lookup(code, date).map_err(|e| {
        m!(
            "audit.lookup_failed",
            d.code(),
            lookup_error(&e),
            engine.data().label.as_str()
        )
    })?;
    let rec = e.record();
    let p = match rec.point_kind {
        PointKind::Points => rec.points,
        PointKind::MinusPoints => -rec.points,
        other => {
            return Err(m!(
                "audit.priced_by_rules",
                d.code(),
                rec.name.as_str(),
                other.as_str()
            ))
        }
    };
    whole(p).ok_or_else(|| {
        m!(
            "audit.code_error",
            d.code(),
            m!("audit.points_not_whole", p.to_string())
        )
    })
}

fn whole(d: rust_decimal::Decimal) -> Option<i64> {
    (d.fract().is_zero()).then(|| i64::try_from(d.trunc().mantissa()).ok())?
}

/// One unit as stated and recomputed; its point and 回数 findings.
fn unit_audit(
    ctx: &Ctx<'_>,
    u: &Unit,
    priced: Option<&Result<i64, Msg>>,
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
        reason_id: None,
        reason_msg: None,
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
            message_id: None,
            cause_id: None,
            args: Vec::new(),
            message: String::new(),
            msg: m!(
                "audit.count_days",
                stated.to_string(),
                u.days_total().to_string()
            ),
        });
    }
    let cannot_unit = |a: &mut UnitAudit, why: Msg, findings: &mut Vec<Finding>| {
        findings.push(cannot(
            Some(last),
            Some(details[last].code().to_string()),
            why.clone(),
        ));
        a.reason_msg = Some(why);
    };
    let Some(stated) = u.points else {
        cannot_unit(&mut a, m!("audit.no_points"), findings);
        return a;
    };
    let whole_unit = priced.is_some();
    let sum = match priced {
        Some(Ok(p)) => *p,
        Some(Err(why)) => {
            cannot_unit(&mut a, why.clone(), findings);
            return a;
        }
        None if u.has_drug_or_device => {
            cannot_unit(
                &mut a,
                no_master(ctx, u, m!("audit.no_day_computed")),
                findings,
            );
            return a;
        }
        None => {
            let mut sum = 0i64;
            for &i in &u.records {
                match points.get(&i) {
                    Some(Ok(p)) => sum += p,
                    Some(Err(why)) => {
                        cannot_unit(&mut a, why.clone(), findings);
                        return a;
                    }
                    None => {
                        cannot_unit(&mut a, m!("audit.not_priced"), findings);
                        return a;
                    }
                }
            }
            sum
        }
    };
    a.recomputed_points = Some(sum);
    let stated = i64::from(stated);
    if sum == stated {
        a.status = "matched";
        return a;
    }
    if u.records.len() > 1 && !whole_unit {
        a.recomputed_points = None;
        cannot_unit(
            &mut a,
            m!(
                "audit.several_procedures",
                u.records.len().to_string(),
                stated.to_string(),
                sum.to_string()
            ),
            findings,
        );
        return a;
    }
    if let (1, Detail::SI(s)) = (u.records.len(), &details[last]) {
        if s.quantity.is_some() {
            a.recomputed_points = None;
            cannot_unit(
                &mut a,
                m!("audit.quantity", s.quantity.unwrap_or_default().to_string()),
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
        message_id: None,
        cause_id: None,
        args: Vec::new(),
        message: String::new(),
        msg: m!(
            "audit.points",
            stated.to_string(),
            sum.to_string(),
            count.to_string()
        ),
    });
    a
}

/// One day's claim: its units (index, shape) and their 回数 that day.
struct DayItems<'u> {
    date: NaiveDate,
    day: u32,
    units: Vec<(usize, &'u Shape, i64)>,
}

/// Run the engine on each day of service; fill `unit_points` and add the rule findings.
fn by_days(
    ctx: &Ctx<'_>,
    units: &[Unit],
    shapes: &[Result<Shape, Msg>],
    unit_points: &mut UnitPoints,
    findings: &mut Vec<Finding>,
) {
    let ym = ctx.r.receipt.re.service_month;
    let mut days: BTreeSet<u32> = BTreeSet::new();
    for (k, u) in units.iter().enumerate() {
        if let Err(why) = &shapes[k] {
            unit_points.insert(k, Err(why.clone()));
            continue;
        }
        for (d, c) in u.days.iter().enumerate() {
            if c.is_some_and(|c| c > 0) {
                days.insert(d as u32 + 1);
            }
        }
    }
    let mut history: Vec<HistoryLine> = Vec::new();
    for day in days {
        let Some(date) = NaiveDate::from_ymd_opt(ym.year(), ym.month(), day) else {
            findings.push(cannot(
                None,
                None,
                m!("audit.not_a_day", day.to_string(), ym.to_string()),
            ));
            continue;
        };
        let mut items = DayItems {
            date,
            day,
            units: Vec::new(),
        };
        for (k, u) in units.iter().enumerate() {
            let (Ok(shape), Some(c)) = (&shapes[k], u.days[day as usize - 1]) else {
                continue;
            };
            if c == 0 || unit_points.get(&k).is_some_and(|p| p.is_err()) {
                continue;
            }
            if let Shape::Plain(code) = shape {
                if let Err(e) = ctx.engine.data().lookup(*code, date) {
                    let why = m!(
                        "audit.lookup_on",
                        code.to_string(),
                        lookup_error(&e),
                        date.to_string(),
                        ctx.engine.data().label.as_str()
                    );
                    unit_points.insert(k, Err(why));
                    continue;
                }
            }
            items.units.push((k, shape, i64::from(c)));
        }
        // A unit the engine refuses (a drug without a price on the date …) is left out of the
        // day and says why; the rest of the day is computed.
        while !items.units.is_empty() {
            match run_day(ctx, &items, &history) {
                Ok(o) => {
                    for (k, p) in o.points {
                        // A unit billed on several days keeps its first day's points.
                        unit_points.entry(k).or_insert(p);
                    }
                    findings.extend(o.findings);
                    break;
                }
                Err((Some(pos), why)) => {
                    let k = items.units.remove(pos).0;
                    unit_points.insert(k, Err(no_master(ctx, &units[k], why)));
                }
                Err((None, why)) => {
                    for &(k, _, _) in &items.units {
                        unit_points.entry(k).or_insert_with(|| Err(why.clone()));
                    }
                    break;
                }
            }
        }
        for &(_, shape, count) in &items.units {
            history.extend(shape.codes().into_iter().map(|code| HistoryLine {
                date: calc::claim::Date(date),
                code,
                count,
            }));
        }
    }
}
