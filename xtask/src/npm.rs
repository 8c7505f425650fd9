//! Tools from the npm registry, pinned: a committed folder (`tools/<tool>/`) holds
//! `package.json` with exact versions and `package-lock.json` pinning every transitive package,
//! and the install is `npm ci` against that lockfile into a git-ignored folder
//! (`.tools/<tool>/`), so every machine runs the same code. Install scripts are not run
//! (`--ignore-scripts`).
//!
//! Idempotent and fast when nothing changed: a stamp in the install folder records the sha256
//! of the package files it was installed from.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};

use crate::files::sha256_hex;

/// A pinned npm tool.
#[derive(Debug, Clone, Copy)]
pub struct Tool {
    /// How messages name it.
    pub name: &'static str,
    /// The committed package files, relative to the workspace root.
    pub package_dir: &'static str,
    /// Where it is installed, relative to the workspace root.
    pub install_dir: &'static str,
    /// A file the install must produce (its executable), relative to the workspace root.
    pub entry: &'static str,
}

/// What [`install`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Installed {
    /// The install matched the package files already.
    AlreadyUpToDate,
    /// `npm ci` ran.
    Installed,
}

const PACKAGE_FILES: [&str; 2] = ["package.json", "package-lock.json"];
const STAMP: &str = ".installed-from";

/// Installs `tool` unless the install there was made from the same package files; prints one
/// line saying which.
pub fn install(root: &Path, tool: &Tool) -> Result<Installed> {
    let package_dir = root.join(tool.package_dir);
    let install_dir = root.join(tool.install_dir);
    let mut fingerprint = String::new();
    let mut contents = Vec::new();
    for file in PACKAGE_FILES {
        let path = package_dir.join(file);
        let bytes = fs::read(&path).with_context(|| format!("cannot read {}", path.display()))?;
        fingerprint.push_str(&format!("{file} {}\n", sha256_hex(&bytes)));
        contents.push((file, bytes));
    }
    let stamp = install_dir.join(STAMP);
    let entry = root.join(tool.entry);
    let (name, from, to) = (tool.name, tool.package_dir, tool.install_dir);
    if entry.exists() && fs::read_to_string(&stamp).ok().as_deref() == Some(fingerprint.as_str()) {
        println!("{name}: already installed in {to} from {from}");
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
    println!("{name}: npm ci in {to} (from {from}/package-lock.json)");
    let status = npm()
        .args(["ci", "--ignore-scripts", "--no-audit", "--no-fund"])
        .current_dir(&install_dir)
        .status()
        .context("cannot run `npm`: install Node.js (>= 18) and npm")?;
    if !status.success() {
        bail!("`npm ci` in {to} failed ({status}); see its output above");
    }
    if !entry.exists() {
        bail!("`npm ci` succeeded but {} is missing", entry.display());
    }
    fs::write(&stamp, fingerprint).with_context(|| format!("cannot write {}", stamp.display()))?;
    Ok(Installed::Installed)
}

fn npm() -> Command {
    Command::new(std::env::var_os("NPM").map_or_else(|| PathBuf::from("npm"), PathBuf::from))
}
