//! `cargo xtask bench --only code-size`: how much code the generator writes and what it costs
//! the compiler, next to openapi-generator's Rust client for the same document.
//!
//! Three tables, in one run:
//!
//! - **generated lines**: `src/models.rs` and every `.rs` file of each generated crate, and its
//!   string enums (`impl rt::StringEnum` blocks);
//! - **LLVM IR lines** of each client crate with all features (debug, `--emit=llvm-ir`): what
//!   the generic code the crate instantiates (serde's, the runtime's) adds up to, which is most
//!   of what the compiler's back end works on;
//! - **crate-only debug builds**, side by side: each client crate and the client
//!   openapi-generator writes for [`VERSUS`] (`touch src/lib.rs`, `CARGO_INCREMENTAL=0`,
//!   dependencies already built), one build of each per round so that a change of the machine's
//!   load reaches every row alike; the ratio is ours to theirs, by median CPU time.
//!
//! openapi-generator is the pinned `openapi-generator-cli` of `tools/openapi-generator/`
//! (PyPI; it runs on Java), installed into `.tools/openapi-generator/` by `pip`. Without
//! `java` or `python3` the comparison is skipped with the reason; the other tables still print.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};

use super::{BENCH_TARGET_DIR, Seconds, Stats, generated_crates, measure, run_quietly, touch_file};
use crate::cargo_command;
use crate::files::display_path;
use crate::manifest::Manifest;

/// The crate whose document openapi-generator's client is generated from: the goal
/// (a crate-only build at most half of openapi-generator's) is stated for this one.
const VERSUS: &str = "magicline-connect";

/// The pip requirements file pinning openapi-generator, and where it is installed.
const OPENAPI_GENERATOR_REQUIREMENTS: &str = "tools/openapi-generator/requirements.txt";
const OPENAPI_GENERATOR_VENV: &str = ".tools/openapi-generator";

/// Where openapi-generator's client is written and built (its own workspace and target folder).
const OPENAPI_GENERATOR_OUT: &str = "target/bench-openapi-generator";

/// Runs the three tables.
pub fn run(root: &Path, builds: u32) -> Result<()> {
    let crates = generated_crates(root)?;
    generated_lines(&crates)?;
    let clients: Vec<&super::GeneratedCrate> = crates
        .iter()
        .filter(|krate| !krate.tags.is_empty())
        .collect();
    ir_lines(root, &clients)?;
    let theirs = match openapi_generator_client(root) {
        Ok(dir) => Some(dir),
        Err(err) => {
            println!();
            println!("openapi-generator's client is left out: {err:#}");
            None
        }
    };
    crate_only_builds(root, &clients, theirs.as_deref(), builds)
}

fn generated_lines(crates: &[super::GeneratedCrate]) -> Result<()> {
    println!();
    println!("## Code size: generated lines");
    println!();
    println!("| crate | `models.rs` lines | all `.rs` lines | string enums |");
    println!("|---|---:|---:|---:|");
    for krate in crates {
        let src = krate.dir.join("src");
        let models = std::fs::read_to_string(src.join("models.rs")).unwrap_or_default();
        let enums = models.matches("impl rt::StringEnum for ").count();
        let total: usize = rust_files(&src)?
            .iter()
            .map(|file| std::fs::read_to_string(file).map(|text| text.lines().count()))
            .sum::<std::io::Result<usize>>()
            .with_context(|| format!("cannot read {}", src.display()))?;
        println!(
            "| {} | {} | {total} | {enums} |",
            krate.name,
            models.lines().count()
        );
    }
    Ok(())
}

/// Every `.rs` file below `dir`.
fn rust_files(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    let entries =
        std::fs::read_dir(dir).with_context(|| format!("cannot read {}", dir.display()))?;
    for entry in entries {
        let path = entry?.path();
        if path.is_dir() {
            files.extend(rust_files(&path)?);
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            files.push(path);
        }
    }
    Ok(files)
}

