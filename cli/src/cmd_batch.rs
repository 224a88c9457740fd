//! `santei batch --input FILE.jsonl [--output FILE.jsonl] [--jobs N]`: one claim or receipt per
//! line in, one result per line out, in input order.
//!
//! Pipeline: a reader sends chunks of lines over a bounded channel to N workers; the writer
//! (this thread) puts the results back in order. The reader may run at most [`window`] chunks
//! ahead of the writer, so a slow line makes the reader and the workers wait (backpressure)
//! instead of finished results piling up: memory stays flat however long the file and however
//! slow one line. Chunks are bounded in lines ([`CHUNK_LINES`]) and bytes ([`CHUNK_BYTES`]); a
//! line longer than [`MAX_LINE_BYTES`] is not kept (its record says so).
//!
//! Guarantees (the README's "Reliability" section):
//! - Exactly one output record per input line, in input order: the result, or
//!   `{"line": N, "error": "…"}` (`schemas/v1/batch-error.json`). A panic while computing a
//!   line (a bug in santei) is caught and becomes that line's error record.
//! - Exit status 0 only when every line was read and computed; 1 when some line has an error
//!   record; 2 when the run could not start or stopped on an error (input unreadable, output
//!   not writable: the output is then not renamed into place); 130 when stopped by SIGINT or
//!   SIGTERM (both: santei does not tell them apart).
//! - `--output FILE` is written to a temporary file in the same folder
//!   (`FILE.partial-PID`), flushed, synced and renamed to FILE when the run ends (also when it
//!   is interrupted): a FILE that exists was written to the end of the run. A run killed by
//!   SIGKILL (or a second signal) leaves only the temporary file. An output that is not a
//!   regular file (`/dev/null`, a pipe) is written directly. `--output` naming the input file
//!   (by path, symlink or hard link) is refused before anything is written.
//! - SIGINT and SIGTERM (and SIGHUP) stop reading; the lines already read are computed and
//!   written in order, then the output is flushed and renamed and the summary says how many
//!   lines were done.

