//! `santei schema NAME`: print a published JSON Schema of santei's interface
//! (`schemas/v1/NAME.json`); `--list` names them; `--write DIR` writes them all.

use anyhow::{bail, Context};
use api::schema::{Direction, SCHEMAS};
use std::path::PathBuf;

#[derive(clap::Args)]
pub struct SchemaArgs {
    /// The schema to print (e.g. claim, calc-output, receipt, copay-output, facility-profile,
    /// tier-output, master-show-output, master-diff-output, version-output, error).
    name: Option<String>,
    /// List the schemas: name, input or output, what reads or writes it.
    #[arg(long)]
    list: bool,
    /// Write every schema to DIR/NAME.json (how schemas/v1/ is regenerated).
    #[arg(long, value_name = "DIR")]
    write: Option<PathBuf>,
}

pub fn run(args: &SchemaArgs) -> anyhow::Result<i32> {
    if args.list {
        for s in SCHEMAS {
            let dir = match s.direction {
                Direction::Input => "input",
                Direction::Output => "output",
            };
            println!("{:<20} {:<7} {}", s.name, dir, s.about);
        }
        return Ok(0);
    }
    if let Some(dir) = &args.write {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
        for s in SCHEMAS {
            let path = dir.join(format!("{}.json", s.name));
            let text = api::schema::text(s.name).context("generating the schema")?;
            std::fs::write(&path, text).with_context(|| format!("writing {}", path.display()))?;
        }
        eprintln!("wrote {} schemas to {}", SCHEMAS.len(), dir.display());
        return Ok(0);
    }
    let Some(name) = &args.name else {
        bail!("give a schema name, --list or --write DIR");
    };
    let name = name.trim_end_matches(".json");
    match api::schema::text(name) {
        Some(t) => {
            print!("{t}");
            Ok(0)
        }
        None => bail!(
            "no schema {name:?}; the schemas are: {}",
            SCHEMAS
                .iter()
                .map(|s| s.name)
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}
