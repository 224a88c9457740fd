//! `santei copay FILE` — prints the co-payment (窓口負担金) of one receipt as JSON.
//!
//! FILE is JSON or TOML (by extension; otherwise JSON is tried first), `-` reads stdin.
//! `--local FILE` adds local public programmes (地方単独公費, 法別 80–99) and `--tables FILE`
//! adds dated tables (e.g. a confirmed 2026-08 limit row), both in the `rules/data/copay`
//! schema. Exit code 0 on success; errors go to stderr with exit code 2.

use anyhow::Context;
use calc::copay::{compute, CopayTables, Receipt};
use std::io::Read;
use std::path::{Path, PathBuf};

#[derive(clap::Args)]
pub struct CopayArgs {
    /// Receipt file (JSON or TOML); `-` for stdin.
    pub file: PathBuf,
    /// Local public-programme file(s) (TOML, `[[programme]]` with law 80–99).
    #[arg(long = "local", value_name = "FILE")]
    pub local: Vec<PathBuf>,
    /// Additional dated table file(s) (TOML, same schema as rules/data/copay).
    #[arg(long = "tables", value_name = "FILE")]
    pub tables: Vec<PathBuf>,
    /// One-line JSON instead of pretty-printed.
    #[arg(long)]
    pub compact: bool,
}

fn read(path: &Path) -> anyhow::Result<String> {
    if path.as_os_str() == "-" {
        let mut s = String::new();
        std::io::stdin()
            .read_to_string(&mut s)
            .context("reading stdin")?;
        return Ok(s);
    }
    std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))
}

fn parse_receipt(path: &Path, text: &str) -> anyhow::Result<Receipt> {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(|e| e.to_ascii_lowercase());
    let r = match ext.as_deref() {
        Some("toml") => Receipt::from_toml(text),
        Some("json") => Receipt::from_json(text),
        _ => {
            if text.trim_start().starts_with('{') {
                Receipt::from_json(text)
            } else {
                Receipt::from_toml(text)
            }
        }
    };
    r.with_context(|| format!("{}", path.display()))
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
    let receipt = parse_receipt(&args.file, &text)?;
    let out = compute(&tables, &receipt).with_context(|| format!("{}", args.file.display()))?;
    let json = if args.compact {
        serde_json::to_string(&out)?
    } else {
        serde_json::to_string_pretty(&out)?
    };
    println!("{json}");
    Ok(0)
}
