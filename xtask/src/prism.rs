//! `cargo xtask install-prism`: installs Stoplight Prism, the mock server of the contract tests,
//! from the npm registry into `.tools/prism/` (git-ignored).
//!
//! The version is pinned twice: `tools/prism/package.json` names exact versions and
//! `tools/prism/package-lock.json` pins every transitive package, and the install is
//! `npm ci` against that lockfile, so every machine runs the same Prism. Prism 5.14.2 is the
//! newest that runs on Node 20 (5.15 and later require Node 24); its own dependency ranges
//! would pull in the Node-24-only 5.16 server packages, hence the `overrides` in
//! `package.json`. Install scripts are not run (`--ignore-scripts`): Prism needs none.
//!
//! Idempotent and fast when nothing changed: a stamp in `.tools/prism/` records the sha256 of
//! the package files it was installed from.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};

use crate::files::sha256_hex;

/// The committed package files, relative to the workspace root.
pub const PACKAGE_DIR: &str = "tools/prism";
/// Where Prism is installed, relative to the workspace root.
pub const INSTALL_DIR: &str = ".tools/prism";
/// The executable the contract tests run, relative to the workspace root.
pub const PRISM_BIN: &str = ".tools/prism/node_modules/.bin/prism";

const PACKAGE_FILES: [&str; 2] = ["package.json", "package-lock.json"];
const STAMP: &str = ".installed-from";

/// What [`install`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Installed {
    /// The install matched the package files already.
    AlreadyUpToDate,
    /// `npm ci` ran.
    Installed,
}

/// Installs Prism into `<root>/.tools/prism` unless the install there was made from the same
/// package files; prints one line saying which.
pub fn install(root: &Path) -> Result<Installed> {
    let package_dir = root.join(PACKAGE_DIR);
    let install_dir = root.join(INSTALL_DIR);
    let mut fingerprint = String::new();
    let mut contents = Vec::new();
    for file in PACKAGE_FILES {
        let path = package_dir.join(file);
        let bytes = fs::read(&path).with_context(|| format!("cannot read {}", path.display()))?;
        fingerprint.push_str(&format!("{file} {}\n", sha256_hex(&bytes)));
        contents.push((file, bytes));
    }
    let stamp = install_dir.join(STAMP);
    let bin = root.join(PRISM_BIN);
    if bin.exists() && fs::read_to_string(&stamp).ok().as_deref() == Some(fingerprint.as_str()) {
        println!("prism: already installed in {INSTALL_DIR} from {PACKAGE_DIR}");
        return Ok(Installed::AlreadyUpToDate);
    }

    fs::create_dir_all(&install_dir)
        .with_context(|| format!("cannot create {}", install_dir.display()))?;
    // A stale stamp must not survive a failed install.
    let _ = fs::remove_file(&stamp);
    for (file, bytes) in &contents {
        let target = install_dir.join(file);
        fs::write(&target, bytes).with_context(|| format!("cannot write {}", target.display()))?;
    }
    println!("prism: npm ci in {INSTALL_DIR} (from {PACKAGE_DIR}/package-lock.json)");
    let status = npm()
        .args(["ci", "--ignore-scripts", "--no-audit", "--no-fund"])
        .current_dir(&install_dir)
        .status()
        .context("cannot run `npm`: install Node.js (>= 18) and npm")?;
    if !status.success() {
        bail!("`npm ci` in {INSTALL_DIR} failed ({status}); see its output above");
    }
    if !bin.exists() {
        bail!("`npm ci` succeeded but {} is missing", bin.display());
    }
    let output = Command::new(&bin)
        .arg("--version")
        .output()
        .with_context(|| format!("cannot run {}", bin.display()))?;
    let version = String::from_utf8_lossy(&output.stdout).trim().to_owned();
    if !output.status.success() {
        bail!(
            "{} --version failed: {}",
            bin.display(),
            String::from_utf8_lossy(&output.stderr)
        );
    }
    fs::write(&stamp, fingerprint).with_context(|| format!("cannot write {}", stamp.display()))?;
    println!("prism: installed Prism {version} in {INSTALL_DIR}");
    Ok(Installed::Installed)
}

fn npm() -> Command {
    Command::new(std::env::var_os("NPM").map_or_else(|| PathBuf::from("npm"), PathBuf::from))
}