fn ir_lines(root: &Path, clients: &[&super::GeneratedCrate]) -> Result<()> {
    println!();
    println!("## Code size: LLVM IR lines (debug, all features)");
    println!();
    println!(
        "Each: `CARGO_TARGET_DIR={BENCH_TARGET_DIR} cargo rustc -p CRATE --lib -- \
         --emit=llvm-ir,link`, then the lines of `{BENCH_TARGET_DIR}/debug/deps/CRATE-*.ll`."
    );
    println!();
    println!("| crate | IR lines | `define`d functions |");
    println!("|---|---:|---:|");
    let deps = root.join(BENCH_TARGET_DIR).join("debug").join("deps");
    for krate in clients {
        let stem = format!("{}-", krate.name.replace('-', "_"));
        let ir_files = || -> Result<Vec<PathBuf>> {
            let Ok(entries) = std::fs::read_dir(&deps) else {
                return Ok(Vec::new());
            };
            let mut files = Vec::new();
            for entry in entries {
                let path = entry?.path();
                let name = path.file_name().unwrap_or_default().to_string_lossy();
                if name.starts_with(&stem) && name.ends_with(".ll") {
                    files.push(path);
                }
            }
            Ok(files)
        };
        // A stale file of an earlier build would be counted too.
        for file in ir_files()? {
            std::fs::remove_file(&file)
                .with_context(|| format!("cannot remove {}", file.display()))?;
        }
        let mut command = cargo_command(root);
        command
            .env("CARGO_TARGET_DIR", BENCH_TARGET_DIR)
            .env("CARGO_INCREMENTAL", "0")
            .args(["rustc", "--quiet", "--package", &krate.name, "--lib", "--"])
            .arg("--emit=llvm-ir,link");
        run_quietly(&mut command)?;
        let (mut lines, mut functions) = (0, 0);
        for file in ir_files()? {
            let text = std::fs::read_to_string(&file)
                .with_context(|| format!("cannot read {}", file.display()))?;
            lines += text.lines().count();
            functions += text
                .lines()
                .filter(|line| line.starts_with("define "))
                .count();
        }
        if lines == 0 {
            bail!("no LLVM IR of {} in {}", krate.name, deps.display());
        }
        println!("| {} | {lines} | {functions} |", krate.name);
    }
    Ok(())
}

/// openapi-generator installed (pinned) and its Rust client for [`VERSUS`] written, with its
/// dependencies built; the client's folder.
fn openapi_generator_client(root: &Path) -> Result<PathBuf> {
    let java = Command::new("java").arg("-version").output();
    if !java.is_ok_and(|output| output.status.success()) {
        bail!("`java -version` fails: openapi-generator runs on Java");
    }
    let venv = root.join(OPENAPI_GENERATOR_VENV);
    let cli = venv.join("bin").join("openapi-generator-cli");
    if !cli.exists() {
        run_quietly(Command::new("python3").arg("-m").arg("venv").arg(&venv))
            .context("cannot make a Python virtual environment (python3 -m venv)")?;
        run_quietly(
            Command::new(venv.join("bin").join("pip"))
                .args(["install", "--quiet", "--requirement"])
                .arg(root.join(OPENAPI_GENERATOR_REQUIREMENTS)),
        )
        .context("cannot install openapi-generator-cli with pip")?;
    }
    let manifest = Manifest::load(root)?;
    let Some(api) = manifest.apis().iter().find(|api| api.crate_name == VERSUS) else {
        bail!("the manifest has no crate {VERSUS}");
    };
    let spec = api.downloaded_path(root);
    if !spec.exists() {
        bail!(
            "{} is missing; run `cargo xtask fetch-specs`",
            spec.display()
        );
    }
    let out = root.join(OPENAPI_GENERATOR_OUT).join(VERSUS);
    // `--skip-validate-spec`: its validator refuses documents that repeat a tag, which the
    // generation itself does not mind.
    run_quietly(
        Command::new(&cli)
            .args(["generate", "-g", "rust", "--skip-validate-spec", "-i"])
            .arg(&spec)
            .arg("-o")
            .arg(&out)
            .args([
                "--package-name",
                &format!("{}_openapi_generator", VERSUS.replace('-', "_")),
            ]),
    )
    .context("openapi-generator failed")?;
    // Its own workspace, not a member of ours.
    let cargo_toml = out.join("Cargo.toml");
    let text = std::fs::read_to_string(&cargo_toml)
        .with_context(|| format!("cannot read {}", cargo_toml.display()))?;
    if !text.contains("\n[workspace]") {
        std::fs::write(&cargo_toml, format!("{text}\n[workspace]\n"))
            .with_context(|| format!("cannot write {}", cargo_toml.display()))?;
    }
    // Dependencies first, untimed.
    run_quietly(&mut their_build(&out))?;
    Ok(out)
}

