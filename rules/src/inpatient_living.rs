//! `[living_care]` of `rules/data/inpatient/` — 入院時生活療養費: who gets it instead of 入院時食事療養
//! (a patient of `min_age` or older in a ward whose 入院料 has a 告示区分 of `ward_kubun`), its fees
//! (`[[living_care.fee]]`: the master's 金額 codes of 食事療養 per meal and 環境療養 per day, by
//! the facility's filing (Ⅰ)/(Ⅱ)) and the patient's 標準負担額 (`[[living_care.charge]]`: the
//! master's 金額 codes by 医療区分, income and filing). The amounts are the master's, dated; what
//! the rows do not cover is `missing` ("cannot decide").

use serde::{Deserialize, Serialize};

/// `[living_care]`.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct LivingCare {
    pub min_age: u32,
    pub ward_kubun: Vec<String>,
    /// The words that end the master name of a 入院料 priced for a patient receiving 生活療養
    /// (e.g. 「（生活療養）」).
    pub ward_name_mark: String,
    /// The 入院料 (告示区分 patterns with 項番, e.g. "A101:1-3") that the 告示 prices apart for a
    /// patient receiving 生活療養 (a （生活療養） code in the master): only these are checked
    /// against the mark.
    pub ward_marked: Vec<String>,
    /// What santei does not price (the cases outside `charge`): said in the "cannot decide".
    pub missing: String,
    pub source: String,
    #[serde(default)]
    pub fee: Vec<LivingCareFee>,
    #[serde(default)]
    pub charge: Vec<LivingCareCharge>,
}

/// `[[living_care.fee]]` — 入院時生活療養 (Ⅰ)/(Ⅱ) (`id` is the admission's `meal_fee`).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct LivingCareFee {
    pub id: String,
    pub name: String,
    /// 食事療養, per meal.
    pub meal_code: String,
    /// 食事療養 (流動食のみを提供), per meal, where the master has one.
    #[serde(default)]
    pub liquid_code: Option<String>,
    /// 環境療養 (温度、照明及び給水に関する適切な療養環境の形成), per day.
    pub environment_code: String,
    pub source: String,
}

/// The income line of a 生活療養 標準負担額.
#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum LivingIncome {
    /// 一般 (neither 低所得 line applies).
    General,
    /// 低所得Ⅱ (70歳以上) or 区分オ (70歳未満, 住民税非課税), with the 減額認定証.
    LowIncomeIi,
    /// The same, over 90 days of stay in 12 months (`patient.meal_long_stay`).
    LowIncomeIiLong,
    /// 低所得Ⅰ (70歳以上), with the 減額認定証.
    LowIncomeI,
}

/// `[[living_care.charge]]` — the 標準負担額 of a patient of a 医療区分 and income line, for a
/// filing (`fee`, any when absent).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct LivingCareCharge {
    /// 医療区分 (1, 2, 3) the row is for.
    pub medical_class: Vec<u8>,
    pub income: LivingIncome,
    #[serde(default)]
    pub fee: Option<String>,
    /// 食事療養標準負担額, per meal.
    pub meal_code: String,
    /// 環境療養標準負担額 (居住費), per day.
    pub environment_code: String,
    pub source: String,
}

fn is_code(s: &str) -> bool {
    s.len() == 9 && s.bytes().all(|b| b.is_ascii_digit())
}

impl LivingCare {
    /// The checks of the table: every code 9 digits, every row with a source, 医療区分 1–3, no
    /// two rows for the same case.
    pub fn check(&self) -> Result<(), String> {
        if self.source.trim().is_empty()
            || self.missing.trim().is_empty()
            || self.ward_kubun.is_empty()
            || self.ward_name_mark.trim().is_empty()
        {
            return Err(
                "[living_care]: needs ward_kubun, ward_name_mark, missing and a source".into(),
            );
        }
        for f in &self.fee {
            let codes_ok = is_code(&f.meal_code)
                && is_code(&f.environment_code)
                && f.liquid_code.as_deref().is_none_or(is_code);
            if !codes_ok || f.source.trim().is_empty() {
                return Err(format!(
                    "[[living_care.fee]] {}: needs 9-digit codes and a source",
                    f.id
                ));
            }
        }
        for (i, c) in self.charge.iter().enumerate() {
            if !is_code(&c.meal_code)
                || !is_code(&c.environment_code)
                || c.source.trim().is_empty()
                || c.medical_class.is_empty()
                || c.medical_class.iter().any(|k| !(1..=3).contains(k))
            {
                return Err(format!(
                    "[[living_care.charge]] #{i}: needs 医療区分 1–3, 9-digit codes and a source"
                ));
            }
            if let Some(f) = &c.fee {
                if !self.fee.iter().any(|x| x.id == *f) {
                    return Err(format!("[[living_care.charge]] #{i}: no fee {f:?}"));
                }
            }
            for d in &self.charge[i + 1..] {
                let same_fee = c.fee.is_none() || d.fee.is_none() || c.fee == d.fee;
                if same_fee
                    && c.income == d.income
                    && c.medical_class.iter().any(|k| d.medical_class.contains(k))
                {
                    return Err(format!(
                        "[[living_care.charge]] #{i}: {:?} 医療区分 {:?} twice",
                        c.income, c.medical_class
                    ));
                }
            }
        }
        Ok(())
    }

    /// `ward_marked` parsed (checked when the rules were read).
    pub fn ward_marked_patterns(&self) -> Vec<crate::receipt::KubunPattern> {
        self.ward_marked
            .iter()
            .filter_map(|k| crate::receipt::KubunPattern::parse(k).ok())
            .collect()
    }

    /// The fee of a filing ("1" or "2").
    pub fn fee_of(&self, id: &str) -> Option<&LivingCareFee> {
        self.fee.iter().find(|f| f.id == id)
    }

    /// The 標準負担額 row of a 医療区分, income line and filing.
    pub fn charge_of(
        &self,
        class: u8,
        income: LivingIncome,
        fee: &str,
    ) -> Option<&LivingCareCharge> {
        self.charge.iter().find(|c| {
            c.income == income
                && c.medical_class.contains(&class)
                && c.fee.as_deref().is_none_or(|f| f == fee)
        })
    }
}
