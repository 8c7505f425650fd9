//! Operations: matched by method and path, then compared by what the client method looks
//! like: its name and group, its arguments and setters (parameters, body) and its return type.

use std::collections::BTreeMap;

use openapiv3::{
    Operation, Parameter, ParameterSchemaOrContent, PathItem, ReferenceOr, RequestBody, Response,
    StatusCode,
};

use crate::compare::{Differ, Members, Site};
use crate::report::{ChangeKind, Endpoint, Location, ParameterIn, Severity};
use crate::schema::{Doc, Node, ObjectShape, Shape};

/// Every operation of the document: path, lower-case method, its path item and itself.
/// Path items given as `$ref` are skipped: codegen refuses them, so they have no client method.
pub(crate) fn each_operation<'a>(
    doc: &Doc<'a>,
) -> impl Iterator<Item = (&'a str, &'a str, &'a PathItem, &'a Operation)> {
    doc.api
        .paths
        .paths
        .iter()
        .filter_map(|(path, item)| item.as_item().map(|item| (path, item)))
        .flat_map(|(path, item)| {
            item.iter()
                .map(move |(method, operation)| (path.as_str(), method, item, operation))
        })
}

pub(crate) fn resolve_parameter<'a>(
    doc: &Doc<'a>,
    parameter: &'a ReferenceOr<Parameter>,
) -> Option<&'a Parameter> {
    match parameter {
        ReferenceOr::Item(parameter) => Some(parameter),
        ReferenceOr::Reference { reference } => {
            let key = reference.strip_prefix("#/components/parameters/")?;
            doc.api.components.as_ref()?.parameters.get(key)?.as_item()
        }
    }
}

pub(crate) fn resolve_body<'a>(
    doc: &Doc<'a>,
    body: &'a ReferenceOr<RequestBody>,
) -> Option<&'a RequestBody> {
    match body {
        ReferenceOr::Item(body) => Some(body),
        ReferenceOr::Reference { reference } => {
            let key = reference.strip_prefix("#/components/requestBodies/")?;
            doc.api
                .components
                .as_ref()?
                .request_bodies
                .get(key)?
                .as_item()
        }
    }
}

fn resolve_response<'a>(
    doc: &Doc<'a>,
    response: &'a ReferenceOr<Response>,
) -> Option<&'a Response> {
    match response {
        ReferenceOr::Item(response) => Some(response),
        ReferenceOr::Reference { reference } => {
            let key = reference.strip_prefix("#/components/responses/")?;
            doc.api.components.as_ref()?.responses.get(key)?.as_item()
        }
    }
}

/// The media types codegen decodes as JSON.
fn is_json(media_type: &str) -> bool {
    let essence = media_type.split(';').next().unwrap_or_default().trim();
    essence == "application/json"
        || essence.ends_with("+json")
        || essence == "*/*"
        || essence == "application/*"
}

/// One operation of one document.
struct Op<'a> {
    endpoint: Endpoint,
    /// What codegen names the method after: the `operationId`, else `method path`.
    id: String,
    /// The tag that picks the client group the method is in.
    group: String,
    summary: Option<&'a str>,
    item: &'a PathItem,
    operation: &'a Operation,
}

/// Operations by method and path template, with parameter names blanked (`/a/{}`): renaming
/// a path parameter keeps the operation, and shows up as a parameter change.
fn operations<'a>(doc: &Doc<'a>) -> BTreeMap<(String, String), Op<'a>> {
    let mut found = BTreeMap::new();
    for (path, method, item, operation) in each_operation(doc) {
        let op = Op {
            endpoint: Endpoint {
                method: method.to_uppercase(),
                path: path.to_owned(),
                operation_id: operation.operation_id.clone(),
            },
            id: operation
                .operation_id
                .clone()
                .unwrap_or_else(|| format!("{method} {path}")),
            group: operation
                .tags
                .first()
                .cloned()
                .unwrap_or_else(|| "default".to_owned()),
            summary: operation
                .summary
                .as_deref()
                .filter(|s| !s.trim().is_empty()),
            item,
            operation,
        };
        let key = (blank_parameters(path), op.endpoint.method.clone());
        // Two templates that differ only in parameter names are ambiguous; keep both apart.
        let key = if found.contains_key(&key) {
            (path.to_owned(), key.1)
        } else {
            key
        };
        found.insert(key, op);
    }
    found
}

