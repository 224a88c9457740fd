//! `santei master` (not yet implemented).

#[derive(clap::Args)]
pub struct MasterArgs {}

pub fn run(_args: &MasterArgs) -> anyhow::Result<i32> {
    anyhow::bail!("santei master is not implemented yet")
}
