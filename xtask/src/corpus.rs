//! `cargo xtask corpus`: how the generator does on real-world documents. Generates a crate for
//! every OpenAPI document of a corpus folder and of the Magicline specs folder, builds each with
//! `cargo check` (and `cargo clippy -D warnings` on request), and prints one row per document.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use anyhow::{Context, Result, bail};
use clap::Args;

use crate::files::{Mode, ensure_file_contents};
use crate::generation::{generate_crate, relative_path, workspace_runtime};

/// Arguments of `cargo xtask corpus`.
#[derive(Debug, Args)]
pub struct CorpusArgs {
    /// Folder of public OpenAPI documents.
    #[arg(long, value_name = "DIR", default_value = "../shared/corpus")]
    pub corpus: PathBuf,
    /// Folder of the Magicline specs.
    #[arg(long, value_name = "DIR", default_value = "../shared/specs")]
    pub specs: PathBuf,
    /// Check each crate with `cargo clippy --all-targets -- -D warnings` instead of
    /// `cargo check`.
    #[arg(long)]
    pub clippy: bool,
    /// Only documents whose file name contains this text.
    #[arg(long, value_name = "TEXT")]
    pub only: Option<String>,
    /// Generate every document, but build only the crates of documents up to this size in KB
    /// (the largest take minutes each).
    #[arg(long, value_name = "KB")]
    pub build_max_kb: Option<u64>,
}

impl CorpusArgs {
    /// What `cargo xtask test` runs: every document of the default folders generated and its
    /// crate checked with clippy.
    pub fn for_test_suite() -> Self {
        CorpusArgs {
            corpus: PathBuf::from("../shared/corpus"),
            specs: PathBuf::from("../shared/specs"),
            clippy: true,
            only: None,
            build_max_kb: None,
        }
    }
}

/// One document's outcome.
struct Row {
    name: String,
    operations: String,
    types: String,
    warnings: String,
    generate_seconds: String,
    check_seconds: String,
    result: String,
}

/// How each generated crate is built.
struct Build<'a> {
    /// The target folder all crates share.
    target_dir: PathBuf,
    /// Clippy (`-D warnings`) instead of `cargo check`.
    clippy: bool,
    /// Documents larger than this are generated but not built.
    max_bytes: Option<u64>,
    /// Extra environment for each cargo run.
    env: &'a [(&'a str, &'a str)],
}

/// Runs the verb; fails when any document does not generate or its crate does not build.
pub fn run(root: &Path, args: &CorpusArgs) -> Result<()> {
    run_with_env(root, args, &[])
}

/// [`run`], with extra environment variables for every cargo run (what `cargo xtask test`
/// sets on CI).
pub fn run_with_env(root: &Path, args: &CorpusArgs, env: &[(&str, &str)]) -> Result<()> {
    let mut documents = Vec::new();
    for folder in [&args.corpus, &args.specs] {
        let folder = root.join(folder);
        let entries = fs::read_dir(&folder)
            .with_context(|| format!("cannot read the folder {}", folder.display()))?;
        let mut found: Vec<PathBuf> = entries
            .filter_map(|entry| entry.ok().map(|e| e.path()))
            .filter(|path| {
                matches!(
                    path.extension().and_then(|e| e.to_str()),
                    Some("json" | "yaml" | "yml")
                )
            })
            .collect();
        found.sort();
        documents.extend(found);
    }
    if let Some(only) = &args.only {
        documents.retain(|path| path.to_string_lossy().contains(only.as_str()));
    }
    let work = root.join("target").join("corpus");
    let build = Build {
        target_dir: work.join("target"),
        clippy: args.clippy,
        max_bytes: args.build_max_kb.map(|kb| kb * 1000),
        env,
    };
    let mut rows = Vec::new();
    for document in &documents {
        let row = one(root, document, &work, &build);
        println!("{}", line(&row));
        rows.push(row);
    }
    println!();
    println!("| spec | operations | types | warnings | generate s | check s | result |");
    println!("|---|---:|---:|---:|---:|---:|---|");
    for row in &rows {
        println!("{}", line(&row_with_pipes(row)));
    }
    let failed = rows.iter().filter(|r| !r.result.starts_with("ok")).count();
    if failed > 0 {
        bail!("{failed} of {} documents failed", rows.len());
    }
    Ok(())
}

fn row_with_pipes(row: &Row) -> Row {
    Row {
        name: format!("| `{}`", row.name),
        operations: format!("| {}", row.operations),
        types: format!("| {}", row.types),
        warnings: format!("| {}", row.warnings),
        generate_seconds: format!("| {}", row.generate_seconds),
        check_seconds: format!("| {}", row.check_seconds),
        result: format!("| {} |", row.result),
    }
}