fn blank_parameters(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut in_braces = false;
    for c in path.chars() {
        match c {
            '{' => {
                in_braces = true;
                out.push_str("{}");
            }
            '}' if in_braces => in_braces = false,
            _ if in_braces => {}
            c => out.push(c),
        }
    }
    out
}

/// Compares every operation; `request_types` are the component schemas the new document
/// sends in requests.
pub(crate) fn diff(old: &Doc<'_>, new: &Doc<'_>, differ: &mut Differ) {
    let (old_ops, new_ops) = (operations(old), operations(new));
    for (key, before) in &old_ops {
        match new_ops.get(key) {
            Some(after) => operation(old, before, new, after, differ),
            None => {
                let detail = match before.summary {
                    Some(summary) => format!("the client method is removed ({})", summary.trim()),
                    None => "the client method is removed".to_owned(),
                };
                differ.push(
                    ChangeKind::OperationRemoved,
                    &Location::Operation(before.endpoint.clone()),
                    Severity::Breaking,
                    detail,
                );
            }
        }
    }
    for (key, after) in &new_ops {
        if !old_ops.contains_key(key) {
            let detail = match after.summary {
                Some(summary) => format!("new client method: {}", summary.trim()),
                None => "new client method".to_owned(),
            };
            differ.push(
                ChangeKind::OperationAdded,
                &Location::Operation(after.endpoint.clone()),
                Severity::NonBreaking,
                detail,
            );
        }
    }
}

fn operation(
    old_doc: &Doc<'_>,
    old: &Op<'_>,
    new_doc: &Doc<'_>,
    new: &Op<'_>,
    differ: &mut Differ,
) {
    let endpoint = &new.endpoint;
    let location = Location::Operation(endpoint.clone());
    if old.id != new.id {
        let detail = format!(
            "`{}` → `{}`: the client method and its request builder are renamed",
            old.id, new.id
        );
        differ.push(
            ChangeKind::OperationRenamed,
            &location,
            Severity::Breaking,
            detail,
        );
    }
    if old.group != new.group {
        let detail = format!(
            "tag `{}` → `{}`: the method moves to another group of the client",
            old.group, new.group
        );
        differ.push(
            ChangeKind::OperationMoved,
            &location,
            Severity::Breaking,
            detail,
        );
    }
    parameters(
        &params(old_doc, old),
        &params(new_doc, new),
        endpoint,
        differ,
    );
    request_body(
        body(old_doc, old.operation),
        body(new_doc, new.operation),
        endpoint,
        differ,
    );
    response(
        &success(old_doc, old.operation),
        &success(new_doc, new.operation),
        endpoint,
        differ,
    );
}

struct Param {
    name: String,
    at: ParameterIn,
    required: bool,
    shape: Shape,
}

/// The effective parameters: the operation's own, then the path item's it does not override
/// (same name and location), as codegen takes them. A path parameter is always required.
fn params(doc: &Doc<'_>, op: &Op<'_>) -> Vec<Param> {
    let mut out: Vec<Param> = Vec::new();
    for parameter in op.operation.parameters.iter().chain(&op.item.parameters) {
        let Some(parameter) = resolve_parameter(doc, parameter) else {
            continue;
        };
        let at = match parameter {
            Parameter::Path { .. } => ParameterIn::Path,
            Parameter::Query { .. } => ParameterIn::Query,
            Parameter::Header { .. } => ParameterIn::Header,
            Parameter::Cookie { .. } => ParameterIn::Cookie,
        };
        let data = parameter.parameter_data_ref();
        if out.iter().any(|p| p.name == data.name && p.at == at) {
            continue;
        }
        let shape = match &data.format {
            ParameterSchemaOrContent::Schema(schema) => doc.shape(schema.into()),
            ParameterSchemaOrContent::Content(content) => content
                .values()
                .find_map(|m| m.schema.as_ref())
                .map_or(Shape::Any, |s| doc.shape(s.into())),
        };
        out.push(Param {
            name: data.name.clone(),
            at,
            required: data.required || at == ParameterIn::Path,
            shape,
        });
    }
    out
}

fn parameter_location(endpoint: &Endpoint, param: &Param) -> Location {
    Location::Parameter {
        endpoint: endpoint.clone(),
        name: param.name.clone(),
        at: param.at,
        member: String::new(),
    }
}

