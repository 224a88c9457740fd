//! `santei version [--master DIR]...`: the library, interface and data versions (the report
//! `santei_version` gives through the C ABI, without `abi`).

use crate::data::{engine, DataArgs};

#[derive(clap::Args)]
pub struct VersionArgs {
    #[command(flatten)]
    data: DataArgs,
}

pub fn run(args: &VersionArgs) -> anyhow::Result<i32> {
    let engine = engine(&args.data)?;
    match api::version(&engine, None) {
        Ok(s) => {
            println!("{s}");
            Ok(0)
        }
        Err(e) => anyhow::bail!("{e}"),
    }
}
