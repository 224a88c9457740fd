//! `santei batch --input FILE.jsonl [--output FILE.jsonl] [--jobs N]`: one claim or receipt per
//! line in, one result per line out, in input order.
//!
//! Pipeline: a reader sends chunks of lines over a bounded channel to N workers; a writer puts
//! the results back in order with a reorder buffer. The channels and the buffer are bounded, so
//! memory stays flat however long the file. A bad line gives `{"line": N, "error": "…"}` and the
//! batch goes on. Ctrl-C stops reading; what is in flight is written in order, then the output
//! is flushed, so the file holds a clean prefix of the results.

use crate::data::{engine, DataArgs};
use anyhow::Context;
use calc::Engine;
use std::collections::BTreeMap;
use std::io::{BufRead, BufWriter, IsTerminal, Write};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc, Mutex};
use std::time::Instant;

#[derive(clap::Args)]
pub struct BatchArgs {
    /// JSON lines: each line a claim (as `santei calc` reads) or a receipt (as `santei copay`).
    #[arg(long)]
    input: PathBuf,
    /// Output JSON lines (default: standard output).
    #[arg(long)]
    output: Option<PathBuf>,
    /// Worker threads (default: the number of cores).
    #[arg(long)]
    jobs: Option<usize>,
    /// Leave the `trace` out of each result (smaller, faster output).
    #[arg(long)]
    no_trace: bool,
    /// Local public-programme file(s) for the receipts and the claims' co-payment blocks
    /// (as `santei copay --local`).
    #[arg(long = "local", value_name = "FILE")]
    local: Vec<PathBuf>,
    /// Additional dated co-payment table file(s) (as `santei copay --tables`).
    #[arg(long = "tables", value_name = "FILE")]
    tables: Vec<PathBuf>,
    #[command(flatten)]
    data: DataArgs,
}

const CHUNK: usize = 512;

/// Lines of the input, read together: their bytes and where each line ends in them.
struct Chunk {
    seq: u64,
    first_line: usize,
    text: Vec<u8>,
    ends: Vec<usize>,
}

/// The results of a chunk: the output lines (each ending in a newline) and the counts.
struct Done {
    seq: u64,
    bytes: Vec<u8>,
    ok: u64,
    failed: u64,
}

/// Compute one input line into `out` (one JSON line): the per-line logic `POST /v1/batch`
/// shares (`server::batch::line`). False when the line gave an error record.
fn one(engine: &Engine, line_no: usize, line: &str, no_trace: bool, out: &mut Vec<u8>) -> bool {
    server::batch::line(engine, line_no, line, no_trace, out)
}

