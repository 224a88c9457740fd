//! The inpatient month (医科, 出来高): [`Engine::calc_inpatient`].
//!
//! Each day of the month is computed as one claim of the engine's own pipeline (points, 注加算,
//! age add-ons, 施設基準, 算定回数 of the day/week/month, 背反), with the month's earlier days as
//! its history, after [`day`] has put in the ward's 入院基本料 (or 特定入院料) and its 入院期間加算
//! by the elapsed days since the 起算日 (`rules/data/inpatient/`), and refused a 入院期間加算 that
//! does not fit the day. Then [`checks`] counts the 算定単位 of an admission the pipeline does not
//! (入院初日, 入院中, 退院時 of the 05算定回数テーブル) and the 04入院基本料テーブル (which 入院基本料等
//! 加算 a 入院基本料 allows, and which exclude each other); [`meals`] prices 入院時食事療養 in yen
//! from the master, and [`living`] 入院時生活療養 (65歳以上 in a 療養病床); the month's co-payment is the receipt's (`calc::copay::compute`), meals'
//! 標準負担額 included.
//!
//! DPC is out of scope (the input refuses a DPC ward).

mod checks;
mod day;
mod living;
mod meals;
mod output;
mod restrict;

use super::error::{CalcError, EngineError};
use super::Engine;
use crate::inpatient::InpatientMonth;
use chrono::NaiveDate;
use masters::Code;
use rules::inpatient::InpatientRules;
use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

pub use output::{DayOutput, InpatientOutput, LivingCareTotals, MealTotals, MonthTrace};

/// What the days of a month share: the month's claim (the day's date and items refilled, the
/// history grown), the receipt rules' view of that history, the stay's operation days.
pub(super) struct MonthState<'e> {
    pub claim: crate::claim::Claim,
    pub cache: super::receipt::HistoryCache<'e>,
    ops: restrict::Operations,
}

/// One row of the 04入院基本料テーブル for an add-on code: its group and 加算識別.
#[derive(Clone, Copy, Debug)]
pub(crate) struct BasicAddon {
    pub group: u16,
    pub addition_id: u16,
    pub row: usize,
}

/// The codes of the inpatient rules, parsed once: which rule entries name a code (entries are
/// dated; the caller picks the one in force).
#[derive(Clone, Debug, Default)]
pub(crate) struct RuleCodes {
    /// 入院基本料 code → its `[[period]]` entries (by `bases`).
    pub bases: HashMap<Code, Vec<usize>>,
    /// 入院期間加算 code → (`[[period]]`, step).
    pub steps: HashMap<Code, Vec<(usize, usize)>>,
    /// 入院基本料 by elapsed days code → (`[[basic_by_days]]`, step).
    pub by_days: HashMap<Code, Vec<(usize, usize)>>,
    /// Code → its `[[inpatient_only_if]]` entries.
    pub only_if: HashMap<Code, Vec<usize>>,
    /// The step codes of every `[[period]]` and `[[basic_by_days]]`, by (entry, step).
    pub period_step_codes: Vec<Vec<Code>>,
    pub by_days_step_codes: Vec<Vec<Code>>,
}

fn parse_code(what: &str, c: &str) -> Result<Code, EngineError> {
    Code::parse(c).map_err(|e| EngineError::Data(format!("rules/data/inpatient: {what}: {e}")))
}

impl RuleCodes {
    fn new(r: &InpatientRules) -> Result<RuleCodes, EngineError> {
        let mut x = RuleCodes::default();
        for (i, p) in r.periods.iter().enumerate() {
            for b in &p.bases {
                x.bases.entry(parse_code(&p.id, b)?).or_default().push(i);
            }
            let mut codes = Vec::with_capacity(p.step.len());
            for (j, st) in p.step.iter().enumerate() {
                let c = parse_code(&p.id, &st.code)?;
                x.steps.entry(c).or_default().push((i, j));
                codes.push(c);
            }
            x.period_step_codes.push(codes);
        }
        for (i, b) in r.basic_by_days.iter().enumerate() {
            let mut codes = Vec::with_capacity(b.step.len());
            for (j, st) in b.step.iter().enumerate() {
                let c = parse_code(&b.id, &st.code)?;
                x.by_days.entry(c).or_default().push((i, j));
                codes.push(c);
            }
            x.by_days_step_codes.push(codes);
        }
        for (i, o) in r.inpatient_only_if.iter().enumerate() {
            for c in &o.codes {
                x.only_if.entry(parse_code(&o.id, c)?).or_default().push(i);
            }
        }
        Ok(x)
    }
}

/// The inpatient rules, their codes indexed, and the 04 table indexed by add-on code (built on
/// first use).
#[derive(Clone, Debug)]
pub(crate) struct InpatientData {
    pub rules: InpatientRules,
    pub codes: RuleCodes,
    index: Arc<OnceLock<HashMap<Code, Vec<BasicAddon>>>>,
}

impl InpatientData {
    pub(crate) fn embedded() -> Result<InpatientData, EngineError> {
        let rules = InpatientRules::embedded().map_err(|e| EngineError::Data(e.to_string()))?;
        Ok(InpatientData {
            codes: RuleCodes::new(&rules)?,
            rules,
            index: Arc::new(OnceLock::new()),
        })
    }

    /// The `[[period]]` add-on of a 入院基本料 code on a date.
    pub(crate) fn period_of(&self, base: Code, d: NaiveDate) -> Option<usize> {
        let ps = &self.rules.periods;
        self.codes
            .bases
            .get(&base)?
            .iter()
            .copied()
            .find(|&i| ps[i].in_force(d))
    }

    /// The `[[period]]` add-on a code is a step of on a date: (entry, step).
    pub(crate) fn step_of_code(&self, code: Code, d: NaiveDate) -> Option<(usize, usize)> {
        let ps = &self.rules.periods;
        self.codes
            .steps
            .get(&code)?
            .iter()
            .copied()
            .find(|&(i, _)| ps[i].in_force(d))
    }

    /// The `[[basic_by_days]]` entry a code is a step of on a date: (entry, step).
    pub(crate) fn by_days_of(&self, code: Code, d: NaiveDate) -> Option<(usize, usize)> {
        let bs = &self.rules.basic_by_days;
        self.codes
            .by_days
            .get(&code)?
            .iter()
            .copied()
            .find(|&(i, _)| bs[i].in_force(d))
    }

    /// The `[[inpatient_only_if]]` rule of a code on a date.
    pub(crate) fn only_if(&self, code: Code, d: NaiveDate) -> Option<usize> {
        let rs = &self.rules.inpatient_only_if;
        self.codes
            .only_if
            .get(&code)?
            .iter()
            .copied()
            .find(|&i| rs[i].in_force(d))
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
        let mut st = MonthState {
            claim: day::month_claim(month),
            cache: super::receipt::HistoryCache::default(),
            ops: restrict::operations(self, month, reckoning),
        };
        for (i, d) in month.days.iter().enumerate() {
            let out = day::compute(self, month, reckoning, i, &mut st, &mut notes)?;
            st.claim
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
        let living_days = living::days(self, month, &mut notes);
        let meal_totals = meals::price(self, month, &living_days, &mut days, &mut notes)?;
        let living = living::price(self, month, &living_days, &mut days, &mut notes)?;
        output::finish(self, month, reckoning, days, (meal_totals, living), notes)
    }
}
