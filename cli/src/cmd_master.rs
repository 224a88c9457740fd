//! `santei master show` and `santei master diff`: the dated fee schedule.

use crate::data::{load, DataArgs};
use anyhow::{bail, Context};
use chrono::NaiveDate;
use masters::{Code, DiffEntry, Entry, LookupError};
use serde_json::{json, Value};

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

/// An exact JSON number from a decimal (no binary floating point on the way).
pub fn num(d: rust_decimal::Decimal) -> Value {
    let text = d.normalize().to_string();
    text.parse::<serde_json::Number>()
        .map(Value::Number)
        .unwrap_or(Value::String(text))
}

/// The JSON object of one code on one date.
pub fn entry_json(e: &Entry<'_>, ds: &masters::Dataset, date: NaiveDate) -> Value {
    let r = e.record();
    let mut o = json!({
        "code": e.code.to_string(),
        "name": r.name,
        "points": num(r.points),
        "point_kind": r.point_kind.as_str(),
        "valid_from": e.valid_from.to_string(),
        "valid_to": e.valid_to.map(|d| d.to_string()),
        "addon_group": r.addon_group().map(|(c, s)| json!({"code": c, "serial": s.to_string()})),
        "facility_standards": r.facility_standards().iter().map(|c| c.to_string()).collect::<Vec<_>>(),
        "max_count": r.max_count,
        "in_out": r.in_out.as_str(),
        "age_lower": r.age_lower.code(),
        "age_upper": r.age_upper.code(),
        "age_addons": r.age_addons().iter().map(|a| json!({
            "lower": a.lower.code(), "upper": a.upper.code(), "code": a.code.to_string()})).collect::<Vec<_>>(),
        "verified": e.version.verified,
        "sources": e.version.sources.iter().map(|s| if s.line > 0 { format!("{}:{}", s.file, s.line) } else { s.file.to_string() }).collect::<Vec<_>>(),
    });
    if ds.tables.has(masters::TableKind::Frequency) {
        let f: Vec<Value> = ds
            .tables
            .frequency_on(e.code, date)
            .map(|f| json!({"unit": f.unit.name, "unit_code": f.unit.code, "count": f.count, "verified": f.source.verified}))
            .collect();
        o["frequency"] = match f.len() {
            0 => Value::Null,
            1 => f[0].clone(),
            _ => Value::Array(f),
        };
    }
    o
}

pub fn run(args: &MasterArgs) -> anyhow::Result<i32> {
    match &args.cmd {
        MasterCmd::Show { code, date, data } => {
            let date = parse_date(date, "--date")?;
            let code = Code::parse(code).map_err(|e| anyhow::anyhow!("CODE: {e}"))?;
            let ds = load(data)?;
            match ds.schedule.lookup(code, date) {
                Ok(e) => {
                    println!(
                        "{}",
                        serde_json::to_string_pretty(&entry_json(&e, &ds, date))?
                    );
                    Ok(0)
                }
                Err(err @ LookupError::NotValidOn { .. }) => {
                    eprintln!("santei: {err}");
                    Ok(1)
                }
                Err(err) => bail!("{err} ({})", ds.label),
            }
        }
        MasterCmd::Diff {
            from,
            to,
            format,
            data,
        } => {
            let from = parse_date(from, "--from")?;
            let to = parse_date(to, "--to")?;
            let ds = load(data)?;
            let diff = ds.schedule.diff(from, to);
            match format.as_str() {
                "json" => {
                    let out = std::io::stdout();
                    let mut w = std::io::BufWriter::new(out.lock());
                    use std::io::Write;
                    for d in &diff {
                        writeln!(w, "{}", serde_json::to_string(d)?)?;
                    }
                }
                "table" => print_table(&diff, from, to),
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
