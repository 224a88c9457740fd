//! How the drugs (医薬品) and materials (特定保険医療材料) of a 剤 become points, and the
//! 診療識別 (UKE section codes) a 剤 may carry: `data/pricing/pricing.toml`.
//!
//! Every number (15円, 10円 per point, the rounding, the section lists) is in the data with its
//! 告示 source; the engine reads it through [`Pricing`]. The rounding itself is named here
//! ([`Rounding`]) and computed once in `calc::rounding`.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Deserialize;

/// The embedded pricing file(s), converted to JSON by `build.rs`.
pub static EMBEDDED: &[(&str, &str)] = include!(concat!(env!("OUT_DIR"), "/embedded_pricing.rs"));

/// The texts in use: [`EMBEDDED`], or with the feature `fetched-data` the group `rules/pricing`
/// given at run time ([`support::fetched`]).
pub fn embedded_texts() -> &'static [(&'static str, &'static str)] {
    #[cfg(feature = "fetched-data")]
    return support::fetched::group("rules/pricing");
    #[cfg(not(feature = "fetched-data"))]
    EMBEDDED
}

/// A named rounding of a fraction of a point.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Rounding {
    /// 五捨五超入: .5 down, above .5 up (the 薬剤料 of the 告示).
    GoshaGochonyu,
    /// 四捨五入: .5 up.
    HalfUp,
}

impl Rounding {
    pub fn as_str(self) -> &'static str {
        match self {
            Rounding::GoshaGochonyu => "五捨五超入",
            Rounding::HalfUp => "四捨五入",
        }
    }
}

/// What a drug total of at most [`DrugRule::one_point_max_yen`] is worth in a section.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SmallAmount {
    /// 1点 (投薬, 注射).
    OnePoint,
    /// Not charged (0点: 処置, 手術, 検査 … 注１ 「算定しない」).
    NotCharged,
}

/// Sections sharing one treatment of a small drug total.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DrugSections {
    pub codes: Vec<String>,
    pub at_most_one_point: SmallAmount,
    pub source: String,
}

/// 薬剤料.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DrugRule {
    pub from: NaiveDate,
    pub one_point_max_yen: Decimal,
    pub yen_per_point: Decimal,
    pub rounding: Rounding,
    pub source: String,
    pub sections: Vec<DrugSections>,
}

/// 特定保険医療材料料.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MaterialRule {
    pub from: NaiveDate,
    pub yen_per_point: Decimal,
    pub rounding: Rounding,
    pub source: String,
    #[serde(default)]
    pub note: Option<String>,
}

/// A drug price revision (薬価改定): a drug master published before `date` prices no date on
/// or after it.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PriceRevision {
    pub date: NaiveDate,
    pub name: String,
    pub source: String,
    #[serde(default = "yes")]
    pub verified: bool,
}

fn yes() -> bool {
    true
}

/// A 診療識別 a 剤 may carry.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SectionDef {
    pub code: String,
    pub name: String,
    /// コード表用番号 letters (医科診療行為マスター 項番85) of the procedures that fit it.
    pub letters: Vec<String>,
    /// Whether drugs and materials may be lines of it.
    pub drugs: bool,
    pub source: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PricingFile {
    drug: DrugRule,
    material: MaterialRule,
    #[serde(default)]
    drug_price_revision: Vec<PriceRevision>,
    #[serde(default)]
    section: Vec<SectionDef>,
}

/// The pricing rules, loaded and checked.
#[derive(Clone, Debug)]
pub struct Pricing {
    pub file: String,
    pub drug: DrugRule,
    pub material: MaterialRule,
    /// Ascending by date.
    pub price_revisions: Vec<PriceRevision>,
    pub sections: Vec<SectionDef>,
}

/// A pricing file that breaks a rule: the file and what is wrong.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{file}: {message}")]
pub struct PricingError {
    pub file: String,
    pub message: String,
}

impl Pricing {
    /// The embedded pricing rules.
    pub fn embedded() -> Result<Pricing, PricingError> {
        let (name, text) = embedded_texts().first().copied().unwrap_or(("pricing", ""));
        Pricing::from_source(name, text)
    }

