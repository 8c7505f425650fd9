//! `cargo xtask test`: every check the project has, in order, as a list of steps so that new
//! ones (a mock server to install, say) are one more entry. Two tiers: the full suite, which CI
//! runs (`.ci/run`), and `--quick` for the inner loop. Each run ends with a table of the time
//! each step took (Markdown, as `BENCHMARKS.md` keeps the latest).

use std::fmt;
use std::io::{self, BufRead, BufReader, Write};
use std::path::Path;
use std::process::{ExitStatus, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};

use crate::fetch::{Refresh, SpecSource, ensure_specs};
use crate::manifest::Manifest;

/// One step of `cargo xtask test`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// Fetch the specs that are missing or differ from the manifest.
    FetchSpecs,
    /// Install the Prism mock server the contract tests need (`cargo xtask install-prism`).
    InstallPrism,
    /// Install cargo-semver-checks, which the report's agreement test runs
    /// (`cargo xtask install-semver-checks`).
    InstallSemverChecks,
    /// Remove the build folders of the builds tests run themselves (fixture crates, feature
    /// sets, semver checks), on CI only: nothing after the test step needs them, and a CI
    /// machine's disk is small. Locally they are kept, so the next run reuses them.
    FreeNestedBuilds,
    /// Generate a crate for every document of the corpus and of the Magicline specs, and
    /// check each with clippy (`cargo xtask corpus --clippy`).
    Corpus,
    /// `cargo test` of the quick tier: every unit test of [`QUICK_PACKAGES`] and the test
    /// targets of [`QUICK_TESTS`], in one cargo run (one build, features unified once).
    QuickTests,
    /// Sample instances from every component schema of the Magicline specs and the corpus and
    /// check that the generated crates decode, tag and round-trip them, against the list of
    /// known failures (`cargo xtask conformance`).
    Conformance,
    /// Run `cargo` in the workspace root.
    Cargo {
        /// Arguments after `cargo`.
        args: &'static [&'static str],
        /// Extra environment variables.
        env: &'static [(&'static str, &'static str)],
    },
}

impl fmt::Display for Step {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Step::FetchSpecs => f.write_str("fetch specs"),
            Step::InstallPrism => f.write_str("install prism"),
            Step::InstallSemverChecks => f.write_str("install cargo-semver-checks"),
            Step::FreeNestedBuilds => f.write_str("free nested build folders (CI only)"),
            Step::Corpus => f.write_str("cargo xtask corpus --clippy"),
            Step::QuickTests => write!(
                f,
                "cargo test: unit tests of {} packages, {} quick test targets",
                QUICK_PACKAGES.len(),
                QUICK_TESTS.len()
            ),
            Step::Conformance => f.write_str("cargo xtask conformance"),
            Step::Cargo { args, env } => {
                for (name, value) in *env {
                    write!(f, "{name}={value:?} ")?;
                }
                write!(f, "cargo {}", args.join(" "))
            }
        }
    }
}

/// Which steps `cargo xtask test` runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tier {
    /// Everything, as CI runs it (`.ci/run`).
    Full,
    /// The inner loop (`--quick`): the unit, snapshot and tidy tests and the other tests that
    /// start no server program and no cargo build of their own ([`QUICK_TESTS`]); no Prism, no
    /// fixture, feature or semver builds, no doc tests, clippy, rustdoc or corpus.
    Quick,
}

/// The steps of `cargo xtask test` in `tier`, in the order they run.
pub fn steps(tier: Tier) -> Vec<Step> {
    match tier {
        Tier::Full => full_steps(),
        Tier::Quick => quick_steps(),
    }
}

