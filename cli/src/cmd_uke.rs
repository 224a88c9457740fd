//! `santei uke read FILE.UKE` and `santei uke write FILE.jsonl [--output FILE.UKE]` (and
//! `santei uke audit`, in `cmd_uke_audit.rs`): UKE receipt
//! files (レセプト電算処理システム, 医科) to JSON lines and back. All reading, checking and
//! writing is the `uke` crate's; this file only opens files and prints.
//!
//! `read` prints one JSON object per line, in file order: each receipt (`line`, `ir`,
//! `receipt`, `totals`, and `errors` when some of its records are malformed), each error outside
//! a receipt (`{"line": N, "error": "…", "file", "record", "field", "value", "reason"}`), and
//! the GO (`line`, `go`, `go_check`). A summary goes to stderr. Exit status 1 when any record was
//! malformed, 2 when the file cannot be read at all.
//!
//! `write` reads such lines (receipt lines; a GO line is skipped) and writes a UKE file: to
//! `--output` through a temporary file in the same folder renamed on success (nothing is left
//! on an error), or to stdout. Exit status 2 on an error (a line that is not a receipt, a
//! receipt with read errors, a field CP932 cannot write …), naming the input line.

use anyhow::{bail, Context};
use std::io::{BufRead, BufWriter, Write};
use std::path::{Path, PathBuf};

#[derive(clap::Args)]
pub struct UkeArgs {
    #[command(subcommand)]
    command: UkeCommand,
}

#[derive(clap::Subcommand)]
enum UkeCommand {
    /// Read a UKE file: one JSON object per receipt per line (with its totals check), errors
    /// as lines too.
    Read(ReadArgs),
    /// Write receipts given as JSON lines (what `santei uke read` prints) as a UKE file.
    Write(WriteArgs),
    /// Recompute every receipt of a UKE file on the official files and list what differs:
    /// one JSON line per receipt, then a summary.
    Audit(crate::cmd_uke_audit::AuditArgs),
}

#[derive(clap::Args)]
struct ReadArgs {
    /// The UKE file (CP932, CRLF as published); `-` for stdin.
    file: PathBuf,
    /// The file's text encoding: cp932 (as published) or utf-8 (a converted file).
    #[arg(long, value_name = "ENCODING", default_value = "cp932")]
    encoding: String,
}

#[derive(clap::Args)]
struct WriteArgs {
    /// JSON lines of receipts; `-` for stdin.
    file: PathBuf,
    /// The UKE file to write (default: standard output).
    #[arg(long, value_name = "FILE.UKE")]
    output: Option<PathBuf>,
}

pub fn run(args: &UkeArgs) -> anyhow::Result<i32> {
    match &args.command {
        UkeCommand::Read(a) => read(a),
        UkeCommand::Write(a) => write(a),
        UkeCommand::Audit(a) => crate::cmd_uke_audit::run(a),
    }
}

pub(crate) fn open(path: &Path) -> anyhow::Result<Box<dyn BufRead>> {
    if path.as_os_str() == "-" {
        return Ok(Box::new(std::io::stdin().lock()));
    }
    let f = std::fs::File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    Ok(Box::new(std::io::BufReader::with_capacity(1 << 16, f)))
}

