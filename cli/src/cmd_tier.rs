//! `santei tier` (not yet implemented).

#[derive(clap::Args)]
pub struct TierArgs {}

pub fn run(_args: &TierArgs) -> anyhow::Result<i32> {
    anyhow::bail!("santei tier is not implemented yet")
}