/// `cargo build` of openapi-generator's client in its own target folder.
fn their_build(dir: &Path) -> Command {
    let mut command = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    command
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", dir.join("target"))
        .env("CARGO_INCREMENTAL", "0")
        .args(["build", "--quiet"]);
    command
}

fn crate_only_builds(
    root: &Path,
    clients: &[&super::GeneratedCrate],
    theirs: Option<&Path>,
    builds: u32,
) -> Result<()> {
    let ours = |name: &str| {
        let mut command = cargo_command(root);
        command
            .env("CARGO_TARGET_DIR", BENCH_TARGET_DIR)
            .env("CARGO_INCREMENTAL", "0")
            .args(["build", "--quiet", "--package", name]);
        command
    };
    // (label, file to touch, command)
    let mut rows: Vec<(String, PathBuf, Command)> = Vec::new();
    for krate in clients {
        rows.push((
            format!("{} (this generator)", krate.name),
            krate.dir.join("src").join("lib.rs"),
            ours(&krate.name),
        ));
        if let (true, Some(dir)) = (krate.name == VERSUS, theirs) {
            rows.push((
                format!("{VERSUS}: openapi-generator 7.26.0, `-g rust`"),
                dir.join("src").join("lib.rs"),
                their_build(dir),
            ));
        }
    }
    for (_, _, command) in &mut rows {
        run_quietly(command)?;
    }
    println!();
    println!("## Code size: crate-only debug builds, side by side, {builds} rounds");
    println!();
    println!(
        "Each build: `touch src/lib.rs`, then `cargo build` of the crate alone with \
         CARGO_INCREMENTAL=0 (ours in CARGO_TARGET_DIR={BENCH_TARGET_DIR}, openapi-generator's \
         in `{}`); one build of every row per round.",
        display_path(root, &root.join(OPENAPI_GENERATOR_OUT))
    );
    println!();
    let mut runs: Vec<Vec<Stats>> = vec![Vec::new(); rows.len()];
    for _ in 0..builds {
        for ((_, lib, command), runs) in rows.iter_mut().zip(&mut runs) {
            touch_file(lib)?;
            runs.push(measure(1, None, command)?);
        }
    }
    println!("| crate | wall s (min / median) | CPU s (min / median) |");
    println!("|---|---:|---:|");
    let stats: Vec<Stats> = runs.iter().map(|runs| Stats::combine(runs)).collect();
    for ((label, _, _), stats) in rows.iter().zip(&stats) {
        let cpu = match (stats.cpu_min, stats.cpu_median) {
            (Some(min), Some(median)) => format!("{} / {}", Seconds(min), Seconds(median)),
            _ => "n/a".to_owned(),
        };
        println!(
            "| {label} | {} / {} | {cpu} |",
            Seconds(stats.wall_min),
            Seconds(stats.wall_median)
        );
    }
    if let (Some(ours), Some(theirs)) = (
        rows.iter()
            .position(|(label, _, _)| label.starts_with(&format!("{VERSUS} ("))),
        rows.iter()
            .position(|(label, _, _)| label.contains("openapi-generator")),
    ) {
        println!();
        println!(
            "{VERSUS} / openapi-generator's client ({}): {:.2}x; goal: at most 0.5x",
            Stats::KEY_NAME,
            stats[ours].ratio(&stats[theirs])
        );
    }
    Ok(())
}
