//! `cargo xtask diff OLD NEW`: the API changes between two versions of a spec, judged for a
//! user of the generated client, as Markdown (for a pull request) or JSON (for tools).
//!
//! The comparison is the pure `specdiff` crate; this module only reads the two files, prints
//! the report and turns the outcome into an exit code.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use clap::{Args, ValueEnum};

/// Exit status when nothing breaking was found.
pub const EXIT_COMPATIBLE: u8 = 0;
/// Exit status when at least one breaking change was found.
pub const EXIT_BREAKING: u8 = 1;
/// Exit status when a spec could not be read or parsed.
pub const EXIT_ERROR: u8 = 2;

/// Arguments of `cargo xtask diff`.
#[derive(Debug, Args)]
#[command(after_help = "\
Exit status:
  0  no breaking changes (there may be compatible ones)
  1  breaking changes found
  2  a spec could not be read or parsed (the error names the file and the place in it)

Example, for a pull-request description:
  cargo xtask diff ../shared/specs/magicline-openapi-1.5.0.json \\
                   ../shared/specs/magicline-openapi-1.11.1.json > api-changes.md")]
pub struct DiffArgs {
    /// The spec before the change (OpenAPI 3.0/3.1, JSON or YAML).
    #[arg(value_name = "OLD")]
    pub old: PathBuf,
    /// The spec after the change.
    #[arg(value_name = "NEW")]
    pub new: PathBuf,
    /// How to print the report.
    #[arg(long, value_enum, default_value_t = Format::Markdown)]
    pub format: Format,
    /// Name OLD's types as the manifest's `[api.names]` of this api says (`openapi`).
    #[arg(long, value_name = "API")]
    pub old_names: Option<String>,
    /// Name NEW's types as the manifest's `[api.names]` of this api says: after a change of the
    /// name settings, `diff SPEC SPEC --new-names API` lists the renames.
    #[arg(long, value_name = "API")]
    pub new_names: Option<String>,
}

/// How `cargo xtask diff` prints its report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// A summary for a pull-request description: counts, then breaking and non-breaking changes.
    Markdown,
    /// The whole report as JSON, with stable field names (see `specdiff::Report::to_json`).
    Json,
}

/// Compares the two specs and renders the report, with `true` when something is breaking.
pub fn diff(args: &DiffArgs) -> Result<(String, bool)> {
    let old = read_spec(&args.old)?;
    let new = read_spec(&args.new)?;
    let old_names = name_settings(args.old_names.as_deref())?;
    let new_names = name_settings(args.new_names.as_deref())?;
    let report = specdiff::diff_named(
        (&old, &old_names),
        (&new, &new_names),
        codegen::Surface::Client,
    )
    .context("cannot lower the specs into the generator's model")?;
    let text = match args.format {
        Format::Markdown => report.to_markdown(),
        // `{:#}` is serde_json's pretty printing.
        Format::Json => format!("{:#}\n", report.to_json()),
    };
    Ok((text, report.has_breaking()))
}

/// Runs the verb: prints the report to stdout (errors to stderr) and returns the exit status
/// the process must end with ([`EXIT_COMPATIBLE`], [`EXIT_BREAKING`] or [`EXIT_ERROR`]).
///
/// The status carries the result, and `main` maps every error to status 1, so the caller
/// exits with this status itself instead of returning an error.
pub fn run(args: &DiffArgs) -> u8 {
    match diff(args) {
        Ok((text, breaking)) => {
            let mut stdout = std::io::stdout().lock();
            if let Err(error) = stdout
                .write_all(text.as_bytes())
                .and_then(|()| stdout.flush())
            {
                eprintln!("error: cannot write the report: {error}");
                return EXIT_ERROR;
            }
            if breaking {
                EXIT_BREAKING
            } else {
                EXIT_COMPATIBLE
            }
        }
        Err(error) => {
            eprintln!("error: {error}");
            for cause in error.chain().skip(1) {
                eprintln!("  caused by: {cause}");
            }
            EXIT_ERROR
        }
    }
}

/// The name settings of the manifest's api `api`; none without one.
fn name_settings(api: Option<&str>) -> Result<codegen::NameSettings> {
    let Some(api) = api else {
        return Ok(codegen::NameSettings::default());
    };
    let manifest = crate::manifest::Manifest::load(&crate::project_root())?;
    let found = manifest.apis().iter().find(|entry| entry.name == api);
    Ok(found
        .with_context(|| format!("the manifest has no api `{api}`"))?
        .names
        .clone())
}

/// Reads and parses one spec with the generator's own parser, so the error is the one
/// `cargo xtask generate` would give, with the file name in front.
fn read_spec(path: &Path) -> Result<codegen::Spec> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    codegen::Spec::parse(&text)
        .with_context(|| format!("{} is not a usable OpenAPI document", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(case: &str, side: &str) -> PathBuf {
        let xtask_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
        let root = xtask_dir.parent().unwrap_or(xtask_dir);
        root.join("specdiff/tests/fixtures")
            .join(case)
            .join(format!("{side}.yaml"))
    }

    #[test]
    fn breaking_changes_are_reported_and_flagged() {
        let args = DiffArgs {
            old: fixture("operations", "old"),
            new: fixture("operations", "new"),
            format: Format::Markdown,
            old_names: None,
            new_names: None,
        };
        let (text, breaking) = diff(&args).unwrap();
        assert!(breaking);
        assert!(
            text.starts_with("## API changes: Pets 1.0.0 → 1.1.0"),
            "{text}"
        );
    }

    #[test]
    fn compatible_changes_are_not_flagged() {
        let args = DiffArgs {
            old: fixture("refs", "old"),
            new: fixture("refs", "new"),
            format: Format::Json,
            old_names: None,
            new_names: None,
        };
        let (text, breaking) = diff(&args).unwrap();
        assert!(!breaking);
        assert!(text.starts_with("{\n  \"old\": {"), "{text}");
        assert!(text.contains("\n  \"has_breaking\": false,\n"), "{text}");
    }

    #[test]
    fn an_unreadable_or_invalid_spec_names_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let invalid = dir.path().join("invalid.yaml");
        std::fs::write(
            &invalid,
            "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {/a: {get: {responses: 5}}}\n",
        )
        .unwrap();
        let args = DiffArgs {
            old: fixture("refs", "old"),
            new: invalid.clone(),
            format: Format::Markdown,
            old_names: None,
            new_names: None,
        };
        let error = format!("{:#}", diff(&args).unwrap_err());
        assert!(
            error.starts_with(&format!(
                "{} is not a usable OpenAPI document: #/paths/~1a/get/responses: ",
                invalid.display()
            )),
            "{error}"
        );

        let missing = dir.path().join("missing.json");
        let args = DiffArgs {
            old: missing.clone(),
            new: fixture("refs", "new"),
            format: Format::Markdown,
            old_names: None,
            new_names: None,
        };
        let error = diff(&args).unwrap_err().to_string();
        assert_eq!(error, format!("cannot read {}", missing.display()));
    }
}
