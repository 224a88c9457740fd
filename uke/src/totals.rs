//! The totals a receipt states against the sum of its lines, and the GO totals of a file.
//!
//! Per receipt: Σ(点数 × 回数) of the 摘要 lines that carry 点数, split by 負担区分 into the payers
//! each code stands for (`futan-kubun.tsv`: 医保, 公費1 … 公費4), compared with HO 合計点数 (医保)
//! and the n-th KO's 合計点数 (公費n). Lines of 診療識別 97 (食事療養・生活療養・標準負担額) carry
//! yen, not points, and are left out (the 9rece sample's 食事 lines sum to HO 食事療養 合計金額
//! only in part — their amounts are not checked here).
//!
//! GO: 総件数 counts each receipt once per payer record — 1 + the number of KO when it has an
//! HO, the number of KO otherwise — and 総合計点数 adds each receipt's HO 合計点数, or its first
//! KO's when it has no HO. The rule is stated by a third party's resubmission builder (a
//! TypeScript file found by the code index, id 56835417735: 「医保ありレセプトは 1＋公費数、
//! 公費単独は公費数。点数は主保険（なければ最初の公費）の合計点数」) and reproduces the GO of
//! both oracle files that have one: receiptisan's `RECEIPTC_GAIRAI_SAMPLE.UKE` (`GO,140,86392,99`
//! for 75 receipts, 69 HO and 71 KO) and ORCA's `uke-parser/*.csv` (tests/oracles.rs).

use crate::codes;
use crate::model::{Go, Receipt};
use serde::Serialize;

/// The 診療識別 whose lines carry yen instead of points (食事療養・生活療養・標準負担額).
pub const MEAL_CATEGORY: &str = "97";

/// One payer's stated and summed points.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct PayerTotal {
    /// "HO" (医療保険) or "KO1" … "KO4" (第1–4公費).
    pub payer: String,
    /// 合計点数 as the record states it (`None`: no such record, or the field is empty).
    pub stated: Option<u64>,
    /// Σ(点数 × 回数) of the lines whose 負担区分 includes this payer.
    pub summed: u64,
    /// `stated == summed`.
    pub equal: bool,
}

/// The totals check of one receipt.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct TotalsCheck {
    /// HO (when the receipt has an HO or a line for 医保), then each KO in order (and any 公費 a
    /// line names that has no KO).
    pub payers: Vec<PayerTotal>,
    /// Lines with 点数 but no 回数 (left out of the sums; each is a mismatch).
    pub lines_without_count: u32,
    /// Every payer's totals agree and no line lacks its 回数.
    pub equal: bool,
}

/// Compare the stated HO/KO 合計点数 with the sums of the receipt's lines.
pub fn check(r: &Receipt) -> TotalsCheck {
    let mut summed = [0u64; 5];
    let mut used = [false; 5];
    let mut without_count = 0u32;
    for t in &r.details {
        if t.effective_category() == Some(MEAL_CATEGORY) {
            continue;
        }
        let (points, count) = t.points_and_count();
        let Some(points) = points else { continue };
        let Some(count) = count else {
            without_count += 1;
            continue;
        };
        // The reader only admits 負担区分 codes of futan-kubun.tsv.
        let payers = codes::class_payers(t.payer_class()).unwrap_or([false; 5]);
        for (k, on) in payers.iter().enumerate() {
            if *on {
                summed[k] += u64::from(points) * u64::from(count);
                used[k] = true;
            }
        }
    }
    let mut payers = Vec::new();
    if r.ho.is_some() || used[0] {
        let stated = r.ho.as_ref().and_then(|h| h.total_points);
        payers.push(PayerTotal {
            payer: "HO".into(),
            stated,
            summed: summed[0],
            equal: stated == Some(summed[0]),
        });
    }
    for k in 1..5 {
        let ko = r.ko.get(k - 1);
        if ko.is_some() || used[k] {
            let stated = ko.and_then(|x| x.total_points);
            payers.push(PayerTotal {
                payer: format!("KO{k}"),
                stated,
                summed: summed[k],
                equal: stated == Some(summed[k]),
            });
        }
    }
    let equal = without_count == 0 && payers.iter().all(|p| p.equal);
    TotalsCheck {
        payers,
        lines_without_count: without_count,
        equal,
    }
}

/// The GO totals of a file's receipts: (総件数, 総合計点数), from the receipts' HO/KO records.
/// `Err` names the first receipt (its index) whose 合計点数 is empty where the GO needs it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct GoTotals {
    count: u64,
    points: u64,
    missing: Option<usize>,
    seen: usize,
}

impl GoTotals {
    /// Add one receipt.
    pub fn add(&mut self, r: &Receipt) {
        let ko = r.ko.len() as u64;
        let (count, points) = match &r.ho {
            Some(h) => (1 + ko, h.total_points),
            None => (ko, r.ko.first().and_then(|k| k.total_points)),
        };
        self.count += count;
        match points {
            Some(p) => self.points += p,
            None if count > 0 && self.missing.is_none() => self.missing = Some(self.seen),
            None => {}
        }
        self.seen += 1;
    }

    /// 総件数.
    pub fn count(&self) -> u64 {
        self.count
    }

    /// 総合計点数.
    pub fn points(&self) -> u64 {
        self.points
    }

    /// The first receipt (0-based, in the order added) whose HO, or first KO without an HO,
    /// has no 合計点数.
    pub fn missing(&self) -> Option<usize> {
        self.missing
    }

    /// The GO record (マルチボリューム識別情報 "99": the last volume).
    pub fn go(&self) -> Go {
        Go {
            total_count: self.count,
            total_points: self.points,
            volume: "99".into(),
        }
    }
}

/// A file's stated GO against the totals of its receipts.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct GoCheck {
    pub stated_count: u64,
    pub computed_count: u64,
    pub stated_points: u64,
    pub computed_points: u64,
    pub equal: bool,
}

impl GoCheck {
    /// Compare `go` with the totals of the receipts read.
    pub fn new(go: &Go, totals: &GoTotals) -> GoCheck {
        GoCheck {
            stated_count: go.total_count,
            computed_count: totals.count(),
            stated_points: go.total_points,
            computed_points: totals.points(),
            equal: go.total_count == totals.count() && go.total_points == totals.points(),
        }
    }
}
