//! The switches a local programme (地方単独公費) may set beyond rate and caps: each one a rule a
//! prefecture or municipality writes into its ordinance, declared as data in a `--local` file
//! (`schemas/v1/local-programmes.json`, example `rules/data/copay/local-example.toml`).
//!
//! Invariants: every switch defaults to "off" (a programme without them behaves as before);
//! percentages are whole percent 0–100; amounts whole yen within [`super::MAX_TABLE_AMOUNT`].

use serde::Deserialize;

/// The insurance a programme is for (a programme may differ for 国保 and 社保 insurers).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum InsurerScope {
    /// 被用者保険 (社保: 健保・共済・船員).
    Kenpo,
    /// 国民健康保険.
    Kokuho,
    /// 後期高齢者医療.
    Kouki,
    /// No insurance (公費単独).
    None,
}

impl InsurerScope {
    /// The name as written in the files.
    pub fn name(self) -> &'static str {
        match self {
            Self::Kenpo => "kenpo",
            Self::Kokuho => "kokuho",
            Self::Kouki => "kouki",
            Self::None => "none",
        }
    }
}

/// A local programme's own rules (all off by default; national programmes never set them).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LocalRules {
    /// Applies only to patients of these insurers (empty = all). Two rows of one 法別番号 may
    /// overlap in time only when their scopes are disjoint.
    pub insurance: Vec<InsurerScope>,
    /// Without a 限度額適用認定証 (under 70) the programme pays only up to the 高額療養費 limit:
    /// the share above the limit is the patient's at the window (refunded by the insurer later
    /// as 高額療養費), the programme's part is worked on the share within it.
    pub limit_without_certificate: bool,
    /// The 公費併用 limit (`combined_limit`) applies only when the patient shows a certificate.
    pub combined_limit_needs_certificate: bool,
    /// The 後期 2割 配慮措置 is kept when this is the claim's only kind of 公費 (as 大阪府's
    /// published example 13 works it); otherwise a 公費 claim drops it.
    pub keeps_kouki_measure: bool,
    /// The patient pays (rate / caps) only on a first visit (初診); other visits are free.
    pub first_visit_only: bool,
    /// The programme pays this percent of the share left to the patient before it (½ subsidy
    /// = 50); the patient's rest rounded to the window unit (10円).
    pub subsidy_percent: Option<u32>,
    /// The subsidy (`subsidy_percent`) is taken before the caps: the monthly and per-visit caps
    /// bound the patient's rest after the subsidy, not the share before it (秋田県 福祉医療 as
    /// the vendor vectors work it: half of each visit's share, at most 1,000円 a month).
    pub subsidy_before_caps: bool,
    /// When the month's patient share under the programme exceeds this amount, the programme
    /// refunds all of it after the month (償還払い; the window payments are unchanged).
    pub full_refund_above: Option<i64>,
    /// 現物給付 up to a threshold, 償還払い above it: while the month's share under the programme
    /// (the share before it, summed over the month's visits) stays within this amount the
    /// programme pays at the window; the visit that takes it above collects at the window the
    /// month's whole share (what the programme paid so far is taken back), later visits pay
    /// their share, and the programme refunds after the month what it would have paid in kind.
    pub in_kind_up_to: Option<i64>,
    /// Free (patient share 0) below this age on the date of service; the rate and caps from it.
    pub free_below_age: Option<u32>,
    /// With `free_below_age`: free also through the end of the month in which the patient
    /// reaches that age (到達日, the day before the birthday), the rate and caps from the 1st of
    /// the next month (福岡市 子ども医療: 「3歳以上…3歳の誕生日の翌月1日(1日生まれの人は誕生日)から」).
    pub free_through_month_end: bool,
    /// `max_charged_visits` counts every day the patient is seen under the programme, a day he
    /// paid nothing under it (another 公費 took the share) included (大阪府 福祉医療: 「1カ月に
    /// 最初に受診した日とその次に受診した日との2日まで」); default: only days he paid.
    pub counts_unpaid_days: bool,
}

