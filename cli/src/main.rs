//! `santei` — the command-line front end of the santei fee-calculation module.
//!
//! A thin binary: every command parses its arguments, loads data through the library crates
//! and prints JSON (or a table for people). All computation lives in `masters`, `rules` and
//! `calc`; errors are `anyhow` here only.

use clap::{Parser, Subcommand};

/// The allocator: the engine allocates small, short-lived buffers per claim, which mimalloc
/// serves faster than the system allocator (measured: see the README's benchmark table);
/// through its plain calls where the alignment allows (`mialloc`).
#[global_allocator]
static GLOBAL: mialloc::Mimalloc = mialloc::Mimalloc;

mod cmd_batch;
mod cmd_calc;
mod cmd_copay;
mod cmd_golden;
mod cmd_master;
mod cmd_schema;
mod cmd_serve;
mod cmd_tier;
mod cmd_uke;
mod cmd_uke_audit;
mod cmd_version;
mod data;

#[derive(Parser)]
#[command(
    name = "santei",
    version,
    about = "共通算定モジュール — Japanese medical fee calculation"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// The language of the texts (warnings, errors, trace, messages): `ja` or `en`. Default:
    /// from the locale (`LC_ALL`, else `LANG`: a value starting with `ja` gives `ja`, anything
    /// else `en`). JSON keys, ids and numbers are the same in both.
    #[arg(long, global = true)]
    lang: Option<String>,
}

/// The language chosen by `--lang` or the locale.
static LANG: std::sync::OnceLock<api::Lang> = std::sync::OnceLock::new();

/// The language of the texts (`--lang`, else the locale).
pub fn lang() -> api::Lang {
    *LANG.get_or_init(locale_lang)
}

fn locale_lang() -> api::Lang {
    let v = ["LC_ALL", "LC_MESSAGES", "LANG"]
        .iter()
        .find_map(|k| std::env::var(k).ok().filter(|v| !v.is_empty()));
    api::Lang::from_locale(v.as_deref())
}

#[derive(Subcommand)]
enum Command {
    /// Many claims or receipts, one per line (JSON lines), in parallel, results in input order.
    Batch(cmd_batch::BatchArgs),
    /// Compute one claim: points of each line, automatic add-ons, and the explanation.
    Calc(cmd_calc::CalcArgs),
    /// Auditors' golden cases: run them (diff by field path) or bless them.
    Golden(cmd_golden::GoldenArgs),
    /// Query the dated fee schedule (医科診療行為マスター).
    Master(cmd_master::MasterArgs),
    /// santei as a local HTTP service: the JSON interface of these commands (same bytes) and the
    /// browser page (wasm/build-page builds it).
    Serve(cmd_serve::ServeArgs),
    /// Which 医療DX add-on tier a facility earns, month by month.
    Tier(cmd_tier::TierArgs),
    /// What the patient pays for one receipt (一部負担金).
    Copay(cmd_copay::CopayArgs),
    /// Print a JSON Schema of santei's interface (schemas/v1), or list them.
    Schema(cmd_schema::SchemaArgs),
    /// UKE receipt files (レセプト電算処理システム, 医科): read them to JSON lines, write them back, audit them.
    Uke(cmd_uke::UkeArgs),
    /// The library, interface and data versions (which files, which rule files, their dates).
    Version(cmd_version::VersionArgs),
}

/// Output piped into a program that stops reading (`santei … | head`) ends santei quietly, as
/// it does other Unix tools, instead of failing on the next write.
#[cfg(unix)]
fn default_sigpipe() {
    // SAFETY: `signal` with SIG_DFL only changes the process's disposition of SIGPIPE; it is
    // called once, first thing in main, before any other thread exists.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

fn main() {
    #[cfg(unix)]
    default_sigpipe();
    let cli = Cli::parse();
    if let Some(l) = &cli.lang {
        match api::Lang::parse(l) {
            Some(l) => {
                let _ = LANG.set(l);
            }
            None => {
                eprintln!("santei: error: --lang: {l:?} is not one of ja, en");
                std::process::exit(2);
            }
        }
    }
    let result = match &cli.command {
        Command::Batch(a) => cmd_batch::run(a),
        Command::Calc(a) => cmd_calc::run(a),
        Command::Golden(a) => cmd_golden::run(a),
        Command::Master(a) => cmd_master::run(a),
        Command::Serve(a) => cmd_serve::run(a),
        Command::Tier(a) => cmd_tier::run(a),
        Command::Copay(a) => cmd_copay::run(a),
        Command::Schema(a) => cmd_schema::run(a),
        Command::Uke(a) => cmd_uke::run(a),
        Command::Version(a) => cmd_version::run(a),
    };
    match result {
        Ok(code) => std::process::exit(code),
        Err(e) => {
            // A diagnostic of the rule language starts with its own `error:` line.
            let text = api::shorten_lines(&format!("{e:#}"));
            let text = text.trim_start_matches('\n');
            let text = text.strip_prefix("error: ").unwrap_or(text);
            let text = calc::catalog::catalog().translate(text, lang());
            eprintln!("santei: error: {text}");
            std::process::exit(2);
        }
    }
}