fn full_steps() -> Vec<Step> {
    vec![
        Step::FetchSpecs,
        Step::InstallPrism,
        Step::InstallSemverChecks,
        Step::Cargo {
            args: &["test", "--workspace", "--all-targets"],
            env: &[],
        },
        Step::FreeNestedBuilds,
        Step::Cargo {
            args: &["test", "--workspace", "--doc"],
            env: &[],
        },
        Step::Cargo {
            args: &[
                "clippy",
                "--workspace",
                "--all-targets",
                "--",
                "-D",
                "warnings",
            ],
            env: &[],
        },
        Step::Cargo {
            args: &["doc", "--workspace", "--no-deps"],
            env: &[("RUSTDOCFLAGS", "-D warnings")],
        },
        Step::Corpus,
        // `Step::Conformance` joins here (`cargo xtask conformance`, against the ratchet
        // `xtask/conformance-known-failures.txt`) once the list is re-run on main after the
        // generator changes of issue 21 still landing (discriminated unions; `readOnly` made
        // optional, which changes the `missing-required` cases): the list was made from a
        // complete run just before them, and a stale list fails the step both ways. To enable:
        // `cargo xtask conformance --update-known`, review the diff, add the step here.
    ]
}

/// The packages whose tests the quick tier runs: every hand-written one but `examples` (its
/// tests run the example programs against Prism) and `bench` (no tests).
pub const QUICK_PACKAGES: &[&str] = &[
    "codegen",
    "specdiff",
    "xtask",
    "contract-calls",
    "openapi-client-runtime",
    "workspace-tests",
];

/// The test targets (`<package>/tests/<name>.rs`) the quick tier runs, besides every unit test.
pub const QUICK_TESTS: &[&str] = &[
    // codegen: snapshots of small fixture specs, errors and warnings, name settings.
    "snapshots",
    "errors",
    "names",
    // specdiff: reports of spec pairs.
    "fixtures",
    "real_specs",
    // runtime: against servers in the test process.
    "client",
    "models",
    // workspace-tests: tidy, up to date, public API snapshots, examples, mocks, in-process
    // servers, exact numbers.
    "tidy",
    "generated_up_to_date",
    "public_api",
    "examples_decode",
    "mock_connect",
    "mock_device",
    "discriminated",
    "mock_faults",
    "mock_flows",
    "mock_reports",
    "client_api",
    "webhooks",
    "exact_numbers",
];

/// The test targets only the full suite runs, and why.
pub const FULL_ONLY_TESTS: &[(&str, &str)] = &[
    ("contract_openapi", "Prism"),
    ("contract_connect", "Prism"),
    ("contract_device", "Prism"),
    ("fixtures_compile", "a cargo build of every fixture crate"),
    ("doc_search", "a cargo doc of a generated crate"),
    (
        "features_compile",
        "a cargo build of every tag feature alone and of each runtime feature set",
    ),
    (
        "semver_agreement",
        "cargo-semver-checks, two builds per pair",
    ),
    ("examples_run", "the example programs against Prism"),
    ("device_and_webhooks", "the example programs"),
    ("command_lines", "the example programs"),
];

fn quick_steps() -> Vec<Step> {
    vec![Step::FetchSpecs, Step::QuickTests]
}

/// The arguments after `cargo` of [`Step::QuickTests`].
pub fn quick_test_args() -> Vec<&'static str> {
    let mut args = vec!["test"];
    for package in QUICK_PACKAGES {
        args.extend(["-p", package]);
    }
    args.extend(["--lib", "--bins"]);
    for test in QUICK_TESTS {
        args.extend(["--test", test]);
    }
    args
}

/// Build folders of the builds that tests start themselves, relative to the workspace root.
const NESTED_BUILDS: &[&str] = &[
    "target/fixtures",
    "target/features",
    "target/doc-search",
    "target/semver-agreement",
];

/// Cargo settings on CI, inherited by the builds tests start themselves. Incremental caches
/// and debug info are most of a test build's disk, and a CI machine's disk is small; the caches
/// only speed up a next build, which a CI run never has, and panics still name file and line.
const CI_ENV: &[(&str, &str)] = &[
    ("CARGO_INCREMENTAL", "0"),
    ("CARGO_PROFILE_DEV_DEBUG", "false"),
];

/// Whether this runs on CI (`CI` set, as CI services do, and not `false` or `0`).
pub fn on_ci() -> bool {
    std::env::var("CI").is_ok_and(|value| !matches!(value.trim(), "" | "false" | "0"))
}

/// A step of `cargo xtask test` failed; `cargo xtask` exits with [`StepFailed::exit_code`].
#[derive(Debug)]
pub struct StepFailed {
    /// The step, as its header shows it.
    pub step: String,
    /// The exit code of the step's command, or `None` when it was killed by a signal.
    pub code: Option<i32>,
}

