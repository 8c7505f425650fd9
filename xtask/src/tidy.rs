//! Tidy checks: small habits of the repository, checked by a test so that they stay true
//! (`tests/tests/tidy.rs` runs [`problems`]; `cargo xtask test` runs that test).
//!
//! - hand-written crates, and the hand-written tests of fixture crates, are `rustfmt`-clean
//!   (the generated ones stay as prettyplease writes them);
//! - neither the generator nor the runtime names an API it happens to be used for
//!   ([`FOREIGN_NAMES`]);
//! - the generator does no I/O: `codegen` uses none of [`IO_MODULES`];
//! - the generator's folders are its pipeline: `model.rs` imports neither `lower/` nor
//!   `render/`, and `lower/` imports nothing from `render/`;
//! - `ARCHITECTURE.md` names every file of the crates its code map describes ([`MAPPED_CRATES`]),
//!   each in its crate's section;
//! - no hand-written function is longer than [`MAX_FUNCTION_LINES`] lines: a function that
//!   long does several jobs.
//!
//! Each rule is a function of text (a source file, the code map) with a unit test that breaks
//! it; [`problems`] applies them to the workspace.

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use crate::manifest::Manifest;

/// Words that must not appear in [`NEUTRAL_SOURCES`]: the generator and the runtime serve any
/// OpenAPI document, and a quirk of one API is handled by a general rule, never by its name.
pub const FOREIGN_NAMES: &[&str] = &["magicline", "sportalliance", "sport alliance"];

/// The source folders that must name no API ([`FOREIGN_NAMES`]).
pub const NEUTRAL_SOURCES: &[&str] = &["codegen/src", "runtime/src"];

/// Modules of the standard library `codegen` must not use: it is a pure function from a spec to
/// files; reading and writing them, and running programs, is `xtask`'s job.
pub const IO_MODULES: &[&str] = &["std::fs", "std::net", "std::process"];

/// The longest a hand-written function may be, in lines from `fn` to its closing brace.
pub const MAX_FUNCTION_LINES: usize = 120;

/// Crates whose every file `ARCHITECTURE.md` must name (by its path under `src/`, in the
/// crate's own section, ``### `<crate>/` ``).
pub const MAPPED_CRATES: &[&str] = &["codegen", "runtime", "specdiff", "xtask"];

/// Every tidy problem of the workspace at `root`, one line each; empty when all is tidy.
pub fn problems(root: &Path) -> Result<Vec<String>> {
    let mut problems = Vec::new();
    problems.extend(unformatted(root)?);
    problems.extend(unformatted_fixture_tests(root)?);
    problems.extend(foreign_names(root)?);
    problems.extend(io_in_codegen(root)?);
    problems.extend(pipeline_imports(root)?);
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
    for folder in NEUTRAL_SOURCES {
        for file in rust_files(&root.join(folder))? {
            for (line, name) in foreign_names_in(&read(&file)?) {
                problems.push(format!(
                    "{}:{line}: names `{name}`; handle the case by a general rule",
                    shown(root, &file)
                ));
            }
        }
    }
    Ok(problems)
}

/// `(line, name)` for every line of `text` naming one of [`FOREIGN_NAMES`], in any case.
pub fn foreign_names_in(text: &str) -> Vec<(usize, &'static str)> {
    let lines = text.lines().enumerate();
    lines
        .filter_map(|(index, line)| {
            let lower = line.to_lowercase();
            let name = FOREIGN_NAMES.iter().find(|name| lower.contains(*name))?;
            Some((index + 1, *name))
        })
        .collect()
}

fn io_in_codegen(root: &Path) -> Result<Vec<String>> {
    let mut problems = Vec::new();
    for file in rust_files(&root.join("codegen/src"))? {
        for (line, path) in io_uses(&read(&file)?) {
            problems.push(format!(
                "{}:{line}: the generator uses `{path}`; it does no I/O (that is xtask's job)",
                shown(root, &file)
            ));
        }
    }
    Ok(problems)
}

/// `(line, path)` for every use of one of [`IO_MODULES`] in the code of `source` (comments and
/// doc examples do not count): imported, in a group too, or written out.
pub fn io_uses(source: &str) -> Vec<(usize, String)> {
    let under = |path: &str, module: &str| {
        let path = path.trim_start_matches("::");
        path == module || path.starts_with(&format!("{module}::"))
    };
    paths_in(source)
        .into_iter()
        .filter(|(_, path)| IO_MODULES.iter().any(|module| under(path, module)))
        .collect()
}

