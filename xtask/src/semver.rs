//! `cargo xtask semver-checks`: what `cargo-semver-checks`, the Rust ecosystem's tool for the
//! question, says of the change between a committed generated crate and the crate the current
//! spec generates, next to what the project's own report (`specdiff`) says.
//!
//! `cargo-semver-checks` is installed from crates.io at the pinned [`VERSION`] with `--locked`,
//! like Prism is pinned in `tools/prism`. It takes many minutes to build, so it goes to a
//! per-user cache folder named after the version ([`install_dir`]), outside the checkout: every
//! clone on the machine shares one build, and a new version gets a folder of its own.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};

use crate::files::display_path;
use crate::manifest::Manifest;

/// The pinned version of `cargo-semver-checks`.
pub const VERSION: &str = "0.51.0";
/// Where [`VERSION`] is installed: `$OPENAPI_TOOLS_CACHE`, else `$XDG_CACHE_HOME` or
/// `~/.cache`, then `openapi-client-tools/cargo-semver-checks-<version>`; `<root>/.tools/` when
/// no home folder is known.
pub fn install_dir(root: &Path) -> PathBuf {
    let var = |name: &str| {
        std::env::var_os(name)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    let cache = var("OPENAPI_TOOLS_CACHE")
        .or_else(|| var("XDG_CACHE_HOME").map(|dir| dir.join("openapi-client-tools")))
        .or_else(|| var("HOME").map(|home| home.join(".cache/openapi-client-tools")))
        .unwrap_or_else(|| root.join(".tools"));
    cache.join(format!("cargo-semver-checks-{VERSION}"))
}

/// The executable of [`VERSION`] (see [`install_dir`]).
pub fn bin(root: &Path) -> PathBuf {
    install_dir(root).join("bin/cargo-semver-checks")
}

/// Installs `cargo-semver-checks` [`VERSION`] into [`install_dir`], unless it is there
/// already; returns the executable.
pub fn install(root: &Path) -> Result<PathBuf> {
    let bin = bin(root);
    let install_dir = install_dir(root);
    let shown = install_dir.display();
    if installed_version(&bin).as_deref() == Some(VERSION) {
        println!("cargo-semver-checks: {VERSION} already installed in {shown}");
        return Ok(bin);
    }
    println!(
        "cargo-semver-checks: installing {VERSION} from crates.io into {shown} (takes minutes)"
    );
    let status = crate::cargo_command(root)
        .args(["install", "cargo-semver-checks", "--locked", "--version"])
        .arg(format!("={VERSION}"))
        .arg("--root")
        .arg(&install_dir)
        .status()
        .context("cannot run `cargo install`")?;
    if !status.success() {
        bail!("`cargo install cargo-semver-checks` failed ({status}); see its output above");
    }
    match installed_version(&bin) {
        Some(version) if version == VERSION => Ok(bin),
        other => bail!(
            "{} reports version {other:?} after installing {VERSION}",
            bin.display()
        ),
    }
}

/// `cargo-semver-checks 0.51.0` -> `0.51.0`.
fn installed_version(bin: &Path) -> Option<String> {
    let output = Command::new(bin).arg("--version").output().ok()?;
    let text = String::from_utf8(output.stdout).ok()?;
    Some(text.split_whitespace().nth(1)?.to_owned())
}

/// What `cargo-semver-checks` found between two versions of a crate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    /// The lints that failed, e.g. `struct_pub_field_missing`, each with its report lines.
    pub failures: Vec<Failure>,
    /// The tool's whole output, for people.
    pub output: String,
}

/// One failed lint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// The lint's id.
    pub lint: String,
    /// Its lines naming the items found (`field address of struct LeadCustomerData, ...`).
    pub items: Vec<String>,
}

impl Verdict {
    /// Whether the tool calls the change breaking (a major or, below 1.0, minor bump).
    pub fn is_breaking(&self) -> bool {
        !self.failures.is_empty()
    }
}

