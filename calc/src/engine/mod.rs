//! The engine: one claim in, points, lines, warnings, errors and a trace out.
//!
//! The pipeline, one module per step; each step reads the claim's facts ([`Facts`]: the
//! claim, its date, the engine's data) and the lines so far, and writes lines and the
//! explanation ([`Notes`]: trace, warnings, errors):
//! 1. coverage ([`Facts::new`]): the date must be one the rule files cover;
//! 2. [`lines`]: each input code looked up for the date of service (点数識別 decides how its
//!    points count), age limits, 入外 scope, facility-standard gating; [`drugs`]: the lines of
//!    each 剤 (procedures fitting its 診療識別, 薬剤料, 特定保険医療材料料); [`groups`]: 注加算;
//! 3. [`age`]: age add-ons (年齢加算1–4) added automatically;
//! 4. [`addons`]: the rule add-ons (the medical-DX families) added when the rule files say so,
//!    with the tier from [`tier`];
//! 4b. [`receipt`]: the receipt rules of `rules/data/receipt/` (まるめ, 包括, 逓減, conditions,
//!    time add-ons) applied by `rules::receipt::apply`; [`inclusions`]: 包括 by the official
//!    02包括テーブル when loaded;
//! 5. [`limits`] (算定回数 tables, the rules' own limits, shared allowances), the add-on rules
//!    for add-on codes listed by hand ([`hand_addons`]), and [`exclusions`] (背反: same time /
//!    day / week / month) against the history and this claim;
//! 6. [`totals`]: lines after a revision the data predates, the total, and the co-payment
//!    block when the patient's insurance facts are given.
//!
//! An input line that breaks a rule is an `errors` entry (the claim is wrong); an automatic
//! add-on that a rule refuses is not added, and `warnings` says why.

mod addons;
mod age;
mod drugs;
mod error;
mod exclusions;
mod facts;
mod groups;
mod hand_addons;
mod inclusions;
pub(crate) mod inpatient;
mod limits;
mod line_words;
mod lines;
mod notes;
pub(crate) mod receipt;
mod record_sets;
mod tier;
mod totals;
mod work;

use crate::claim::Claim;
use crate::output::CalcOutput;
use facts::Facts;
use masters::Dataset;
use notes::Notes;
use rules::addons::AddonRules;
use rules::tier::TierRules;
use std::sync::Arc;

pub use error::{CalcError, EngineError};
pub use facts::revision_after_data;
pub use record_sets::line_facts;

/// The engine with its data: the dated schedule and 電子点数表 tables (`masters`) and the rule
/// files (`rules`). Immutable after construction; cheap to clone (the schedule is shared).
#[derive(Clone, Debug)]
pub struct Engine {
    data: Arc<Dataset>,
    addons: AddonRules,
    tiers: TierRules,
    copay: rules::copay::CopayTables,
    pricing: rules::pricing::Pricing,
    receipt: rules::receipt::ReceiptRules,
    calendar: rules::calendar::Calendar,
    /// The inpatient month's rules (`rules/data/inpatient/`) and the 04入院基本料テーブル by
    /// add-on code, built on first use.
    inpatient: inpatient::InpatientData,
    /// The receipt rules' sets of each schedule record, per period, filled on first use.
    record_sets: Arc<record_sets::RecordSets>,
}

impl Engine {
    /// The engine on santei's embedded data and rule files.
    pub fn embedded() -> Result<Engine, EngineError> {
        Engine::with_data(masters::pack::embedded()?)
    }

    /// The engine on a loaded data set, with the embedded rule files.
    pub fn with_data(data: Dataset) -> Result<Engine, EngineError> {
        let receipt = rules::receipt::ReceiptRules::embedded()
            .map_err(|e| EngineError::Data(e.to_string()))?;
        let record_sets = Arc::new(record_sets::RecordSets::new(&data, &receipt));
        Ok(Engine {
            data: Arc::new(data),
            addons: AddonRules::embedded()?,
            tiers: TierRules::embedded().map_err(|e| EngineError::Tiers(e.to_string()))?,
            copay: rules::copay::CopayTables::embedded()
                .map_err(|e| EngineError::Copay(e.to_string()))?,
            pricing: rules::pricing::Pricing::embedded()
                .map_err(|e| EngineError::Data(e.to_string()))?,
            receipt,
            calendar: rules::calendar::Calendar::embedded()
                .map_err(|e| EngineError::Data(e.to_string()))?,
            inpatient: inpatient::InpatientData::embedded()?,
            record_sets,
        })
    }

