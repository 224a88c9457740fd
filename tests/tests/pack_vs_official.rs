//! Every code of the embedded pack agrees with the official files at every date boundary
//! its versions cover (the day before, the first and the last day of each version, and the
//! day after), up to the last day before the 2026 revision, which no official file here covers.
//! Entries the pack marks unverified are checked to be marked so, not compared.

use chrono::{Days, NaiveDate};
use masters::pack;
use masters::procedure::ProcedureRecord;
use santei_tests::{date, official};

/// Fields that describe the official row's bookkeeping rather than the code (the full file
/// restamps 変更年月日; 旧点数 and the 変更区分 depend on which file a row came from).
const SKIP: &[&str] = &[
    "change_kind",
    "changed_on",
    "old_point_kind",
    "old_points",
    "abolished_on",
    "kanji_name_changed",
    "kana_name_changed",
];

fn same(a: &ProcedureRecord, b: &ProcedureRecord) -> Vec<&'static str> {
    // The embedded pack leaves out the fields of pack::PACK_OMITS (bookkeeping and fields no
    // computation reads): compare the others.
    let skip: Vec<&str> = SKIP.iter().chain(pack::PACK_OMITS).copied().collect();
    a.diff(b, &skip).into_iter().map(|c| c.field).collect()
}

#[test]
fn pack_matches_official_files_at_every_boundary() {
    let pack = pack::embedded().expect("embedded pack loads");
    let off = &official().schedule;
    let last_official_day = date("2026-05-31");
    let mut checked = 0usize;
    for code in pack.schedule.codes() {
        let h = pack.schedule.history(code).unwrap();
        let mut dates: Vec<NaiveDate> = Vec::new();
        for (i, v) in h.versions.iter().enumerate() {
            dates.push(v.valid_from);
            dates.extend(v.valid_from.pred_opt());
            if let Some(to) = h.valid_to(i) {
                dates.push(to);
                dates.extend(to.checked_add_days(Days::new(1)));
            }
        }
        dates.push(date("2022-04-01"));
        dates.push(last_official_day);
        dates.sort();
        dates.dedup();
        for d in dates {
            if d > last_official_day || d < date("2022-04-01") {
                continue;
            }
            let p = pack.schedule.lookup(code, d);
            match p {
                Ok(e) if !e.version.verified => continue,
                Ok(e) => {
                    let o = off.lookup(code, d).unwrap_or_else(|err| {
                        panic!(
                            "{code} on {d}: pack has {} but the official files say: {err}",
                            e.record().name
                        )
                    });
                    let diff = same(e.record(), o.record());
                    assert!(
                        diff.is_empty(),
                        "{code} on {d}: fields differ from the official files: {diff:?}"
                    );
                    assert_eq!(e.record().points, o.record().points);
                }
                Err(_) => {
                    assert!(
                        off.lookup(code, d).is_err(),
                        "{code} on {d}: official files have it, the pack does not"
                    );
                }
            }
            checked += 1;
        }
    }
    assert!(checked > 300, "only {checked} checks ran");
}

#[test]
fn pack_tables_match_official_tables() {
    let pack = pack::embedded().unwrap();
    let off = &official().tables;
    for (code, rules) in &pack.tables.frequency {
        for r in rules.iter().filter(|r| r.source.verified) {
            let o = off
                .frequency
                .get(code)
                .expect("code in the official 算定回数 table");
            assert!(
                o.iter()
                    .any(|x| x.unit == r.unit && x.count == r.count && x.period == r.period),
                "{code}"
            );
        }
    }
    for (code, rules) in &pack.tables.exclusions {
        for r in rules.iter().filter(|r| r.source.verified) {
            let o = off
                .exclusions
                .get(code)
                .expect("code in the official 背反 tables");
            assert!(
                o.iter().any(|x| x.first == r.first
                    && x.second == r.second
                    && x.kind == r.kind
                    && x.scope == r.scope),
                "{code}: {r:?}"
            );
        }
    }
}

#[test]
fn dx_codes_from_the_pack_give_the_acceptance_answers() {
    let ds = pack::embedded().unwrap();
    let s = &ds.schedule;
    let c = |x: &str| masters::Code::parse(x).unwrap();
    let pts = |x: &str, d: &str| s.lookup(c(x), date(d)).unwrap().record().points.to_string();
    assert_eq!(pts("111703370", "2024-06-01"), "8.00");
    assert_eq!(
        s.lookup(c("111703370"), date("2024-10-01"))
            .unwrap()
            .record()
            .name,
        "医療ＤＸ推進体制整備加算３（初診）"
    );
    assert_eq!(
        s.lookup(c("111703370"), date("2025-04-01"))
            .unwrap()
            .record()
            .name,
        "医療ＤＸ推進体制整備加算６（初診）"
    );
    assert!(s
        .lookup(c("111703470"), date("2024-09-30"))
        .unwrap_err()
        .to_string()
        .contains("2024-10-01"));
    assert_eq!(pts("111703470", "2024-10-01"), "11.00");
    assert_eq!(pts("111703470", "2025-04-01"), "10.00");
    assert_eq!(pts("111015970", "2022-10-01"), "4.00");
    assert_eq!(pts("111015970", "2023-06-15"), "6.00");
    assert_eq!(pts("111015970", "2024-02-01"), "4.00");
    assert!(s.lookup(c("111015970"), date("2024-06-01")).is_err());
    // 2026 (unverified): 再診料 76, the new add-on 15, the old add-on gone.
    let e = s.lookup(c("112007410"), date("2026-06-01")).unwrap();
    assert_eq!(
        (e.record().points.to_string(), e.version.verified),
        ("76.00".into(), false)
    );
    assert_eq!(pts("112007410", "2026-05-31"), "75.00");
    assert!(s.lookup(c("111703670"), date("2026-06-01")).is_err());
    assert!(
        !s.lookup(c("111704070"), date("2026-06-01"))
            .unwrap()
            .version
            .verified
    );
}
