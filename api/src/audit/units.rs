//! The 点数・回数算定単位 (units) of a UKE receipt: the SI/IY/TO records that together make one
//! charge. The layout (`../shared/specs/uke/record-layout-ika.md`, "General") writes 点数 and
//! 回数 only on the last record of a unit; a record that writes its 診療識別 starts a new unit
//! (the records after it that leave 診療識別 empty continue it). CO records carry no points and
//! belong to no unit. Lines of 診療識別 97 (食事療養・生活療養) carry yen, not points, and are left
//! out, as in `uke::totals`.

use uke::{Days, Detail};

/// One 点数・回数算定単位.
#[derive(Clone, Debug)]
pub(crate) struct Unit {
    /// Index (in the receipt's `details`) of each SI/IY/TO record of the unit, in order.
    pub records: Vec<usize>,
    /// The 診療識別 in effect.
    pub section: Option<String>,
    /// 点数 of the unit's last record (`None`: the unit ended without one).
    pub points: Option<u32>,
    /// 回数 of the unit's last record.
    pub count: Option<u32>,
    /// The 算定日 columns of the unit's last record.
    pub days: Days,
    /// 負担区分 of the unit's last record.
    pub payer_class: String,
    /// Whether any record is an IY (医薬品) or TO (特定器材).
    pub has_drug_or_device: bool,
}

impl Unit {
    fn new() -> Unit {
        Unit {
            records: Vec::new(),
            section: None,
            points: None,
            count: None,
            days: [None; 31],
            payer_class: String::new(),
            has_drug_or_device: false,
        }
    }

    /// The index of the unit's last record.
    pub fn last(&self) -> usize {
        self.records.last().copied().unwrap_or_default()
    }

    /// Σ of the 算定日 columns.
    pub fn days_total(&self) -> u32 {
        self.days.iter().flatten().map(|&d| u32::from(d)).sum()
    }
}

fn days_of(d: &Detail) -> Option<&Days> {
    match d {
        Detail::SI(r) => Some(&r.days),
        Detail::IY(r) => Some(&r.days),
        Detail::TO(r) => Some(&r.days),
        Detail::CO(_) => None,
    }
}

/// The 算定日 columns of a record (`None` for a CO).
pub(crate) fn record_days(d: &Detail) -> Option<&Days> {
    days_of(d)
}

/// Split a receipt's 摘要 records into units.
pub(crate) fn units(details: &[Detail]) -> Vec<Unit> {
    let mut out = Vec::new();
    let mut open = Unit::new();
    for (i, d) in details.iter().enumerate() {
        let Some(days) = days_of(d) else { continue };
        if d.effective_category() == Some(uke::totals::MEAL_CATEGORY) {
            continue;
        }
        if d.category().is_some() && !open.records.is_empty() {
            out.push(std::mem::replace(&mut open, Unit::new()));
        }
        if open.records.is_empty() {
            open.section = d.effective_category().map(str::to_string);
        }
        open.records.push(i);
        open.has_drug_or_device |= !matches!(d, Detail::SI(_));
        let (points, count) = d.points_and_count();
        if points.is_some() {
            open.points = points;
            open.count = count;
            open.days = *days;
            open.payer_class = d.payer_class().to_string();
            out.push(std::mem::replace(&mut open, Unit::new()));
        } else {
            open.count = count;
            open.days = *days;
            open.payer_class = d.payer_class().to_string();
        }
    }
    if !open.records.is_empty() {
        out.push(open);
    }
    out
}
