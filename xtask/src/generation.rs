//! `cargo xtask regenerate`, `check` and `generate`: running `codegen` over a spec and putting
//! (or comparing) its files on disk.
//!
//! Generation happens in memory first, for every crate; files are written only when all of it
//! succeeded, so a spec the generator rejects leaves the tree exactly as it was.

use std::collections::HashSet;
use std::fs;
use std::path::{Component, Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

use crate::fetch::{Refresh, SpecSource, ensure_specs, read_downloaded, take_from_folder};
use crate::files::{Mode, Outcome, display_path, ensure_file_contents, sha256_hex};
use crate::manifest::{Api, DOWNLOAD_DIR, MANIFEST_PATH, Manifest};
use crate::spec_update::{CHANGELOG, SpecUpdate, changelog_with_entry};

/// The package name of this workspace's `runtime/`, which every generated crate depends on.
pub const RUNTIME_PACKAGE: &str = "openapi-client-runtime";

/// The path from a crate in `generated/` to `runtime/`.
const GENERATED_RUNTIME_PATH: &str = "../../runtime";

/// This workspace's runtime, found at `path` from the generated crate.
pub fn workspace_runtime(path: impl Into<String>) -> codegen::Runtime {
    codegen::Runtime::path(RUNTIME_PACKAGE, path)
}

/// The command that brings generated code up to date.
pub const FIX_COMMAND: &str = "cargo xtask regenerate";

/// A spec turned into a crate, in memory.
#[derive(Debug, Clone)]
pub struct GeneratedCrate {
    /// `info.title` of the spec.
    pub title: String,
    /// `info.version` of the spec; for a spec that declares none, `unversioned-` and the first
    /// 12 hex digits of its sha256, so that two such specs get different versions (and kept
    /// copies different file names).
    pub spec_version: String,
    /// sha256 of the spec text.
    pub sha256: String,
    /// What the generator produced.
    pub output: codegen::Output,
    /// Time spent reading, parsing and generating.
    pub elapsed: Duration,
}

/// Parses and generates one spec; `settings.spec_sha256` is filled in here.
pub fn generate_crate(text: &str, mut settings: codegen::Settings) -> Result<GeneratedCrate> {
    let start = Instant::now();
    let sha256 = sha256_hex(text.as_bytes());
    settings.spec_sha256.clone_from(&sha256);
    let spec = codegen::Spec::parse(text)?;
    let output = codegen::generate(&spec, &settings)?;
    let info = &spec.openapi().info;
    Ok(GeneratedCrate {
        title: info.title.clone(),
        spec_version: recorded_version(&spec, &sha256),
        sha256,
        output,
        elapsed: start.elapsed(),
    })
}

/// The version the manifest records for `spec` (sha256 `sha256`): its `info.version`, or for a
/// spec that declares none `unversioned-` and the first 12 hex digits of its sha256.
pub fn recorded_version(spec: &codegen::Spec, sha256: &str) -> String {
    match spec.declared_version() {
        Some(version) => version.to_owned(),
        None => format!(
            "{}-{}",
            codegen::MISSING_INFO_VERSION,
            sha256.get(..12).unwrap_or(sha256)
        ),
    }
}

fn generate_api(root: &Path, api: &Api, text: &str) -> Result<GeneratedCrate> {
    let start = Instant::now();
    let settings = codegen::Settings {
        spec_source: api.url.clone(),
        surface: api.surface,
        names: api.names.clone(),
        ..codegen::Settings::new(
            &api.crate_name,
            &api.crate_version,
            workspace_runtime(GENERATED_RUNTIME_PATH),
        )
    };
    let mut generated = generate_crate(text, settings).with_context(|| {
        format!(
            "cannot generate `{}` from {}; nothing was written",
            api.crate_name,
            display_path(root, &api.downloaded_path(root))
        )
    })?;
    generated.elapsed = start.elapsed();
    print_warnings(&api.crate_name, &generated.output.warnings);
    Ok(generated)
}

/// A file that [`apply`] wrote or removed, or in [`Mode::Check`] would have.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// A generated file that was missing or different.
    Updated(PathBuf),
    /// A file under `src/` that the generator no longer produces.
    Removed(PathBuf),
}

impl Change {
    /// The file concerned.
    pub fn path(&self) -> &Path {
        match self {
            Change::Updated(path) | Change::Removed(path) => path,
        }
    }
}

/// Puts `output` into `crate_dir` (or in [`Mode::Check`] compares it): writes each generated
/// file whose contents differ and removes files under `src/` that the generator no longer
/// produces. Files outside `src/` that the generator does not own (examples, changelog, tests)
/// are never touched.
pub fn apply(crate_dir: &Path, output: &codegen::Output, mode: Mode) -> Result<Vec<Change>> {
    let mut targets = Vec::with_capacity(output.files.len());
    for file in &output.files {
        targets.push((
            crate_dir.join(checked_relative_path(&file.path)?),
            &file.contents,
        ));
    }
    let mut changes = Vec::new();
    for (path, contents) in &targets {
        match ensure_file_contents(path, contents, mode)? {
            Outcome::Unchanged => {}
            Outcome::Written | Outcome::Stale => changes.push(Change::Updated(path.clone())),
        }
    }

    let generated: HashSet<&Path> = targets.iter().map(|(path, _)| path.as_path()).collect();
    let src = crate_dir.join("src");
    let mut present = Vec::new();
    list_files(&src, &mut present)?;
    present.sort();
    for path in present
        .into_iter()
        .filter(|path| !generated.contains(path.as_path()))
    {
        if mode == Mode::Write {
            fs::remove_file(&path).with_context(|| format!("cannot remove {}", path.display()))?;
        }
        changes.push(Change::Removed(path));
    }
    if mode == Mode::Write {
        remove_empty_folders(&src)?;
    }
    Ok(changes)
}

