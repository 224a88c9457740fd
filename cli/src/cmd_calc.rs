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
    // By 診療識別 (lines without one first), 剤 by 剤 in claim order.
    let mut order: Vec<usize> = (0..out.lines.len()).collect();
    order.sort_by_key(|&i| {
        let l = &out.lines[i];
        (
            l.section.map_or(0, |s| s.0),
            l.group.map_or(0, |g| g + 1),
            i,
        )
    });
    let mut current: Option<(Option<u8>, Option<u32>)> = None;
    for i in order {
        let l = &out.lines[i];
        let key = (l.section.map(|s| s.0), l.group);
        if current.map(|c| c.0) != Some(key.0) {
            match l.section {
                Some(s) => println!("［{s}］{}", section_name(s.0)),
                None => println!("［──］診療識別の指定なし"),
            }
        }
        if current != Some(key) {
            if let Some(g) = l.group {
                let item = &claim.items[g as usize];
                let total: rust_decimal::Decimal = out
                    .lines
                    .iter()
                    .filter(|x| x.group == Some(g))
                    .map(|x| x.subtotal)
                    .sum();
                println!(
                    "  剤 items[{g}] × {}{}  計 {} 点",
                    item.count,
                    if l.section.is_some_and(|s| s.0 == 21) {
                        "日"
                    } else {
                        "回"
                    },
                    total.normalize()
                );
            }
        }
        current = Some(key);
        print_line(out, l);
    }
    println!("{}", "─".repeat(78));
    println!(
        "{} {:>7}",
        pad("合計点数", 68),
        out.total_points.normalize()
    );
    if let Some(c) = &out.copay {
        println!("{} {:>7} 円", pad("窓口負担", 68), c.patient_pays());
    }
    let lang = crate::lang();
    for &e in &out.errors {
        println!("エラー: {}", out.texts.show_in(e, lang));
    }
    for &w in &out.warnings {
        println!("注意: {}", out.texts.show_in(w, lang));
    }
}

/// 診療識別 names (UKE code table, ../shared/specs/uke/shinryo-shikibetsu.tsv) for the headings.
fn section_name(s: u8) -> &'static str {
    match s {
        11 => "初診",
        12 => "再診",
        13 => "医学管理",
        14 => "在宅",
        21 => "投薬・内服",
        22 => "投薬・屯服",
        23 => "投薬・外用",
        24 => "投薬・調剤",
        25 => "投薬・処方",
        26 => "投薬・麻毒",
        27 => "投薬・調基",
        28 => "投薬・その他",
        31 => "注射・皮下筋肉内",
        32 => "注射・静脈内",
        33 => "注射・その他",
        40 => "処置",
        50 => "手術",
        54 => "麻酔",
        60 => "検査・病理",
        70 => "画像診断",
        80 => "その他",
        _ => "",
    }
}

fn print_line(out: &calc::CalcOutput, l: &calc::Line) {
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
    if let Some(p) = l.price.and_then(|i| out.prices.get(i as usize)) {
        for part in &p.parts {
            println!(
                "    {} {} {} {} × {} 円 = {} 円",
                pad(&part.code.to_string(), 10),
                pad(&out.texts.string_in(part.name, crate::lang()), 36),
                part.quantity.normalize(),
                out.string(part.unit),
                part.price.normalize(),
                part.yen.normalize()
            );
        }
        println!(
            "    計 {} 円 → {} 点",
            p.yen.normalize(),
            p.points.normalize()
        );
    }
}