impl StepFailed {
    /// The step's own exit code, or 1 when it has none.
    pub fn exit_code(&self) -> u8 {
        self.code
            .and_then(|code| u8::try_from(code).ok())
            .filter(|code| *code != 0)
            .unwrap_or(1)
    }
}

impl fmt::Display for StepFailed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.code {
            Some(code) => write!(f, "`{}` failed with exit code {code}", self.step)?,
            None => write!(f, "`{}` was killed", self.step)?,
        }
        f.write_str(": fix what it reported above, then run `cargo xtask test` again")
    }
}

impl std::error::Error for StepFailed {}

/// Runs every step of `tier`, stopping at the first failure, and closes with the number of
/// tests that passed, failed and were skipped over all `cargo test` runs, and the table of step
/// times.
pub fn run(root: &Path, source: &SpecSource, tier: Tier) -> Result<()> {
    let steps = steps(tier);
    let mut times = StepTimes::default();
    let result = run_steps(root, source, &steps, &mut times);
    println!("{times}");
    result
}

fn run_steps(
    root: &Path,
    source: &SpecSource,
    steps: &[Step],
    times: &mut StepTimes,
) -> Result<()> {
    let mut tally = Tally::default();
    let ci = on_ci();
    if ci {
        println!(
            "CI: incremental compilation and debug info off, nested build folders removed after use"
        );
    }
    for (index, step) in steps.iter().enumerate() {
        println!("==> [{}/{}] {step}", index + 1, steps.len());
        let start = Instant::now();
        let result = run_step(root, source, step, ci, &mut tally);
        times.push(step.to_string(), start.elapsed());
        result?;
    }
    println!("==> all {} steps passed", steps.len());
    println!("{tally}");
    Ok(())
}

/// Runs one step; `tally` counts the tests of `cargo test` steps.
fn run_step(
    root: &Path,
    source: &SpecSource,
    step: &Step,
    ci: bool,
    tally: &mut Tally,
) -> Result<()> {
    let ci_env: &[(&str, &str)] = if ci { CI_ENV } else { &[] };
    match step {
        Step::FetchSpecs => {
            let manifest = Manifest::load(root)?;
            ensure_specs(root, &manifest, source, Refresh::IfMismatched)?;
        }
        Step::InstallPrism => {
            crate::prism::install(root)?;
        }
        Step::InstallSemverChecks => {
            crate::semver::install(root)?;
        }
        Step::FreeNestedBuilds => {
            if ci {
                free_nested_builds(root)?;
            }
        }
        Step::Corpus => {
            let args = crate::corpus::CorpusArgs::for_test_suite();
            if !ci && !root.join(&args.corpus).is_dir() {
                println!("skipped: no corpus folder at {}", args.corpus.display());
                return Ok(());
            }
            let result = crate::corpus::run_with_env(root, &args, ci_env);
            if ci {
                remove_folder(&root.join("target/corpus"))?;
            }
            result?;
        }
        Step::Conformance => {
            let args = crate::conformance::ConformanceArgs::for_test_suite();
            if !ci && !root.join(&args.corpus).is_dir() {
                println!("skipped: no corpus folder at {}", args.corpus.display());
                return Ok(());
            }
            let result = crate::conformance::run_with_env(root, &args, ci_env);
            if ci {
                remove_folder(&root.join(crate::conformance::WORK))?;
            }
            result?;
        }
        Step::QuickTests => {
            let args = quick_test_args();
            println!("$ cargo {}", args.join(" "));
            run_cargo_step(root, step, &args, ci_env, tally)?;
        }
        Step::Cargo { args, env } => {
            let env: Vec<(&str, &str)> = env.iter().chain(ci_env).copied().collect();
            run_cargo_step(root, step, args, &env, tally)?;
        }
    }
    Ok(())
}

/// Runs `cargo args` as `step`; a failure is a [`StepFailed`] with cargo's exit code.
fn run_cargo_step(
    root: &Path,
    step: &Step,
    args: &[&str],
    env: &[(&str, &str)],
    tally: &mut Tally,
) -> Result<()> {
    let status = run_cargo(root, args, env, tally)
        .with_context(|| format!("cannot run `{step}`: is cargo on the PATH?"))?;
    if !status.success() {
        println!("{tally}");
        return Err(StepFailed {
            step: step.to_string(),
            code: status.code(),
        }
        .into());
    }
    Ok(())
}

