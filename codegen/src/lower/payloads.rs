//! The payload types of the calls an API makes to the reader of its document: a 3.1 document's
//! `webhooks` (in any crate), and, in a models-only crate ([`Surface::ModelsOnly`], for documents
//! that describe such calls as `paths`, as webhook documents written in 3.0 do), its operations.
//!
//! Each call's request body is typed exactly as an operation's request body is
//! (`operations::request_body`): a `$ref` names its component schema, an inline schema becomes a
//! type named after the call (`<operationId>Body`, else `<method> <webhook name>`, such as
//! `PostNewPetBody`), and a body that cannot be typed gets the same warning at its pointer.
//! Nothing else of such a call (its parameters, the answer the API expects) becomes Rust.

use std::borrow::Cow;

use openapiv3::{PathItem, ReferenceOr};

use super::operations;
use super::schemas::TypeSpace;
use crate::Surface;
use crate::error::{Error, Pointer};
use crate::names::{self, Namespace};
use crate::spec::Spec;

/// Types the payload of every call the API makes to the reader (see the module docs).
pub(crate) fn type_payloads(
    spec: &Spec,
    surface: Surface,
    types: &mut TypeSpace<'_>,
) -> Result<(), Error> {
    let api = spec.openapi();
    let webhooks = Pointer::root().join("webhooks");
    let mut calls: Vec<(&str, &ReferenceOr<PathItem>, Pointer)> = spec
        .webhooks()
        .iter()
        .map(|(name, item)| (name.as_str(), item, webhooks.join(name)))
        .collect();
    if surface == Surface::ModelsOnly {
        let paths = Pointer::root().join("paths");
        calls.extend(
            (api.paths.paths.iter()).map(|(path, item)| (path.as_str(), item, paths.join(path))),
        );
    }
    for (place, item, item_pointer) in calls {
        let Some(item) = path_item(types, item, &item_pointer) else {
            continue;
        };
        for (method, operation) in item.iter() {
            let Some(body) = &operation.request_body else {
                continue;
            };
            let prefix = names::camel(&operations::operation_id(operation, method, place));
            let pointer = item_pointer.join(method).join("requestBody");
            // Multipart parts would claim names among the call's inputs, which are not made.
            let mut inputs = Namespace::default();
            operations::request_body(api, types, &prefix, body, &pointer, &mut inputs)?;
        }
    }
    Ok(())
}

/// The path item itself, or the one its `$ref` names (3.1's `components/pathItems`); `None`,
/// with a warning, for a reference to nothing.
fn path_item<'a>(
    types: &mut TypeSpace<'_>,
    item: &'a ReferenceOr<PathItem>,
    pointer: &Pointer,
) -> Option<Cow<'a, PathItem>> {
    match item {
        ReferenceOr::Item(item) => Some(Cow::Borrowed(item)),
        ReferenceOr::Reference { reference } => {
            let found = types.refs().read::<PathItem>(reference);
            if found.is_none() {
                types.warn(
                    pointer,
                    format!(
                        "reference {reference} points to no path item; its payload is not typed"
                    ),
                );
            }
            found.map(Cow::Owned)
        }
    }
}
