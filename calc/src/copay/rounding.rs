//! 端数処理 — every rounding rule of the co-payment, written once.
//!
//! Invariants: integer arithmetic only. Amounts that need a fraction of a yen are carried in
//! 銭 (1/100 円): `yen × percent` is exactly an amount in 銭. Parameters (10円 per point, the 10円 window
//! unit) come from `rules/data/copay/rounding.toml`; drug and material points are the point
//! calculation's (`calc::rounding`, `rules/data/pricing/pricing.toml`).

/// Sen (銭) per yen.
pub const SEN_PER_YEN: i64 = 100;

/// 点数 → 円: `points × yen_per_point` (1点10円). `None` on overflow.
pub fn yen_from_points(points: i64, yen_per_point: i64) -> Option<i64> {
    points.checked_mul(yen_per_point)
}

/// 一部負担金の端数処理 (健保法75条, 国保法42条の2): an amount in 銭 to a multiple of
/// `unit_yen` (10円): under half a unit (5円) down, half a unit or more up.
/// 3,702円 → 3,700; 2,468円 → 2,470; 1,234.5円 → 1,230 (4.5円 is under 5円).
pub fn round_window(sen: i64, unit_yen: i64) -> i64 {
    let unit = unit_yen * SEN_PER_YEN;
    let whole = sen.div_euclid(unit);
    let rest = sen.rem_euclid(unit);
    let units = if rest * 2 >= unit { whole + 1 } else { whole };
    units * unit_yen
}

/// The rate share at the window: `cost × percent %`, rounded with [`round_window`].
pub fn window_share(cost_yen: i64, percent: u32, unit_yen: i64) -> i64 {
    round_window(cost_yen * i64::from(percent), unit_yen)
}

/// The 一部負担金相当額 before the window's rounding: `cost × percent %` in 1円 (1円未満四捨五入;
/// with 10円 per point and whole-ten rates it is exact).
pub fn unrounded_share(cost_yen: i64, percent: u32) -> i64 {
    round_half_yen(cost_yen * i64::from(percent))
}

/// The facility's rounding difference of one claim: its 一部負担金 `copayment` (10円-rounded,
/// or set by a limit) less the unrounded 一部負担金相当額 it stands for, which the insurer's
/// part deducts under `rule` (rules/data/copay/rounding.toml `insurer_part_deducts`):
/// - not cut by a limit (`copayment` is the rounded rate share): the rate share in 1円;
/// - cut by a limit: the limit's amount is in 1円, less what the earlier claims under that
///   limit were rounded by (`carry`, Σ their differences): `copayment + carry`, within
///   0 ..= the rate share in 1円.
///
/// 10,040円 at 3割: copayment 3,010, unrounded 3,012 → −2. With `WindowPayment`: 0.
pub fn rounding_difference(
    rule: rules::copay::InsurerPartDeducts,
    cost_yen: i64,
    percent: u32,
    unit_yen: i64,
    copayment: i64,
    carry: i64,
) -> i64 {
    if rule == rules::copay::InsurerPartDeducts::WindowPayment {
        return 0;
    }
    let raw = unrounded_share(cost_yen, percent);
    let unrounded = if copayment >= window_share(cost_yen, percent, unit_yen) {
        raw
    } else {
        copayment.saturating_add(carry).clamp(0, raw.max(0))
    };
    copayment - unrounded
}

/// 1円未満四捨五入 (健保法施行令42条, the 1% term): under 50銭 down, 50銭 or more up.
pub fn round_half_yen(sen: i64) -> i64 {
    let whole = sen.div_euclid(SEN_PER_YEN);
    let rest = sen.rem_euclid(SEN_PER_YEN);
    if rest * 2 >= SEN_PER_YEN {
        whole + 1
    } else {
        whole
    }
}

/// 1円未満切捨て — insurer cash benefits (療養費, 高額療養費 refunds).
pub fn floor_yen(sen: i64) -> i64 {
    sen.div_euclid(SEN_PER_YEN)
}

/// The 1% term of the high-cost formula: `max(0, 医療費 − threshold) × percent %`,
/// rounded with [`round_half_yen`] (50銭 rule).
pub fn excess_term(cost_yen: i64, threshold_yen: i64, percent: u32) -> i64 {
    let over = (cost_yen - threshold_yen).max(0);
    round_half_yen(over * i64::from(percent))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn window_rounding_examples() {
        assert_eq!(window_share(12_340, 30, 10), 3_700); // 1,234点 3割 → 3,702 → 3,700
        assert_eq!(window_share(12_340, 20, 10), 2_470); // 2,468 → 2,470
        assert_eq!(window_share(12_350, 10, 10), 1_240); // 1,235 → 1,240
    }

    #[test]
    fn window_rounding_boundary_4_5() {
        assert_eq!(round_window(1_234 * 100, 10), 1_230);
        assert_eq!(round_window(1_235 * 100, 10), 1_240);
        assert_eq!(round_window(123_450, 10), 1_230); // 1,234.50円: 4.5円 < 5円 → down
        assert_eq!(round_window(123_499, 10), 1_230);
        assert_eq!(round_window(123_500, 10), 1_240);
        assert_eq!(round_window(0, 10), 0);
    }

    #[test]
    fn half_yen_boundary_49_50_sen() {
        assert_eq!(round_half_yen(7_049), 70);
        assert_eq!(round_half_yen(7_050), 71);
        assert_eq!(excess_term(1_000_000, 267_000, 1), 7_330);
        assert_eq!(excess_term(267_049, 267_000, 1), 0); // 0.49円 → 0
        assert_eq!(excess_term(267_050, 267_000, 1), 1); // 0.50円 → 1
        assert_eq!(excess_term(100, 267_000, 1), 0);
        assert_eq!(floor_yen(199), 1);
    }

    #[test]
    fn rounding_difference_examples() {
        use rules::copay::InsurerPartDeducts::{UnroundedShare, WindowPayment};
        // 10,040円 3割: 3,012 → 3,010 at the window (健保法75条).
        assert_eq!(
            rounding_difference(UnroundedShare, 10_040, 30, 10, 3_010, 0),
            -2
        );
        assert_eq!(
            rounding_difference(WindowPayment, 10_040, 30, 10, 3_010, 0),
            0
        );
        // 52,280円 1割: 5,228 → 5,230.
        assert_eq!(
            rounding_difference(UnroundedShare, 52_280, 10, 10, 5_230, 0),
            2
        );
        // Cut by an 8,000 limit after 5,230 + 2,620 (rounded from 5,228 + 2,615): 150 stands
        // for 8,000 − 7,843 = 157.
        assert_eq!(
            rounding_difference(UnroundedShare, 27_100, 10, 10, 150, 7),
            -7
        );
        // Never above the rate share, never below 0.
        assert_eq!(
            rounding_difference(UnroundedShare, 27_100, 10, 10, 2_700, 50),
            -10
        );
        assert_eq!(
            rounding_difference(UnroundedShare, 27_100, 10, 10, 3, -9),
            3
        );
    }

    #[test]
    fn points_to_yen() {
        let t = rules::copay::CopayTables::embedded().unwrap();
        assert_eq!(
            yen_from_points(1_234, t.rounding[0].yen_per_point),
            Some(12_340)
        );
        assert_eq!(yen_from_points(i64::MAX, 10), None);
    }
}
