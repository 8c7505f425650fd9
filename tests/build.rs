//! Writes the contract calls of every client crate in `specs/manifest.toml`
//! (`contract_calls::generate`) to `OUT_DIR/contract_calls/<crate>.rs`, where the contract and
//! example tests `include!` them. Derived from the fetched spec and the generator at build time,
//! they cannot go stale, and no generated crate carries a file its users never build.
//!
//! A spec that was not fetched yet gets calls with no operations (and a build warning); the tests
//! that use them read the spec themselves and fail with the command that fetches it.

use std::fs;
use std::path::Path;

fn main() {
    let tests = Path::new(env!("CARGO_MANIFEST_DIR"));
    let root = tests.parent().unwrap_or(tests);
    let manifest_path = root.join("specs").join("manifest.toml");
    println!("cargo::rerun-if-changed={}", manifest_path.display());
    let manifest: toml_edit::DocumentMut = fs::read_to_string(&manifest_path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", manifest_path.display()))
        .parse()
        .unwrap_or_else(|e| panic!("{} is not valid TOML: {e}", manifest_path.display()));
    let out =
        Path::new(&std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR")).join("contract_calls");
    fs::create_dir_all(&out).unwrap_or_else(|e| panic!("cannot create {}: {e}", out.display()));
    let apis = manifest["api"].as_array_of_tables().into_iter().flatten();
    for api in apis.filter(|api| api.get("surface").and_then(|s| s.as_str()) != Some("models")) {
        let field = |key: &str| {
            api.get(key)
                .and_then(|value| value.as_str())
                .unwrap_or_else(|| {
                    panic!("an [[api]] of {} has no `{key}`", manifest_path.display())
                })
        };
        let (file, crate_name) = (field("file"), field("crate"));
        let names = api.get("names").map(name_settings).unwrap_or_default();
        let spec_path = root.join("specs").join("downloaded").join(file);
        println!("cargo::rerun-if-changed={}", spec_path.display());
        let calls = match fs::read_to_string(&spec_path) {
            Ok(text) => codegen::Spec::parse(&text)
                .and_then(|spec| contract_calls::generate(&spec, crate_name, &names))
                .unwrap_or_else(|e| panic!("contract calls for {}: {e}", spec_path.display())),
            Err(_) => {
                println!(
                    "cargo::warning=specs/downloaded/{file} is missing: the contract calls of \
                     `{crate_name}` are empty (fetch the specs: `cargo xtask fetch-specs`)"
                );
                contract_calls::without_spec(crate_name)
            }
        };
        let path = out.join(format!("{crate_name}.rs"));
        if fs::read_to_string(&path).ok().as_deref() != Some(calls.as_str()) {
            fs::write(&path, calls)
                .unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
        }
    }
}

/// The `[api.names]` table as `cargo xtask regenerate` reads it (`xtask/src/manifest.rs`
/// `name_settings`, which also rejects a malformed one: the calls of a crate named otherwise
/// would not compile).
fn name_settings(item: &toml_edit::Item) -> codegen::NameSettings {
    let strings = |key: &str| {
        let list = item.get(key).and_then(|value| value.as_array());
        list.into_iter()
            .flatten()
            .filter_map(|value| value.as_str().map(str::to_owned))
            .collect()
    };
    let rename = item.get("rename").and_then(|value| value.as_table_like());
    codegen::NameSettings {
        strip_prefixes: strings("strip_prefixes"),
        rename: (rename.into_iter().flat_map(|table| table.iter()))
            .filter_map(|(old, new)| Some((old.to_owned(), new.as_str()?.to_owned())))
            .collect(),
    }
}