/// A generated path (`src/models.rs`) as a relative path that cannot leave the crate folder.
fn checked_relative_path(path: &str) -> Result<PathBuf> {
    let parts: Vec<&str> = path.split('/').collect();
    let plain = |part: &&str| {
        !part.is_empty() && *part != "." && *part != ".." && !part.contains(['\\', ':'])
    };
    if !parts.iter().all(plain) {
        bail!(
            "the generator produced the file path {path:?}, which is not a plain relative path; this is a codegen bug"
        );
    }
    Ok(parts.iter().collect())
}

fn list_files(dir: &Path, files: &mut Vec<PathBuf>) -> Result<()> {
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(error) => return Err(error).with_context(|| format!("cannot list {}", dir.display())),
    };
    for entry in entries {
        let entry = entry.with_context(|| format!("cannot list {}", dir.display()))?;
        if entry.file_type()?.is_dir() {
            list_files(&entry.path(), files)?;
        } else {
            files.push(entry.path());
        }
    }
    Ok(())
}

/// Removes the empty folders below `dir` (not `dir` itself). Returns whether `dir` is empty.
fn remove_empty_folders(dir: &Path) -> Result<bool> {
    let Ok(entries) = fs::read_dir(dir) else {
        return Ok(false);
    };
    let mut empty = true;
    for entry in entries {
        let entry = entry?;
        if entry.file_type()?.is_dir() && remove_empty_folders(&entry.path())? {
            fs::remove_dir(entry.path())
                .with_context(|| format!("cannot remove {}", entry.path().display()))?;
        } else {
            empty = false;
        }
    }
    Ok(empty)
}

/// `cargo xtask regenerate`: regenerates every crate of the manifest and records the specs'
/// versions and hashes in it.
///
/// When a spec differs from the one the manifest records, it is first compared with a copy of
/// that one (see [`crate::spec_update`]): the changes are printed, the crate is generated with
/// the suggested next version, and an entry goes into its `CHANGELOG.md`.
pub fn regenerate(root: &Path, source: &SpecSource) -> Result<()> {
    let start = Instant::now();
    let mut manifest = Manifest::load(root)?;
    match source {
        SpecSource::Folder(folder) => take_from_folder(root, &manifest, folder)?,
        SpecSource::Upstream => ensure_specs(root, &manifest, source, Refresh::IfMissing)?,
    }
    // Where a copy of the spec a committed crate was generated from may be: kept there by
    // `fetch-specs`, or among the local copies the specs come from.
    let mut baseline_folders = vec![root.join(DOWNLOAD_DIR)];
    if let SpecSource::Folder(folder) = source {
        baseline_folders.push(folder.clone());
    }
    let (crates, updates): (Vec<(Api, GeneratedCrate)>, Vec<SpecUpdate>) =
        map_in_parallel(manifest.apis(), |api| {
            let text = read_downloaded(root, api)?;
            let update = SpecUpdate::assess(
                api,
                &text,
                &sha256_hex(text.as_bytes()),
                &baseline_folders,
            )
            .with_context(|| {
                format!(
                    "cannot compare the spec of `{}` with the committed one; nothing was written",
                    api.crate_name
                )
            })?;
            // The version goes into the generated Cargo.toml (and user agent), so it has to be
            // settled before generating.
            let mut api = api.clone();
            if let Some(version) = update.next_crate_version() {
                api.crate_version = version.to_owned();
            }
            let generated = generate_api(root, &api, &text)?;
            Ok(((api, generated), update))
        })
        .into_iter()
        .collect::<Result<Vec<_>>>()?
        .into_iter()
        .unzip();

    // A bad path is a codegen bug; find it before the first crate is written.
    for (_, generated) in &crates {
        for file in &generated.output.files {
            checked_relative_path(&file.path)?;
        }
    }

    let table = SummaryTable::new(&crates);
    for ((api, generated), update) in crates.iter().zip(&updates) {
        println!("{}", update.summary(root, api));
        let write_start = Instant::now();
        let changes = apply(&api.crate_dir(root), &generated.output, Mode::Write)?;
        for change in &changes {
            if let Change::Removed(path) = change {
                println!("removed {}", display_path(root, path));
            }
        }
        println!(
            "{}",
            table.line(
                api,
                generated,
                changes.len(),
                generated.elapsed + write_start.elapsed()
            )
        );
        if let Some(entry) = update.changelog_entry() {
            let path = api.crate_dir(root).join(CHANGELOG);
            let existing = match fs::read_to_string(&path) {
                Ok(text) => Some(text),
                Err(error) if error.kind() == std::io::ErrorKind::NotFound => None,
                Err(error) => {
                    return Err(error).with_context(|| format!("cannot read {}", path.display()));
                }
            };
            if let Some(text) = changelog_with_entry(existing.as_deref(), &api.crate_name, &entry) {
                ensure_file_contents(&path, &text, Mode::Write)?;
            }
        }
        manifest.record_spec(&api.name, &generated.spec_version, &generated.sha256)?;
        manifest.record_crate_version(&api.name, &api.crate_version)?;
    }
    if ensure_file_contents(
        &root.join(MANIFEST_PATH),
        &manifest.to_string(),
        Mode::Write,
    )? == Outcome::Written
    {
        println!("updated {MANIFEST_PATH}");
    }
    println!("total {:.2} s", start.elapsed().as_secs_f64());
    Ok(())
}

