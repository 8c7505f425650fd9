//! Tidy checks: small habits of the repository, checked by a test so that they stay true
//! (`tests/tests/tidy.rs` runs [`problems`]; `cargo xtask test` runs that test).
//!
//! - hand-written crates, and the hand-written tests of fixture crates, are `rustfmt`-clean
//!   (the generated ones stay as prettyplease writes them);
//! - the generator names no API it happens to be used for ([`FOREIGN_NAMES`]);
//! - `ARCHITECTURE.md` names every module of the crates its code map describes;
//! - no hand-written function is longer than [`MAX_FUNCTION_LINES`] lines: a function that
//!   long does several jobs.

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use crate::manifest::Manifest;

/// Words that must not appear in `codegen/src`: the generator serves any OpenAPI document,
/// and a quirk of one API is handled by a general rule, never by its name.
pub const FOREIGN_NAMES: &[&str] = &["magicline", "sportalliance", "sport alliance"];

/// The longest a hand-written function may be, in lines from `fn` to its closing brace.
pub const MAX_FUNCTION_LINES: usize = 120;

/// Crates whose every module `ARCHITECTURE.md` must name (as `file.rs`).
const MAPPED_CRATES: &[&str] = &["codegen", "specdiff", "xtask"];

/// Every tidy problem of the workspace at `root`, one line each; empty when all is tidy.
pub fn problems(root: &Path) -> Result<Vec<String>> {
    let mut problems = Vec::new();
    problems.extend(unformatted(root)?);
    problems.extend(unformatted_fixture_tests(root)?);
    problems.extend(foreign_names(root)?);
    problems.extend(unmapped_modules(root)?);
    problems.extend(long_functions(root)?);
    Ok(problems)
}

/// The workspace's hand-written packages, by name with their folder: every member of the root
/// `Cargo.toml` but the generated crates.
pub fn hand_written_packages(root: &Path) -> Result<Vec<(String, PathBuf)>> {
    let manifest = Manifest::load(root)?;
    let generated: Vec<PathBuf> = manifest
        .apis()
        .iter()
        .map(|api| api.crate_dir(root))
        .collect();
    let workspace: toml_edit::DocumentMut = read(&root.join("Cargo.toml"))?
        .parse()
        .context("the root Cargo.toml is not valid TOML")?;
    let members = workspace["workspace"]["members"]
        .as_array()
        .context("the root Cargo.toml has no `workspace.members` list")?;
    let mut names = Vec::new();
    for member in members.iter().filter_map(|m| m.as_str()) {
        let dir = root.join(member);
        if generated.contains(&dir) {
            continue;
        }
        let package: toml_edit::DocumentMut = read(&dir.join("Cargo.toml"))?
            .parse()
            .with_context(|| format!("{member}/Cargo.toml is not valid TOML"))?;
        let name = package["package"]["name"].as_str();
        let name = name.with_context(|| format!("{member}/Cargo.toml has no package name"))?;
        names.push((name.to_owned(), dir));
    }
    names.sort();
    Ok(names)
}

/// `cargo fmt --check` on the hand-written packages.
fn unformatted(root: &Path) -> Result<Vec<String>> {
    let mut command = crate::cargo_command(root);
    command.args(["fmt", "--check"]);
    for (package, _) in hand_written_packages(root)? {
        command.args(["-p", &package]);
    }
    let output = command.output().context("cannot run `cargo fmt`")?;
    Ok(unformatted_files(root, &output, "cargo fmt -p <package>"))
}

/// `rustfmt --check` on the hand-written tests of fixture crates (`tests/fixture-tests/`):
/// they belong to no package of the workspace, so `cargo fmt` does not see them.
fn unformatted_fixture_tests(root: &Path) -> Result<Vec<String>> {
    let files = rust_files(&root.join("tests").join("fixture-tests"))?;
    if files.is_empty() {
        return Ok(Vec::new());
    }
    let output = std::process::Command::new("rustfmt")
        .args(["--edition", "2024", "--check"])
        .args(&files)
        .current_dir(root)
        .output()
        .context("cannot run `rustfmt`")?;
    Ok(unformatted_files(
        root,
        &output,
        "rustfmt --edition 2024 <file>",
    ))
}

