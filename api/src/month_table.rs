//! `santei copay --format table`: the month form's result visit by visit, in a language.
//!
//! Every word of the table is an English template of the message catalog
//! (`calc/data/messages.tsv`, ids `copay.table.*`), filled with its numbers and put into the
//! language by [`calc::catalog::Catalog::translate`]; insurer codes are shown by their name in
//! Japanese (社保, 国保, 後期, 自費). Numbers and 法別番号 are the result's own.

use calc::catalog::{catalog, Lang};
use calc::copay::month::{MonthOutput, VisitResult};
use std::fmt::Write;

/// Display width: CJK characters count 2.
fn width(s: &str) -> usize {
    s.chars()
        .map(|c| if (c as u32) < 0x1100 { 1 } else { 2 })
        .sum()
}

fn pad(s: &str, w: usize) -> String {
    format!("{s}{}", " ".repeat(w.saturating_sub(width(s))))
}

fn padl(s: &str, w: usize) -> String {
    format!("{}{s}", " ".repeat(w.saturating_sub(width(s))))
}

/// The insurer as the table shows it.
fn insurer(code: &str, lang: Lang) -> &str {
    match (lang, code) {
        (Lang::Ja, "kenpo") => "社保",
        (Lang::Ja, "kokuho") => "国保",
        (Lang::Ja, "kouki") => "後期",
        (Lang::Ja, "none") => "自費",
        (_, c) => c,
    }
}

fn combination(insurance: &str, public: &[String], lang: Lang) -> String {
    let ins = insurer(insurance, lang);
    if public.is_empty() {
        ins.to_string()
    } else {
        format!("{ins}+{}", public.join("+"))
    }
}

/// A visit's notes: the limit at the window and a 減免.
fn notes(v: &VisitResult, lang: Lang) -> String {
    let c = catalog();
    let mut n = Vec::new();
    if let Some(l) = v.limit {
        n.push(c.translate(&format!("limit {l}"), lang));
    }
    if let Some(r) = &v.reduction {
        let what = match r.kind {
            "reduction" => "reduction (減額)",
            "exemption" => "exemption (免除)",
            _ => "deferral (猶予)",
        };
        n.push(c.translate(&format!("{what} {}", r.amount), lang));
    }
    n.join(", ")
}

/// The month visit by visit: date, points, combination, 医療費, 一部負担金, 公費, window payment,
/// paid, balance and notes; then each combination's settlement and the month's totals.
pub fn copay_month_table(o: &MonthOutput, lang: Lang) -> String {
    let c = catalog();
    let t = |s: &str| c.translate(s, lang);
    let mut out = String::new();
    let head = [
        (t("date"), 10, false),
        (t("points"), 7, true),
        (t("insurance/public"), 16, false),
        (t("medical cost"), 9, true),
        (t("co-payment"), 9, true),
        (t("public"), 9, true),
        (t("window"), 9, true),
        (t("paid"), 8, true),
        (t("balance"), 8, true),
    ];
    let cells: Vec<String> = head
        .iter()
        .map(|(s, w, right)| if *right { padl(s, *w) } else { pad(s, *w) })
        .collect();
    let _ = writeln!(out, "{} {}", cells.join(" "), t("notes"));
    let _ = writeln!(out, "{}", "─".repeat(104));
    for v in &o.visits {
        let public: i64 = v.public_pays.iter().map(|p| p.amount).sum();
        let _ = writeln!(
            out,
            "{} {:>7} {} {:>9} {:>9} {:>9} {:>9} {:>8} {:>8} {}",
            v.date.format("%Y-%m-%d"),
            v.points,
            pad(&combination(v.insurance, &v.public, lang), 16),
            v.medical_cost,
            v.copayment,
            public,
            v.window_payment,
            v.paid,
            v.balance,
            notes(v, lang)
        );
    }
    let _ = writeln!(out, "{}", "─".repeat(104));
    for s in &o.combinations {
        let public: Vec<String> = s
            .public_pays
            .iter()
            .map(|p| format!("{} {}", p.law, p.amount))
            .collect();
        let line = format!(
            "{} visits, 医療費 {}, insurer {} (高額療養費 {}), 一部負担金 {}, 公費 [{}], patient {}",
            s.visits,
            s.medical_cost,
            s.insurer_pays,
            s.high_cost,
            s.copayment,
            public.join(", "),
            s.patient_pays
        );
        let _ = writeln!(
            out,
            "{} {}",
            pad(&combination(s.insurance, &s.public, lang), 16),
            t(&line)
        );
    }
    let m = &o.totals;
    let line = format!(
        "window {} 円, refunded {} 円, patient {} 円, paid {} 円, balance {} 円",
        m.window_payments, m.refunds, m.patient_pays, m.paid, m.balance
    );
    let _ = writeln!(out, "{} {}", pad(&t("total"), 16), t(&line));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const MONTH: &str = r#"
month = "2025-05"
patient = { birth_date = "1980-01-01", insurance = "kokuho", income_category = "ウ", limit_certificate = true, reduction = { kind = "reduction", rate = "0.5" } }
public_expense = [{ law = "21", monthly_cap = 5000 }]
visits = [
  { date = "2025-05-07", points = 25000, paid = 10000 },
  { date = "2025-05-20", points = 10000, public = ["21"] },
]
"#;

    fn table(lang: Lang) -> String {
        let tables = rules::copay::CopayTables::embedded().unwrap();
        let out = crate::copay_month(&tables, "month.toml", MONTH).unwrap();
        copay_month_table(&out, lang)
    }

    /// Three or more ASCII words in a row (a word: letters only; numbers, 法別 and dates are
    /// not words) — an English sentence left in the Japanese table.
    fn english_runs(s: &str) -> Vec<String> {
        let mut runs = Vec::new();
        for line in s.lines() {
            let mut run: Vec<&str> = Vec::new();
            for tok in line.split(|c: char| c.is_whitespace() || ",()[]:;、（）".contains(c)) {
                if tok.is_empty() {
                    continue;
                }
                if tok.chars().all(|c| c.is_ascii_alphabetic()) {
                    run.push(tok);
                } else {
                    if run.len() >= 3 {
                        runs.push(run.join(" "));
                    }
                    run.clear();
                }
            }
            if run.len() >= 3 {
                runs.push(run.join(" "));
            }
        }
        runs
    }

    #[test]
    fn the_japanese_month_table_has_no_english_sentence() {
        let ja = table(Lang::Ja);
        assert!(
            english_runs(&ja).is_empty(),
            "{:?}\n{ja}",
            english_runs(&ja)
        );
        assert!(!ja.chars().any(|c| c.is_ascii_alphabetic()), "{ja}");
        // The words are the catalog's: the header, the limit note, the 減額 note, the totals.
        for w in [
            "日付",
            "点数",
            "備考",
            "限度額 80100",
            "減額",
            "国保+21",
            "合計",
            "患者負担",
        ] {
            assert!(ja.contains(w), "{w} missing:\n{ja}");
        }
        // The scan itself finds an English sentence.
        assert_eq!(english_runs("a b c 1"), vec!["a b c"]);
    }

    #[test]
    fn the_english_month_table_is_in_english() {
        let en = table(Lang::En);
        for w in [
            "date",
            "points",
            "notes",
            "limit 80100",
            "reduction",
            "kokuho+21",
            "total",
            "patient",
        ] {
            assert!(en.contains(w), "{w} missing:\n{en}");
        }
        assert!(!en.contains("日付"), "{en}");
    }
}
