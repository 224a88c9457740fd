//! Step 2: the lines the caller listed, each looked up for the date of service: its points by
//! 点数識別, and what the master says about where it may be claimed (入外適用区分, 病院・診療所区分,
//! 年齢, 施設基準).

use super::error::CalcError;
use super::facts::{u16_str, Facts};
use super::notes::{trace, Notes};
use super::work::Work;
use crate::claim::{FacilityKind, Setting};
use crate::output::{subtotal, Line};
use crate::text::{Arg, Text};
use crate::{lit, tx};
use masters::{Code, FacilityScope, InOutScope, PointKind, ProcedureRecord};
use rules::addons::ClaimKind;
use rust_decimal::Decimal;

/// Where an input line comes from: a plain item, or a procedure line of a 剤.
pub(crate) struct Src {
    /// Index in `claim.items`.
    pub item: usize,
    /// Index in the 剤's `lines`.
    pub line: Option<usize>,
    pub code: Code,
    pub count: i64,
    /// Points the caller stated (plain items only).
    pub points: Option<Decimal>,
    pub section: Option<crate::group::Section>,
}

/// The input lines of the plain items, in code order (then count), so the result does not
/// depend on the order the caller listed them in (messages keep the caller's item index); the
/// lines of each 剤 follow ([`super::drugs`]).
pub(crate) fn input_lines<'a>(f: &Facts<'a>, n: &mut Notes) -> Result<Vec<Work<'a>>, CalcError> {
    let claim = f.claim;
    let mut work: Vec<Work<'a>> = Vec::with_capacity(claim.items.len() + 4);
    let mut order: Vec<(usize, Code)> = claim
        .items
        .iter()
        .enumerate()
        .filter_map(|(i, it)| Some((i, it.code?)))
        .collect();
    order.sort_by(|&(a, x), &(b, y)| {
        x.cmp(&y)
            .then(claim.items[a].count.cmp(&claim.items[b].count))
    });
    for (i, code) in order {
        let it = &claim.items[i];
        let src = Src {
            item: i,
            line: None,
            code,
            count: it.count,
            points: it.points,
            section: it.section,
        };
        work.push(input_line(f, n, &src)?);
    }
    Ok(work)
}

/// One input line.
pub(crate) fn input_line<'a>(
    f: &Facts<'a>,
    n: &mut Notes,
    it: &Src,
) -> Result<Work<'a>, CalcError> {
    let (claim, date) = (f.claim, f.date);
    let (i, code) = (it.item, it.code);
    let entry = match f.data().lookup(code, date) {
        Ok(e) => e,
        Err(masters::LookupError::UnknownCode(_))
            if claim.kind != ClaimKind::Ika && it.points.is_some() && it.line.is_none() =>
        {
            return Ok(caller_points(f, n, it));
        }
        Err(e) => {
            let message = format!("{e} ({})", f.data().label);
            return Err(match it.line {
                None => CalcError::Item { index: i, message },
                Some(line) => CalcError::Line {
                    index: i,
                    line,
                    message,
                },
            });
        }
    };
    let r = entry.record();
    let name = r.name.as_str();
    let src = match entry.version.sources.first() {
        Some(_) => f.version_src(&mut n.t, entry.version, lit!("")),
        None => n.t.str(&f.data().label),
    };
    let (points, rule) = points_of(n, code, r);
    if let Some(p) = it.points.filter(|p| *p != r.points) {
        n.errors.push(tx!(
            n.t,
            "items[{}].points: {} stated, but {} {} has {} points on {} ({}); santei prices it from the master",
            i,
            p,
            code,
            r.name.as_str(),
            r.points,
            date,
            &f.data().label
        ));
    }
    trace!(
        n,
        rule,
        tx!(
            n.t,
            "{} on {}: 点数識別 {}, 新又は現点数 {}",
            code,
            date,
            r.point_kind.as_str(),
            r.points
        ),
        src,
        tx!(n.t, "{} points × {}", points, it.count),
    );
    if !entry.version.verified {
        n.warnings.push(tx!(
            n.t,
            "{} {}: not confirmed by an official master (santei's own entry: {})",
            code,
            name,
            src
        ));
    }
    scope_checks(f, n, code, r);
    let family = f.rules().family_of_code(code.0);
    standard_checks(f, n, code, r, family, src);
    Ok(Work {
        line: Line {
            code: Some(code),
            name: n.t.str(name),
            points,
            count: it.count,
            subtotal: subtotal(points, it.count),
            origin: "input",
            rule,
            verified: entry.version.verified,
            source: src,
            section: it.section,
            group: it.line.map(|_| i as u32),
            price: None,
        },
        name,
        family,
        input: Some(i),
        sub: it.line,
        parts: Vec::new(),
        removed: false,
        record: Some(r),
    })
}