/// The pipeline's direction inside `codegen/src`: the model imports neither step, lowering
/// imports nothing from rendering.
fn pipeline_imports(root: &Path) -> Result<Vec<String>> {
    let src = root.join("codegen/src");
    let mut checked = vec![(src.join("model.rs"), &["lower", "render"][..])];
    for file in rust_files(&src.join("lower"))? {
        checked.push((file, &["render"][..]));
    }
    let mut problems = Vec::new();
    for (file, forbidden) in checked {
        for (line, module) in module_imports(&read(&file)?, forbidden) {
            problems.push(format!(
                "{}:{line}: uses `{module}/`, against the pipeline \
                 (model.rs imports neither step; lower/ never imports render/)",
                shown(root, &file)
            ));
        }
    }
    Ok(problems)
}

/// `(line, module)` for every path in the code of `source` into one of the crate's top-level
/// `modules` (`crate::render::...`, `super::render`, `super::super::render::...`).
pub fn module_imports(source: &str, modules: &[&str]) -> Vec<(usize, String)> {
    let mut found = Vec::new();
    for (line, path) in paths_in(source) {
        let mut segments = path.split("::").peekable();
        let module = match segments.peek() {
            Some(&"crate") => segments.nth(1),
            Some(&"super") => segments.find(|segment| *segment != "super"),
            _ => None,
        };
        if let Some(module) = module.filter(|m| modules.contains(m)) {
            found.push((line, module.to_owned()));
        }
    }
    found
}

/// Every path (`a::b::c`) in the code of `source`, with its line: `use` declarations expanded
/// (`use std::{fs, io::Read};` gives `std::fs` and `std::io::Read`), and paths written out in
/// code. Comments, doc comments with their examples included, are not code.
fn paths_in(source: &str) -> Vec<(usize, String)> {
    let mut paths = Vec::new();
    let mut declaration: Option<(usize, String)> = None;
    for (index, line) in source.lines().enumerate() {
        let code = line.split("//").next().unwrap_or_default().trim();
        let tree = ["use ", "pub use ", "pub(crate) use ", "pub(super) use "]
            .iter()
            .find_map(|start| code.strip_prefix(start));
        match (&mut declaration, tree) {
            (Some((_, text)), _) => text.push_str(code),
            (None, Some(tree)) => declaration = Some((index + 1, tree.to_owned())),
            (None, None) => {
                let written = written_paths(code).into_iter();
                paths.extend(written.map(|path| (index + 1, path)));
            }
        }
        if let Some((start, text)) = declaration.take_if(|(_, text)| text.contains(';')) {
            let tree = text.split(';').next().unwrap_or_default();
            paths.extend(expand_use(tree).into_iter().map(|path| (start, path)));
        }
    }
    paths
}

/// The full paths one `use` tree names: `a::{b, c::{d, self}}` gives `a::b`, `a::c::d` and
/// `a::c`; a rename (`as x`) does not change the path.
fn expand_use(tree: &str) -> Vec<String> {
    let tree: String = tree.split_whitespace().collect::<Vec<_>>().join(" ");
    let Some(open) = tree.find('{') else {
        let path = tree.split(" as ").next().unwrap_or_default().trim();
        return vec![path.trim_end_matches("::self").to_owned()];
    };
    let prefix = tree[..open].trim();
    let inner = tree[open + 1..].trim_end();
    let inner = inner.strip_suffix('}').unwrap_or(inner);
    let (mut items, mut depth, mut start) = (Vec::new(), 0, 0);
    for (index, c) in inner.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                items.push(&inner[start..index]);
                start = index + 1;
            }
            _ => {}
        }
    }
    items.push(&inner[start..]);
    (items.into_iter().map(str::trim))
        .filter(|item| !item.is_empty())
        .flat_map(|item| expand_use(&format!("{prefix}{item}")))
        .collect()
}

/// The paths of two or more segments written out in a line of code (`std::fs::read`); string
/// literals count as code, which errs on the side of a finding.
fn written_paths(code: &str) -> Vec<String> {
    let mut paths = Vec::new();
    let mut current = String::new();
    let mut chars = code.chars().peekable();
    while let Some(c) = chars.next() {
        if c.is_alphanumeric() || c == '_' {
            current.push(c);
            continue;
        }
        if c == ':' && chars.peek() == Some(&':') {
            chars.next();
            current.push_str("::");
            continue;
        }
        if current.contains("::") {
            paths.push(current.trim_start_matches("::").to_owned());
        }
        current.clear();
    }
    if current.contains("::") {
        paths.push(current.trim_start_matches("::").to_owned());
    }
    paths
}

/// Files of the mapped crates that `ARCHITECTURE.md` does not name in their crate's section.
fn unmapped_modules(root: &Path) -> Result<Vec<String>> {
    let architecture = read(&root.join("ARCHITECTURE.md"))?;
    let mut problems = Vec::new();
    for krate in MAPPED_CRATES {
        let src = root.join(krate).join("src");
        let files: Vec<String> = rust_files(&src)?
            .iter()
            .map(|file| {
                let relative = file.strip_prefix(&src).unwrap_or(file);
                relative.to_string_lossy().replace('\\', "/")
            })
            .collect();
        problems.extend(unmapped(&architecture, krate, &files));
    }
    Ok(problems)
}

