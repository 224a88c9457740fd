//! `santei golden run [DIR]...` and `santei golden bless [DIR]...`: auditors' cases.

use crate::data::{engine, DataArgs};
use anyhow::Context;
use calc::golden::{Case, Outcome};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

#[derive(clap::Args)]
pub struct GoldenArgs {
    #[command(subcommand)]
    cmd: GoldenCmd,
}

#[derive(clap::Args, Clone)]
struct Select {
    /// Directories (or case files) to run; default `goldens/`.
    dirs: Vec<PathBuf>,
    /// Only cases whose path or title contains this text.
    #[arg(long)]
    filter: Option<String>,
    /// Only cases with this tag (repeatable: any of them).
    #[arg(long)]
    tag: Vec<String>,
    #[command(flatten)]
    data: DataArgs,
}

#[derive(clap::Subcommand)]
enum GoldenCmd {
    /// Run every case and show each failure as a diff by field path.
    Run {
        #[command(flatten)]
        select: Select,
        /// `text` (default) or `json` for machines.
        #[arg(long, default_value = "text")]
        format: String,
    },
    /// Print each case's input as the commands read it, one JSON object per line: `file`,
    /// `kind`, `input` (the JSON text `santei calc` / `santei copay` reads; for tier, the
    /// profile), `from` and `to` (tier), `local` (a copay case's local programmes, TOML). Other
    /// front ends run the corpus from it (wasm/tests/identity.test.mjs).
    Inputs {
        /// Directories (or case files); default `goldens/`.
        dirs: Vec<PathBuf>,
    },
    /// Rewrite the expected values of failing cases with the actual ones, after showing the diff.
    Bless {
        #[command(flatten)]
        select: Select,
        /// Do not ask.
        #[arg(long)]
        yes: bool,
    },
}

/// Every `*.toml` case under the paths, sorted; folders whose name starts with `_` are skipped
/// (counted as skipped).
pub fn collect(paths: &[PathBuf]) -> (Vec<PathBuf>, usize) {
    let mut files = Vec::new();
    let mut skipped = 0;
    fn walk(p: &Path, files: &mut Vec<PathBuf>, skipped: &mut usize) {
        if p.is_file() {
            if p.extension().is_some_and(|e| e == "toml") {
                files.push(p.to_path_buf());
            }
            return;
        }
        let Ok(rd) = std::fs::read_dir(p) else { return };
        let mut entries: Vec<PathBuf> = rd.flatten().map(|e| e.path()).collect();
        entries.sort();
        for e in entries {
            let name = e
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            if e.is_dir() && name.starts_with('_') {
                let mut inner = Vec::new();
                walk(&e, &mut inner, skipped);
                *skipped += inner.len();
            } else {
                walk(&e, files, skipped);
            }
        }
    }
    for p in paths {
        walk(p, &mut files, &mut skipped);
    }
    (files, skipped)
}

struct Ran {
    path: PathBuf,
    case: Result<Case, String>,
    outcome: Option<Outcome>,
}

fn run_all(sel: &Select) -> anyhow::Result<(Vec<Ran>, usize)> {
    let dirs = if sel.dirs.is_empty() {
        vec![PathBuf::from("goldens")]
    } else {
        sel.dirs.clone()
    };
    let (files, mut skipped) = collect(&dirs);
    let engine = engine(&sel.data)?;
    let mut out = Vec::new();
    for f in files {
        let text =
            std::fs::read_to_string(&f).with_context(|| format!("reading {}", f.display()))?;
        let case = Case::parse(&f.display().to_string(), &text);
        if let Ok(c) = &case {
            let hay = format!("{} {}", f.display(), c.title);
            if sel
                .filter
                .as_ref()
                .is_some_and(|flt| !hay.contains(flt.as_str()))
                || (!sel.tag.is_empty() && !c.tags.iter().any(|t| sel.tag.contains(t)))
            {
                continue;
            }
        }
        let outcome = case.as_ref().ok().map(|c| c.check(&engine));
        if case.is_err() && sel.filter.is_some() {
            skipped += 0;
        }
        out.push(Ran {
            path: f,
            case,
            outcome,
        });
    }
    Ok((out, skipped))
}

fn paint(s: &str, code: &str, colour: bool) -> String {
    if colour {
        format!("\x1b[{code}m{s}\x1b[0m")
    } else {
        s.to_string()
    }
}

fn show(r: &Ran, colour: bool, w: &mut impl Write) -> std::io::Result<()> {
    match (&r.case, &r.outcome) {
        (Err(e), _) => writeln!(
            w,
            "{} {}\n  {}",
            paint("FAIL", "31", colour),
            r.path.display(),
            e
        ),
        (Ok(c), Some(o)) if !o.passed => {
            writeln!(
                w,
                "{} {} — {}",
                paint("FAIL", "31", colour),
                r.path.display(),
                c.title
            )?;
            writeln!(w, "  source: {}", c.source)?;
            for m in &o.mismatches {
                writeln!(w, "  {}", m.path)?;
                writeln!(
                    w,
                    "    {} {}",
                    paint("- expected:", "32", colour),
                    m.expected
                )?;
                writeln!(w, "    {} {}", paint("+ actual:  ", "31", colour), m.actual)?;
            }
            Ok(())
        }
        _ => Ok(()),
    }
}

