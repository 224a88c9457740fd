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
        print!(
            "{}",
            api::month_table::copay_month_table(&out, crate::lang())
        );
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