/// `f` applied to every item, each on its own thread, results in the order of `items`.
///
/// The crates are independent and generating the larger one takes most of the time, so on two
/// cores this nearly halves `regenerate` and `check`. Nothing is shared but `&` references, and
/// output stays deterministic: results are collected in order, printing happens afterwards.
fn map_in_parallel<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let f = &f;
    std::thread::scope(|scope| {
        let handles: Vec<_> = items
            .iter()
            .map(|item| scope.spawn(move || f(item)))
            .collect();
        handles
            .into_iter()
            .map(|handle| {
                handle
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
            .collect()
    })
}

/// Everything that is not up to date, one message per problem, each naming a file.
///
/// Generates every crate in memory and compares it with `generated/`, and the manifest's
/// sha256 and version with the fetched specs. Writes nothing, fetches nothing.
pub fn stale_files(root: &Path) -> Result<Vec<String>> {
    let manifest = Manifest::load(root)?;
    let mut updated = manifest.clone();
    let mut problems = Vec::new();
    let generated_crates = map_in_parallel(manifest.apis(), |api| {
        generate_api(root, api, &read_downloaded(root, api)?)
    });
    for (api, generated) in manifest.apis().iter().zip(generated_crates) {
        let generated = generated?;
        for change in apply(&api.crate_dir(root), &generated.output, Mode::Check)? {
            problems.push(format!(
                "{} is not up to date",
                display_path(root, change.path())
            ));
        }
        if generated.sha256 != api.sha256 {
            problems.push(format!(
                "{MANIFEST_PATH} records sha256 {} for {}, but {} has sha256 {}",
                api.sha256,
                api.file,
                display_path(root, &api.downloaded_path(root)),
                generated.sha256
            ));
        }
        updated.record_spec(&api.name, &generated.spec_version, &generated.sha256)?;
    }
    if ensure_file_contents(&root.join(MANIFEST_PATH), &updated.to_string(), Mode::Check)?
        == Outcome::Stale
    {
        problems.push(format!("{MANIFEST_PATH} is not up to date"));
    }
    Ok(problems)
}

/// Fails, listing every stale file and the command that fixes them, when the committed
/// generated crates or the manifest do not match what `cargo xtask regenerate` would produce
/// from the fetched specs. For tests; `cargo xtask check` is the command-line form.
pub fn check(root: &Path) -> Result<()> {
    let problems = stale_files(root)?;
    if !problems.is_empty() {
        bail!("{}\nrun `{FIX_COMMAND}`", problems.join("\n"));
    }
    Ok(())
}

/// `cargo xtask check`: prints each stale file and fails when there is one.
pub fn check_command(root: &Path, source: &SpecSource) -> Result<()> {
    let manifest = Manifest::load(root)?;
    ensure_specs(root, &manifest, source, Refresh::IfMissing)?;
    let problems = stale_files(root)?;
    for problem in &problems {
        println!("{problem}");
    }
    if !problems.is_empty() {
        bail!("the generated code is not up to date: run `{FIX_COMMAND}`");
    }
    println!("generated code and {MANIFEST_PATH} are up to date");
    Ok(())
}

/// What `cargo xtask generate` builds a standalone crate from.
#[derive(Debug, Clone)]
pub struct StandaloneCrate {
    /// The OpenAPI document (JSON or YAML).
    pub spec: PathBuf,
    /// Folder to put the crate in; created when missing.
    pub out: PathBuf,
    /// Cargo package name.
    pub crate_name: String,
    /// Version for its `Cargo.toml`.
    pub crate_version: String,
    /// Path from `out` to the runtime crate; by default the way from `out` to this workspace's
    /// `runtime/`.
    pub runtime_path: Option<String>,
    /// Refuse to write anything when there are generation warnings.
    pub strict: bool,
}

/// Words cargo refuses as a package name: Rust's keywords (the library would be named so).
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate",
    "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl",
    "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref",
    "return", "self", "static", "struct", "super", "trait", "true", "try", "type", "typeof",
    "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// Refuses, before anything is generated, a `--crate-name` that cargo would refuse to build:
/// empty, not starting with a letter or `_`, holding anything but ASCII letters, digits, `-`
/// and `_`, or a Rust keyword.
fn check_crate_name(name: &str) -> Result<()> {
    let why = match name.chars().next() {
        None => Some("it is empty".to_owned()),
        Some(first) if !(first.is_ascii_alphabetic() || first == '_') => Some(format!(
            "it starts with `{first}`; a package name starts with a letter or `_`"
        )),
        Some(_) => name
            .chars()
            .find(|c| !(c.is_ascii_alphanumeric() || *c == '-' || *c == '_'))
            .map(|c| {
                format!("it contains `{c}`; only ASCII letters, digits, `-` and `_` are allowed")
            })
            .or_else(|| {
                KEYWORDS
                    .contains(&name)
                    .then(|| "it is a Rust keyword".to_owned())
            }),
    };
    match why {
        Some(why) => bail!("--crate-name {name:?} is not a name cargo accepts: {why}"),
        None => Ok(()),
    }
}

/// Prints the generation warnings of `crate_name` on stderr, one a line.
pub fn print_warnings(crate_name: &str, warnings: &[codegen::Warning]) {
    for warning in warnings {
        eprintln!("warning: {crate_name}: {warning}");
    }
}

/// `cargo xtask generate`: a crate for any OpenAPI document, written only if generation
/// succeeds. Files in `out` that the generator does not produce are left alone.
pub fn generate_standalone(root: &Path, request: &StandaloneCrate) -> Result<()> {
    check_crate_name(&request.crate_name)?;
    let start = Instant::now();
    let text = fs::read_to_string(&request.spec)
        .with_context(|| format!("cannot read {}", request.spec.display()))?;
    let runtime_path = match &request.runtime_path {
        Some(path) => path.clone(),
        None => relative_path(&request.out, &root.join("runtime")),
    };
    let source = request.spec.file_name().map_or_else(
        || request.spec.display().to_string(),
        |name| name.to_string_lossy().into_owned(),
    );
    let settings = codegen::Settings {
        spec_source: source,
        standalone: true,
        ..codegen::Settings::new(
            &request.crate_name,
            &request.crate_version,
            workspace_runtime(runtime_path.clone()),
        )
    };
    let generated = generate_crate(&text, settings).with_context(|| {
        format!(
            "cannot generate a crate from {}; nothing was written",
            request.spec.display()
        )
    })?;
    print_warnings(&request.crate_name, &generated.output.warnings);
    if request.strict && !generated.output.warnings.is_empty() {
        bail!(
            "{} generation warnings and --strict: nothing was written to {}",
            generated.output.warnings.len(),
            request.out.display()
        );
    }
    let files = generated
        .output
        .files
        .iter()
        .map(|file| {
            Ok((
                request.out.join(checked_relative_path(&file.path)?),
                &file.contents,
            ))
        })
        .collect::<Result<Vec<_>>>()?;
    let mut written = 0;
    for (path, contents) in files {
        if ensure_file_contents(&path, contents, Mode::Write)? == Outcome::Written {
            written += 1;
        }
    }
    println!(
        "{}  {} {}  {} ops, {} types  {written} of {} files written to {} (runtime at {runtime_path})  {:.2} s",
        request.crate_name,
        generated.title,
        generated.spec_version,
        generated.output.operations,
        generated.output.types,
        generated.output.files.len(),
        request.out.display(),
        start.elapsed().as_secs_f64(),
    );
    Ok(())
}

/// The path a `Cargo.toml` in folder `from` would use to reach `to`, `/`-separated: relative
/// when both share a file-system root, else absolute. Neither needs to exist.
pub fn relative_path(from: &Path, to: &Path) -> String {
    let (from, to) = (resolve(from), resolve(to));
    let from_parts: Vec<Component> = from.components().collect();
    let to_parts: Vec<Component> = to.components().collect();
    if from_parts.first() != to_parts.first() {
        return to.display().to_string();
    }
    let common = from_parts
        .iter()
        .zip(&to_parts)
        .take_while(|(a, b)| a == b)
        .count();
    let mut parts: Vec<String> = vec!["..".to_owned(); from_parts.len() - common];
    parts.extend(
        to_parts[common..]
            .iter()
            .map(|part| part.as_os_str().to_string_lossy().into_owned()),
    );
    if parts.is_empty() {
        ".".to_owned()
    } else {
        parts.join("/")
    }
}

/// `path` made absolute, with `.` and `..` resolved by name (as Cargo does for path
/// dependencies) and then symbolic links resolved as far as the path exists.
fn resolve(path: &Path) -> PathBuf {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_owned());
    let mut lexical = PathBuf::new();
    for part in absolute.components() {
        match part {
            Component::CurDir => {}
            Component::ParentDir => {
                lexical.pop();
            }
            other => lexical.push(other),
        }
    }
    let mut existing = lexical.as_path();
    let mut missing = Vec::new();
    loop {
        if let Ok(canonical) = existing.canonicalize() {
            return missing
                .iter()
                .rev()
                .fold(canonical, |resolved, part| resolved.join(part));
        }
        match (existing.parent(), existing.file_name()) {
            (Some(parent), Some(name)) => {
                missing.push(name);
                existing = parent;
            }
            _ => return lexical.clone(),
        }
    }
}

