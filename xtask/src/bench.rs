//! `cargo xtask bench`: the figures of `BENCHMARKS.md`, each printed with the command behind it.
//!
//! Three parts, each runnable alone (`--only`):
//!
//! - **regenerate**: the generator binary regenerating both crates (up to date, so it parses,
//!   generates, formats and compares every file), and the same through `cargo xtask`, which adds
//!   cargo's own start-up;
//! - **compile**: each generated crate built alone with its dependencies already built (what an
//!   integrator pays on every clean build of their crate graph), with all features, with each
//!   tag's feature alone, and in release;
//! - **runtime**: the `bench` binary (decode throughput and memory against hand-written serde,
//!   per-request overhead against raw `reqwest`), which prints its own tables;
//! - **downstream**: fresh crates depending on a client (every tag, one tag) or on the webhook
//!   types alone, built from clean next to a baseline of the same `reqwest`, `tokio` and `serde`
//!   (`bench/downstream.rs`);
//! - **code-size**: generated lines, LLVM IR lines, and crate-only builds of the clients next to
//!   openapi-generator's client for the same document (`bench/code_size.rs`).
//!
//! Figures are wall time and, where the platform tells, CPU time (user + system of the command
//! and everything it started): on a shared machine CPU time moves less with other load. Ratios
//! come from one run. Nothing here asserts a target; the numbers are for people.

use std::fmt;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant, SystemTime};

use anyhow::{Context, Result, bail};
use clap::{Args, ValueEnum};

use crate::cargo_command;
use crate::fetch::{Refresh, SpecSource, ensure_specs};
use crate::files::display_path;
use crate::flags::SpecsFrom;
use crate::manifest::Manifest;

mod code_size;
mod downstream;

/// Arguments of `cargo xtask bench`.
#[derive(Debug, Args)]
pub struct BenchArgs {
    /// Measure only this part.
    #[arg(long, value_enum, default_value_t = Part::All)]
    pub only: Part,
    /// Timed runs of each build; the minimum and the median are printed.
    #[arg(long, value_name = "N", default_value_t = 3, value_parser = clap::value_parser!(u32).range(1..))]
    pub builds: u32,
    /// Timed runs of the generator; the minimum and the median are printed.
    #[arg(long, value_name = "N", default_value_t = 10, value_parser = clap::value_parser!(u32).range(1..))]
    pub regenerations: u32,
    /// Clean builds of each downstream crate (rounds of all cases, one after the other).
    #[arg(long, value_name = "N", default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..))]
    pub rounds: u32,
    /// The client crate of the downstream benchmark (default: the manifest's first client).
    #[arg(long, value_name = "CRATE")]
    pub client: Option<String>,
    /// The tag of the downstream benchmark's one-tag case (default: the client's first tag).
    #[arg(long, value_name = "TAG")]
    pub tag: Option<String>,
    /// Where to take missing specs from.
    #[command(flatten)]
    pub from: SpecsFrom,
    /// Arguments for the runtime benchmark binary (see `cargo run -p bench --release -- --help`).
    #[arg(last = true, value_name = "BENCH ARGS")]
    pub bench_args: Vec<String>,
}

/// A part of the benchmarks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Part {
    /// Every part, in the order below.
    All,
    /// The generator.
    Regenerate,
    /// Builds of the generated crates.
    Compile,
    /// Decoding and requests (the `bench` binary).
    Runtime,
    /// Clean builds of fresh crates depending on a client, against a baseline of its stack.
    Downstream,
    /// Generated lines, LLVM IR lines, and crate-only builds next to openapi-generator's.
    CodeSize,
    /// Clean builds of the baseline with each TLS backend (not part of `all`).
    Tls,
}

impl Part {
    fn includes(self, part: Part) -> bool {
        self == part || (self == Part::All && part != Part::Tls)
    }
}

/// Where the compile benchmark builds: its own target folder, so that switching features and
/// profiles there never invalidates the workspace's usual `target/debug`.
const BENCH_TARGET_DIR: &str = "target/bench";

