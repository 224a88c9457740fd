//! The month's 高額療養費 合算 (健康保険法施行令41条1項): which parts of the month at this
//! facility count toward the one limit, and with what amount.

use crate::copay::input::MonthToDate;
use std::collections::HashMap;

/// The month's 合算 so far in period `pi` without the combination `key` (健康保険法施行令41条1項:
/// the amounts of one person at one 病院等 in the month, 1号 the 保険単独 part, 2号 each 公費
/// part — 特定給付対象療養 — apart): a part counts only once its 一部負担金 reaches `min`
/// (under 70, "七十歳に達する日の属する月以前": 21,000円 or more; 70 and over: 0). The 保険単独
/// part counts its 一部負担金; a 公費 part its amount in `paid` (what the patient paid under it
/// under 70; from 70 what the patient bore after its national 公費, before a local programme,
/// which is no 特定給付), when positive (its 医療費 joins the limit's 1% term with it) — the 2号
/// measure as the official 計算事例 (70歳未満 平成27年1月, 高齢受給者 平成30年8月) work it, the
/// 2号 text itself not retrieved
/// (rules/data/copay/high_cost.toml; copay-vectors-explained.toml). `None` when no other part
/// counts: the combination is then held to its own limit alone.
pub(super) fn merged_others(
    combo: &HashMap<(usize, Vec<String>), MonthToDate>,
    paid: &HashMap<(usize, Vec<String>), i64>,
    pi: usize,
    key: &[String],
    min: i64,
) -> Option<MonthToDate> {
    let mut sum = MonthToDate::default();
    let mut any = false;
    for ((p, k), t) in combo {
        if *p != pi || k.as_slice() == key {
            continue;
        }
        let counted = if k.is_empty() {
            Some(t.patient_share).filter(|s| *s >= min)
        } else {
            paid.get(&(pi, k.clone()))
                .copied()
                .filter(|s| *s > 0 && t.patient_share >= min)
        };
        if let Some(c) = counted {
            any = true;
            sum.medical_cost += t.medical_cost;
            sum.patient_share += c;
        }
    }
    any.then_some(sum)
}

pub(super) fn plus(a: MonthToDate, b: MonthToDate) -> MonthToDate {
    let (medical_cost, patient_share) = (
        a.medical_cost + b.medical_cost,
        a.patient_share + b.patient_share,
    );
    MonthToDate {
        medical_cost,
        patient_share,
    }
}
