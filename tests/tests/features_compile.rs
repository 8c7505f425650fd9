//! Every tag feature of each generated crate compiles on its own, without a warning: the
//! generator's per-tag gating (which types each tag pulls in, computed from the reference graph)
//! leaves nothing out and nothing unused. So does the crate with no tag at all.
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
            for features in [None, Some("receiver")] {
                let mut command = xtask::cargo_command(&root);
                command
                    .env("CARGO_TARGET_DIR", root.join("target").join("features"))
                    .env_remove("RUSTFLAGS")
                    .env_remove("CARGO_ENCODED_RUSTFLAGS")
                    .args([
                        "clippy",
                        "--quiet",
                        "--message-format=short",
                        "--package",
                        krate,
                    ]);
                if let Some(features) = features {
                    command.args(["--features", features]);
                }
                let output = command
                    .args(["--", "-D", "warnings"])
                    .output()
                    .expect("cargo runs");
                let stderr = String::from_utf8_lossy(&output.stderr);
                checked += 1;
                if !output.status.success() || stderr.contains("warning") {
                    failures.push(format!("{krate} {features:?}:\n{stderr}"));
                }
            }
            continue;
        }
        let tags = xtask::bench::default_features(&api.crate_dir(&root).join("Cargo.toml"))
            .expect("the generated Cargo.toml lists its tags");
        assert!(
            tags.len() > 1,
            "{krate}: expected several tag features, got {tags:?}"
        );
        // `None`: no tag at all (only the client and the types every tag shares, if any).
        for tag in std::iter::once(None).chain(tags.iter().map(Some)) {
            let mut command = xtask::cargo_command(&root);
            command
                .env("CARGO_TARGET_DIR", root.join("target").join("features"))
                .env_remove("RUSTFLAGS")
                .env_remove("CARGO_ENCODED_RUSTFLAGS")
                .args([
                    "clippy",
                    "--quiet",
                    "--message-format=short",
                    "--package",
                    krate,
                ])
                .arg("--no-default-features");
            if let Some(tag) = tag {
                command.args(["--features", tag]);
            }
            let output = command
                .args(["--", "-D", "warnings"])
                .output()
                .expect("cargo runs");
            let stderr = String::from_utf8_lossy(&output.stderr);
            checked += 1;
            if !output.status.success() || stderr.contains("warning") {
                let features = tag.map_or("no tag".to_owned(), |tag| format!("--features {tag}"));
                failures.push(format!("{krate} {features}:\n{stderr}"));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {checked} feature sets do not compile cleanly:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
