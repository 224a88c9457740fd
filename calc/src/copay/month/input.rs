//! The month form of `santei copay`: one patient, one facility, one month, 入院 or 外来, visit
//! by visit — each visit with its date, points, the 公費 it was billed under, first visit or
//! not, whether it counts as a day, and what was already paid at the window; the patient's
//! insurer(s) in the month (a change in mid-month starts a new insurer on its date), or none
//! (自費 / 公費単独), and the 国保 一部負担金 減免.
//!
//! Invariants: checked as a whole before any computation ([`Month::try_from`]); errors name
//! the field path and the value; visits are kept in date order (stable for one day).

pub use super::fields::Insurer;
use super::fields::{
    CertificateFields, ClaimMonth, MonthFields, PatientFields, ReductionFields, VisitFields,
};
use crate::copay::input::{CopayFacts, Patient, PublicExpenseClaim, Setting};
use crate::copay::CopayError;
use crate::values::{Amount, Date, Law, Month as MonthText, Rate};
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Deserializer};

/// 国保 一部負担金の減免 (国民健康保険法44条; the receipt's 減免区分 1 減額, 2 免除, 3 支払猶予).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reduction {
    /// 減額: the patient pays `100 − percent` % of the 一部負担金 (rounded to 10円).
    Reduction { percent: u32 },
    /// 免除: the patient pays nothing.
    Exemption,
    /// 徴収猶予: nothing at the window; the amount is owed to the insurer later.
    Deferral,
}

impl Reduction {
    /// The name as written.
    pub fn name(self) -> &'static str {
        match self {
            Reduction::Reduction { .. } => "reduction",
            Reduction::Exemption => "exemption",
            Reduction::Deferral => "deferral",
        }
    }
}

/// One insurer period of the month: from `from` (the month's first day for the first).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Period {
    /// First day covered.
    pub from: NaiveDate,
    /// The insurer.
    pub insurer: Insurer,
    /// The patient under this insurer (`None` without insurance).
    pub patient: Option<Patient>,
    /// 一部負担金の減免.
    pub reduction: Option<Reduction>,
}

/// One public programme's 受給者証 for the month.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Certificate {
    /// As a receipt's `public_expense` entry (cap, already paid elsewhere, rate).
    pub claim: PublicExpenseClaim,
    /// Visits already charged under it this month at other facilities (count limits).
    pub visits_elsewhere: u32,
}

/// One visit of the month.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MonthVisit {
    /// Date of service.
    pub date: NaiveDate,
    /// The visit's points.
    pub points: i64,
    /// The 公費 it was billed under (法別番号, each in `public_expense`).
    pub public: Vec<String>,
    /// 初診.
    pub first_visit: bool,
    /// Counts as a day (実日数); a second visit on one day does not.
    pub counts_as_day: bool,
    /// Already paid at the window for this visit.
    pub paid: i64,
    /// Meals (入院).
    pub meals: i64,
}

/// A month of visits, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Month {
    /// First day of the month.
    pub month: NaiveDate,
    pub setting: Setting,
    /// Insurer periods in date order (the first from the month's first day).
    pub periods: Vec<Period>,
    /// The month's 受給者証.
    pub public_expense: Vec<Certificate>,
    /// Visits in date order.
    pub visits: Vec<MonthVisit>,
}

fn bad(field: &str, message: impl Into<String>) -> CopayError {
    CopayError::Invalid {
        field: field.to_string(),
        message: message.into(),
    }
}

fn reduction(path: &str, r: Option<ReductionFields>) -> Result<Option<Reduction>, CopayError> {
    let Some(r) = r else { return Ok(None) };
    let out = match r.kind.trim() {
        "reduction" | "減額" => {
            let rate = r.rate.ok_or_else(|| {
                bad(
                    &format!("{path}.reduction.rate"),
                    "required for a reduction (減額): the share reduced, e.g. 0.5",
                )
            })?;
            Reduction::Reduction { percent: rate.0 }
        }
        "exemption" | "免除" => Reduction::Exemption,
        "deferral" | "猶予" => Reduction::Deferral,
        other => {
            return Err(bad(
                &format!("{path}.reduction.kind"),
                format!("unknown value \"{other}\" (expected reduction, exemption or deferral)"),
            ))
        }
    };
    if r.rate.is_some() && !matches!(out, Reduction::Reduction { .. }) {
        return Err(bad(
            &format!("{path}.reduction.rate"),
            format!("only a reduction (減額) has a rate, not {}", out.name()),
        ));
    }
    Ok(Some(out))
}

