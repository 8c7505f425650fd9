//! The committed contract calls (`generated/<crate>/tests/contract/calls.rs`) are what
//! `codegen::generate_contract_calls` makes of the fetched specs, so the contract tests that
//! `include!` them test the current generator.
//!
//! Rewrite them with
//! `UPDATE_CONTRACT_CALLS=1 cargo test -p workspace-tests --test contract_calls`.

use workspace_tests::specs::{ApiSpec, CONNECT, OPENAPI};

fn check(api: &ApiSpec) {
    let expected = api.generate_contract_calls();
    let path = api.contract_calls_path();
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    if committed == expected {
        return;
    }
    if std::env::var_os("UPDATE_CONTRACT_CALLS").is_some() {
        std::fs::create_dir_all(path.parent().expect("the path has a folder"))
            .expect("create the folder");
        std::fs::write(&path, expected)
            .unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
        println!("updated {}", path.display());
        return;
    }
    panic!(
        "{} is not what codegen generates from {}: run \
         `UPDATE_CONTRACT_CALLS=1 cargo test -p workspace-tests --test contract_calls`",
        path.display(),
        api.path().display()
    );
}

#[test]
fn openapi_contract_calls_are_up_to_date() {
    check(&OPENAPI);
}

#[test]
fn connect_contract_calls_are_up_to_date() {
    check(&CONNECT);
}