use crate::data::{engine, DataArgs};
use anyhow::Context;
use calc::Engine;
use std::collections::BTreeMap;
use std::io::{BufRead, BufWriter, IsTerminal, Write};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{mpsc, Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

/// The most worker threads `--jobs` accepts.
pub const MAX_JOBS: i64 = 256;

#[derive(clap::Args)]
pub struct BatchArgs {
    /// JSON lines: each line a claim (as `santei calc` reads) or a receipt (as `santei copay`).
    #[arg(long)]
    input: PathBuf,
    /// Output JSON lines (default: standard output). Written to FILE.partial-PID in the same
    /// folder and renamed to FILE when the run ends.
    #[arg(long)]
    output: Option<PathBuf>,
    /// Worker threads, 1 to 256 (default: the number of cores).
    #[arg(long, value_parser = clap::value_parser!(u16).range(1..=MAX_JOBS))]
    jobs: Option<u16>,
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

/// Most lines in one chunk of work.
const CHUNK_LINES: usize = 512;
/// A chunk ends once its text reaches this many bytes (so one chunk of long lines stays small).
const CHUNK_BYTES: usize = 1 << 20;
/// The longest line kept (64 MiB, the C ABI's input limit): a longer line gets an error record
/// and is skipped without being held in memory.
pub const MAX_LINE_BYTES: usize = 64 << 20;

/// How many chunks the reader may run ahead of the writer (read, queued, being computed or
/// waiting to be written).
fn window(jobs: usize) -> u64 {
    (2 * jobs + 2) as u64
}

/// Lines of the input, read together: their bytes and where each line ends in them.
struct Chunk {
    seq: u64,
    first_line: usize,
    text: Vec<u8>,
    ends: Vec<usize>,
    /// Lines longer than [`MAX_LINE_BYTES`]: (index in the chunk, length in bytes); their text
    /// is not kept (an empty span in `text`).
    overlong: Vec<(usize, u64)>,
}

/// The results of a chunk: the output lines (each ending in a newline) and the counts.
struct Done {
    seq: u64,
    bytes: Vec<u8>,
    lines: u64,
    ok: u64,
    failed: u64,
}

/// Test hooks (debug builds only, never in a release build): `SANTEI_BATCH_TEST_PANIC_LINE=N`
/// panics while computing line N; `SANTEI_BATCH_TEST_SLOW_LINE=N:MS` sleeps MS milliseconds
/// before computing line N. The integration tests use them to check that a panic becomes an
/// error record and that a slow line holds the reader back.
#[derive(Clone, Copy, Default)]
struct Hooks {
    panic_line: Option<usize>,
    slow_line: Option<(usize, u64)>,
}

impl Hooks {
    #[cfg(debug_assertions)]
    fn from_env() -> Hooks {
        let num = |k: &str| std::env::var(k).ok();
        Hooks {
            panic_line: num("SANTEI_BATCH_TEST_PANIC_LINE").and_then(|v| v.parse().ok()),
            slow_line: num("SANTEI_BATCH_TEST_SLOW_LINE").and_then(|v| {
                let (l, ms) = v.split_once(':')?;
                Some((l.parse().ok()?, ms.parse().ok()?))
            }),
        }
    }

    #[cfg(not(debug_assertions))]
    fn from_env() -> Hooks {
        Hooks::default()
    }

    fn before(&self, line_no: usize) {
        if let Some((l, ms)) = self.slow_line {
            if l == line_no {
                std::thread::sleep(Duration::from_millis(ms));
            }
        }
        if self.panic_line == Some(line_no) {
            panic!("SANTEI_BATCH_TEST_PANIC_LINE: a panic on purpose at line {line_no}");
        }
    }
}

/// The error record of a line (`schemas/v1/batch-error.json`), with its newline.
fn error_record(line_no: usize, error: &str, out: &mut Vec<u8>) {
    api::batch::error_record(out, line_no, error);
    out.push(b'\n');
}

/// The text of a caught panic.
fn panic_text(p: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = p.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = p.downcast_ref::<String>() {
        s.clone()
    } else {
        "a panic without a message".to_string()
    }
}

fn internal(text: &str) -> String {
    format!("internal error (a bug in santei; please report it with this line): {text}")
}

/// The most output bytes per 16 input bytes a chunk has given so far in this process (at
/// first 12 per byte, about what a claim with its trace gives): a chunk's output buffer is
/// sized from it, so that it is not grown (and copied) while its lines are written. Only a
/// capacity: any value gives the same output.
static OUTPUT_PER_16_INPUT: AtomicUsize = AtomicUsize::new(12 * 16);

/// Room for a chunk's output, from the ratio of the chunks before it (with an eighth more).
fn output_capacity(input_bytes: usize) -> usize {
    let per16 = OUTPUT_PER_16_INPUT.load(Ordering::Relaxed);
    let n = input_bytes.min(CHUNK_BYTES) / 16 * per16;
    n + n / 8 + 4096
}

/// Remember a chunk's ratio of output to input bytes (for [`output_capacity`]).
fn note_output_size(input_bytes: usize, output_bytes: usize) {
    if input_bytes >= 16 {
        let per16 = output_bytes / (input_bytes / 16) + 1;
        OUTPUT_PER_16_INPUT.fetch_max(per16.min(1 << 16), Ordering::Relaxed);
    }
}

/// Compute every line of a chunk. A panic on one line becomes that line's error record (its
/// partial output is dropped); the other lines are not affected.
fn compute_chunk(
    engine: &Engine,
    chunk: &Chunk,
    no_trace: bool,
    hooks: Hooks,
    bytes: Vec<u8>,
) -> Done {
    let mut done = Done {
        seq: chunk.seq,
        bytes,
        lines: chunk.ends.len() as u64,
        ok: 0,
        failed: 0,
    };
    let mut overlong = chunk.overlong.iter().peekable();
    let mut start = 0;
    for (i, &end) in chunk.ends.iter().enumerate() {
        let bytes = &chunk.text[start..end];
        start = end;
        let line_no = chunk.first_line + i;
        if let Some(&(_, len)) = overlong.next_if(|(j, _)| *j == i) {
            error_record(
                line_no,
                &format!(
                    "the line is {len} bytes long; santei batch takes lines of at most {MAX_LINE_BYTES} bytes"
                ),
                &mut done.bytes,
            );
            done.failed += 1;
            continue;
        }
        let ok = match std::str::from_utf8(bytes) {
            Ok(line) => {
                let mark = done.bytes.len();
                let line = line.trim_end_matches(['\n', '\r']);
                let r = catch_unwind(AssertUnwindSafe(|| {
                    hooks.before(line_no);
                    api::batch::line(engine, line_no, line, no_trace, &mut done.bytes)
                }));
                match r {
                    Ok(ok) => ok,
                    Err(p) => {
                        done.bytes.truncate(mark);
                        error_record(line_no, &internal(&panic_text(&*p)), &mut done.bytes);
                        false
                    }
                }
            }
            Err(e) => {
                error_record(
                    line_no,
                    &format!("not UTF-8 text (byte {} of the line)", e.valid_up_to() + 1),
                    &mut done.bytes,
                );
                false
            }
        };
        if ok {
            done.ok += 1;
        } else {
            done.failed += 1;
        }
    }
    note_output_size(chunk.text.len(), done.bytes.len());
    done
}

/// Buffers given back after use (a chunk's text once computed, its output once written) and
/// taken again for a later chunk. A fresh buffer of a few megabytes is new memory that the
/// kernel zeroes page by page on first touch (`clear_page_erms` was 5% of a batch's time,
/// `perf record -e cpu-clock`, 2026-12-07). At most `window` chunks exist at a time, so at most
/// that many buffers of each kind are kept.
struct Spare {
    bufs: Mutex<Vec<Vec<u8>>>,
    keep: usize,
}

impl Spare {
    fn new(keep: u64) -> Spare {
        Spare {
            bufs: Mutex::new(Vec::new()),
            keep: usize::try_from(keep).unwrap_or(usize::MAX),
        }
    }

    /// An empty buffer with room for `room` bytes.
    fn take(&self, room: usize) -> Vec<u8> {
        match self.bufs.lock().ok().and_then(|mut b| b.pop()) {
            Some(mut v) => {
                v.clear();
                v.reserve(room);
                v
            }
            None => Vec::with_capacity(room),
        }
    }

    /// A buffer no longer used.
    fn give(&self, mut v: Vec<u8>) {
        v.clear();
        if let Ok(mut b) = self.bufs.lock() {
            if b.len() < self.keep {
                b.push(v);
            }
        }
    }
}

/// A chunk's output bytes written: a large chunk straight to the sink after what the buffer
/// holds (copying it through the buffer first would move every output byte twice — measured with
/// callgrind, 2026-12-08: ≈680 instructions of copying per claim without the trace); a small one
/// (a few lines) through the buffer, so that short chunks do not each cost a write.
fn write_chunk<W: Write>(out: &mut BufWriter<W>, bytes: &[u8]) -> std::io::Result<()> {
    if bytes.len() >= out.capacity() / 4 {
        out.flush()?;
        out.get_mut().write_all(bytes)
    } else {
        out.write_all(bytes)
    }
}

/// What one read of a line gave.
enum LineRead {
    /// End of the input.
    End,
    /// A line (with its newline, when it has one) of this many bytes, appended to the buffer.
    Kept(u64),
    /// A line longer than the limit: this many bytes were read past and not kept.
    Overlong(u64),
}

/// Read one line (through `\n`) into `buf`, keeping at most `max` bytes of it: a longer line is
/// read past without being held in memory.
fn read_line_bounded(
    r: &mut impl BufRead,
    buf: &mut Vec<u8>,
    max: usize,
) -> std::io::Result<LineRead> {
    let start = buf.len();
    let mut consumed: u64 = 0;
    let mut over = false;
    loop {
        let avail = match r.fill_buf() {
            Ok(a) => a,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if avail.is_empty() {
            break;
        }
        // memchr: a word at a time (a byte loop here was about 1,500 instructions per claim
        // of 300 bytes, callgrind 2026-12-07).
        let (take, end) = match memchr::memchr(b'\n', avail) {
            Some(i) => (i + 1, true),
            None => (avail.len(), false),
        };
        if !over {
            if buf.len() - start + take <= max {
                buf.extend_from_slice(&avail[..take]);
            } else {
                over = true;
                buf.truncate(start);
            }
        }
        r.consume(take);
        consumed += take as u64;
        if end {
            break;
        }
    }
    Ok(match (consumed, over) {
        (0, _) => LineRead::End,
        (n, true) => LineRead::Overlong(n),
        (n, false) => LineRead::Kept(n),
    })
}

/// Where the results go.
enum Sink {
    Stdout,
    /// An output that is not a regular file (`/dev/null`, a pipe): written directly.
    Direct(PathBuf),
    /// A regular file: written to `temp`, renamed to `dest` at the end.
    Temp {
        temp: PathBuf,
        dest: PathBuf,
    },
}

impl Sink {
    fn describe(&self) -> String {
        match self {
            Sink::Stdout => "standard output".into(),
            Sink::Direct(p) => p.display().to_string(),
            Sink::Temp { dest, .. } => dest.display().to_string(),
        }
    }
}

/// Why `output` is the same file as `input`, when it is: the same device and inode (a hard
/// link, a symlink, another spelling of the path) or the same canonical path.
fn same_file(input: &Path, output: &Path) -> Option<String> {
    let (Ok(mi), Ok(mo)) = (std::fs::metadata(input), std::fs::metadata(output)) else {
        return None;
    };
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        if mi.dev() == mo.dev() && mi.ino() == mo.ino() {
            return Some(format!("device {} inode {}", mi.dev(), mi.ino()));
        }
    }
    let _ = (mi, mo);
    match (std::fs::canonicalize(input), std::fs::canonicalize(output)) {
        (Ok(a), Ok(b)) if a == b => Some(format!("both are {}", a.display())),
        _ => None,
    }
}

/// Where a regular output file is written: the file itself (through a symlink, the file it
/// points to, not the link) and the temporary file beside it.
fn output_paths(p: &Path) -> anyhow::Result<(PathBuf, PathBuf)> {
    let dest = match std::fs::symlink_metadata(p) {
        Ok(m) if m.file_type().is_symlink() => {
            std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf())
        }
        _ => p.to_path_buf(),
    };
    let name = dest
        .file_name()
        .with_context(|| format!("--output {}: not a file name", p.display()))?
        .to_string_lossy()
        .into_owned();
    let temp = dest.with_file_name(format!("{name}.partial-{}", std::process::id()));
    Ok((dest, temp))
}

/// Open the output: standard output, a non-regular file directly, or the temporary file beside
/// a regular one.
fn open_output(output: Option<&Path>) -> anyhow::Result<(Sink, Box<dyn Write + Send>)> {
    let Some(p) = output else {
        return Ok((Sink::Stdout, Box::new(std::io::stdout())));
    };
    if let Ok(m) = std::fs::metadata(p) {
        if m.is_dir() {
            anyhow::bail!("--output {}: is a folder, not a file", p.display());
        }
        if !m.is_file() {
            let f = std::fs::OpenOptions::new()
                .write(true)
                .open(p)
                .with_context(|| format!("opening --output {}", p.display()))?;
            return Ok((Sink::Direct(p.to_path_buf()), Box::new(f)));
        }
    }
    let (dest, temp) = output_paths(p)?;
    let f = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .open(&temp)
        .with_context(|| format!("creating the temporary output file {}", temp.display()))?;
    Ok((Sink::Temp { temp, dest }, Box::new(f)))
}

/// The reader's leash: the sequence number of the next chunk the writer needs. The reader may
/// send chunk `s` only while `s < written + window`.
struct Gate {
    written: Mutex<u64>,
    moved: Condvar,
}

impl Gate {
    fn advance(&self, to: u64) {
        if let Ok(mut w) = self.written.lock() {
            *w = to;
        }
        self.moved.notify_all();
    }

    /// Wait until chunk `seq` may be sent; false when `stop` was raised while waiting.
    fn wait_for(&self, seq: u64, window: u64, stop: &AtomicBool) -> bool {
        let Ok(mut w) = self.written.lock() else {
            return false;
        };
        while seq >= *w + window {
            if stop.load(Ordering::SeqCst) {
                return false;
            }
            w = match self.moved.wait_timeout(w, Duration::from_millis(50)) {
                Ok((g, _)) => g,
                Err(_) => return false,
            };
        }
        true
    }
}

/// What the reader did.
struct ReadEnd {
    chunks: u64,
    lines: u64,
    /// The end of the input was reached.
    eof: bool,
}

fn read_chunks(
    mut reader: impl BufRead,
    work_tx: mpsc::SyncSender<Chunk>,
    gate: &Gate,
    window: u64,
    spare_text: &Spare,
    stop: &AtomicBool,
    bytes_read: &AtomicU64,
) -> (ReadEnd, std::io::Result<()>) {
    let mut seq = 0u64;
    let mut line_no = 0usize;
    let end = |seq, line_no, eof| ReadEnd {
        chunks: seq,
        lines: line_no as u64,
        eof,
    };
    // Room for a chunk's text: at least the size of the largest chunk so far (an eighth more),
    // so that its buffer is not grown (and copied) while it fills.
    let mut room = 64 << 10;
    loop {
        if !gate.wait_for(seq, window, stop) {
            return (end(seq, line_no, false), Ok(()));
        }
        let mut text = spare_text.take(room);
        let mut ends = Vec::with_capacity(CHUNK_LINES);
        let mut overlong = Vec::new();
        let first_line = line_no + 1;
        let mut eof = false;
        let mut failure = None;
        while ends.len() < CHUNK_LINES && text.len() < CHUNK_BYTES {
            if stop.load(Ordering::SeqCst) {
                break;
            }
            match read_line_bounded(&mut reader, &mut text, MAX_LINE_BYTES) {
                Ok(LineRead::End) => {
                    eof = true;
                    break;
                }
                Ok(LineRead::Kept(n)) => {
                    bytes_read.fetch_add(n, Ordering::Relaxed);
                }
                Ok(LineRead::Overlong(n)) => {
                    bytes_read.fetch_add(n, Ordering::Relaxed);
                    overlong.push((ends.len(), n));
                }
                Err(e) => {
                    failure = Some(e);
                    break;
                }
            }
            line_no += 1;
            ends.push(text.len());
        }
        let stopped = stop.load(Ordering::SeqCst);
        room = room.max((text.len() + text.len() / 8).min(2 * CHUNK_BYTES));
        if !ends.is_empty() {
            let chunk = Chunk {
                seq,
                first_line,
                text,
                ends,
                overlong,
            };
            if work_tx.send(chunk).is_err() {
                return (end(seq, line_no, false), Ok(()));
            }
            seq += 1;
        }
        if let Some(e) = failure {
            return (end(seq, line_no, false), Err(e));
        }
        if eof || stopped {
            return (end(seq, line_no, eof), Ok(()));
        }
    }
}

/// Load the engine with the co-payment tables and local programmes the arguments name.
fn batch_engine(args: &BatchArgs) -> anyhow::Result<Engine> {
    let mut engine = engine(&args.data)?;
    if !args.tables.is_empty() || !args.local.is_empty() {
        let mut tables = engine.copay_tables().clone();
        for p in &args.tables {
            let text = crate::data::read_input(p)?.1;
            tables = tables.with_tables(&p.display().to_string(), &text)?;
        }
        for p in &args.local {
            let text = crate::data::read_input(p)?.1;
            tables = tables.with_local_programmes(&p.display().to_string(), &text)?;
        }
        engine = engine.with_copay_tables(tables);
    }
    Ok(engine)
}

pub fn run(args: &BatchArgs) -> anyhow::Result<i32> {
    // Before anything is opened for writing: the output must not be the input.
    if let Some(out) = &args.output {
        if let Some(why) = same_file(&args.input, out) {
            anyhow::bail!(
                "--output {} is the input file --input {} ({why}): refusing to overwrite the input",
                out.display(),
                args.input.display()
            );
        }
    }
    // Signals are handled from here on (a signal while the data loads stops the run before its
    // first line).
    let stop = Arc::new(AtomicBool::new(false));
    let temp = match &args.output {
        Some(p) if std::fs::metadata(p).map_or(true, |m| m.is_file()) => Some(output_paths(p)?.1),
        _ => None,
    };
    on_signals(stop.clone(), temp);
    let engine = Arc::new(batch_engine(args)?);
    let jobs = match args.jobs {
        Some(n) => n as usize,
        None => std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)
            .min(MAX_JOBS as usize),
    };
    let file = std::fs::File::open(&args.input)
        .with_context(|| format!("reading {}", args.input.display()))?;
    let total_bytes = file
        .metadata()
        .ok()
        .filter(|m| m.is_file())
        .map(|m| m.len())
        .unwrap_or(0);
    let reader = std::io::BufReader::with_capacity(1 << 20, file);
    let (sink, out) = open_output(args.output.as_deref())?;
    let result = pipeline(
        args,
        engine,
        jobs,
        (reader, total_bytes),
        (&sink, out),
        stop,
    );
    if let (Err(_), Sink::Temp { temp, .. }) = (&result, &sink) {
        let _ = std::fs::remove_file(temp);
    }
    result
}

