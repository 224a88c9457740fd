//! The inpatient month (医科, 出来高): [`Engine::calc_inpatient`].
//!
//! Each day of the month is computed as one claim of the engine's own pipeline (points, 注加算,
//! age add-ons, 施設基準, 算定回数 of the day/week/month, 背反), with the month's earlier days as
//! its history, after [`day`] has put in the ward's 入院基本料 (or 特定入院料) and its 入院期間加算
//! by the elapsed days since the 起算日 (`rules/data/inpatient/`), and refused a 入院期間加算 that
//! does not fit the day. Then [`checks`] counts the 算定単位 of an admission the pipeline does not
//! (入院初日, 入院中, 退院時 of the 05算定回数テーブル) and the 04入院基本料テーブル (which 入院基本料等
//! 加算 a 入院基本料 allows, and which exclude each other); [`meals`] prices 入院時食事療養 in yen
//! from the master; the month's co-payment is the receipt's (`calc::copay::compute`), meals'
//! 標準負担額 included.
//!
//! DPC is out of scope (the input refuses a DPC ward).

mod checks;
mod day;
mod meals;
mod output;

use super::error::{CalcError, EngineError};
use super::Engine;
use crate::inpatient::InpatientMonth;
use masters::Code;
use rules::inpatient::InpatientRules;
use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

pub use output::{DayOutput, InpatientOutput, MealTotals, MonthTrace};

/// One row of the 04入院基本料テーブル for an add-on code: its group and 加算識別.
#[derive(Clone, Copy, Debug)]
pub(crate) struct BasicAddon {
    pub group: u16,
    pub addition_id: u16,
    pub row: usize,
}

/// The inpatient rules and the 04 table indexed by add-on code (built on first use).
#[derive(Clone, Debug)]
pub(crate) struct InpatientData {
    pub rules: InpatientRules,
    index: Arc<OnceLock<HashMap<Code, Vec<BasicAddon>>>>,
}

impl InpatientData {
    pub(crate) fn embedded() -> Result<InpatientData, EngineError> {
        Ok(InpatientData {
            rules: InpatientRules::embedded().map_err(|e| EngineError::Data(e.to_string()))?,
            index: Arc::new(OnceLock::new()),
        })
    }

    /// The 04 rows of an add-on code.
    pub(crate) fn basic_addons<'a>(
        &'a self,
        tables: &masters::Tables,
        code: Code,
    ) -> &'a [BasicAddon] {
        let index = self.index.get_or_init(|| {
            let mut m: HashMap<Code, Vec<BasicAddon>> = HashMap::new();
            for (row, r) in tables.inpatient_basic.iter().enumerate() {
                if let Ok(group) = r.group.parse::<u16>() {
                    m.entry(r.code).or_default().push(BasicAddon {
                        group,
                        addition_id: r.addition_id,
                        row,
                    });
                }
            }
            m
        });
        index.get(&code).map_or(&[], |v| v.as_slice())
    }
}

impl Engine {
    /// Compute one inpatient month (validated input: [`InpatientMonth::validate`]).
    pub fn calc_inpatient(&self, month: &InpatientMonth) -> Result<InpatientOutput, CalcError> {
        month
            .validate()
            .map_err(|e| CalcError::Input(e.to_string()))?;
        let mut notes = output::MonthNotes::default();
        let reckoning = day::reckoning(self, month, &mut notes)?;
        let mut days: Vec<DayOutput> = Vec::with_capacity(month.days.len());
        // One claim for the month: the patient and facility copied once, the history grown
        // day by day (the month's earlier days), the items refilled for each day.
        let mut claim = day::month_claim(month);
        let mut cache = super::receipt::HistoryCache::default();
        for (i, d) in month.days.iter().enumerate() {
            let out = day::compute(
                self, month, reckoning, i, &mut claim, &mut cache, &mut notes,
            )?;
            claim
                .history
                .extend(out.result.lines.iter().filter_map(|l| {
                    l.code.map(|code| crate::claim::HistoryLine {
                        date: d.date,
                        code,
                        count: l.count,
                    })
                }));
            days.push(out);
        }
        checks::admission_limits(self, month, reckoning, &days, &mut notes);
        checks::basic_addons(self, month, &days, &mut notes);
        let meal_totals = meals::price(self, month, &mut days, &mut notes)?;
        output::finish(self, month, reckoning, days, meal_totals, notes)
    }
}
