//! Which component schemas travel in requests: a newly required property only hurts there.

use std::collections::BTreeSet;

use openapiv3::{
    AdditionalProperties, ParameterSchemaOrContent, ReferenceOr, Schema, SchemaKind, Type,
};

use crate::operations::{each_operation, resolve_body, resolve_parameter};
use crate::schema::{Doc, Node, component_key};

/// The keys of every component schema reachable from a parameter or a request body of some
/// operation, following references through properties, items and compositions.
pub(crate) fn request_types(doc: &Doc<'_>) -> BTreeSet<String> {
    let mut roots: Vec<Node<'_>> = Vec::new();
    for (_, _, item, operation) in each_operation(doc) {
        for parameter in item.parameters.iter().chain(&operation.parameters) {
            let Some(parameter) = resolve_parameter(doc, parameter) else {
                continue;
            };
            match &parameter.parameter_data_ref().format {
                ParameterSchemaOrContent::Schema(schema) => roots.push(schema.into()),
                ParameterSchemaOrContent::Content(content) => roots.extend(
                    content
                        .values()
                        .filter_map(|m| m.schema.as_ref())
                        .map(Node::from),
                ),
            }
        }
        if let Some(body) = operation
            .request_body
            .as_ref()
            .and_then(|b| resolve_body(doc, b))
        {
            roots.extend(
                body.content
                    .values()
                    .filter_map(|m| m.schema.as_ref())
                    .map(Node::from),
            );
        }
    }
    reachable(doc, roots)
}

fn reachable<'a>(doc: &Doc<'a>, mut stack: Vec<Node<'a>>) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    while let Some(node) = stack.pop() {
        match node {
            Node::Ref(reference) => {
                let Some(key) = component_key(reference) else {
                    continue;
                };
                // Visiting each component once also ends cycles of references.
                if found.insert(key.to_owned()) {
                    if let Some(schema) = doc.component(key) {
                        stack.push(schema.into());
                    }
                }
            }
            Node::Item(schema) => children(schema, &mut stack),
        }
    }
    found
}

/// The sub-schemas of `schema`, one level down.
fn children<'a>(schema: &'a Schema, out: &mut Vec<Node<'a>>) {
    let additional = |a: &'a Option<AdditionalProperties>, out: &mut Vec<Node<'a>>| {
        if let Some(AdditionalProperties::Schema(value)) = a {
            out.push(value.as_ref().into());
        }
    };
    let all = |parts: &'a [ReferenceOr<Schema>], out: &mut Vec<Node<'a>>| {
        out.extend(parts.iter().map(Node::from))
    };
    match &schema.schema_kind {
        SchemaKind::Type(Type::Object(object)) => {
            out.extend(object.properties.values().map(Node::from));
            additional(&object.additional_properties, out);
        }
        SchemaKind::Type(Type::Array(array)) => out.extend(array.items.as_ref().map(Node::from)),
        SchemaKind::Type(_) => {}
        SchemaKind::AllOf { all_of: parts }
        | SchemaKind::OneOf { one_of: parts }
        | SchemaKind::AnyOf { any_of: parts } => all(parts, out),
        SchemaKind::Not { not } => out.push(not.as_ref().into()),
        SchemaKind::Any(any) => {
            out.extend(any.properties.values().map(Node::from));
            additional(&any.additional_properties, out);
            out.extend(any.items.as_ref().map(Node::from));
            all(&any.all_of, out);
            all(&any.one_of, out);
            all(&any.any_of, out);
            out.extend(any.not.as_deref().map(Node::from));
        }
    }
}