/// Aligned summary lines such as
/// `magicline   Magicline Open API 1.11.1   134 ops, 223 types   3 files changed   0.21 s`.
struct SummaryTable {
    name_width: usize,
    spec_width: usize,
    counts_width: usize,
}

impl SummaryTable {
    fn new(crates: &[(Api, GeneratedCrate)]) -> Self {
        let width = |f: &dyn Fn(&Api, &GeneratedCrate) -> String| {
            crates
                .iter()
                .map(|(api, generated)| f(api, generated).len())
                .max()
                .unwrap_or(0)
        };
        SummaryTable {
            name_width: width(&|api, _| api.crate_name.clone()),
            spec_width: width(&|_, generated| Self::spec(generated)),
            counts_width: width(&|_, generated| Self::counts(generated)),
        }
    }

    fn spec(generated: &GeneratedCrate) -> String {
        format!("{} {}", generated.title, generated.spec_version)
    }

    fn counts(generated: &GeneratedCrate) -> String {
        format!(
            "{} ops, {} types",
            generated.output.operations, generated.output.types
        )
    }

    fn line(
        &self,
        api: &Api,
        generated: &GeneratedCrate,
        changed: usize,
        elapsed: Duration,
    ) -> String {
        let files = if changed == 1 { "file" } else { "files" };
        format!(
            "{:<name$}   {:<spec$}   {:<counts$}   {changed:>3} {files} changed   {:.2} s",
            api.crate_name,
            Self::spec(generated),
            Self::counts(generated),
            elapsed.as_secs_f64(),
            name = self.name_width,
            spec = self.spec_width,
            counts = self.counts_width,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_crate_name_cargo_would_refuse_is_refused_with_the_reason() {
        for good in ["pets", "my-api_2", "_private", "Pets"] {
            assert!(check_crate_name(good).is_ok(), "{good}");
        }
        for (bad, why) in [
            ("2fa-client", "starts with `2`"),
            ("", "empty"),
            ("pets.api", "contains `.`"),
            ("héllo", "contains `é`"),
            ("-pets", "starts with `-`"),
            ("async", "keyword"),
        ] {
            let error = check_crate_name(bad).expect_err(bad).to_string();
            assert!(error.contains(why), "{bad}: {error}");
            assert!(error.contains("--crate-name"), "{bad}: {error}");
        }
    }
    use codegen::{GeneratedFile, Output};

    fn output(files: &[(&str, &str)]) -> Output {
        Output {
            files: files
                .iter()
                .map(|(path, contents)| GeneratedFile {
                    path: (*path).to_owned(),
                    contents: (*contents).to_owned(),
                })
                .collect(),
            operations: 1,
            types: 2,
            warnings: Vec::new(),
        }
    }

    fn write(path: &Path, contents: &str) {
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, contents).unwrap();
    }

    #[test]
    fn apply_writes_changed_files_and_removes_stale_ones_under_src_only() {
        let dir = tempfile::tempdir().unwrap();
        let krate = dir.path().join("magicline");
        write(&krate.join("src/lib.rs"), "pub mod models;\n");
        write(&krate.join("src/models.rs"), "old\n");
        write(&krate.join("src/apis/gone.rs"), "stale\n");
        write(&krate.join("examples/hand_written.rs"), "fn main() {}\n");
        write(&krate.join("CHANGELOG.md"), "# Changes\n");
        let output = output(&[
            ("Cargo.toml", "[package]\n"),
            ("src/lib.rs", "pub mod models;\n"),
            ("src/models.rs", "new\n"),
        ]);

        let changes = apply(&krate, &output, Mode::Write).unwrap();

        assert_eq!(
            changes,
            [
                Change::Updated(krate.join("Cargo.toml")),
                Change::Updated(krate.join("src/models.rs")),
                Change::Removed(krate.join("src/apis/gone.rs")),
            ]
        );
        assert_eq!(
            fs::read_to_string(krate.join("src/models.rs")).unwrap(),
            "new\n"
        );
        assert!(
            !krate.join("src/apis").exists(),
            "the emptied folder is removed too"
        );
        assert!(krate.join("examples/hand_written.rs").exists());
        assert!(krate.join("CHANGELOG.md").exists());
        assert_eq!(
            apply(&krate, &output, Mode::Write).unwrap(),
            [],
            "a second run changes nothing"
        );
    }

    #[test]
    fn check_mode_reports_the_same_changes_and_writes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let krate = dir.path().join("magicline");
        write(&krate.join("src/lib.rs"), "old\n");
        write(&krate.join("src/extra.rs"), "stale\n");
        let output = output(&[("src/lib.rs", "new\n"), ("src/models.rs", "models\n")]);

        let changes = apply(&krate, &output, Mode::Check).unwrap();

        assert_eq!(
            changes,
            [
                Change::Updated(krate.join("src/lib.rs")),
                Change::Updated(krate.join("src/models.rs")),
                Change::Removed(krate.join("src/extra.rs")),
            ]
        );
        assert_eq!(
            fs::read_to_string(krate.join("src/lib.rs")).unwrap(),
            "old\n"
        );
        assert!(krate.join("src/extra.rs").exists());
        assert!(!krate.join("src/models.rs").exists());
    }