/// Required parameters are arguments of the client method and optional ones setters on its
/// request builder, so adding a required one or moving one between the two is breaking.
/// Moving a parameter between query and header is not: the method looks the same and the
/// regenerated client sends the value where the server now expects it.
fn parameters(old: &[Param], new: &[Param], endpoint: &Endpoint, differ: &mut Differ) {
    let mut unmatched: Vec<&Param> = new.iter().collect();
    let mut pairs: Vec<(&Param, &Param)> = Vec::new();
    let mut leftover: Vec<&Param> = Vec::new();
    for before in old {
        match unmatched
            .iter()
            .position(|p| p.name == before.name && p.at == before.at)
        {
            Some(index) => pairs.push((before, unmatched.remove(index))),
            None => leftover.push(before),
        }
    }
    for before in leftover {
        match unmatched.iter().position(|p| p.name == before.name) {
            Some(index) => pairs.push((before, unmatched.remove(index))),
            None => {
                let (what, role) = if before.required {
                    ("required", "argument")
                } else {
                    ("optional", "request builder setter")
                };
                let detail = format!(
                    "was {what} `{}`; the {role} is removed",
                    before.shape.describe()
                );
                differ.push(
                    ChangeKind::ParameterRemoved,
                    &parameter_location(endpoint, before),
                    Severity::Breaking,
                    detail,
                );
            }
        }
    }
    for after in unmatched {
        let ty = after.shape.describe();
        let (severity, detail) = if after.required {
            (
                Severity::Breaking,
                format!("required `{ty}`: the method takes a new argument"),
            )
        } else {
            (
                Severity::NonBreaking,
                format!("optional `{ty}`: a new setter on the request builder"),
            )
        };
        differ.push(
            ChangeKind::ParameterAdded,
            &parameter_location(endpoint, after),
            severity,
            detail,
        );
    }
    for (before, after) in pairs {
        let location = parameter_location(endpoint, after);
        if before.at != after.at {
            let detail = format!(
                "{} → {}: the method is unchanged; the regenerated client sends it in the new place",
                before.at, after.at
            );
            differ.push(
                ChangeKind::ParameterLocationChanged,
                &location,
                Severity::NonBreaking,
                detail,
            );
        }
        if before.required != after.required {
            let detail = if after.required {
                "optional → required: it moves from the request builder to the method's arguments"
            } else {
                "required → optional: it moves from the method's arguments to the request builder"
            };
            differ.push(
                ChangeKind::ParameterRequiredChanged,
                &location,
                Severity::Breaking,
                detail,
            );
        }
        let site = Site {
            location,
            type_kind: ChangeKind::ParameterTypeChanged,
            in_request: true,
        };
        differ.shapes(&before.shape, &after.shape, &site);
    }
}

/// A request body as the client method takes it.
enum BodyShape {
    Json(Shape),
    /// The parts of the form, each an argument or setter of its own.
    Multipart(ObjectShape),
    /// Media types codegen does not support (or a reference to nothing): compared as a list.
    Other(Vec<String>),
}

impl BodyShape {
    fn describe(&self) -> String {
        match self {
            BodyShape::Json(shape) => format!("JSON `{}`", shape.describe()),
            BodyShape::Multipart(_) => "multipart form".to_owned(),
            BodyShape::Other(media_types) => media_types.join(", "),
        }
    }
}

struct Body {
    shape: BodyShape,
    required: bool,
}

fn body(doc: &Doc<'_>, operation: &Operation) -> Option<Body> {
    let reference = operation.request_body.as_ref()?;
    let Some(body) = resolve_body(doc, reference) else {
        let text = match reference {
            ReferenceOr::Reference { reference } => reference.clone(),
            ReferenceOr::Item(_) => "request body".to_owned(),
        };
        return Some(Body {
            shape: BodyShape::Other(vec![text]),
            required: false,
        });
    };
    let shape = if let Some((_, media)) = body.content.iter().find(|(m, _)| is_json(m)) {
        BodyShape::Json(
            media
                .schema
                .as_ref()
                .map_or(Shape::Any, |s| doc.shape(s.into())),
        )
    } else if let Some(media) = body.content.get("multipart/form-data") {
        let schema = media
            .schema
            .as_ref()
            .and_then(|s| doc.resolve(Node::from(s)));
        match schema.and_then(|s| doc.object_members(s)) {
            Some(parts) => BodyShape::Multipart(parts),
            None => BodyShape::Other(vec!["multipart/form-data".to_owned()]),
        }
    } else {
        BodyShape::Other(body.content.keys().cloned().collect())
    };
    Some(Body {
        shape,
        required: body.required,
    })
}