impl LocalRules {
    /// Whether the programme applies to a patient of this insurer.
    pub fn covers_insurer(&self, scope: InsurerScope) -> bool {
        self.insurance.is_empty() || self.insurance.contains(&scope)
    }

    /// Whether two rows' insurer scopes may overlap in time (both scoped, no insurer shared).
    pub fn disjoint(&self, other: &LocalRules) -> bool {
        !self.insurance.is_empty()
            && !other.insurance.is_empty()
            && !self.insurance.iter().any(|s| other.insurance.contains(s))
    }

    /// The first switch that works the programme visit by visit (so it cannot be settled on
    /// the month's receipt, see `Programme::settles_on_month`), by its field name.
    pub fn visit_by_visit_switch(&self) -> Option<&'static str> {
        [
            ("subsidy_percent", self.subsidy_percent.is_some()),
            ("first_visit_only", self.first_visit_only),
            ("free_below_age", self.free_below_age.is_some()),
            ("in_kind_up_to", self.in_kind_up_to.is_some()),
            ("full_refund_above", self.full_refund_above.is_some()),
        ]
        .into_iter()
        .find_map(|(name, set)| set.then_some(name))
    }

    /// Range checks; `what` names the row in the error.
    pub(crate) fn check(&self, what: &str) -> Result<(), String> {
        if let Some(p) = self.subsidy_percent.filter(|p| *p > 100) {
            return Err(format!("{what}.subsidy_percent: {p} is above 100"));
        }
        for (name, v) in [
            ("full_refund_above", self.full_refund_above),
            ("in_kind_up_to", self.in_kind_up_to),
        ] {
            if let Some(a) = v.filter(|a| !(0..=super::MAX_TABLE_AMOUNT).contains(a)) {
                return Err(format!(
                    "{what}.{name}: {a} is negative or above {}",
                    super::MAX_TABLE_AMOUNT
                ));
            }
        }
        if self.subsidy_before_caps && self.subsidy_percent.is_none() {
            return Err(format!(
                "{what}.subsidy_before_caps: true needs subsidy_percent (the subsidy it orders)"
            ));
        }
        if self.free_through_month_end && self.free_below_age.is_none() {
            return Err(format!(
                "{what}.free_through_month_end: true needs free_below_age (the age it extends)"
            ));
        }
        if self.full_refund_above.is_some() && self.in_kind_up_to.is_some() {
            return Err(format!(
                "{what}: give full_refund_above or in_kind_up_to, not both (two refund rules)"
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::LocalRules;

    #[test]
    fn an_order_without_a_subsidy_is_refused() {
        let r = LocalRules {
            subsidy_before_caps: true,
            ..LocalRules::default()
        };
        let e = r.check("programme[0]").unwrap_err();
        assert!(
            e.contains("programme[0].subsidy_before_caps") && e.contains("subsidy_percent"),
            "{e}"
        );
    }

    #[test]
    fn a_month_end_without_an_age_is_refused() {
        let r = LocalRules {
            free_through_month_end: true,
            ..LocalRules::default()
        };
        let e = r.check("programme[3]").unwrap_err();
        assert!(
            e.contains("programme[3].free_through_month_end") && e.contains("free_below_age"),
            "{e}"
        );
    }

    #[test]
    fn two_refund_rules_are_refused() {
        let r = LocalRules {
            full_refund_above: Some(1000),
            in_kind_up_to: Some(21000),
            ..LocalRules::default()
        };
        let e = r.check("programme[2]").unwrap_err();
        assert!(e.contains("programme[2]") && e.contains("not both"), "{e}");
        let r = LocalRules {
            in_kind_up_to: Some(-1),
            ..LocalRules::default()
        };
        let e = r.check("programme[1]").unwrap_err();
        assert!(e.contains("programme[1].in_kind_up_to: -1"), "{e}");
    }
}
