//! Step 6: the lines that stay, a revision the data predates, the total, and the co-payment
//! block when the patient's insurance facts are given.

use super::error::CalcError;
use super::facts::{revision_after_data, Facts};
use super::notes::{trace, Notes};
use super::work::{capped_list, Work};
use crate::copay::month::CopayBlock;
use crate::output::{sum, CalcOutput, Line};
use crate::{lit, tx};
use rust_decimal::Decimal;

pub(crate) fn finish(
    f: &Facts<'_>,
    mut n: Notes,
    work: Vec<Work<'_>>,
) -> Result<CalcOutput, CalcError> {
    let mut lines: Vec<Line> = Vec::with_capacity(work.len());
    lines.extend(work.iter().filter(|l| !l.removed).map(|l| l.line));
    lines_after_revision(f, &mut n, &mut lines);
    let total = sum(lines.iter().map(|l| l.subtotal)).ok_or_else(|| {
        CalcError::Input(
            "the total points do not fit a 64-bit integer (a subtotal overflowed)".into(),
        )
    })?;
    trace!(
        n,
        lit!("total"),
        tx!(n.t, "{} lines", lines.len()),
        lit!("sum of subtotals"),
        tx!(n.t, "{} points", total),
    );
    let copay = copay_block(f, &mut n, total)?;
    Ok(CalcOutput {
        total_points: total,
        lines,
        warnings: n.warnings,
        errors: n.errors,
        trace: n.trace,
        copay,
        prices: n.prices,
        texts: n.t,
    })
}

/// A revision between the data's publication and the date of service: the official master
/// does not reflect it, so the lines it gives are not confirmed for the date (santei's own
/// entries for the revision are unverified already). One warning names the codes.
fn lines_after_revision(f: &Facts<'_>, n: &mut Notes, lines: &mut [Line]) {
    let date = f.date;
    let Some((rev, as_of)) = revision_after_data(f.data(), f.rules(), date) else {
        return;
    };
    let mut codes: Vec<masters::Code> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for l in lines.iter_mut().filter(|l| l.verified) {
        if let Some(c) = l.code {
            if seen.insert(c) {
                codes.push(c);
            }
            l.verified = false;
        }
    }
    if codes.is_empty() {
        return;
    }
    let codes = n.t.own(capped_list(&codes));
    let msg = tx!(
        n.t,
        "{} ({}): the official master in use was published up to {}, before this revision; {}: points as in force before it, not confirmed for {}",
        &rev.name,
        rev.date,
        as_of,
        codes,
        date
    );
    n.warnings.push(msg);
    trace!(
        n,
        lit!("data.revision"),
        tx!(
            n.t,
            "official master through {}; date of service {}",
            as_of,
            date
        ),
        rev.source.as_str(),
        msg,
    );
}

/// What the patient pays for this visit, when the claim gives the insurance facts (with
/// `copay_month`: the month visit by visit, this visit among them).
fn copay_block(
    f: &Facts<'_>,
    n: &mut Notes,
    total: Decimal,
) -> Result<Option<CopayBlock>, CalcError> {
    let claim = f.claim;
    let Some(patient) = claim.patient.copay_patient() else {
        return Ok(None);
    };
    let patient = patient.map_err(|e| CalcError::Input(e.to_string()))?;
    // 医療費 is whole points × 10円: the co-payment has no rounding of points to apply, so a
    // total with a fraction (points a caller stated with decimals) cannot be priced.
    if total.fract() != Decimal::ZERO {
        return Err(CalcError::Input(format!(
            "copay: the total of {} points is not a whole number of points; the co-payment is computed on whole points",
            total.normalize()
        )));
    }
    let points: i64 = total.try_into().map_err(|_| {
        CalcError::Input(format!(
            "copay: the total of {total} points is out of range"
        ))
    })?;
    if let Some(cm) = &claim.copay_month {
        let (month, visit) = crate::copay::month::Month::from_claim(
            cm,
            &crate::copay::month::ClaimVisit {
                date: f.date,
                setting: claim.setting.copay_setting(),
                birth_date: claim.patient.birth_date.0,
                facts: claim.patient.copay_facts(),
                public_expense: &claim.public_expense,
                points: points.max(0),
            },
        )
        .map_err(|e| CalcError::Input(format!("copay: {e}")))?;
        let out = crate::copay::month::compute_month(f.engine.copay, &month)
            .map_err(|e| CalcError::Input(format!("copay: {e}")))?;
        let pays = out.visits.get(visit).map_or(0, |v| v.window_payment);
        trace!(
            n,
            lit!("copay"),
            tx!(
                n.t,
                "{} points, visit {} of {} in the month",
                points,
                visit + 1,
                out.visits.len()
            ),
            lit!("calc::copay::month (rules/data/copay)"),
            tx!(n.t, "patient pays {} yen", pays),
        );
        return Ok(Some(CopayBlock::Month(Box::new(
            crate::copay::month::ClaimMonthOutput { visit, month: out },
        ))));
    }
    let visit = crate::copay::Visit {
        patient,
        date: f.date,
        setting: claim.setting.copay_setting(),
        points: points.max(0),
        public_expense: claim.public_expense.clone(),
        meals: 0,
        rate_percent: None,
        month_to_date: claim.month_to_date,
    };
    let out = crate::copay::compute_visit(f.engine.copay, &visit)
        .map_err(|e| CalcError::Input(format!("copay: {e}")))?;
    trace!(
        n,
        lit!("copay"),
        tx!(n.t, "{} points", points),
        lit!("calc::copay (rules/data/copay)"),
        tx!(n.t, "patient pays {} yen", out.patient_pays),
    );
    Ok(Some(CopayBlock::Visit(out)))
}