/// A required body is an argument of the client method, an optional one a setter.
fn request_body(old: Option<Body>, new: Option<Body>, endpoint: &Endpoint, differ: &mut Differ) {
    let location = Location::RequestBody {
        endpoint: endpoint.clone(),
        member: String::new(),
    };
    let (old, new) = match (old, new) {
        (None, None) => return,
        (None, Some(new)) => {
            let ty = new.shape.describe();
            let (severity, detail) = if new.required {
                (
                    Severity::Breaking,
                    format!("required {ty}: the method takes a new argument"),
                )
            } else {
                (
                    Severity::NonBreaking,
                    format!("optional {ty}: a new setter on the request builder"),
                )
            };
            differ.push(ChangeKind::RequestBodyAdded, &location, severity, detail);
            return;
        }
        (Some(old), None) => {
            let detail = format!(
                "was {}; the method no longer takes it",
                old.shape.describe()
            );
            differ.push(
                ChangeKind::RequestBodyRemoved,
                &location,
                Severity::Breaking,
                detail,
            );
            return;
        }
        (Some(old), Some(new)) => (old, new),
    };
    if old.required != new.required {
        let detail = if new.required {
            "optional → required: it moves from the request builder to the method's arguments"
        } else {
            "required → optional: it moves from the method's arguments to the request builder"
        };
        differ.push(
            ChangeKind::RequestBodyRequiredChanged,
            &location,
            Severity::Breaking,
            detail,
        );
    }
    let site = Site {
        location: location.clone(),
        type_kind: ChangeKind::RequestBodyTypeChanged,
        in_request: true,
    };
    match (&old.shape, &new.shape) {
        (BodyShape::Json(old), BodyShape::Json(new)) => differ.shapes(old, new, &site),
        (BodyShape::Multipart(old), BodyShape::Multipart(new)) => {
            differ.objects(old, new, &site, Members::Parts)
        }
        (BodyShape::Other(old), BodyShape::Other(new)) if old == new => {}
        (old, new) => {
            let detail = format!(
                "{} → {}: the method takes a different body",
                old.describe(),
                new.describe()
            );
            differ.push(
                ChangeKind::RequestBodyTypeChanged,
                &location,
                Severity::Breaking,
                detail,
            );
        }
    }
}

/// What a successful call returns.
#[derive(Debug, PartialEq)]
enum Success {
    Empty,
    Bytes,
    Json(Shape),
}

impl Success {
    fn describe(&self) -> String {
        match self {
            Success::Empty => "no body".to_owned(),
            Success::Bytes => "raw bytes".to_owned(),
            Success::Json(shape) => format!("JSON `{}`", shape.describe()),
        }
    }
}

/// The body of the 2XX responses, as codegen picks it: the first one with content (codegen
/// refuses documents whose success bodies disagree, so any one would do).
fn success(doc: &Doc<'_>, operation: &Operation) -> Success {
    let is_success = |status: &StatusCode| match status {
        StatusCode::Code(code) => (200..300).contains(code),
        StatusCode::Range(range) => *range == 2,
    };
    let responses = operation
        .responses
        .responses
        .iter()
        .filter(|(status, _)| is_success(status));
    for response in responses.filter_map(|(_, r)| resolve_response(doc, r)) {
        if response.content.is_empty() {
            continue;
        }
        return match response.content.iter().find(|(m, _)| is_json(m)) {
            Some((_, media)) => Success::Json(
                media
                    .schema
                    .as_ref()
                    .map_or(Shape::Any, |s| doc.shape(s.into())),
            ),
            None => Success::Bytes,
        };
    }
    Success::Empty
}

/// The return type of the method: any change of it is breaking, except member changes inside
/// an inline response object, which are judged one by one.
fn response(old: &Success, new: &Success, endpoint: &Endpoint, differ: &mut Differ) {
    let location = Location::Response {
        endpoint: endpoint.clone(),
        member: String::new(),
    };
    match (old, new) {
        (Success::Json(old), Success::Json(new)) => {
            let site = Site {
                location,
                type_kind: ChangeKind::ResponseTypeChanged,
                in_request: false,
            };
            differ.shapes(old, new, &site);
        }
        (old, new) if old == new => {}
        (old, new) => {
            let detail = format!(
                "{} → {}: the method returns a different type",
                old.describe(),
                new.describe()
            );
            differ.push(
                ChangeKind::ResponseTypeChanged,
                &location,
                Severity::Breaking,
                detail,
            );
        }
    }
}
