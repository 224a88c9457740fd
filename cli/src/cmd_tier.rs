//! `santei tier FILE --from YYYY-MM --to YYYY-MM [--format json|table] [--rules FILE...]`
//!
//! Reads a facility profile (TOML, or JSON when the file ends in `.json` or starts with `{`),
//! evaluates the embedded tier rules (or the rule files given with `--rules`) month by month,
//! and prints a JSON array of month results, or a table for people.

use anyhow::{bail, Context};
use rules::tier::{FacilityProfile, MonthResult, Points, Status, TierRules};
use rules::YearMonth;
use std::path::PathBuf;

/// Output format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Json,
    Table,
}

#[derive(clap::Args)]
pub struct TierArgs {
    /// Facility profile (TOML or JSON).
    pub file: PathBuf,
    /// First applicable month (YYYY-MM).
    #[arg(long)]
    pub from: YearMonth,
    /// Last applicable month (YYYY-MM), inclusive; defaults to --from.
    #[arg(long)]
    pub to: Option<YearMonth>,
    /// Output format.
    #[arg(long, value_enum, default_value = "json")]
    pub format: Format,
    /// Use these rule files instead of the embedded ones.
    #[arg(long = "rules")]
    pub rules: Vec<PathBuf>,
}

pub fn run(args: &TierArgs) -> anyhow::Result<i32> {
    let to = args.to.unwrap_or(args.from);
    if to < args.from {
        bail!("--to {to} is before --from {}", args.from);
    }
    api::tier_range(args.from, to).map_err(|e| anyhow::anyhow!("--{}", e.message))?;
    let rules = if args.rules.is_empty() {
        TierRules::embedded().map_err(|e| anyhow::anyhow!("embedded tier rules:\n{e}"))?
    } else {
        let mut sources = Vec::new();
        for p in &args.rules {
            let text = std::fs::read_to_string(p)
                .with_context(|| format!("cannot read rule file {}", p.display()))?;
            sources.push((p.display().to_string(), text));
        }
        TierRules::from_sources(&sources).map_err(|e| anyhow::anyhow!("\n{e}"))?
    };
    let name = args.file.display().to_string();
    let text = crate::data::read_input(&args.file)
        .with_context(|| format!("cannot read profile {name}"))?
        .1;
    let is_json = args
        .file
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("json"))
        || text.trim_start().starts_with('{');
    let profile = if is_json {
        FacilityProfile::from_json(&name, &text)
    } else {
        FacilityProfile::from_toml(&name, &text)
    }
    .map_err(|e| anyhow::anyhow!("\n{e}"))?;

    let results = rules.evaluate_range(&profile, args.from, to);
    match args.format {
        Format::Json => println!("{}", serde_json::to_string_pretty(&results)?),
        Format::Table => print!("{}", table(&results)),
    }
    Ok(0)
}

fn pts(p: Option<u32>) -> String {
    p.map(|v| v.to_string()).unwrap_or_else(|| "-".into())
}

fn status_ja(s: Status) -> &'static str {
    match s {
        Status::Qualified => "算定可",
        Status::NoTier => "該当なし",
        Status::NotInForce => "制度なし",
        Status::MissingRate => "利用率なし",
        Status::UnknownRequirement => "要件不明",
    }
}

fn pct(v: rust_decimal::Decimal) -> String {
    format!("{}%", (v * rust_decimal::Decimal::ONE_HUNDRED).normalize())
}

/// A readable Japanese table, one line per month, followed by the reasons.
fn table(results: &[MonthResult]) -> String {
    let mut out = String::new();
    out.push_str(
        &[
            pad("適用月", 9),
            pad("状態", 12),
            pad("区分", 7),
            "医科 歯科 調剤  ".to_string(),
            pad("利用率 測定月 種別", 28),
            "  基準  小児科特例\n".to_string(),
        ]
        .concat(),
    );
    for r in results {
        let p = r.points.unwrap_or(Points::default());
        let rate = r
            .rate_used
            .as_ref()
            .map(|u| {
                format!(
                    "{} {} {}",
                    pct(u.value.0),
                    u.month,
                    match u.basis {
                        rules::tier::Basis::Receipt => "レセプト",
                        rules::tier::Basis::Online => "オン資",
                    }
                )
            })
            .unwrap_or_else(|| "-".into());
        let status = status_ja(r.status);
        let tier = r.tier.map(|t| t.to_string()).unwrap_or_else(|| "-".into());
        out.push_str(&format!(
            "{}  {}{}  {}{}  {:>4} {:>4} {:>4}  {}{}  {:>6}  {}\n",
            r.month,
            status,
            " ".repeat(10usize.saturating_sub(width(status))),
            tier,
            " ".repeat(5usize.saturating_sub(width(&tier))),
            pts(p.ika),
            pts(p.shika),
            pts(p.chozai),
            rate,
            " ".repeat(26usize.saturating_sub(width(&rate))),
            r.threshold.map(|t| pct(t.0)).unwrap_or_else(|| "-".into()),
            if r.pediatric_exemption { "適用" } else { "-" },
        ));
    }
    out.push('\n');
    for r in results {
        out.push_str(&format!("{}: {}\n", r.month, r.reason));
        for u in &r.unmet {
            out.push_str(&format!("    未充足 [{}] {}\n", u.rule, u.requirement));
        }
        for u in &r.unknown {
            out.push_str(&format!("    不明   [{}] {}\n", u.rule, u.requirement));
        }
    }
    out
}

fn width(s: &str) -> usize {
    s.chars()
        .map(|c| if (c as u32) >= 0x1100 { 2 } else { 1 })
        .sum()
}

fn pad(s: &str, w: usize) -> String {
    format!("{s}{}", " ".repeat(w.saturating_sub(width(s))))
}