fn line(row: &Row) -> String {
    format!(
        "{} {} {} {} {} {} {}",
        row.name,
        row.operations,
        row.types,
        row.warnings,
        row.generate_seconds,
        row.check_seconds,
        row.result
    )
}

fn one(root: &Path, document: &Path, work: &Path, build: &Build<'_>) -> Row {
    let name = document
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut row = Row {
        name: name.clone(),
        operations: "-".into(),
        types: "-".into(),
        warnings: "-".into(),
        generate_seconds: "-".into(),
        check_seconds: "-".into(),
        result: String::new(),
    };
    let crate_name = crate_name(document);
    let out = work.join(&crate_name);
    let text = match fs::read_to_string(document) {
        Ok(text) => text,
        Err(error) => {
            row.result = format!("unreadable: {error}");
            return row;
        }
    };
    let start = Instant::now();
    let generated = generate_crate(&text, settings(root, &out, &name, &crate_name));
    row.generate_seconds = format!("{:.2}", start.elapsed().as_secs_f64());
    let generated = match generated {
        Ok(generated) => generated,
        Err(error) => {
            row.result = format!("refused: {}", error.root_cause());
            return row;
        }
    };
    row.operations = generated.output.operations.to_string();
    row.types = generated.output.types.to_string();
    row.warnings = generated.output.warnings.len().to_string();
    if let Err(error) = write_crate(root, &out, &generated.output.files) {
        row.result = error;
        return row;
    }
    let size = fs::metadata(document).map_or(0, |m| m.len());
    if let Some(max) = build.max_bytes.filter(|max| size > *max) {
        row.result = format!(
            "ok (generated; not built: {} KB > {} KB)",
            size / 1000,
            max / 1000
        );
        return row;
    }
    let start = Instant::now();
    // Clippy checks everything `cargo check` does, and lints on top.
    let verdict = if build.clippy {
        cargo(
            &out,
            &build.target_dir,
            build.env,
            &["clippy", "--quiet", "--all-targets", "--", "-D", "warnings"],
        )
    } else {
        cargo(&out, &build.target_dir, build.env, &["check", "--quiet"])
    };
    row.check_seconds = format!("{:.1}", start.elapsed().as_secs_f64());
    row.result = match verdict {
        Ok(()) => "ok".into(),
        Err(error) => error,
    };
    row
}

/// The package name of a document's crate: `corpus-` and the whole file stem, lower-cased
/// (`petstore-3.0` and `petstore-3.1` are two crates).
pub(crate) fn crate_name(document: &Path) -> String {
    let stem = document
        .file_stem()
        .map_or_else(|| "spec".into(), |stem| stem.to_string_lossy());
    format!(
        "corpus-{}",
        stem.to_lowercase()
            .replace(|c: char| !c.is_ascii_alphanumeric(), "-")
    )
}

/// How a standalone crate at `out` is generated from the document called `source`.
pub(crate) fn settings(
    root: &Path,
    out: &Path,
    source: &str,
    crate_name: &str,
) -> codegen::Settings {
    codegen::Settings {
        spec_source: source.to_owned(),
        standalone: true,
        ..codegen::Settings::new(
            crate_name,
            "0.1.0",
            workspace_runtime(relative_path(out, &root.join("runtime"))),
        )
    }
}

/// Writes a generated crate's files into `out`, with the workspace's lockfile: the
/// dependencies every crate shares are resolved once, built once in the shared target folder,
/// and nothing is fetched.
pub(crate) fn write_crate(
    root: &Path,
    out: &Path,
    files: &[codegen::GeneratedFile],
) -> Result<(), String> {
    for file in files {
        ensure_file_contents(&out.join(&file.path), &file.contents, Mode::Write)
            .map_err(|error| format!("not written: {error}"))?;
    }
    fs::copy(root.join("Cargo.lock"), out.join("Cargo.lock"))
        .map_err(|error| format!("Cargo.lock not copied: {error}"))?;
    Ok(())
}

/// Runs `cargo ARGS` in the crate `dir` with the target folder `target_dir`; the first error
/// line on failure.
pub(crate) fn cargo(
    dir: &Path,
    target_dir: &Path,
    env: &[(&str, &str)],
    args: &[&str],
) -> Result<(), String> {
    let output = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(args)
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", target_dir)
        .envs(env.iter().copied())
        .output()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if output.status.success() {
        return Ok(());
    }
    let stderr = String::from_utf8_lossy(&output.stderr);
    let errors = stderr.lines().filter(|l| l.starts_with("error")).count();
    let first = stderr
        .lines()
        .find(|l| l.starts_with("error"))
        .unwrap_or("failed")
        .to_owned();
    Err(format!("{} ({errors} error lines): {first}", args[0]))
}