    /// Load and check a pricing file.
    pub fn from_source(name: &str, text: &str) -> Result<Pricing, PricingError> {
        let err = |message: String| PricingError {
            file: name.to_string(),
            message,
        };
        let f: PricingFile = crate::parse_data(text).map_err(err)?;
        if f.drug.yen_per_point <= Decimal::ZERO || f.material.yen_per_point <= Decimal::ZERO {
            return Err(err("yen_per_point must be above 0".into()));
        }
        if f.drug.source.trim().is_empty() || f.material.source.trim().is_empty() {
            return Err(err("drug and material need a source".into()));
        }
        let mut seen = std::collections::BTreeSet::new();
        for s in &f.section {
            let two = s.code.len() == 2 && s.code.bytes().all(|b| b.is_ascii_digit());
            if !two || !seen.insert(s.code.as_str()) || s.source.trim().is_empty() {
                return Err(err(format!(
                    "section {:?}: two digits, listed once, with a source",
                    s.code
                )));
            }
        }
        let mut drug_sections = std::collections::BTreeSet::new();
        for g in &f.drug.sections {
            for c in &g.codes {
                if !seen.contains(c.as_str()) || !drug_sections.insert(c.as_str()) {
                    return Err(err(format!(
                        "drug.sections: {c:?} is not a listed section, or is listed twice"
                    )));
                }
            }
        }
        let mut revisions = f.drug_price_revision;
        support::sort::sort_by_key(&mut revisions, |r| r.date);
        Ok(Pricing {
            file: name.to_string(),
            drug: f.drug,
            material: f.material,
            price_revisions: revisions,
            sections: f.section,
        })
    }

    /// The definition of a 診療識別.
    pub fn section(&self, code: u8) -> Option<&SectionDef> {
        self.sections
            .iter()
            .find(|s| s.code.parse::<u8>().ok() == Some(code))
    }

    /// How a small drug total is treated in a section (`None`: the data gives no drug price
    /// rule for it).
    pub fn small_amount(&self, code: u8) -> Option<(&DrugSections, SmallAmount)> {
        self.drug.sections.iter().find_map(|g| {
            g.codes
                .iter()
                .any(|c| c.parse::<u8>().ok() == Some(code))
                .then_some((g, g.at_most_one_point))
        })
    }

    /// The first drug price revision after `published` that is on or before `date`: a master
    /// published on `published` has no price for `date`.
    pub fn revision_between(
        &self,
        published: NaiveDate,
        date: NaiveDate,
    ) -> Option<&PriceRevision> {
        self.price_revisions
            .iter()
            .find(|r| published < r.date && r.date <= date)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_file_loads() {
        let p = Pricing::embedded().unwrap();
        assert_eq!(p.drug.one_point_max_yen, Decimal::from(15));
        assert_eq!(p.drug.rounding, Rounding::GoshaGochonyu);
        assert_eq!(p.small_amount(21).unwrap().1, SmallAmount::OnePoint);
        assert_eq!(p.small_amount(40).unwrap().1, SmallAmount::NotCharged);
        assert!(p.small_amount(11).is_none());
        assert_eq!(p.section(60).unwrap().letters, ["D", "N"]);
        assert!(p.section(99).is_none());
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        assert!(p
            .revision_between(d("2024-05-31"), d("2025-03-31"))
            .is_none());
        assert_eq!(
            p.revision_between(d("2024-05-31"), d("2025-04-01"))
                .unwrap()
                .date,
            d("2025-04-01")
        );
    }

    #[test]
    fn a_bad_file_is_refused() {
        let e = Pricing::from_source(
            "x.toml",
            "[drug]\nfrom = \"2024-06-01\"\none_point_max_yen = 15\nyen_per_point = 0\nrounding = \"half_up\"\nsource = \"s\"\nsections = []\n[material]\nfrom = \"2024-06-01\"\nyen_per_point = 10\nrounding = \"half_up\"\nsource = \"s\"\n",
        )
        .unwrap_err();
        assert_eq!(e.to_string(), "x.toml: yen_per_point must be above 0");
    }
}