    #[test]
    fn generated_paths_cannot_escape_the_crate() {
        let dir = tempfile::tempdir().unwrap();
        for bad in [
            "../evil.rs",
            "/etc/passwd",
            "src//lib.rs",
            "src/./lib.rs",
            "C:/x.rs",
            "src\\lib.rs",
            "",
        ] {
            let error = apply(
                dir.path(),
                &output(&[("src/lib.rs", ""), (bad, "x")]),
                Mode::Write,
            )
            .unwrap_err();
            assert!(error.to_string().contains("codegen bug"), "{bad}: {error}");
        }
        assert_eq!(
            fs::read_dir(dir.path()).unwrap().count(),
            0,
            "nothing written when one path is bad"
        );
    }

    /// A workspace with one api whose spec is already fetched.
    fn workspace_with_spec() -> tempfile::TempDir {
        let root = tempfile::tempdir().unwrap();
        let spec = "openapi: 3.0.3
info: {title: Pets, version: '2.0'}
paths:
  /pets/{id}:
    get:
      tags: [pets]
      operationId: getPet
      parameters: [{name: id, in: path, required: true, schema: {type: integer}}]
      responses:
        '200':
          description: the pet
          content: {application/json: {schema: {$ref: '#/components/schemas/Pet'}}}
components:
  schemas:
    Pet: {type: object, properties: {name: {type: string}}}
";
        write(&root.path().join("specs/downloaded/pets.yaml"), spec);
        let manifest = "# pets\n[[api]]\nname = \"pets\"\ntitle = \"Pets\"\nurl = \"http://127.0.0.1:9/pets.yaml\"\n\
            file = \"pets.yaml\"\ncrate = \"pets\"\ncrate_version = \"0.1.0\"\n\
            spec_version = \"1.0\" # old\nsha256 = \"\"\n";
        write(&root.path().join(MANIFEST_PATH), manifest);
        root
    }