/// The files a `--check` run of rustfmt (`output`) found unformatted, one problem each, with
/// the command (`fix`) that formats them.
fn unformatted_files(root: &Path, output: &std::process::Output, fix: &str) -> Vec<String> {
    if output.status.success() {
        return Vec::new();
    }
    let diff = String::from_utf8_lossy(&output.stdout);
    let mut files: Vec<String> = diff
        .lines()
        .filter_map(|line| line.strip_prefix("Diff in "))
        .map(|rest| {
            let file = rest.rsplit_once(':').map_or(rest, |(file, _)| file);
            let file = file.trim_end_matches(|c: char| c == ':' || c.is_ascii_digit());
            format!("{}: not rustfmt-clean; run `{fix}`", shown(root, file))
        })
        .collect();
    files.dedup();
    if files.is_empty() {
        files.push(format!(
            "rustfmt --check failed: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        ));
    }
    files
}

fn foreign_names(root: &Path) -> Result<Vec<String>> {
    let mut problems = Vec::new();
    for file in rust_files(&root.join("codegen/src"))? {
        let text = read(&file)?;
        for (number, line) in text.lines().enumerate() {
            let lower = line.to_lowercase();
            if let Some(name) = FOREIGN_NAMES.iter().find(|name| lower.contains(*name)) {
                problems.push(format!(
                    "{}:{}: the generator names `{name}`; handle the case by a general rule",
                    shown(root, &file),
                    number + 1
                ));
            }
        }
    }
    Ok(problems)
}

/// Files of the mapped crates that `ARCHITECTURE.md` does not name, by their path under `src/`
/// (`lower/schemas.rs`; a top-level module by its file name alone). A crate root (`lib.rs`,
/// `main.rs`) is named by its crate's section.
fn unmapped_modules(root: &Path) -> Result<Vec<String>> {
    let architecture = read(&root.join("ARCHITECTURE.md"))?;
    let mut problems = Vec::new();
    for krate in MAPPED_CRATES {
        let src = root.join(krate).join("src");
        for file in rust_files(&src)? {
            let relative = file.strip_prefix(&src).unwrap_or(&file);
            let name = relative.to_string_lossy().replace('\\', "/");
            if matches!(name.as_str(), "lib.rs" | "main.rs") {
                continue;
            }
            if !architecture.contains(&format!("`{name}`")) {
                problems.push(format!(
                    "ARCHITECTURE.md: the code map of `{krate}/` does not name `{name}`"
                ));
            }
        }
    }
    Ok(problems)
}

/// Functions in the hand-written crates' `src/` longer than [`MAX_FUNCTION_LINES`].
fn long_functions(root: &Path) -> Result<Vec<String>> {
    let mut problems = Vec::new();
    for package_dir in [
        "codegen", "runtime", "specdiff", "xtask", "examples", "bench", "tests",
    ] {
        for file in rust_files(&root.join(package_dir).join("src"))? {
            for (name, line, length) in function_lengths(&read(&file)?) {
                if length > MAX_FUNCTION_LINES {
                    problems.push(format!(
                        "{}:{line}: `fn {name}` is {length} lines (at most {MAX_FUNCTION_LINES}); \
                         split it by job",
                        shown(root, &file)
                    ));
                }
            }
        }
    }
    Ok(problems)
}

/// `(name, first line, length in lines)` of every function in rustfmt-formatted `source`: a
/// function starts at a line whose code begins with `fn`, `pub fn`, `async fn` and the like,
/// and ends at the first later line that is `}` at the same indentation.
pub fn function_lengths(source: &str) -> Vec<(String, usize, usize)> {
    let lines: Vec<&str> = source.lines().collect();
    let mut functions = Vec::new();
    for (start, line) in lines.iter().enumerate() {
        let code = line.trim_start();
        let indent = line.len() - code.len();
        let Some(name) = function_name(code) else {
            continue;
        };
        // A declaration without a body (in a trait) reaches a `;` before any `{`.
        let opening = lines[start..]
            .iter()
            .map(|l| l.trim_end())
            .find(|l| l.ends_with('{') || l.ends_with(';'));
        if opening.is_none_or(|l| l.ends_with(';')) {
            continue;
        }
        let closing = " ".repeat(indent) + "}";
        let end = lines[start..].iter().position(|l| l.trim_end() == closing);
        if let Some(offset) = end {
            functions.push((name, start + 1, offset + 1));
        }
    }
    functions
}

fn function_name(code: &str) -> Option<String> {
    let mut words = code.split_whitespace().peekable();
    while let Some(word) = words.next() {
        match word {
            "pub" | "pub(crate)" | "pub(super)" | "async" | "const" | "unsafe" | "extern" => {}
            "fn" => {
                let name = words.next()?;
                let end = name.find(['(', '<']).unwrap_or(name.len());
                return Some(name[..end].to_owned());
            }
            _ => return None,
        }
    }
    None
}

fn rust_files(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    let mut pending = vec![dir.to_owned()];
    while let Some(dir) = pending.pop() {
        let entries = match fs::read_dir(&dir) {
            Ok(entries) => entries,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => continue,
            Err(error) => {
                return Err(error).with_context(|| format!("cannot list {}", dir.display()));
            }
        };
        for entry in entries {
            let path = entry?.path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                files.push(path);
            }
        }
    }
    files.sort();
    Ok(files)
}

fn read(path: &Path) -> Result<String> {
    fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))
}

fn shown(root: &Path, file: impl AsRef<Path>) -> String {
    crate::files::display_path(root, file.as_ref())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn functions_are_measured_from_fn_to_their_closing_brace() {
        let source = "impl A {\n    pub fn short(&self) -> u8 {\n        1\n    }\n\n    fn declared(&self);\n}\n\nasync fn top<T>() {\n    let x = {\n    };\n}\n";
        assert_eq!(
            function_lengths(source),
            [("short".to_owned(), 2, 3), ("top".to_owned(), 9, 4)]
        );
    }
}
