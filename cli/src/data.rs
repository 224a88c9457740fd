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
    if path.as_os_str() == "-" {
        let mut s = String::new();
        std::io::stdin()
            .read_to_string(&mut s)
            .context("reading standard input")?;
        return Ok(("-".into(), s));
    }
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    Ok((path.display().to_string(), text))
}
