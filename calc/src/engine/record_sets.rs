//! The receipt rules' view of the schedule's records: the facts a rule set selects on
//! ([`line_facts`]) and each record's sets per period of the rules ([`RecordSets`]), worked
//! out once per engine rather than once per claim line.

use chrono::NaiveDate;
use masters::value::OutpatientMgmt;
use masters::ProcedureRecord;
use rules::receipt::LineFacts;

/// The facts of a master row that the receipt rules (`rules::receipt`) match on: written once, here,
/// for the engine and for the tests that check the rule data against the official master.
pub fn line_facts(r: &ProcedureRecord) -> LineFacts<'_> {
    LineFacts {
        code: r.code.0,
        alpha: r.code_alpha.as_str(),
        section: r.section,
        branch: r.branch,
        item: r.item,
        bundled_test: r.bundled_test,
        outpatient_mgmt: match r.outpatient_mgmt {
            OutpatientMgmt::None => 0,
            OutpatientMgmt::Blocks => 1,
            OutpatientMgmt::IsAddon => 2,
        },
        time_addition: r.time_addition,
        notice_class2: r.notice_class2,
        test_judgement: r.test_judgement,
        test_judgement_group: r.test_judgement_group,
        tapering: r.tapering,
        bundled_tapering: r.bundled_tapering,
        shikibetsu: None,
    }
}

/// The receipt rules' sets ([`rules::receipt::ReceiptRules::sets_of`]) of each record of the
/// schedule, per period of the rules ([`rules::receipt::ReceiptRules::period_of`]): a record's
/// facts are the same on every claim, so its sets are worked out at the first claim of a
/// period that has the record and read by every later one. A cell is filled once (by any
/// thread) with what `sets_of` gives; nothing else is kept.
pub(crate) struct RecordSets {
    /// A record (where it is in the data set, which the engine keeps for its life) → its first
    /// cell; its cells are that and the next `periods - 1`.
    first: std::collections::HashMap<usize, usize, std::hash::BuildHasherDefault<AddrHasher>>,
    periods: usize,
    cells: Vec<std::sync::OnceLock<Box<[usize]>>>,
}

impl RecordSets {
    /// Cells for every version of every code of the data set's schedule.
    pub(crate) fn new(data: &masters::Dataset, rules: &rules::receipt::ReceiptRules) -> RecordSets {
        let schedule = &data.schedule;
        let periods = rules.period_count();
        let mut first = std::collections::HashMap::default();
        for code in schedule.codes() {
            for v in schedule.history(code).map_or(&[][..], |h| &h.versions[..]) {
                let at = first.len() * periods;
                first.entry(record_key(&v.record)).or_insert(at);
            }
        }
        let mut cells = Vec::new();
        cells.resize_with(first.len() * periods, std::sync::OnceLock::new);
        RecordSets {
            first,
            periods,
            cells,
        }
    }

    /// The sets of a record of the engine's schedule on `date` (as a line without 診療識別).
    pub(crate) fn get<'s>(
        &'s self,
        rules: &rules::receipt::ReceiptRules,
        r: &ProcedureRecord,
        date: NaiveDate,
    ) -> Option<&'s [usize]> {
        let p = rules.period_of(date);
        let cell = self
            .cells
            .get(self.first.get(&record_key(r))? + p.min(self.periods - 1))?;
        Some(cell.get_or_init(|| rules.sets_of(&line_facts(r), date).into_boxed_slice()))
    }
}

impl std::fmt::Debug for RecordSets {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "RecordSets {{ records: {}, periods: {} }}",
            self.first.len(),
            self.periods
        )
    }
}

/// Where a record is: the key of [`RecordSets`].
fn record_key(r: &ProcedureRecord) -> usize {
    r as *const ProcedureRecord as usize
}

/// A hasher for addresses (one multiply; the keys are the engine's own records).
#[derive(Default)]
pub(crate) struct AddrHasher(u64);

impl std::hash::Hasher for AddrHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(u64::from(b));
        }
    }
    fn write_usize(&mut self, n: usize) {
        self.write_u64(n as u64);
    }
    fn write_u64(&mut self, n: u64) {
        let h = (self.0 ^ n).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        self.0 = h ^ (h >> 32);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A record's sets kept for a period are its sets on every day of the period: for every
    /// record of the embedded schedule, the cell filled on a period's first day gives what
    /// `sets_of` computes on its last day (and on the day after, the next period's cell).
    #[test]
    fn kept_sets_hold_for_the_whole_period() {
        let engine = crate::Engine::embedded().unwrap();
        let (data, rules) = (engine.data(), engine.receipt_rules());
        let kept = RecordSets::new(data, rules);
        // The first day of each period from 2024-01-01 to 2027-12-31, found day by day.
        let mut firsts: Vec<NaiveDate> = Vec::new();
        let mut day = NaiveDate::from_ymd_opt(2024, 1, 1).unwrap();
        let end = NaiveDate::from_ymd_opt(2027, 12, 31).unwrap();
        let mut last_period = None;
        while day <= end {
            let p = rules.period_of(day);
            if last_period != Some(p) {
                firsts.push(day);
                last_period = Some(p);
            }
            day = day.succ_opt().unwrap();
        }
        assert!(
            firsts.len() > 1,
            "the rules change at least once: {firsts:?}"
        );
        let mut checked = 0;
        for code in data.schedule.codes() {
            for v in &data.schedule.history(code).unwrap().versions {
                let r: &ProcedureRecord = &v.record;
                for w in firsts.windows(2) {
                    let last = w[1].pred_opt().unwrap();
                    let first = kept.get(rules, r, w[0]).unwrap().to_vec();
                    assert_eq!(first, rules.sets_of(&line_facts(r), last), "{code} {last}");
                    assert_eq!(kept.get(rules, r, last).unwrap(), &first[..]);
                    checked += 1;
                }
            }
        }
        assert!(checked > 100, "{checked}");
    }
}