    #[test]
    fn regenerate_then_check_then_tamper() {
        let root = workspace_with_spec();
        let root = root.path();
        // The specs are in place, so the upstream URL (a closed port) is never asked.
        let unreachable = SpecSource::Upstream;

        let error = check(root).unwrap_err().to_string();
        assert!(
            error.contains("generated/pets/Cargo.toml is not up to date"),
            "{error}"
        );
        assert!(error.ends_with("run `cargo xtask regenerate`"), "{error}");

        regenerate(root, &unreachable).unwrap();
        check(root).unwrap();
        let manifest = fs::read_to_string(root.join(MANIFEST_PATH)).unwrap();
        let sha256 = sha256_hex(&fs::read(root.join("specs/downloaded/pets.yaml")).unwrap());
        assert!(
            manifest.contains("spec_version = \"2.0\" # old\n"),
            "{manifest}"
        );
        assert!(
            manifest.contains(&format!("sha256 = \"{sha256}\"")),
            "{manifest}"
        );

        let lib = root.join("generated/pets/src/lib.rs");
        fs::write(
            &lib,
            fs::read_to_string(&lib).unwrap() + "// edited by hand\n",
        )
        .unwrap();
        write(&root.join("generated/pets/src/leftover.rs"), "");
        write(
            &root.join("generated/pets/examples/hand_written.rs"),
            "fn main() {}\n",
        );
        let error = check(root).unwrap_err().to_string();
        assert_eq!(
            error,
            "generated/pets/src/lib.rs is not up to date\n\
             generated/pets/src/leftover.rs is not up to date\n\
             run `cargo xtask regenerate`"
        );

        regenerate(root, &unreachable).unwrap();
        check(root).unwrap();
        assert!(!root.join("generated/pets/src/leftover.rs").exists());
        assert!(
            root.join("generated/pets/examples/hand_written.rs")
                .exists()
        );
    }

    #[test]
    fn a_spec_update_is_compared_recorded_in_the_changelog_and_bumps_the_version() {
        let root = workspace_with_spec();
        let root = root.path();
        // The specs are in place, so the upstream URL (a closed port) is never asked.
        let unreachable = SpecSource::Upstream;
        regenerate(root, &unreachable).unwrap();
        let changelog = root.join("generated/pets/CHANGELOG.md");
        assert!(
            !changelog.exists(),
            "the first generation has nothing to compare with"
        );
        write(
            &changelog,
            "# Changelog\n\n## 0.1.0 — generated from Pets 2.0\n",
        );

        // Upstream drops `Pet.name`, adds `Pet.id` and an operation; fetch-specs keeps the old
        // spec for regenerate to compare with.
        let new_spec = "openapi: 3.0.3
info: {title: Pets, version: '2.1'}
paths:
  /pets:
    get:
      tags: [pets]
      operationId: listPets
      responses: {'200': {description: ok}}
  /pets/{id}:
    get:
      tags: [pets]
      operationId: getPet
      parameters: [{name: id, in: path, required: true, schema: {type: integer}}]
      responses:
        '200':
          description: the pet
          content: {application/json: {schema: {$ref: '#/components/schemas/Pet'}}}
components:
  schemas:
    Pet: {type: object, properties: {id: {type: integer}}}
";
        let upstream = root.join("upstream");
        write(&upstream.join("pets.yaml"), new_spec);
        let manifest = Manifest::load(root).unwrap();
        let fetched = crate::fetch::fetch_specs(
            root,
            &manifest,
            &SpecSource::Folder(upstream),
            Refresh::Always,
        )
        .unwrap();
        assert_eq!(fetched[0].kept.as_deref(), Some("pets-2.0.yaml"));

        regenerate(root, &unreachable).unwrap();

        let text = fs::read_to_string(&changelog).unwrap();
        assert!(
            text.starts_with(
                "# Changelog\n\n## 0.2.0 — Pets 2.0 → 2.1\n\n**1 breaking** and 2 non-breaking changes (3 in total).\n"
            ),
            "{text}"
        );
        assert!(
            text.contains(
                "- `models::Pet::name`: field removed — field `name: Option<String>` removed"
            ),
            "{text}"
        );
        assert!(
            text.ends_with("\n## 0.1.0 — generated from Pets 2.0\n"),
            "{text}"
        );
        let manifest = fs::read_to_string(root.join(MANIFEST_PATH)).unwrap();
        assert!(
            manifest.contains("crate_version = \"0.2.0\"\n"),
            "{manifest}"
        );
        assert!(
            manifest.contains("spec_version = \"2.1\" # old\n"),
            "{manifest}"
        );
        let cargo_toml = fs::read_to_string(root.join("generated/pets/Cargo.toml")).unwrap();
        assert!(cargo_toml.contains("version = \"0.2.0\""), "{cargo_toml}");
        check(root).unwrap();

        // Nothing new upstream: nothing to add, and the version stays.
        regenerate(root, &unreachable).unwrap();
        assert_eq!(fs::read_to_string(&changelog).unwrap(), text);
        assert_eq!(
            fs::read_to_string(root.join(MANIFEST_PATH)).unwrap(),
            manifest
        );
    }

    /// Specs without `info.version` (the Device API's and the webhooks'): recorded as
    /// `unversioned-<sha256 prefix>`, so each revision keeps its own copy and is compared.
    #[test]
    fn an_unversioned_spec_update_is_compared_too() {
        let root = workspace_with_spec();
        let root = root.path();
        // The specs are in place, so the upstream URL (a closed port) is never asked.
        let unreachable = SpecSource::Upstream;
        let spec = root.join("specs/downloaded/pets.yaml");
        let old = fs::read_to_string(&spec)
            .unwrap()
            .replace("info: {title: Pets, version: '2.0'}", "info: {title: Pets}");
        write(&spec, &old);
        regenerate(root, &unreachable).unwrap();
        let old_version = format!("unversioned-{}", &sha256_hex(old.as_bytes())[..12]);
        let manifest = fs::read_to_string(root.join(MANIFEST_PATH)).unwrap();
        assert!(
            manifest.contains(&format!("spec_version = \"{old_version}\" # old\n")),
            "{manifest}"
        );
        let lib = fs::read_to_string(root.join("generated/pets/src/lib.rs")).unwrap();
        assert!(
            lib.contains(
                "//! - `#/info/version`: missing (OpenAPI requires it); using \"unversioned\""
            ),
            "{lib}"
        );

        let upstream = root.join("upstream");
        write(
            &upstream.join("pets.yaml"),
            &old.replace(
                "name: {type: string}",
                "name: {type: string}, age: {type: integer}",
            ),
        );
        let manifest = Manifest::load(root).unwrap();
        let fetched = crate::fetch::fetch_specs(
            root,
            &manifest,
            &SpecSource::Folder(upstream),
            Refresh::Always,
        )
        .unwrap();
        assert_eq!(
            fetched[0].kept.as_deref(),
            Some(format!("pets-{old_version}.yaml").as_str())
        );
        regenerate(root, &unreachable).unwrap();
        let changelog = fs::read_to_string(root.join("generated/pets/CHANGELOG.md")).unwrap();
        assert!(
            changelog.contains(&format!("Pets {old_version} → unversioned-")),
            "{changelog}"
        );
        assert!(
            changelog.contains("`models::Pet::age`: field added"),
            "{changelog}"
        );
        check(root).unwrap();
    }

