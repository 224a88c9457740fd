//! What every benchmark of `api/benches` shares: the allocator the `santei` binary ships with
//! (see cli/src/main.rs), so the figures are the binary's, and where the official files are.

use std::path::PathBuf;

/// The allocator the `santei` binary ships with.
#[global_allocator]
static ALLOC: mialloc::Mimalloc = mialloc::Mimalloc;

/// `../shared` beside the checkout, or `$SANTEI_SHARED`.
pub fn shared() -> PathBuf {
    std::env::var_os("SANTEI_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared"))
}
