//! The public API of each generated crate, one line per item (see
//! `workspace_tests::public_api`), as a committed `insta` snapshot: whatever changes what users
//! of a crate can name (a spec update, a generator change) fails here until the snapshot is
//! reviewed, and shows in review as a short diff next to the code diff.
//!
//! After an intended change: `cargo insta review` (or `INSTA_UPDATE=always cargo test -p
//! workspace-tests --test public_api`), then commit the `.snap` files with the code.

use std::collections::BTreeMap;

use workspace_tests::public_api::{difference, list, read_sources};
use workspace_tests::workspace_root;

/// The listing of `generated/<name>`, one item per line.
fn listing(name: &str) -> String {
    let crate_dir = workspace_root().join("generated").join(name);
    let sources = read_sources(&crate_dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", crate_dir.display()));
    let lines = list(&sources).unwrap_or_else(|e| panic!("{}: {e}", crate_dir.display()));
    lines.join("\n") + "\n"
}

#[test]
fn magicline() {
    insta::assert_snapshot!(listing("magicline"));
}

#[test]
fn magicline_connect() {
    insta::assert_snapshot!(listing("magicline-connect"));
}

#[test]
fn magicline_device() {
    insta::assert_snapshot!(listing("magicline-device"));
}

#[test]
fn magicline_webhooks() {
    insta::assert_snapshot!(listing("magicline-webhooks"));
}

/// The names an item kind line (`struct api::X…`, `enum models::Y…`) gives in `module`.
fn item_names<'a>(listing: &'a str, module: &str) -> std::collections::BTreeSet<&'a str> {
    let prefix = format!("{module}::");
    listing
        .lines()
        .filter_map(|line| {
            let (kind, rest) = line.split_once(' ')?;
            if !matches!(kind, "struct" | "enum" | "type" | "use" | "trait") {
                return None;
            }
            let name = rest.strip_prefix(&prefix)?;
            let end = name
                .find(|c: char| !(c.is_alphanumeric() || c == '_'))
                .unwrap_or(name.len());
            Some(&name[..end])
        })
        .collect()
}

/// No public name of `api` is one of `models` too, in any crate: `use api::*` and
/// `use models::*` together never make a name ambiguous.
#[test]
fn api_and_models_share_no_name() {
    for name in [
        "magicline",
        "magicline-connect",
        "magicline-device",
        "magicline-webhooks",
    ] {
        let listing = listing(name);
        let api = item_names(&listing, "api");
        let models = item_names(&listing, "models");
        assert!(
            name.ends_with("webhooks") || !api.is_empty(),
            "{name}: no api items"
        );
        assert!(!models.is_empty(), "{name}: no model items");
        let shared: Vec<_> = api.intersection(&models).collect();
        assert!(
            shared.is_empty(),
            "{name}: {shared:?} in both api and models"
        );
    }
}

/// `shared/specs` beside the workspace: where the Magicline spec versions compared below are.
fn shared_spec(file: &str) -> String {
    let root = workspace_root();
    let path = root
        .parent()
        .unwrap_or(&root)
        .join("shared")
        .join("specs")
        .join(file);
    std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "cannot read {} ({e}): this test needs magicline-openapi-1.5.0.json and \
             magicline-openapi-1.11.1.json in the shared/specs folder beside the workspace",
            path.display()
        )
    })
}

/// The listing of the crate the generator makes of `spec`, generated in memory.
fn generated_listing(spec: &str) -> Vec<String> {
    let spec = codegen::Spec::parse(spec).unwrap_or_else(|e| panic!("{e}"));
    let output = codegen::generate(
        &spec,
        &codegen::Settings::new(
            "magicline",
            "0.1.0",
            xtask::generation::workspace_runtime("../../runtime"),
        ),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let sources: BTreeMap<String, String> = output
        .files
        .into_iter()
        .filter_map(|file| {
            let path = file.path.strip_prefix("src/")?.to_owned();
            Some((path, file.contents))
        })
        .collect();
    list(&sources).unwrap_or_else(|e| panic!("{e}"))
}

/// The real 1.5.0 -> 1.11.1 update: what `specdiff` reports as breaking shows up here as
/// removed lines of the generated crate's API.
#[test]
fn a_spec_update_shows_as_removed_and_added_lines() {
    let old = generated_listing(&shared_spec("magicline-openapi-1.5.0.json"));
    let new = generated_listing(&shared_spec("magicline-openapi-1.11.1.json"));
    let (removed, added) = difference(&old, &new);

    // A property removed from a schema (`LeadCustomerData.address`).
    assert!(
        removed
            .contains(&"field models::LeadCustomerData.address: Option<LeadCustomerAddressData>"),
        "{removed:#?}"
    );
    // A schema removed (`LocalTime`), and a field retyped because of it.
    assert!(
        removed
            .iter()
            .any(|line| line.starts_with("struct models::LocalTime ")),
        "{removed:#?}"
    );
    assert!(
        removed.contains(&"field models::StudioOpeningHours.time_from: Option<LocalTime>"),
        "{removed:#?}"
    );
    // An operation renamed (`getSignupPreview` -> `postSignupPreview`): the method goes, another comes.
    let method = |lines: &[&str], name: &str| lines.iter().any(|line| line.contains(name));
    assert!(method(&removed, "::get_signup_preview("), "{removed:#?}");
    assert!(method(&added, "::post_signup_preview("), "{added:#?}");
    assert!(!method(&removed, "::post_signup_preview("));
}