#[allow(clippy::too_many_arguments)]
fn period(
    path: &str,
    from: NaiveDate,
    birth: NaiveDate,
    insurer: Insurer,
    facts: CopayFacts,
    red: Option<ReductionFields>,
) -> Result<Period, CopayError> {
    let patient = match insurer {
        Insurer::Insured(kind) => Some(Patient::from_facts(
            path,
            birth,
            &CopayFacts {
                insurance: Some(kind),
                ..facts
            },
        )?),
        Insurer::None => None,
    };
    let reduction = reduction(path, red)?;
    if reduction.is_some() && patient.is_none() {
        return Err(bad(
            &format!("{path}.reduction"),
            "一部負担金の減免 needs an insurer (insurance none has no 一部負担金)",
        ));
    }
    Ok(Period {
        from,
        insurer,
        patient,
        reduction,
    })
}

impl TryFrom<MonthFields> for Month {
    type Error = CopayError;
    fn try_from(m: MonthFields) -> Result<Month, CopayError> {
        let month = m.month.0;
        let in_month = |d: NaiveDate| (d.year(), d.month()) == (month.year(), month.month());
        let p = m.patient;
        let birth = p.birth_date.0;
        let facts = p.facts(p.meal_long_stay);
        let first = period("patient", month, birth, p.insurance, facts, p.reduction)?;
        let mut periods = vec![first];
        for (i, c) in m.insurer_change.into_iter().enumerate() {
            let path = format!("insurer_change[{i}]");
            let from = c.from.0;
            if !in_month(from) || from == month {
                return Err(bad(
                    &format!("{path}.from"),
                    format!(
                        "{from} is not a day after the 1st of {}",
                        month.format("%Y-%m")
                    ),
                ));
            }
            if periods.last().is_some_and(|l| l.from >= from) {
                return Err(bad(
                    &format!("{path}.from"),
                    format!("{from} is not after the previous insurer's start"),
                ));
            }
            let facts = c.facts(None);
            periods.push(period(&path, from, birth, c.insurance, facts, c.reduction)?);
        }
        let mut certs: Vec<Certificate> = Vec::new();
        for (i, c) in m.public_expense.into_iter().enumerate() {
            if certs.iter().any(|x| x.claim.law == c.law.0) {
                return Err(bad(
                    &format!("public_expense[{i}].law"),
                    format!("法別番号 \"{}\" is listed twice", c.law.0),
                ));
            }
            let elsewhere = c.visits_elsewhere.unwrap_or_default().0;
            if elsewhere > crate::values::MAX_VISITS {
                return Err(bad(
                    &format!("public_expense[{i}].visits_elsewhere"),
                    format!("{elsewhere} is above {}", crate::values::MAX_VISITS),
                ));
            }
            certs.push(Certificate {
                claim: PublicExpenseClaim {
                    law: c.law.0,
                    monthly_cap: c.monthly_cap.map(|a| a.0),
                    already_paid: c.already_paid.unwrap_or_default().0,
                    rate_percent: c.rate.map(|r| r.0),
                },
                visits_elsewhere: elsewhere as u32,
            });
        }
        if m.visits.is_empty() {
            return Err(bad("visits", "a month needs at least one visit"));
        }
        if m.visits.len() as i64 > crate::values::MAX_VISITS {
            return Err(bad(
                "visits",
                format!(
                    "{} visits is above {}",
                    m.visits.len(),
                    crate::values::MAX_VISITS
                ),
            ));
        }
        let mut visits = Vec::with_capacity(m.visits.len());
        for (i, v) in m.visits.into_iter().enumerate() {
            let path = format!("visits[{i}]");
            let date = v.date.0;
            if !in_month(date) {
                return Err(bad(
                    &format!("{path}.date"),
                    format!("{date} is not in the month {}", month.format("%Y-%m")),
                ));
            }
            if date < birth {
                return Err(bad(
                    &format!("{path}.date"),
                    format!("{date} is before the birth date {birth}"),
                ));
            }
            let mut public: Vec<String> = Vec::with_capacity(v.public.len());
            for (j, law) in v.public.into_iter().enumerate() {
                if !certs.iter().any(|c| c.claim.law == law.0) {
                    return Err(bad(
                        &format!("{path}.public[{j}]"),
                        format!("法別番号 \"{}\" is not in public_expense", law.0),
                    ));
                }
                if public.contains(&law.0) {
                    return Err(bad(
                        &format!("{path}.public[{j}]"),
                        format!("法別番号 \"{}\" is listed twice", law.0),
                    ));
                }
                public.push(law.0);
            }
            if let Some(n) = v.meals.filter(|n| n.0 > crate::values::MAX_MEALS) {
                return Err(bad(
                    &format!("{path}.meals"),
                    format!("{} is above {}", n.0, crate::values::MAX_MEALS),
                ));
            }
            visits.push(MonthVisit {
                date,
                points: v.points.0,
                public,
                first_visit: v.first_visit.unwrap_or_default().0,
                counts_as_day: v.counts_as_day.map_or(true, |f| f.0),
                paid: v.paid.unwrap_or_default().0,
                meals: v.meals.unwrap_or_default().0,
            });
        }
        support::sort::sort_by_key(&mut visits, |v| v.date);
        Ok(Month {
            month,
            setting: m.setting.unwrap_or(Setting::Outpatient),
            periods,
            public_expense: certs,
            visits,
        })
    }
}