/// Signals: the first SIGINT / SIGTERM / SIGHUP raises `stop`; a second one ends the process
/// at once (exit 130), leaving the temporary output file, never a finished-looking output.
fn on_signals(stop: Arc<AtomicBool>, temp: Option<PathBuf>) {
    let count = AtomicUsize::new(0);
    let left = match temp {
        Some(t) => format!(
            "; the output was not renamed into place, the results so far stay in {}",
            t.display()
        ),
        None => String::new(),
    };
    let _ = ctrlc::set_handler(move || {
        if count.fetch_add(1, Ordering::SeqCst) == 0 {
            stop.store(true, Ordering::SeqCst);
        } else {
            eprintln!("\nsantei: a second signal: stopping now{left}");
            std::process::exit(130);
        }
    });
}

/// A panic in a worker (a bug) is reported on one line of standard error; its line gets an
/// error record.
fn quiet_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        let at = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        eprintln!(
            "santei: internal error (a bug in santei){at}: {}",
            panic_text(info.payload())
        );
    }));
}

fn pipeline(
    args: &BatchArgs,
    engine: Arc<Engine>,
    jobs: usize,
    (reader, total_bytes): (impl BufRead + Send + 'static, u64),
    (sink, out): (&Sink, Box<dyn Write + Send>),
    stop: Arc<AtomicBool>,
) -> anyhow::Result<i32> {
    let sync_handle = match sink {
        Sink::Temp { temp, .. } => Some(
            std::fs::OpenOptions::new()
                .write(true)
                .open(temp)
                .with_context(|| format!("opening {}", temp.display()))?,
        ),
        _ => None,
    };
    let mut out = BufWriter::with_capacity(1 << 20, out);
    quiet_panic_hook();
    let hooks = Hooks::from_env();
    let window = window(jobs);
    let gate = Arc::new(Gate {
        written: Mutex::new(0),
        moved: Condvar::new(),
    });
    let (work_tx, work_rx) = mpsc::sync_channel::<Chunk>(jobs);
    let work_rx = Arc::new(Mutex::new(work_rx));
    let (done_tx, done_rx) = mpsc::sync_channel::<Done>(window as usize);
    let no_trace = args.no_trace;
    // Buffers reused: the chunks' texts (reader → worker → reader) and outputs (worker →
    // writer → worker).
    let spare_text = Arc::new(Spare::new(window));
    let spare_out = Arc::new(Spare::new(window));
    let mut workers = Vec::new();
    for i in 0..jobs {
        let rx = work_rx.clone();
        let tx = done_tx.clone();
        let engine = engine.clone();
        let (spare_text, spare_out) = (spare_text.clone(), spare_out.clone());
        let spawned = std::thread::Builder::new()
            .name(format!("batch-worker-{i}"))
            .spawn(move || loop {
                let chunk = match rx.lock() {
                    Ok(r) => r.recv(),
                    Err(_) => return,
                };
                let Ok(chunk) = chunk else { return };
                // Each line is guarded in compute_chunk; this guard covers the rest, so a chunk
                // always comes back (a lost chunk would stall the writer).
                let done = catch_unwind(AssertUnwindSafe(|| {
                    let bytes = spare_out.take(output_capacity(chunk.text.len()));
                    compute_chunk(&engine, &chunk, no_trace, hooks, bytes)
                }))
                .unwrap_or_else(|p| {
                    let text = internal(&panic_text(&*p));
                    let mut bytes = Vec::new();
                    for i in 0..chunk.ends.len() {
                        error_record(chunk.first_line + i, &text, &mut bytes);
                    }
                    Done {
                        seq: chunk.seq,
                        bytes,
                        lines: chunk.ends.len() as u64,
                        ok: 0,
                        failed: chunk.ends.len() as u64,
                    }
                });
                spare_text.give(chunk.text);
                if tx.send(done).is_err() {
                    return;
                }
            });
        match spawned {
            Ok(h) => workers.push(h),
            Err(e) if workers.is_empty() => {
                anyhow::bail!("cannot start a worker thread: {e}")
            }
            Err(e) => {
                eprintln!(
                    "santei: warning: started {} of {jobs} worker threads ({e}); going on with them",
                    workers.len()
                );
                break;
            }
        }
    }
    drop(done_tx);
    let bytes_read = Arc::new(AtomicU64::new(0));
    let reader_thread = {
        let (stop, gate, bytes_read) = (stop.clone(), gate.clone(), bytes_read.clone());
        std::thread::Builder::new()
            .name("batch-reader".into())
            .spawn(move || {
                read_chunks(
                    reader,
                    work_tx,
                    &gate,
                    window,
                    &spare_text,
                    &stop,
                    &bytes_read,
                )
            })
            .context("cannot start the reader thread")?
    };
    // Writer: results back in order. At most `window` chunks exist at a time (the gate), so
    // `pending` holds fewer than that.
    let progress = std::io::stderr().is_terminal();
    let started = Instant::now();
    let mut last_shown = Instant::now();
    let mut pending: BTreeMap<u64, Done> = BTreeMap::new();
    let mut next = 0u64;
    let (mut ok, mut failed) = (0u64, 0u64);
    for done in done_rx {
        pending.insert(done.seq, done);
        let before = next;
        while let Some(done) = pending.remove(&next) {
            ok += done.ok;
            failed += done.failed;
            debug_assert_eq!(done.ok + done.failed, done.lines);
            write_chunk(&mut out, &done.bytes)
                .with_context(|| format!("writing {}", sink.describe()))?;
            spare_out.give(done.bytes);
            next += 1;
        }
        if next != before {
            gate.advance(next);
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
    out.flush()
        .with_context(|| format!("writing {}", sink.describe()))?;
    drop(out);
    let (read, read_result) = reader_thread
        .join()
        .map_err(|_| anyhow::anyhow!("internal error: the reader thread failed"))?;
    for w in workers {
        let _ = w.join();
    }
    if progress {
        eprintln!();
    }
    let written = ok + failed;
    if let Err(e) = read_result {
        anyhow::bail!(
            "reading {} after line {}: {e} (the output was not kept)",
            args.input.display(),
            read.lines
        );
    }
    if next != read.chunks || written != read.lines || !pending.is_empty() {
        anyhow::bail!(
            "internal error: {} lines read but {written} results written (the output was not kept)",
            read.lines
        );
    }
    if let (Some(f), Sink::Temp { temp, dest }) = (&sync_handle, sink) {
        f.sync_all()
            .with_context(|| format!("writing {}", temp.display()))?;
        std::fs::rename(temp, dest).with_context(|| {
            format!(
                "renaming the finished output {} to {}",
                temp.display(),
                dest.display()
            )
        })?;
    }
    let secs = started.elapsed().as_secs_f64();
    eprintln!(
        "{ok} ok, {failed} failed ({:.0} lines/s)",
        written as f64 / secs.max(1e-9)
    );
    if stop.load(Ordering::SeqCst) && !read.eof {
        eprintln!(
            "interrupted by a signal (SIGINT or SIGTERM) after {written} lines: {} holds the \
             results of lines 1 to {written}, in order; the rest of the input was not read",
            sink.describe()
        );
        return Ok(130);
    }
    Ok(if failed > 0 { 1 } else { 0 })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Lines up to the limit are kept whole (with their newline); a longer one is read past
    /// without being kept, and the next line is read normally; a last line without a newline
    /// is a line.
    #[test]
    fn lines_are_read_with_a_bound() {
        let text = b"abc\n0123456789\nxy\r\nlast";
        // A reader that hands out 3 bytes at a time, so a line spans several buffers.
        let mut r = std::io::BufReader::with_capacity(3, &text[..]);
        let mut buf = Vec::new();
        assert!(matches!(
            read_line_bounded(&mut r, &mut buf, 5).unwrap(),
            LineRead::Kept(4)
        ));
        assert_eq!(buf, b"abc\n");
        assert!(matches!(
            read_line_bounded(&mut r, &mut buf, 5).unwrap(),
            LineRead::Overlong(11)
        ));
        assert_eq!(buf, b"abc\n", "the long line is not kept");
        assert!(matches!(
            read_line_bounded(&mut r, &mut buf, 5).unwrap(),
            LineRead::Kept(4)
        ));
        assert!(matches!(
            read_line_bounded(&mut r, &mut buf, 5).unwrap(),
            LineRead::Kept(4)
        ));
        assert_eq!(buf, b"abc\nxy\r\nlast");
        assert!(matches!(
            read_line_bounded(&mut r, &mut buf, 5).unwrap(),
            LineRead::End
        ));
        // Exactly at the limit: kept.
        let mut r = std::io::BufReader::with_capacity(2, &b"12345\n"[..]);
        let mut buf = Vec::new();
        assert!(matches!(
            read_line_bounded(&mut r, &mut buf, 6).unwrap(),
            LineRead::Kept(6)
        ));
    }

    /// An overlong line becomes an error record naming its length and the limit; the lines
    /// around it are computed.
    #[test]
    fn an_overlong_line_is_an_error_record() {
        let engine = Engine::embedded().unwrap();
        let claim = std::fs::read_to_string("../examples/claim.json")
            .unwrap()
            .replace('\n', " ");
        let mut text = Vec::new();
        let mut ends = Vec::new();
        for _ in 0..3 {
            text.extend_from_slice(claim.as_bytes());
            text.push(b'\n');
            ends.push(text.len());
        }
        // The middle line's text was not kept: an empty span.
        let mut t2 = text[..ends[0]].to_vec();
        let e0 = t2.len();
        t2.extend_from_slice(&text[ends[1]..]);
        let chunk = Chunk {
            seq: 0,
            first_line: 41,
            text: t2,
            ends: vec![e0, e0, e0 + (ends[2] - ends[1])],
            overlong: vec![(1, 70_000_000)],
        };
        let done = compute_chunk(&engine, &chunk, true, Hooks::default(), Vec::new());
        assert_eq!((done.ok, done.failed, done.lines), (2, 1, 3));
        let out = String::from_utf8(done.bytes).unwrap();
        let recs: Vec<serde_json::Value> = out
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(recs.len(), 3);
        assert_eq!(recs[0]["total_points"], 304);
        assert_eq!(recs[1]["line"], 42);
        assert_eq!(
            recs[1]["error"],
            "the line is 70000000 bytes long; santei batch takes lines of at most 67108864 bytes"
        );
        assert_eq!(recs[2]["total_points"], 304);
    }
}