pub fn run(args: &BatchArgs) -> anyhow::Result<i32> {
    let mut engine = engine(&args.data)?;
    if !args.tables.is_empty() || !args.local.is_empty() {
        let mut tables = engine.copay_tables().clone();
        for p in &args.tables {
            let text =
                std::fs::read_to_string(p).with_context(|| format!("reading {}", p.display()))?;
            tables = tables.with_tables(&p.display().to_string(), &text)?;
        }
        for p in &args.local {
            let text =
                std::fs::read_to_string(p).with_context(|| format!("reading {}", p.display()))?;
            tables = tables.with_local_programmes(&p.display().to_string(), &text)?;
        }
        engine = engine.with_copay_tables(tables);
    }
    let engine = Arc::new(engine);
    let jobs = args
        .jobs
        .unwrap_or_else(|| {
            std::thread::available_parallelism()
                .map(|n| n.get())
                .unwrap_or(1)
        })
        .max(1);
    let file = std::fs::File::open(&args.input)
        .with_context(|| format!("reading {}", args.input.display()))?;
    let total_bytes = file.metadata().map(|m| m.len()).unwrap_or(0);
    let mut reader = std::io::BufReader::with_capacity(1 << 20, file);
    let out: Box<dyn Write + Send> = match &args.output {
        Some(p) => {
            Box::new(std::fs::File::create(p).with_context(|| format!("creating {}", p.display()))?)
        }
        None => Box::new(std::io::stdout()),
    };
    let mut out = BufWriter::with_capacity(1 << 20, out);

    let stop = Arc::new(AtomicBool::new(false));
    {
        let stop = stop.clone();
        let _ = ctrlc::set_handler(move || stop.store(true, Ordering::SeqCst));
    }
    let (work_tx, work_rx) = mpsc::sync_channel::<Chunk>(jobs * 2);
    let work_rx = Arc::new(Mutex::new(work_rx));
    let (done_tx, done_rx) = mpsc::sync_channel::<Done>(jobs * 2);
    let no_trace = args.no_trace;
    let mut workers = Vec::new();
    for _ in 0..jobs {
        let rx = work_rx.clone();
        let tx = done_tx.clone();
        let engine = engine.clone();
        workers.push(std::thread::spawn(move || loop {
            let chunk = match rx.lock() {
                Ok(r) => r.recv(),
                Err(_) => return,
            };
            let Ok(chunk) = chunk else { return };
            let mut done = Done {
                seq: chunk.seq,
                bytes: Vec::with_capacity(chunk.text.len() * 8),
                ok: 0,
                failed: 0,
            };
            let mut start = 0;
            for (i, &end) in chunk.ends.iter().enumerate() {
                let bytes = &chunk.text[start..end];
                start = end;
                let ok = match std::str::from_utf8(bytes) {
                    Ok(line) => one(
                        &engine,
                        chunk.first_line + i,
                        line.trim_end_matches(['\n', '\r']),
                        no_trace,
                        &mut done.bytes,
                    ),
                    Err(e) => {
                        let record = serde_json::json!({
                            "line": chunk.first_line + i,
                            "error": format!("not UTF-8 text (byte {} of the line)", e.valid_up_to() + 1),
                        });
                        done.bytes.extend_from_slice(record.to_string().as_bytes());
                        done.bytes.push(b'\n');
                        false
                    }
                };
                if ok {
                    done.ok += 1;
                } else {
                    done.failed += 1;
                }
            }
            if tx.send(done).is_err() {
                return;
            }
        }));
    }
    drop(done_tx);
    // Reader thread.
    let bytes_read = Arc::new(std::sync::atomic::AtomicU64::new(0));
    let reader_thread = {
        let stop = stop.clone();
        let bytes_read = bytes_read.clone();
        std::thread::spawn(move || -> std::io::Result<()> {
            let mut seq = 0u64;
            let mut line_no = 0usize;
            loop {
                let mut text = Vec::with_capacity(CHUNK * 512);
                let mut ends = Vec::with_capacity(CHUNK);
                let first_line = line_no + 1;
                while ends.len() < CHUNK {
                    if stop.load(Ordering::Relaxed) {
                        break;
                    }
                    let n = reader.read_until(b'\n', &mut text)?;
                    if n == 0 {
                        break;
                    }
                    bytes_read.fetch_add(n as u64, Ordering::Relaxed);
                    line_no += 1;
                    ends.push(text.len());
                }
                if ends.is_empty() {
                    return Ok(());
                }
                let last = ends.len() < CHUNK;
                if work_tx
                    .send(Chunk {
                        seq,
                        first_line,
                        text,
                        ends,
                    })
                    .is_err()
                {
                    return Ok(());
                }
                seq += 1;
                if last {
                    return Ok(());
                }
            }
        })
    };
    // Writer: results back in order.
    let progress = std::io::stderr().is_terminal();
    let started = Instant::now();
    let mut last_shown = Instant::now();
    let mut pending: BTreeMap<u64, Done> = BTreeMap::new();
    let mut next = 0u64;
    let (mut ok, mut failed) = (0u64, 0u64);
    for done in done_rx {
        pending.insert(done.seq, done);
        while let Some(done) = pending.remove(&next) {
            ok += done.ok;
            failed += done.failed;
            out.write_all(&done.bytes)?;
            next += 1;
        }
        if progress && last_shown.elapsed().as_millis() >= 250 {
            last_shown = Instant::now();
            let done = ok + failed;
            let secs = started.elapsed().as_secs_f64().max(1e-9);
            let rate = done as f64 / secs;
            let read = bytes_read.load(Ordering::Relaxed) as f64;
            let eta = if read > 0.0 && total_bytes > 0 {
                secs * (total_bytes as f64 / read - 1.0)
            } else {
                0.0
            };
            eprint!("\r{done} lines, {rate:.0}/s, ETA {eta:.0} s    ");
        }
    }
    out.flush()?;
    let read_result = reader_thread
        .join()
        .map_err(|_| anyhow::anyhow!("the reader thread failed"))?;
    for w in workers {
        let _ = w.join();
    }
    if progress {
        eprintln!();
    }
    read_result.context("reading the input")?;
    let secs = started.elapsed().as_secs_f64();
    eprintln!(
        "{ok} ok, {failed} failed ({:.0} lines/s)",
        (ok + failed) as f64 / secs.max(1e-9)
    );
    if stop.load(Ordering::SeqCst) {
        eprintln!(
            "stopped by Ctrl-C after {} lines; the output holds every result up to that line",
            ok + failed
        );
        return Ok(130);
    }
    Ok(if failed > 0 { 1 } else { 0 })
}