/// A 歯科/調剤 code santei has no record of, at the points the caller states.
fn caller_points<'a>(f: &Facts<'a>, n: &mut Notes, it: &Src) -> Work<'a> {
    let i = it.item;
    let p = it.points.unwrap_or_default();
    trace!(
        n,
        lit!("input.caller_points"),
        tx!(n.t, "items[{}] {}", i, it.code),
        lit!("the claim (caller-stated points)"),
        tx!(
            n.t,
            "{} points as stated; santei has no record of this code",
            p
        ),
    );
    let name = f.claim.items[i].name.as_deref().unwrap_or("");
    Work {
        line: Line {
            code: Some(it.code),
            name: n.t.str(name),
            points: p,
            count: it.count,
            subtotal: subtotal(p, it.count),
            origin: "input",
            rule: lit!("caller_points"),
            verified: false,
            source: lit!("points stated in the claim"),
            section: it.section,
            group: None,
            price: None,
        },
        name,
        family: None,
        input: Some(i),
        sub: None,
        parts: Vec::new(),
        removed: false,
        record: None,
    }
}

/// The line's points by 点数識別, and the rule that decided them.
fn points_of(n: &mut Notes, code: Code, r: &ProcedureRecord) -> (Decimal, Text) {
    let name = r.name.as_str();
    match r.point_kind {
        PointKind::Points => (r.points, lit!("point_kind:points")),
        PointKind::MinusPoints => (-r.points, lit!("point_kind:minus_points")),
        PointKind::PercentAdd | PointKind::PercentSub => {
            (Decimal::ZERO, lit!("point_kind:percent"))
        }
        PointKind::Yen => {
            n.warnings.push(tx!(
                n.t,
                "{} {}: an amount in yen (点数識別 1), not added to the points",
                code,
                name
            ));
            (Decimal::ZERO, lit!("point_kind:yen"))
        }
        other => {
            n.warnings.push(tx!(
                n.t,
                "{} {}: 点数識別 {} is counted at its stated points",
                code,
                name,
                other.as_str()
            ));
            (r.points, lit!("point_kind:other"))
        }
    }
}

/// 入外適用区分, 病院・診療所区分, 下限/上限年齢.
fn scope_checks(f: &Facts<'_>, n: &mut Notes, code: Code, r: &ProcedureRecord) {
    let claim = f.claim;
    let name = r.name.as_str();
    let inpatient = claim.setting == Setting::Inpatient;
    match (r.in_out, inpatient) {
        (InOutScope::InpatientOnly, false) => n.errors.push(tx!(
            n.t,
            "{} {}: inpatient receipts only (入外適用区分 1), the claim is {}",
            code,
            name,
            claim.setting.as_str()
        )),
        (InOutScope::OutpatientOnly, true) => n.errors.push(tx!(
            n.t,
            "{} {}: outpatient receipts only (入外適用区分 2), the claim is inpatient",
            code,
            name
        )),
        _ => {}
    }
    match (r.facility_scope, claim.facility.kind) {
        (FacilityScope::HospitalOnly, k) if k != FacilityKind::Hospital => n.errors.push(tx!(
            n.t,
            "{} {}: hospitals only (病院・診療所区分 1), the facility is a {}",
            code,
            name,
            k.as_str()
        )),
        (FacilityScope::ClinicOnly, FacilityKind::Hospital) => n.errors.push(tx!(
            n.t,
            "{} {}: clinics only (病院・診療所区分 2), the facility is a hospital",
            code,
            name
        )),
        _ => {}
    }
    if !f.age_ok(r.age_lower, r.age_upper) {
        n.errors.push(tx!(
            n.t,
            "{} {}: the patient (born {}) is outside its age range ({}–{}) on {}",
            code,
            name,
            claim.patient.birth_date.0,
            Arg::Age(r.age_lower),
            Arg::Age(r.age_upper),
            f.date
        ));
    }
}

/// 施設基準: the master's facility-standard codes, or, for add-on codes whose standard has no
/// official code (e.g. 医療情報取得加算), the add-on rule's standard.
fn standard_checks(
    f: &Facts<'_>,
    n: &mut Notes,
    code: Code,
    r: &ProcedureRecord,
    family: Option<&str>,
    src: Text,
) {
    let (rules, date) = (f.rules(), f.date);
    let name = r.name.as_str();
    if r.facility_standards().next().is_some() {
        let mut buf = [0u8; 5];
        let ok = r
            .facility_standards()
            .any(|s| f.filing(u16_str(s, &mut buf)).is_some());
        let names = r
            .facility_standards()
            .map(|s| {
                let id = s.to_string();
                match rules.standard(&id) {
                    Some(st) => format!("{id} ({})", st.name),
                    None => id,
                }
            })
            .collect::<Vec<_>>()
            .join(" or ");
        let names = n.t.own(names);
        if ok {
            trace!(
                n,
                lit!("facility_standard"),
                tx!(n.t, "{} needs {}", code, names),
                src,
                lit!("filed and valid on the date"),
            );
        } else {
            n.errors.push(tx!(
                n.t,
                "{} {}: needs facility standard {} filed and valid on {}; the facility has not filed it",
                code,
                name,
                names,
                date
            ));
        }
    } else if let Some(rule) = family.and_then(|fam| {
        rules
            .addons
            .iter()
            .find(|a| a.family == fam && a.in_force(date))
    }) {
        if let Some(st) = rule.standard.as_deref().filter(|s| f.filing(s).is_none()) {
            let std_name = f.standard_name(&mut n.t, st);
            n.errors.push(tx!(
                n.t,
                "{} {}: needs facility standard {} valid on {}; the facility has not stated it",
                code,
                name,
                std_name,
                date
            ));
        }
    }
}