/// Runs the parts `args` asks for.
pub fn run(root: &Path, args: &BenchArgs) -> Result<()> {
    print_machine(root);
    if args.only.includes(Part::Regenerate) {
        regenerate(root, args)?;
    }
    if args.only.includes(Part::Compile) {
        compile(root, args.builds)?;
    }
    if args.only.includes(Part::Runtime) {
        runtime(root, &args.bench_args)?;
    }
    if args.only.includes(Part::Downstream) {
        downstream::run(
            root,
            &downstream::Options {
                rounds: args.rounds,
                client: args.client.as_deref(),
                tag: args.tag.as_deref(),
            },
        )?;
    }
    if args.only.includes(Part::CodeSize) {
        code_size::run(root, args.builds)?;
    }
    if args.only.includes(Part::Tls) {
        downstream::tls(root, args.rounds)?;
    }
    Ok(())
}

fn print_machine(root: &Path) {
    let cpus = std::thread::available_parallelism().map_or(0, usize::from);
    let rustc = Command::new("rustc")
        .arg("--version")
        .current_dir(root)
        .output()
        .ok()
        .map(|output| String::from_utf8_lossy(&output.stdout).trim().to_owned())
        .unwrap_or_else(|| "rustc: unknown".to_owned());
    println!("# Benchmarks");
    println!();
    println!("machine: {cpus} CPUs, {}, {rustc}", std::env::consts::ARCH);
    if let Some(load) = load_average() {
        println!("load average (1, 5, 15 min) at the start: {load}");
    }
}

/// `/proc/loadavg`'s first three fields, where there is one: how busy the machine was.
fn load_average() -> Option<String> {
    let text = std::fs::read_to_string("/proc/loadavg").ok()?;
    Some(
        text.split_whitespace()
            .take(3)
            .collect::<Vec<_>>()
            .join(", "),
    )
}

// ---------------------------------------------------------------------------------------------
// Regenerate

