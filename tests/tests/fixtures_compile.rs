//! Every codegen fixture (`codegen/tests/fixtures/`) generates a crate that compiles without a
//! single warning, with all its features (the `mock` module included), checked with clippy
//! (`-D warnings`) in one cargo invocation.
//!
//! Where `tests/fixture-tests/<crate name>/` holds integration tests for a fixture crate (for
//! behaviour that compiling does not show), they are copied into the crate's `tests/`, linted
//! with it, and then run.
//!
//! The crates are written into a throwaway workspace that uses the real runtime crate, a copy of
//! this workspace's `Cargo.lock` (so nothing new is resolved) and `target/fixtures` as target
//! directory (so dependencies are built once and reused by later runs).

use std::path::{Path, PathBuf};
use std::process::Command;

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ is inside the workspace")
        .to_path_buf()
}

/// Fixture files, sorted, as (crate directory name, path).
fn fixtures() -> Vec<(String, PathBuf)> {
    let dir = workspace_root()
        .join("codegen")
        .join("tests")
        .join("fixtures");
    let mut fixtures: Vec<(String, PathBuf)> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.expect("directory entry").path())
        .filter(|path| {
            matches!(
                path.extension().and_then(|e| e.to_str()),
                Some("yaml" | "json")
            )
        })
        .map(|path| {
            let stem = path
                .file_stem()
                .and_then(|s| s.to_str())
                .expect("UTF-8 file name");
            (format!("fixture-{}", stem.replace('_', "-")), path)
        })
        .collect();
    fixtures.sort();
    fixtures
}

#[test]
fn every_fixture_compiles_without_warnings() {
    let root = workspace_root();
    let runtime = root
        .join("runtime")
        .canonicalize()
        .expect("runtime crate exists");
    let temp = tempfile::tempdir().expect("temporary directory");

    let fixtures = fixtures();
    assert!(!fixtures.is_empty(), "no fixtures found");
    let mut members = Vec::new();
    let mut tested = Vec::new();
    for (crate_name, path) in &fixtures {
        let text = std::fs::read_to_string(path).expect("fixture is readable");
        let spec =
            codegen::Spec::parse(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let settings = codegen::Settings {
            crate_name: crate_name.clone(),
            crate_version: "0.1.0".to_owned(),
            runtime: xtask::generation::workspace_runtime(runtime.to_str().expect("UTF-8 path")),
            spec_source: path
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or_default()
                .to_owned(),
            spec_sha256: String::new(),
            standalone: false,
            // The convention of codegen's snapshot test.
            surface: if crate_name.starts_with("fixture-models-only-") {
                codegen::Surface::ModelsOnly
            } else {
                codegen::Surface::Client
            },
            names: codegen::NameSettings::default(),
        };
        let output = codegen::generate(&spec, &settings)
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let crate_dir = temp.path().join(crate_name);
        for file in &output.files {
            let target = crate_dir.join(&file.path);
            std::fs::create_dir_all(target.parent().expect("file has a parent"))
                .expect("create directory");
            std::fs::write(&target, &file.contents).expect("write generated file");
        }
        if copy_behaviour_tests(&root, crate_name, &crate_dir) {
            tested.push(crate_name.clone());
        }
        members.push(format!("    \"{crate_name}\",\n"));
    }
    // No debug info: these builds are only checked and tested, and debug info is most of the
    // disk a test build takes.
    let manifest = format!(
        "[workspace]\nresolver = \"3\"\nmembers = [\n{}]\n\n[profile.dev]\ndebug = false\n",
        members.concat()
    );
    std::fs::write(temp.path().join("Cargo.toml"), manifest).expect("write workspace manifest");
    std::fs::copy(root.join("Cargo.lock"), temp.path().join("Cargo.lock"))
        .expect("copy Cargo.lock");

    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let output = Command::new(&cargo)
        .current_dir(temp.path())
        .env("CARGO_TARGET_DIR", root.join("target").join("fixtures"))
        .env_remove("RUSTFLAGS")
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        .args([
            "clippy",
            "--workspace",
            "--all-targets",
            // Every group and the `mock` module: what a user enabling everything compiles.
            "--all-features",
            "--keep-going",
            "--quiet",
            "--message-format=short",
            "--",
            "-D",
            "warnings",
        ])
        .output()
        .expect("cargo runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success() && !stderr.contains("warning"),
        "fixture crates do not compile cleanly (generated into {}):\n{stderr}",
        temp.keep().display(),
    );

    assert!(!tested.is_empty(), "no fixture behaviour tests found");
    let mut test = Command::new(&cargo);
    test.current_dir(temp.path())
        .env("CARGO_TARGET_DIR", root.join("target").join("fixtures"))
        .env_remove("RUSTFLAGS")
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        .args(["test", "--quiet", "--tests", "--all-features"]);
    for crate_name in &tested {
        test.args(["--package", crate_name]);
    }
    let output = test.output().expect("cargo runs");
    assert!(
        output.status.success(),
        "fixture behaviour tests failed (generated into {}):\n{}\n{}",
        temp.keep().display(),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr),
    );
}

/// Copies `tests/fixture-tests/<crate_name>/*.rs` into the generated crate's `tests/` (with tokio
/// as a dev-dependency, for async tests); true if there were any.
fn copy_behaviour_tests(root: &Path, crate_name: &str, crate_dir: &Path) -> bool {
    let source = root.join("tests").join("fixture-tests").join(crate_name);
    let Ok(entries) = std::fs::read_dir(&source) else {
        return false;
    };
    let target = crate_dir.join("tests");
    std::fs::create_dir_all(&target).expect("create tests directory");
    let mut copied = false;
    for entry in entries {
        let path = entry.expect("directory entry").path();
        if path.extension().is_some_and(|e| e == "rs") {
            let name = path.file_name().expect("file name");
            std::fs::copy(&path, target.join(name)).expect("copy fixture test");
            copied = true;
        }
    }
    if copied {
        // Async tests (against the crate's mock server) need an executor; the version is the
        // one already in the copied `Cargo.lock`.
        let manifest = crate_dir.join("Cargo.toml");
        let mut text = std::fs::read_to_string(&manifest).expect("read generated Cargo.toml");
        text.push_str(
            "\n[dev-dependencies]\ntokio = { version = \"1\", features = [\"macros\", \"rt-multi-thread\"] }\n",
        );
        std::fs::write(&manifest, text).expect("write generated Cargo.toml");
    }
    copied
}