impl<'de> Deserialize<'de> for Month {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let f = MonthFields::deserialize(d)?;
        Month::try_from(f).map_err(serde::de::Error::custom)
    }
}

impl Month {
    /// The insurer period covering `date`.
    pub fn period_of(&self, date: NaiveDate) -> usize {
        self.periods
            .iter()
            .rposition(|p| p.from <= date)
            .unwrap_or(0)
    }
}

/// A claim's visit in its month: the facts of the claim the month form needs.
pub struct ClaimVisit<'a> {
    /// Date of service.
    pub date: NaiveDate,
    pub setting: Setting,
    pub birth_date: NaiveDate,
    /// The claim's co-payment facts (`insurance` given).
    pub facts: CopayFacts,
    /// The claim's `public_expense`.
    pub public_expense: &'a [PublicExpenseClaim],
    /// The claim's total points.
    pub points: i64,
}

impl Month {
    /// The month of a claim's visit (`copay_month` of `santei calc`): the claim's visit
    /// among the month's other visits. Returns the month and the index of the claim's visit
    /// in [`Month::visits`] (after the other visits of its day). Errors name the field under
    /// `copay_month`.
    pub fn from_claim(cm: &ClaimMonth, c: &ClaimVisit<'_>) -> Result<(Month, usize), CopayError> {
        let under = |e: CopayError| match e {
            CopayError::Invalid { field, message } => CopayError::Invalid {
                field: format!("copay_month.{field}"),
                message,
            },
            other => other,
        };
        let Some(kind) = c.facts.insurance else {
            return Err(bad("patient.insurance", "the month form needs the insurer"));
        };
        let mut certs = Vec::with_capacity(c.public_expense.len());
        for p in c.public_expense {
            certs.push(CertificateFields {
                law: Law(p.law.clone()),
                monthly_cap: p.monthly_cap.map(Amount),
                already_paid: Some(Amount(p.already_paid)),
                rate: p.rate_percent.map(Rate),
                visits_elsewhere: None,
            });
        }
        for (law, n) in &cm.visits_elsewhere {
            let norm = Law::deserialize(
                serde::de::value::StrDeserializer::<serde::de::value::Error>::new(law),
            )
            .map(|l| l.0)
            .unwrap_or_else(|_| law.clone());
            match certs.iter_mut().find(|x| x.law.0 == norm) {
                Some(x) => x.visits_elsewhere = Some(*n),
                None => {
                    return Err(bad(
                        &format!("copay_month.visits_elsewhere.{law}"),
                        format!("法別番号 \"{law}\" is not in the claim's public_expense"),
                    ))
                }
            }
        }
        let public = match &cm.public {
            Some(p) => p.clone(),
            None => c
                .public_expense
                .iter()
                .map(|p| Law(p.law.clone()))
                .collect(),
        };
        let mut visits = cm.visits.clone();
        visits.push(VisitFields {
            date: Date(c.date),
            points: Amount(c.points),
            public,
            first_visit: cm.first_visit,
            counts_as_day: cm.counts_as_day,
            paid: cm.paid,
            meals: None,
        });
        let index = cm.visits.iter().filter(|v| v.date.0 <= c.date).count();
        let f = &c.facts;
        let fields = MonthFields {
            month: MonthText(c.date.with_day(1).unwrap_or(c.date)),
            setting: Some(c.setting),
            patient: PatientFields {
                birth_date: Date(c.birth_date),
                insurance: Insurer::Insured(kind),
                income_category: f.income_category,
                limit_certificate: f.limit_certificate,
                high_cost_count: f.high_cost_count,
                specific_disease: f.specific_disease,
                meal_long_stay: f.meal_long_stay,
                kouki_by_disability: f.kouki_by_disability,
                reduction: cm.reduction.clone(),
            },
            insurer_change: cm.insurer_change.clone(),
            public_expense: certs,
            visits,
        };
        let month = Month::try_from(fields).map_err(under)?;
        Ok((month, index))
    }
}