    /// The engine on official files given as bytes (the browser and the C ABI pass files
    /// this way); santei's unverified entries for a later revision are laid over the dates
    /// the files do not reach.
    pub fn from_official_files(files: Vec<masters::NamedFile>) -> Result<Engine, EngineError> {
        let (ds, _notes) = masters::pack::load_official_files(files)?;
        Engine::with_data(ds)
    }

    /// The same engine with other co-payment tables (e.g. with local programmes declared, or
    /// a confirmed table added): claims' co-payment blocks and receipts use them.
    pub fn with_copay_tables(mut self, tables: rules::copay::CopayTables) -> Engine {
        self.copay = tables;
        self
    }

    pub fn data(&self) -> &Dataset {
        &self.data
    }
    pub fn tiers(&self) -> &TierRules {
        &self.tiers
    }
    pub fn addon_rules(&self) -> &AddonRules {
        &self.addons
    }
    pub fn copay_tables(&self) -> &rules::copay::CopayTables {
        &self.copay
    }
    /// The receipt rules (まるめ, 包括, 逓減, conditions, time: `rules/data/receipt/`).
    pub fn receipt_rules(&self) -> &rules::receipt::ReceiptRules {
        &self.receipt
    }

    /// Compute one claim.
    pub fn calc(&self, claim: &Claim) -> Result<CalcOutput, CalcError> {
        self.calc_with(claim, None)
    }

    /// Compute one claim without its trace (`trace` empty; every other field as
    /// [`Engine::calc`] gives it): the words only the trace shows are not built.
    pub fn calc_without_trace(&self, claim: &Claim) -> Result<CalcOutput, CalcError> {
        self.run(claim, None, false)
    }

    /// Compute one claim, with the receipt rules' view of its history kept in `cache` (the days
    /// of an inpatient month: one claim whose history grows day by day).
    pub(crate) fn calc_with<'e>(
        &'e self,
        claim: &Claim,
        cache: Option<&mut receipt::HistoryCache<'e>>,
    ) -> Result<CalcOutput, CalcError> {
        self.run(claim, cache, true)
    }

    /// The pipeline; the trace kept when `keep_trace`.
    fn run<'e>(
        &'e self,
        claim: &Claim,
        cache: Option<&mut receipt::HistoryCache<'e>>,
        keep_trace: bool,
    ) -> Result<CalcOutput, CalcError> {
        let f = Facts::new(
            facts::Data {
                data: &self.data,
                rules: &self.addons,
                tiers: &self.tiers,
                copay: &self.copay,
                pricing: &self.pricing,
                receipt: &self.receipt,
                calendar: &self.calendar,
                record_sets: &self.record_sets,
            },
            claim,
        )?;
        let mut n = Notes::for_claim(claim, keep_trace);
        f.check_history(&mut n);
        let mut work = lines::input_lines(&f, &mut n)?;
        drugs::all_groups(&f, &mut n, &mut work)?;
        groups::addon_groups(&f, &mut n, &mut work);
        age::age_addons(&f, &mut n, &mut work);
        addons::rule_addons(&f, &mut n, &mut work);
        receipt::receipt_rules(&f, &mut n, &mut work, cache.map(|c| (&*self.data, c)));
        inclusions::official_inclusions(&f, &mut n, &mut work);
        // The lines' positions by code, for the two steps that look lines up by code (no step
        // between them changes a line's code or position).
        let by_code = work::ByCode::new(&work);
        hand_addons::check(&f, &mut n, &work, &by_code);
        limits::input_limits(&f, &mut n, &work);
        exclusions::exclusions(&f, &mut n, &mut work, &by_code);
        totals::finish(&f, n, work)
    }
}
