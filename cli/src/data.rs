//! Loading the data a command runs on: the embedded pack, or official files from `--master`
//! directories (with santei's unverified 2026 entries laid over them where the official files
//! do not reach).

use anyhow::Context;
use calc::Engine;
use masters::Dataset;
use std::path::PathBuf;

/// `--master DIR` (repeatable) shared by the commands.
#[derive(clap::Args, Clone, Debug, Default)]
pub struct DataArgs {
    /// Directory of official files (s_ALL…, s_YYYYMMDD…, 電子点数表 tables, y_ALL…, t_ALL…).
    /// Repeat for several directories. Without it, santei uses its embedded data.
    #[arg(long = "master", value_name = "DIR")]
    pub master: Vec<PathBuf>,
}

/// Load the data set the arguments name.
pub fn load(args: &DataArgs) -> anyhow::Result<Dataset> {
    if args.master.is_empty() {
        return masters::pack::embedded().context("loading santei's embedded data");
    }
    let (ds, _notes) =
        masters::pack::load_official_dirs(&args.master).context("loading the official files")?;
    // What looked wrong in data that loaded (also in `santei version`, `data.warnings`).
    for w in &ds.warnings {
        eprintln!("santei: warning: {}: {}", w.file, w.message);
    }
    Ok(ds)
}

/// The engine on the data the arguments name.
pub fn engine(args: &DataArgs) -> anyhow::Result<Engine> {
    Engine::with_data(load(args)?).context("loading santei's rule files")
}

/// Read an input file ("-" for standard input).
pub fn read_input(path: &std::path::Path) -> anyhow::Result<(String, String)> {
    use std::io::Read;
    let (name, bytes) = if path.as_os_str() == "-" {
        let mut b = Vec::new();
        std::io::stdin()
            .read_to_end(&mut b)
            .context("reading standard input")?;
        ("-".to_string(), b)
    } else {
        let b = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
        (path.display().to_string(), b)
    };
    let text = utf8(&name, bytes)?;
    Ok((name, text))
}

/// The bytes as UTF-8, or an error naming the first invalid byte's position (line, column and
/// byte offset) and its value.
pub fn utf8(name: &str, bytes: Vec<u8>) -> anyhow::Result<String> {
    match String::from_utf8(bytes) {
        Ok(s) => Ok(s),
        Err(e) => {
            let bytes = e.as_bytes();
            let at = e.utf8_error().valid_up_to();
            let before = &bytes[..at];
            let line = before.iter().filter(|b| **b == b'\n').count() + 1;
            let line_start = before
                .iter()
                .rposition(|b| *b == b'\n')
                .map_or(0, |i| i + 1);
            let column = at - line_start + 1;
            anyhow::bail!(
                "{name}: not UTF-8: byte 0x{:02X} at line {line}, column {column} (byte offset {at}); save the file as UTF-8",
                bytes[at]
            )
        }
    }
}
