//! `santei master show` and `santei master diff`: the dated fee schedule.

use crate::data::{engine, DataArgs};
use anyhow::{anyhow, bail, Context};
use chrono::NaiveDate;
use masters::DiffEntry;

#[derive(clap::Args)]
pub struct MasterArgs {
    #[command(subcommand)]
    cmd: MasterCmd,
}

#[derive(clap::Subcommand)]
enum MasterCmd {
    /// Print one code as it stands on a date (JSON).
    Show {
        /// 9-digit 診療行為コード.
        code: String,
        /// Date of service, YYYY-MM-DD.
        #[arg(long)]
        date: String,
        #[command(flatten)]
        data: DataArgs,
    },
    /// Codes added, abolished and changed between two dates.
    Diff {
        #[arg(long)]
        from: String,
        #[arg(long)]
        to: String,
        /// `json` (JSON lines, default) or `table`.
        #[arg(long, default_value = "json")]
        format: String,
        #[command(flatten)]
        data: DataArgs,
    },
}

pub fn parse_date(s: &str, what: &str) -> anyhow::Result<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .with_context(|| format!("{what}: {s:?} is not a date (YYYY-MM-DD)"))
}

pub fn run(args: &MasterArgs) -> anyhow::Result<i32> {
    match &args.cmd {
        MasterCmd::Show { code, date, data } => {
            let engine = engine(data)?;
            match api::master_show(&engine, code, date) {
                Ok(text) => {
                    println!("{text}");
                    Ok(0)
                }
                // Not valid on the date: the message names the dates it is valid.
                Err(e) if e.kind == "data" => {
                    eprintln!("santei: {e}");
                    Ok(1)
                }
                Err(e) => bail!("{e}"),
            }
        }
        MasterCmd::Diff {
            from,
            to,
            format,
            data,
        } => {
            let engine = engine(data)?;
            let diff = api::diff_entries(&engine, from, to).map_err(|e| anyhow!("{e}"))?;
            match format.as_str() {
                "json" => {
                    let out = std::io::stdout();
                    let mut w = std::io::BufWriter::new(out.lock());
                    use std::io::Write;
                    for d in &diff {
                        writeln!(w, "{}", serde_json::to_string(d)?)?;
                    }
                }
                "table" => print_table(&diff, parse_date(from, "--from")?, parse_date(to, "--to")?),
                other => bail!("--format: {other:?} is not one of json, table"),
            }
            Ok(0)
        }
    }
}

fn print_table(diff: &[DiffEntry], from: NaiveDate, to: NaiveDate) {
    let (mut a, mut b, mut c) = (0, 0, 0);
    println!("{from} → {to}");
    for d in diff {
        match d {
            DiffEntry::Added {
                code,
                name,
                valid_from,
            } => {
                a += 1;
                println!("+ {code}  {name}  (from {valid_from})");
            }
            DiffEntry::Abolished {
                code,
                name,
                valid_to,
            } => {
                b += 1;
                let t = valid_to.map(|d| d.to_string()).unwrap_or_default();
                println!("- {code}  {name}  (last day {t})");
            }
            DiffEntry::Changed {
                code,
                name,
                changes,
            } => {
                c += 1;
                println!("~ {code}  {name}");
                for ch in changes {
                    println!("    {} ({}): {} → {}", ch.field, ch.label, ch.from, ch.to);
                }
            }
        }
    }
    println!("{a} added, {b} abolished, {c} changed");
}
