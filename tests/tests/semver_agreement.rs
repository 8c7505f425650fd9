//! The change report (`specdiff`) agrees with `cargo-semver-checks`, the Rust ecosystem's tool
//! for the question it answers, on crates generated from document pairs: every pair in
//! `specdiff/tests/pairs/` (one change kind each), every pair in `specdiff/tests/fixtures/`,
//! and the real Open API pair 1.5.0 -> 1.11.1 from `../shared/specs`.
//!
//! For each pair, both crates are generated (same name, standalone) and:
//!
//! - everything `cargo-semver-checks` calls breaking is reported breaking: each item it names
//!   is named by a breaking change of the report;
//! - nothing reported breaking leaves the Rust API unchanged: when the report says breaking,
//!   the public-API listings of the two crates differ; and a breaking change the tool does not
//!   see is of a kind it has no lint for (a changed field or argument type).
//!
//! Needs the pinned `cargo-semver-checks` (`cargo xtask install-semver-checks`; `cargo xtask
//! test` installs it). Each run builds rustdoc JSON, so the pairs share one target folder.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use specdiff::{ChangeKind, Item, Report, Severity};
use workspace_tests::public_api;

/// A pair: its name and the two documents' texts.
struct Pair {
    name: String,
    old: String,
    new: String,
}

fn pairs_in(dir: &Path) -> Vec<Pair> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.expect("directory entry").path())
        .filter(|path| path.join("old.yaml").is_file())
        .collect();
    dirs.sort();
    dirs.into_iter()
        .map(|dir| {
            let read = |side: &str| {
                let path = dir.join(format!("{side}.yaml"));
                std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
            };
            Pair {
                name: dir.file_name().unwrap().to_string_lossy().into_owned(),
                old: read("old"),
                new: read("new"),
            }
        })
        .collect()
}

/// Writes the crate `pair` generated from `text` into `dir`; `None` when the generator refuses
/// the document (such pairs have nothing to compare).
fn generate(root: &Path, text: &str, dir: &Path) -> Option<BTreeMap<String, String>> {
    let spec = codegen::Spec::parse(text).ok()?;
    let runtime = root.join("runtime");
    let settings = codegen::Settings {
        standalone: true,
        ..codegen::Settings::new(
            "pair",
            "0.1.0",
            xtask::generation::workspace_runtime(runtime.to_str().expect("UTF-8 path")),
        )
    };
    let output = codegen::generate(&spec, &settings).ok()?;
    let mut sources = BTreeMap::new();
    for file in output.files {
        let path = dir.join(&file.path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &file.contents).unwrap();
        if let Some(source) = file.path.strip_prefix("src/") {
            sources.insert(source.to_owned(), file.contents);
        }
    }
    Some(sources)
}

/// The kinds `cargo-semver-checks` has no lint for: a type that changes but keeps its place.
fn invisible_to_semver_checks(kind: ChangeKind) -> bool {
    matches!(
        kind,
        ChangeKind::FieldTypeChanged
            | ChangeKind::VariantTypeChanged
            | ChangeKind::TypeChanged
            | ChangeKind::ResponseTypeChanged
            | ChangeKind::ErrorTypeChanged
            | ChangeKind::OptionalInputTypeChanged
            | ChangeKind::ArgumentsChanged
            | ChangeKind::ConstructorChanged
            | ChangeKind::RequestTypeRenamed
    )
}

/// The Rust names an item of the report stands for (its type, member, group or method).
fn names_of(item: &Item) -> Vec<&str> {
    match item {
        Item::Type(ty) | Item::Constructor(ty) => vec![ty],
        Item::Field { ty, field } => vec![ty, field],
        Item::Variant { ty, variant } | Item::ResponseVariant { ty, variant } => vec![ty, variant],
        Item::Group(group) => vec![group],
        Item::Operation { group, method } => vec![group, method],
        Item::Input { group, method, .. } => vec![group, method],
        Item::Feature(feature) => vec![feature],
    }
}