fn read(args: &ReadArgs) -> anyhow::Result<i32> {
    let encoding = match args.encoding.to_ascii_lowercase().as_str() {
        "cp932" | "shift_jis" | "sjis" => uke::Encoding::Cp932,
        "utf-8" | "utf8" => uke::Encoding::Utf8,
        other => bail!("--encoding {other:?}: expected cp932 or utf-8"),
    };
    let name = args
        .file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| args.file.display().to_string());
    let input = open(&args.file)?;
    let mut reader = uke::read_buf(
        input,
        uke::ReadOptions {
            file: Some(name.clone()),
            encoding,
        },
    );
    let stdout = std::io::stdout();
    let mut out = BufWriter::with_capacity(1 << 16, stdout.lock());
    let mut go_totals = uke::GoTotals::default();
    let mut unequal = 0u64;
    for item in reader.by_ref() {
        match &item {
            uke::Item::Ir { .. } => {}
            uke::Item::Receipt(r) => {
                go_totals.add(&r.receipt);
                let line = uke::lines::ReceiptLine::new(r);
                if !line.totals.equal {
                    unequal += 1;
                }
                serde_json::to_writer(&mut out, &line)?;
                out.write_all(b"\n")?;
            }
            uke::Item::Go { line, go } => {
                let g = uke::lines::GoLine {
                    line: *line,
                    go,
                    go_check: uke::GoCheck::new(go, &go_totals),
                };
                serde_json::to_writer(&mut out, &g)?;
                out.write_all(b"\n")?;
            }
            uke::Item::Error(e) => {
                serde_json::to_writer(&mut out, e)?;
                out.write_all(b"\n")?;
            }
        }
    }
    out.flush()?;
    let s = reader.stats();
    let mut notes = Vec::new();
    if s.lf_only_lines > 0 {
        notes.push(format!(
            "{} line(s) ended in LF without CR",
            s.lf_only_lines
        ));
    }
    if s.eof_mark {
        notes.push("EOF mark (0x1A) at the end".to_string());
    }
    if s.skipped_lines > 0 {
        notes.push(format!("{} line(s) skipped", s.skipped_lines));
    }
    eprintln!(
        "{name}: {} receipts, {} with totals that differ from their lines, {} error(s){}",
        s.receipts,
        unequal,
        s.errors,
        if notes.is_empty() {
            String::new()
        } else {
            format!(" ({})", notes.join("; "))
        }
    );
    Ok(if s.errors > 0 { 1 } else { 0 })
}

fn write(args: &WriteArgs) -> anyhow::Result<i32> {
    let input = open(&args.file)?;
    let name = args.file.display().to_string();
    match &args.output {
        None => {
            let stdout = std::io::stdout();
            let out = BufWriter::with_capacity(1 << 16, stdout.lock());
            let n = write_lines(input, &name, out)?;
            eprintln!("{n} receipts written");
        }
        Some(path) => {
            let dir = path
                .parent()
                .filter(|p| !p.as_os_str().is_empty())
                .unwrap_or(Path::new("."));
            let file_name = path
                .file_name()
                .with_context(|| format!("--output {}: not a file name", path.display()))?;
            let tmp = dir.join(format!(
                ".{}.{}.tmp",
                file_name.to_string_lossy(),
                std::process::id()
            ));
            let f = std::fs::File::create(&tmp)
                .with_context(|| format!("cannot create {}", tmp.display()))?;
            let result =
                write_lines(input, &name, BufWriter::with_capacity(1 << 16, f)).and_then(|n| {
                    std::fs::rename(&tmp, path).with_context(|| {
                        format!("cannot rename {} to {}", tmp.display(), path.display())
                    })?;
                    Ok(n)
                });
            match result {
                Ok(n) => eprintln!("{n} receipts written to {}", path.display()),
                Err(e) => {
                    let _ = std::fs::remove_file(&tmp);
                    return Err(e);
                }
            }
        }
    }
    Ok(0)
}

/// Write the receipts of the JSON lines of `input` to `out`; the number written.
fn write_lines<W: Write>(input: Box<dyn BufRead>, name: &str, out: W) -> anyhow::Result<usize> {
    let mut w = uke::Writer::new(out);
    for (i, line) in input.lines().enumerate() {
        let n = i + 1;
        let line = line.with_context(|| format!("{name}: cannot read line {n}"))?;
        if line.trim().is_empty() {
            continue;
        }
        let l: uke::lines::InputLine = serde_json::from_str(&line)
            .with_context(|| format!("{name} line {n}: not a receipt line"))?;
        if let Some(e) = &l.error {
            bail!("{name} line {n}: a read error, not a receipt ({e}); fix the file and read it again");
        }
        if l.go.is_some() {
            continue;
        }
        if !l.errors.is_empty() {
            bail!(
                "{name} line {n}: the receipt has {} read error(s) (its malformed records are not in it); fix the file and read it again",
                l.errors.len()
            );
        }
        let Some(receipt) = &l.receipt else {
            bail!("{name} line {n}: no \"receipt\"");
        };
        let Some(ir) = &l.ir else {
            bail!("{name} line {n}: no \"ir\" (the file's IR facts are needed to write it)");
        };
        w.write_receipt(ir, receipt)
            .with_context(|| format!("{name} line {n}"))?;
    }
    let n = w.written();
    w.finish()?;
    Ok(n)
}
