//! `santei uke audit --format table`: the audit as an auditor reads it — per receipt its
//! status, totals and findings (units that agree are not listed), and the summary.

use super::msg::m;
use super::{AuditLine, Finding, Kind, Summary};
use calc::catalog::Lang;
use rust_decimal::Decimal;
use std::fmt::Write;

fn yen(y: Option<Decimal>) -> String {
    y.map_or_else(|| "–".to_string(), |y| format!("{}円", y.normalize()))
}

/// A label of the catalog (`audit.status.*`, `audit.setting.*`), or the key itself.
fn label(prefix: &str, key: &str, lang: Lang) -> String {
    let id = format!("{prefix}{key}");
    match super::msg::catalog().by_id(&id) {
        Some(e) => super::msg::Msg {
            id: e.id,
            args: vec![],
        }
        .render(lang),
        None => key.to_string(),
    }
}

/// Pad to `w` columns (a CJK character counting two, as a terminal shows it).
fn pad(s: &str, w: usize) -> String {
    let cols: usize = s.chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum();
    let mut out = s.to_string();
    out.extend(std::iter::repeat_n(' ', w.saturating_sub(cols)));
    out
}

fn finding_row(out: &mut String, f: &Finding, lang: Lang) {
    let at = match (f.detail, f.day) {
        (Some(d), Some(day)) => format!(
            "{} {}",
            m!("audit.table.detail", d.to_string()).render(lang),
            m!("audit.table.day", day.to_string()).render(lang)
        ),
        (Some(d), None) => m!("audit.table.detail", d.to_string()).render(lang),
        (None, Some(day)) => m!("audit.table.day", day.to_string()).render(lang),
        (None, None) => String::new(),
    };
    let kind = match lang {
        Lang::En => format!("{:<17}", f.kind.as_str()),
        Lang::Ja => pad(&f.kind.label(lang), 17),
    };
    let impact = if f.kind == Kind::CannotCheck {
        String::new()
    } else {
        format!("{:+}点 {}", f.points, yen(f.yen))
    };
    let _ = writeln!(
        out,
        "  {} {:<14} {:<9} {:>16}  {}",
        kind,
        at,
        f.code.as_deref().unwrap_or("-"),
        impact,
        f.message
    );
}

/// One receipt as table rows (its texts as [`super::localize`] wrote them; the labels in `lang`).
pub fn receipt(a: &AuditLine, lang: Lang) -> String {
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
    let status = match lang {
        Lang::En => format!("{:<9}", a.status),
        Lang::Ja => label("audit.status.", a.status, lang),
    };
    let head = m!(
        "audit.table.receipt",
        a.receipt.number.to_string(),
        a.line.to_string(),
        a.receipt.service_month.as_str(),
        a.receipt.receipt_type.as_str(),
        label("audit.setting.", a.receipt.setting, lang),
        status,
        totals.join(", "),
        a.benefit_rate
            .percent
            .map_or("?".to_string(), |p| format!("{p}%"))
    );
    let _ = writeln!(out, "{}", head.render(lang));
    for f in &a.findings {
        finding_row(&mut out, f, lang);
    }
    out
}

/// The summary as table rows, in a language.
pub fn summary(s: &Summary, lang: Lang) -> String {
    let mut out = String::new();
    let line = m!(
        "audit.table.summary",
        s.receipts.to_string(),
        s.matched.to_string(),
        s.differing.to_string(),
        s.unchecked.to_string(),
        s.units_matched.to_string(),
        s.units_differing.to_string(),
        s.units_cannot_check.to_string(),
        s.read_errors.to_string()
    );
    let _ = writeln!(out, "{}", line.render(lang));
    let h = |id: &'static str| super::msg::Msg { id, args: vec![] }.render(lang);
    let _ = writeln!(
        out,
        "  {} {:>8} {:>12} {:>14}",
        pad(&h("audit.table.head.kind"), 17),
        h("audit.table.head.findings"),
        h("audit.table.head.points"),
        h("audit.table.head.yen")
    );
    for (k, n) in &s.findings {
        let name = Kind::from_key(k).map_or_else(|| k.clone(), |x| x.label(lang));
        let _ = writeln!(
            out,
            "  {} {:>8} {:>12} {:>14}",
            pad(&name, 17),
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
            "  {}",
            m!("audit.table.without_yen", s.without_yen.to_string()).render(lang)
        );
    }
    out
}

/// The one-line summary `santei uke audit` writes to stderr (after the file's name).
pub fn done_line(s: &Summary, lang: Lang) -> String {
    m!(
        "audit.table.done",
        s.receipts.to_string(),
        s.matched.to_string(),
        s.differing.to_string(),
        s.unchecked.to_string(),
        s.read_errors.to_string()
    )
    .render(lang)
}