/// Whether a line of `cargo-semver-checks` names `item` or something generated for it: the
/// line names the item's own name (a field's `with_*` setter, an operation's request and mock
/// types, spelled in camel case) and, for a member of a type, that type.
fn covers(item: &Item, line: &str) -> bool {
    let squash = |text: &str| text.replace('_', "").to_lowercase();
    let line = squash(line);
    let names = names_of(item);
    let own = names
        .last()
        .is_some_and(|name| line.contains(&squash(name)));
    let owner = match item {
        Item::Operation { .. } | Item::Input { .. } => true,
        _ => line.contains(&squash(names[0])),
    };
    own && owner
}

/// What is wrong with the report of one pair, given the tool's verdict; empty when they agree.
fn disagreements(
    pair: &str,
    report: &Report,
    verdict: &xtask::semver::Verdict,
    listings_differ: bool,
) -> Vec<String> {
    let mut problems = Vec::new();
    let breaking: Vec<_> = report.with_severity(Severity::Breaking).collect();
    for failure in &verdict.failures {
        for line in &failure.items {
            if !breaking.iter().any(|change| covers(&change.item, line)) {
                problems.push(format!(
                    "{pair}: cargo-semver-checks `{}` finds `{line}`, which the report does not call breaking",
                    failure.lint
                ));
            }
        }
    }
    if report.has_breaking() && !listings_differ {
        problems.push(format!(
            "{pair}: the report calls changes breaking but the public API is unchanged"
        ));
    }
    if !verdict.is_breaking() {
        for change in &breaking {
            if !invisible_to_semver_checks(change.kind) {
                problems.push(format!(
                    "{pair}: the report calls `{}` ({}) breaking; cargo-semver-checks does not",
                    change.item, change.kind
                ));
            }
        }
    }
    problems
}

fn check_pairs(pairs: Vec<Pair>) {
    let root = xtask::project_root();
    let bin = xtask::semver::bin(&root);
    assert!(
        bin.is_file(),
        "{} is missing: run `cargo xtask install-semver-checks`",
        bin.display()
    );
    let work = root.join("target/semver-agreement");
    let mut problems = Vec::new();
    let mut compared = 0;
    for pair in pairs {
        let dir = work.join(&pair.name);
        let _ = std::fs::remove_dir_all(&dir);
        let (Some(old), Some(new)) = (
            generate(&root, &pair.old, &dir.join("old")),
            generate(&root, &pair.new, &dir.join("new")),
        ) else {
            continue;
        };
        let report = specdiff::diff(
            &codegen::Spec::parse(&pair.old).unwrap(),
            &codegen::Spec::parse(&pair.new).unwrap(),
        )
        .unwrap_or_else(|e| panic!("{}: {e}", pair.name));
        let verdict = xtask::semver::check(
            &bin,
            &dir.join("old"),
            &dir.join("new"),
            &work.join("target"),
        )
        .unwrap_or_else(|e| panic!("{}: {e:#}", pair.name));
        let listing = |sources| public_api::list(sources).unwrap_or_else(|e| panic!("{e}"));
        let listings_differ = listing(&old) != listing(&new);
        println!(
            "{}: report {} breaking, cargo-semver-checks {} failed lint(s)",
            pair.name,
            report.counts().breaking,
            verdict.failures.len()
        );
        problems.extend(disagreements(
            &pair.name,
            &report,
            &verdict,
            listings_differ,
        ));
        compared += 1;
    }
    assert!(compared > 0, "no pair could be compared");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_report_agrees_with_cargo_semver_checks_on_the_fixture_pairs() {
    let specdiff_tests = xtask::project_root().join("specdiff/tests");
    let mut pairs = pairs_in(&specdiff_tests.join("pairs"));
    pairs.extend(pairs_in(&specdiff_tests.join("fixtures")));
    check_pairs(pairs);
}

#[test]
fn the_report_agrees_with_cargo_semver_checks_on_the_real_pair() {
    let specs = xtask::project_root().join("../shared/specs");
    let read = |file: &str| {
        let path = specs.join(file);
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    };
    check_pairs(vec![Pair {
        name: "openapi-1.5.0-to-1.11.1".to_owned(),
        old: read("magicline-openapi-1.5.0.json"),
        new: read("magicline-openapi-1.11.1.json"),
    }]);
}
