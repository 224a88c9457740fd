//! `santei uke audit FILE.UKE [--master DIR]... [--format json|table] [--options FILE]`: every
//! receipt of a UKE file recomputed (`api::audit`); this file only reads, runs the receipts in
//! parallel and prints in file order.
//!
//! Output (stdout): one JSON line per receipt (`schemas/v1/uke-audit-line.json`), one per read
//! error outside a receipt, and `{"summary": …}` last — the same bytes as `api::audit::audit_bytes`
//! (the HTTP route, the C ABI and the page give them too); or, with `--format table`, a table.
//! A progress bar goes to stderr when it is a terminal. Exit status 1 when some receipt differs
//! or a record is malformed, 2 when the file cannot be read or the data not loaded.
//!
//! Memory stays flat: the reader runs at most `2 × jobs` chunks of receipts ahead of the writer,
//! and results are put back in file order through a window of the chunks in flight.

use crate::data::{self, DataArgs};
use anyhow::{bail, Context};
use api::audit::{AuditOptions, Summary};
use std::collections::BTreeMap;
use std::io::{IsTerminal, Read, Write};
use std::path::PathBuf;
use std::sync::mpsc::sync_channel;
use std::sync::{Arc, Mutex};

/// Receipts per chunk handed to a worker.
const CHUNK: usize = 256;

#[derive(clap::Args)]
pub struct AuditArgs {
    /// The UKE file (CP932, CRLF as published); `-` for stdin.
    file: PathBuf,
    #[command(flatten)]
    data: DataArgs,
    /// json (one line per receipt, then the summary) or table.
    #[arg(long, default_value = "json", value_parser = ["json", "table"])]
    format: String,
    /// Facts the UKE does not carry, as JSON: `{"facility": {…as in a claim…}, "mynumber_card":
    /// true|false}`. Without them, findings that depend on them say "cannot check".
    #[arg(long, value_name = "FILE.json")]
    options: Option<PathBuf>,
    /// The file's text encoding: cp932 (as published) or utf-8.
    #[arg(long, value_name = "ENCODING", default_value = "cp932")]
    encoding: String,
    /// Worker threads (1–256; default: the number of cores).
    #[arg(long, value_parser = clap::value_parser!(u16).range(1..=256))]
    jobs: Option<u16>,
}

/// One chunk's output: its text and its summary.
type Done = (u64, String, Summary, u64);

pub fn run(args: &AuditArgs) -> anyhow::Result<i32> {
    let encoding = match args.encoding.to_ascii_lowercase().as_str() {
        "cp932" | "shift_jis" | "sjis" => uke::Encoding::Cp932,
        "utf-8" | "utf8" => uke::Encoding::Utf8,
        other => bail!("--encoding {other:?}: expected cp932 or utf-8"),
    };
    let lang = crate::lang();
    let mut opts = match &args.options {
        Some(p) => {
            let (_, text) = data::read_input(p)?;
            api::audit::options_from_json(&text)
                .map_err(|e| anyhow::anyhow!("{}: {e}", p.display()))?
        }
        None => AuditOptions::default(),
    };
    opts.lang = lang;
    let engine = data::engine(&args.data)?;
    let name = args
        .file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| args.file.display().to_string());
    let table = args.format == "table";
    let jobs = args
        .jobs
        .map(usize::from)
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    let progress = std::io::stderr().is_terminal();
    let bar = if progress {
        let len = std::fs::metadata(&args.file).map(|m| m.len()).unwrap_or(0);
        let b = indicatif::ProgressBar::new(len);
        b.set_style(
            indicatif::ProgressStyle::with_template("{bar:40} {bytes}/{total_bytes} {msg} ({eta})")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        Some(b)
    } else {
        None
    };
    let input: Box<dyn Read + Send> = if args.file.as_os_str() == "-" {
        Box::new(std::io::stdin())
    } else {
        let f = std::fs::File::open(&args.file)
            .with_context(|| format!("cannot open {}", args.file.display()))?;
        match &bar {
            Some(b) => Box::new(b.wrap_read(f)),
            None => Box::new(f),
        }
    };
    let input = std::io::BufReader::with_capacity(1 << 16, input);

    let (work_tx, work_rx) = sync_channel::<(u64, Vec<uke::Item>)>(2 * jobs);
    let work_rx = Arc::new(Mutex::new(work_rx));
    let (done_tx, done_rx) = sync_channel::<Done>(2 * jobs);
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::with_capacity(1 << 16, stdout.lock());
    let mut summary = Summary::default();
    std::thread::scope(|s| -> anyhow::Result<()> {
        let file = name.clone();
        s.spawn(move || {
            let reader = uke::read_buf(
                input,
                uke::ReadOptions {
                    file: Some(file),
                    encoding,
                },
            );
            let mut seq = 0u64;
            let mut chunk = Vec::with_capacity(CHUNK);
            for item in reader {
                chunk.push(item);
                if chunk.len() == CHUNK {
                    let full = std::mem::replace(&mut chunk, Vec::with_capacity(CHUNK));
                    if work_tx.send((seq, full)).is_err() {
                        return;
                    }
                    seq += 1;
                }
            }
            if !chunk.is_empty() {
                let _ = work_tx.send((seq, chunk));
            }
        });
        for _ in 0..jobs {
            let rx = Arc::clone(&work_rx);
            let tx = done_tx.clone();
            let engine = &engine;
            let opts = &opts;
            s.spawn(move || loop {
                let next = rx.lock().map(|r| r.recv());
                let Ok(Ok((seq, items))) = next else { return };
                let mut text = String::new();
                let mut sum = Summary::default();
                let mut n = 0u64;
                for item in &items {
                    let line = if table {
                        match item {
                            uke::Item::Receipt(r) => {
                                let a = api::audit::audit_receipt(engine, r, opts);
                                sum.read_errors += r.errors.len() as u64;
                                sum.add(&a);
                                Some(api::audit::table::receipt(&a, opts.lang))
                            }
                            uke::Item::Error(e) => {
                                sum.read_errors += 1;
                                Some(format!("read error: {}\n", e))
                            }
                            _ => None,
                        }
                    } else {
                        api::audit::audit_item(engine, item, opts, &mut sum).map(|mut l| {
                            l.push('\n');
                            l
                        })
                    };
                    if let Some(l) = line {
                        text.push_str(&l);
                    }
                    if matches!(item, uke::Item::Receipt(_)) {
                        n += 1;
                    }
                }
                if tx.send((seq, text, sum, n)).is_err() {
                    return;
                }
            });
        }
        drop(done_tx);
        let mut window: BTreeMap<u64, (String, Summary, u64)> = BTreeMap::new();
        let mut next = 0u64;
        let mut receipts = 0u64;
        for (seq, text, sum, n) in done_rx {
            window.insert(seq, (text, sum, n));
            while let Some((text, sum, n)) = window.remove(&next) {
                out.write_all(text.as_bytes())?;
                summary.merge(&sum);
                receipts += n;
                next += 1;
                if let Some(b) = &bar {
                    b.set_message(format!("{receipts} receipts"));
                }
            }
        }
        Ok(())
    })?;
    if let Some(b) = &bar {
        b.finish_and_clear();
    }
    if table {
        out.write_all(api::audit::table::summary(&summary, lang).as_bytes())?;
    } else {
        out.write_all(api::audit::summary_line_in(&summary, lang).as_bytes())?;
        out.write_all(b"\n")?;
    }
    out.flush()?;
    eprintln!("{name}: {}", api::audit::table::done_line(&summary, lang));
    Ok(if summary.differing > 0 || summary.read_errors > 0 {
        1
    } else {
        0
    })
}