/// Runs `cargo-semver-checks` on the crate at `new` against the same crate at `old` (both
/// folders holding a `Cargo.toml`), building in `target_dir`.
pub fn check(bin: &Path, old: &Path, new: &Path, target_dir: &Path) -> Result<Verdict> {
    let output = Command::new(bin)
        .args(["semver-checks", "--color", "never", "--baseline-root"])
        .arg(old)
        .arg("--manifest-path")
        .arg(new.join("Cargo.toml"))
        .env("CARGO_TARGET_DIR", target_dir)
        .output()
        .with_context(|| format!("cannot run {}", bin.display()))?;
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    let failures = failures(&text);
    // Exit status 1 with failures is the tool's "breaking" answer; anything else unexpected
    // (it could not build a crate, say) is an error, not a verdict.
    if !output.status.success() && failures.is_empty() {
        bail!("cargo-semver-checks failed without a verdict:\n{text}");
    }
    Ok(Verdict {
        failures,
        output: text,
    })
}

/// Reads `--- failure <lint>: <summary> ---` sections and, after each `Failed in:`, the lines
/// naming an item (`field address of struct LeadCustomerData, previously in file x.rs:9`).
fn failures(text: &str) -> Vec<Failure> {
    let mut failures: Vec<Failure> = Vec::new();
    let mut in_items = false;
    for line in text.lines() {
        let trimmed = line.trim();
        if let Some(rest) = trimmed.strip_prefix("--- failure ") {
            let lint = rest.split(':').next().unwrap_or_default().trim().to_owned();
            failures.push(Failure {
                lint,
                items: Vec::new(),
            });
            in_items = false;
        } else if trimmed == "Failed in:" {
            in_items = true;
        } else if trimmed.is_empty() || !trimmed.contains(" in file ") {
            // The summary lines that follow (`Checked [ 1.6s] ...`) name no item.
            in_items = false;
        } else if in_items && let Some(failure) = failures.last_mut() {
            failure.items.push(trimmed.to_owned());
        }
    }
    failures
}

/// `cargo xtask semver-checks`: for each crate of the manifest, generates the crate from the
/// current spec into `target/semver-checks/new/<crate>` and compares it with the committed
/// one, printing what `cargo-semver-checks` says. Returns whether any crate has a breaking
/// change.
pub fn run(root: &Path) -> Result<bool> {
    let bin = install(root)?;
    let manifest = Manifest::load(root)?;
    let work = root.join("target/semver-checks");
    let mut breaking = false;
    for api in manifest.apis() {
        let spec = api.downloaded_path(root);
        if !spec.is_file() {
            bail!(
                "{} is missing; run `cargo xtask fetch-specs` first",
                display_path(root, &spec)
            );
        }
        let new_dir = work.join("new").join(&api.crate_name);
        crate::generation::generate_standalone(
            root,
            &crate::generation::StandaloneCrate {
                spec: spec.clone(),
                out: new_dir.clone(),
                crate_name: api.crate_name.clone(),
                crate_version: api.crate_version.clone(),
                runtime_path: None,
                strict: true,
            },
        )?;
        let verdict = check(&bin, &api.crate_dir(root), &new_dir, &work.join("target"))?;
        if verdict.is_breaking() {
            breaking = true;
            println!(
                "{}: cargo-semver-checks finds breaking changes:\n{}",
                api.crate_name, verdict.output
            );
        } else {
            println!(
                "{}: cargo-semver-checks finds no breaking change",
                api.crate_name
            );
        }
    }
    Ok(breaking)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failures_and_their_items_are_read_from_the_report() {
        let text = "     Checking magicline v0.1.0 -> v0.1.0 (no change)\n\
            --- failure struct_pub_field_missing: pub struct's pub field removed or renamed ---\n\
            \n\
            Description:\n\
            A publicly-visible struct has at least one public field that is no longer available.\n\
            \n\
            Failed in:\n\
            \x20 field address of struct LeadCustomerData, previously in file /x/models.rs:1\n\
            \n\
            --- failure enum_variant_missing: pub enum variant removed or renamed ---\n\
            \n\
            Failed in:\n\
            \x20 variant Gender::Other, previously in file /x/models.rs:9\n\
            \x20    Checked [   1.621s] 202 checks: 197 pass, 5 fail, 0 warn, 58 skip\n";
        let failures = failures(text);
        assert_eq!(failures.len(), 2);
        assert_eq!(failures[0].lint, "struct_pub_field_missing");
        assert_eq!(
            failures[0].items,
            ["field address of struct LeadCustomerData, previously in file /x/models.rs:1"]
        );
        assert_eq!(failures[1].lint, "enum_variant_missing");
    }
}