/// The files of `krate` (paths under its `src/`) that the section `` ### `<krate>/` `` of the
/// code map `architecture` does not name as `` `path` ``. A crate root (`lib.rs`, `main.rs`) is
/// named by its crate's section.
pub fn unmapped(architecture: &str, krate: &str, files: &[String]) -> Vec<String> {
    let heading = format!("### `{krate}/`");
    let Some(start) = architecture.find(&heading) else {
        return vec![format!(
            "ARCHITECTURE.md: no section `{heading}` for the code map of `{krate}/`"
        )];
    };
    let rest = &architecture[start + heading.len()..];
    let section = rest.find("\n### ").map_or(rest, |end| &rest[..end]);
    files
        .iter()
        .filter(|name| !matches!(name.as_str(), "lib.rs" | "main.rs"))
        .filter(|name| !section.contains(&format!("`{name}`")))
        .map(|name| format!("ARCHITECTURE.md: the code map of `{krate}/` does not name `{name}`"))
        .collect()
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
    fn api_names_are_found_in_any_case() {
        let source = "//! Decodes what servers send.\n/// The Magicline quirk.\nconst A: &str = \"SportAlliance\";\n";
        assert_eq!(
            foreign_names_in(source),
            [(2, "magicline"), (3, "sportalliance")]
        );
        assert!(foreign_names_in("/// Any OpenAPI document.\n").is_empty());
    }

    #[test]
    fn io_modules_are_found_imported_grouped_and_written_out_but_not_in_comments() {
        let source = "\
//! let text = std::fs::read_to_string(\"openapi.json\").unwrap();
use std::collections::BTreeMap;
use std::fs;
use std::{
    fmt,
    process::{Command, Stdio},
};
fn f() {
    // std::net in a comment
    let stream = ::std::net::TcpStream::connect(\"a:1\");
}
";
        let found: Vec<(usize, String)> = io_uses(source);
        assert_eq!(
            found,
            [
                (3, "std::fs".to_owned()),
                (4, "std::process::Command".to_owned()),
                (4, "std::process::Stdio".to_owned()),
                (10, "std::net::TcpStream::connect".to_owned()),
            ]
        );
        assert!(io_uses("use std::fmt;\nuse crate::fsm::State;\n").is_empty());
    }

    #[test]
    fn imports_against_the_pipeline_are_found_however_written() {
        let lowering = "\
//! Uses [`render`](crate::render) in a doc comment only.
use super::schemas::TypeSpace;
use crate::model::{RType, TypeDef};
use crate::{model::Api, render::types::Scope};
use super::super::render;
fn f() -> String {
    crate::render::ident(\"x\").to_string()
}
";
        let found = module_imports(lowering, &["render"]);
        let lines: Vec<(usize, &str)> = found.iter().map(|(l, m)| (*l, m.as_str())).collect();
        assert_eq!(lines, [(4, "render"), (5, "render"), (7, "render")]);
        let model = "use crate::lower::schemas;\nuse std::collections::BTreeMap;\n";
        assert_eq!(
            module_imports(model, &["lower", "render"]),
            [(1, "lower".to_owned())]
        );
        assert!(module_imports("use super::*;\nuse crate::names;\n", &["render"]).is_empty());
    }

    #[test]
    fn the_code_map_names_each_file_in_its_crate_s_section() {
        let architecture = "\
### `codegen/`
- `error.rs` - errors.
- `mock/check.rs` - named in the wrong section.
### `runtime/`
- `client.rs` - the client.
";
        let files: Vec<String> = ["lib.rs", "client.rs", "error.rs", "mock/check.rs"]
            .map(String::from)
            .to_vec();
        assert_eq!(
            unmapped(architecture, "runtime", &files),
            [
                "ARCHITECTURE.md: the code map of `runtime/` does not name `error.rs`",
                "ARCHITECTURE.md: the code map of `runtime/` does not name `mock/check.rs`",
            ]
        );
        assert!(unmapped(architecture, "codegen", &files[2..]).is_empty());
        assert_eq!(
            unmapped(architecture, "xtask", &files),
            ["ARCHITECTURE.md: no section `### `xtask/`` for the code map of `xtask/`"]
        );
    }

    #[test]
    fn functions_are_measured_from_fn_to_their_closing_brace() {
        let source = "impl A {\n    pub fn short(&self) -> u8 {\n        1\n    }\n\n    fn declared(&self);\n}\n\nasync fn top<T>() {\n    let x = {\n    };\n}\n";
        assert_eq!(
            function_lengths(source),
            [("short".to_owned(), 2, 3), ("top".to_owned(), 9, 4)]
        );
    }
}