    #[test]
    fn a_spec_update_without_the_old_spec_still_regenerates() {
        let root = workspace_with_spec();
        let root = root.path();
        // The specs are in place, so the upstream URL (a closed port) is never asked.
        let unreachable = SpecSource::Upstream;
        regenerate(root, &unreachable).unwrap();
        let spec = root.join("specs/downloaded/pets.yaml");
        let new_spec = fs::read_to_string(&spec)
            .unwrap()
            .replace("version: '2.0'", "version: '2.1'");
        // Replaced by hand, so no copy of the old spec is kept.
        write(&spec, &new_spec);

        regenerate(root, &unreachable).unwrap();

        assert!(!root.join("generated/pets/CHANGELOG.md").exists());
        let manifest = fs::read_to_string(root.join(MANIFEST_PATH)).unwrap();
        assert!(
            manifest.contains("crate_version = \"0.1.0\"\n"),
            "{manifest}"
        );
        assert!(
            manifest.contains("spec_version = \"2.1\" # old\n"),
            "{manifest}"
        );
        check(root).unwrap();
    }

    /// Every file under `root` with its contents.
    fn tree(root: &Path) -> std::collections::BTreeMap<PathBuf, Vec<u8>> {
        let mut files = Vec::new();
        list_files(root, &mut files).unwrap();
        files
            .into_iter()
            .map(|path| {
                let contents = fs::read(&path).unwrap();
                (path.strip_prefix(root).unwrap().to_owned(), contents)
            })
            .collect()
    }

    /// The files that differ between two [`tree`]s, or exist in one only, `/`-separated.
    fn changed_files(
        before: &std::collections::BTreeMap<PathBuf, Vec<u8>>,
        after: &std::collections::BTreeMap<PathBuf, Vec<u8>>,
    ) -> Vec<String> {
        let paths: std::collections::BTreeSet<&PathBuf> =
            before.keys().chain(after.keys()).collect();
        paths
            .into_iter()
            .filter(|path| before.get(*path) != after.get(*path))
            .map(|path| path.to_string_lossy().replace('\\', "/"))
            .collect()
    }

    /// The issue this answers: a spec update used to rewrite the header (spec version and
    /// sha256) of every generated file, so a reviewer opened every file to find nothing.
    #[test]
    fn a_spec_update_changes_only_the_files_its_changes_reach() {
        let root = workspace_with_spec();
        let root = root.path();
        let spec = root.join("specs/downloaded/pets.yaml");
        let two_tags = fs::read_to_string(&spec).unwrap().replace(
            "components:",
            "  /owners/{id}:
    get:
      tags: [owners]
      operationId: getOwner
      parameters: [{name: id, in: path, required: true, schema: {type: integer}}]
      responses:
        '200':
          description: the owner
          content: {application/json: {schema: {$ref: '#/components/schemas/Owner'}}}
components:",
        ) + "    Owner: {type: object, properties: {name: {type: string}}}\n";
        write(&spec, &two_tags);
        regenerate(root, &SpecSource::Upstream).unwrap();
        let before = tree(root);

        let upstream = root.join("upstream");
        write(
            &upstream.join("pets.yaml"),
            &two_tags.replace("version: '2.0'", "version: '2.1'").replace(
                "Owner: {type: object, properties: {name: {type: string}}}",
                "Owner: {type: object, properties: {name: {type: string}, email: {type: string}}}",
            ),
        );
        // The README's command, with the new spec in the folder: the spec is taken.
        regenerate(root, &SpecSource::Folder(upstream.clone())).unwrap();

        let mut after = tree(root);
        after.retain(|path, _| !path.starts_with("upstream"));
        assert_eq!(
            changed_files(&before, &after),
            [
                "generated/pets/CHANGELOG.md",
                "generated/pets/Cargo.toml",
                "generated/pets/src/models.rs",
                "specs/downloaded/pets-2.0.yaml",
                "specs/downloaded/pets.yaml",
                "specs/manifest.toml",
            ]
        );
        let changelog = fs::read_to_string(root.join("generated/pets/CHANGELOG.md")).unwrap();
        assert!(
            changelog.contains("## 0.1.1 — Pets 2.0 → 2.1\n"),
            "{changelog}"
        );
        assert!(
            changelog.contains("`models::Owner::email`: field added"),
            "{changelog}"
        );
        let cargo_toml = fs::read_to_string(root.join("generated/pets/Cargo.toml")).unwrap();
        assert!(
            cargo_toml.starts_with(
                "# Generated by `cargo xtask regenerate` from Pets 2.1; do not edit by hand.\n"
            ),
            "{cargo_toml}"
        );
        assert!(cargo_toml.contains("version = \"0.1.1\""), "{cargo_toml}");
        check(root).unwrap();
    }

