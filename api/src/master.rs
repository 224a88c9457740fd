//! `santei master show` output: one code of the schedule on one date, as JSON.

use calc::revision_after_data;
use chrono::NaiveDate;
use masters::tables::TableKind;
use masters::Dataset;
use rules::addons::AddonRules;
use rust_decimal::Decimal;
use serde_json::{json, Value};

fn num(d: Decimal) -> Value {
    let text = d.normalize().to_string();
    text.parse::<serde_json::Number>()
        .map(Value::Number)
        .unwrap_or(Value::String(text))
}

/// The JSON object of `santei master show` for one code on one date.
pub fn entry_json(
    e: &masters::Entry<'_>,
    ds: &Dataset,
    rules: &AddonRules,
    date: NaiveDate,
) -> Value {
    let r = e.record();
    let mut o = json!({
        "code": e.code.to_string(),
        "name": r.name,
        "points": num(r.points),
        "point_kind": r.point_kind.as_str(),
        "valid_from": e.valid_from.to_string(),
        "valid_to": e.valid_to.map(|d| d.to_string()),
        "addon_group": r.addon_group().map(|(c, s)| json!({"code": c, "serial": s.to_string()})),
        "facility_standards": r.facility_standards().map(|c| c.to_string()).collect::<Vec<_>>(),
        "max_count": r.max_count,
        "in_out": r.in_out.as_str(),
        "age_lower": r.age_lower.code(),
        "age_upper": r.age_upper.code(),
        "age_addons": r.age_addons().map(|a| json!({
            "lower": a.lower.code(), "upper": a.upper.code(), "code": a.code.to_string()})).collect::<Vec<_>>(),
        "verified": e.version.verified,
        "valid_to_verified": e.version.end_verified,
        "sources": e.version.sources.iter().map(|s| if s.line > 0 { format!("{}:{}", s.file, s.line) } else { s.file.to_string() }).collect::<Vec<_>>(),
    });
    // An official record for a date after a revision the master predates is not confirmed
    // for that date (as `santei calc` says of its lines).
    if let Some((rev, as_of)) = revision_after_data(ds, rules, date).filter(|_| e.version.verified)
    {
        o["verified"] = Value::Bool(false);
        o["note"] = Value::String(format!(
            "{} ({}): the official master in use was published up to {as_of}, before this revision; the record as in force before it, not confirmed for {date}",
            rev.name, rev.date
        ));
    }
    if ds.tables.has(TableKind::Frequency) {
        let f: Vec<Value> = ds
            .tables
            .frequency_on(e.code, date)
            .map(|f| json!({"unit": f.unit.name, "unit_code": f.unit.code, "count": f.count, "verified": f.source.verified}))
            .collect();
        o["frequency"] = match f.len() {
            0 => Value::Null,
            1 => f[0].clone(),
            _ => Value::Array(f),
        };
    }
    o
}
