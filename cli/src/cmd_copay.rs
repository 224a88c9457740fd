//! `santei copay` (not yet implemented).

#[derive(clap::Args)]
pub struct CopayArgs {}

pub fn run(_args: &CopayArgs) -> anyhow::Result<i32> {
    anyhow::bail!("santei copay is not implemented yet")
}
