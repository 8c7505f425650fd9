//! Maintenance verbs for this workspace, run as `cargo xtask <verb>` (see `cargo xtask --help`).
//!
//! xtask is the only part of the project that touches the file system or the network: it
//! fetches the specs, feeds them to the pure `codegen` crate and writes (or, for `check`,
//! compares) the generated crates. Every generated file goes through
//! [`files::ensure_file_contents`], so writing and checking cannot disagree.

use std::path::{Path, PathBuf};

use anyhow::Result;

pub mod bench;
pub mod conformance;
pub mod corpus;
pub mod diff;
pub mod fetch;
pub mod files;
pub mod flags;
pub mod generation;
pub mod manifest;
pub mod npm;
pub mod prism;
pub mod semver;
pub mod spec_update;
pub mod test_suite;
pub mod tidy;

pub use generation::check;

/// The workspace root: the nearest folder holding `specs/manifest.toml` above the package that
/// cargo is running (`CARGO_MANIFEST_DIR` at run time), else the parent of xtask's own folder.
///
/// Looking at run time first matters when a target folder is shared between two checkouts:
/// cargo may then reuse a binary built in the other checkout, with its path compiled in.
pub fn project_root() -> PathBuf {
    let compiled_in = Path::new(env!("CARGO_MANIFEST_DIR"));
    let running = std::env::var_os("CARGO_MANIFEST_DIR").map(PathBuf::from);
    running
        .iter()
        .flat_map(|dir| dir.ancestors())
        .find(|dir| dir.join(manifest::MANIFEST_PATH).is_file())
        .map(Path::to_owned)
        .unwrap_or_else(|| compiled_in.parent().unwrap_or(compiled_in).to_owned())
}

/// `cargo` (the one running xtask, when there is one) with `root` as working directory.
pub fn cargo_command(root: &Path) -> std::process::Command {
    let mut command =
        std::process::Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    command.current_dir(root);
    command
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
                strict: args.strict,
            },
        ),
        Verb::Test(args) => {
            let tier = if args.quick {
                test_suite::Tier::Quick
            } else {
                test_suite::Tier::Full
            };
            test_suite::run(root, &SpecSource::new(args.from.from), tier)
        }
        // The exit status is the verb's answer (see `diff::run`), so it ends the process.
        Verb::Diff(args) => std::process::exit(diff::run(&args).into()),
        Verb::Bench(args) => bench::run(root, &args),
        Verb::Corpus(args) => corpus::run(root, &args),
        Verb::Conformance(args) => conformance::run(root, &args),
        Verb::InstallPrism => prism::install(root).map(drop),
        Verb::InstallSemverChecks => semver::install(root).map(drop),
        Verb::SemverChecks => {
            if semver::run(root)? {
                std::process::exit(1);
            }
            Ok(())
        }
    }
}