/// How long each step took, in the order they ran.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct StepTimes(Vec<(String, Duration)>);

impl StepTimes {
    /// Records that `step` took `time`.
    pub fn push(&mut self, step: String, time: Duration) {
        self.0.push((step, time));
    }
}

impl fmt::Display for StepTimes {
    /// A Markdown table: one row per step that ran, then the total.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let total: Duration = self.0.iter().map(|(_, time)| *time).sum();
        let width = (self.0.iter().map(|(step, _)| step.len() + 2))
            .max()
            .unwrap_or(0)
            .max("step".len());
        writeln!(f, "==> step times")?;
        writeln!(f, "| {:<width$} | seconds |", "step")?;
        writeln!(f, "|{}|--------:|", "-".repeat(width + 2))?;
        for (step, time) in &self.0 {
            let step = format!("`{step}`");
            writeln!(f, "| {step:<width$} | {:>7.1} |", time.as_secs_f64())?;
        }
        write!(f, "| {:<width$} | {:>7.1} |", "total", total.as_secs_f64())
    }
}

fn free_nested_builds(root: &Path) -> Result<()> {
    for folder in NESTED_BUILDS {
        remove_folder(&root.join(folder))?;
    }
    Ok(())
}

fn remove_folder(folder: &Path) -> Result<()> {
    match std::fs::remove_dir_all(folder) {
        Ok(()) => {
            println!("removed {}", folder.display());
            Ok(())
        }
        Err(err) if err.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(err) => Err(err).with_context(|| format!("cannot remove {}", folder.display())),
    }
}

/// Runs cargo, echoing its standard output line by line and counting the tests it reports.
fn run_cargo(
    root: &Path,
    args: &[&str],
    env: &[(&str, &str)],
    tally: &mut Tally,
) -> io::Result<ExitStatus> {
    let mut child = crate::cargo_command(root)
        .args(args)
        .envs(env.iter().copied())
        .stdout(Stdio::piped())
        .spawn()?;
    if let Some(output) = child.stdout.take() {
        let mut output = BufReader::new(output);
        let mut line = Vec::new();
        let mut stdout = io::stdout();
        while output.read_until(b'\n', &mut line)? > 0 {
            tally.count(&String::from_utf8_lossy(&line));
            stdout.write_all(&line)?;
            stdout.flush()?;
            line.clear();
        }
    }
    child.wait()
}

/// Tests counted from libtest's `test result:` lines.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Tally {
    /// Tests that passed.
    pub passed: u64,
    /// Tests that failed.
    pub failed: u64,
    /// Tests that were ignored.
    pub skipped: u64,
}

impl Tally {
    /// Adds the counts of `line` if it is a libtest summary
    /// (`test result: ok. 28 passed; 0 failed; 1 ignored; ...`).
    pub fn count(&mut self, line: &str) {
        let Some(rest) = line.trim().strip_prefix("test result: ") else {
            return;
        };
        for part in rest.split(';') {
            let mut words = part.split_whitespace().rev();
            let (Some(what), Some(number)) = (words.next(), words.next()) else {
                continue;
            };
            let Ok(number) = number.parse::<u64>() else {
                continue;
            };
            match what {
                "passed" => self.passed += number,
                "failed" => self.failed += number,
                "ignored" => self.skipped += number,
                _ => {}
            }
        }
    }
}

impl fmt::Display for Tally {
    /// The closing line CI reads: `tests: 30 passed, 0 failed, 1 skipped`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "tests: {} passed, {} failed, {} skipped",
            self.passed, self.failed, self.skipped
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_run_fetch_first_and_show_their_commands() {
        let headers: Vec<String> = steps(Tier::Full).iter().map(Step::to_string).collect();
        assert_eq!(
            headers,
            [
                "fetch specs",
                "install prism",
                "install cargo-semver-checks",
                "cargo test --workspace --all-targets",
                "free nested build folders (CI only)",
                "cargo test --workspace --doc",
                "cargo clippy --workspace --all-targets -- -D warnings",
                "RUSTDOCFLAGS=\"-D warnings\" cargo doc --workspace --no-deps",
                "cargo xtask corpus --clippy",
            ]
        );
    }

