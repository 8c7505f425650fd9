//! Rustdoc search finds every operation method by the names the API's own documentation uses:
//! its `operationId` and `METHOD /path` (the generated `#[doc(alias = …)]`s).
//!
//! Documents the committed `magicline-device` crate (`cargo doc --no-deps`, into
//! `target/doc-search`) and looks for each alias in rustdoc's search index: the name tables,
//! not the item descriptions, so a path that appears only in a method's doc text is not found.

use std::path::{Path, PathBuf};
use std::process::Command;

use workspace_tests::specs::DEVICE;
use workspace_tests::workspace_root;

/// The text of rustdoc's search index of every documented crate, without the item
/// descriptions: `search.index/` (one folder per table; `desc` is the descriptions) in current
/// rustdoc, `search-index.js` in older ones.
fn search_index(doc: &Path) -> String {
    let mut text = String::new();
    let legacy = doc.join("search-index.js");
    if legacy.is_file() {
        text.push_str(&std::fs::read_to_string(&legacy).expect("search-index.js is readable"));
    }
    let mut folders: Vec<PathBuf> = vec![doc.join("search.index")];
    while let Some(folder) = folders.pop() {
        let Ok(entries) = std::fs::read_dir(&folder) else {
            continue;
        };
        for entry in entries {
            let path = entry.expect("directory entry").path();
            if path.is_dir() {
                if path.file_name().is_some_and(|name| name != "desc") {
                    folders.push(path);
                }
            } else {
                text.push_str(&String::from_utf8_lossy(
                    &std::fs::read(&path).expect("index file is readable"),
                ));
            }
        }
    }
    text
}

#[test]
fn rustdoc_search_finds_each_method_by_operation_id_and_path() {
    let root = workspace_root();
    let target = root.join("target").join("doc-search");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let output = Command::new(&cargo)
        .current_dir(&root)
        .env("CARGO_TARGET_DIR", &target)
        .env_remove("RUSTDOCFLAGS")
        .args(["doc", "--no-deps", "--quiet", "-p", DEVICE.crate_name])
        .output()
        .expect("cargo runs");
    assert!(
        output.status.success(),
        "cargo doc failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let index = search_index(&target.join("doc"));
    assert!(
        index.contains("vending_sale"),
        "no search index found in {}",
        target.display()
    );

    let spec = codegen::Spec::parse(&DEVICE.text()).expect("the Device API spec parses");
    let model = codegen::lower(&spec, codegen::Surface::Client).expect("it lowers");
    let operations: Vec<_> = model
        .api
        .groups
        .iter()
        .flat_map(|group| &group.operations)
        .collect();
    assert!(!operations.is_empty());
    let mut missing = Vec::new();
    for op in operations {
        for alias in [op.id.clone(), format!("{} {}", op.http_method, op.path)] {
            if !index.contains(&alias) {
                missing.push(format!("{alias} (method `{}`)", op.method_name));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "rustdoc's search index lacks these aliases: {missing:?}"
    );
}
