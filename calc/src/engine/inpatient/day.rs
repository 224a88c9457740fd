//! One day of the month: the 起算日 of the stay, the ward's 入院基本料 and its 入院期間加算 by the
//! elapsed days, a 入院期間加算 that does not fit the day refused, and the day computed by the
//! engine's pipeline with the month's earlier days as history.

use super::output::{DayOutput, MonthNotes};
use super::Engine;
use crate::claim::{Claim, Item, Setting};
use crate::engine::error::CalcError;
use crate::inpatient::InpatientMonth;
use crate::lit;
use chrono::NaiveDate;
use masters::Code;

/// A plain item of one code, once (the ward's 入院料 and its 入院期間加算).
fn plain_item(code: Code) -> Item {
    Item::line(code, 1)
}

/// The month's claim (its date and items are each day's): the patient without the insurance
/// facts (the co-payment is the month's, one receipt, not the day's), the facility, the
/// history before the month.
pub(super) fn month_claim(m: &InpatientMonth) -> Claim {
    let mut patient = m.patient.clone();
    patient.insurance = None;
    let mut history = Vec::with_capacity(m.history.len() + 8 * m.days.len());
    history.extend_from_slice(&m.history);
    Claim {
        date: m.admission.date,
        kind: m.kind,
        setting: Setting::Inpatient,
        patient,
        facility: m.facility.clone(),
        items: Vec::new(),
        history,
        visit: None,
        public_expense: Vec::new(),
        month_to_date: None,
        copay_month: None,
        time: None,
        // The last discharge before this stay (the outpatient rules that count from one).
        discharge_date: m.admission.previous.as_ref().map(|p| p.discharge_date),
    }
}

fn wcode_or(c: Option<Code>) -> String {
    c.map(|c| c.to_string()).unwrap_or_default()
}

/// The name of a code on a date (for messages), or "".
fn name_of(e: &Engine, code: Code, date: NaiveDate) -> String {
    e.data()
        .lookup(code, date)
        .map(|x| x.record().name.clone())
        .unwrap_or_default()
}

/// The 起算日 of the stay: the stated one, checked against the readmission rule (通知 第２部
/// 通則 ７ (2)) when an earlier admission is given; a stated 起算日 the rule contradicts is an
/// error, and the rule's 起算日 is used.
pub(super) fn reckoning(
    e: &Engine,
    m: &InpatientMonth,
    notes: &mut MonthNotes,
) -> Result<NaiveDate, CalcError> {
    let adm = m.admission.date.0;
    let stated = m.admission.reckoning_date.map(|d| d.0);
    let Some(p) = &m.admission.previous else {
        let r = stated.unwrap_or(adm);
        notes.trace(
            "inpatient.reckoning",
            format!(
                "admission {adm}, 起算日 stated: {}",
                stated.map_or("none".into(), |d| d.to_string())
            ),
            "通知 第２部 通則 ７ (1), 第２部 通則５",
            format!("起算日 {r}"),
        );
        return Ok(r);
    };
    let rule = &e.inpatient.rules.readmission;
    let months = if p.designated {
        rule.gap_months_designated
    } else {
        rule.gap_months
    };
    let new_from = p
        .discharge_date
        .0
        .checked_add_months(chrono::Months::new(months))
        .ok_or_else(|| {
            CalcError::Input("admission.previous.discharge_date: out of range".into())
        })?;
    let keeps = p.same_condition && adm < new_from;
    let expected = if keeps { p.reckoning_date.0 } else { adm };
    let why = if !p.same_condition {
        "another condition: a new 起算日".to_string()
    } else if keeps {
        format!(
            "same condition, admitted before {new_from} ({months} months from the discharge {}): the first admission's 起算日",
            p.discharge_date.0
        )
    } else {
        format!(
            "same condition, admitted on or after {new_from} ({months} months from the discharge {}): a new 起算日",
            p.discharge_date.0
        )
    };
    notes.trace(
        "inpatient.reckoning",
        format!(
            "admission {adm}; earlier stay from {} to {}",
            p.reckoning_date.0, p.discharge_date.0
        ),
        &rule.source,
        format!("{why}: 起算日 {expected}"),
    );
    if let Some(s) = stated.filter(|&s| s != expected) {
        notes.error(format!(
            "admission.reckoning_date: {s} stated, but the 起算日 is {expected} ({why}; {})",
            rule.source
        ));
    }
    Ok(expected)
}

/// The day's 入院基本料 code: the ward's, or for a 入院基本料 whose code goes by the elapsed
/// days (`[[basic_by_days]]`, Ａ１０８) the code of the day's range.
fn day_basic(
    e: &Engine,
    wcode: Code,
    date: NaiveDate,
    reck: NaiveDate,
    elapsed: u32,
    i: usize,
    notes: &mut MonthNotes,
) -> Result<(Code, Option<usize>), CalcError> {
    let Some((b, _)) = e.inpatient.by_days_of(wcode, date) else {
        return Ok((wcode, None));
    };
    let entry = &e.inpatient.rules.basic_by_days[b];
    let Some(j) = entry.step.iter().position(|s| s.contains(elapsed, reck)) else {
        return Err(CalcError::Input(format!(
            "days[{i}] ({date}): the ward's 入院料 {wcode} {} has no code for day {elapsed} of the stay ({})",
            entry.name, entry.source
        )));
    };
    let code = e.inpatient.codes.by_days_step_codes[b][j];
    notes.trace(
        "inpatient.basic_by_days",
        format!("{date}: day {elapsed} since the 起算日 {reck}, ward {wcode}"),
        &entry.source,
        format!("{code} {} (days {})", entry.name, entry.step[j].days(reck)),
    );
    Ok((code, Some(b)))
}

