//! The receipt's 給付割合 (the insurer's share) and the yen of a point difference at it.
//!
//! How the rate is obtained, in order: RE field 8 給付割合 when written (a percent, 10–100);
//! else the レセプト種別 by `api/data/uke-benefit-rates.json` (each row with its law); else
//! unknown, and findings carry no yen. 1点 = `yen_per_point` yen from the co-payment tables
//! (`rules/data/copay/rounding.toml`, 診療報酬の算定方法 第1号).

use super::msg::{m, Msg};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::sync::OnceLock;

const RATES_JSON: &str = include_str!("../../data/uke-benefit-rates.json");

#[derive(Deserialize)]
struct RateFile {
    rates: Vec<RateRow>,
}

#[derive(Deserialize)]
struct RateRow {
    main: Vec<String>,
    digits: Vec<String>,
    who: String,
    percent: Option<u32>,
    source: String,
    /// The source in Japanese where `source` has English words (else `source` serves both).
    #[serde(default)]
    source_ja: Option<String>,
}

fn rows() -> &'static [RateRow] {
    static R: OnceLock<Vec<RateRow>> = OnceLock::new();
    R.get_or_init(|| {
        serde_json::from_str::<RateFile>(RATES_JSON)
            .map(|f| f.rates)
            .unwrap_or_default()
    })
}

/// The 給付割合 used for the yen of the findings, and where it comes from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct BenefitRate {
    /// Percent of the cost the insurer bears (70 = 7割); `null` when the receipt does not fix it.
    pub percent: Option<u32>,
    /// How it was obtained, in the language asked for, and the message's id.
    pub source: String,
    pub source_id: &'static str,
    #[serde(skip)]
    #[cfg_attr(feature = "schema", schemars(skip))]
    pub source_msg: Msg,
}

impl BenefitRate {
    fn new(percent: Option<u32>, source_msg: Msg) -> BenefitRate {
        BenefitRate {
            percent,
            source: String::new(),
            source_id: source_msg.id,
            source_msg,
        }
    }
}

/// The receipt's 給付割合.
pub(crate) fn benefit_rate(re: &uke::Re) -> BenefitRate {
    if let Some(p) = re.benefit_rate {
        if (10..=100).contains(&p) {
            return BenefitRate::new(Some(p), m!("audit.rate.field8", p.to_string()));
        }
    }
    let t = re.receipt_type.as_bytes();
    if t.len() == 4 {
        let main = (t[1] as char).to_string();
        let digit = (t[3] as char).to_string();
        if let Some(r) = rows()
            .iter()
            .find(|r| r.main.contains(&main) && r.digits.contains(&digit))
        {
            return BenefitRate::new(
                r.percent,
                m!(
                    "audit.rate.type",
                    re.receipt_type.as_str(),
                    r.who.as_str(),
                    super::msg::Arg::Both {
                        en: r.source.clone(),
                        ja: r.source_ja.clone().unwrap_or_else(|| r.source.clone()),
                    }
                ),
            );
        }
    }
    BenefitRate::new(None, m!("audit.rate.none", re.receipt_type.as_str()))
}

/// The yen of `points` at `percent`: points × yen_per_point × percent / 100, exact.
pub(crate) fn yen(points: i64, yen_per_point: i64, percent: Option<u32>) -> Option<Decimal> {
    let p = percent?;
    let v = Decimal::from(points)
        .checked_mul(Decimal::from(yen_per_point))?
        .checked_mul(Decimal::from(p))?
        .checked_div(Decimal::from(100))?;
    Some(v.normalize())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rate_row_reads() {
        assert_eq!(rows().len(), 8);
    }

    #[test]
    fn yen_at_the_rate() {
        // 2 points at 7割, 1点10円: 2 × 10 × 70 / 100 = 14 yen.
        assert_eq!(yen(2, 10, Some(70)), Some(Decimal::from(14)));
        assert_eq!(yen(-5, 10, Some(80)), Some(Decimal::from(-40)));
        assert_eq!(yen(5, 10, None), None);
    }
}
