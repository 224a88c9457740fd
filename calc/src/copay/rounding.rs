//! 端数処理 — every rounding rule of the co-payment, written once.
//!
//! Invariants: integer arithmetic only. Amounts that need a fraction of a yen are carried in
//! 銭 (1/100 円): `yen × percent` is exactly an amount in 銭. Drug and material prices are
//! `rust_decimal::Decimal` (prices such as 105.2円 are exact). Parameters (10円 per point,
//! the 10円 window unit, the 15円 drug base …) come from `rules/data/copay/rounding.toml`.

use rules::copay::RoundingRow;
use rust_decimal::{Decimal, RoundingStrategy};

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

/// 薬剤料 (内服 per 1剤1日分, 屯服 per 1回分, 外用 per 1調剤, 注射 per 1回分):
/// 薬価 ≤ 15円 → 1点; above: ceil((薬価 − 15) / 10) + 1. 25.0円 → 2点, 25.1円 → 3点, 105.2円 → 11点.
pub fn drug_points(price_yen: Decimal, r: &RoundingRow) -> i64 {
    let base = Decimal::from(r.drug_base_yen);
    if price_yen <= base {
        return 1;
    }
    let steps = ((price_yen - base) / Decimal::from(r.drug_step_yen)).ceil();
    decimal_to_i64(steps) + 1
}

/// 処置 drugs (J300 etc.): 薬価 ≤ 15円 → 0点 (not claimed); above as [`drug_points`].
pub fn treatment_drug_points(price_yen: Decimal, r: &RoundingRow) -> i64 {
    if price_yen <= Decimal::from(r.drug_base_yen) {
        0
    } else {
        drug_points(price_yen, r)
    }
}

/// 特定保険医療材料: 材料価格 ÷ 10, 四捨五入. 1,260円 → 126点; 1,265円 → 127点.
pub fn material_points(price_yen: Decimal, r: &RoundingRow) -> i64 {
    let p = (price_yen / Decimal::from(r.material_yen_per_point))
        .round_dp_with_strategy(0, RoundingStrategy::MidpointAwayFromZero);
    decimal_to_i64(p)
}

fn decimal_to_i64(d: Decimal) -> i64 {
    rust_decimal::prelude::ToPrimitive::to_i64(&d).unwrap_or(i64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn row() -> RoundingRow {
        let t = rules::copay::CopayTables::embedded().unwrap();
        t.rounding[0].clone()
    }
    fn dec(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

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
    fn drug_and_material_points() {
        let r = row();
        assert_eq!(drug_points(dec("15.0"), &r), 1);
        assert_eq!(drug_points(dec("25.0"), &r), 2);
        assert_eq!(drug_points(dec("25.1"), &r), 3);
        assert_eq!(drug_points(dec("105.2"), &r), 11);
        assert_eq!(drug_points(dec("0.5"), &r), 1);
        assert_eq!(treatment_drug_points(dec("15.0"), &r), 0);
        assert_eq!(treatment_drug_points(dec("15.1"), &r), 2);
        assert_eq!(material_points(dec("1260"), &r), 126);
        assert_eq!(material_points(dec("1264"), &r), 126);
        assert_eq!(material_points(dec("1265"), &r), 127);
        assert_eq!(yen_from_points(1_234, r.yen_per_point), Some(12_340));
    }
}
