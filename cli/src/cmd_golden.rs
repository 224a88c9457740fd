//! `santei golden run [DIR]...` and `santei golden bless [DIR]...`: auditors' cases.

use crate::data::{engine, DataArgs};
use anyhow::Context;
use api::golden::{Case, Outcome};
use std::collections::HashSet;
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
    /// Where the official files are for cases with `data = "official"` (folders holding
    /// s_ALL…/s_YYYYMMDD…, y_ALL…, t_ALL…; repeatable). Default: `masters/ika`, `masters/drugs`
    /// and `masters/devices` under `$SANTEI_SHARED` or `../shared`.
    #[arg(long)]
    official: Vec<PathBuf>,
}

/// The engine on the official files, for cases with `data = "official"`.
fn official_engine(sel: &Select) -> anyhow::Result<calc::Engine> {
    let dirs = if sel.official.is_empty() {
        let shared = std::env::var_os("SANTEI_SHARED")
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from("../shared"));
        let m = shared.join("masters");
        vec![m.join("ika"), m.join("drugs"), m.join("devices")]
    } else {
        sel.official.clone()
    };
    let (ds, _) = masters::pack::load_official_dirs(&dirs).with_context(|| {
        format!(
            "loading the official files for data = \"official\" cases from {} (give --official DIR)",
            dirs.iter()
                .map(|d| d.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        )
    })?;
    calc::Engine::with_data(ds).context("loading santei's rule files")
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

/// Every `*.toml` case under the paths, sorted, and the cases of folders whose name starts
/// with `_` (skipped). A path that does not exist, a folder that cannot be read, or paths with
/// no case at all are errors (a mistyped folder must not pass as "0 failed"). Each folder and
/// each case is visited once, by its canonical path: a symbolic link back to a folder already
/// walked (a loop) or to a case already found is not followed again.
pub fn collect(paths: &[PathBuf]) -> anyhow::Result<(Vec<PathBuf>, Vec<PathBuf>)> {
    #[derive(Default)]
    struct Walk {
        files: Vec<PathBuf>,
        skipped: Vec<PathBuf>,
        seen: HashSet<PathBuf>,
    }
    fn walk(p: &Path, under_skip: bool, w: &mut Walk) -> anyhow::Result<()> {
        let canon = std::fs::canonicalize(p).with_context(|| format!("reading {}", p.display()))?;
        if !w.seen.insert(canon) {
            return Ok(());
        }
        if p.is_file() {
            if p.extension().is_some_and(|e| e == "toml") {
                if under_skip {
                    w.skipped.push(p.to_path_buf());
                } else {
                    w.files.push(p.to_path_buf());
                }
            }
            return Ok(());
        }
        let rd =
            std::fs::read_dir(p).with_context(|| format!("reading the folder {}", p.display()))?;
        let mut entries: Vec<PathBuf> = Vec::new();
        for e in rd {
            entries.push(
                e.with_context(|| format!("reading the folder {}", p.display()))?
                    .path(),
            );
        }
        entries.sort();
        for e in entries {
            let name = e
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let skip = under_skip || (e.is_dir() && name.starts_with('_'));
            walk(&e, skip, w)?;
        }
        Ok(())
    }
    let mut w = Walk::default();
    for p in paths {
        if !p.exists() {
            anyhow::bail!("{}: no such file or folder of golden cases", p.display());
        }
        walk(p, false, &mut w)?;
    }
    if w.files.is_empty() && w.skipped.is_empty() {
        anyhow::bail!(
            "no golden case (*.toml) in {}",
            paths
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    Ok((w.files, w.skipped))
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
    let (files, skipped_files) = collect(&dirs)?;
    let selected = |f: &Path, case: &Result<Case, String>| match case {
        Ok(c) => {
            let hay = format!("{} {}", f.display(), c.title);
            !(sel
                .filter
                .as_ref()
                .is_some_and(|flt| !hay.contains(flt.as_str()))
                || (!sel.tag.is_empty() && !c.tags.iter().any(|t| sel.tag.contains(t))))
        }
        // A case that does not parse is shown (as a failure) unless a filter leaves its
        // file name out.
        Err(_) => sel
            .filter
            .as_ref()
            .is_none_or(|flt| f.display().to_string().contains(flt.as_str())),
    };
    // Skipped cases count when the selection would have run them.
    let mut skipped = 0;
    for f in &skipped_files {
        let text = std::fs::read_to_string(f).unwrap_or_default();
        if selected(f, &Case::parse(&f.display().to_string(), &text)) {
            skipped += 1;
        }
    }
    let engine = engine(&sel.data)?;
    let mut official: Option<calc::Engine> = None;
    let mut out = Vec::new();
    for f in files {
        let text =
            std::fs::read_to_string(&f).with_context(|| format!("reading {}", f.display()))?;
        let case = Case::parse(&f.display().to_string(), &text);
        if !selected(&f, &case) {
            continue;
        }
        let outcome = match case.as_ref() {
            Ok(c) if c.official() => {
                if official.is_none() {
                    official = Some(official_engine(sel)?);
                }
                official.as_ref().map(|e| c.check(e))
            }
            Ok(c) => Some(c.check(&engine)),
            Err(_) => None,
        };
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
            if ran.is_empty() && skipped == 0 {
                anyhow::bail!("no golden case matches --filter / --tag");
            }
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
            let (mut blessed, mut not_blessed) = (0, 0);
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
                let left = bless(&r.path, r.outcome.as_ref().expect("checked"))?;
                if left.is_empty() {
                    blessed += 1;
                } else {
                    not_blessed += 1;
                    println!(
                        "{}: not rewritten (edit by hand): {}",
                        r.path.display(),
                        left.join(", ")
                    );
                }
            }
            println!("{blessed} case(s) rewritten");
            if not_blessed > 0 {
                println!(
                    "{not_blessed} case(s) still fail: their failing checks cannot be rewritten"
                );
                return Ok(1);
            }
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
    let (files, _) = collect(&dirs)?;
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

/// A JSON value as a TOML value (integers stay integers).
fn toml_of(actual: &serde_json::Value) -> toml_edit::Value {
    match actual {
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
    }
}

/// Rewrite the expectations that failed with the actual values (comments and layout kept):
/// plain field paths of `[expected]` and fields of `[[expected.line]]`. Returns the paths
/// that cannot be rewritten (an error, a line no result has, an `errors_contain` text …).
fn bless(path: &Path, o: &Outcome) -> anyhow::Result<Vec<String>> {
    let text = std::fs::read_to_string(path)?;
    let mut doc: toml_edit::DocumentMut = text
        .parse()
        .with_context(|| format!("{}", path.display()))?;
    let exp = doc["expected"]
        .as_table_mut()
        .context("[expected] is not a table")?;
    let mut left = Vec::new();
    for m in &o.mismatches {
        if plain_path(exp, &m.path) {
            exp[m.path.as_str()] = toml_edit::value(toml_of(&m.actual));
            continue;
        }
        // `line[i].field`
        let line_field = m
            .path
            .strip_prefix("line[")
            .and_then(|r| r.split_once("]."))
            .and_then(|(i, f)| Some((i.parse::<usize>().ok()?, f)));
        if let Some((i, field)) = line_field {
            if let Some(t) = exp
                .get_mut("line")
                .and_then(|l| l.as_array_of_tables_mut())
                .and_then(|a| a.get_mut(i))
            {
                t[field] = toml_edit::value(toml_of(&m.actual));
                continue;
            }
        }
        left.push(m.path.clone());
    }
    std::fs::write(path, doc.to_string())?;
    Ok(left)
}

/// Whether `path` is a plain field-path key of `[expected]` (not one of the special checks).
fn plain_path(exp: &toml_edit::Table, path: &str) -> bool {
    const SPECIAL: &[&str] = &[
        "line",
        "nulls",
        "absent_codes",
        "errors_contain",
        "warnings_contain",
        "error_contains",
    ];
    exp.contains_key(path) && !SPECIAL.contains(&path)
}
