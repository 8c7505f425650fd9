//! Every tag feature of each generated crate compiles on its own, without a warning: the
//! generator's per-tag gating (which types each tag pulls in, computed from the reference graph)
//! leaves nothing out and nothing unused. So does the crate with no tag at all.
//!
//! One `cargo clippy -D warnings` per feature set, in `target/features` (its own folder: this
//! test runs inside a cargo that holds the lock on `target/debug`).

use std::path::{Path, PathBuf};
use std::process::Command;

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ is inside the workspace")
        .to_path_buf()
}

/// The `default` features of a generated crate: the generator makes them exactly its tags.
fn tags(crate_dir: &Path) -> Vec<String> {
    let path = crate_dir.join("Cargo.toml");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let line = text
        .lines()
        .find_map(|line| line.strip_prefix("default = ["))
        .unwrap_or_else(|| panic!("{} has no `default = [...]` feature", path.display()));
    line.trim_end_matches(']')
        .split(',')
        .map(|tag| tag.trim().trim_matches('"').to_owned())
        .filter(|tag| !tag.is_empty())
        .collect()
}

#[test]
fn each_tag_compiles_alone_without_warnings() {
    let root = workspace_root();
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let mut failures = Vec::new();
    let mut checked = 0;
    for krate in ["magicline", "magicline-connect"] {
        let tags = tags(&root.join("generated").join(krate));
        assert!(
            tags.len() > 1,
            "{krate}: expected several tag features, got {tags:?}"
        );
        // `None`: no tag at all (only the client and the types every tag shares, if any).
        for tag in std::iter::once(None).chain(tags.iter().map(Some)) {
            let mut command = Command::new(&cargo);
            command
                .current_dir(&root)
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
