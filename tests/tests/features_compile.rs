//! Every tag feature of each generated crate compiles on its own, without a warning: the
//! generator's per-tag gating (which types each tag pulls in, computed from the reference graph)
//! leaves nothing out and nothing unused. So does the crate with no tag at all.
//!
//! The runtime compiles in every feature set the generated crates use (types alone, the webhook
//! receiver, the client with each TLS backend, the mocks), and a crate of types alone depends on
//! no HTTP stack.
//!
//! One `cargo clippy -D warnings` per feature set, in `target/features` (its own folder: this
//! test runs inside a cargo that holds the lock on `target/debug`).

use std::path::{Path, PathBuf};

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ is inside the workspace")
        .to_path_buf()
}

#[test]
fn each_tag_compiles_alone_without_warnings() {
    let root = workspace_root();
    let mut failures = Vec::new();
    let mut checked = 0;
    let manifest = xtask::manifest::Manifest::load(&root).expect("specs/manifest.toml loads");
    for api in manifest.apis() {
        let krate = api.crate_name.as_str();
        if api.surface == codegen::Surface::ModelsOnly {
            // No operations, so no tag features: the crate alone, and with its one feature.
            for args in [&[][..], &["--features", "receiver"][..]] {
                checked += 1;
                failures.extend(clippy(&root, krate, args));
            }
            continue;
        }
        let tags = xtask::bench::default_features(&api.crate_dir(&root).join("Cargo.toml"))
            .expect("the generated Cargo.toml lists its tags")
            .tags;
        assert!(
            tags.len() > 1,
            "{krate}: expected several tag features, got {tags:?}"
        );
        // `None`: no tag at all (only the client and the types every tag shares, if any).
        for tag in std::iter::once(None).chain(tags.iter().map(Some)) {
            let mut args = vec!["--no-default-features"];
            if let Some(tag) = tag {
                args.extend(["--features", tag.as_str()]);
            }
            checked += 1;
            failures.extend(clippy(&root, krate, &args));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {checked} feature sets do not compile cleanly:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// `cargo clippy -D warnings` of `package` with `args`; the failure text, if any.
fn clippy(root: &Path, package: &str, args: &[&str]) -> Option<String> {
    let output = xtask::cargo_command(root)
        .env("CARGO_TARGET_DIR", root.join("target").join("features"))
        .env_remove("RUSTFLAGS")
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        .args([
            "clippy",
            "--quiet",
            "--message-format=short",
            "--package",
            package,
        ])
        .args(args)
        .args(["--", "-D", "warnings"])
        .output()
        .expect("cargo runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    (!output.status.success() || stderr.contains("warning"))
        .then(|| format!("{package} {args:?}:\n{stderr}"))
}

#[test]
fn the_runtime_compiles_in_each_feature_set_without_warnings() {
    let root = workspace_root();
    let sets: &[&[&str]] = &[
        &["--no-default-features"],
        &["--no-default-features", "--features", "webhook"],
        &["--no-default-features", "--features", "client"],
        &["--no-default-features", "--features", "rustls-ring"],
        &["--no-default-features", "--features", "rustls-aws-lc-rs"],
        &["--no-default-features", "--features", "native-tls"],
        &["--no-default-features", "--features", "mock,webhook"],
        &[],
    ];
    let failures: Vec<String> = sets
        .iter()
        .filter_map(|args| clippy(&root, "openapi-client-runtime", args))
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} runtime feature sets do not compile cleanly:\n{}",
        failures.len(),
        sets.len(),
        failures.join("\n")
    );
}

/// The packages `package` depends on (normal dependencies, with `args`), by `cargo tree`.
fn dependencies(root: &Path, package: &str, args: &[&str]) -> Vec<String> {
    let output = xtask::cargo_command(root)
        .args([
            "tree",
            "--quiet",
            "--package",
            package,
            "--edges",
            "normal",
            "--prefix",
            "none",
            "--format",
            "{p}",
        ])
        .args(args)
        .output()
        .expect("cargo runs");
    assert!(
        output.status.success(),
        "cargo tree -p {package} {args:?} failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|line| line.split_whitespace().next().map(str::to_owned))
        .collect()
}

#[test]
fn types_alone_need_no_http_stack_and_clients_no_c_tls_library() {
    let root = workspace_root();
    let manifest = xtask::manifest::Manifest::load(&root).expect("specs/manifest.toml loads");
    let http_stack = ["reqwest", "tokio", "hyper", "rustls"];
    let c_libraries = ["aws-lc-sys", "aws-lc-rs", "openssl-sys"];
    let mut problems = Vec::new();
    for api in manifest.apis() {
        let krate = api.crate_name.as_str();
        let (sets, forbidden): (&[&[&str]], &[&str]) = match api.surface {
            // The types with serde alone; the receiver adds no HTTP client either.
            codegen::Surface::ModelsOnly => (&[&[], &["--features", "receiver"]], &http_stack),
            // The default TLS backend builds without a C library.
            codegen::Surface::Client => (&[&[]], &c_libraries),
        };
        for args in sets {
            let found: Vec<String> = dependencies(&root, krate, args)
                .into_iter()
                .filter(|name| forbidden.contains(&name.as_str()))
                .collect();
            if !found.is_empty() {
                problems.push(format!("{krate} {args:?} depends on {found:?}"));
            }
        }
    }
    assert!(problems.is_empty(), "{problems:#?}");
}
