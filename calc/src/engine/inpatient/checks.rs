//! What an admission adds to the day's checks: the 算定単位 of the 05算定回数テーブル that count
//! over a stay (132 入院初日, 133 入院中, 134 退院時; the day's pipeline counts 日/週/月 …), and the
//! 04入院基本料テーブル (a 入院基本料等加算 must be in the group of the day's 入院基本料, and two
//! add-ons of one 加算識別 exclude each other).

use super::output::{DayOutput, MonthNotes};
use super::Engine;
use crate::inpatient::InpatientMonth;
use chrono::NaiveDate;
use masters::tables::CountUnit;
use masters::Code;
use std::collections::HashMap;

fn src(r: &masters::tables::RowSource) -> String {
    format!("{}:{}", r.file, r.line)
}

/// 入院初日, 入院中, 退院時.
pub(super) fn admission_limits(
    e: &Engine,
    m: &InpatientMonth,
    reck: NaiveDate,
    days: &[DayOutput],
    notes: &mut MonthNotes,
) {
    let tables = &e.data().tables;
    if tables.frequency.is_empty() {
        return;
    }
    let discharge = m.admission.discharge_date.map(|d| d.0);
    // Claimed during the stay so far: the history from the 起算日, then day by day.
    let mut used: HashMap<Code, i64> = HashMap::new();
    for h in m.history.iter().filter(|h| h.date.0 >= reck) {
        *used.entry(h.code).or_default() += h.count;
    }
    for d in days {
        let date = d.date;
        for l in &d.result.lines {
            let Some(code) = l.code else { continue };
            let name = || d.result.string(l.name);
            for fr in tables.frequency_on(code, date) {
                let max = i64::from(fr.count);
                match fr.unit.kind() {
                    CountUnit::StayFirstDay => {
                        let ok = date == reck && l.count <= max;
                        notes.trace(
                            "inpatient.first_day",
                            format!("{code} on {date}; 起算日 {reck}"),
                            src(&fr.source),
                            if ok {
                                "on the 入院初日".into()
                            } else {
                                "refused".to_string()
                            },
                        );
                        if date != reck {
                            notes.error(format!(
                                "{date} (day {}): {code} {}: 入院初日 only (05算定回数テーブル 算定単位 132, {}); the 入院初日 of this stay is its 起算日 {reck} (通知 第２部 通則 ８: a readmission counted from an earlier 起算日 has none)",
                                d.day_of_stay,
                                name(),
                                src(&fr.source)
                            ));
                        } else if l.count > max {
                            notes.error(format!(
                                "{date}: {code} {}: {} claimed, at most {max} on the 入院初日 ({})",
                                name(),
                                l.count,
                                src(&fr.source)
                            ));
                        }
                    }
                    CountUnit::DuringStay => {
                        let n = used.get(&code).copied().unwrap_or(0) + l.count;
                        notes.trace(
                            "inpatient.during_stay",
                            format!("{code} on {date}: {n} in the stay from {reck}"),
                            src(&fr.source),
                            format!("at most {max} 入院中"),
                        );
                        if n > max {
                            notes.error(format!(
                                "{date} (day {}): {code} {}: claimed {n} times in the stay from the 起算日 {reck}; at most {max} 入院中 (05算定回数テーブル 算定単位 133, {})",
                                d.day_of_stay,
                                name(),
                                src(&fr.source)
                            ));
                        }
                    }
                    CountUnit::AtDischarge if discharge != Some(date) => {
                        notes.error(format!(
                            "{date}: {code} {}: 退院時 only (05算定回数テーブル 算定単位 134, {}); {}",
                            name(),
                            src(&fr.source),
                            match discharge {
                                Some(dd) => format!("the discharge is on {dd}"),
                                None => "the month states no discharge (admission.discharge_date)".into(),
                            }
                        ));
                    }
                    _ => {}
                }
            }
        }
        for l in &d.result.lines {
            if let Some(code) = l.code {
                *used.entry(code).or_default() += l.count;
            }
        }
    }
}

/// The 04入院基本料テーブル: each 入院基本料等加算 of a day must be in the group (入院基本料識別 of
/// the 01補助マスターテーブル) of the day's 入院基本料; add-ons of the same 加算識別 exclude each other.
pub(super) fn basic_addons(
    e: &Engine,
    m: &InpatientMonth,
    days: &[DayOutput],
    notes: &mut MonthNotes,
) {
    let tables = &e.data().tables;
    if tables.inpatient_basic.is_empty() || tables.auxiliary.is_empty() {
        notes.trace(
            "inpatient.basic_table",
            "04入院基本料テーブル / 01補助マスターテーブル".to_string(),
            "not loaded",
            "which 入院基本料等加算 a 入院基本料 allows is not checked (load the official 電子点数表 with --master)".to_string(),
        );
        let _ = m;
        return;
    }
    for d in days {
        let date = d.date;
        let group = tables
            .auxiliary
            .get(&d.ward)
            .and_then(|v| v.iter().find(|a| a.period.contains(date)))
            .map(|a| (a.inpatient_basic, &a.source));
        let mut seen: Vec<(u16, Code)> = Vec::new();
        for l in &d.result.lines {
            let Some(code) = l.code else { continue };
            let rows = e.inpatient.basic_addons(tables, code);
            let in_force =
                |r: &&super::BasicAddon| tables.inpatient_basic[r.row].period.contains(date);
            if !rows.iter().any(|r| in_force(&r)) {
                continue;
            }
            let g = group.map_or(0, |(g, _)| g);
            let Some(row) = rows
                .iter()
                .filter(in_force)
                .find(|r| r.group == g && g != 0)
            else {
                let gsrc = group.map_or_else(
                    || "01補助マスターテーブル: no row".to_string(),
                    |(_, s)| src(s),
                );
                notes.error(format!(
                    "{date} (day {}): {code} {}: not an add-on of the ward's 入院料 {} (入院基本料識別 {g:03}, {gsrc}; 04入院基本料テーブル lists it in groups {})",
                    d.day_of_stay,
                    d.result.string(l.name),
                    d.ward,
                    rows.iter()
                        .filter(in_force)
                        .map(|r| format!("{:03}", r.group))
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
                continue;
            };
            let rec = &tables.inpatient_basic[row.row];
            if let Some((_, other)) = seen
                .iter()
                .find(|(a, c)| *a == row.addition_id && *c != code)
            {
                notes.error(format!(
                    "{date} (day {}): {code} {} and {other}: 加算識別 {} of group {g:03} — they cannot be claimed together (04入院基本料テーブル, {})",
                    d.day_of_stay,
                    d.result.string(l.name),
                    row.addition_id,
                    src(&rec.source)
                ));
            } else {
                notes.trace(
                    "inpatient.basic_table",
                    format!("{code} on {date} with 入院料 {}", d.ward),
                    src(&rec.source),
                    format!("group {g:03}, 加算識別 {}", row.addition_id),
                );
            }
            seen.push((row.addition_id, code));
        }
    }
}
