//! `cargo xtask bench --only downstream`: what a new user of a client pays on a clean build.
//!
//! Fresh crates outside the workspace (in [`DOWNSTREAM_DIR`], each its own workspace, with the
//! workspace's `Cargo.lock` so that every case builds the same dependency versions), each built
//! from an empty target folder:
//!
//! - **baseline**: only `reqwest`, `tokio` and `serde`, as the runtime depends on them (the
//!   workspace's entries, with the TLS backend the runtime's default features turn on);
//! - **client, default features**: the baseline plus a client crate with every tag;
//! - **client, one tag**: the baseline plus the client with one tag's feature alone;
//! - **types alone**: a models-only crate (webhook events) with its default features, and
//!   nothing else.
//!
//! `--only tls` builds the baseline with each TLS backend the runtime offers instead: what the
//! choice of the default rests on.
//!
//! The cases of one round are built one after the other, and rounds repeat, so that a change of
//! the machine's load reaches every case alike. Ratios are against the baseline of the same run.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use toml_edit::{DocumentMut, Item, Table as TomlTable, value};

use super::{Seconds, Stats, load_average, measure};
use crate::cargo_command;
use crate::files::display_path;
use crate::manifest::{Api, Manifest};

/// Where the fresh crates and their target folders are made.
const DOWNSTREAM_DIR: &str = "target/bench-downstream";

/// The dependencies of the baseline, as the workspace declares them for the runtime.
const BASELINE_DEPENDENCIES: [&str; 3] = ["reqwest", "tokio", "serde"];

/// A TLS backend of reqwest: what the baseline adds to the workspace's entries for it.
struct Tls {
    /// The row's name.
    name: &'static str,
    /// The folder of its case in the TLS comparison.
    dir: &'static str,
    /// Features of `reqwest`.
    reqwest_features: &'static [&'static str],
    /// Other workspace dependencies it needs (the crypto provider).
    dependencies: &'static [&'static str],
}

/// The backends the runtime offers, the default (its default feature `rustls-ring`) first.
const TLS_BACKENDS: [Tls; 4] = [
    Tls {
        name: "rustls with ring (`rustls-ring`, the default)",
        dir: "tls-rustls-ring",
        reqwest_features: &["rustls-no-provider"],
        dependencies: &["rustls"],
    },
    Tls {
        name: "rustls with aws-lc-rs (`rustls-aws-lc-rs`)",
        dir: "tls-rustls-aws-lc-rs",
        reqwest_features: &["rustls"],
        dependencies: &[],
    },
    Tls {
        name: "native-tls (OpenSSL)",
        dir: "tls-native-tls",
        reqwest_features: &["native-tls"],
        dependencies: &[],
    },
    Tls {
        name: "no TLS (`client` alone: `http://` only)",
        dir: "tls-none",
        reqwest_features: &[],
        dependencies: &[],
    },
];

/// The goals of the issue, each a case's CPU time against the baseline's.
struct Goal {
    /// "adds at most 30%", "under a quarter".
    text: &'static str,
    /// Whether a ratio to the baseline meets it.
    met: fn(f64) -> bool,
}

/// One fresh crate.
struct Case {
    /// The row's name.
    label: String,
    /// Its folder name under [`DOWNSTREAM_DIR`].
    dir: &'static str,
    /// The `[dependencies]` table, as TOML text.
    dependencies: String,
    goal: Option<Goal>,
}

/// Options of the downstream benchmark.
pub struct Options<'a> {
    /// Clean builds of each case.
    pub rounds: u32,
    /// The client crate (default: the manifest's first client).
    pub client: Option<&'a str>,
    /// The one tag (default: the client's first tag).
    pub tag: Option<&'a str>,
}

/// Builds every case from clean, `options.rounds` times, and prints the table.
pub fn run(root: &Path, options: &Options<'_>) -> Result<()> {
    let manifest = Manifest::load(root)?;
    let client = pick(&manifest, options.client, codegen::Surface::Client)?;
    let types = pick(&manifest, None, codegen::Surface::ModelsOnly)?;
    let defaults = super::default_features(&client.crate_dir(root).join("Cargo.toml"))?;
    let tags = &defaults.tags;
    let tag = match options.tag {
        Some(tag) if tags.iter().any(|known| known == tag) => tag.to_owned(),
        Some(tag) => bail!(
            "{} has no tag feature `{tag}` (it has {})",
            client.crate_name,
            tags.join(", ")
        ),
        None => tags
            .first()
            .with_context(|| format!("{} has no tag features", client.crate_name))?
            .clone(),
    };
    // The one-tag case keeps the other defaults (the TLS backend): only the tags differ.
    let features: Vec<&str> = std::iter::once(tag.as_str())
        .chain(defaults.others.iter().map(String::as_str))
        .collect();
    let cases = cases(root, client, &features, types)?;
    println!();
    println!(
        "## Downstream: a fresh crate built from clean, {} round(s)",
        options.rounds
    );
    measure_cases(root, &cases, options.rounds)
}

