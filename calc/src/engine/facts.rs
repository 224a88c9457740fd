//! What every step of the engine reads: the claim, its date of service and the engine's data
//! (never written during a calculation).

use super::error::CalcError;
use super::notes::Notes;
use crate::claim::{Claim, FiledStandard};
use crate::text::{Arg, Text, Texts};
use crate::{lit, tx};
use chrono::NaiveDate;
use masters::Dataset;
use rules::addons::AddonRules;
use std::cell::OnceCell;

/// The engine's data a calculation reads.
#[derive(Clone, Copy)]
pub(crate) struct Data<'a> {
    pub(crate) data: &'a Dataset,
    pub(crate) rules: &'a AddonRules,
    pub(crate) tiers: &'a rules::tier::TierRules,
    pub(crate) copay: &'a rules::copay::CopayTables,
    pub(crate) pricing: &'a rules::pricing::Pricing,
    pub(crate) receipt: &'a rules::receipt::ReceiptRules,
    pub(crate) calendar: &'a rules::calendar::Calendar,
    /// The receipt rules' sets of the schedule's records ([`super::record_sets::RecordSets`]).
    pub(crate) record_sets: &'a super::record_sets::RecordSets,
}

/// The facts of one claim.
pub(crate) struct Facts<'a> {
    pub(crate) engine: Data<'a>,
    pub(crate) claim: &'a Claim,
    /// The date of service.
    pub(crate) date: NaiveDate,
    /// The facility profile's tier result for the month, computed once per claim when a
    /// rule asks for it.
    pub(crate) tier_month: OnceCell<Result<rules::tier::MonthResult, String>>,
}

impl<'a> Facts<'a> {
    /// The facts of a claim whose date the rule files cover.
    pub(crate) fn new(engine: Data<'a>, claim: &'a Claim) -> Result<Facts<'a>, CalcError> {
        let date = claim.date.0;
        if let Some(cov) = &engine.rules.coverage {
            if date < cov.from {
                return Err(CalcError::BeforeCoverage {
                    date,
                    from: cov.from,
                    source_note: cov.source.clone(),
                });
            }
            if let Some(to) = cov.to.filter(|&to| date > to) {
                return Err(CalcError::AfterCoverage {
                    date,
                    to,
                    source_note: cov.to_source.clone().unwrap_or_default(),
                });
            }
        }
        Ok(Facts {
            engine,
            claim,
            date,
            tier_month: OnceCell::new(),
        })
    }

    pub(crate) fn data(&self) -> &'a Dataset {
        self.engine.data
    }

    pub(crate) fn rules(&self) -> &'a AddonRules {
        self.engine.rules
    }

    /// An empty claim, and history codes the schedule lacks, are worth a warning.
    pub(crate) fn check_history(&self, n: &mut Notes) {
        let schedule = &self.data().schedule;
        if self.claim.items.is_empty() && self.claim.visit.is_none() {
            n.warnings.push(lit!(
                "the claim lists no items (and no 歯科/調剤 visit): nothing to compute"
            ));
        }
        for (i, h) in self.claim.history.iter().enumerate() {
            if schedule.history(h.code).is_none() {
                n.warnings.push(tx!(
                    n.t,
                    "history[{}].code: {} is not in the schedule ({}); it counts for no limit",
                    i,
                    h.code,
                    &self.data().label
                ));
            }
        }
    }

    /// The filing that meets a standard on the date (directly or through `satisfied_by`).
    pub(crate) fn filing(&self, standard: &str) -> Option<&'a FiledStandard> {
        let also: &[String] = self
            .rules()
            .standard(standard)
            .map_or(&[], |s| s.satisfied_by.as_slice());
        self.claim
            .facility
            .standards
            .iter()
            .find(|f| (f.code == standard || also.contains(&f.code)) && f.valid_on(self.date))
    }

    /// `id (name)` of a standard, or the id alone when the rule files do not name it.
    pub(crate) fn standard_name(&self, t: &mut Texts, id: &str) -> Text {
        match self.rules().standard(id) {
            Some(s) => tx!(t, "{} ({})", id, &s.name),
            None => t.str(id),
        }
    }

    /// Where a version of the schedule comes from (`file:line`), or `fallback`.
    pub(crate) fn version_src(&self, t: &mut Texts, v: &masters::Version, fallback: Text) -> Text {
        match v.sources.first() {
            Some(s) => tx!(t, "{}", Arg::Src(&s.file, s.line as u32)),
            None => fallback,
        }
    }

    /// Whether a condition of the rule files holds for the claim on its date.
    pub(crate) fn condition(&self, c: rules::addons::Condition) -> bool {
        use rules::addons::Condition;
        let f = &self.claim.facility;
        let erx = f.e_prescription_since.is_some_and(|d| d.0 <= self.date);
        let sharing = f.electronic_sharing_since.is_some_and(|d| d.0 <= self.date);
        match c {
            Condition::Always => true,
            Condition::MynumberCard => self.claim.patient.mynumber_card,
            Condition::NotMynumberCard => !self.claim.patient.mynumber_card,
            Condition::EPrescription => erx,
            Condition::NotEPrescription => !erx,
            Condition::ElectronicSharing => sharing,
            Condition::EPrescriptionOrElectronicSharing => erx || sharing,
        }
    }

    /// Whether the patient is within an age range of the master on the date.
    pub(crate) fn age_ok(&self, lower: masters::AgeBound, upper: masters::AgeBound) -> bool {
        let birth = self.claim.patient.birth_date.0;
        let lo = lower.threshold_date(birth).is_none_or(|t| self.date >= t);
        let hi = upper.threshold_date(birth).is_none_or(|t| self.date < t);
        lo && hi
    }
}

/// The fee revision between the publication of the official master in use and `date`, if
/// any (the master does not reflect it), with the master's publication date.
pub fn revision_after_data<'r>(
    ds: &Dataset,
    rules: &'r AddonRules,
    date: NaiveDate,
) -> Option<(&'r rules::addons::Revision, NaiveDate)> {
    let as_of = ds.official_through?;
    rules
        .revisions
        .iter()
        .rev()
        .find(|r| as_of < r.date && r.date <= date)
        .map(|r| (r, as_of))
}

/// A number as text without allocating (facility-standard codes are compared as text).
pub(crate) fn u16_str(n: u16, buf: &mut [u8; 5]) -> &str {
    let mut i = buf.len();
    let mut n = n;
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    std::str::from_utf8(&buf[i..]).unwrap_or_default()
}
