//! `santei calc FILE`: one claim (JSON or TOML) → points, lines, warnings, errors, trace.

use crate::data::{engine, read_input, DataArgs};
use anyhow::bail;
use std::path::PathBuf;

#[derive(clap::Args)]
pub struct CalcArgs {
    /// The claim file (JSON, or TOML by its .toml extension); "-" reads standard input.
    file: PathBuf,
    /// `json` (default) or `table` (a receipt-like breakdown).
    #[arg(long, default_value = "json")]
    format: String,
    #[command(flatten)]
    data: DataArgs,
}

pub fn run(args: &CalcArgs) -> anyhow::Result<i32> {
    let (name, text) = read_input(&args.file)?;
    let engine = engine(&args.data)?;
    match args.format.as_str() {
        "json" => match api::calc_output_in(&engine, &name, &text, crate::lang()) {
            Ok((broken, s)) => {
                println!("{s}");
                Ok(if broken { 1 } else { 0 })
            }
            Err(e) => bail!("{e}"),
        },
        "table" => {
            let claim = api::parse::claim(&name, &text)?;
            let out = engine.calc(&claim)?;
            print_table(&claim, &out);
            Ok(if out.errors.is_empty() { 0 } else { 1 })
        }
        other => bail!("--format: {other:?} is not one of json, table"),
    }
}

fn width(s: &str) -> usize {
    s.chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum()
}

fn pad(s: &str, w: usize) -> String {
    let n = width(s);
    if n >= w {
        s.to_string()
    } else {
        format!("{s}{}", " ".repeat(w - n))
    }
}

fn print_table(claim: &calc::Claim, out: &calc::CalcOutput) {
    println!(
        "診療日 {}  ({:?}, {:?})",
        claim.date.0, claim.kind, claim.setting
    );
    println!("{}", "─".repeat(78));
    println!(
        "{} {} {:>6} {:>4} {:>7}  由来",
        pad("コード", 10),
        pad("名称", 44),
        "点数",
        "回数",
        "小計"
    );
    for l in &out.lines {
        let code = l
            .code
            .map(|c| c.to_string())
            .unwrap_or_else(|| "(コードなし)".into());
        let mark = if l.verified { "" } else { " ※未確認" };
        println!(
            "{} {} {:>6} {:>4} {:>7}  {}{}",
            pad(&code, 10),
            pad(&out.texts.string_in(l.name, crate::lang()), 44),
            l.points.normalize(),
            l.count,
            l.subtotal.normalize(),
            if l.origin == "auto" {
                "自動"
            } else {
                "入力"
            },
            mark
        );
    }
    println!("{}", "─".repeat(78));
    println!(
        "{} {:>7}",
        pad("合計点数", 68),
        out.total_points.normalize()
    );
    if let Some(c) = &out.copay {
        println!("{} {:>7} 円", pad("窓口負担", 68), c.patient_pays);
    }
    let lang = crate::lang();
    for &e in &out.errors {
        println!("エラー: {}", out.texts.show_in(e, lang));
    }
    for &w in &out.warnings {
        println!("注意: {}", out.texts.show_in(w, lang));
    }
}
