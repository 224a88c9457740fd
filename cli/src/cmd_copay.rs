//! `santei copay FILE` — prints the co-payment (窓口負担金) of one receipt as JSON.
//!
//! FILE is JSON or TOML (by extension; otherwise JSON is tried first), `-` reads stdin.
//! `--local FILE` adds local public programmes (地方単独公費, 法別 80–99) and `--tables FILE`
//! adds dated tables (e.g. a confirmed 2026-08 limit row), both in the `rules/data/copay`
//! schema. Exit code 0 on success; errors go to stderr with exit code 2.

use calc::copay::CopayTables;
use std::path::{Path, PathBuf};

#[derive(clap::Args)]
pub struct CopayArgs {
    /// Receipt file (JSON or TOML); `-` for stdin.
    pub file: PathBuf,
    /// Local public-programme file(s) (TOML `[[programme]]`, or JSON `{"programme": [...]}`; law 80–99).
    #[arg(long = "local", value_name = "FILE")]
    pub local: Vec<PathBuf>,
    /// Additional dated table file(s) (TOML or JSON, same schema as rules/data/copay).
    #[arg(long = "tables", value_name = "FILE")]
    pub tables: Vec<PathBuf>,
    /// One-line JSON instead of pretty-printed.
    #[arg(long)]
    pub compact: bool,
    /// `json` (default) or `table`: the month visit by visit (the month form).
    #[arg(long, default_value = "json", value_parser = ["json", "table"])]
    pub format: String,
}

/// The month visit by visit: date, points, combination, 一部負担金, 公費, window payment, paid.
fn print_table(o: &calc::copay::month::MonthOutput) {
    let width = |s: &str| unicode_width(s);
    let pad = |s: &str, w: usize| format!("{s}{}", " ".repeat(w.saturating_sub(width(s))));
    println!(
        "{} {:>7} {} {:>9} {:>9} {:>9} {:>9} {:>8} {:>8}",
        pad("日付", 10),
        "点数",
        pad("保険/公費", 16),
        "医療費",
        "一部負担",
        "公費",
        "窓口",
        "既収",
        "差額"
    );
    println!("{}", "─".repeat(98));
    for v in &o.visits {
        let combo = if v.public.is_empty() {
            v.insurance.to_string()
        } else {
            format!("{}+{}", v.insurance, v.public.join("+"))
        };
        let public: i64 = v.public_pays.iter().map(|p| p.amount).sum();
        println!(
            "{} {:>7} {} {:>9} {:>9} {:>9} {:>9} {:>8} {:>8}",
            v.date.format("%Y-%m-%d"),
            v.points,
            pad(&combo, 16),
            v.medical_cost,
            v.copayment,
            public,
            v.window_payment,
            v.paid,
            v.balance
        );
    }
    println!("{}", "─".repeat(98));
    for c in &o.combinations {
        let combo = if c.public.is_empty() {
            c.insurance.to_string()
        } else {
            format!("{}+{}", c.insurance, c.public.join("+"))
        };
        let public: Vec<String> = c
            .public_pays
            .iter()
            .map(|p| format!("{} {}", p.law, p.amount))
            .collect();
        let (visits, patient) = match crate::lang() {
            api::Lang::Ja => ("回", "患者負担"),
            api::Lang::En => ("visits", "patient"),
        };
        println!(
            "{} {} {visits}, 医療費 {}, 保険者 {} (高額療養費 {}), 一部負担金 {}, 公費 [{}], {patient} {}",
            pad(&combo, 16),
            c.visits,
            c.medical_cost,
            c.insurer_pays,
            c.high_cost,
            c.copayment,
            public.join(", "),
            c.patient_pays
        );
    }
    let t = &o.totals;
    println!(
        "{} 窓口 {} 円, 償還 {} 円, 患者負担 {} 円, 既収 {} 円, 差額 {} 円",
        pad("合計", 16),
        t.window_payments,
        t.refunds,
        t.patient_pays,
        t.paid,
        t.balance
    );
}

/// Display width: CJK characters count 2.
fn unicode_width(s: &str) -> usize {
    s.chars()
        .map(|c| if (c as u32) < 0x1100 { 1 } else { 2 })
        .sum()
}

fn read(path: &Path) -> anyhow::Result<String> {
    crate::data::read_input(path).map(|(_, text)| text)
}

pub fn run(args: &CopayArgs) -> anyhow::Result<i32> {
    let mut tables = CopayTables::embedded()?;
    for p in &args.tables {
        let text = read(p)?;
        tables = tables.with_tables(&p.display().to_string(), &text)?;
    }
    for p in &args.local {
        let text = read(p)?;
        tables = tables.with_local_programmes(&p.display().to_string(), &text)?;
    }
    let text = read(&args.file)?;
    let name = args.file.display().to_string();
    if args.format == "table" {
        if !api::is_month(&name, &text) {
            anyhow::bail!(
                "{name}: --format table prints a month visit by visit: give the month form (`visits` as a list of visits)"
            );
        }
        let out = api::copay_month(&tables, &name, &text)
            .map_err(|e| anyhow::anyhow!("{}", e.in_lang(crate::lang())))?;
        print_table(&out);
        return Ok(0);
    }
    let pretty = api::copay_with_in(&tables, &name, &text, crate::lang())
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let json = if args.compact {
        serde_json::to_string(&serde_json::from_str::<serde_json::Value>(&pretty)?)?
    } else {
        pretty
    };
    println!("{json}");
    Ok(0)
}
