//! Rounding rules of the point calculation (co-payment rounding lives in `copay::rounding`).

use rust_decimal::{Decimal, RoundingStrategy};

/// 点数識別 5/6 (%加算/%減算): `percent`% of `base` points, rounded to whole points half up
/// (医科点数表 通則: 1点未満の端数は四捨五入).
pub fn percent_of_points(base: Decimal, percent: Decimal) -> Decimal {
    (base * percent / Decimal::from(100))
        .round_dp_with_strategy(0, RoundingStrategy::MidpointAwayFromZero)
}

/// 五捨五超入: to whole points, a fraction of exactly .5 down, above .5 up (the 薬剤料 of the
/// 告示: 「15円を超える場合は、薬価から15円を控除した額を10円で除して得た点数につき１点未満の端数を
/// 切り上げて得た点数に１点を加算」 = ceil(y − 0.5) for y = yen / 10 > 1.5).
pub fn gosha_gochonyu(points: Decimal) -> Decimal {
    points.round_dp_with_strategy(0, RoundingStrategy::MidpointTowardZero)
}

/// 四捨五入: to whole points, .5 up.
pub fn half_up(points: Decimal) -> Decimal {
    points.round_dp_with_strategy(0, RoundingStrategy::MidpointAwayFromZero)
}

/// To whole points by the rounding the pricing data names.
pub fn by_rule(points: Decimal, r: rules::pricing::Rounding) -> Decimal {
    match r {
        rules::pricing::Rounding::GoshaGochonyu => gosha_gochonyu(points),
        rules::pricing::Rounding::HalfUp => half_up(points),
    }
}

/// 薬剤料 of one 所定単位 of a 剤 (Σ 薬価 × quantity, in yen): at most `one_point_max_yen` → 1点
/// or not charged (0) as the section's rule says; above it yen / `yen_per_point` rounded by the
/// rule (五捨五超入).
pub fn drug_points(
    yen: Decimal,
    rule: &rules::pricing::DrugRule,
    small: rules::pricing::SmallAmount,
) -> Decimal {
    if yen <= rule.one_point_max_yen {
        return match small {
            rules::pricing::SmallAmount::OnePoint => Decimal::ONE,
            rules::pricing::SmallAmount::NotCharged => Decimal::ZERO,
        };
    }
    by_rule(yen / rule.yen_per_point, rule.rounding)
}

/// 特定保険医療材料料: 材料価格 × quantity / `yen_per_point`, rounded by the rule.
pub fn material_points(yen: Decimal, rule: &rules::pricing::MaterialRule) -> Decimal {
    by_rule(yen / rule.yen_per_point, rule.rounding)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rules::pricing::{Pricing, SmallAmount};
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    /// The rounding at its boundary: 2.5 → 2 (.5 down), 2.51 → 3, 2.49 → 2, 1.6 → 2.
    #[test]
    fn gosha_gochonyu_at_the_boundary() {
        assert_eq!(gosha_gochonyu(d("2.5")), d("2"));
        assert_eq!(gosha_gochonyu(d("2.51")), d("3"));
        assert_eq!(gosha_gochonyu(d("2.49")), d("2"));
        assert_eq!(gosha_gochonyu(d("1.6")), d("2"));
        assert_eq!(half_up(d("2.5")), d("3"));
        assert_eq!(half_up(d("2.49")), d("2"));
    }

    /// 告示 Ｆ２００ (r6-2024/ika-tensuhyo-kokuji57.txt:10837-10838): 15円以下 1点; 15円を超える
    /// 場合は10円又はその端数を増すごとに１点を加算: 16円 → 2点, 25円 → 2点, 25.1円 → 3点, 35円 → 3点.
    /// 処置 Ｊ３００ 注１ (…:13137): 15円以下 算定しない.
    #[test]
    fn drug_points_at_15_and_16_yen() {
        let p = Pricing::embedded().unwrap();
        let one = SmallAmount::OnePoint;
        let none = SmallAmount::NotCharged;
        assert_eq!(drug_points(d("15"), &p.drug, one), d("1"));
        assert_eq!(drug_points(d("15"), &p.drug, none), d("0"));
        assert_eq!(drug_points(d("16"), &p.drug, one), d("2"));
        assert_eq!(drug_points(d("16"), &p.drug, none), d("2"));
        assert_eq!(drug_points(d("25"), &p.drug, one), d("2"));
        assert_eq!(drug_points(d("25.1"), &p.drug, one), d("3"));
        assert_eq!(drug_points(d("35"), &p.drug, one), d("3"));
        // 0.5 yen above a multiple of 10 (…5円 exactly) rounds down; 5.1 above rounds up.
        assert_eq!(drug_points(d("105"), &p.drug, one), d("10"));
        assert_eq!(drug_points(d("105.1"), &p.drug, one), d("11"));
    }

    /// 材料価格を10円で除して得た点数 (…:8341), rounded 四捨五入 (../domain/copayment.md:47).
    #[test]
    fn material_points_at_the_boundary() {
        let p = Pricing::embedded().unwrap();
        assert_eq!(material_points(d("125"), &p.material), d("13"));
        assert_eq!(material_points(d("124.9"), &p.material), d("12"));
    }

    #[test]
    fn percent_rounds_half_up_at_the_boundary() {
        // 50% of 75 = 37.5 → 38; 50% of 73 = 36.5 → 37; 10% of 74 = 7.4 → 7.
        assert_eq!(
            percent_of_points(Decimal::from(75), Decimal::from(50)),
            Decimal::from(38)
        );
        assert_eq!(
            percent_of_points(Decimal::from(73), Decimal::from(50)),
            Decimal::from(37)
        );
        assert_eq!(
            percent_of_points(Decimal::from(74), Decimal::from(10)),
            Decimal::from(7)
        );
        assert_eq!(
            percent_of_points(Decimal::from(75), Decimal::from(10)),
            Decimal::from(8)
        );
    }
}
