//! `santei` — the command-line front end of the santei fee-calculation module.
//!
//! A thin binary: every command parses its arguments, loads data through the library crates
//! and prints JSON (or a table for people). All computation lives in `masters`, `rules` and
//! `calc`; errors are `anyhow` here only.

use clap::{Parser, Subcommand};

/// The allocator: the engine allocates small, short-lived buffers per claim, which mimalloc
/// serves faster than the system allocator (measured: see the README's benchmark table).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
            eprintln!("santei: error: {text}");
            std::process::exit(2);
        }
    }
}