    #[test]
    fn the_quick_tier_runs_one_cargo_test_of_the_quick_targets() {
        assert_eq!(steps(Tier::Quick), [Step::FetchSpecs, Step::QuickTests]);
        assert_eq!(
            Step::QuickTests.to_string(),
            "cargo test: unit tests of 6 packages, 20 quick test targets"
        );
        let command = quick_test_args().join(" ");
        assert!(
            command.starts_with("test -p codegen -p specdiff -p xtask ")
                && command.contains(" -p workspace-tests --lib --bins --test snapshots ")
                && command.ends_with("--test exact_numbers"),
            "{command}"
        );
        assert!(!command.contains("contract_") && !command.contains("--all-targets"));
    }

    /// Every test target of the workspace's hand-written packages is either quick or left to
    /// the full suite for a reason, so that a new one is placed on purpose.
    #[test]
    fn every_test_target_has_a_tier() {
        let root = crate::project_root();
        let mut unplaced = Vec::new();
        for (_, dir) in crate::tidy::hand_written_packages(&root).unwrap() {
            let Ok(entries) = std::fs::read_dir(dir.join("tests")) else {
                continue;
            };
            for entry in entries {
                let path = entry.unwrap().path();
                let name = match path.extension() {
                    Some(ext) if ext == "rs" => path.file_stem(),
                    _ if path.join("main.rs").is_file() => path.file_name(),
                    _ => None,
                };
                let Some(name) = name.and_then(|n| n.to_str()) else {
                    continue;
                };
                let quick = QUICK_TESTS.contains(&name);
                let full = FULL_ONLY_TESTS.iter().any(|(full, _)| *full == name);
                if quick == full {
                    unplaced.push(path.display().to_string());
                }
            }
        }
        assert!(
            unplaced.is_empty(),
            "test targets in no tier or both (add each to QUICK_TESTS or FULL_ONLY_TESTS): {unplaced:?}"
        );
    }

    #[test]
    fn step_times_are_a_markdown_table_with_a_total() {
        let mut times = StepTimes::default();
        times.push("fetch specs".into(), Duration::from_millis(250));
        times.push("cargo test -p codegen".into(), Duration::from_secs(95));
        assert_eq!(
            times.to_string(),
            "==> step times\n\
             | step                    | seconds |\n\
             |-------------------------|--------:|\n\
             | `fetch specs`           |     0.2 |\n\
             | `cargo test -p codegen` |    95.0 |\n\
             | total                   |    95.2 |"
        );
    }

    #[test]
    fn the_conformance_step_shows_its_command() {
        assert_eq!(Step::Conformance.to_string(), "cargo xtask conformance");
    }

    #[test]
    fn tests_are_counted_from_libtest_summaries() {
        let mut tally = Tally::default();
        tally.count("test result: ok. 28 passed; 0 failed; 2 ignored; 0 measured; 0 filtered out; finished in 0.03s\n");
        tally.count("test result: FAILED. 3 passed; 1 failed; 0 ignored; 0 measured; 5 filtered out; finished in 1s");
        tally.count("test parse::passed ... ok");
        tally.count("running 4 tests");
        assert_eq!(
            tally,
            Tally {
                passed: 31,
                failed: 1,
                skipped: 2
            }
        );
        assert_eq!(tally.to_string(), "tests: 31 passed, 1 failed, 2 skipped");
    }

    #[test]
    fn a_failed_step_passes_its_exit_code_through() {
        let failed = StepFailed {
            step: "cargo test".into(),
            code: Some(101),
        };
        assert_eq!(failed.exit_code(), 101);
        assert!(
            failed
                .to_string()
                .starts_with("`cargo test` failed with exit code 101: ")
        );
        assert_eq!(
            StepFailed {
                step: String::new(),
                code: None
            }
            .exit_code(),
            1
        );
        assert_eq!(
            StepFailed {
                step: String::new(),
                code: Some(300)
            }
            .exit_code(),
            1
        );
    }
}
