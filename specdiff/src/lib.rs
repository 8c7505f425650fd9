//! What changed between two versions of an OpenAPI document, judged for a user of the Rust
//! client `codegen` generates from it.
//!
//! The crate is pure, like `codegen`: two parsed documents in, a [`Report`] out; reading files
//! and printing is `cargo xtask diff`'s job. Documents are read by `codegen`'s own parser
//! ([`codegen::Spec::parse`]), so a document the generator refuses gives the same error here,
//! and 3.1 constructs are already rewritten to their 3.0 form.
//!
//! ```no_run
//! let old = codegen::Spec::parse(&std::fs::read_to_string("old.json").unwrap()).unwrap();
//! let new = codegen::Spec::parse(&std::fs::read_to_string("new.json").unwrap()).unwrap();
//! let report = specdiff::diff(&old, &new);
//! println!("{}", report.to_markdown());
//! println!("next version: {}", report.suggested_bump("0.3.1").unwrap());
//! ```
//!
//! # What is compared
//!
//! - Operations, matched by method and path template (path parameter names aside): added,
//!   removed, renamed (`operationId`, which names the method), moved (first tag, which picks
//!   the client group); their parameters, request body and success response type.
//! - Component schemas: added, removed, and everything inside them: properties added,
//!   removed, retyped (format included), required-ness and nullability, enum values.
//! - Types are compared as the generator maps them (see [`Severity`] for the question asked):
//!   a `$ref` by the referenced schema's name, inline schemas member by member, `allOf` parts
//!   merged. A change inside a component schema is reported once, at the schema, not at every
//!   operation that uses it.
//!
//! Not compared: error responses, descriptions and examples, security, servers, deprecation,
//! validation keywords (`minimum`, `pattern`, ...), none of which changes the client's types;
//! nor the members of inline objects inside an inline `oneOf`/`anyOf` (the alternatives are
//! compared by kind and order only), nor `additionalProperties` next to named properties.
//!
//! Architecture Invariant: no I/O, and no panics on any document `codegen` can parse.

mod compare;
mod operations;
mod report;
mod schema;
mod usage;
mod version;

pub use report::{
    Change, ChangeKind, Counts, DocumentInfo, Endpoint, Location, ParameterIn, Report, Severity,
};
pub use version::{Bump, InvalidVersion};

use compare::{Differ, Site};
use schema::Doc;

/// Compares two documents. The changes come sorted by location, then kind.
pub fn diff(old: &codegen::Spec, new: &codegen::Spec) -> Report {
    let (old_api, new_api) = (old.openapi(), new.openapi());
    let (old_doc, new_doc) = (Doc::new(old_api), Doc::new(new_api));
    let mut differ = Differ::default();
    operations::diff(&old_doc, &new_doc, &mut differ);
    components(&old_doc, &new_doc, &mut differ);
    let info = |api: &openapiv3::OpenAPI| DocumentInfo {
        title: api.info.title.clone(),
        version: api.info.version.clone(),
    };
    Report::new(info(old_api), info(new_api), differ.changes)
}

/// Component schemas, matched by key. A removed schema removes its Rust type; an added one
/// adds a type and breaks nothing.
fn components(old: &Doc<'_>, new: &Doc<'_>, differ: &mut Differ) {
    let request_types = usage::request_types(new);
    for (name, before) in old.schemas() {
        let location = Location::Schema {
            name: name.to_owned(),
            member: String::new(),
        };
        match new.component(name) {
            Some(after) => {
                let site = Site {
                    location,
                    type_kind: ChangeKind::SchemaTypeChanged,
                    in_request: request_types.contains(name),
                };
                differ.shapes(
                    &old.component_shape(before),
                    &new.component_shape(after),
                    &site,
                );
            }
            None => {
                let detail = format!(
                    "was {}; the model type is removed",
                    old.component_shape(before).summary()
                );
                differ.push(
                    ChangeKind::SchemaRemoved,
                    &location,
                    Severity::Breaking,
                    detail,
                );
            }
        }
    }
    for (name, after) in new.schemas() {
        if old.component(name).is_none() {
            let location = Location::Schema {
                name: name.to_owned(),
                member: String::new(),
            };
            let detail = format!("new model type: {}", new.component_shape(after).summary());
            differ.push(
                ChangeKind::SchemaAdded,
                &location,
                Severity::NonBreaking,
                detail,
            );
        }
    }
}
