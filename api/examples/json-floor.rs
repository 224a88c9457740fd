//! The floor of a `santei batch` run: read JSON lines from stdin and write each back to stdout
//! with serde_json, no engine. Measured beside the batch in the same run, it turns the batch's
//! claims/s into a ratio that holds across machines (`scripts/bench`).
//!
//!     cargo run --release -p santei-api --example json-floor < claims.jsonl > /dev/null

use std::io::{BufRead, BufWriter, Write};

fn main() -> std::io::Result<()> {
    let stdin = std::io::stdin().lock();
    let mut out = BufWriter::new(std::io::stdout().lock());
    for line in stdin.lines() {
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        let v: serde_json::Value = serde_json::from_str(&line)?;
        serde_json::to_writer(&mut out, &v)?;
        out.write_all(b"\n")?;
    }
    out.flush()
}