fn summary(passed: usize, failed: usize, skipped: usize) -> String {
    if skipped > 0 {
        format!("{passed} passed, {failed} failed, {skipped} skipped")
    } else {
        format!("{passed} passed, {failed} failed")
    }
}

pub fn run(args: &GoldenArgs) -> anyhow::Result<i32> {
    match &args.cmd {
        GoldenCmd::Run { select, format } => {
            let (ran, skipped) = run_all(select)?;
            let failed = ran
                .iter()
                .filter(|r| !r.outcome.as_ref().is_some_and(|o| o.passed))
                .count();
            let passed = ran.len() - failed;
            match format.as_str() {
                "json" => {
                    let cases: Vec<_> = ran
                        .iter()
                        .map(|r| {
                            serde_json::json!({
                                "file": r.path.display().to_string(),
                                "title": r.case.as_ref().map(|c| c.title.clone()).unwrap_or_default(),
                                "passed": r.outcome.as_ref().is_some_and(|o| o.passed),
                                "error": r.case.as_ref().err(),
                                "mismatches": r.outcome.as_ref().map(|o| o.mismatches.clone()).unwrap_or_default(),
                            })
                        })
                        .collect();
                    println!(
                        "{}",
                        serde_json::to_string_pretty(&serde_json::json!({
                            "passed": passed, "failed": failed, "skipped": skipped, "cases": cases}))?
                    );
                }
                _ => {
                    let colour = std::io::stdout().is_terminal();
                    let mut w = std::io::stdout().lock();
                    for r in &ran {
                        show(r, colour, &mut w)?;
                    }
                    writeln!(w, "{}", summary(passed, failed, skipped))?;
                }
            }
            Ok(if failed > 0 { 1 } else { 0 })
        }
        GoldenCmd::Inputs { dirs } => {
            inputs(dirs)?;
            Ok(0)
        }
        GoldenCmd::Bless { select, yes } => {
            let (ran, _) = run_all(select)?;
            let colour = std::io::stdout().is_terminal();
            let mut blessed = 0;
            for r in ran
                .iter()
                .filter(|r| r.outcome.as_ref().is_some_and(|o| !o.passed))
            {
                show(r, colour, &mut std::io::stdout())?;
                if !yes {
                    print!(
                        "rewrite the expected values of {}? [y/N] ",
                        r.path.display()
                    );
                    std::io::stdout().flush()?;
                    let mut answer = String::new();
                    std::io::stdin().read_line(&mut answer)?;
                    if !answer.trim().eq_ignore_ascii_case("y") {
                        continue;
                    }
                }
                bless(&r.path, r.outcome.as_ref().expect("checked"))?;
                blessed += 1;
            }
            println!("{blessed} case(s) rewritten");
            Ok(0)
        }
    }
}

fn inputs(dirs: &[PathBuf]) -> anyhow::Result<()> {
    let dirs = if dirs.is_empty() {
        vec![PathBuf::from("goldens")]
    } else {
        dirs.to_vec()
    };
    let (files, _) = collect(&dirs);
    let mut w = std::io::stdout().lock();
    for f in files {
        let text =
            std::fs::read_to_string(&f).with_context(|| format!("reading {}", f.display()))?;
        let case = Case::parse(&f.display().to_string(), &text).map_err(anyhow::Error::msg)?;
        let str_of = |k: &str| case.input.get(k).and_then(|v| v.as_str()).map(String::from);
        let line = if case.kind == "tier" {
            let profile = case
                .input
                .get("profile")
                .with_context(|| format!("{}: input.profile is missing", f.display()))?;
            let from = str_of("from");
            serde_json::json!({
                "file": f.display().to_string(),
                "kind": case.kind,
                "input": serde_json::to_value(profile)?.to_string(),
                "to": str_of("to").or_else(|| from.clone()),
                "from": from,
            })
        } else {
            serde_json::json!({
                "file": f.display().to_string(),
                "kind": case.kind,
                "input": case.input_json(),
                "local": case.local,
            })
        };
        writeln!(w, "{line}")?;
    }
    Ok(())
}

/// Rewrite plain field-path expectations with the actual values (comments and layout kept).
fn bless(path: &Path, o: &Outcome) -> anyhow::Result<()> {
    let text = std::fs::read_to_string(path)?;
    let mut doc: toml_edit::DocumentMut = text
        .parse()
        .with_context(|| format!("{}", path.display()))?;
    let exp = doc["expected"]
        .as_table_mut()
        .context("[expected] is not a table")?;
    for m in &o.mismatches {
        if exp.contains_key(&m.path) {
            let v: toml_edit::Value = match &m.actual {
                serde_json::Value::Number(n) => {
                    if let Ok(i) = n.to_string().parse::<i64>() {
                        i.into()
                    } else {
                        n.to_string()
                            .parse::<f64>()
                            .map(toml_edit::Value::from)
                            .unwrap_or_else(|_| n.to_string().into())
                    }
                }
                serde_json::Value::String(s) => s.as_str().into(),
                serde_json::Value::Bool(b) => (*b).into(),
                other => other.to_string().into(),
            };
            exp[m.path.as_str()] = toml_edit::value(v);
        }
    }
    std::fs::write(path, doc.to_string())?;
    Ok(())
}