/// The baseline with each TLS backend, built from clean, `rounds` times: what choosing one costs.
pub fn tls(root: &Path, rounds: u32) -> Result<()> {
    let cases = TLS_BACKENDS
        .iter()
        .map(|tls| {
            Ok(Case {
                label: format!("reqwest, tokio, serde; {}", tls.name),
                dir: tls.dir,
                dependencies: baseline_dependencies(root, tls)?,
                goal: None,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    println!();
    println!("## TLS backends: the baseline built from clean with each, {rounds} round(s)");
    measure_cases(root, &cases, rounds)
}

/// Writes the cases, builds each from clean `rounds` times (a round builds every case once),
/// and prints the table against the first case.
fn measure_cases(root: &Path, cases: &[Case], rounds: u32) -> Result<()> {
    let base = root.join(DOWNSTREAM_DIR);
    for case in cases {
        write_case(root, &base.join(case.dir), case)?;
    }
    println!();
    println!(
        "Each build: `cargo build` in {}/<case> with an empty target folder (dev profile, \
         dependencies from the workspace's Cargo.lock, already downloaded).",
        display_path(root, &base)
    );
    if let Some(load) = load_average() {
        println!("load average (1, 5, 15 min) before the builds: {load}");
    }
    let mut samples: Vec<Vec<Stats>> = cases.iter().map(|_| Vec::new()).collect();
    for _ in 0..rounds {
        for (case, samples) in cases.iter().zip(&mut samples) {
            samples.push(clean_build(root, &base.join(case.dir))?);
        }
    }
    let stats: Vec<Stats> = samples.iter().map(|runs| Stats::combine(runs)).collect();
    print_table(cases, &stats);
    if let Some(load) = load_average() {
        println!();
        println!("load average (1, 5, 15 min) after the builds: {load}");
    }
    Ok(())
}

/// The manifest's api named `crate_name`, else its first of `surface`.
fn pick<'m>(
    manifest: &'m Manifest,
    crate_name: Option<&str>,
    surface: codegen::Surface,
) -> Result<&'m Api> {
    let found = match crate_name {
        Some(name) => manifest.apis().iter().find(|api| api.crate_name == name),
        None => manifest.apis().iter().find(|api| api.surface == surface),
    };
    found.with_context(|| match crate_name {
        Some(name) => format!("specs/manifest.toml has no crate `{name}`"),
        None => format!("specs/manifest.toml has no crate with surface {surface:?}"),
    })
}

/// The cases; `features` are the one-tag case's: the tag first, then the other defaults.
fn cases(root: &Path, client: &Api, features: &[&str], types: &Api) -> Result<Vec<Case>> {
    let tls = &TLS_BACKENDS[0];
    let baseline = baseline_dependencies(root, tls)?;
    let path = |api: &Api| api.crate_dir(root).display().to_string();
    Ok(vec![
        Case {
            label: format!("baseline: reqwest, tokio, serde; {}", tls.name),
            dir: "baseline",
            dependencies: baseline.clone(),
            goal: None,
        },
        Case {
            label: format!(
                "baseline + {}, default features (every tag)",
                client.crate_name
            ),
            dir: "client-all",
            dependencies: format!(
                "{baseline}{} = {{ path = {:?} }}\n",
                client.crate_name,
                path(client)
            ),
            goal: Some(Goal {
                text: "adds at most 30%",
                met: |ratio| ratio <= 1.30,
            }),
        },
        Case {
            label: format!(
                "baseline + {} with only `{}`",
                client.crate_name, features[0]
            ),
            dir: "client-one-tag",
            dependencies: format!(
                "{baseline}{} = {{ path = {:?}, default-features = false, features = {features:?} }}\n",
                client.crate_name,
                path(client)
            ),
            goal: Some(Goal {
                text: "adds at most 10%",
                met: |ratio| ratio <= 1.10,
            }),
        },
        Case {
            label: format!("{} alone (types, no receiver)", types.crate_name),
            dir: "types-alone",
            dependencies: format!("{} = {{ path = {:?} }}\n", types.crate_name, path(types)),
            goal: Some(Goal {
                text: "under a quarter of the baseline",
                met: |ratio| ratio < 0.25,
            }),
        },
    ])
}

/// The baseline's `[dependencies]`: the workspace's entries for [`BASELINE_DEPENDENCIES`] and
/// the backend's, with the backend's `reqwest` features.
fn baseline_dependencies(root: &Path, tls: &Tls) -> Result<String> {
    let path = root.join("Cargo.toml");
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("cannot read {}", path.display()))?;
    let document: DocumentMut = text
        .parse()
        .with_context(|| format!("{} is not valid TOML", path.display()))?;
    let mut table = TomlTable::new();
    for name in BASELINE_DEPENDENCIES.iter().chain(tls.dependencies) {
        let Some(entry) = document
            .get("workspace")
            .and_then(|workspace| workspace.get("dependencies"))
            .and_then(|dependencies| dependencies.get(name))
        else {
            bail!("{} has no `workspace.dependencies.{name}`", path.display());
        };
        let mut entry = entry.clone();
        if *name == "reqwest" && !tls.reqwest_features.is_empty() {
            add_features(&mut entry, tls.reqwest_features)
                .with_context(|| format!("{}: `workspace.dependencies.{name}`", path.display()))?;
        }
        table.insert(name, entry);
    }
    Ok(table.to_string())
}

/// Adds `features` to a dependency entry (a version string or an inline table).
fn add_features(entry: &mut Item, features: &[&str]) -> Result<()> {
    if let Some(version) = entry.as_str() {
        let mut inline = toml_edit::InlineTable::new();
        inline.insert("version", version.into());
        *entry = value(inline);
    }
    let Some(inline) = entry.as_inline_table_mut() else {
        bail!("expected a version or an inline table");
    };
    let list = inline
        .entry("features")
        .or_insert_with(|| toml_edit::Array::new().into());
    let Some(list) = list.as_array_mut() else {
        bail!("`features` is not a list");
    };
    for feature in features {
        list.push(*feature);
    }
    Ok(())
}

/// Writes the case's crate: its own workspace, a library naming nothing, the workspace's lock.
fn write_case(root: &Path, dir: &Path, case: &Case) -> Result<()> {
    std::fs::create_dir_all(dir.join("src"))
        .with_context(|| format!("cannot create {}", dir.display()))?;
    let manifest = format!(
        "[package]\nname = \"downstream-{}\"\nversion = \"0.0.0\"\nedition = \"2024\"\n\
         publish = false\n\n# Not a member of the repository's workspace.\n[workspace]\n\n\
         [dependencies]\n{}",
        case.dir, case.dependencies
    );
    let files: [(PathBuf, String); 2] = [
        (dir.join("Cargo.toml"), manifest),
        (
            dir.join("src").join("lib.rs"),
            "//! A downstream crate of the build benchmark.\n".to_owned(),
        ),
    ];
    for (path, contents) in files {
        std::fs::write(&path, contents)
            .with_context(|| format!("cannot write {}", path.display()))?;
    }
    let lock = dir.join("Cargo.lock");
    std::fs::copy(root.join("Cargo.lock"), &lock)
        .with_context(|| format!("cannot write {}", lock.display()))?;
    // Resolve and download untimed (the lock already pins every version).
    let mut fetch = cargo_command(dir);
    fetch.arg("fetch").arg("--quiet");
    measure(1, None, &mut fetch).map(drop)
}

/// One `cargo build` of the case in `dir` from an empty target folder.
fn clean_build(root: &Path, dir: &Path) -> Result<Stats> {
    let target = dir.join("target");
    if target.exists() {
        std::fs::remove_dir_all(&target)
            .with_context(|| format!("cannot remove {}", display_path(root, &target)))?;
    }
    let mut build = cargo_command(dir);
    build
        .env("CARGO_TARGET_DIR", &target)
        .args(["build", "--quiet"]);
    measure(1, None, &mut build)
}

fn print_table(cases: &[Case], stats: &[Stats]) {
    println!();
    println!("| case | wall s (min / median) | CPU s (min / median) | vs baseline (CPU) | goal |");
    println!("|---|---:|---:|---:|---|");
    let baseline = &stats[0];
    for (case, stats) in cases.iter().zip(stats) {
        let cpu = match (stats.cpu_min, stats.cpu_median) {
            (Some(min), Some(median)) => format!("{} / {}", Seconds(min), Seconds(median)),
            _ => "n/a".to_owned(),
        };
        let ratio = stats.ratio(baseline);
        let goal = case.goal.as_ref().map_or(String::new(), |goal| {
            let verdict = if (goal.met)(ratio) { "met" } else { "not met" };
            format!("{}: {verdict}", goal.text)
        });
        println!(
            "| {} | {} / {} | {cpu} | {:.0}% | {goal} |",
            case.label,
            Seconds(stats.wall_min),
            Seconds(stats.wall_median),
            100.0 * ratio
        );
    }
    println!();
    println!(
        "Ratios use the {} of each case against the baseline's.",
        Stats::KEY_NAME
    );
}
