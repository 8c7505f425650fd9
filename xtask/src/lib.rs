//! Maintenance verbs for this workspace, run as `cargo xtask <verb>` (see `cargo xtask --help`).
//!
//! xtask is the only part of the project that touches the file system or the network: it
//! fetches the specs, feeds them to the pure `codegen` crate and writes (or, for `check`,
//! compares) the generated crates. Every generated file goes through
//! [`files::ensure_file_contents`], so writing and checking cannot disagree.

use std::path::{Path, PathBuf};

use anyhow::Result;

pub mod fetch;
pub mod files;
pub mod flags;
pub mod generation;
pub mod manifest;
pub mod test_suite;

pub use generation::check;

/// The workspace root (the folder holding the top-level `Cargo.toml`).
pub fn project_root() -> PathBuf {
    let xtask_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    xtask_dir.parent().unwrap_or(xtask_dir).to_owned()
}

/// Runs one verb in the workspace at `root`.
pub fn run(root: &Path, flags: flags::Xtask) -> Result<()> {
    use fetch::{Refresh, SpecSource};
    use flags::Verb;

    match flags.verb {
        Verb::FetchSpecs(from) => {
            let manifest = manifest::Manifest::load(root)?;
            fetch::fetch_specs(
                root,
                &manifest,
                &SpecSource::new(from.from),
                Refresh::Always,
            )
            .map(drop)
        }
        Verb::Regenerate(from) => generation::regenerate(root, &SpecSource::new(from.from)),
        Verb::Check(from) => generation::check_command(root, &SpecSource::new(from.from)),
        Verb::Generate(args) => generation::generate_standalone(
            root,
            &generation::StandaloneCrate {
                spec: args.spec,
                out: args.out,
                crate_name: args.crate_name,
                crate_version: args.crate_version,
                runtime_path: args.runtime_path,
            },
        ),
        Verb::Test(from) => test_suite::run(root, &SpecSource::new(from.from)),
    }
}