/// One day.
pub(super) fn compute<'e>(
    e: &'e Engine,
    m: &InpatientMonth,
    reck: NaiveDate,
    i: usize,
    st: &mut super::MonthState<'e>,
    notes: &mut MonthNotes,
) -> Result<DayOutput, CalcError> {
    let d = &m.days[i];
    let date = d.date.0;
    let (claim, cache, ops) = (&mut st.claim, &mut st.cache, &st.ops);
    let ward = d.ward.as_ref().unwrap_or(&m.admission.ward);
    let Some(wcode) = ward.code else {
        return Err(CalcError::Input(format!("days[{i}].ward.code: missing")));
    };
    let elapsed = u32::try_from((date - reck).num_days() + 1).unwrap_or(0);
    let data = &e.inpatient;
    let rules = &data.rules;
    let (wcode, by_days) = day_basic(e, wcode, date, reck, elapsed, i, notes)?;
    let pi = data.period_of(wcode, date);
    let period = pi.map(|p| &rules.periods[p]);
    let want = pi.and_then(|p| {
        rules.periods[p]
            .step
            .iter()
            .position(|s| s.contains(elapsed, reck))
            .map(|j| {
                (
                    &rules.periods[p].step[j],
                    data.codes.period_step_codes[p][j],
                )
            })
    });
    let mut items = std::mem::take(&mut claim.items);
    items.clear();
    let mut origin: Vec<Option<usize>> = Vec::with_capacity(d.items.len() + 2);
    let (mut listed_basic, mut listed_period) = (false, false);
    for (j, it) in d.items.iter().enumerate() {
        if it.code == Some(wcode) {
            listed_basic = true;
        }
        let refuse = |notes: &mut MonthNotes, why: String| {
            notes.error(format!(
                "{date} (day {elapsed}): days[{i}].items[{j}].code {} {}: refused — {why}",
                wcode_or(it.code),
                it.code.map(|c| name_of(e, c, date)).unwrap_or_default(),
            ));
        };
        if let Some((b, k)) = it
            .code
            .filter(|&c| c != wcode)
            .and_then(|c| data.by_days_of(c, date))
        {
            // A code of a 入院基本料 by elapsed days that is not the day's.
            let entry = &rules.basic_by_days[b];
            let why = if by_days == Some(b) {
                format!(
                    "it is for days {} of the stay, and this is day {elapsed} counted from the 起算日 {reck}; the day's is {wcode}",
                    entry.step[k].days(reck)
                )
            } else {
                format!(
                    "it is {} (days {}), not the ward's 入院料 {wcode} {}",
                    entry.name,
                    entry.step[k].days(reck),
                    name_of(e, wcode, date)
                )
            };
            refuse(notes, format!("{why} ({})", entry.source));
            continue;
        }
        if let Some((p, k)) = it.code.and_then(|c| data.step_of_code(c, date)) {
            let p = &rules.periods[p];
            let s = &p.step[k];
            let ward_fits = period.is_some_and(|wp| wp.id == p.id);
            let day_fits = s.contains(elapsed, reck);
            if !(ward_fits && day_fits) {
                let why = if ward_fits {
                    format!(
                        "it is for days {} of the stay, and this is day {elapsed} counted from the 起算日 {reck}",
                        s.days(reck)
                    )
                } else {
                    format!(
                        "it is the 入院期間加算 of {} ({}), not of the ward's 入院料 {wcode} {}",
                        p.name,
                        p.bases.first().map_or("", |b| b.as_str()),
                        name_of(e, wcode, date)
                    )
                };
                refuse(notes, format!("{why} ({})", p.source));
                continue;
            }
            listed_period = true;
        }
        if let Some(why) = it
            .code
            .and_then(|c| super::restrict::refusal(e, ops, c, date))
        {
            refuse(notes, why);
            continue;
        }
        items.push(it.clone());
        origin.push(Some(j));
    }
    let mut auto: [Option<Code>; 2] = [None, None];
    if !listed_basic {
        items.push(plain_item(wcode));
        origin.push(None);
        auto[0] = Some(wcode);
    }
    if let (Some(p), Some((s, code))) = (period, want) {
        if !listed_period {
            items.push(plain_item(code));
            origin.push(None);
            auto[1] = Some(code);
        }
        notes.trace(
            "inpatient.period",
            format!("{date}: day {elapsed} since the 起算日 {reck}, ward {wcode}"),
            &p.source,
            format!("{} (days {})", s.code, s.days(reck)),
        );
    }
    claim.date = d.date;
    claim.items = items;
    let mut result = e.calc_with(claim, Some(cache)).map_err(|err| match err {
        CalcError::Item { index, message } => match origin.get(index).copied().flatten() {
            Some(j) => CalcError::Input(format!("days[{i}].items[{j}].code: {message}")),
            None => CalcError::Input(format!(
                "days[{i}] ({date}): the ward's 入院料 or its 入院期間加算: {message}"
            )),
        },
        other => CalcError::Input(format!("days[{i}] ({date}): {other}")),
    })?;
    for l in result.lines.iter_mut() {
        if l.code.is_some() && l.code == auto[0] {
            l.origin = "auto";
            l.rule = lit!("inpatient.ward");
        } else if l.code.is_some() && l.code == auto[1] {
            l.origin = "auto";
            l.rule = lit!("inpatient.period");
        }
    }
    for t in &result.errors {
        notes.error(format!("{date} (day {elapsed}): {}", result.string(*t)));
    }
    for t in &result.warnings {
        notes.warn(result.string(*t));
    }
    Ok(DayOutput {
        date,
        day_of_stay: elapsed,
        ward: wcode,
        meals: d.meals.as_ref().map_or(0, |x| x.count()),
        meal_fee_yen: 0,
        result,
    })
}
