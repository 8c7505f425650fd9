//! The command line of `cargo xtask`.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// Maintenance tasks for the Magicline client workspace.
#[derive(Debug, Parser)]
#[command(name = "cargo xtask", bin_name = "cargo xtask", version)]
pub struct Xtask {
    /// What to do.
    #[command(subcommand)]
    pub verb: Verb,
}

/// The verbs of `cargo xtask`.
#[derive(Debug, Subcommand)]
pub enum Verb {
    /// Put the specs named in specs/manifest.toml into specs/downloaded/ and say whether they
    /// match the committed crates.
    ///
    /// A replaced spec that a committed crate was generated from is kept beside it with its
    /// version in the name (magicline-openapi-1.5.0.json), for `regenerate` to compare against.
    FetchSpecs(SpecsFrom),
    /// Regenerate the crates in generated/ from the fetched specs (fetching missing ones) and
    /// record the specs' versions and sha256 in specs/manifest.toml.
    ///
    /// For a changed spec, print its API changes against the old one, bump crate_version as they
    /// suggest and add them to the crate's CHANGELOG.md.
    Regenerate(SpecsFrom),
    /// Fail, listing the files, if generated/ or specs/manifest.toml is not what `regenerate`
    /// would produce. Writes nothing.
    Check(SpecsFrom),
    /// Generate a standalone client crate for any OpenAPI 3.0/3.1 document (JSON or YAML).
    Generate(GenerateArgs),
    /// Run every test: fetch specs, cargo test (all targets, then doc tests), clippy, rustdoc,
    /// the corpus; with --quick only the unit, snapshot and tidy tests (no Prism, no nested
    /// builds). Ends with a table of each step's time.
    Test(TestArgs),
    /// List the API changes between two versions of a spec, each breaking or not for a user of
    /// the generated client (exit status 0: none breaking, 1: some breaking, 2: error).
    Diff(crate::diff::DiffArgs),
    /// Measure what BENCHMARKS.md reports: regeneration time, build times of the generated
    /// crates (all features, each tag alone, release) and runtime cost (decoding, per-request
    /// overhead). Prints every figure with the command behind it; takes several minutes.
    Bench(crate::bench::BenchArgs),
    /// Generate a crate for every document of ../shared/corpus/ and ../shared/specs/, build each
    /// with `cargo check` (and clippy with --clippy), and print operations, types, warnings,
    /// generate and check seconds and the result, one row per document.
    Corpus(crate::corpus::CorpusArgs),
    /// Check that the generated types mean what each document says: instances sampled from
    /// every component schema of the Magicline specs and the corpus (json-schema-faker, pinned
    /// in tools/schema-faker/, fixed seeds) must decode with the crate's own `from_json`, land in
    /// the variant their discriminator tag names and encode back to the same JSON; an instance
    /// missing a required property must be a decode error naming it; an unknown tag must keep
    /// its JSON. Prints schemas, instances and failures by class per document; fails on a
    /// failure not listed in xtask/conformance-known-failures.txt and on a listed one that no
    /// longer happens.
    Conformance(crate::conformance::ConformanceArgs),
    /// Install the pinned Stoplight Prism mock server (tools/prism/) into .tools/prism/ with
    /// `npm ci`, unless already installed from the same lockfile.
    InstallPrism,
    /// Install the pinned cargo-semver-checks into a per-user cache folder unless it is there.
    InstallSemverChecks,
    /// Run cargo-semver-checks between each committed crate in generated/ and the crate its
    /// current spec generates (exit status 1 when a change is breaking).
    SemverChecks,
}

/// Where to take specs from when they have to be fetched.
#[derive(Debug, Args)]
pub struct SpecsFrom {
    /// Copy the specs from this folder (e.g. ../shared/specs) instead of downloading them from
    /// the URLs in specs/manifest.toml.
    #[arg(long, value_name = "DIR", env = "MAGICLINE_SPECS_FROM")]
    pub from: Option<PathBuf>,
}

/// Arguments of `cargo xtask test`.
#[derive(Debug, Args)]
pub struct TestArgs {
    /// Only the fast tier for the inner loop: unit, snapshot and tidy tests and the tests that
    /// need no server program and no build of their own; the full suite (what CI runs) is the
    /// default.
    #[arg(long)]
    pub quick: bool,
    /// Where to take specs from.
    #[command(flatten)]
    pub from: SpecsFrom,
}

/// Arguments of `cargo xtask generate`.
#[derive(Debug, Args)]
pub struct GenerateArgs {
    /// The OpenAPI document.
    #[arg(long, value_name = "FILE")]
    pub spec: PathBuf,
    /// Folder for the crate; created when missing.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Cargo package name of the crate.
    #[arg(long, value_name = "NAME")]
    pub crate_name: String,
    /// Version written into the crate's Cargo.toml.
    #[arg(long, value_name = "V", default_value = "0.1.0")]
    pub crate_version: String,
    /// Path from DIR to the runtime crate for the crate's Cargo.toml [default: the relative path
    /// from DIR to this workspace's runtime/].
    #[arg(long, value_name = "P")]
    pub runtime_path: Option<String>,
    /// Fail, writing nothing, when the generator had to express any part of the document
    /// loosely (a generation warning).
    #[arg(long)]
    pub strict: bool,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_is_consistent() {
        Xtask::command().debug_assert();
    }

    #[test]
    fn test_is_full_unless_quick() {
        let full = Xtask::try_parse_from(["xtask", "test", "--from", "specs"]).unwrap();
        let quick = Xtask::try_parse_from(["xtask", "test", "--quick"]).unwrap();
        let (Verb::Test(full), Verb::Test(quick)) = (full.verb, quick.verb) else {
            panic!("not the test verb")
        };
        assert!(!full.quick && full.from.from == Some(PathBuf::from("specs")));
        assert!(quick.quick);
    }

    #[test]
    fn generate_has_defaults() {
        let flags = Xtask::try_parse_from([
            "xtask",
            "generate",
            "--spec",
            "a.yaml",
            "--out",
            "o",
            "--crate-name",
            "a",
        ])
        .unwrap();
        let Verb::Generate(args) = flags.verb else {
            panic!("{flags:?}")
        };
        assert_eq!(
            (args.crate_version.as_str(), args.runtime_path),
            ("0.1.0", None)
        );
    }
}