    #[test]
    fn a_pending_update_is_kept_and_the_folder_copy_named() {
        let root = workspace_with_spec();
        let root = root.path();
        regenerate(root, &SpecSource::Upstream).unwrap();
        let spec = root.join("specs/downloaded/pets.yaml");
        // Fetched earlier, not yet regenerated from.
        let pending = fs::read_to_string(&spec)
            .unwrap()
            .replace("version: '2.0'", "version: '2.1'");
        write(&spec, &pending);
        let folder = root.join("folder");
        let other = pending.replace("version: '2.1'", "version: '2.2'");
        write(&folder.join("pets.yaml"), &other);
        let manifest = Manifest::load(root).unwrap();

        let outcome = crate::fetch::folder_spec(root, &manifest.apis()[0], &folder).unwrap();

        assert_eq!(
            outcome,
            crate::fetch::FolderSpec::Differs {
                path: folder.join("pets.yaml"),
                sha256: sha256_hex(other.as_bytes()),
            }
        );
        assert_eq!(fs::read_to_string(&spec).unwrap(), pending);

        write(&folder.join("pets.yaml"), &pending);
        assert_eq!(
            crate::fetch::folder_spec(root, &manifest.apis()[0], &folder).unwrap(),
            crate::fetch::FolderSpec::Same
        );
        fs::remove_file(folder.join("pets.yaml")).unwrap();
        assert_eq!(
            crate::fetch::folder_spec(root, &manifest.apis()[0], &folder).unwrap(),
            crate::fetch::FolderSpec::Absent
        );
        let error = regenerate(root, &SpecSource::Folder(root.join("typo")))
            .unwrap_err()
            .to_string();
        assert!(error.contains("is not a folder"), "{error}");
    }

    #[test]
    fn a_rejected_spec_writes_nothing() {
        let root = workspace_with_spec();
        let root = root.path();
        write(&root.join("specs/downloaded/pets.yaml"), "swagger: '2.0'\n");
        let manifest_before = fs::read_to_string(root.join(MANIFEST_PATH)).unwrap();

        let error = regenerate(root, &SpecSource::Upstream).unwrap_err();

        let message = format!("{error:#}");
        assert!(message.starts_with("cannot generate `pets` from specs/downloaded/pets.yaml; nothing was written: #/swagger: "), "{message}");
        assert!(!root.join("generated").exists());
        assert_eq!(
            fs::read_to_string(root.join(MANIFEST_PATH)).unwrap(),
            manifest_before
        );
    }

    #[test]
    fn a_standalone_crate_finds_the_runtime_and_is_written_only_on_success() {
        let workspace = workspace_with_spec();
        let root = workspace.path().join("ws");
        fs::create_dir_all(root.join("runtime")).unwrap();
        let mut request = StandaloneCrate {
            spec: workspace.path().join("specs/downloaded/pets.yaml"),
            out: workspace.path().join("out/pets"),
            crate_name: "pets".into(),
            crate_version: "0.2.0".into(),
            runtime_path: None,
            strict: false,
        };

        generate_standalone(&root, &request).unwrap();

        let cargo_toml = fs::read_to_string(request.out.join("Cargo.toml")).unwrap();
        assert!(cargo_toml.contains("\"../../ws/runtime\""), "{cargo_toml}");
        assert!(cargo_toml.contains("version = \"0.2.0\""), "{cargo_toml}");
        assert!(request.out.join("src/lib.rs").is_file());

        request.out = workspace.path().join("out/broken");
        request.spec = workspace.path().join("broken.json");
        fs::write(&request.spec, "{\"openapi\": \"2.0\"}").unwrap();
        let error = generate_standalone(&root, &request).unwrap_err();
        assert!(
            error.to_string().contains("nothing was written"),
            "{error:#}"
        );
        assert!(!request.out.exists());
    }

    #[test]
    fn relative_paths_between_folders() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        fs::create_dir_all(root.join("work/runtime")).unwrap();
        assert_eq!(
            relative_path(&root.join("work/generated/x"), &root.join("work/runtime")),
            "../../runtime"
        );
        assert_eq!(
            relative_path(&root.join("out/./a/../b"), &root.join("work/runtime")),
            "../../work/runtime"
        );
        assert_eq!(
            relative_path(&root.join("work/runtime"), &root.join("work/runtime")),
            "."
        );
        assert_eq!(
            relative_path(&root.join("work"), &root.join("work/runtime")),
            "runtime"
        );
    }

    #[test]
    fn summary_lines_line_up() {
        let generated = |title: &str, operations| GeneratedCrate {
            title: title.to_owned(),
            spec_version: "1.0.0".into(),
            sha256: String::new(),
            output: Output {
                operations,
                ..output(&[])
            },
            elapsed: Duration::ZERO,
        };
        let api = |name: &str| Api {
            name: name.into(),
            title: String::new(),
            url: String::new(),
            file: format!("{name}.json"),
            crate_name: name.into(),
            crate_version: "0.1.0".into(),
            spec_version: String::new(),
            sha256: String::new(),
            surface: codegen::Surface::Client,
            names: codegen::NameSettings::default(),
        };
        let crates = vec![
            (api("magicline"), generated("Magicline API", 134)),
            (api("magicline-connect"), generated("Connect", 4)),
        ];
        let table = SummaryTable::new(&crates);
        let lines: Vec<String> = crates
            .iter()
            .map(|(api, generated)| table.line(api, generated, 1, Duration::from_millis(210)))
            .collect();
        assert_eq!(
            lines[0],
            "magicline           Magicline API 1.0.0   134 ops, 2 types     1 file changed   0.21 s"
        );
        assert_eq!(
            lines[1],
            "magicline-connect   Connect 1.0.0         4 ops, 2 types       1 file changed   0.21 s"
        );
    }
}