fn regenerate(root: &Path, args: &BenchArgs) -> Result<()> {
    let manifest = Manifest::load(root)?;
    ensure_specs(
        root,
        &manifest,
        &SpecSource::new(args.from.from.clone()),
        Refresh::IfMissing,
    )?;
    // Timing a regeneration that writes would time the first run differently from the others
    // (and change the work tree): start from an up-to-date tree.
    let problems = crate::generation::stale_files(root)?;
    if !problems.is_empty() {
        bail!(
            "generated/ is not up to date ({}); run `cargo xtask regenerate` first, so that every \
             timed run does the same work",
            problems.join("; ")
        );
    }
    let xtask = std::env::current_exe().context("cannot find the running xtask binary")?;
    let runs = args.regenerations;
    println!();
    println!(
        "## Regenerate: both crates, up to date (parse, generate, format, compare), {runs} runs"
    );
    println!();
    let table = Table::start(false);
    let mut binary = Command::new(&xtask);
    binary.arg("regenerate").current_dir(root);
    let stats = measure(runs, None, &mut binary)?;
    table.row(
        &format!("{} regenerate", display_path(root, &xtask)),
        &stats,
        None,
    );
    let mut cargo = cargo_command(root);
    cargo.args(["xtask", "regenerate"]);
    let through_cargo = measure(runs, None, &mut cargo)?;
    table.row("cargo xtask regenerate", &through_cargo, None);
    println!();
    println!(
        "The first row is the generator alone; the second adds cargo's start-up (checking that \
         xtask is up to date). Target: under 0.5 s wall for both crates."
    );
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Compile

/// A generated crate and its tag features, from its `Cargo.toml`.
struct GeneratedCrate {
    name: String,
    dir: PathBuf,
    tags: Vec<String>,
}

fn generated_crates(root: &Path) -> Result<Vec<GeneratedCrate>> {
    let manifest = Manifest::load(root)?;
    manifest
        .apis()
        .iter()
        .map(|api| {
            let dir = api.crate_dir(root);
            let tags = default_features(&dir.join("Cargo.toml"))?.tags;
            Ok(GeneratedCrate {
                name: api.crate_name.clone(),
                dir,
                tags,
            })
        })
        .collect()
}

/// The `default` features of a generated client crate.
#[derive(Debug, PartialEq, Eq)]
pub struct DefaultFeatures {
    /// The tag features: those that enable nothing else (`tag = []`).
    pub tags: Vec<String>,
    /// The others, such as the TLS backend, which forward to the runtime.
    pub others: Vec<String>,
}

/// The `default` features of the generated crate whose `Cargo.toml` is `cargo_toml`.
pub fn default_features(cargo_toml: &Path) -> Result<DefaultFeatures> {
    let text = std::fs::read_to_string(cargo_toml)
        .with_context(|| format!("cannot read {}", cargo_toml.display()))?;
    let document: toml_edit::DocumentMut = text
        .parse()
        .with_context(|| format!("{} is not valid TOML", cargo_toml.display()))?;
    let Some(default) = document
        .get("features")
        .and_then(|features| features.get("default"))
        .and_then(|default| default.as_array())
    else {
        bail!("{} has no `features.default` list", cargo_toml.display());
    };
    let features = document.get("features");
    let is_tag = |name: &str| {
        features
            .and_then(|features| features.get(name))
            .and_then(|definition| definition.as_array())
            .is_some_and(|definition| definition.is_empty())
    };
    let (tags, others) = default
        .iter()
        .filter_map(|feature| feature.as_str().map(str::to_owned))
        .partition(|feature| is_tag(feature));
    Ok(DefaultFeatures { tags, others })
}

fn compile(root: &Path, builds: u32) -> Result<()> {
    for krate in generated_crates(root)? {
        let lib = krate.dir.join("src").join("lib.rs");
        let build = |extra: &[&str]| {
            let mut command = cargo_command(root);
            command
                .env("CARGO_TARGET_DIR", BENCH_TARGET_DIR)
                // A clean build of a dependency is not incremental; nor is this one.
                .env("CARGO_INCREMENTAL", "0")
                .args(["build", "--quiet", "--package", &krate.name])
                .args(extra);
            command
        };
        println!();
        println!(
            "## Compile: {}, the crate alone (its dependencies already built), {builds} builds each",
            krate.name
        );
        println!();
        println!(
            "Each build: `touch {}`, then the command, with CARGO_TARGET_DIR={BENCH_TARGET_DIR} \
             CARGO_INCREMENTAL=0.",
            display_path(root, &lib)
        );
        println!();
        // Dependencies first, untimed.
        for profile in [&[][..], &["--release"][..]] {
            run_quietly(&mut build(profile))?;
        }
        let table = Table::start(true);
        let all = measure(builds, Some(&lib), &mut build(&[]))?;
        table.row(&format!("cargo build -p {}", krate.name), &all, None);
        let mut tags = Vec::new();
        for tag in &krate.tags {
            let stats = measure(
                builds,
                Some(&lib),
                &mut build(&["--no-default-features", "--features", tag]),
            )?;
            table.row(
                &format!(
                    "cargo build -p {} --no-default-features --features {tag}",
                    krate.name
                ),
                &stats,
                Some(&all),
            );
            tags.push((tag, stats));
        }
        let none = measure(builds, Some(&lib), &mut build(&["--no-default-features"]))?;
        table.row(
            &format!("cargo build -p {} --no-default-features", krate.name),
            &none,
            Some(&all),
        );
        let release = measure(builds, Some(&lib), &mut build(&["--release"]))?;
        table.row(
            &format!("cargo build -p {} --release", krate.name),
            &release,
            None,
        );
        println!();
        if let (Some(smallest), Some(largest)) = (
            tags.iter().min_by_key(|(_, stats)| stats.key()),
            tags.iter().max_by_key(|(_, stats)| stats.key()),
        ) {
            println!(
                "one tag / all features ({}): smallest {} ({:.0}%), largest {} ({:.0}%); target: under 33%",
                Stats::KEY_NAME,
                smallest.0,
                100.0 * smallest.1.ratio(&all),
                largest.0,
                100.0 * largest.1.ratio(&all),
            );
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Runtime

fn runtime(root: &Path, bench_args: &[String]) -> Result<()> {
    println!();
    let mut command = cargo_command(root);
    command.args([
        "run",
        "--quiet",
        "--release",
        "--package",
        "bench",
        "--bin",
        "bench",
    ]);
    if !bench_args.is_empty() {
        command.arg("--").args(bench_args);
    }
    // The binary prints its own tables (and the command behind them).
    let status = command
        .status()
        .with_context(|| format!("cannot run `{}`", CommandLine(&command)))?;
    if !status.success() {
        bail!("`{}` failed ({status})", CommandLine(&command));
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Measuring

/// Minimum and median of some runs of one command.
#[derive(Debug, Clone, Copy)]
struct Stats {
    wall_min: Duration,
    wall_median: Duration,
    /// `None` where the platform does not report the CPU time of child processes.
    cpu_min: Option<Duration>,
    cpu_median: Option<Duration>,
}

impl Stats {
    /// What comparisons use: the median CPU time where known (it moves less with other load on
    /// the machine than wall time), else the median wall time.
    const KEY_NAME: &'static str = "median CPU time where known, else wall";

    fn key(&self) -> Duration {
        self.cpu_median.unwrap_or(self.wall_median)
    }

    fn ratio(&self, to: &Stats) -> f64 {
        self.key().as_secs_f64() / to.key().as_secs_f64().max(f64::EPSILON)
    }

    /// The summary of several single runs (each one [`measure`] of one run).
    fn combine(runs: &[Stats]) -> Stats {
        let mut walls: Vec<Duration> = runs.iter().map(|run| run.wall_min).collect();
        let mut cpus: Vec<Duration> = runs.iter().filter_map(|run| run.cpu_min).collect();
        let cpu =
            (!cpus.is_empty() && cpus.len() == walls.len()).then(|| min_and_median(&mut cpus));
        let (wall_min, wall_median) = min_and_median(&mut walls);
        Stats {
            wall_min,
            wall_median,
            cpu_min: cpu.map(|(min, _)| min),
            cpu_median: cpu.map(|(_, median)| median),
        }
    }
}

/// Runs `command` `runs` times (after `touch`ing `touch`, if given) and summarises the times.
fn measure(runs: u32, touch: Option<&Path>, command: &mut Command) -> Result<Stats> {
    let mut walls = Vec::new();
    let mut cpus = Vec::new();
    for _ in 0..runs {
        if let Some(path) = touch {
            touch_file(path)?;
        }
        let cpu_before = children_cpu_time();
        let started = Instant::now();
        let output = command
            .output()
            .with_context(|| format!("cannot run `{}`", CommandLine(command)))?;
        walls.push(started.elapsed());
        if let (Some(before), Some(after)) = (cpu_before, children_cpu_time()) {
            cpus.push(after.saturating_sub(before));
        }
        if !output.status.success() {
            bail!(
                "`{}` failed ({}):\n{}{}",
                CommandLine(command),
                output.status,
                String::from_utf8_lossy(&output.stdout),
                String::from_utf8_lossy(&output.stderr)
            );
        }
    }
    let cpu = (cpus.len() == walls.len()).then(|| min_and_median(&mut cpus));
    let (wall_min, wall_median) = min_and_median(&mut walls);
    Ok(Stats {
        wall_min,
        wall_median,
        cpu_min: cpu.map(|(min, _)| min),
        cpu_median: cpu.map(|(_, median)| median),
    })
}

fn run_quietly(command: &mut Command) -> Result<()> {
    measure(1, None, command).map(drop)
}

fn min_and_median(samples: &mut [Duration]) -> (Duration, Duration) {
    samples.sort_unstable();
    (samples[0], samples[samples.len() / 2])
}

/// Sets the file's modification time to now, so that cargo rebuilds its crate.
fn touch_file(path: &Path) -> Result<()> {
    std::fs::File::options()
        .append(true)
        .open(path)
        .and_then(|file| file.set_modified(SystemTime::now()))
        .with_context(|| format!("cannot touch {}", path.display()))
}

/// User plus system CPU time of this process's finished children (and theirs, once waited for),
/// from `/proc/self/stat` (Linux); `None` elsewhere.
fn children_cpu_time() -> Option<Duration> {
    children_cpu_time_in(&std::fs::read_to_string("/proc/self/stat").ok()?)
}

/// The `cutime` + `cstime` of a `/proc/<pid>/stat` line.
fn children_cpu_time_in(stat: &str) -> Option<Duration> {
    // The command name (field 2) is parenthesised and may contain spaces and parentheses;
    // count from after its last `)`.
    let after_name = &stat[stat.rfind(')')? + 1..];
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    // Fields 16 and 17 of proc(5) (`cutime`, `cstime`) are at 13 and 14 after the name.
    let ticks: u64 = fields.get(13)?.parse::<u64>().ok()? + fields.get(14)?.parse::<u64>().ok()?;
    // Clock ticks are USER_HZ, which Linux fixes at 100 for user space on every architecture.
    Some(Duration::from_millis(ticks * 10))
}

/// A Markdown table of timings, with a column comparing each row to the all-features build
/// where there is one.
#[derive(Clone, Copy)]
struct Table {
    compared: bool,
}

impl Table {
    fn start(compared: bool) -> Table {
        if compared {
            println!(
                "| command | wall s (min / median) | CPU s (min / median) | vs all features |"
            );
            println!("|---|---:|---:|---:|");
        } else {
            println!("| command | wall s (min / median) | CPU s (min / median) |");
            println!("|---|---:|---:|");
        }
        Table { compared }
    }

    fn row(self, command: &str, stats: &Stats, all: Option<&Stats>) {
        let cpu = match (stats.cpu_min, stats.cpu_median) {
            (Some(min), Some(median)) => format!("{} / {}", Seconds(min), Seconds(median)),
            _ => "n/a".to_owned(),
        };
        let ratio = match (self.compared, all) {
            (false, _) => String::new(),
            (true, None) => " |".to_owned(),
            (true, Some(all)) => format!(" {:.0}% |", 100.0 * stats.ratio(all)),
        };
        println!(
            "| `{command}` | {} / {} | {cpu} |{ratio}",
            Seconds(stats.wall_min),
            Seconds(stats.wall_median)
        );
    }
}

/// A duration printed as seconds with two decimals.
struct Seconds(Duration);

impl fmt::Display for Seconds {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:.2}", self.0.as_secs_f64())
    }
}

/// A command as a person would type it, for messages.
struct CommandLine<'a>(&'a Command);

impl fmt::Display for CommandLine<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (name, value) in self.0.get_envs() {
            if let Some(value) = value {
                write!(f, "{}={} ", name.to_string_lossy(), value.to_string_lossy())?;
            }
        }
        write!(f, "{}", Path::new(self.0.get_program()).display())?;
        for arg in self.0.get_args() {
            write!(f, " {}", arg.to_string_lossy())?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_features_are_read_from_the_generated_manifest() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("Cargo.toml");
        std::fs::write(
            &path,
            "[package]\nname = \"x\"\n\n[features]\ndefault = [\"pets\", \"stores\", \"tls\"]\npets = []\nstores = []\nmock = []\ntls = [\"rt/tls\"]\n",
        )
        .unwrap();
        assert_eq!(
            default_features(&path).unwrap(),
            DefaultFeatures {
                tags: vec!["pets".to_owned(), "stores".to_owned()],
                others: vec!["tls".to_owned()],
            }
        );
        std::fs::write(&path, "[package]\nname = \"x\"\n").unwrap();
        let error = default_features(&path).unwrap_err().to_string();
        assert!(error.contains("has no `features.default` list"), "{error}");
    }

    #[test]
    fn median_of_an_odd_and_an_even_count() {
        let ms = Duration::from_millis;
        assert_eq!(min_and_median(&mut [ms(3), ms(1), ms(2)]), (ms(1), ms(2)));
        assert_eq!(
            min_and_median(&mut [ms(4), ms(1), ms(3), ms(2)]),
            (ms(1), ms(3))
        );
    }

    #[test]
    fn children_cpu_time_is_read_after_the_command_name() {
        let stat = "1234 (x (y) z) S 1 1234 1234 0 -1 4194304 100 0 0 0 5 3 7 2 20 0 1 0 99 1 2";
        assert_eq!(children_cpu_time_in(stat), Some(Duration::from_millis(90)));
        assert_eq!(children_cpu_time_in("1234 (x) S 1 2"), None);
        assert_eq!(children_cpu_time_in("garbage"), None);
    }

    #[test]
    fn command_lines_show_environment_and_arguments() {
        let mut command = Command::new("cargo");
        command
            .env("CARGO_INCREMENTAL", "0")
            .args(["build", "-p", "x"]);
        assert_eq!(
            CommandLine(&command).to_string(),
            "CARGO_INCREMENTAL=0 cargo build -p x"
        );
    }
}
