//! `santei uke audit --format table`: the audit as an auditor reads it — per receipt its
//! status, totals and findings (units that agree are not listed), and the summary.

use super::{AuditLine, Finding, Kind, Summary};
use rust_decimal::Decimal;
use std::fmt::Write;

fn yen(y: Option<Decimal>) -> String {
    y.map_or_else(|| "–".to_string(), |y| format!("{}円", y.normalize()))
}

fn finding_row(out: &mut String, f: &Finding) {
    let at = match (f.detail, f.day) {
        (Some(d), Some(day)) => format!("摘要{d} {day}日"),
        (Some(d), None) => format!("摘要{d}"),
        (None, Some(day)) => format!("{day}日"),
        (None, None) => String::new(),
    };
    let impact = if f.kind == Kind::CannotCheck {
        String::new()
    } else {
        format!("{:+}点 {}", f.points, yen(f.yen))
    };
    let _ = writeln!(
        out,
        "  {:<17} {:<14} {:<9} {:>16}  {}",
        f.kind.as_str(),
        at,
        f.code.as_deref().unwrap_or("-"),
        impact,
        f.message
    );
}

/// One receipt as table rows.
pub fn receipt(a: &AuditLine) -> String {
    let mut out = String::new();
    let totals: Vec<String> = a
        .totals
        .iter()
        .map(|t| {
            format!(
                "{} {}/{}/{}",
                t.payer,
                t.stated.map_or("-".into(), |s| s.to_string()),
                t.lines,
                t.recomputed.map_or("?".into(), |s| s.to_string())
            )
        })
        .collect();
    let _ = writeln!(
        out,
        "レセプト {} (line {}) {} {} {} {:<9} 合計点数 stated/lines/recomputed: {}  給付割合 {}",
        a.receipt.number,
        a.line,
        a.receipt.service_month,
        a.receipt.receipt_type,
        a.receipt.setting,
        a.status,
        totals.join(", "),
        a.benefit_rate
            .percent
            .map_or("?".to_string(), |p| format!("{p}%"))
    );
    for f in &a.findings {
        finding_row(&mut out, f);
    }
    out
}

/// The summary as table rows.
pub fn summary(s: &Summary) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} receipts: {} matched, {} differing, {} unchecked; units {} matched, {} differing, {} cannot check; {} read error(s)",
        s.receipts,
        s.matched,
        s.differing,
        s.unchecked,
        s.units_matched,
        s.units_differing,
        s.units_cannot_check,
        s.read_errors
    );
    let _ = writeln!(
        out,
        "  {:<17} {:>8} {:>12} {:>14}",
        "kind", "findings", "points", "yen"
    );
    for (k, n) in &s.findings {
        let _ = writeln!(
            out,
            "  {:<17} {:>8} {:>12} {:>14}",
            k,
            n,
            s.points.get(k).map_or("".into(), |p| format!("{p:+}")),
            s.yen
                .get(k)
                .map_or("".into(), |y| format!("{}", y.normalize()))
        );
    }
    if s.without_yen > 0 {
        let _ = writeln!(
            out,
            "  {} finding(s) have no yen: their receipt's 給付割合 is not known",
            s.without_yen
        );
    }
    out
}
