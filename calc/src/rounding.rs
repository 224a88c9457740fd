//! Rounding rules of the point calculation (co-payment rounding lives in `copay::rounding`).

use rust_decimal::{Decimal, RoundingStrategy};

/// 点数識別 5/6 (%加算/%減算): `percent`% of `base` points, rounded to whole points half up
/// (医科点数表 通則: 1点未満の端数は四捨五入).
pub fn percent_of_points(base: Decimal, percent: Decimal) -> Decimal {
    (base * percent / Decimal::from(100))
        .round_dp_with_strategy(0, RoundingStrategy::MidpointAwayFromZero)
}

#[cfg(test)]
mod tests {
    use super::*;

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
