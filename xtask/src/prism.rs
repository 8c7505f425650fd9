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
//! The install itself is `npm::install` (idempotent: a no-op when installed from the same
//! lockfile), shared with the conformance gate's sampler.

use std::path::Path;
use std::process::Command;

use anyhow::{Context, Result, bail};

pub use crate::npm::Installed;

/// The committed package files, relative to the workspace root.
pub const PACKAGE_DIR: &str = "tools/prism";
/// Where Prism is installed, relative to the workspace root.
pub const INSTALL_DIR: &str = ".tools/prism";
/// The executable the contract tests run, relative to the workspace root.
pub const PRISM_BIN: &str = ".tools/prism/node_modules/.bin/prism";

/// Prism as a pinned npm tool.
pub const TOOL: crate::npm::Tool = crate::npm::Tool {
    name: "prism",
    package_dir: PACKAGE_DIR,
    install_dir: INSTALL_DIR,
    entry: PRISM_BIN,
};

/// Installs Prism into `<root>/.tools/prism` unless the install there was made from the same
/// package files; prints one line saying which, and after an install Prism's version.
pub fn install(root: &Path) -> Result<Installed> {
    let installed = crate::npm::install(root, &TOOL)?;
    if installed == Installed::Installed {
        let bin = root.join(PRISM_BIN);
        let output = Command::new(&bin)
            .arg("--version")
            .output()
            .with_context(|| format!("cannot run {}", bin.display()))?;
        if !output.status.success() {
            bail!(
                "{} --version failed: {}",
                bin.display(),
                String::from_utf8_lossy(&output.stderr)
            );
        }
        let version = String::from_utf8_lossy(&output.stdout).trim().to_owned();
        println!("prism: installed Prism {version} in {INSTALL_DIR}");
    }
    Ok(installed)
}
